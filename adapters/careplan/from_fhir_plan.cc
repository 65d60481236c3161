// FHIR R4 -> care plan (careplan.h FromFhir), part two: the CarePlan itself (key, version, status,
// period, supporting information), its Goals and its Tasks, and FromFhir, which finds the CarePlan
// and reports every resource nobody mapped. The mapping table is in adapters/careplan/README.md.

#include <charconv>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/careplan/careplan.h"
#include "adapters/careplan/fhir_shape.h"
#include "adapters/careplan/from_fhir_reader.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/programme.h"

namespace zorgbrug::adapters::careplan {
namespace internal {

namespace json = fhir::json;
using common::Cat;
using common::Error;
using common::Indexed;
using common::Info;
using common::Items;
using fhir::IssueType;

namespace {

bool HasCoding(const json::Value* concept_value, std::string_view system, std::string_view code) {
  if (concept_value == nullptr) return false;
  for (const json::Value& coding : Items(*concept_value, "coding")) {
    if (coding.FindString("system") == system && coding.FindString("code") == code) return true;
  }
  return false;
}

bool HasIdentifier(const json::Value& resource, const std::string& system) {
  for (const json::Value& id : Items(resource, "identifier")) {
    if (id.FindString("system") == system) return true;
  }
  return false;
}

bool IsLifeGoal(const json::Value& goal, const std::string& life_key_system) {
  for (const json::Value& category : Items(goal, "category")) {
    if (HasCoding(&category, kGoalCategorySystem, kLifeGoalCode)) return true;
  }
  return HasIdentifier(goal, life_key_system);
}

// lifecycleStatus / status through `from_code`; an error when absent or not in the table.
template <typename Enum, typename FromCode>
Enum ReadStatus(const json::Value& resource, std::string_view member, const std::string& path,
                FromCode from_code, fhir::IssueSink& issues) {
  const std::string at = Cat({path, ".", member});
  std::string_view code = resource.FindString(member);
  if (code.empty()) {
    Error(issues, IssueType::kRequired, at, "the status is missing");
    return Enum{};
  }
  std::optional<Enum> value = from_code(code);
  if (!value) {
    Error(issues, IssueType::kCodeInvalid, at, "this status has no counterpart in the plan");
    return Enum{};
  }
  return *value;
}

// Goal.description: its text, else the display of its first coding (reported); an error when it
// has neither.
std::string ReadDescription(const Resource& goal, fhir::IssueSink& issues) {
  const std::string at = goal.expression + ".description";
  const json::Value* description = goal.value.Find("description");
  std::string text;
  if (description != nullptr) {
    text = description->FindString("text");
    std::span<const json::Value> codings = Items(*description, "coding");
    if (text.empty() && !codings.empty()) {
      text = codings[0].FindString("display");
      Info(issues, at + ".coding", "only the text (here the first coding's display) maps");
    } else if (!codings.empty()) {
      Info(issues, at + ".coding", "only the text of the description maps");
    }
  }
  if (text.empty()) {
    Error(issues, IssueType::kRequired, at, "the goal has no description");
  }
  return text;
}

// Goal.category: the careplan-goal-category codes are what told the goal's kind.
void CheckCategories(const Resource& goal, fhir::IssueSink& issues) {
  std::span<const json::Value> categories = Items(goal.value, "category");
  for (size_t i = 0; i < categories.size(); ++i) {
    const std::string at = Indexed(goal.expression, "category", i);
    std::span<const json::Value> codings = Items(categories[i], "coding");
    for (size_t j = 0; j < codings.size(); ++j) {
      std::string_view code = codings[j].FindString("code");
      if (codings[j].FindString("system") != kGoalCategorySystem ||
          (code != kLifeGoalCode && code != kCareGoalCode)) {
        Info(issues, Indexed(at, "coding", j), "only the careplan-goal-category codes map");
      }
    }
    common::ReportUnmapped(categories[i], at, {"coding"}, issues);
  }
}

}  // namespace

bool PlanReader::IsThePlan(const json::Value& reference) const {
  if (const json::Value* id = reference.Find("identifier");
      id != nullptr && id->FindString("system") == KeySystem(context_, kCarePlanKey)) {
    return id->FindString("value") == out_.local_key();
  }
  return Resolve(reference) == plan_;
}

std::string PlanReader::KeyAmong(const json::Value& reference,
                                 const std::map<const Resource*, std::string>& known,
                                 std::string_view what) const {
  if (const json::Value* id = reference.Find("identifier");
      id != nullptr && id->FindString("system") == KeySystem(context_, what)) {
    for (const auto& [resource, key] : known) {
      if (key == id->FindString("value")) return key;
    }
    return {};
  }
  auto found = known.find(Resolve(reference));
  return found == known.end() ? std::string() : found->second;
}

// ------------------------------------------------------------------ the plan

void PlanReader::Read(const Resource& plan) {
  plan_ = &plan;
  in_.MarkUsed(plan);
  const json::Value& p = plan.value;
  const std::string& path = plan.expression;
  // In this order: each part refers to the keys read before it (members, goals, tasks).
  ReadHeader(plan);
  ReadVersion(plan);
  ReadTeamOf(plan);
  ReadKey(plan);
  ReadGoals(plan);
  ReadActivities(plan);
  for (const Resource& r : in_.resources()) {
    if (r.value.FindString("resourceType") == "Communication") ReadMessage(r);
  }
  ReadSupportingInfo(plan);
  common::ReportUnmapped(p, path,
                         {"id", "meta", "identifier", "status", "intent", "title", "subject",
                          "period", "careTeam", "goal", "activity", "supportingInfo"},
                         issues_);
}

void PlanReader::ReadHeader(const Resource& plan) {
  const json::Value& p = plan.value;
  const std::string& path = plan.expression;
  // The person first: every other resource is checked against her.
  if (const json::Value* subject = p.Find("subject")) {
    out_.set_patient_local_key(PersonOf(*subject, path + ".subject"));
  } else {
    Error(issues_, IssueType::kRequired, path + ".subject", "the plan names no person");
  }
  out_.set_status(
      ReadStatus<v1::CarePlanStatus>(p, "status", path, CarePlanStatusFromCode, issues_));
  if (std::string_view intent = p.FindString("intent"); !intent.empty() && intent != "plan") {
    Info(issues_, path + ".intent", "the plan's intent is not kept (it is always 'plan')");
  }
  out_.set_title(std::string(p.FindString("title")));
  if (const json::Value* period = p.Find("period")) {
    if (auto date = ReadDate(*period, "start", path + ".period")) *out_.mutable_start() = *date;
    if (auto date = ReadDate(*period, "end", path + ".period")) *out_.mutable_end() = *date;
    common::ReportUnmapped(*period, path + ".period", {"start", "end"}, issues_);
  }
  if (!out_.has_start()) {
    Error(issues_, IssueType::kRequired, path + ".period.start", "the plan has no start date");
  }
}

void PlanReader::ReadTeamOf(const Resource& plan) {
  const std::string& path = plan.expression;
  std::span<const json::Value> teams = Items(plan.value, "careTeam");
  for (size_t i = 0; i < teams.size(); ++i) {
    const std::string at = Indexed(path, "careTeam", i);
    const Resource* team = Resolve(teams[i]);
    if (i > 0) {
      Info(issues_, at, "a plan has one care team; only the first maps");
    } else if (team == nullptr || team->value.FindString("resourceType") != "CareTeam") {
      Error(issues_, IssueType::kValue, at, "the CareTeam is not in the Bundle");
    } else {
      team_ = team;
      ReadCareTeam(*team);
    }
  }
}

void PlanReader::ReadKey(const Resource& plan) {
  const std::string system = KeySystem(context_, kCarePlanKey);
  for (const json::Value& id : Items(plan.value, "identifier")) {
    if (id.FindString("system") == system && out_.local_key().empty()) {
      out_.set_local_key(std::string(id.FindString("value")));
    }
  }
  ReportOtherIdentifiers(plan, {system}, issues_);
  const std::string at = plan.expression + ".identifier";
  if (out_.local_key().empty() && team_ != nullptr) {
    // A platform's plan: the care team's identifier (the legacy DZOP team "DZOP-Pia-2020001").
    for (const json::Value& id : Items(team_->value, "identifier")) {
      if (out_.local_key().empty() && !id.FindString("value").empty()) {
        out_.set_local_key(std::string(id.FindString("value")));
        Info(issues_, at,
             Cat({"no identifier with system ", system,
                  ": the CareTeam's identifier stands in as the plan's key"}));
      }
    }
  }
  if (out_.local_key().empty()) {
    out_.set_local_key(common::LocalKeyOf(plan.value, system, plan.expression, issues_));
  }
  if (team_ == nullptr) return;
  std::span<const json::Value> ids = Items(team_->value, "identifier");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].FindString("value") != out_.local_key()) {
      Info(issues_, Indexed(team_->expression, "identifier", i),
           "this identifier is not the plan's key and was not mapped");
    }
  }
}

