#include "gateway/epd_translation_service.h"

#include "gateway/rpc_util.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {

EpdTranslationOptions EpdTranslationService::CallOptions() const {
  EpdTranslationOptions options = options_;
  options.new_uuid = NewUuid;
  options.now = CurrentInstant();
  return options;
}

grpc::ServerUnaryReactor* EpdTranslationService::ToFhir(grpc::CallbackServerContext* context,
                                                        const v1::ToFhirRequest* request,
                                                        v1::ToFhirResponse* response) {
  return Serve(context, "ToFhir", [&] {
    auto result = TranslateToFhir(*request, CallOptions());
    grpc::Status status = StatusOf(result);
    if (status.ok()) *response = std::move(result.response);
    return status;
  });
}

grpc::ServerUnaryReactor* EpdTranslationService::FromFhir(grpc::CallbackServerContext* context,
                                                          const v1::FromFhirRequest* request,
                                                          v1::FromFhirResponse* response) {
  return Serve(context, "FromFhir", [&] {
    auto result = TranslateFromFhir(*request, CallOptions());
    grpc::Status status = StatusOf(result);
    if (status.ok()) *response = std::move(result.response);
    return status;
  });
}

}  // namespace zorgbrug::gateway
