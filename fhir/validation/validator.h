#pragma once

// The FHIR R4 validator: structural validation of any R4 resource against the compiled core
// definitions (fhir/definitions), the FHIRPath invariants of every element (fhir/fhirpath), the
// profiles a resource claims in meta.profile and those the caller names (the Belgian
// core-clinical and patient-care profiles from the tables, Belgian core 2.x hand-encoded in
// be_core.h), and the Bundle rules. See fhir/validation/README.md for what is checked.
//
// Findings go to an IssueSink (STYLE.md rule 4): the validator never fails, it reports. Every
// issue has a FHIRPath expression with indexes ("Bundle.entry[3].resource.identifier[0].value")
// and a diagnostic that never repeats personal data (identifier values, names, free text).
// Nothing the validator does not know is removed: the document is only read.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/fhirpath/temporal.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation {

struct ValidationOptions {
  // Unknown elements are errors when true, warnings otherwise; they are kept either way.
  bool strict = false;
  // Canonical URLs ("|version" allowed, legacy Belgian canonicals accepted) to validate the
  // top-level resource against, in addition to its meta.profile.
  std::vector<std::string> profiles;
  // The instant now()/today() stand for in invariants. Without it, invariants that need the clock
  // are reported as not evaluated (information) rather than guessed.
  std::optional<fhirpath::Temporal> now;
  // At most this many issues are reported; one more issue then says how many were left out.
  size_t max_issues = 1000;
};

// Validates `resource` (a JSON object with a resourceType) and reports to `sink`. Expressions
// start with the resource type ("Patient.name[0]"). Contained resources and Bundle entries are
// validated as resources of their own, each against its own meta.profile.
void Validate(const json::Value& resource, const ValidationOptions& options, IssueSink& sink);

// Whether the validator knows the profile with canonical `url` (core type, Belgian profile from
// the tables, hand-encoded Belgian core 2.x, or a legacy alias of one).
bool IsKnownProfile(std::string_view url);

}  // namespace zorgbrug::fhir::validation