void PlanReader::ReadVersion(const Resource& plan) {
  const json::Value* meta = plan.value.Find("meta");
  std::string_view text = meta != nullptr ? meta->FindString("versionId") : std::string_view();
  if (text.empty()) return;
  int64_t version = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size() || version < 0) {
    Info(issues_, plan.expression + ".meta.versionId",
         "the version is not a whole number and was not mapped");
    return;
  }
  out_.set_version(version);
}

// ------------------------------------------------------------------ goals

void PlanReader::ReadGoals(const Resource& plan) {
  struct Pending {
    const Resource* goal;  // nullptr: known by its display only
    size_t index;
    std::string display;
  };
  std::vector<Pending> pending;
  const std::string life_system = KeySystem(context_, kLifeGoalKey);
  std::span<const json::Value> goals = Items(plan.value, "goal");
  // First every goal's key, so that care goals can name the life goals they serve.
  for (size_t i = 0; i < goals.size(); ++i) {
    const std::string at = Indexed(plan.expression, "goal", i);
    const Resource* goal = Resolve(goals[i]);
    std::string_view display = goals[i].FindString("display");
    if (goal != nullptr && goal->value.FindString("resourceType") == "Goal") {
      const bool life = IsLifeGoal(goal->value, life_system);
      std::string key =
          common::LocalKeyOf(goal->value, life ? life_system : KeySystem(context_, kCareGoalKey),
                             goal->expression, issues_);
      (life ? life_goals_ : care_goals_)[goal] = std::move(key);
      pending.push_back({goal, i, {}});
    } else if (goal == nullptr && !display.empty()) {
      Info(issues_, at,
           "the goal is known by its display only: it becomes a care goal with that description");
      pending.push_back({nullptr, i, std::string(display)});
    } else {
      Error(issues_, IssueType::kValue, at,
            goal == nullptr ? "the Goal is not in the Bundle" : "the reference is not to a Goal");
    }
  }
  for (const Pending& p : pending) {
    if (p.goal == nullptr) {
      v1::CareGoal& g = *out_.add_care_goals();
      g.set_local_key(Cat({"goal-", std::to_string(p.index + 1)}));
      g.set_description(p.display);
    } else if (auto life = life_goals_.find(p.goal); life != life_goals_.end()) {
      ReadLifeGoal(*p.goal, life->second);
    } else {
      ReadCareGoal(*p.goal, care_goals_[p.goal]);
    }
  }
}

