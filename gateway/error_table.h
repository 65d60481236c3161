#pragma once

// The one table that turns a finding about data (fhir::IssueType, STYLE.md rule 4) into the
// transport answer: gRPC status code, HTTP status (for a future FHIR REST face and for logs) and
// whether a retry of the same request can help. Also maps absl::Status ("could not complete") to
// gRPC.
//
// Decision on not-supported: it maps to INVALID_ARGUMENT / HTTP 400, not UNIMPLEMENTED. The issue
// type describes content the server does not support (an element, a resource type, a FHIR version),
// which the caller fixes by changing the content; gRPC clients and proxies read UNIMPLEMENTED as
// "this method does not exist on this server" and would stop trying the method altogether.
//
// Decision on business-rule: FAILED_PRECONDITION / HTTP 422. Such rules often depend on state the
// server holds (e.g. "already screened this year"), which is what FAILED_PRECONDITION means in
// AIP-193; 422 is the status the FHIR REST spec uses for rule violations.

#include <span>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "fhir/issues.h"

namespace zorgbrug::gateway {

struct ErrorMapping {
  fhir::IssueType type;
  grpc::StatusCode grpc_code;
  int http_status;
  // True when sending the same request again later may succeed (transient faults, timeouts).
  bool retryable;
};

// The mapping for `type`. Total: every IssueType has exactly one row.
const ErrorMapping& MappingFor(fhir::IssueType type);

// All rows, in IssueType order (for documentation and tests).
std::span<const ErrorMapping> ErrorTable();

// The issue that decides the status of a failed operation: the first issue with severity fatal or
// error, or nullptr when there is none.
const fhir::Issue* DecisiveIssue(std::span<const fhir::Issue> issues);

// gRPC code for an absl::Status. absl and gRPC share the canonical code numbering.
grpc::StatusCode GrpcCode(const absl::Status& status);

// "too-costly at Patient.extension[0]: <diagnostics>" for a status message. Expression and
// diagnostics are each cut to at most `max_part` bytes (on a UTF-8 boundary, marked "...") because
// both may echo caller input and the message travels in a size-limited HTTP/2 header. " at ..." and
// ": ..." are left out when empty.
std::string ShortIssueMessage(const fhir::Issue& issue, size_t max_part = 200);

// `text` cut to at most `max` bytes on a UTF-8 boundary, with "..." appended when cut.
std::string CutUtf8(std::string_view text, size_t max);

// Name of a gRPC status code as in the gRPC spec, e.g. "INVALID_ARGUMENT".
std::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace zorgbrug::gateway
