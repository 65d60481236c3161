// The care plans the gateway holds (issue #9): PutCarePlan with optimistic concurrency and the
// three-way merge, contributions into the held plan, GetCarePlan. Every write is a message of the
// engine, committed with the plan's new version in one transaction (store::PlanWrite).

#include <google/protobuf/util/message_differencer.h>

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/careplan/merge.h"
#include "fhir/json/parser.h"
#include "gateway/care_plan.h"
#include "gateway/engine.h"
#include "gateway/engine_internal.h"

namespace zorgbrug::gateway {
namespace {

using engine_internal::CopyIssues;
using engine_internal::Refused;
using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;

// The fullUrls of the Tasks of `bundle_json` whose identifier value is one of `keys`.
std::vector<std::string> TaskEntries(std::string_view bundle_json,
                                     const std::set<std::string>& keys,
                                     const fhir::json::ParseLimits& limits) {
  std::vector<std::string> urls;
  if (keys.empty()) return urls;
  fhir::IssueCollector ignored;
  std::optional<fhir::json::Document> bundle = fhir::json::Parse(bundle_json, limits, ignored);
  if (!bundle) return urls;
  const fhir::json::Value* entries = bundle->root().Find("entry");
  if (entries == nullptr) return urls;
  for (const fhir::json::Value& entry : entries->items()) {
    const fhir::json::Value* resource = entry.Find("resource");
    if (resource == nullptr || resource->FindString("resourceType") != "Task") continue;
    const fhir::json::Value* identifiers = resource->Find("identifier");
    if (identifiers == nullptr) continue;
    for (const fhir::json::Value& identifier : identifiers->items()) {
      if (keys.count(std::string(identifier.FindString("value"))) != 0) {
        urls.emplace_back(entry.FindString("fullUrl"));
        break;
      }
    }
  }
  return urls;
}

// Equal apart from the version.
bool SamePlan(v1::CarePlan a, v1::CarePlan b) {
  a.clear_version();
  b.clear_version();
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string ConflictSummary(const std::vector<v1::CarePlanConflict>& conflicts) {
  std::string paths;
  for (size_t i = 0; i < conflicts.size() && i < 5; ++i) {
    absl::StrAppend(&paths, i == 0 ? "" : ", ", conflicts[i].path());
  }
  if (conflicts.size() > 5) absl::StrAppend(&paths, ", ...");
  return paths;
}

}  // namespace

namespace engine_internal {

std::string PlanContent(const v1::CarePlan& plan) {
  std::string content = "care-organisation";
  if (plan.life_goals_size() > 0) content += ",life-goals";
  bool clinical = false;
  for (const v1::CareGoal& goal : plan.care_goals()) clinical |= goal.clinical();
  for (const v1::CarePlanTask& task : plan.tasks()) clinical |= task.clinical();
  for (const v1::CareMessage& message : plan.messages()) clinical |= message.clinical();
  if (clinical) content += ",clinical";
  return content;
}

}  // namespace engine_internal

absl::StatusOr<std::optional<MessagingEngine::HeldPlanRecord>> MessagingEngine::HeldPlan(
    const std::string& partition) {
  absl::StatusOr<std::optional<store::StoredPlan>> stored = store_->Plan(partition);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::nullopt;
  HeldPlanRecord held;
  held.stored = **std::move(stored);
  if (!held.plan.ParseFromString(held.stored.body)) {
    return absl::InternalError("a stored care plan cannot be read");
  }
  held.plan.set_version(held.stored.version);
  return held;
}

TranslationResult<v1::SubmissionResponse> MessagingEngine::PlanMessage(
    Prepared& prepared, const std::string& base, const v1::CarePlan& plan, std::string_view sender,
    const std::set<std::string>& focus_tasks, v1::SubmissionResponse response) {
  v1::CarePlanToFhirRequest to_fhir;
  *to_fhir.mutable_plan() = plan;
  to_fhir.set_local_key_system_base(base);
  TranslationResult<v1::CarePlanToFhirResponse> translated = CarePlanToFhir(to_fhir, CallOptions());
  if (translated.rejection) {
    CopyIssues(translated.response, response);
    return {response, translated.rejection};
  }
  *response.mutable_care_plan() = plan;
  response.set_care_plan_version(plan.version());
  v1::PatientView view;
  *view.mutable_care_plan() = plan;
  prepared.views.push_back({std::string(engine_internal::kViewCarePlan),
                            engine_internal::ViewBody(std::move(view), prepared.header_id)});
  prepared.content = engine_internal::PlanContent(plan);
  prepared.destinations = Route(messaging::EventCode(prepared.event), sender);
  const std::string& bundle = translated.response.bundle_json();
  return Wrap(prepared, bundle, TaskEntries(bundle, focus_tasks, options_.limits),
              std::move(response));
}

TranslationResult<v1::SubmissionResponse> MessagingEngine::WritePlan(
    Prepared& prepared, const v1::PutCarePlanRequest& request, const std::string& author) {
  const std::string& base = request.local_key_system_base();
  const v1::CarePlan& theirs = request.plan();
  if (base.empty() || theirs.patient_local_key().empty()) {
    return Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kRequired,
         base.empty() ? "local_key_system_base" : "plan.patient_local_key",
         base.empty() ? "the namespace URI of the platform's keys is required"
                      : "the plan must name its patient (her Patient.local_key)"});
  }
  prepared.partition = Pseudonym(base, theirs.patient_local_key());
  absl::StatusOr<std::optional<HeldPlanRecord>> held = HeldPlan(prepared.partition);
  if (!held.ok())
    return Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(held.status()));
  const int64_t held_version = held->has_value() ? (*held)->stored.version : 0;
  v1::SubmissionResponse response;
  v1::CarePlan next = theirs;
  bool merged = false;
  if (held->has_value() && theirs.version() != held_version) {
    if (theirs.version() > held_version || theirs.version() <= 0) {
      return Refused<v1::SubmissionResponse>(
          {Severity::kError, IssueType::kBusinessRule, "plan.version",
           absl::StrCat("the plan was written from version ", theirs.version(),
                        ", but the gateway holds version ", held_version,
                        ": read it with GetCarePlan and write from its version")});
    }
    absl::StatusOr<std::optional<store::StoredPlan>> base_plan =
        store_->PlanAt(prepared.partition, theirs.version());
    if (!base_plan.ok()) {
      return Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(base_plan.status()));
    }
    v1::CarePlan common;
    if (!base_plan->has_value() || !common.ParseFromString((*base_plan)->body)) {
      return Refused<v1::SubmissionResponse>(
          {Severity::kError, IssueType::kBusinessRule, "plan.version",
           absl::StrCat("version ", theirs.version(),
                        " is no longer kept, so this write cannot be merged: read the plan with "
                        "GetCarePlan and apply the change to its version ",
                        held_version)});
    }
    common.set_version(theirs.version());
    adapters::careplan::MergeResult result =
        adapters::careplan::Merge(common, (*held)->plan, theirs);
    if (!result.conflicts.empty()) {
      // The message first: the response and the conflicts are moved below.
      std::string message =
          absl::StrCat(result.conflicts.size(), " change(s) written from version ",
                       theirs.version(), " collide with what was written up to version ",
                       held_version, " (", ConflictSummary(result.conflicts),
                       "): nothing written; resolve them on the plan held and write again");
      *response.mutable_care_plan() = (*held)->plan;
      response.set_care_plan_version(held_version);
      for (v1::CarePlanConflict& conflict : result.conflicts) {
        *response.add_conflicts() = std::move(conflict);
      }
      return Refused<v1::SubmissionResponse>(
          {Severity::kError, IssueType::kConflict, "plan", std::move(message)},
          std::move(response));
    }
    next = std::move(result.merged);
    merged = true;
  }
  if (held->has_value() && SamePlan(next, (*held)->plan)) {
    prepared.unchanged = true;
    *response.mutable_care_plan() = (*held)->plan;
    response.set_care_plan_version(held_version);
    return {std::move(response), std::nullopt};
  }
  next.set_version(held_version + 1);
  response.set_care_plan_changed(true);
  response.set_care_plan_merged(merged);
  prepared.plan =
      store::PlanWrite{held_version, next.SerializeAsString(), merged ? "merge" : "put", author};
  return PlanMessage(prepared, base, next, request.submission().source_system(), {},
                     std::move(response));
}

