#pragma once

// Canonical URLs that several adapters write: the Belgian patient-care profiles, R4 extensions and
// HL7 / LOINC terminologies used as they are. An adapter's own code systems stay in its
// fhir_shape.h.

#include <string_view>

namespace zorgbrug::adapters::common {

// HL7 Belgium patient-care 1.1.0.
inline constexpr std::string_view kCareTeamProfile =
    "https://www.ehealth.fgov.be/standards/fhir/patient-care/StructureDefinition/be-careteam";
inline constexpr std::string_view kTaskProfile =
    "https://www.ehealth.fgov.be/standards/fhir/patient-care/StructureDefinition/be-task";
// Required on a BeTask: who may take it.
inline constexpr std::string_view kCandidateListExtension =
    "http://hl7.org/fhir/StructureDefinition/task-candidateList";

inline constexpr std::string_view kActCodeSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kConsentScopeSystem =
    "http://terminology.hl7.org/CodeSystem/consentscope";
inline constexpr std::string_view kLoincSystem = "http://loinc.org";

}  // namespace zorgbrug::adapters::common