void PlanReader::ReadLifeGoal(const Resource& goal, const std::string& key) {
  in_.MarkUsed(goal);
  const json::Value& g = goal.value;
  const std::string& path = goal.expression;
  v1::LifeGoal& out = *out_.add_life_goals();
  out.set_local_key(key);
  ReportOtherIdentifiers(goal, {KeySystem(context_, kLifeGoalKey)}, issues_);
  out.set_status(
      ReadStatus<v1::GoalStatus>(g, "lifecycleStatus", path, GoalStatusFromCode, issues_));
  CheckCategories(goal, issues_);
  out.set_text(ReadDescription(goal, issues_));
  CheckPerson(g, "subject", path);
  if (const json::Value* by = g.Find("expressedBy")) {
    out.set_expressed_by(MemberOf(*by, path + ".expressedBy", /*person_allowed=*/true));
  }
  if (auto date = ReadDate(g, "startDate", path)) *out.mutable_expressed_on() = *date;
  if (ReadClinical(goal)) {
    Info(issues_, path + ".meta.tag", "a life goal is never clinical content");
  }
  common::ReportUnmapped(g, path,
                         {"id", "meta", "identifier", "lifecycleStatus", "category", "description",
                          "subject", "expressedBy", "startDate"},
                         issues_);
}

