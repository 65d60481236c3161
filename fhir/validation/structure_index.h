#pragma once

// Internal: the children and slices of every element of a StructureDef, indexed once per
// structure (on first use, thread-safe) so that walking a JSON object costs one scan of a short
// list per member rather than a search of the whole snapshot.

#include <span>
#include <string_view>
#include <vector>

#include "fhir/definitions/structure.h"

namespace zorgbrug::fhir::validation::internal {

// A child element as it appears in JSON.
struct Child {
  // The JSON member name; for a choice element the prefix before the type ("value" of value[x]).
  std::string_view name;
  const definitions::ElementDef* def;
  // The slices of `def` (elements with its path and a sliceName), in snapshot order.
  std::span<const definitions::ElementDef* const> slices;
};

struct Children {
  std::vector<Child> children;
  // The child `json_name` stands for ("valueQuantity" finds value[x]), or nullptr.
  const Child* Find(std::string_view json_name) const;
};

// The direct children of `element` (which must belong to `structure`), without slices.
const Children& ChildrenOf(const definitions::StructureDef& structure,
                           const definitions::ElementDef& element);

// The core type called `code` ("Quantity", "string", "Patient"), or nullptr: FindType through a
// hash table built on first use (the walker asks for every value it visits).
const definitions::StructureDef* TypeOf(std::string_view code);

// TypeOf(type.code) for a type of `element` (which belongs to `structure`), from the index.
const definitions::StructureDef* TypeOf(const definitions::StructureDef& structure,
                                        const definitions::ElementDef& element,
                                        const definitions::TypeRef& type);

// The profile or core type with canonical `url`: FindStructure with a hash table in front for
// exact canonicals.
const definitions::StructureDef* StructureOf(std::string_view url);

// The root element of `structure` (id == its type or name), or nullptr.
const definitions::ElementDef* RootOf(const definitions::StructureDef& structure);

}  // namespace zorgbrug::fhir::validation::internal
