#include "gateway/validate.h"

#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fhir/json/writer.h"
#include "fhir/operation_outcome.h"
#include "fhir/resource.h"
#include "fhir/validation/validator.h"
#include "gateway/error_table.h"

namespace zorgbrug::gateway {
namespace {

using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;

// The request-level problem with `profiles`, if any.
std::optional<Issue> CheckProfiles(std::span<const std::string> profiles) {
  if (profiles.size() > kMaxProfiles) {
    return Issue{Severity::kError, IssueType::kValue, "",
                 absl::StrCat("at most ", kMaxProfiles, " profiles may be requested, got ",
                              profiles.size())};
  }
  for (size_t i = 0; i < profiles.size(); ++i) {
    if (profiles[i].empty() || profiles[i].size() > kMaxProfileBytes) {
      return Issue{Severity::kError, IssueType::kValue, "",
                   absl::StrCat("profiles[", i, "] must be a canonical URL of 1 to ",
                                kMaxProfileBytes, " bytes")};
    }
  }
  return std::nullopt;
}

// A rejected input: `issues` are all findings, `decisive` the one that decides the status.
ValidationResult Reject(std::span<const Issue> issues, Issue decisive, bool strict) {
  ValidationResult result;
  FillResponse(issues, /*readable=*/false, strict, result.response);
  result.issues.assign(issues.begin(), issues.end());
  result.rejection = std::move(decisive);
  return result;
}

void Count(Severity severity, v1::IssueCounts& counts) {
  switch (severity) {
    case Severity::kFatal:
      counts.set_fatal(counts.fatal() + 1);
      return;
    case Severity::kError:
      counts.set_error(counts.error() + 1);
      return;
    case Severity::kWarning:
      counts.set_warning(counts.warning() + 1);
      return;
    case Severity::kInformation:
      counts.set_information(counts.information() + 1);
      return;
  }
}

}  // namespace

fhir::fhirpath::Temporal CurrentInstant() { return InstantAt(std::chrono::system_clock::now()); }

fhir::fhirpath::Temporal InstantAt(std::chrono::system_clock::time_point now) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss time(duration_cast<milliseconds>(now - day));
  fhir::fhirpath::Temporal t;
  t.kind = fhir::fhirpath::TemporalKind::kDateTime;
  t.precision = fhir::fhirpath::Precision::kMillisecond;
  t.year = static_cast<int>(date.year());
  t.month = static_cast<int>(static_cast<unsigned>(date.month()));
  t.day = static_cast<int>(static_cast<unsigned>(date.day()));
  t.hour = static_cast<int>(time.hours().count());
  t.minute = static_cast<int>(time.minutes().count());
  t.second = static_cast<int>(time.seconds().count());
  t.millisecond = static_cast<int>(time.subseconds().count());
  t.offset_minutes = 0;
  return t;
}

v1::Severity ToProto(fhir::Severity severity) {
  switch (severity) {
    case Severity::kFatal:
      return v1::SEVERITY_FATAL;
    case Severity::kError:
      return v1::SEVERITY_ERROR;
    case Severity::kWarning:
      return v1::SEVERITY_WARNING;
    case Severity::kInformation:
      return v1::SEVERITY_INFORMATION;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

void FillIssues(std::span<const fhir::Issue> issues,
                google::protobuf::RepeatedPtrField<v1::Issue>& typed_issues,
                v1::IssueCounts& counts, std::string& operation_outcome_json) {
  const fhir::json::Document outcome = fhir::MakeOperationOutcome(issues);
  operation_outcome_json = fhir::json::Write(outcome.root());
  // Read back from the OperationOutcome so that issues[i] is exactly OperationOutcome.issue[i],
  // including the "no issues" information issue R4 requires.
  counts.Clear();
  typed_issues.Clear();
  for (const Issue& issue : fhir::IssuesFromOperationOutcome(outcome.root())) {
    v1::Issue& typed = *typed_issues.Add();
    typed.set_severity(ToProto(issue.severity));
    typed.set_code(std::string(fhir::IssueTypeCode(issue.type)));
    typed.set_expression(issue.expression);
    typed.set_diagnostics(issue.diagnostics);
    Count(issue.severity, counts);
  }
}

void FillResponse(std::span<const fhir::Issue> issues, bool readable, bool strict,
                  v1::ValidateResponse& response) {
  FillIssues(issues, *response.mutable_issues(), *response.mutable_counts(),
             *response.mutable_operation_outcome_json());
  (void)strict;  // strictness already decided the severities (unknown elements and profiles)
  const v1::IssueCounts& counts = response.counts();
  response.set_valid(readable && counts.fatal() == 0 && counts.error() == 0);
}

ValidationResult ValidateFhirJson(std::string_view fhir_json, std::span<const std::string> profiles,
                                  const ValidateOptions& options) {
  if (std::optional<Issue> problem = CheckProfiles(profiles)) {
    return Reject({&*problem, 1}, *problem, options.strict);
  }
  fhir::IssueCollector collector;
  std::optional<fhir::json::Document> resource =
      fhir::ParseResource(fhir_json, options.limits, collector);
  if (!resource) {
    if (const Issue* decisive = DecisiveIssue(collector.issues())) {
      return Reject(collector.issues(), *decisive, options.strict);
    }
    // ParseResource promises an error issue on failure; stay correct if it ever reports none.
    Issue fallback{Severity::kError, IssueType::kInvalid, "", "the input is not a FHIR resource"};
    return Reject({&fallback, 1}, fallback, options.strict);
  }
  fhir::validation::ValidationOptions validation;
  validation.strict = options.strict;
  validation.profiles.assign(profiles.begin(), profiles.end());
  validation.now = options.now;
  validation.max_issues = options.max_issues;
  fhir::validation::Validate(resource->root(), validation, collector);
  std::vector<Issue> issues = collector.issues();
  ValidationResult result;
  result.response.set_resource_type(std::string(fhir::ResourceType(resource->root())));
  FillResponse(issues, /*readable=*/true, options.strict, result.response);
  result.issues = std::move(issues);
  return result;
}

}  // namespace zorgbrug::gateway
