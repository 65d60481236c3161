#pragma once

// The hand-written base of the generated typed views (fhir/r4/resources.h). A view is a thin handle
// over a resource object in a lossless json::Document: accessors read members by their FHIR JSON
// name, setters write them, and every member the view does not know (extensions, primitive
// extensions such as `_birthDate`, unknown elements) stays in the tree untouched. See
// fhir/r4/README.md for the shape of the views.
//
// Lifetime: a view or Node is valid while its Document lives. It refers to the container body of
// its object (json/value.h), so a Node taken from a parent stays valid when the parent later gains
// members or items.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "fhir/json/value.h"

namespace zorgbrug::fhir::r4 {

// How an element is written in FHIR JSON (http://hl7.org/fhir/R4/json.html#primitive).
enum class JsonShape : uint8_t {
  kString,   // a JSON string: string, code, uri, date, dateTime, id, markdown, ...
  kDecimal,  // a JSON number with any fraction or exponent: decimal
  kInteger,  // a JSON number without fraction or exponent: integer, positiveInt, unsignedInt
  kBoolean,  // true or false: boolean
  kObject,   // a JSON object: complex data types, BackboneElement, Resource
};

// `max` of an element whose cardinality is unbounded ("*").
inline constexpr uint32_t kMany = std::numeric_limits<uint32_t>::max();

// One top-level element of a resource as its snapshot defines it. A choice element such as
// `effective[x]` appears once per allowed type, under its JSON name (`effectiveDateTime`), with
// `choice` naming the group (`effective`); min and max then apply to the group as a whole.
struct ElementInfo {
  std::string_view name;  // JSON member name
  std::string_view type;  // FHIR type code: "dateTime", "CodeableConcept", "BackboneElement", ...
  JsonShape shape;
  uint32_t min;
  uint32_t max;  // 1 or kMany (0 never occurs: prohibited elements are not listed)
  std::string_view choice = {};

  bool repeated() const { return max > 1; }
};

// The entry of `elements` whose JSON name is `name`, or nullptr.
const ElementInfo* FindElement(std::span<const ElementInfo> elements, std::string_view name);

// True when `text` is a JSON number (RFC 8259 section 6); with `integer`, without fraction or
// exponent. The number setters accept only such text, so json::Write always prints valid JSON.
bool IsNumberText(std::string_view text, bool integer);

// A mutable handle to a JSON object inside a Document, for building data types and backbone
// elements: `p.add_name().SetString("family", "Peeters").AddString("given", "Jan")`.
// Setters replace an existing member of the same name and otherwise append, keeping member order.
class Node {
 public:
  // Keeps a copy of the handle `value` (an object): it shares the object's body, so writes through
  // the Node reach the tree even after the slot that held `value` moved.
  Node(json::Value& value, json::Document& doc) : value_(value), doc_(&doc) {}

  json::Value& json() const { return value_; }
  json::Document& document() const { return *doc_; }

  Node& SetString(std::string_view name, std::string_view text);
  // Does nothing when `number_text` is not a JSON number (IsNumberText(number_text, false)).
  Node& SetNumber(std::string_view name, std::string_view number_text);
  Node& SetBool(std::string_view name, bool value);
  // Sets member `name` to a deep copy of `value`, which may belong to any Document.
  Node& Set(std::string_view name, const json::Value& value);
  // Appends a string to the array member `name`, creating the array when absent.
  Node& AddString(std::string_view name, std::string_view text);
  // The object member `name`, created (replacing a non-object) when needed.
  Node Child(std::string_view name);
  // Appends a new empty object to the array member `name` (created when absent) and returns it.
  Node Add(std::string_view name);

 private:
  mutable json::Value value_;
  json::Document* doc_;
};

// Untyped part of every view: member access by JSON name. A view made from a const Value is
// read-only; calling a setter on it is a programming error and aborts the process.
class View {
 public:
  using Text = std::optional<std::string_view>;
  using Items = std::span<const json::Value>;

  const json::Value& json() const { return value_; }
  // The Document to write into, or nullptr for a read-only view.
  json::Document* document() const { return doc_; }
  bool is_mutable() const { return doc_ != nullptr; }
  // A Node over the whole resource, for members the typed accessors do not cover. Requires
  // is_mutable().
  Node AsNode();
  // Removes element `name` (JSON name) and its primitive extension `_name`; returns whether
  // either was present. Requires is_mutable().
  bool Clear(std::string_view name);

