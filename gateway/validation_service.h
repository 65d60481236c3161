#pragma once

// zorgbrug.v1.Validation on the gRPC callback API. Thin: decode, ValidateFhirJson (validate.h),
// encode; the status of a rejected input comes from the error table (error_table.h) and carries the
// full ValidateResponse as rich status details (rich_status.h).

#include <grpcpp/grpcpp.h>

#include "gateway/validate.h"
#include "zorgbrug/v1/validation.grpc.pb.h"

namespace zorgbrug::gateway {

class ValidationService final : public v1::Validation::CallbackService {
 public:
  // `options.strict` is the default; each request's `strict` flag can only make it stricter.
  explicit ValidationService(ValidateOptions options) : options_(options) {}

  grpc::ServerUnaryReactor* Validate(grpc::CallbackServerContext* context,
                                     const v1::ValidateRequest* request,
                                     v1::ValidateResponse* response) override;

 private:
  grpc::Status Handle(grpc::CallbackServerContext& context, const v1::ValidateRequest& request,
                      v1::ValidateResponse& response) const;

  const ValidateOptions options_;
};

// OK when `result` has no rejection. Otherwise the error table's code for the rejection's issue
// type (INVALID_ARGUMENT when the table says OK), the message ShortIssueMessage(rejection), and
// result.response attached as rich status details. The details stay under 4 KiB: when the full
// response is larger, expressions and diagnostics are cut to 256 bytes (marked "...").
grpc::Status StatusFor(const ValidationResult& result);

}  // namespace zorgbrug::gateway
