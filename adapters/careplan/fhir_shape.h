#pragma once

// Internal: the shape of the FHIR the care-plan adapter writes (to_fhir.cc) and reads back
// (from_fhir.cc): profiles, the project's code systems for care plans and the code of each enum
// value, and the identifier systems. The field-by-field table is adapters/careplan/README.md.

#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/fhir_terms.h"
#include "adapters/common/mapping_context.h"
#include "zorgbrug/v1/care_plan.pb.h"

namespace zorgbrug::adapters::careplan::internal {

// Shared with the other adapters (adapters/common/fhir_terms.h).
using common::kCandidateListExtension;
using common::kCareTeamProfile;
using common::kConsentScopeSystem;
using common::kLoincSystem;
using common::kTaskProfile;

// HL7 Belgium patient-care 1.1.0. The Communication and the Consent are plain R4: BeCommunication
// and BeConsent (core 2.x) publish no definition to validate against, so they are not claimed.
inline constexpr std::string_view kCarePlanProfile =
    "https://www.ehealth.fgov.be/standards/fhir/patient-care/StructureDefinition/be-care-plan";
inline constexpr std::string_view kGoalProfile =
    "https://www.ehealth.fgov.be/standards/fhir/patient-care/StructureDefinition/be-goal";
// R4 standard extension on the care goal: {type, target} per life goal it serves.
inline constexpr std::string_view kGoalRelationshipExtension =
    "http://hl7.org/fhir/StructureDefinition/goal-relationship";
inline constexpr std::string_view kGoalRelationshipTypeSystem =
    "http://terminology.hl7.org/CodeSystem/goal-relationship-type";

// The project's code systems (https://zorgbrug.be/fhir/CodeSystem/...).
// Goal.category: "life-goal", "care-goal".
inline constexpr std::string_view kGoalCategorySystem =
    "https://zorgbrug.be/fhir/CodeSystem/careplan-goal-category";
inline constexpr std::string_view kLifeGoalCode = "life-goal";
inline constexpr std::string_view kCareGoalCode = "care-goal";
// The second coding of the goal-relationship type next to goal-relationship-type "other":
// "serves-life-goal".
inline constexpr std::string_view kGoalRelationSystem =
    "https://zorgbrug.be/fhir/CodeSystem/careplan-goal-relation";
inline constexpr std::string_view kServesLifeGoalCode = "serves-life-goal";
// CareTeam.participant.role: the CareTeamRole codes ("coordinator", ...).
inline constexpr std::string_view kTeamRoleSystem =
    "https://zorgbrug.be/fhir/CodeSystem/careplan-team-role";
// ContentClass codes ("care-organisation", "life-goals", "clinical"): meta.tag "clinical" on a
// clinical Goal, Task or Communication; Consent.provision.provision.code.
inline constexpr std::string_view kContentSystem =
    "https://zorgbrug.be/fhir/CodeSystem/careplan-content";
// MemberKind codes ("professional", "welfare-worker", "informal-carer", "organisation"): the actor
// role of a Consent provision about every member of a kind.
inline constexpr std::string_view kMemberKindSystem =
    "https://zorgbrug.be/fhir/CodeSystem/careplan-member-kind";

// Terminologies of HL7 and LOINC used as they are.
inline constexpr std::string_view kParticipationTypeSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

// The identifier systems under the sender's key namespace ("<base>/<what>"):
//   "<base>/careplan"          the plan's key (CarePlan.identifier; CareTeam.identifier);
//   "<base>/careplan-life-goal", "<base>/careplan-care-goal"  each goal's key (Goal.identifier);
//   "<base>/careplan-task"     each task's key (Task.identifier);
//   "<base>/careplan-message"  each message's key (Communication.identifier);
//   "<base>/careplan-member"   each team member's key: Reference.identifier next to
//                              Reference.reference wherever a member is referred to;
//   "<base>/careplan-contribution" a contribution ("bib-screening/S-1"): CarePlan.supportingInfo,
//                              Task.groupIdentifier, Communication.identifier[1];
//   "<base>/patient", "<base>/pregnancy" the person's and the pregnancy's keys.
inline constexpr std::string_view kCarePlanKey = "careplan";
inline constexpr std::string_view kLifeGoalKey = "careplan-life-goal";
inline constexpr std::string_view kCareGoalKey = "careplan-care-goal";
inline constexpr std::string_view kTaskKey = "careplan-task";
inline constexpr std::string_view kMessageKey = "careplan-message";
inline constexpr std::string_view kMemberKey = "careplan-member";
inline constexpr std::string_view kContributionKey = "careplan-contribution";
inline constexpr std::string_view kPatientKey = "patient";
inline constexpr std::string_view kPregnancyKey = "pregnancy";

using common::KeySystem;

// The FHIR code of each enum value ("active"); empty for *_UNSPECIFIED.
std::string_view CarePlanStatusCode(v1::CarePlanStatus status);
std::string_view GoalStatusCode(v1::GoalStatus status);
std::string_view TaskStatusCode(v1::CarePlanTaskStatus status);
// The project's codes, with their displays.
std::string_view TeamRoleCode(v1::CareTeamRole role);
std::string_view TeamRoleDisplay(v1::CareTeamRole role);
std::string_view ContentCode(v1::ContentClass content);
std::string_view ContentDisplay(v1::ContentClass content);
std::string_view MemberKindCode(v1::MemberKind kind);
std::string_view MemberKindDisplay(v1::MemberKind kind);
// The inverses; nullopt for a code outside the code system.
std::optional<v1::CarePlanStatus> CarePlanStatusFromCode(std::string_view code);
std::optional<v1::GoalStatus> GoalStatusFromCode(std::string_view code);
std::optional<v1::CarePlanTaskStatus> TaskStatusFromCode(std::string_view code);
std::optional<v1::CareTeamRole> TeamRoleFromCode(std::string_view code);
std::optional<v1::ContentClass> ContentFromCode(std::string_view code);
std::optional<v1::MemberKind> MemberKindFromCode(std::string_view code);

}  // namespace zorgbrug::adapters::careplan::internal