TranslationResult<v1::SubmissionResponse> MessagingEngine::Contribute(
    Prepared& prepared, const v1::SubmitCarePlanContributionRequest& request,
    const std::string& author) {
  const std::string& base = request.local_key_system_base();
  v1::ContributeRequest contribute = request.contribution();
  std::string patient_key;
  std::string source;
  if (contribute.has_bib_screening()) {
    patient_key = contribute.bib_screening().patient_local_key();
    source = contribute.bib_screening().source();
  } else if (contribute.has_consultation()) {
    patient_key = contribute.consultation().patient_local_key();
    source = "consultation/" + contribute.consultation().local_key();
  }
  if (base.empty() || patient_key.empty()) {
    return Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kRequired,
         base.empty() ? "local_key_system_base" : "contribution.contribution",
         base.empty() ? "the namespace URI of the sender's keys is required"
                      : "a contribution (bib_screening or consultation) naming the patient is "
                        "required"});
  }
  prepared.partition = Pseudonym(base, patient_key);
  absl::StatusOr<std::optional<HeldPlanRecord>> held = HeldPlan(prepared.partition);
  if (!held.ok())
    return Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(held.status()));
  // The plan the gateway holds wins over one sent along: the sent one is for a patient whose
  // platform has not synced her plan yet.
  if (held->has_value()) {
    *contribute.mutable_plan() = (*held)->plan;
  } else if (!contribute.has_plan()) {
    return Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kBusinessRule, "contribution.plan",
         "the gateway holds no care plan for this patient: send the plan with the "
         "contribution, or let her platform write it first (CarePlanSync.PutCarePlan)"});
  }
  const int64_t held_version = held->has_value() ? (*held)->stored.version : 0;
  TranslationResult<v1::ContributeResponse> merged = CarePlanContribute(contribute);
  v1::SubmissionResponse response;
  *response.mutable_issues() = merged.response.issues();
  *response.mutable_counts() = merged.response.counts();
  if (merged.rejection) return {response, merged.rejection};
  v1::CarePlan plan = merged.response.plan();
  if (plan.tasks_size() == 0) {
    return Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kBusinessRule, "contribution",
         "the plan has no task after this contribution: there is nothing to send"});
  }
  const bool changed = merged.response.changed() || !held->has_value();
  if (changed) {
    plan.set_version(held_version + 1);
    prepared.plan =
        store::PlanWrite{held_version, plan.SerializeAsString(), "contribution", author};
  } else {
    plan.set_version(held_version);
  }
  response.set_care_plan_changed(merged.response.changed());
  std::set<std::string> contributed;
  for (const v1::CarePlanTask& task : plan.tasks()) {
    if (task.source() == source) contributed.insert(task.local_key());
  }
  return PlanMessage(prepared, base, plan, "", contributed, std::move(response));
}

