#pragma once

// The perinatal programme's code systems, published by the project (DOMAIN.md section 2: the
// billing codes of its services are not public, nor is a BiB code system), and the code of each
// value of the enums in proto/zorgbrug/v1/perinatal.proto and bib.proto. Shared by the BiB,
// consultation and care-plan adapters.

#include <optional>
#include <string_view>

#include "zorgbrug/v1/bib.pb.h"
#include "zorgbrug/v1/perinatal.pb.h"

namespace zorgbrug::adapters::common {

// The project's canonical base: every resource the project publishes lives under it.
inline constexpr std::string_view kCanonicalBase = "https://zorgbrug.be/fhir";
inline constexpr std::string_view kKceIndicatorSystem =
    "https://zorgbrug.be/fhir/CodeSystem/kce-indicator";
inline constexpr std::string_view kProgrammeServiceSystem =
    "https://zorgbrug.be/fhir/CodeSystem/programme-service";
inline constexpr std::string_view kBibIndicatorSystem =
    "https://zorgbrug.be/fhir/CodeSystem/bib-indicator";
// Codes of the screening itself, its status, the professional's judgement and the eligibility
// result ("bib-screening", "completed", "programme-eligibility", ...).
inline constexpr std::string_view kBibScreeningSystem =
    "https://zorgbrug.be/fhir/CodeSystem/bib-screening";
// The version of the code systems and of the BiB Questionnaire.
inline constexpr std::string_view kProgrammeDefinitionsVersion = "1.0.0";

// The code of each enum value ("financial-problems"); empty for *_UNSPECIFIED and unknown values.
std::string_view KceIndicatorCode(v1::KceIndicator indicator);
std::string_view ProgrammeServiceCode(v1::ProgrammeService service);
std::string_view BibIndicatorCode(v1::BibIndicator indicator);
// The display (English) of each code, as in the published code systems.
std::string_view KceIndicatorDisplay(v1::KceIndicator indicator);
std::string_view ProgrammeServiceDisplay(v1::ProgrammeService service);
std::string_view BibIndicatorDisplay(v1::BibIndicator indicator);
// The inverses; nullopt for a code not in the code system.
std::optional<v1::KceIndicator> KceIndicatorFromCode(std::string_view code);
std::optional<v1::ProgrammeService> ProgrammeServiceFromCode(std::string_view code);
std::optional<v1::BibIndicator> BibIndicatorFromCode(std::string_view code);

// The KCE indicator a BiB indicator counts towards (DOMAIN.md section 2 table), or
// KCE_INDICATOR_UNSPECIFIED for the four context-only indicators (country of birth, education,
// occupational status, partner's occupation).
v1::KceIndicator KceIndicatorOf(v1::BibIndicator indicator);

}  // namespace zorgbrug::adapters::common
