// CarePlan -> FHIR R4 (careplan.h ToFhir): the team members' resources, the CareTeam and the
// CarePlan here, and the audience (rules.h ViewFor); the Goals, Tasks, Communications and the
// Consent in to_fhir_plan.cc. The mapping table is in adapters/careplan/README.md.

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "adapters/careplan/careplan.h"
#include "adapters/careplan/fhir_shape.h"
#include "adapters/careplan/rules.h"
#include "adapters/careplan/to_fhir_writer.h"
#include "adapters/common/professional.h"
#include "adapters/common/related_person.h"

namespace zorgbrug::adapters::careplan::internal {

namespace json = fhir::json;
using common::AppendObject;
using common::BundleWriter;
using common::Cat;
using common::SetString;

namespace {

bool IsCoordinator(const v1::CareTeamMember& member) {
  return std::find(member.roles().begin(), member.roles().end(), v1::CARE_TEAM_ROLE_COORDINATOR) !=
         member.roles().end();
}

// BeCareTeam: a team of a closed plan is no longer active.
std::string_view TeamStatus(v1::CarePlanStatus status) {
  return status == v1::CARE_PLAN_STATUS_COMPLETED || status == v1::CARE_PLAN_STATUS_REVOKED
             ? "inactive"
             : "active";
}

}  // namespace

const PlanWriter::Member* PlanWriter::FindMember(std::string_view key) const {
  for (const Member& member : members_) {
    if (member.key == key) return &member;
  }
  return nullptr;
}

std::string PlanWriter::UrlOf(const std::vector<std::pair<std::string, std::string>>& urls,
                              std::string_view key) {
  for (const auto& [k, url] : urls) {
    if (k == key) return url;
  }
  return {};
}

json::Value PlanWriter::Reference(std::string_view url) {
  json::Value ref = doc_.MakeObject();
  SetString(doc_, ref, "reference", url);
  return ref;
}

json::Value PlanWriter::PatientReference() {
  json::Value ref = doc_.MakeObject();
  json::Value id = doc_.Set(ref, "identifier", doc_.MakeObject());
  SetString(doc_, id, "system", KeySystem(out_.context(), kPatientKey));
  SetString(doc_, id, "value", p_.patient_local_key());
  return ref;
}

// Both the entry and the key: a reader of this adapter's FHIR resolves by the key, any other
// reader by the reference.
json::Value PlanWriter::MemberReference(std::string_view key, bool as_person) {
  json::Value ref = doc_.MakeObject();
  if (const Member* member = FindMember(key)) {
    SetString(doc_, ref, "reference", as_person ? member->person_url : member->url);
  }
  json::Value id = doc_.Set(ref, "identifier", doc_.MakeObject());
  SetString(doc_, id, "system", KeySystem(out_.context(), kMemberKey));
  SetString(doc_, id, "value", key);
  return ref;
}

json::Value PlanWriter::ImplicitCandidate(const Member& member) {
  return member.person_url.empty() ? json::Value() : Reference(member.person_url);
}

json::Value PlanWriter::Concept(std::string_view system, std::string_view code,
                                std::string_view display) {
  json::Value concept_value = doc_.MakeObject();
  doc_.Append(doc_.Set(concept_value, "coding", doc_.MakeArray()),
              common::Coding(doc_, system, code, display));
  return concept_value;
}

void PlanWriter::AddKey(json::Value& resource, std::string_view what, std::string_view value) {
  json::Value identifier = AppendObject(doc_, resource, "identifier");
  SetString(doc_, identifier, "system", KeySystem(out_.context(), what));
  SetString(doc_, identifier, "value", value);
}

void PlanWriter::TagClinical(json::Value& resource) {
  json::Value* meta = resource.Find("meta");
  json::Value target = meta != nullptr ? *meta : doc_.Set(resource, "meta", doc_.MakeObject());
  AppendTo(target, "tag",
           common::Coding(doc_, kContentSystem, ContentCode(v1::CONTENT_CLASS_CLINICAL)));
}

void PlanWriter::AppendTo(json::Value& object, std::string_view name, json::Value item) {
  json::Value* existing = object.Find(name);
  json::Value array = existing != nullptr ? *existing : doc_.Set(object, name, doc_.MakeArray());
  doc_.Append(array, item);
}

void PlanWriter::Begin() {
  BundleWriter::Entry entry = out_.Add("CarePlan", kCarePlanProfile);
  plan_ = entry.resource;
  plan_url_ = entry.full_url;
}

void PlanWriter::AddMembers(fhir::IssueSink& issues) {
  for (int i = 0; i < p_.team_size(); ++i) {
    members_.push_back(AddMember(p_.team(i), Cat({"plan.team[", std::to_string(i), "]"}), issues));
  }
}

// The member's resource (adapters/common), and the Practitioner a professional's or welfare
// worker's role names, for task-candidateList.
PlanWriter::Member PlanWriter::AddMember(const v1::CareTeamMember& m, const std::string& field,
                                         fhir::IssueSink& issues) {
  Member member;
  member.key = m.local_key();
  member.kind = KindOf(m);
  member.coordinator = IsCoordinator(m);
  auto practitioner = [&](const std::string& registered_as) {
    const std::string* url = out_.Find(registered_as);
    return url != nullptr && !member.url.empty() ? *url : std::string();
  };
  switch (m.who_case()) {
    case v1::CareTeamMember::kProfessional:
      member.url =
          common::ProfessionalToFhir(m.professional(), field + ".professional", out_, issues);
      member.person_url = practitioner("Practitioner|" + m.professional().nihdi());
      break;
    case v1::CareTeamMember::kWelfareWorker: {
      const v1::LocalIdentifier& id = m.welfare_worker().identifier();
      member.url =
          common::WelfareWorkerToFhir(m.welfare_worker(), field + ".welfare_worker", out_, issues);
      member.person_url = practitioner(Cat({"Practitioner|", id.system(), "|", id.value()}));
      break;
    }
    case v1::CareTeamMember::kInformalCarer: {
      common::PatientLink patient;
      patient.system = KeySystem(out_.context(), kPatientKey);
      patient.value = p_.patient_local_key();
      member.url = common::RelatedPersonToFhir(m.informal_carer(), field + ".informal_carer",
                                               patient, out_, issues);
      member.person_url = member.url;
      break;
    }
    case v1::CareTeamMember::kOrganisation:
      member.url =
          common::OrganisationToFhir(m.organisation(), field + ".organisation", out_, issues);
      member.person_url = member.url;
      break;
    default:
      common::Error(issues, fhir::IssueType::kRequired, field + ".who",
                    "the member is neither a professional, a welfare worker, an informal carer "
                    "nor an organisation");
  }
  return member;
}

void PlanWriter::AddCareTeam() {
  BundleWriter::Entry entry = out_.Add("CareTeam", kCareTeamProfile);
  json::Value& team = entry.resource;
  team_url_ = entry.full_url;
  AddKey(team, kCarePlanKey, p_.local_key());
  SetString(doc_, team, "status", TeamStatus(p_.status()));
  SetString(doc_, team, "name", p_.title());
  doc_.Set(team, "subject", PatientReference());
  for (const v1::CareTeamMember& m : p_.team()) {
    json::Value participant = AppendObject(doc_, team, "participant");
    for (int r : m.roles()) {
      auto role = static_cast<v1::CareTeamRole>(r);
      if (TeamRoleCode(role).empty()) continue;
      AppendTo(participant, "role",
               Concept(kTeamRoleSystem, TeamRoleCode(role), TeamRoleDisplay(role)));
    }
    doc_.Set(participant, "member", MemberReference(m.local_key()));
    if (m.has_since() || m.has_until()) {
      json::Value period = doc_.Set(participant, "period", doc_.MakeObject());
      SetString(doc_, period, "start", common::DateText(m.since()));
      SetString(doc_, period, "end", common::DateText(m.until()));
    }
  }
}

void PlanWriter::Finish() {
  json::Value& plan = plan_;
  if (p_.version() > 0) {
    json::Value meta = *plan.Find("meta");
    doc_.Set(meta, "versionId", doc_.MakeString(std::to_string(p_.version())));
  }
  AddKey(plan, kCarePlanKey, p_.local_key());
  SetString(doc_, plan, "status", CarePlanStatusCode(p_.status()));
  SetString(doc_, plan, "intent", "plan");
  SetString(doc_, plan, "title", p_.title());
  doc_.Set(plan, "subject", PatientReference());
  if (p_.has_start() || p_.has_end()) {
    json::Value period = doc_.Set(plan, "period", doc_.MakeObject());
    SetString(doc_, period, "start", common::DateText(p_.start()));
    SetString(doc_, period, "end", common::DateText(p_.end()));
  }
  AppendTo(plan, "careTeam", Reference(team_url_));
  // supportingInfo: the Consent, the pregnancy, the contributions (by key: they are not here).
  if (!consent_url_.empty()) AppendTo(plan, "supportingInfo", Reference(consent_url_));
  auto key_reference = [&](std::string_view what, std::string_view value) {
    json::Value ref = doc_.MakeObject();
    json::Value id = doc_.Set(ref, "identifier", doc_.MakeObject());
    SetString(doc_, id, "system", KeySystem(out_.context(), what));
    SetString(doc_, id, "value", value);
    return ref;
  };
  if (!p_.pregnancy_local_key().empty()) {
    AppendTo(plan, "supportingInfo", key_reference(kPregnancyKey, p_.pregnancy_local_key()));
  }
  for (const std::string& source : p_.contributions()) {
    AppendTo(plan, "supportingInfo", key_reference(kContributionKey, source));
  }
  for (const auto* goals : {&life_goals_, &care_goals_}) {
    for (const auto& [key, url] : *goals) AppendTo(plan, "goal", Reference(url));
  }
  for (const auto& [key, url] : tasks_) {
    json::Value activity = AppendObject(doc_, plan, "activity");
    doc_.Set(activity, "reference", Reference(url));
  }
  // The CarePlan was added first (Begin); the contract puts it last, after what it refers to.
  std::span<json::Value> entries = doc_.root().Find("entry")->items();
  std::rotate(entries.begin(), entries.begin() + 1, entries.end());
}

}  // namespace zorgbrug::adapters::careplan::internal

namespace zorgbrug::adapters::careplan {
namespace {

fhir::json::Document Map(const v1::CarePlan& plan, const MappingContext& context,
                         fhir::IssueSink& issues) {
  fhir::json::Document doc;
  common::BundleWriter out(doc, context);
  internal::PlanWriter writer(plan, out);
  writer.Begin();
  writer.AddMembers(issues);
  writer.AddCareTeam();
  writer.AddGoals();
  writer.AddTasks();
  writer.AddMessages();
  writer.AddConsent();
  writer.Finish();
  return doc;
}

}  // namespace

fhir::json::Document ToFhir(const v1::CarePlan& plan, const Audience& audience,
                            const MappingContext& context, fhir::IssueSink& issues) {
  if (audience.member.empty()) return Map(plan, context, issues);
  if (std::optional<v1::CarePlan> view = ViewFor(plan, audience.member)) {
    return Map(*view, context, issues);
  }
  common::Error(issues, fhir::IssueType::kValue, "audience.member",
                "the audience is not a member of the plan's care team");
  fhir::json::Document doc;
  common::BundleWriter out(doc, context);
  doc.Remove(doc.root(), "entry");  // an empty array is not valid FHIR
  return doc;
}

}  // namespace zorgbrug::adapters::careplan
