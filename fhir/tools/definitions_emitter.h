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

// Structures of a table whose snapshot elements are written by EmitElements to another generated
// file, as the array `array` of namespace zorgbrug::fhir::definitions::internal.
struct ExternalElements {
  std::string array;                              // "kCoreProfileElements"
  std::string file;                               // "core_profiles.cc", named in a comment
  const std::vector<StructureModel>* structures;  // in the order given to EmitElements
};

// A generated source defining `function` (e.g. "CoreStructureTable") over `structures` in the
// given order; when `aliases` is given, also AliasTable() over those (alias, url) pairs, which
// must be sorted by alias. When `external` is given, the table also lists external->structures
// (elements in the array of the other file): `structures` and external->structures must then both
// be sorted by url, and the table merges them by url. `banner` is the leading comment, ending with
// a newline.
std::string EmitStructures(const std::string& banner, const std::string& function,
                           const std::vector<StructureModel>& structures,
                           const std::vector<std::pair<std::string, std::string>>* aliases,
                           const ExternalElements* external = nullptr);

// A generated source defining only the array external.array (external linkage, known bound): the
// snapshot elements of external.structures, one structure after the other, as EmitStructures
// indexes them.
std::string EmitElements(const std::string& banner, const ExternalElements& external);

// The generated source defining ValueSetTable() over `value_sets`, sorted by url.
std::string EmitValueSets(const std::string& banner, const std::vector<ValueSetModel>& value_sets);

}  // namespace zorgbrug::fhir::tools
