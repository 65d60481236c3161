#include "fhir/issues.h"

namespace zorgbrug::fhir {

std::string_view IssueTypeCode(IssueType type) {
  switch (type) {
    case IssueType::kInvalid:
      return "invalid";
    case IssueType::kStructure:
      return "structure";
    case IssueType::kRequired:
      return "required";
    case IssueType::kValue:
      return "value";
    case IssueType::kInvariant:
      return "invariant";
    case IssueType::kCodeInvalid:
      return "code-invalid";
    case IssueType::kDuplicate:
      return "duplicate";
    case IssueType::kNotSupported:
      return "not-supported";
    case IssueType::kTooLong:
      return "too-long";
    case IssueType::kTooCostly:
      return "too-costly";
    case IssueType::kBusinessRule:
      return "business-rule";
    case IssueType::kForbidden:
      return "forbidden";
    case IssueType::kConflict:
      return "conflict";
    case IssueType::kTransient:
      return "transient";
    case IssueType::kTimeout:
      return "timeout";
    case IssueType::kException:
      return "exception";
    case IssueType::kInformational:
      return "informational";
  }
  return "exception";
}

std::string_view SeverityCode(Severity severity) {
  switch (severity) {
    case Severity::kFatal:
      return "fatal";
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInformation:
      return "information";
  }
  return "fatal";
}

bool IssueCollector::HasErrors() const {
  for (const Issue& issue : issues_) {
    if (issue.severity == Severity::kError || issue.severity == Severity::kFatal) return true;
  }
  return false;
}

}  // namespace zorgbrug::fhir
