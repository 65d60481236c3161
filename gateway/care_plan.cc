#include "gateway/care_plan.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/careplan/careplan.h"
#include "adapters/careplan/merge.h"
#include "adapters/careplan/rules.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"

namespace zorgbrug::gateway {
namespace {

using fhir::Issue;
namespace careplan = adapters::careplan;

// CheckPlan's paths start with "plan"; a merge request holds three plans.
void CheckSide(const v1::CarePlan& plan, std::string_view side, std::vector<Issue>& out) {
  fhir::IssueCollector issues;
  careplan::CheckPlan(plan, issues);
  for (Issue issue : issues.issues()) {
    if (issue.expression.rfind("plan", 0) == 0) {
      issue.expression = std::string(side) + issue.expression.substr(4);
    }
    out.push_back(std::move(issue));
  }
}

}  // namespace

TranslationResult<v1::CarePlanToFhirResponse> CarePlanToFhir(
    const v1::CarePlanToFhirRequest& request, const TranslationOptions& options) {
  using Response = v1::CarePlanToFhirResponse;
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishContent<Response>({&*problem, 1}, {});
  }
  fhir::IssueCollector mapping;
  careplan::CheckPlan(request.plan(), mapping);
  if (mapping.HasErrors()) return FinishContent<Response>(mapping.issues(), {});
  careplan::Audience audience;
  audience.member = request.audience_member();
  fhir::json::Document bundle =
      careplan::ToFhir(request.plan(), audience,
                       MappingContextFor(request.local_key_system_base(), options), mapping);
  if (mapping.HasErrors()) return FinishContent<Response>(mapping.issues(), {});
  std::vector<Issue> issues = mapping.issues();
  ValidateEmitted(bundle.root(), options, issues);
  Response response;
  response.set_bundle_json(fhir::json::Write(bundle.root()));
  return FinishByTable(issues, std::move(response));
}

TranslationResult<v1::CarePlanFromFhirResponse> CarePlanFromFhir(
    const v1::CarePlanFromFhirRequest& request, const TranslationOptions& options) {
  using Response = v1::CarePlanFromFhirResponse;
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishContent<Response>({&*problem, 1}, {});
  }
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> fhir =
      fhir::ParseResource(request.fhir_json(), options.limits, issues);
  if (!fhir) return FinishByTable<Response>(issues.issues(), {});
  Response response;
  *response.mutable_plan() = careplan::FromFhir(
      fhir->root(), MappingContextFor(request.local_key_system_base(), options), issues);
  // What was read must be a plan the other methods accept.
  if (!issues.HasErrors()) careplan::CheckPlan(response.plan(), issues);
  return FinishContent(issues.issues(), std::move(response));
}

TranslationResult<v1::ContributeResponse> CarePlanContribute(const v1::ContributeRequest& request) {
  using Response = v1::ContributeResponse;
  fhir::IssueCollector issues;
  careplan::CheckPlan(request.plan(), issues);
  if (issues.HasErrors()) return FinishContent<Response>(issues.issues(), {});
  careplan::ContributionResult result;
  switch (request.contribution_case()) {
    case v1::ContributeRequest::kBibScreening:
      result = careplan::Contribute(request.plan(), request.bib_screening(), issues);
      break;
    case v1::ContributeRequest::kConsultation:
      result = careplan::Contribute(request.plan(), request.consultation(), issues);
      break;
    case v1::ContributeRequest::CONTRIBUTION_NOT_SET: {
      Issue missing;
      missing.severity = fhir::Severity::kError;
      missing.type = fhir::IssueType::kRequired;
      missing.expression = "contribution";
      missing.diagnostics = "give a bib_screening or a consultation to merge into the plan";
      return FinishContent<Response>({&missing, 1}, {});
    }
  }
  Response response;
  *response.mutable_plan() = std::move(result.plan);
  response.set_changed(result.changed);
  // A refusal (closed plan, another person) is a business rule: FAILED_PRECONDITION by the table.
  return FinishByTable(issues.issues(), std::move(response));
}

TranslationResult<v1::MergeResponse> CarePlanMerge(const v1::MergeRequest& request) {
  using Response = v1::MergeResponse;
  std::vector<Issue> issues;
  CheckSide(request.base(), "base", issues);
  CheckSide(request.ours(), "ours", issues);
  CheckSide(request.theirs(), "theirs", issues);
  for (const Issue& issue : issues) {
    if (issue.severity == fhir::Severity::kError) return FinishContent<Response>(issues, {});
  }
  careplan::MergeResult result = careplan::Merge(request.base(), request.ours(), request.theirs());
  Response response;
  *response.mutable_merged() = std::move(result.merged);
  for (v1::CarePlanConflict& conflict : result.conflicts) {
    *response.add_conflicts() = std::move(conflict);
  }
  return FinishContent(issues, std::move(response));
}

}  // namespace zorgbrug::gateway
