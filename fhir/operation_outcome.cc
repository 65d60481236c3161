#include "fhir/operation_outcome.h"

#include <string>
#include <string_view>
#include <vector>

namespace zorgbrug::fhir {
namespace {

constexpr std::string_view kNoIssuesDiagnostics = "No issues were found.";

constexpr Severity kAllSeverities[] = {Severity::kFatal, Severity::kError, Severity::kWarning,
                                       Severity::kInformation};

constexpr IssueType kAllIssueTypes[] = {
    IssueType::kInvalid,   IssueType::kStructure,     IssueType::kRequired,
    IssueType::kValue,     IssueType::kInvariant,     IssueType::kCodeInvalid,
    IssueType::kDuplicate, IssueType::kNotSupported,  IssueType::kTooLong,
    IssueType::kTooCostly, IssueType::kBusinessRule,  IssueType::kForbidden,
    IssueType::kConflict,  IssueType::kTransient,     IssueType::kTimeout,
    IssueType::kException, IssueType::kInformational,
};

Severity SeverityFromCode(std::string_view code) {
  for (Severity severity : kAllSeverities) {
    if (SeverityCode(severity) == code) return severity;
  }
  return Severity::kError;
}

IssueType IssueTypeFromCode(std::string_view code) {
  for (IssueType type : kAllIssueTypes) {
    if (IssueTypeCode(type) == code) return type;
  }
  return IssueType::kInvalid;
}

// One OperationOutcome.issue element, members in the order of the R4 element definition.
json::Value BuildIssue(json::Document& doc, const Issue& issue) {
  json::Value element = doc.MakeObject();
  doc.Set(element, "severity", doc.MakeString(SeverityCode(issue.severity)));
  doc.Set(element, "code", doc.MakeString(IssueTypeCode(issue.type)));
  if (!issue.diagnostics.empty()) {
    doc.Set(element, "diagnostics", doc.MakeString(issue.diagnostics));
  }
  if (!issue.expression.empty()) {
    json::Value expressions = doc.MakeArray();
    doc.Append(expressions, doc.MakeString(issue.expression));
    doc.Set(element, "expression", expressions);
  }
  return element;
}

Issue IssueFromElement(const json::Value& element) {
  Issue issue;
  issue.severity = SeverityFromCode(element.FindString("severity"));
  issue.type = IssueTypeFromCode(element.FindString("code"));
  issue.diagnostics = std::string(element.FindString("diagnostics"));
  const json::Value* expressions = element.Find("expression");
  if (expressions != nullptr && !expressions->items().empty() &&
      expressions->items().front().IsString()) {
    issue.expression = std::string(expressions->items().front().text());
  }
  return issue;
}

}  // namespace

json::Value BuildOperationOutcome(json::Document& doc, std::span<const Issue> issues) {
  json::Value outcome = doc.MakeObject();
  doc.Set(outcome, "resourceType", doc.MakeString("OperationOutcome"));
  json::Value elements = doc.MakeArray();
  if (issues.empty()) {
    const Issue none{Severity::kInformation, IssueType::kInformational, "",
                     std::string(kNoIssuesDiagnostics)};
    doc.Append(elements, BuildIssue(doc, none));
  }
  for (const Issue& issue : issues) doc.Append(elements, BuildIssue(doc, issue));
  doc.Set(outcome, "issue", elements);
  return outcome;
}

json::Document MakeOperationOutcome(std::span<const Issue> issues) {
  json::Document doc;
  doc.root() = BuildOperationOutcome(doc, issues);
  return doc;
}

std::vector<Issue> IssuesFromOperationOutcome(const json::Value& outcome) {
  std::vector<Issue> issues;
  if (outcome.FindString("resourceType") != "OperationOutcome") return issues;
  const json::Value* elements = outcome.Find("issue");
  if (elements == nullptr) return issues;
  for (const json::Value& element : elements->items()) {
    if (element.IsObject()) issues.push_back(IssueFromElement(element));
  }
  return issues;
}

}  // namespace zorgbrug::fhir
