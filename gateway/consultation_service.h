#pragma once

// zorgbrug.v1.Consultations on the gRPC callback API. Thin: decode, ConsultationToFhir /
// ConsultationFromFhir / ConsultationBill (consultation.h), encode; a refused request's status
// comes from the core's rejection and carries the response as rich status details.

#include <grpcpp/grpcpp.h>

#include "gateway/consultation.h"
#include "zorgbrug/v1/consultation_translation.grpc.pb.h"

namespace zorgbrug::gateway {

class ConsultationService final : public v1::Consultations::CallbackService {
 public:
  // `options.new_uuid` and `options.now` are replaced per call by NewUuid and the clock.
  explicit ConsultationService(TranslationOptions options) : options_(std::move(options)) {}

  grpc::ServerUnaryReactor* ToFhir(grpc::CallbackServerContext* context,
                                   const v1::ConsultationToFhirRequest* request,
                                   v1::ConsultationToFhirResponse* response) override;
  grpc::ServerUnaryReactor* FromFhir(grpc::CallbackServerContext* context,
                                     const v1::ConsultationFromFhirRequest* request,
                                     v1::ConsultationFromFhirResponse* response) override;
  grpc::ServerUnaryReactor* Bill(grpc::CallbackServerContext* context,
                                 const v1::BillRequest* request,
                                 v1::BillResponse* response) override;

 private:
  const TranslationOptions options_;
};

}  // namespace zorgbrug::gateway
