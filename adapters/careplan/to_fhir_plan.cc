// CarePlan -> FHIR R4, continued: what the plan holds besides its team (a Goal per life goal and
// per care goal, a Task per task, a Communication per care message) and the Consent of the
// person's access decisions. The mapping table is in adapters/careplan/README.md.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/careplan/fhir_shape.h"
#include "adapters/careplan/to_fhir_writer.h"
#include "adapters/common/programme.h"

namespace zorgbrug::adapters::careplan::internal {

namespace json = fhir::json;
using common::AppendObject;
using common::BundleWriter;
using common::kActCodeSystem;
using common::SetString;

namespace {

// The proto's UNSPECIFIED statuses are never sent by the platform; they read as the FHIR default.
std::string_view GoalStatusOrDefault(v1::GoalStatus status) {
  std::string_view code = GoalStatusCode(status);
  return code.empty() ? "active" : code;
}

std::string_view TaskStatusOrDefault(v1::CarePlanTaskStatus status) {
  std::string_view code = TaskStatusCode(status);
  return code.empty() ? "requested" : code;
}

}  // namespace

void PlanWriter::AddGoals() {
  for (const v1::LifeGoal& goal : p_.life_goals()) AddLifeGoal(goal);
  for (const v1::CareGoal& goal : p_.care_goals()) AddCareGoal(goal);
}

void PlanWriter::AddLifeGoal(const v1::LifeGoal& g) {
  BundleWriter::Entry entry = out_.Add("Goal", kGoalProfile);
  json::Value& goal = entry.resource;
  AddKey(goal, kLifeGoalKey, g.local_key());
  SetString(doc_, goal, "lifecycleStatus", GoalStatusOrDefault(g.status()));
  AppendTo(goal, "category", Concept(kGoalCategorySystem, kLifeGoalCode));
  json::Value description = doc_.Set(goal, "description", doc_.MakeObject());
  SetString(doc_, description, "text", g.text());
  doc_.Set(goal, "subject", PatientReference());
  SetString(doc_, goal, "startDate", common::DateText(g.expressed_on()));
  if (g.expressed_by().empty()) {
    doc_.Set(goal, "expressedBy", PatientReference());
  } else {
    json::Value by = MemberReference(g.expressed_by());
    // Goal.expressedBy allows no Organization: an organisation is named by its key alone.
    const Member* member = FindMember(g.expressed_by());
    if (member != nullptr && member->kind == v1::MEMBER_KIND_ORGANISATION) {
      doc_.Remove(by, "reference");
    }
    doc_.Set(goal, "expressedBy", by);
  }
  life_goals_.emplace_back(g.local_key(), entry.full_url);
}

// The life goals a care goal serves: R4's goal-relationship extension, type "other" refined by the
// project's "serves-life-goal".
void PlanWriter::AddCareGoal(const v1::CareGoal& g) {
  BundleWriter::Entry entry = out_.Add("Goal", kGoalProfile);
  json::Value& goal = entry.resource;
  if (g.clinical()) TagClinical(goal);
  for (const std::string& life_goal : g.life_goals()) {
    std::string target_url = UrlOf(life_goals_, life_goal);
    if (target_url.empty()) continue;  // not in this plan (or not in this audience's view)
    json::Value extension = AppendObject(doc_, goal, "extension");
    SetString(doc_, extension, "url", kGoalRelationshipExtension);
    json::Value type = AppendObject(doc_, extension, "extension");
    SetString(doc_, type, "url", "type");
    json::Value concept_value = doc_.Set(type, "valueCodeableConcept", doc_.MakeObject());
    json::Value codings = doc_.Set(concept_value, "coding", doc_.MakeArray());
    doc_.Append(codings, common::Coding(doc_, kGoalRelationshipTypeSystem, "other"));
    doc_.Append(codings, common::Coding(doc_, kGoalRelationSystem, kServesLifeGoalCode));
    json::Value target = AppendObject(doc_, extension, "extension");
    SetString(doc_, target, "url", "target");
    doc_.Set(target, "valueReference", Reference(target_url));
  }
  AddKey(goal, kCareGoalKey, g.local_key());
  SetString(doc_, goal, "lifecycleStatus", GoalStatusOrDefault(g.status()));
  AppendTo(goal, "category", Concept(kGoalCategorySystem, kCareGoalCode));
  json::Value description = doc_.Set(goal, "description", doc_.MakeObject());
  SetString(doc_, description, "text", g.description());
  doc_.Set(goal, "subject", PatientReference());
  if (g.has_target()) {
    json::Value target = AppendObject(doc_, goal, "target");
    SetString(doc_, target, "dueDate", common::DateText(g.target()));
  }
  care_goals_.emplace_back(g.local_key(), entry.full_url);
}

void PlanWriter::AddTasks() {
  for (const v1::CarePlanTask& t : p_.tasks()) {
    BundleWriter::Entry entry = out_.Add("Task", kTaskProfile);
    json::Value& task = entry.resource;
    if (t.clinical()) TagClinical(task);
    AddCandidates(task, t);
    AddKey(task, kTaskKey, t.local_key());
    AppendTo(task, "basedOn", Reference(plan_url_));
    if (!t.source().empty()) {
      json::Value group = doc_.Set(task, "groupIdentifier", doc_.MakeObject());
      SetString(doc_, group, "system", KeySystem(out_.context(), kContributionKey));
      SetString(doc_, group, "value", t.source());
    }
    SetString(doc_, task, "status", TaskStatusOrDefault(t.status()));
    SetString(doc_, task, "intent", "plan");
    if (std::string_view code = common::ProgrammeServiceCode(t.service()); !code.empty()) {
      doc_.Set(task, "code",
               Concept(common::kProgrammeServiceSystem, code,
                       common::ProgrammeServiceDisplay(t.service())));
    }
    SetString(doc_, task, "description", t.description());
    doc_.Set(task, "for", PatientReference());
    if (!t.owner().empty()) doc_.Set(task, "owner", MemberReference(t.owner()));
    if (std::string goal = UrlOf(care_goals_, t.goal()); !t.goal().empty() && !goal.empty()) {
      doc_.Set(task, "reasonReference", Reference(goal));  // 0..1 in R4
    }
    if (t.has_due()) {
      json::Value restriction = doc_.Set(task, "restriction", doc_.MakeObject());
      json::Value period = doc_.Set(restriction, "period", doc_.MakeObject());
      SetString(doc_, period, "end", common::DateText(t.due()));
    }
    tasks_.emplace_back(t.local_key(), entry.full_url);
  }
}

// BeTask requires at least one candidate (task-candidateList 1..*, a Practitioner rather than its
// role). Without explicit candidates, the owner stands in, else the plan's coordinators, else the
// person herself; those carry no member key, so that reading them back gives no candidates again.
void PlanWriter::AddCandidates(json::Value& task, const v1::CarePlanTask& t) {
  std::vector<json::Value> candidates;
  for (const std::string& key : t.candidates()) {
    candidates.push_back(MemberReference(key, /*as_person=*/true));
  }
  if (candidates.empty()) {
    for (const Member& member : members_) {
      bool stands_in = t.owner().empty() ? member.coordinator : member.key == t.owner();
      json::Value candidate = stands_in ? ImplicitCandidate(member) : json::Value();
      if (candidate.IsObject()) candidates.push_back(candidate);
    }
  }
  if (candidates.empty()) candidates.push_back(PatientReference());
  for (json::Value& candidate : candidates) {
    json::Value extension = AppendObject(doc_, task, "extension");
    SetString(doc_, extension, "url", kCandidateListExtension);
    doc_.Set(extension, "valueReference", candidate);
  }
}

void PlanWriter::AddMessages() {
  for (const v1::CareMessage& m : p_.messages()) {
    BundleWriter::Entry entry = out_.Add("Communication");
    json::Value& message = entry.resource;
    if (m.clinical()) TagClinical(message);
    AddKey(message, kMessageKey, m.local_key());
    if (!m.source().empty()) AddKey(message, kContributionKey, m.source());
    AppendTo(message, "basedOn", Reference(plan_url_));
    SetString(doc_, message, "status", "completed");
    doc_.Set(message, "subject", PatientReference());
    if (std::string task = UrlOf(tasks_, m.about_task());
        !m.about_task().empty() && !task.empty()) {
      AppendTo(message, "about", Reference(task));
    }
    SetString(doc_, message, "sent", common::InstantText(m.sent()));
    // No recipient is the whole team: the CareTeam itself.
    if (m.recipients().empty()) AppendTo(message, "recipient", Reference(team_url_));
    for (const std::string& key : m.recipients()) {
      AppendTo(message, "recipient", MemberReference(key));
    }
    doc_.Set(message, "sender",
             m.sender().empty() ? PatientReference() : MemberReference(m.sender()));
    json::Value payload = AppendObject(doc_, message, "payload");
    SetString(doc_, payload, "contentString", m.text());
  }
}

// The person's access decisions as one permit Consent with a nested provision per decision
// (plain R4: BeConsent publishes no definition to validate against).
void PlanWriter::AddConsent() {
  if (p_.access().empty()) return;
  BundleWriter::Entry entry = out_.Add("Consent");
  json::Value& consent = entry.resource;
  consent_url_ = entry.full_url;
  SetString(doc_, consent, "status", "active");
  doc_.Set(consent, "scope", Concept(kConsentScopeSystem, "patient-privacy", "Privacy Consent"));
  AppendTo(consent, "category", Concept(kLoincSystem, "59284-0", "Patient Consent"));
  doc_.Set(consent, "patient", PatientReference());
  // ppc-1 requires a policy or a policy rule: the person opts in to sharing, with exceptions.
  doc_.Set(consent, "policyRule", Concept(kActCodeSystem, "OPTIN", "opt-in"));
  json::Value provision = doc_.Set(consent, "provision", doc_.MakeObject());
  SetString(doc_, provision, "type", "permit");
  for (const v1::AccessDecision& decision : p_.access()) {
    json::Value nested = AppendObject(doc_, provision, "provision");
    AddProvision(nested, decision);
  }
}

// A decision about a member names them (role v3 IRCP, the information recipient, plus their kind
// when recorded); a decision about every member of a kind has only the kind as role.
void PlanWriter::AddProvision(json::Value& provision, const v1::AccessDecision& decision) {
  SetString(doc_, provision, "type", decision.permit() ? "permit" : "deny");
  if (decision.has_decided_on()) {
    json::Value period = doc_.Set(provision, "period", doc_.MakeObject());
    SetString(doc_, period, "start", common::DateText(decision.decided_on()));
  }
  json::Value role = doc_.MakeObject();
  json::Value codings = doc_.Set(role, "coding", doc_.MakeArray());
  if (!decision.member().empty()) {
    doc_.Append(codings, common::Coding(doc_, kParticipationTypeSystem, "IRCP"));
  }
  if (std::string_view kind = MemberKindCode(decision.member_kind()); !kind.empty()) {
    doc_.Append(codings, common::Coding(doc_, kMemberKindSystem, kind));
  }
  if (codings.size() > 0) {
    json::Value actor = AppendObject(doc_, provision, "actor");
    doc_.Set(actor, "role", role);
    json::Value reference = doc_.MakeObject();
    if (decision.member().empty()) {
      SetString(doc_, reference, "display", MemberKindDisplay(decision.member_kind()));
    } else {
      reference = MemberReference(decision.member());
    }
    doc_.Set(actor, "reference", reference);
  }
  if (std::string_view content = ContentCode(decision.content()); !content.empty()) {
    AppendTo(provision, "code", Concept(kContentSystem, content));
  }
}

}  // namespace zorgbrug::adapters::careplan::internal
