#include "gateway/bib_screening_service.h"

#include <utility>

#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {
grpc::ServerUnaryReactor* BibScreeningService::ToFhir(grpc::CallbackServerContext* context,
                                                      const v1::BibToFhirRequest* request,
                                                      v1::BibToFhirResponse* response) {
  return Serve(context, "BibScreenings.ToFhir",
               [&] { return Answer(BibToFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* BibScreeningService::FromFhir(grpc::CallbackServerContext* context,
                                                        const v1::BibFromFhirRequest* request,
                                                        v1::BibFromFhirResponse* response) {
  return Serve(context, "BibScreenings.FromFhir",
               [&] { return Answer(BibFromFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* BibScreeningService::Evaluate(grpc::CallbackServerContext* context,
                                                        const v1::EvaluateRequest* request,
                                                        v1::EvaluateResponse* response) {
  return Serve(context, "BibScreenings.Evaluate",
               [&] { return Answer(BibEvaluate(*request), response); });
}

grpc::ServerUnaryReactor* BibScreeningService::GetDefinitions(
    grpc::CallbackServerContext* context, const v1::GetDefinitionsRequest* /*request*/,
    v1::GetDefinitionsResponse* response) {
  return Serve(context, "BibScreenings.GetDefinitions", [&] {
    *response = BibDefinitions();
    return grpc::Status::OK;
  });
}

}  // namespace zorgbrug::gateway