 protected:
  // Keeps a copy of the handle `*value` (see Node).
  View(const json::Value* value, json::Document* doc) : value_(*value), doc_(doc) {}

  // Readers: std::nullopt / nullptr / empty when the member is absent or has another JSON type.
  Text Str(std::string_view name) const;
  Text Num(std::string_view name) const;
  std::optional<bool> Bool(std::string_view name) const;
  const json::Value* Obj(std::string_view name) const;
  Items Arr(std::string_view name) const;

  // Writers. Setting one type of a choice element removes the members of its other types
  // (ElementInfo::choice), as a choice holds a single value.
  using Elements = std::span<const ElementInfo>;
  void PutString(Elements elements, std::string_view name, std::string_view text);
  bool PutNumber(Elements elements, std::string_view name, std::string_view text, bool integer);
  void PutBool(Elements elements, std::string_view name, bool value);
  Node PutObject(Elements elements, std::string_view name);
  void AddString(std::string_view name, std::string_view text);
  bool AddNumber(std::string_view name, std::string_view text, bool integer);
  void AddBool(std::string_view name, bool value);
  Node AddObject(std::string_view name);

 private:
  json::Value& Mutable() const;
  json::Value& MutableArray(std::string_view name) const;
  void ClearOtherChoices(Elements elements, std::string_view name);

  mutable json::Value value_;
  json::Document* doc_;
};

// The typed base of a generated view class `Derived`, which defines `kResourceType` and
// `kElements`. Provides the checked constructors and binds the writers to `kElements`.
template <typename Derived>
class ResourceView : public View {
 public:
  // True when `value` is an object whose resourceType is Derived::kResourceType.
  static bool Is(const json::Value& value) {
    return value.FindString("resourceType") == Derived::kResourceType;
  }
  // A read-only view of `value`, or std::nullopt when !Is(value).
  static std::optional<Derived> From(const json::Value& value) {
    if (!Is(value)) return std::nullopt;
    return Derived(&value, nullptr);
  }
  // A mutable view of `value`, which belongs to `doc`, or std::nullopt when !Is(value).
  static std::optional<Derived> From(json::Value& value, json::Document& doc) {
    if (!Is(value)) return std::nullopt;
    return Derived(&value, &doc);
  }
  // Makes `slot` (a value of `doc`, e.g. a Bundle entry's `resource`) a new resource holding only
  // its resourceType, and returns a mutable view of it. An object slot is emptied in place, so
  // every handle to it (such as a Node's copy) sees the resource; any other value is replaced.
  static Derived Create(json::Document& doc, json::Value& slot) {
    if (slot.IsObject()) {
      doc.Clear(slot);
    } else {
      slot = doc.MakeObject();
    }
    doc.Set(slot, "resourceType", doc.MakeString(Derived::kResourceType));
    return Derived(&slot, &doc);
  }
  // Makes the root of `doc` a new resource.
  static Derived Create(json::Document& doc) { return Create(doc, doc.root()); }

 protected:
  ResourceView(const json::Value* value, json::Document* doc) : View(value, doc) {}

  // The writers the generated setters call. Setting a primitive keeps its extension `_name`. Number
  // writers return false and change nothing when `text` is not a JSON number of the element's kind
  // (IsNumberText; integers without fraction or exponent).
  void PutString(std::string_view name, std::string_view text) {
    View::PutString(Derived::kElements, name, text);
  }
  bool PutDecimal(std::string_view name, std::string_view text) {
    return View::PutNumber(Derived::kElements, name, text, false);
  }
  bool PutInteger(std::string_view name, std::string_view text) {
    return View::PutNumber(Derived::kElements, name, text, true);
  }
  void PutBool(std::string_view name, bool value) {
    View::PutBool(Derived::kElements, name, value);
  }
  Node PutObject(std::string_view name) { return View::PutObject(Derived::kElements, name); }
  bool AddDecimal(std::string_view name, std::string_view text) {
    return AddNumber(name, text, false);
  }
  bool AddInteger(std::string_view name, std::string_view text) {
    return AddNumber(name, text, true);
  }
};

}  // namespace zorgbrug::fhir::r4
