#pragma once

// zorgbrug.v1.EpdTranslation on the gRPC callback API. Thin: decode, TranslateToFhir /
// TranslateFromFhir (epd_translation.h), encode; a refused request's status comes from the error
// table and carries the response (or, when that exceeds 4 KiB, its decisive issue) as rich status
// details.

#include <grpcpp/grpcpp.h>

#include "gateway/epd_translation.h"
#include "zorgbrug/v1/epd_translation.grpc.pb.h"

namespace zorgbrug::gateway {

class EpdTranslationService final : public v1::EpdTranslation::CallbackService {
 public:
  // `options.new_uuid` and `options.now` are replaced per call by NewUuid and the clock.
  explicit EpdTranslationService(EpdTranslationOptions options) : options_(std::move(options)) {}

  grpc::ServerUnaryReactor* ToFhir(grpc::CallbackServerContext* context,
                                   const v1::ToFhirRequest* request,
                                   v1::ToFhirResponse* response) override;
  grpc::ServerUnaryReactor* FromFhir(grpc::CallbackServerContext* context,
                                     const v1::FromFhirRequest* request,
                                     v1::FromFhirResponse* response) override;

 private:
  const EpdTranslationOptions options_;
};

}  // namespace zorgbrug::gateway