absl::StatusOr<v1::GetCarePlanResponse> MessagingEngine::GetCarePlan(
    const v1::GetCarePlanRequest& request) {
  if (request.local_key_system_base().empty() || request.patient_local_key().empty()) {
    return absl::InvalidArgumentError(request.local_key_system_base().empty()
                                          ? "local_key_system_base is required"
                                          : "patient_local_key is required");
  }
  absl::StatusOr<std::optional<HeldPlanRecord>> held =
      HeldPlan(Pseudonym(request.local_key_system_base(), request.patient_local_key()));
  if (!held.ok()) return held.status();
  if (!held->has_value()) {
    return absl::NotFoundError("the gateway holds no care plan for this patient_local_key");
  }
  v1::GetCarePlanResponse response;
  *response.mutable_plan() = (*held)->plan;
  response.set_updated_at_ms((*held)->stored.updated_at_ms);
  response.set_author((*held)->stored.author);
  response.set_cause((*held)->stored.cause);
  response.set_message_id((*held)->stored.header_id);
  if (request.include_fhir()) {
    v1::CarePlanToFhirRequest to_fhir;
    *to_fhir.mutable_plan() = (*held)->plan;
    to_fhir.set_local_key_system_base(request.local_key_system_base());
    TranslationResult<v1::CarePlanToFhirResponse> translated =
        CarePlanToFhir(to_fhir, CallOptions());
    if (translated.rejection) {
      return absl::InternalError("the held care plan cannot be mapped to FHIR");
    }
    response.set_bundle_json(translated.response.bundle_json());
  }
  return response;
}

}  // namespace zorgbrug::gateway
