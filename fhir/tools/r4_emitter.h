#pragma once

// Writes the C++ sources of the generated R4 tables and views (see fhir/r4/README.md). The output
// is already formatted as clang-format formats it with the repository's .clang-format, so
// generating is deterministic and reformatting is a no-op.

#include <string>
#include <string_view>
#include <vector>

#include "fhir/tools/r4_definitions.h"

namespace zorgbrug::fhir::tools {

// fhir/r4/resource_types.cc: the sorted table behind fhir/r4/resource_types.h. `names` is sorted.
std::string EmitResourceTypes(const std::vector<std::string>& names);

// fhir/r4/resources.h: one view class per resource, in the order given.
std::string EmitResourcesHeader(const std::vector<ResourceSpec>& resources);

// fhir/r4/resources.cc: ElementsOf over the same resources, which are sorted by name.
std::string EmitResourcesSource(const std::vector<ResourceSpec>& resources);

// The C++ accessor name of a FHIR JSON name: snake_case, with `_` appended to C++ keywords and to
// the names of View's own members ("birthDate" -> "birth_date", "class" -> "class_").
std::string AccessorName(std::string_view json_name);

// The C++ name of the writer of `element`: add_<name> when repeated, else mutable_<name> for
// objects and set_<name> for primitives (snake_case, never a keyword thanks to the prefix).
std::string SetterName(const ElementSpec& element);

// snake_case of a camelCase FHIR name ("effectiveDateTime" -> "effective_date_time").
std::string SnakeCase(std::string_view name);

}  // namespace zorgbrug::fhir::tools
