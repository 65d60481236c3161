#pragma once

// Internal: the reader of one care plan (careplan.h FromFhir), shared by from_fhir.cc (references,
// the person, the CareTeam and its members, the Communications, the Consent) and from_fhir_plan.cc
// (the CarePlan, its Goals and Tasks, and FromFhir itself). Each Read* marks what it reads as used
// and reports what the plan cannot carry; the shape it expects is adapters/careplan/README.md.

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/bundle_io.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/care_plan.pb.h"

namespace zorgbrug::adapters::careplan::internal {

using Resource = common::BundleReader::Resource;

// What a Reference names, seen from the plan.
struct Named {
  enum class Kind { kNothing, kPerson, kMember, kTeam };
  Kind kind = Kind::kNothing;
  // The member's key (kMember) or the person's key (kPerson).
  std::string key;
};

// Reports (information) each identifier of `resource` whose system is none of `systems`.
void ReportOtherIdentifiers(const Resource& resource, std::initializer_list<std::string> systems,
                            fhir::IssueSink& issues);

class PlanReader {
 public:
  PlanReader(const common::BundleReader& in, const common::MappingContext& context,
             v1::CarePlan& out, fhir::IssueSink& issues)
      : in_(in), context_(context), out_(out), issues_(issues) {}

  // Reads the CarePlan and everything it refers to, and the Communications of the Bundle.
  void Read(const Resource& plan);

 private:
  // One team member as found in the Bundle: the resource the participant names, and the
  // Practitioner behind it (itself, or the PractitionerRole's), which candidate lists point to.
  struct Member {
    std::string key;
    const Resource* resource = nullptr;
    const Resource* practitioner = nullptr;
  };

  // ---- from_fhir.cc: references, the team, the messages, the Consent.
  // The resource a Reference points to: by `reference` (fullUrl, "Type/id", a URL ending in
  // "Type/id"), else by its `identifier` (a resource in the Bundle with that system and value).
  const Resource* Resolve(const fhir::json::Value& reference) const;
  // What `reference` names: a member (by its careplan-member identifier, else by the resource it
  // points to), the person (by identifier "<base>/patient" or a Patient), the plan's CareTeam.
  // Reports only information (a Patient known by a "Patient/<id>" reference outside the Bundle)
  // at `path`.
  Named NameOf(const fhir::json::Value& reference, const std::string& path);
  // The key of the person `reference` names, reading the Patient it points to once; empty (with
  // an error at `path`) when it names nobody.
  std::string PersonOf(const fhir::json::Value& reference, const std::string& path);
  // Checks that object.<member> names the plan's person (an error when it names another one).
  void CheckPerson(const fhir::json::Value& object, std::string_view member,
                   const std::string& path);
  // A member reference at `path`: the member's key; empty (with an error) when it names no member.
  // `person_allowed`: the person herself is accepted and yields an empty key.
  std::string MemberOf(const fhir::json::Value& reference, const std::string& path,
                       bool person_allowed);
  // object.<member>: a FHIR date (or the date of a dateTime, reported); nullopt when absent or
  // (with an error at path.<member>) malformed.
  std::optional<v1::Date> ReadDate(const fhir::json::Value& object, std::string_view member,
                                   const std::string& path);
  // The meta.tag "clinical" of a Goal, Task or Communication; other tags are reported.
  bool ReadClinical(const Resource& resource);

  void ReadPatient(const Resource& patient);
  void ReadCareTeam(const Resource& team);
  void ReadParticipant(const fhir::json::Value& participant, const std::string& path);
  // Fills `member` from the resource (Practitioner/PractitionerRole, RelatedPerson,
  // Organization); false (with an error at `path`) for any other resource.
  bool ReadWho(const Resource& resource, const fhir::json::Value& participant,
               const std::string& path, v1::CareTeamMember& member);
  void ReadRoles(const fhir::json::Value& participant, const std::string& path,
                 v1::CareTeamMember& member);
  void ReadMessage(const Resource& communication);
  // The recipients: members, or (the CareTeam itself) the whole team, which is no recipient.
  void ReadRecipients(const Resource& communication, v1::CareMessage& out);
  // The first text payload; the other payloads are reported.
  void ReadText(const Resource& communication, v1::CareMessage& out);
  void ReadConsent(const Resource& consent);
  void ReadDecision(const fhir::json::Value& provision, const std::string& path);
  // A decision's actor: a member (role IRCP, with their kind when recorded) or a kind of member.
  void ReadActor(const fhir::json::Value& actor, const std::string& at, v1::AccessDecision& d);

  // ---- from_fhir_plan.cc: the plan itself.
  // The person, status, intent, title and period.
  void ReadHeader(const Resource& plan);
  // CarePlan.careTeam[0], the CareTeam with the members.
  void ReadTeamOf(const Resource& plan);
  // The plan's key: its own identifier, else (a platform's plan) the CareTeam's, else its id.
  void ReadKey(const Resource& plan);
  void ReadVersion(const Resource& plan);
  void ReadGoals(const Resource& plan);
  void ReadLifeGoal(const Resource& goal, const std::string& key);
  void ReadCareGoal(const Resource& goal, const std::string& key);
  void ReadLinks(const Resource& goal, v1::CareGoal& care_goal);
  void ReadActivities(const Resource& plan);
  void ReadTask(const Resource& task);
  void ReadCandidates(const Resource& task, v1::CarePlanTask& out);
  // restriction.period.end.
  void ReadDue(const Resource& task, v1::CarePlanTask& out);
  // code: the programme service.
  void ReadService(const Resource& task, v1::CarePlanTask& out);
  void ReadSupportingInfo(const Resource& plan);
  // The key of the element `reference` names among `known` (by resource), or by its identifier
  // with "<base>/<what>"; empty when neither.
  std::string KeyAmong(const fhir::json::Value& reference,
                       const std::map<const Resource*, std::string>& known,
                       std::string_view what) const;
  // Whether `reference` points to the CarePlan being read.
  bool IsThePlan(const fhir::json::Value& reference) const;

  const common::BundleReader& in_;
  const common::MappingContext& context_;
  v1::CarePlan& out_;
  fhir::IssueSink& issues_;

  const Resource* plan_ = nullptr;
  const Resource* team_ = nullptr;
  const Resource* consent_ = nullptr;
  std::vector<Member> members_;
  // The Patients read so far, with the person's key each gives.
  std::map<const Resource*, std::string> patients_;
  std::map<const Resource*, std::string> life_goals_;
  std::map<const Resource*, std::string> care_goals_;
  std::map<const Resource*, std::string> tasks_;
};

}  // namespace zorgbrug::adapters::careplan::internal
