#pragma once

// The values a FHIRPath expression works on (http://hl7.org/fhirpath/N1/#literals). An Item is
// either a node of a json tree (an element of the resource being evaluated) or a value computed by
// the expression. Node items refer into the caller's json::Document and are valid while it lives.
//
// An Item is 56 bytes and cheap to copy: node items and strings taken from the document are views
// into it; decimals, dates/times, quantities and strings the expression builds live in one shared,
// reference-counted payload.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/fhirpath/collection.h"
#include "fhir/fhirpath/decimal.h"
#include "fhir/fhirpath/temporal.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::fhirpath {

enum class ItemKind : uint8_t {
  kNode,  // an element of the json tree
  kBoolean,
  kInteger,
  kDecimal,  // this kind and the ones below may hold a payload
  kString,
  kTemporal,  // System.Date, System.DateTime or System.Time
  kQuantity,
};

class Item {
 public:
  Item() : data_() {}  // Boolean false
  Item(const Item& other) {
    CopyFrom(other);
    Retain();
  }
  Item(Item&& other) noexcept {
    CopyFrom(other);
    other.kind_ = ItemKind::kBoolean;
    other.payload_ = nullptr;
  }
  Item& operator=(const Item& other) {
    if (this != &other) *this = Item(other);
    return *this;
  }
  Item& operator=(Item&& other) noexcept {
    if (this != &other) {
      Release();
      CopyFrom(other);
      other.kind_ = ItemKind::kBoolean;
      other.payload_ = nullptr;
    }
    return *this;
  }
  ~Item() { Release(); }

  // kNode: the element (null when only its primitive extension `_name` exists), the `_name`
  // object holding `id`/`extension` of a primitive (null when absent), the JSON member name it was
  // reached by, and its FHIR type code when known ("dateTime", "Quantity", "Patient"); empty when
  // unknown. `name` and `type` must outlive the item (they normally point into the document or
  // into static tables); a type longer than 65535 bytes is cut there.
  static Item Node(json::Value node, json::Value ext, std::string_view name,
                   std::string_view type) {
    Item item;
    item.kind_ = ItemKind::kNode;
    item.data_.node.value = node;
    item.data_.node.ext = ext;
    item.name_ = name.data();
    item.size_ = static_cast<uint32_t>(name.size());
    item.type_ = type.data();
    item.type_size_ = static_cast<uint16_t>(type.size() > 0xffff ? 0xffff : type.size());
    return item;
  }
  static Item Boolean(bool b) {
    Item item;
    item.data_.integer = b ? 1 : 0;
    return item;
  }
  static Item Integer(int64_t n) {
    Item item;
    item.kind_ = ItemKind::kInteger;
    item.data_.integer = n;
    return item;
  }
  static Item FromDecimal(const Decimal& d);
  static Item String(std::string s);
  // A string viewing `s`, which must outlive the item (text of the document being evaluated).
  static Item StringView(std::string_view s);
  static Item FromTemporal(const Temporal& t);
  static Item Quantity(const Decimal& value, std::string unit);

  ItemKind kind() const { return kind_; }
  // kNode only.
  const json::Value& node() const { return data_.node.value; }
  const json::Value& primitive_ext() const { return data_.node.ext; }
  std::string_view name() const { return {name_, size_}; }
  std::string_view type() const { return {type_, type_size_}; }
  // kBoolean, kInteger.
  bool boolean() const { return data_.integer != 0; }
  int64_t integer() const { return data_.integer; }
  // kDecimal; the value of a kQuantity.
  const Decimal& decimal() const;
  // kString; the unit of a kQuantity.
  std::string_view text() const;
  // kTemporal.
  const Temporal& temporal() const;

  // Items built from a compiled expression's literals view the expression's storage while it is
  // evaluated (no reference counting); Own() gives such an item storage of its own, so that it
  // may outlive the expression. Every other item is returned unchanged.
  void Own();
  // An item viewing this one's storage, valid while this item lives (for compiled literals).
  Item Borrow() const;

 private:
  struct Payload;
  struct NodeData {
    json::Value value;
    json::Value ext;
  };
  union Data {
    Data() : integer(0) {}
    NodeData node;      // kNode
    int64_t integer;    // kInteger; kBoolean as 0 or 1
    const char* chars;  // kString: the text (size_); owned by payload_ when set
  };

  // Copies only the words `other` uses: a 16-byte copy of a value written as smaller pieces just
  // before would stall the CPU's store forwarding, and booleans are built and copied constantly.
  void CopyFrom(const Item& other) {
    if (other.kind_ == ItemKind::kNode) {
      data_.node = other.data_.node;
    } else {
      data_.integer = other.data_.integer;
    }
    kind_ = other.kind_;
    borrowed_ = other.borrowed_;
    CopyTail(other);
  }
  void CopyTail(const Item& other) {
    name_ = other.name_;
    type_ = other.type_;
    size_ = other.size_;
    type_size_ = other.type_size_;
  }
  bool Counted() const { return kind_ >= ItemKind::kDecimal && payload_ != nullptr && !borrowed_; }
  void Retain() {
    if (Counted()) RetainSlow();
  }
  void Release() {
    if (Counted()) ReleaseSlow();
  }
  void RetainSlow();
  void ReleaseSlow();

  Data data_;
  union {
    const char* name_ = nullptr;  // kNode
    Payload* payload_;            // kDecimal, kTemporal, kQuantity; kString when owned
  };
  const char* type_ = nullptr;  // kNode
  uint32_t size_ = 0;           // kNode: name size; kString: text size
  uint16_t type_size_ = 0;      // kNode
  ItemKind kind_ = ItemKind::kBoolean;
  bool borrowed_ = false;  // payload_ belongs to a compiled literal
};

using Collection = internal::SmallVector<Item>;

// Converts a node holding a JSON primitive (or a FHIR Quantity object) to the System value it
// stands for; computed items are returned unchanged. std::nullopt for objects, arrays, null and
// primitives without a value. Strings stay strings (viewing the document): callers convert to
// dates where the other operand asks for it (ToTemporal).
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
