#include "fhir/fhirpath/navigation.h"

#include "fhir/fhirpath/strings.h"
#include "fhir/r4/resources.h"
#include "fhir/r4/view.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

// The element table of `parent` when it is a resource the generated R4 tables describe, else
// empty: the types of its top-level elements.
std::span<const r4::ElementInfo> ElementsFor(const Item& parent) {
  if (parent.type().empty() || !parent.node().IsObject()) return {};
  std::span<const r4::ElementInfo> elements = r4::ElementsOf(parent.type());
  if (elements.empty() || !IsResource(parent.node())) return {};
  return elements;
}

// True for the members that hold a resource in R4 (Resource.contained, Bundle.entry.resource,
// Bundle.entry.response.outcome, Parameters.parameter.resource). Objects elsewhere are not searched
// for a resourceType when typed: IsOfType() and TypeName() still recognise them by it.
bool MayHoldResource(std::string_view member) {
  return member == "resource" || member == "contained" || member == "outcome";
}

std::string_view ChildType(std::span<const r4::ElementInfo> elements, std::string_view member,
                           const json::Value& value) {
  if (value.IsObject() && MayHoldResource(member)) {
    std::string_view rt = value.FindString("resourceType");
    if (!rt.empty()) return rt;
  }
  if (!elements.empty()) {
    if (const r4::ElementInfo* info = r4::FindElement(elements, member)) return info->type;
  }
  return {};
}

// Appends the items of member value `value` (an array or a single value) paired with `ext`, until
// `out` holds `limit` items; `elements` is ElementsFor(the parent).
void AppendMember(std::span<const r4::ElementInfo> elements, std::string_view member,
                  std::string_view type, const json::Value* value, const json::Value* ext,
                  Collection& out, size_t limit = SIZE_MAX) {
  if (value != nullptr && value->IsArray()) {
    auto items = value->items();
    auto exts = ext != nullptr && ext->IsArray() ? ext->items() : std::span<const json::Value>();
    if (limit == SIZE_MAX) out.reserve(out.size() + items.size());
    for (size_t i = 0; i < items.size() && out.size() < limit; ++i) {
      json::Value e = i < exts.size() ? exts[i] : json::Value();
      if (items[i].IsNull() && e.IsNull()) continue;
      out.push_back(Item::Node(items[i], e, member,
                               type.empty() ? ChildType(elements, member, items[i]) : type));
    }
    return;
  }
  if (value == nullptr && ext != nullptr && ext->IsArray()) {
    for (const json::Value& e : ext->items()) {
      if (out.size() >= limit) break;
      if (!e.IsNull()) out.push_back(Item::Node(json::Value(), e, member, type));
    }
    return;
  }
  json::Value v = value != nullptr ? *value : json::Value();
  json::Value e = ext != nullptr ? *ext : json::Value();
  if (v.IsNull() && e.IsNull()) return;
  out.push_back(Item::Node(v, e, member, type.empty() ? ChildType(elements, member, v) : type));
}