void PlanReader::ReadCareGoal(const Resource& goal, const std::string& key) {
  in_.MarkUsed(goal);
  const json::Value& g = goal.value;
  const std::string& path = goal.expression;
  v1::CareGoal& out = *out_.add_care_goals();
  out.set_local_key(key);
  ReportOtherIdentifiers(goal, {KeySystem(context_, kCareGoalKey)}, issues_);
  out.set_status(
      ReadStatus<v1::GoalStatus>(g, "lifecycleStatus", path, GoalStatusFromCode, issues_));
  CheckCategories(goal, issues_);
  out.set_description(ReadDescription(goal, issues_));
  CheckPerson(g, "subject", path);
  std::span<const json::Value> targets = Items(g, "target");
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string at = Indexed(path, "target", i);
    if (i > 0) {
      Info(issues_, at, "a care goal has one target date; only the first target maps");
      continue;
    }
    if (auto date = ReadDate(targets[i], "dueDate", at)) *out.mutable_target() = *date;
    common::ReportUnmapped(targets[i], at, {"dueDate"}, issues_);
  }
  ReadLinks(goal, out);
  out.set_clinical(ReadClinical(goal));
  common::ReportUnmapped(g, path,
                         {"id", "meta", "identifier", "lifecycleStatus", "category", "description",
                          "subject", "target", "extension"},
                         issues_);
}

void PlanReader::ReadLinks(const Resource& goal, v1::CareGoal& care_goal) {
  std::span<const json::Value> extensions = Items(goal.value, "extension");
  for (size_t i = 0; i < extensions.size(); ++i) {
    const std::string at = Indexed(goal.expression, "extension", i);
    if (extensions[i].FindString("url") != kGoalRelationshipExtension) {
      Info(issues_, at, "this extension has no counterpart in the plan");
      continue;
    }
    const json::Value* type = nullptr;
    const json::Value* target = nullptr;
    size_t target_index = 0;
    std::span<const json::Value> parts = Items(extensions[i], "extension");
    for (size_t k = 0; k < parts.size(); ++k) {
      std::string_view url = parts[k].FindString("url");
      if (url == "type") {
        type = parts[k].Find("valueCodeableConcept");
      } else if (url == "target") {
        target = parts[k].Find("valueReference");
        target_index = k;
      } else {
        Info(issues_, Indexed(at, "extension", k), "only the type and the target map");
      }
    }
    if (!HasCoding(type, kGoalRelationSystem, kServesLifeGoalCode) &&
        !HasCoding(type, kGoalRelationshipTypeSystem, "other")) {
      Info(issues_, at, "only a relationship to a life goal the care goal serves maps");
      continue;
    }
    const std::string target_at = Indexed(at, "extension", target_index) + ".valueReference";
    std::string key = target != nullptr ? KeyAmong(*target, life_goals_, kLifeGoalKey) : "";
    if (key.empty()) {
      Error(issues_, IssueType::kValue, target_at, "the target is not a life goal of the plan");
      continue;
    }
    care_goal.add_life_goals(std::move(key));
  }
}

// ------------------------------------------------------------------ tasks

void PlanReader::ReadActivities(const Resource& plan) {
  std::span<const json::Value> activities = Items(plan.value, "activity");
  for (size_t i = 0; i < activities.size(); ++i) {
    const std::string at = Indexed(plan.expression, "activity", i);
    const json::Value* reference = activities[i].Find("reference");
    const Resource* task = reference != nullptr ? Resolve(*reference) : nullptr;
    if (task == nullptr || task->value.FindString("resourceType") != "Task") {
      Info(issues_, at, "only an activity that refers to a Task in the Bundle maps to a task");
      continue;
    }
    if (tasks_.contains(task)) {
      Info(issues_, at, "the Task is already an activity of the plan");
      continue;
    }
    ReadTask(*task);
    common::ReportUnmapped(activities[i], at, {"reference"}, issues_);
  }
}

