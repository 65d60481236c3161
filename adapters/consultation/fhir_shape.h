#pragma once

// Internal: the shape of the FHIR the consultation adapter writes (to_fhir.cc, to_fhir_*.cc) and
// reads back (from_fhir.cc): profiles, the project's code systems for consultations and the code of
// each enum value, and the identifier each resource carries.

#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/fhir_terms.h"
#include "adapters/common/mapping_context.h"
#include "zorgbrug/v1/consultation.pb.h"

namespace zorgbrug::adapters::consultation::internal {

// Shared with the other adapters (adapters/common/fhir_terms.h).
using common::kActCodeSystem;
using common::kCandidateListExtension;
using common::kCareTeamProfile;
using common::kConsentScopeSystem;
using common::kLoincSystem;
using common::kTaskProfile;

// The project's code systems (https://zorgbrug.be/fhir/CodeSystem/...).
// The kind of consultation: "perinatal", "mdo", "oncological-moc" (Encounter.type).
inline constexpr std::string_view kKindSystem =
    "https://zorgbrug.be/fhir/CodeSystem/consultation-kind";
// What a participant does: "organiser", "coordinator", "case-manager", "care-mediator".
inline constexpr std::string_view kFunctionSystem =
    "https://zorgbrug.be/fhir/CodeSystem/consultation-function";
// How a participant took part: "physical", "online", "phone", "absent", "designated-by-client"
// (CareTeam.participant.role).
inline constexpr std::string_view kParticipationSystem =
    "https://zorgbrug.be/fhir/CodeSystem/consultation-participation";
// What a record resource holds: "decisions" (the Communication), "report" (the DocumentReference).
inline constexpr std::string_view kRecordSystem =
    "https://zorgbrug.be/fhir/CodeSystem/consultation-record";
inline constexpr std::string_view kDecisionsCode = "decisions";
inline constexpr std::string_view kReportCode = "report";

// Terminologies of HL7 and LOINC used as they are.
// "text/plain; charset=utf-8": the report's attachment.
inline constexpr std::string_view kReportContentType = "text/plain; charset=utf-8";

// The identifier systems under the sender's key namespace ("<base>/<what>"):
// "<base>/consultation" the record's key (CareTeam, Encounter);
// "<base>/consultation-action" each action's key (Task);
// "<base>/consultation-charge" "<key>/<line index>" each billing line (ChargeItem);
// "<base>/careplan" the care plan's key; "<base>/patient" the client's.
inline constexpr std::string_view kConsultationKey = "consultation";
inline constexpr std::string_view kActionKey = "consultation-action";
inline constexpr std::string_view kChargeKey = "consultation-charge";
inline constexpr std::string_view kCarePlanKey = "careplan";
inline constexpr std::string_view kPatientKey = "patient";

using common::KeySystem;

// The code of each enum value ("perinatal"), with its display; empty for *_UNSPECIFIED.
std::string_view KindCode(v1::ConsultationKind kind);
std::string_view KindDisplay(v1::ConsultationKind kind);
std::string_view FunctionCode(v1::ConsultationFunction function);
std::string_view FunctionDisplay(v1::ConsultationFunction function);
std::string_view ModeCode(v1::ParticipationMode mode);
std::string_view ModeDisplay(v1::ParticipationMode mode);
// The inverses; nullopt for a code outside the code system.
std::optional<v1::ConsultationKind> KindFromCode(std::string_view code);
std::optional<v1::ConsultationFunction> FunctionFromCode(std::string_view code);
std::optional<v1::ParticipationMode> ModeFromCode(std::string_view code);

}  // namespace zorgbrug::adapters::consultation::internal
