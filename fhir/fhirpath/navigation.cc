#include "fhir/fhirpath/navigation.h"

#include <algorithm>
#include <cstring>

#include "fhir/fhirpath/strings.h"
#include "fhir/r4/resources.h"
#include "fhir/r4/view.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

// Types a choice element can take in R4 (http://hl7.org/fhir/R4/datatypes.html#open), as they
// appear capitalized in JSON member names.
constexpr std::string_view kChoiceTypes[] = {"Base64Binary",
                                             "Boolean",
                                             "Canonical",
                                             "Code",
                                             "Date",
                                             "DateTime",
                                             "Decimal",
                                             "Id",
                                             "Instant",
                                             "Integer",
                                             "Markdown",
                                             "Oid",
                                             "PositiveInt",
                                             "String",
                                             "Time",
                                             "UnsignedInt",
                                             "Uri",
                                             "Url",
                                             "Uuid",
                                             "Address",
                                             "Age",
                                             "Annotation",
                                             "Attachment",
                                             "CodeableConcept",
                                             "Coding",
                                             "ContactPoint",
                                             "Count",
                                             "Distance",
                                             "Duration",
                                             "HumanName",
                                             "Identifier",
                                             "Money",
                                             "Period",
                                             "Quantity",
                                             "Range",
                                             "Ratio",
                                             "Reference",
                                             "SampledData",
                                             "Signature",
                                             "Timing",
                                             "ContactDetail",
                                             "Contributor",
                                             "DataRequirement",
                                             "Expression",
                                             "ParameterDefinition",
                                             "RelatedArtifact",
                                             "TriggerDefinition",
                                             "UsageContext",
                                             "Dosage",
                                             "Meta"};

// Names of the choice elements (`value[x]`) of R4, sorted. conformance_test.cc checks that every
// `[x]` element of the R4 StructureDefinitions is listed.
constexpr std::string_view kChoiceElements[] = {"abatement",
                                                "additive",
                                                "age",
                                                "allowed",
                                                "amount",
                                                "answer",
                                                "asNeeded",
                                                "author",
                                                "born",
                                                "bounds",
                                                "characteristic",
                                                "chargeItem",
                                                "code",
                                                "collected",
                                                "content",
                                                "created",
                                                "date",
                                                "deceased",
                                                "defaultValue",
                                                "definingSubstance",
                                                "definition",
                                                "detail",
                                                "diagnosis",
                                                "done",
                                                "dose",
                                                "doseNumber",
                                                "due",
                                                "effective",
                                                "entity",
                                                "event",
                                                "example",
                                                "fastingStatus",
                                                "fixed",
                                                "identified",
                                                "indication",
                                                "item",
                                                "legallyBinding",
                                                "location",
                                                "manufacturer",
                                                "maxValue",
                                                "medication",
                                                "minValue",
                                                "minimumVolume",
                                                "module",
                                                "multipleBirth",
                                                "name",
                                                "occurred",
                                                "occurrence",
                                                "offset",
                                                "onset",
                                                "participantEffective",
                                                "pattern",
                                                "performed",
                                                "probability",
                                                "procedure",
                                                "product",
                                                "quantity",
                                                "rate",
                                                "reported",
                                                "scheduled",
                                                "seriesDoses",
                                                "serviced",
                                                "source",
                                                "start",
                                                "statusReason",
                                                "studyEffective",
                                                "subject",
                                                "substance",
                                                "target",
                                                "time",
                                                "timing",
                                                "topic",
                                                "used",
                                                "value",
                                                "what",
                                                "when",
                                                "where",
                                                "why"};

// Primitive type codes in the form element definitions use.
constexpr std::string_view kPrimitiveTypes[] = {
    "base64Binary", "boolean",     "canonical", "code",     "date", "dateTime",    "decimal",
    "id",           "instant",     "integer",   "markdown", "oid",  "positiveInt", "string",
    "time",         "unsignedInt", "uri",       "url",      "uuid", "xhtml"};

// The FHIR type code of choice suffix `suffix` ("DateTime" -> "dateTime"), or empty.
std::string_view ChoiceType(std::string_view suffix) {
  for (size_t i = 0; i < std::size(kChoiceTypes); ++i) {
    if (kChoiceTypes[i] == suffix) {
      if (i < std::size(kPrimitiveTypes) - 1) return kPrimitiveTypes[i];
      return kChoiceTypes[i];
    }
  }
  return {};
}