void PlanReader::ReadTask(const Resource& task) {
  in_.MarkUsed(task);
  const json::Value& t = task.value;
  const std::string& path = task.expression;
  v1::CarePlanTask& out = *out_.add_tasks();
  const std::string key_system = KeySystem(context_, kTaskKey);
  out.set_local_key(common::LocalKeyOf(t, key_system, path, issues_));
  tasks_[&task] = out.local_key();
  ReportOtherIdentifiers(task, {key_system}, issues_);
  out.set_status(
      ReadStatus<v1::CarePlanTaskStatus>(t, "status", path, TaskStatusFromCode, issues_));
  if (std::string_view intent = t.FindString("intent"); !intent.empty() && intent != "plan") {
    Info(issues_, path + ".intent", "the task's intent is not kept (it is always 'plan')");
  }
  out.set_description(std::string(t.FindString("description")));
  if (out.description().empty()) {
    Error(issues_, IssueType::kRequired, path + ".description", "the task has no description");
  }
  CheckPerson(t, "for", path);
  std::span<const json::Value> based_on = Items(t, "basedOn");
  for (size_t i = 0; i < based_on.size(); ++i) {
    if (!IsThePlan(based_on[i])) {
      Info(issues_, Indexed(path, "basedOn", i), "only the plan the task belongs to maps");
    }
  }
  if (const json::Value* owner = t.Find("owner")) {
    out.set_owner(MemberOf(*owner, path + ".owner", /*person_allowed=*/false));
  }
  ReadCandidates(task, out);
  ReadDue(task, out);
  if (const json::Value* reason = t.Find("reasonReference")) {
    // 0..1 in R4: the care goal the task works towards.
    const std::string at = path + ".reasonReference";
    out.set_goal(reason->IsObject() ? KeyAmong(*reason, care_goals_, kCareGoalKey) : "");
    if (out.goal().empty()) Error(issues_, IssueType::kValue, at, "names no care goal of the plan");
  }
  ReadService(task, out);
  if (const json::Value* group = t.Find("groupIdentifier")) {
    if (group->FindString("system") == KeySystem(context_, kContributionKey)) {
      out.set_source(std::string(group->FindString("value")));
    } else {
      Info(issues_, path + ".groupIdentifier", "only a contribution's key maps");
    }
  }
  out.set_clinical(ReadClinical(task));
  common::ReportUnmapped(
      t, path,
      {"id", "meta", "identifier", "status", "intent", "description", "for", "basedOn", "owner",
       "extension", "restriction", "reasonReference", "code", "groupIdentifier"},
      issues_);
}

void PlanReader::ReadDue(const Resource& task, v1::CarePlanTask& out) {
  const std::string& path = task.expression;
  if (const json::Value* restriction = task.value.Find("restriction")) {
    if (const json::Value* period = restriction->Find("period")) {
      if (auto date = ReadDate(*period, "end", path + ".restriction.period"))
        *out.mutable_due() = *date;
      common::ReportUnmapped(*period, path + ".restriction.period", {"end"}, issues_);
    }
    common::ReportUnmapped(*restriction, path + ".restriction", {"period"}, issues_);
  }
}

void PlanReader::ReadService(const Resource& task, v1::CarePlanTask& out) {
  const std::string& path = task.expression;
  if (const json::Value* code = task.value.Find("code")) {
    std::span<const json::Value> codings = Items(*code, "coding");
    for (size_t j = 0; j < codings.size(); ++j) {
      const std::string at = Indexed(path + ".code", "coding", j);
      if (codings[j].FindString("system") != common::kProgrammeServiceSystem) {
        Info(issues_, at, "only a programme service maps");
      } else if (auto service = common::ProgrammeServiceFromCode(codings[j].FindString("code"))) {
        out.set_service(*service);
      } else {
        Error(issues_, IssueType::kCodeInvalid, at,
              Cat({"not a code of ", common::kProgrammeServiceSystem}));
      }
    }
    common::ReportUnmapped(*code, path + ".code", {"coding"}, issues_);
  }
}