// Looks up `name` and `_name` in one pass over the members of `object`.
bool FindPair(const json::Value& object, std::string_view name, const json::Value*& value,
              const json::Value*& ext, std::string_view& member) {
  value = ext = nullptr;
  for (const json::Member& m : object.members()) {
    if (m.name.size() == name.size() && m.name[0] == name[0] && m.name == name) {
      value = &m.value;
      member = m.name;
    } else if (m.name.size() == name.size() + 1 && m.name[0] == '_' && m.name.substr(1) == name) {
      ext = &m.value;
      if (member.empty()) member = m.name.substr(1);
    }
  }
  return value != nullptr || ext != nullptr;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The FHIR primitive or complex type `type` specializes (code -> string, Age -> Quantity), or
// empty.
std::string_view BaseType(std::string_view type) {
  if (type == "code" || type == "id" || type == "markdown") return "string";
  if (type == "canonical" || type == "url" || type == "oid" || type == "uuid") return "uri";
  if (type == "positiveInt" || type == "unsignedInt") return "integer";
  if (type == "Age" || type == "Duration" || type == "Distance" || type == "Count" ||
      type == "SimpleQuantity" || type == "MoneyQuantity") {
    return "Quantity";
  }
  return {};
}

bool KnownTypeIs(std::string_view actual, std::string_view wanted) {
  for (std::string_view t = actual; !t.empty(); t = BaseType(t)) {
    if (t == wanted || EqualsIgnoreCase(t, wanted)) return true;
  }
  return false;
}

// Judges a node of unknown type by its JSON shape.
bool ShapeIs(const json::Value& node, std::string_view wanted) {
  if (node.IsString()) {
    if (wanted == "date" || wanted == "dateTime" || wanted == "instant" || wanted == "time") {
      auto t = Temporal::Parse(node.text(), wanted == "time"   ? TemporalKind::kTime
                                            : wanted == "date" ? TemporalKind::kDate
                                                               : TemporalKind::kDateTime);
      if (!t) return false;
      if (wanted == "date") return t->kind == TemporalKind::kDate;
      if (wanted == "instant") return t->precision >= Precision::kSecond && t->offset_minutes;
      return true;
    }
    static constexpr std::string_view kStringLike[] = {
        "string",    "code", "id",   "markdown",     "uri",  "url",
        "canonical", "oid",  "uuid", "base64Binary", "xhtml"};
    for (std::string_view s : kStringLike) {
      if (EqualsIgnoreCase(s, wanted)) return true;
    }
    return false;
  }
  if (node.IsBool()) return EqualsIgnoreCase(wanted, "boolean");
  if (node.IsNumber()) {
    bool integer = node.text().find_first_of(".eE") == std::string_view::npos;
    if (EqualsIgnoreCase(wanted, "decimal")) return !integer;
    return integer && KnownTypeIs("integer", wanted);
  }
  if (node.IsObject() && wanted == "Quantity") {
    const json::Value* value = node.Find("value");
    return value != nullptr && value->IsNumber() &&
           (node.Find("code") != nullptr || node.Find("unit") != nullptr);
  }
  return false;
}

}  // namespace

bool IsOfType(const Item& item, std::string_view type) {
  if (type.substr(0, 5) == "FHIR.") type.remove_prefix(5);
  bool system = type.substr(0, 7) == "System.";
  if (system) type.remove_prefix(7);
  if (item.kind() != ItemKind::kNode) return EqualsIgnoreCase(TypeName(item), type);
  if (IsResource(item.node())) {
    std::string_view rt = item.node().FindString("resourceType");
    if (type == rt || type == "Resource") return true;
    return type == "DomainResource" && rt != "Bundle" && rt != "Binary" && rt != "Parameters";
  }
  if (!item.type().empty()) return KnownTypeIs(item.type(), type);
  return ShapeIs(item.node(), type);
}

bool IsResource(const json::Value& value) {
  return value.IsObject() && !value.FindString("resourceType").empty();
}

void Navigate(const Item& parent, std::string_view name, Collection& out, size_t limit) {
  if (parent.kind() != ItemKind::kNode) return;
  const json::Value& object = parent.node().IsObject() ? parent.node() : parent.primitive_ext();
  if (!object.IsObject()) return;
  const json::Value* value;
  const json::Value* ext;
  std::string_view member;
  if (FindPair(object, name, value, ext, member)) {
    AppendMember(ElementsFor(parent), member, {}, value, ext, out, limit);
    return;
  }
  // A choice element: `name` followed by a capitalized type name, with a value or only its
  // primitive extension (`_valueString`).
  if (!IsChoiceElement(name)) return;
  for (const json::Member& m : object.members()) {
    std::string_view n = m.name;
    if (!n.empty() && n[0] == '_') n.remove_prefix(1);
    if (n.size() <= name.size() || n.substr(0, name.size()) != name) continue;
    if (n[name.size()] < 'A' || n[name.size()] > 'Z') continue;
    std::string_view type = ChoiceType(n.substr(name.size()));
    if (type.empty()) continue;
    FindPair(object, n, value, ext, member);
    AppendMember({}, member, type, value, ext, out, limit);
    return;
  }
}

// The FHIR type of a member named like a choice element (`valueQuantity` -> "Quantity"), or
// empty.
std::string_view ChoiceMemberType(std::string_view n) {
  for (size_t i = 1; i < n.size(); ++i) {
    if (n[i] >= 'A' && n[i] <= 'Z' && IsChoiceElement(n.substr(0, i))) {
      std::string_view type = ChoiceType(n.substr(i));
      if (!type.empty()) return type;
    }
  }
  return {};
}

