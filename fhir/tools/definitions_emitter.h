#pragma once

// Writes the generated sources of fhir/definitions/ (see fhir/definitions/README.md). The tables
// sit between `// clang-format off` and `// clang-format on`, and the code around them is written
// as clang-format formats it, so reformatting is a no-op and the output is byte-for-byte stable.

#include <string>
#include <utility>
#include <vector>

#include "fhir/tools/definition_model.h"

namespace zorgbrug::fhir::tools {

// A C++ string literal holding `text` exactly (quotes, backslashes and control characters
// escaped; other bytes, including UTF-8, kept).
std::string CppString(std::string_view text);

// A generated source defining `function` (e.g. "CoreStructureTable") over `structures` in the
// given order; when `aliases` is given, also AliasTable() over those (alias, url) pairs, which
// must be sorted by alias. `banner` is the leading comment, ending with a newline.
std::string EmitStructures(const std::string& banner, const std::string& function,
                           const std::vector<StructureModel>& structures,
                           const std::vector<std::pair<std::string, std::string>>* aliases);

// The generated source defining ValueSetTable() over `value_sets`, sorted by url.
std::string EmitValueSets(const std::string& banner, const std::vector<ValueSetModel>& value_sets);

}  // namespace zorgbrug::fhir::tools
