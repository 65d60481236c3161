#pragma once

// Internal: the writer of one plan's Bundle (careplan.h ToFhir), shared by to_fhir.cc (the team
// members' resources, the CareTeam, the CarePlan, and ToFhir itself) and to_fhir_plan.cc (Goals,
// Tasks, Communications, Consent). The shape is the table of adapters/careplan/README.md. Call
// Begin first, then the Add* functions in the order ToFhir lists, Finish last.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/common/bundle_io.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/care_plan.pb.h"

namespace zorgbrug::adapters::careplan::internal {

class PlanWriter {
 public:
  PlanWriter(const v1::CarePlan& plan, common::BundleWriter& out)
      : p_(plan), out_(out), doc_(out.doc()) {}

  // Adds the CarePlan entry, so that every later resource can name it (Task.basedOn,
  // Communication.basedOn); Finish fills it and moves it to the end of the Bundle.
  void Begin();
  // One resource per team member (a refused member has none: an error at "plan.team[i]...").
  void AddMembers(fhir::IssueSink& issues);
  void AddCareTeam();
  void AddGoals();
  void AddTasks();
  void AddMessages();
  void AddConsent();
  void Finish();

 private:
  struct Member {
    std::string key;
    v1::MemberKind kind = v1::MEMBER_KIND_UNSPECIFIED;
    bool coordinator = false;
    std::string url;         // the CareTeam member: PractitionerRole/Practitioner, RelatedPerson,
                             // Organization; empty when the member was refused
    std::string person_url;  // task-candidateList: the Practitioner rather than its role
  };

  Member AddMember(const v1::CareTeamMember& member, const std::string& field,
                   fhir::IssueSink& issues);
  // The team member with `key`, or nullptr.
  const Member* FindMember(std::string_view key) const;
  // `url` of the resource `key` names in `urls` (goals, tasks), or empty.
  static std::string UrlOf(const std::vector<std::pair<std::string, std::string>>& urls,
                           std::string_view key);

  // References (careplan_mapping.md): {reference} to an entry; {identifier <base>/patient}; a
  // member's {reference, identifier <base>/careplan-member}, as CareTeam member or as person.
  fhir::json::Value Reference(std::string_view url);
  fhir::json::Value PatientReference();
  fhir::json::Value MemberReference(std::string_view key, bool as_person = false);
  // A candidate written because the task has none: the reference alone, no member identifier.
  fhir::json::Value ImplicitCandidate(const Member& member);

  fhir::json::Value Concept(std::string_view system, std::string_view code,
                            std::string_view display = {});
  void AddKey(fhir::json::Value& resource, std::string_view what, std::string_view value);
  // meta.tag careplan-content#clinical.
  void TagClinical(fhir::json::Value& resource);
  // Appends `item` to the array object.<name>, made on first use.
  void AppendTo(fhir::json::Value& object, std::string_view name, fhir::json::Value item);

  void AddLifeGoal(const v1::LifeGoal& goal);
  void AddCareGoal(const v1::CareGoal& goal);
  void AddCandidates(fhir::json::Value& task, const v1::CarePlanTask& t);
  void AddProvision(fhir::json::Value& provision, const v1::AccessDecision& decision);

  const v1::CarePlan& p_;
  common::BundleWriter& out_;
  fhir::json::Document& doc_;
  std::vector<Member> members_;
  fhir::json::Value plan_;  // the CarePlan resource
  std::string plan_url_;
  std::string team_url_;
  std::string consent_url_;
  // (key, fullUrl) of each Goal and Task, in Bundle order.
  std::vector<std::pair<std::string, std::string>> life_goals_;
  std::vector<std::pair<std::string, std::string>> care_goals_;
  std::vector<std::pair<std::string, std::string>> tasks_;
};

}  // namespace zorgbrug::adapters::careplan::internal