void AllChildren(const Item& parent, Collection& out) {
  if (parent.kind() != ItemKind::kNode) return;
  const json::Value& object = parent.node().IsObject() ? parent.node() : parent.primitive_ext();
  if (!object.IsObject()) return;
  std::span<const json::Member> members = object.members();
  bool any_ext = false;
  for (const json::Member& m : members) any_ext |= !m.name.empty() && m.name[0] == '_';
  std::span<const r4::ElementInfo> elements = ElementsFor(parent);
  out.reserve(out.size() + members.size());
  for (const json::Member& m : members) {
    std::string_view n = m.name;
    if (n == "resourceType") continue;
    if (any_ext && n[0] == '_') {
      // Only an extension without a value of its own is a separate child.
      if (object.Find(n.substr(1)) == nullptr)
        AppendMember(elements, n.substr(1), {}, nullptr, &m.value, out);
      continue;
    }
    const json::Value* value = &m.value;
    const json::Value* ext = nullptr;
    if (any_ext) {
      std::string_view member;
      FindPair(object, n, value, ext, member);
    }
    AppendMember(elements, n, ChoiceMemberType(n), value, ext, out);
  }
}

// Whether AppendMember(value, ext) would append anything.
bool MemberHasItems(const json::Value* value, const json::Value* ext) {
  if (value != nullptr && value->IsArray()) {
    auto items = value->items();
    auto exts = ext != nullptr && ext->IsArray() ? ext->items() : std::span<const json::Value>();
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].IsNull() || (i < exts.size() && !exts[i].IsNull())) return true;
    }
    return false;
  }
  if (value == nullptr && ext != nullptr && ext->IsArray()) {
    for (const json::Value& e : ext->items()) {
      if (!e.IsNull()) return true;
    }
    return false;
  }
  return (value != nullptr && !value->IsNull()) || (ext != nullptr && !ext->IsNull());
}

// Whether Navigate(object, choice element `name`) would append anything.
bool HasChoiceChild(const json::Value& object, std::string_view name) {
  for (const json::Member& m : object.members()) {
    std::string_view n = m.name;
    if (!n.empty() && n[0] == '_') n.remove_prefix(1);
    if (n.size() <= name.size() || n.substr(0, name.size()) != name) continue;
    if (n[name.size()] < 'A' || n[name.size()] > 'Z') continue;
    if (ChoiceType(n.substr(name.size())).empty()) continue;
    const json::Value* value;
    const json::Value* ext;
    std::string_view member;
    FindPair(object, n, value, ext, member);
    return MemberHasItems(value, ext);
  }
  return false;
}

bool HasChild(std::span<const Item> input, std::string_view name, bool choice) {
  for (const Item& item : input) {
    if (item.kind() != ItemKind::kNode) continue;
    const json::Value& object = item.node().IsObject() ? item.node() : item.primitive_ext();
    if (!object.IsObject()) continue;
    const json::Value* value;
    const json::Value* ext;
    std::string_view member;
    if (FindPair(object, name, value, ext, member)) {
      if (MemberHasItems(value, ext)) return true;
      continue;
    }
    if (choice && HasChoiceChild(object, name)) return true;
  }
  return false;
}

// Counts what AllChildren(parent) would append, without building the items.
size_t CountChildren(const Item& parent) {
  if (parent.kind() != ItemKind::kNode) return 0;
  const json::Value& object = parent.node().IsObject() ? parent.node() : parent.primitive_ext();
  if (!object.IsObject()) return 0;
  std::span<const json::Member> members = object.members();
  bool any_ext = false;
  for (const json::Member& m : members) any_ext |= !m.name.empty() && m.name[0] == '_';
  if (any_ext) {
    Collection children;
    AllChildren(parent, children);
    return children.size();
  }
  size_t count = 0;
  for (const json::Member& m : members) {
    if (m.name == "resourceType") continue;
    if (!m.value.IsArray()) {
      count += !m.value.IsNull();
      continue;
    }
    for (const json::Value& v : m.value.items()) count += !v.IsNull();
  }
  return count;
}

}  // namespace zorgbrug::fhir::fhirpath::internal
