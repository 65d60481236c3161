#include "gateway/epd_translation_service.h"

#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {

grpc::ServerUnaryReactor* EpdTranslationService::ToFhir(grpc::CallbackServerContext* context,
                                                        const v1::ToFhirRequest* request,
                                                        v1::ToFhirResponse* response) {
  return Serve(context, "EpdTranslation.ToFhir",
               [&] { return Answer(TranslateToFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* EpdTranslationService::FromFhir(grpc::CallbackServerContext* context,
                                                          const v1::FromFhirRequest* request,
                                                          v1::FromFhirResponse* response) {
  return Serve(context, "EpdTranslation.FromFhir",
               [&] { return Answer(TranslateFromFhir(*request, ForCall(options_)), response); });
}

}  // namespace zorgbrug::gateway
