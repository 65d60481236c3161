#include "gateway/error_table.h"

#include <array>

namespace zorgbrug::gateway {
namespace {

using fhir::IssueType;
using grpc::StatusCode;

// Row i describes IssueType i; the static_assert and MappingFor's check keep it that way.
constexpr std::array<ErrorMapping, 17> kTable = {{
    {IssueType::kInvalid, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kStructure, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kRequired, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kValue, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kInvariant, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kCodeInvalid, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kDuplicate, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kNotSupported, StatusCode::INVALID_ARGUMENT, 400, false},
    {IssueType::kTooLong, StatusCode::RESOURCE_EXHAUSTED, 413, false},
    {IssueType::kTooCostly, StatusCode::RESOURCE_EXHAUSTED, 413, false},
    {IssueType::kBusinessRule, StatusCode::FAILED_PRECONDITION, 422, false},
    {IssueType::kForbidden, StatusCode::PERMISSION_DENIED, 403, false},
    {IssueType::kConflict, StatusCode::ABORTED, 409, false},
    {IssueType::kTransient, StatusCode::UNAVAILABLE, 503, true},
    {IssueType::kTimeout, StatusCode::UNAVAILABLE, 503, true},
    {IssueType::kException, StatusCode::INTERNAL, 500, false},
    {IssueType::kInformational, StatusCode::OK, 200, false},
}};

constexpr bool TableInOrder() {
  for (size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<size_t>(kTable[i].type) != i) return false;
  }
  return static_cast<size_t>(IssueType::kInformational) + 1 == kTable.size();
}
static_assert(TableInOrder(), "kTable must have one row per IssueType, in enum order");

constexpr std::array<std::string_view, 17> kCodeNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

// Length of the longest prefix of `text` not longer than `max` that ends on a UTF-8 boundary.
size_t Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return n;
}

// Appends `text` cut to at most `max` bytes, marking a cut with "...".
void AppendCut(std::string_view text, size_t max, std::string& out) {
  const size_t n = Utf8Prefix(text, max);
  out.append(text.substr(0, n));
  if (n < text.size()) out += "...";
}

}  // namespace

const ErrorMapping& MappingFor(fhir::IssueType type) {
  const auto index = static_cast<size_t>(type);
  // An out-of-range value can only come from a cast bug; treat it as an internal fault.
  if (index >= kTable.size()) return kTable[static_cast<size_t>(IssueType::kException)];
  return kTable[index];
}

std::span<const ErrorMapping> ErrorTable() { return kTable; }

const fhir::Issue* DecisiveIssue(std::span<const fhir::Issue> issues) {
  for (const fhir::Issue& issue : issues) {
    if (issue.severity == fhir::Severity::kFatal || issue.severity == fhir::Severity::kError) {
      return &issue;
    }
  }
  return nullptr;
}

grpc::StatusCode GrpcCode(const absl::Status& status) {
  const int code = static_cast<int>(status.code());
  if (code < 0 || code > static_cast<int>(StatusCode::UNAUTHENTICATED)) return StatusCode::UNKNOWN;
  return static_cast<grpc::StatusCode>(code);
}

std::string ShortIssueMessage(const fhir::Issue& issue, size_t max_part) {
  std::string message(fhir::IssueTypeCode(issue.type));
  if (!issue.expression.empty()) {
    message += " at ";
    AppendCut(issue.expression, max_part, message);
  }
  if (!issue.diagnostics.empty()) {
    message += ": ";
    AppendCut(issue.diagnostics, max_part, message);
  }
  return message;
}

std::string CutUtf8(std::string_view text, size_t max) {
  std::string out;
  AppendCut(text, max, out);
  return out;
}

std::string_view GrpcCodeName(grpc::StatusCode code) {
  const auto index = static_cast<size_t>(code);
  return index < kCodeNames.size() ? kCodeNames[index] : std::string_view("UNKNOWN");
}

}  // namespace zorgbrug::gateway
