#pragma once

// Internal: the fixed[x] and pattern[x] values of element definitions as JSON trees, and pattern
// matching
// (http://hl7.org/fhir/R4/elementdefinition-definitions.html#ElementDefinition.pattern_x_).

#include "fhir/definitions/structure.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation::internal {

// The fixed or pattern value of `def` parsed once (thread-safe, kept for the process), or nullptr
// when `def` has none.
const json::Value* ExpectedValue(const definitions::ElementDef& def);

// Whether `value` holds `pattern`: every member of a pattern object is in the value and holds the
// pattern's value; every item of a pattern array is held by some item of the value array;
// primitives are equal by text.
bool ContainsPattern(const json::Value& value, const json::Value& pattern);

}  // namespace zorgbrug::fhir::validation::internal
