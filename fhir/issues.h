#pragma once

// The "data is wrong" channel (STYLE.md rule 4). Code that inspects content reports each finding to
// an IssueSink with a severity, a FHIR issue-type code and a FHIRPath-style location. An
// absl::Status is used only for "the operation could not complete"; the two never mix. Only the
// gateway turns issues into an OperationOutcome and a gRPC status (gateway/error_table.h).

#include <string>
#include <string_view>
#include <vector>

namespace zorgbrug::fhir {

// http://hl7.org/fhir/R4/valueset-issue-severity.html
enum class Severity { kFatal, kError, kWarning, kInformation };

// The subset of http://hl7.org/fhir/R4/valueset-issue-type.html that the gateway reports.
enum class IssueType {
  kInvalid,        // invalid: content invalid against the specification or a profile
  kStructure,      // structure: a structural issue in the content (JSON syntax, wrong type)
  kRequired,       // required: a required element is missing
  kValue,          // value: an element or header value is invalid
  kInvariant,      // invariant: a content validation rule failed
  kCodeInvalid,    // code-invalid: a code is not valid in its code system or value set
  kDuplicate,      // duplicate: an attempt was made to create a duplicate record (or JSON key)
  kNotSupported,   // not-supported: the content or operation is not supported
  kTooLong,        // too-long: a size or length limit was exceeded
  kTooCostly,      // too-costly: processing would exceed a limit (nesting depth, member count)
  kBusinessRule,   // business-rule: a programme or reimbursement rule was not met
  kForbidden,      // forbidden: the caller may not do this
  kConflict,       // conflict: an edit version conflict (optimistic concurrency)
  kTransient,      // transient: a temporary fault; retrying may help
  kTimeout,        // timeout: a deadline expired
  kException,      // exception: an unexpected internal error
  kInformational,  // informational: for information only
};

// Returns the FHIR code of `type`, e.g. "too-costly".
std::string_view IssueTypeCode(IssueType type);
// Returns the FHIR code of `severity`, e.g. "error".
std::string_view SeverityCode(Severity severity);

struct Issue {
  Severity severity = Severity::kError;
  IssueType type = IssueType::kInvalid;
  // FHIRPath-style location of the element, e.g. "Bundle.entry[3].resource.identifier[0].value".
  // Empty when the finding concerns the whole input.
  std::string expression;
  // A sentence a person understands; names the limit when one was exceeded.
  std::string diagnostics;
};

// Receives findings. Implementations decide whether to keep, count or stop.
class IssueSink {
 public:
  virtual ~IssueSink() = default;
  virtual void Report(Issue issue) = 0;
};

// Keeps every issue in order of reporting.
class IssueCollector final : public IssueSink {
 public:
  void Report(Issue issue) override { issues_.push_back(std::move(issue)); }

  const std::vector<Issue>& issues() const { return issues_; }
  // True when at least one issue has severity error or fatal.
  bool HasErrors() const;
  void Clear() { issues_.clear(); }

 private:
  std::vector<Issue> issues_;
};

}  // namespace zorgbrug::fhir
