#pragma once

// Navigation of the json tree and FHIR type tests (internal to fhir/fhirpath/).
// http://hl7.org/fhir/R4/fhirpath.html and http://hl7.org/fhir/R4/json.html (primitive extensions,
// choice elements).

#include <cstdint>
#include <string_view>

#include "fhir/fhirpath/item.h"

namespace zorgbrug::fhir::fhirpath::internal {

// Appends the children of `parent` reached by element `name`: the member `name` (each item of an
// array), paired with its primitive extension `_name`; for a choice element (`value`) the member
// `value<Type>` whose suffix is a FHIR type, typed accordingly. A primitive's `id` and `extension`
// come from its `_name` object. Stops once `out` holds `limit` items.
void Navigate(const Item& parent, std::string_view name, Collection& out, size_t limit = SIZE_MAX);

// Appends every child element of `parent` (children()), in document order.
void AllChildren(const Item& parent, Collection& out);

// The number of items AllChildren(parent) appends.
size_t CountChildren(const Item& parent);

// True when some item of `input` has a child reached by element `name` (Navigate would append
// something); `choice` is IsChoiceElement(name).
bool HasChild(std::span<const Item> input, std::string_view name, bool choice);

// True when `item` is of type `type` ("Quantity", "FHIR.string", "System.Boolean", "Resource"),
// including FHIR specializations (Age is a Quantity, code is a string, Patient is a Resource).
// Items whose type is unknown are judged by their JSON shape.
bool IsOfType(const Item& item, std::string_view type);

// True when `name` is the name of a choice element of R4 (`value` for value[x])
// (choice_elements.cc).
bool IsChoiceElement(std::string_view name);

// The FHIR type code of choice suffix `suffix` ("DateTime" -> "dateTime", "Quantity" ->
// "Quantity"), or empty when it names no R4 choice type.
std::string_view ChoiceType(std::string_view suffix);

// True for an object that carries a resourceType.
bool IsResource(const json::Value& value);

}  // namespace zorgbrug::fhir::fhirpath::internal
