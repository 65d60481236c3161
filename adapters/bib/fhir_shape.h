#pragma once

// Internal: the shape of the FHIR the BiB adapter writes (to_fhir.cc) and reads back
// (from_fhir.cc): profiles, systems and codes, and the identifier each derived resource carries.

#include <string>
#include <string_view>

#include "adapters/common/fhir_terms.h"
#include "adapters/common/mapping_context.h"
#include "zorgbrug/v1/bib.pb.h"

namespace zorgbrug::adapters::bib::internal {

// Shared with the other adapters (adapters/common/fhir_terms.h).
using common::kActCodeSystem;
using common::kCandidateListExtension;
using common::kTaskProfile;

inline constexpr std::string_view kObservationProfile =
    "https://www.ehealth.fgov.be/standards/fhir/core-clinical/StructureDefinition/"
    "be-clinical-observation";
inline constexpr std::string_view kObservationCategorySystem =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr std::string_view kInterpretationSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
inline constexpr std::string_view kDataAbsentSystem =
    "http://terminology.hl7.org/CodeSystem/data-absent-reason";
inline constexpr std::string_view kSdohCategorySystem =
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes";
// "no redisclosure without consent directive": the label of a screening the woman did not share.
inline constexpr std::string_view kNoRedisclosure = "NORDSCLCD";
inline constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";

// The identifier systems under the sender's key namespace.
using common::KeySystem;
// "<base>/bib-screening" holds the screening's key (QuestionnaireResponse.identifier);
// "<base>/bib-screening-observation" "<key>/<part>" each derived Observation's;
// "<base>/bib-screening-task" "<key>/<service code>" each task's.
inline constexpr std::string_view kScreeningKey = "bib-screening";
inline constexpr std::string_view kObservationKey = "bib-screening-observation";
inline constexpr std::string_view kTaskKey = "bib-screening-task";

// The SDOH category of a BiB indicator (HL7 SDOH Clinical Care temporary codes, to verify before
// release), or empty when none fits.
std::string_view SdohCategory(v1::BibIndicator indicator);

}  // namespace zorgbrug::adapters::bib::internal