std::string_view ChildType(const Item& parent, std::string_view member, const json::Value& value) {
  if (value.IsObject()) {
    std::string_view rt = value.FindString("resourceType");
    if (!rt.empty()) return rt;
  }
  if (!parent.type.empty() && parent.node.IsObject() && IsResource(parent.node)) {
    if (const r4::ElementInfo* info = r4::FindElement(r4::ElementsOf(parent.type), member)) {
      return info->type;
    }
  }
  return {};
}

// Appends the items of member value `value` (an array or a single value) paired with `ext`.
void AppendMember(const Item& parent, std::string_view member, std::string_view type,
                  const json::Value* value, const json::Value* ext, Collection& out) {
  if (value != nullptr && value->IsArray()) {
    auto items = value->items();
    auto exts = ext != nullptr && ext->IsArray() ? ext->items() : std::span<const json::Value>();
    out.reserve(out.size() + items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      json::Value e = i < exts.size() ? exts[i] : json::Value();
      if (items[i].IsNull() && e.IsNull()) continue;
      out.push_back(Item::Node(items[i], e, member,
                               type.empty() ? ChildType(parent, member, items[i]) : type));
    }
    return;
  }
  if (value == nullptr && ext != nullptr && ext->IsArray()) {
    for (const json::Value& e : ext->items()) {
      if (!e.IsNull()) out.push_back(Item::Node(json::Value(), e, member, type));
    }
    return;
  }
  json::Value v = value != nullptr ? *value : json::Value();
  json::Value e = ext != nullptr ? *ext : json::Value();
  if (v.IsNull() && e.IsNull()) return;
  out.push_back(Item::Node(v, e, member, type.empty() ? ChildType(parent, member, v) : type));
}

// Looks up `name` and `_name` in one pass over the members of `object`.
bool FindPair(const json::Value& object, std::string_view name, const json::Value*& value,
              const json::Value*& ext, std::string_view& member) {
  value = ext = nullptr;
  for (const json::Member& m : object.members()) {
    if (m.name == name) {
      value = &m.value;
      member = m.name;
    } else if (m.name.size() == name.size() + 1 && m.name[0] == '_' && m.name.substr(1) == name) {
      ext = &m.value;
      if (member.empty()) member = m.name.substr(1);
    }
  }
  return value != nullptr || ext != nullptr;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

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
  if (item.kind != ItemKind::kNode) return EqualsIgnoreCase(TypeName(item), type);
  if (IsResource(item.node)) {
    std::string_view rt = item.node.FindString("resourceType");
    if (type == rt || type == "Resource") return true;
    return type == "DomainResource" && rt != "Bundle" && rt != "Binary" && rt != "Parameters";
  }
  if (!item.type.empty()) return KnownTypeIs(item.type, type);
  return ShapeIs(item.node, type);
}

bool IsChoiceElement(std::string_view name) {
  return std::binary_search(std::begin(kChoiceElements), std::end(kChoiceElements), name);
}

bool IsResource(const json::Value& value) {
  return value.IsObject() && !value.FindString("resourceType").empty();
}

void Navigate(const Item& parent, std::string_view name, Collection& out) {
  if (parent.kind != ItemKind::kNode) return;
  const json::Value& object = parent.node.IsObject() ? parent.node : parent.primitive_ext;
  if (!object.IsObject()) return;
  const json::Value* value;
  const json::Value* ext;
  std::string_view member;
  if (FindPair(object, name, value, ext, member)) {
    AppendMember(parent, member, {}, value, ext, out);
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
    AppendMember(parent, member, type, value, ext, out);
    return;
  }
}

void AllChildren(const Item& parent, Collection& out) {
  if (parent.kind != ItemKind::kNode) return;
  const json::Value& object = parent.node.IsObject() ? parent.node : parent.primitive_ext;
  if (!object.IsObject()) return;
  out.reserve(out.size() + object.size());
  for (const json::Member& m : object.members()) {
    std::string_view n = m.name;
    if (n == "resourceType") continue;
    if (!n.empty() && n[0] == '_') {
      // Only an extension without a value of its own is a separate child.
      if (object.Find(n.substr(1)) == nullptr)
        AppendMember(parent, n.substr(1), {}, nullptr, &m.value, out);
      continue;
    }
    const json::Value* value;
    const json::Value* ext;
    std::string_view member;
    FindPair(object, n, value, ext, member);
    std::string_view type;
    for (size_t i = 1; i < n.size(); ++i) {
      if (n[i] >= 'A' && n[i] <= 'Z' && IsChoiceElement(n.substr(0, i))) {
        type = ChoiceType(n.substr(i));
        if (!type.empty()) break;
      }
    }
    AppendMember(parent, n, type, value, ext, out);
  }
}

}  // namespace zorgbrug::fhir::fhirpath::internal
