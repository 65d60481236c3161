#include "gateway/consultation_service.h"

#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {

grpc::ServerUnaryReactor* ConsultationService::ToFhir(grpc::CallbackServerContext* context,
                                                      const v1::ConsultationToFhirRequest* request,
                                                      v1::ConsultationToFhirResponse* response) {
  return Serve(context, "Consultations.ToFhir",
               [&] { return Answer(ConsultationToFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* ConsultationService::FromFhir(
    grpc::CallbackServerContext* context, const v1::ConsultationFromFhirRequest* request,
    v1::ConsultationFromFhirResponse* response) {
  return Serve(context, "Consultations.FromFhir",
               [&] { return Answer(ConsultationFromFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* ConsultationService::Bill(grpc::CallbackServerContext* context,
                                                    const v1::BillRequest* request,
                                                    v1::BillResponse* response) {
  return Serve(context, "Consultations.Bill",
               [&] { return Answer(ConsultationBill(*request), response); });
}

}  // namespace zorgbrug::gateway
