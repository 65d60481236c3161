#pragma once

// Internal: the generated tables behind structure.h. Each function is defined in the generated
// file named in its comment.

#include <span>
#include <string_view>

#include "fhir/definitions/structure.h"

namespace zorgbrug::fhir::definitions::internal {

// A legacy canonical of a Belgian profile (…/standards/fhir/StructureDefinition/<id>, without the
// implementation guide segment) and the current canonical it stands for.
struct Alias {
  std::string_view alias;
  std::string_view url;
};

// core_structures.cc, sorted by name.
std::span<const StructureDef> CoreStructureTable();
// profiles.cc, sorted by url: the Belgian profiles, whose elements are in profiles.cc, and the R4
// core profiles and extension definitions, whose elements are in core_profiles.cc.
std::span<const StructureDef> ProfileTable();
// profiles.cc, sorted by alias.
std::span<const Alias> AliasTable();
// value_sets.cc, sorted by url.
std::span<const ValueSetDef> ValueSetTable();

}  // namespace zorgbrug::fhir::definitions::internal
