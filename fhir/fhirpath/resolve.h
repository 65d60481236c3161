#pragma once

// resolve() (http://hl7.org/fhir/R4/fhirpath.html#functions): finds the resources that references
// point to, without any network access.

#include <span>

#include "absl/status/statusor.h"
#include "fhir/fhirpath/fhirpath.h"

namespace zorgbrug::fhir::fhirpath::internal {

// For each Reference (object with `reference`) or reference string in `input`, the resource it
// names: `#id` among the `contained` resources of %rootResource (or %resource); otherwise an entry
// of context.bundle whose fullUrl equals the reference, or (for a relative `Type/id` or an
// absolute URL ending in it) whose resource has that type and id. References that cannot be
// resolved contribute nothing.
absl::StatusOr<Collection> Resolve(const Context& context, std::span<const Item> input);

}  // namespace zorgbrug::fhir::fhirpath::internal
