#include "gateway/epd_translation_service.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <string>

#include "gateway/error_table.h"
#include "gateway/rich_status.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {
namespace {

template <typename Response>
grpc::Status StatusOf(const TranslationResult<Response>& result) {
  if (!result.rejection) return grpc::Status::OK;
  return RejectionStatus(*result.rejection, result.response, [&result] {
    // Only the decisive issue, its diagnostics cut: always under the bound.
    auto compact = std::make_unique<Response>();
    fhir::Issue decisive = *result.rejection;
    decisive.diagnostics = CutUtf8(decisive.diagnostics, 256);
    FillIssues({&decisive, 1}, *compact->mutable_issues(), *compact->mutable_counts(),
               *compact->mutable_operation_outcome_json());
    return compact;
  });
}

// Runs `handle` at the RPC boundary: nothing below throws by design, but a bad_alloc must not
// take the server down. Logs carry the method, the status and the counts, never content.
template <typename Handle>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const char* method,
                                Handle handle) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  grpc::Status status;
  try {
    status = handle();
  } catch (const std::exception& e) {
    spdlog::error("{}: internal error: {}", method, e.what());
    status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  } catch (...) {
    spdlog::error("{}: internal error (unknown exception)", method);
    status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
  spdlog::log(status.ok() ? spdlog::level::debug : spdlog::level::info, "{}: {}", method,
              GrpcCodeName(status.error_code()));
  reactor->Finish(status);
  return reactor;
}

}  // namespace

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
