#include "gateway/validation_service.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

#include "gateway/error_table.h"
#include "gateway/rich_status.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxAttachedTextBytes = 256;

// Status for a call whose client has gone or whose deadline has passed.
grpc::Status Abandoned(const grpc::CallbackServerContext& context) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded");
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled");
}

// result.response with every expression and diagnostics cut to kMaxAttachedTextBytes, and only the
// decisive issue when that is still too large.
v1::ValidateResponse CompactResponse(const ValidationResult& result) {
  std::vector<fhir::Issue> issues = result.issues;
  for (fhir::Issue& issue : issues) {
    issue.expression = CutUtf8(issue.expression, kMaxAttachedTextBytes);
    issue.diagnostics = CutUtf8(issue.diagnostics, kMaxAttachedTextBytes);
  }
  v1::ValidateResponse compact = result.response;
  FillResponse(issues, /*readable=*/false, /*strict=*/false, compact);
  if (compact.ByteSizeLong() > kMaxStatusDetailsBytes && result.rejection) {
    fhir::Issue decisive = *result.rejection;
    decisive.expression = CutUtf8(decisive.expression, kMaxAttachedTextBytes);
    decisive.diagnostics = CutUtf8(decisive.diagnostics, kMaxAttachedTextBytes);
    FillResponse({&decisive, 1}, /*readable=*/false, /*strict=*/false, compact);
  }
  return compact;
}

}  // namespace

grpc::Status StatusFor(const ValidationResult& result) {
  if (!result.rejection) return grpc::Status::OK;
  return RejectionStatus(*result.rejection, result.response, [&result] {
    return std::make_unique<v1::ValidateResponse>(CompactResponse(result));
  });
}

grpc::ServerUnaryReactor* ValidationService::Validate(grpc::CallbackServerContext* context,
                                                      const v1::ValidateRequest* request,
                                                      v1::ValidateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  grpc::Status status;
  // The RPC boundary: nothing below throws by design, but a bad_alloc must not take the server
  // down.
  try {
    status = Handle(*context, *request, *response);
  } catch (const std::exception& e) {
    spdlog::error("Validate: internal error: {}", e.what());
    status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  } catch (...) {
    spdlog::error("Validate: internal error (unknown exception)");
    status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
  reactor->Finish(status);
  return reactor;
}

grpc::Status ValidationService::Handle(grpc::CallbackServerContext& context,
                                       const v1::ValidateRequest& request,
                                       v1::ValidateResponse& response) const {
  if (context.IsCancelled()) return Abandoned(context);
  ValidateOptions options = options_;
  options.strict = options.strict || request.strict();
  options.now = CurrentInstant();
  const std::vector<std::string> profiles(request.profiles().begin(), request.profiles().end());
  ValidationResult result = ValidateFhirJson(request.fhir_json(), profiles, options);
  // Parsing is bounded by the limits but can take a while for large input; do not answer a caller
  // that is gone.
  if (context.IsCancelled()) return Abandoned(context);

  grpc::Status status = StatusFor(result);
  // Logs carry sizes, codes and counts only: never content, expressions or diagnostics.
  const v1::IssueCounts& counts = result.response.counts();
  spdlog::log(status.ok() ? spdlog::level::debug : spdlog::level::info,
              "Validate: {} bytes, {} -> {} (valid={}, fatal={}, error={}, warning={})",
              request.fhir_json().size(),
              result.rejection ? fhir::IssueTypeCode(result.rejection->type)
                               : std::string_view(result.response.resource_type()),
              GrpcCodeName(status.error_code()), result.response.valid(), counts.fatal(),
              counts.error(), counts.warning());
  if (status.ok()) response = std::move(result.response);
  return status;
}

}  // namespace zorgbrug::gateway
