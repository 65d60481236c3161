#pragma once

// The values a FHIRPath expression works on (http://hl7.org/fhirpath/N1/#literals). An Item is
// either a node of a json tree (an element of the resource being evaluated) or a value computed by
// the expression. Node items refer into the caller's json::Document and are valid while it lives.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/fhirpath/decimal.h"
#include "fhir/fhirpath/temporal.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::fhirpath {

enum class ItemKind : uint8_t {
  kNode,  // an element of the json tree
  kBoolean,
  kInteger,
  kDecimal,
  kString,
  kTemporal,  // System.Date, System.DateTime or System.Time
  kQuantity,
};

struct Item {
  ItemKind kind = ItemKind::kBoolean;

  // kNode: the element (null when only its primitive extension `_name` exists), the `_name`
  // object holding `id`/`extension` of a primitive (null when absent), the JSON member name it was
  // reached by, and its FHIR type code when known ("dateTime", "Quantity", "Patient"); empty when
  // unknown.
  json::Value node;
  json::Value primitive_ext;
  std::string_view name;
  std::string_view type;

  bool boolean = false;
  int64_t integer = 0;
  Decimal decimal;    // kDecimal; kQuantity value
  std::string text;   // kString; kQuantity unit
  Temporal temporal;  // kTemporal

  static Item Node(json::Value node, json::Value ext, std::string_view name,
                   std::string_view type) {
    Item item;
    item.kind = ItemKind::kNode;
    item.node = node;
    item.primitive_ext = ext;
    item.name = name;
    item.type = type;
    return item;
  }
  static Item Boolean(bool b) {
    Item item;
    item.boolean = b;
    return item;
  }
  static Item Integer(int64_t n) {
    Item item;
    item.kind = ItemKind::kInteger;
    item.integer = n;
    return item;
  }
  static Item FromDecimal(const Decimal& d) {
    Item item;
    item.kind = ItemKind::kDecimal;
    item.decimal = d;
    return item;
  }
  static Item String(std::string s) {
    Item item;
    item.kind = ItemKind::kString;
    item.text = std::move(s);
    return item;
  }
  static Item FromTemporal(const Temporal& t) {
    Item item;
    item.kind = ItemKind::kTemporal;
    item.temporal = t;
    return item;
  }
  static Item Quantity(const Decimal& value, std::string unit) {
    Item item;
    item.kind = ItemKind::kQuantity;
    item.decimal = value;
    item.text = std::move(unit);
    return item;
  }
};

using Collection = std::vector<Item>;

// Converts a node holding a JSON primitive (or a FHIR Quantity object) to the System value it
// stands for; computed items are returned unchanged. std::nullopt for objects, arrays, null and
// primitives without a value. Strings stay strings: callers convert to dates where the other
// operand asks for it (ToTemporal).
std::optional<Item> ToSystem(const Item& item);

// The item as a date/dateTime/time when it is one or a string in that format.
std::optional<Temporal> ToTemporal(const Item& item);

// The string form used by toString() and string functions; std::nullopt when none exists.
std::optional<std::string> ToText(const Item& item);

// The FHIR/System type name of `item` as far as it can be known: the recorded element type, the
// resourceType of a resource, else guessed from the JSON shape ("boolean", "integer", "decimal",
// "string"); for computed items the System type ("Boolean", "Integer", ...). Empty when unknown.
std::string_view TypeName(const Item& item);

}  // namespace zorgbrug::fhir::fhirpath