void PlanReader::ReadCandidates(const Resource& task, v1::CarePlanTask& out) {
  // ToFhir writes implicit candidates (the owner, the coordinators, the person, when `candidates`
  // is empty) without the member identifier: in a Task of ours only the identified ones count.
  const std::string member_system = KeySystem(context_, kMemberKey);
  const bool ours = HasIdentifier(task.value, KeySystem(context_, kTaskKey));
  std::span<const json::Value> extensions = Items(task.value, "extension");
  for (size_t i = 0; i < extensions.size(); ++i) {
    const std::string at = Indexed(task.expression, "extension", i);
    if (extensions[i].FindString("url") != kCandidateListExtension) {
      Info(issues_, at, "this extension has no counterpart in the plan");
      continue;
    }
    common::ReportUnmapped(extensions[i], at, {"url", "valueReference"}, issues_);
    const json::Value* reference = extensions[i].Find("valueReference");
    if (reference == nullptr) continue;
    const json::Value* id = reference->Find("identifier");
    const bool identified = id != nullptr && id->FindString("system") == member_system;
    if (ours && !identified) continue;
    Named named = NameOf(*reference, at + ".valueReference");
    if (named.kind == Named::Kind::kMember) {
      out.add_candidates(named.key);
    } else if (named.kind == Named::Kind::kPerson) {
      Info(issues_, at + ".valueReference", "the person herself is not a candidate of the team");
    } else {
      Error(issues_, IssueType::kValue, at + ".valueReference",
            "names no member of the plan's care team");
    }
  }
}

// ------------------------------------------------------------------ supporting information

void PlanReader::ReadSupportingInfo(const Resource& plan) {
  const std::string pregnancy = KeySystem(context_, kPregnancyKey);
  const std::string contribution = KeySystem(context_, kContributionKey);
  std::span<const json::Value> infos = Items(plan.value, "supportingInfo");
  for (size_t i = 0; i < infos.size(); ++i) {
    const std::string at = Indexed(plan.expression, "supportingInfo", i);
    const Resource* target = in_.Resolve(infos[i].FindString("reference"));
    const json::Value* id = infos[i].Find("identifier");
    std::string_view system = id != nullptr ? id->FindString("system") : "";
    std::string value(id != nullptr ? id->FindString("value") : "");
    if (target != nullptr && target->value.FindString("resourceType") == "Consent") {
      if (consent_ != nullptr) {
        Info(issues_, at, "the person's decisions are in one Consent; a second was not mapped");
        continue;
      }
      consent_ = target;
      ReadConsent(*target);
    } else if (system == pregnancy && !value.empty() && out_.pregnancy_local_key().empty()) {
      out_.set_pregnancy_local_key(std::move(value));
    } else if (system == contribution && !value.empty()) {
      out_.add_contributions(std::move(value));
    } else {
      Info(issues_, at, "this supporting information has no counterpart in the plan");
    }
  }
}

}  // namespace internal

v1::CarePlan FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                      fhir::IssueSink& issues) {
  v1::CarePlan plan;
  common::BundleReader in(fhir);
  const internal::Resource* found = nullptr;
  for (const internal::Resource& r : in.resources()) {
    if (r.value.FindString("resourceType") != "CarePlan") continue;
    if (found == nullptr) {
      found = &r;
      continue;
    }
    common::Error(issues, fhir::IssueType::kDuplicate, r.expression,
                  "a second CarePlan: one Bundle carries one plan; only the first was mapped");
    in.MarkUsed(r);
  }
  if (found == nullptr) {
    const std::string where = fhir.FindString("resourceType") == "Bundle"
                                  ? "Bundle.entry"
                                  : std::string(fhir.FindString("resourceType"));
    common::Error(issues, fhir::IssueType::kRequired, where, "the input holds no CarePlan");
    return plan;
  }
  internal::PlanReader(in, context, plan, issues).Read(*found);
  for (size_t i = 0; i < in.resources().size(); ++i) {
    if (in.used(i)) continue;
    common::Info(issues, in.resources()[i].expression,
                 "this resource is not part of the care plan and was not mapped");
  }
  return plan;
}

}  // namespace zorgbrug::adapters::careplan
