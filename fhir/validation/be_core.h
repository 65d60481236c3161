#pragma once

// The HL7 Belgium core 2.x profiles BePatient, BePractitioner, BePractitionerRole, BeOrganization
// and BeAddress, hand-encoded (no StructureDefinition JSON of core 2.x is published; see
// ../shared/fhir-be/README.md). These are the profiles' OWN rules, applied on top of the generic R4
// structural validation (cardinality, types and formats of base R4 are checked elsewhere).
//
// Sources, cited next to each rule in be_core.cc:
//   - docs/DOMAIN.md section 3 (normative for this project);
//   - the FSH sources of hl7.fhir.be.core 2.x, github hl7-be/ehealth-be-core (now hl7-be/core),
//     input/fsh/profiles/Be*.fsh, input/fsh/invariants/BeInv*.fsh, input/fsh/valuesets/;
//   - the 1.x differentials in ../shared/fhir-be/core-legacy-1x/StructureDefinition-be-*.json.
// Where 2.x and 1.x differ, the 2.x rule is applied to both canonicals (e.g. BePatient.gender is
// 1..1 in 1.x and 0..1 in 2.x: not required). The legacy 1.x identifier and code system URIs are
// still accepted (DOMAIN.md section 3), with an informational issue naming the 2.x URI.
//
// Not checked here: reference target profiles (they need the referenced resource), mustSupport
// (not a validation rule), preferred/extensible bindings.
//
// Privacy contract: no diagnostic contains an identifier value, a name or any other instance value.

#include <span>
#include <string_view>

#include "fhir/issues.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation {

struct BeCoreProfile {
  std::string_view name;        // "BePatient"
  std::string_view url;         // 2.x canonical, .../standards/fhir/core/StructureDefinition/<id>
  std::string_view legacy_url;  // 1.x canonical, .../standards/fhir/StructureDefinition/<id>
  std::string_view type;        // "Patient"; "Address" for BeAddress
};

// The five profiles, in a fixed order (BePatient, BePractitioner, BePractitionerRole,
// BeOrganization, BeAddress). Static storage.
std::span<const BeCoreProfile> BeCoreProfiles();

// The profile with this canonical (2.x or legacy 1.x; an optional "|version" suffix ignored), or
// nullptr.
const BeCoreProfile* FindBeCoreProfile(std::string_view canonical);

// Applies the profile's own rules to `value` (a resource of profile.type, or an Address JSON object
// for BeAddress). Each issue's expression is `location` followed by the relative FHIRPath with
// indexes, e.g. location "Bundle.entry[2].resource" + ".identifier[0].value"; `location` names
// `value` itself ("Patient", "Patient.address[0]"). BePatient, BeOrganization and BePractitioner
// apply BeAddress to their addresses. Severity error for SHALL rules (cardinality, required
// binding, slice rules, check digits), warning for SHOULD (RECOMMENDED) rules, information for
// accepted legacy URIs.
void CheckBeCoreProfile(const BeCoreProfile& profile, const json::Value& value,
                        std::string_view location, IssueSink& sink);

}  // namespace zorgbrug::fhir::validation
