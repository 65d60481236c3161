#pragma once

// What the gateway's gRPC services share at the RPC boundary: the status of a refused request
// (error table + rich details), the catch-all around a unary handler (templates, instantiated by
// each service with its own response types), and the request checks the translation services have
// in common.

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "fhir/issues.h"
#include "gateway/error_table.h"
#include "gateway/rich_status.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {

// Fills `response`'s issues, counts and (when the message has one) operation_outcome_json from
// `issues` (FillIssues).
template <typename Response>
void FillResponseIssues(std::span<const fhir::Issue> issues, Response& response) {
  std::string unused;
  std::string* outcome = &unused;
  if constexpr (requires { response.mutable_operation_outcome_json(); }) {
    outcome = response.mutable_operation_outcome_json();
  }
  FillIssues(issues, *response.mutable_issues(), *response.mutable_counts(), *outcome);
}

// The status of a service core's result: OK without `result.rejection`, else the error table's
// code for the rejection with `result.response` as rich details (only the decisive issue, its
// diagnostics cut, when the response exceeds the details bound). `Result` has `response` (a
// message with issues and counts) and `std::optional<fhir::Issue> rejection`, as TranslationResult
// (epd_translation.h).
template <typename Result>
grpc::Status StatusOf(const Result& result) {
  if (!result.rejection) return grpc::Status::OK;
  using Response = std::remove_cvref_t<decltype(result.response)>;
  return RejectionStatus(*result.rejection, result.response, [&result] {
    // Only the decisive issue, its diagnostics cut: always under the bound.
    auto compact = std::make_unique<Response>();
    fhir::Issue decisive = *result.rejection;
    decisive.diagnostics = CutUtf8(decisive.diagnostics, 256);
    FillResponseIssues({&decisive, 1}, *compact);
    return compact;
  });
}

// Answers with a core's `result` (TranslationResult): its response on OK, the status of its
// rejection otherwise.
template <typename Result, typename Response>
grpc::Status Answer(Result result, Response* response) {
  grpc::Status status = StatusOf(result);
  if (status.ok()) *response = std::move(result.response);
  return status;
}

// Runs `handle` (returning grpc::Status) at the RPC boundary: nothing below throws by design, but a
// bad_alloc must not take the server down. Logs carry the method, the status and the counts, never
// content. For the sync API's handlers; Serve wraps it for the callback API.
template <typename Handle>
grpc::Status Guarded(const char* method, Handle handle) {
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
  return status;
}

// Guarded for a unary handler of the callback API.
template <typename Handle>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const char* method,
                                Handle handle) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(Guarded(method, std::move(handle)));
  return reactor;
}

// An absl::Status as the gRPC status with the same code and message.
inline grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

// The request-level problem with a key namespace (`local_key_system_base` of the translation
// services), if any: it must be an absolute http(s) URI.
std::optional<fhir::Issue> CheckKeySystemBase(const std::string& base);

}  // namespace zorgbrug::gateway
