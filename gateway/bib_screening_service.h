#pragma once

// zorgbrug.v1.BibScreenings on the gRPC callback API. Thin: decode, BibToFhir / BibFromFhir /
// BibEvaluate / BibDefinitions (bib_screening.h), encode; a refused request's status comes from
// the core's rejection and carries the response (or, when that exceeds 4 KiB, its decisive issue)
// as rich status details.

#include <grpcpp/grpcpp.h>

#include "gateway/bib_screening.h"
#include "zorgbrug/v1/bib_screening.grpc.pb.h"

namespace zorgbrug::gateway {

class BibScreeningService final : public v1::BibScreenings::CallbackService {
 public:
  // `options.new_uuid` and `options.now` are replaced per call by NewUuid and the clock.
  explicit BibScreeningService(BibScreeningOptions options) : options_(std::move(options)) {}

  grpc::ServerUnaryReactor* ToFhir(grpc::CallbackServerContext* context,
                                   const v1::BibToFhirRequest* request,
                                   v1::BibToFhirResponse* response) override;
  grpc::ServerUnaryReactor* FromFhir(grpc::CallbackServerContext* context,
                                     const v1::BibFromFhirRequest* request,
                                     v1::BibFromFhirResponse* response) override;
  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context,
                                     const v1::EvaluateRequest* request,
                                     v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* GetDefinitions(grpc::CallbackServerContext* context,
                                           const v1::GetDefinitionsRequest* request,
                                           v1::GetDefinitionsResponse* response) override;

 private:
  const BibScreeningOptions options_;
};

}  // namespace zorgbrug::gateway
