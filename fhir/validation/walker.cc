#include "fhir/validation/walker.h"

#include <algorithm>
#include <string>

#include "absl/container/inlined_vector.h"
#include "fhir/validation/be_core.h"
#include "fhir/validation/primitives.h"

namespace zorgbrug::fhir::validation::internal {

using definitions::ElementDef;
using definitions::kMany;
using definitions::StructureDef;
using definitions::StructureKind;
using definitions::TypeRef;

namespace {

constexpr std::string_view kSystemTypePrefix = "http://hl7.org/fhirpath/System.";

// The values of one element with their `_name` partners paired, an array expanded to its items.
using Items = absl::InlinedVector<ElementValue, 4>;

// A null in an array stands for "no value here" and is only allowed where the `_name` array has
// the partner (http://hl7.org/fhir/R4/json.html#primitive).
void Expand(const ElementValue& v, Items& items, bool& is_array) {
  bool value_array = v.value.IsArray();
  bool ext_array = v.ext.IsArray();
  if (!value_array && !ext_array) {
    items.push_back(v);
    return;
  }
  is_array = true;
  size_t n = std::max(value_array ? v.value.size() : 0, ext_array ? v.ext.size() : 0);
  for (size_t i = 0; i < n; ++i) {
    ElementValue item{json::Value(), json::Value(), v.name};
    if (value_array && i < v.value.size()) item.value = v.value.items()[i];
    if (ext_array && i < v.ext.size()) item.ext = v.ext.items()[i];
    items.push_back(item);
  }
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

PathScope::PathScope(std::string& path, std::string_view name, std::ptrdiff_t index)
    : path_(path), size_(path.size()) {
  if (!name.empty()) {
    if (!path.empty()) path += '.';
    path += name;
  }
  if (index >= 0) {
    path += '[';
    path += std::to_string(index);
    path += ']';
  }
}

const ElementDef* BaseElement(std::string_view path) {
  const StructureDef* sd = TypeOf(path.substr(0, path.find('.')));
  return sd == nullptr ? nullptr : definitions::FindElement(*sd, path);
}

void Walker::Report(Severity severity, IssueType type, std::string diagnostics) {
  // Memory stays bounded on hostile input; errors have their own allowance so that a flood of
  // warnings never hides one (Emit() puts errors first).
  bool error = severity == Severity::kError || severity == Severity::kFatal;
  size_t& recorded = error ? recorded_errors_ : recorded_others_;
  if (recorded >= options_.max_issues + 16) {
    ++dropped_;
    return;
  }
  ++recorded;
  issues_.push_back(Issue{severity, type, path_, std::move(diagnostics)});
}

void Walker::ReportAt(std::string_view suffix, Severity severity, IssueType type,
                      std::string diagnostics) {
  PathScope scope(path_, suffix);
  Report(severity, type, std::move(diagnostics));
}

void Walker::Unknown(std::string_view name, const ElementDef& parent) {
  ReportAt(name, options_.strict ? Severity::kError : Severity::kWarning, IssueType::kStructure,
           "Unknown element '" + std::string(name) + "': " + std::string(parent.path) +
               " has no such element; it is kept but not validated");
}

const Child* Walker::ChoiceNotAllowed(const Children& children, std::string_view name) {
  for (const Child& child : children.children) {
    if (child.def->is_choice() && name.size() > child.name.size() && name.starts_with(child.name)) {
      ReportAt(name, Severity::kError, IssueType::kStructure,
               "'" + std::string(name) + "': the profile does not allow this type for " +
                   std::string(child.def->path));
      return &child;
    }
  }
  return nullptr;
}

void Walker::Object(const StructureDef& sd, const ElementDef& element, const json::Value& object,
                    Pass pass, const ResourceScope& scope) {
  if (!object.IsObject()) {
    if (pass == Pass::kBase) {
      Report(Severity::kError, IssueType::kStructure,
             "Expected a JSON object for " + std::string(element.path));
    }
    return;
  }
  const Children& children = ChildrenOf(sd, element);
  bool resource_root = sd.kind == StructureKind::kResource && element.id == sd.type;
  bool primitive = sd.kind == StructureKind::kPrimitiveType;
  struct Found {
    const Child* child;
    ElementValue value;
  };
  absl::InlinedVector<Found, 16> found;
  for (const json::Member& m : object.members()) {
    std::string_view name = m.name;
    bool ext = name.size() > 1 && name[0] == '_';
    if (ext) name.remove_prefix(1);
    if (resource_root && !ext && name == "resourceType") continue;
    // The `_name` object of a primitive holds id and extension; its value is the JSON primitive.
    const Child* child = primitive && name == "value" ? nullptr : children.Find(name);
    if (child == nullptr && pass == Pass::kBase) {
      Unknown(m.name, element);
      continue;
    }
    // A type the profile removed from a choice still counts as the element's value (so it is not
    // also reported missing); Item() then finds no type for it and checks nothing more.
    if (child == nullptr) child = ChoiceNotAllowed(children, name);
    if (child == nullptr) continue;
    auto it = std::find_if(found.begin(), found.end(), [&](const Found& f) {
      return f.child == child && f.value.name == name;
    });
    if (it == found.end()) it = found.insert(found.end(), Found{child, {{}, {}, name}});
    (ext ? it->value.ext : it->value.value) = m.value;
  }
  absl::InlinedVector<ElementValue, 4> values;
  for (const Child& child : children.children) {
    values.clear();
    for (const Found& f : found) {
      if (f.child == &child) values.push_back(f.value);
    }
    Element(sd, child, values, pass, scope);
  }
}

void Walker::Element(const StructureDef& sd, const Child& child,
                     std::span<const ElementValue> values, Pass pass, const ResourceScope& scope) {
  const ElementDef& def = *child.def;
  Items items;
  bool is_array = false;
  for (const ElementValue& v : values) Expand(v, items, is_array);
  // Several members of one choice element (valueString and valueQuantity): the last one is the
  // one too many.
  std::string_view name = values.empty() ? child.name : values.back().name;
  if (pass == Pass::kBase && !values.empty()) {
    bool repeats = def.max > 1;
    if (repeats != is_array) {
      ReportAt(name, Severity::kError, IssueType::kStructure,
               repeats
                   ? "'" + std::string(name) + "' may repeat and must be a JSON array"
                   : "'" + std::string(name) + "' occurs at most once and must not be an array");
    } else if (is_array && items.empty()) {
      ReportAt(name, Severity::kError, IssueType::kStructure,
               "An array must not be empty: leave '" + std::string(name) + "' out instead");
    }
  }
  if (pass == Pass::kProfile &&
      (def.slicing != definitions::SlicingRules::kNone || !child.slices.empty())) {
    Sliced(sd, child, items, scope);
    return;
  }
  Cardinality(def, items.size(), name);
  for (size_t i = 0; i < items.size(); ++i) {
    PathScope at(path_, items[i].name, is_array ? static_cast<std::ptrdiff_t>(i) : -1);
    if (items[i].value.IsNull() && items[i].ext.IsNull()) {
      if (pass == Pass::kBase) {
        Report(Severity::kError, IssueType::kStructure,
               "null is only allowed in an array of a primitive, paired with its '_' array");
      }
      continue;
    }
    Item(sd, def, items[i], pass, scope);
  }
}

void Walker::Cardinality(const ElementDef& def, size_t count, std::string_view name) {
  if (count < def.min) {
    ReportAt(name, Severity::kError, IssueType::kRequired,
             count == 0
                 ? "Missing required element '" + std::string(name) + "' (" +
                       std::string(def.path) + " needs at least " + std::to_string(def.min) + ")"
                 : "'" + std::string(name) + "' occurs " + Plural(count, "time", "times") + "; " +
                       std::string(def.path) + " needs at least " + std::to_string(def.min));
  }
  if (def.max == 1 && count > 1 && def.is_choice()) {
    std::string_view element = def.path.substr(def.path.rfind('.') + 1);
    ReportAt(name, Severity::kError, IssueType::kStructure,
             "Only one type of " + std::string(element) + " may be given; found " +
                 std::to_string(count) + " values (" + std::string(def.path) + ")");
  } else if (def.max != kMany && count > def.max) {
    ReportAt(name, Severity::kError, IssueType::kStructure,
             def.max == 0
                 ? "'" + std::string(name) + "' is not allowed here (" + std::string(def.path) +
                       " has maximum cardinality 0)"
                 : "'" + std::string(name) + "' occurs " + Plural(count, "time", "times") + "; " +
                       std::string(def.path) + " allows at most " + std::to_string(def.max));
  }
}

void Walker::Item(const StructureDef& sd, const ElementDef& def, const ElementValue& item,
                  Pass pass, const ResourceScope& scope) {
  if (!def.content_reference.empty()) {
    const ElementDef* target = definitions::FindElement(sd, def.content_reference.substr(1));
    if (target == nullptr) return;
    if (pass == Pass::kBase || !ChildrenOf(sd, *target).children.empty()) {
      Object(sd, *target, item.value, pass, scope);
    }
    Invariants(def, nullptr, item, "BackboneElement", pass, scope);
    return;
  }
  const TypeRef* type = nullptr;
  if (def.is_choice()) {
    type = definitions::ChoiceTypeFor(def, item.name);
  } else if (!def.types.empty()) {
    type = def.types.data();
  }
  if (type == nullptr) return;
  std::string_view code = type->code;
  const StructureDef* type_sd = TypeOf(sd, def, *type);
  StructureKind kind = type_sd != nullptr                    ? type_sd->kind
                       : code.starts_with(kSystemTypePrefix) ? StructureKind::kPrimitiveType
                                                             : StructureKind::kComplexType;
  if (kind == StructureKind::kPrimitiveType) {
    Primitive(def, code, item, pass, scope);
  } else if (kind == StructureKind::kResource || code == "Resource") {
    if (!item.value.IsObject()) {
      if (pass == Pass::kBase) {
        Report(Severity::kError, IssueType::kStructure, "Expected a resource (a JSON object)");
      }
      return;
    }
    if (pass == Pass::kBase) {
      bool contained = def.path.ends_with(".contained");
      Resource(item.value, contained ? &scope : nullptr, scope.bundle, scope.bundle_index, {});
    }
  } else {
    Complex(sd, def, *type, type_sd, item, pass, scope);
  }
}

void Walker::Primitive(const ElementDef& def, std::string_view code, const ElementValue& item,
                       Pass pass, const ResourceScope& scope) {
  if (code.starts_with(kSystemTypePrefix)) code = "string";
  if (pass == Pass::kBase) {
    if (!item.value.IsNull()) {
      std::string_view problem = CheckPrimitive(code, item.value);
      if (!problem.empty()) Report(Severity::kError, IssueType::kValue, std::string(problem));
    }
    if (!item.ext.IsNull()) {
      const StructureDef* type_sd = TypeOf(code);
      const ElementDef* root = type_sd == nullptr ? nullptr : RootOf(*type_sd);
      if (root != nullptr) Object(*type_sd, *root, item.ext, Pass::kBase, scope);
    }
  }
  if (!item.value.IsNull()) {
    if (def.value_rule != definitions::ValueRule::kNone) FixedOrPattern(def, item.value);
    if (def.binding == definitions::BindingStrength::kRequired) {
      Binding(def, code, item.value, pass);
    }
  }
  Invariants(def, nullptr, item, code, pass, scope);
}

void Walker::Complex(const StructureDef& sd, const ElementDef& def, const TypeRef& type_ref,
                     const StructureDef* type_sd, const ElementValue& item, Pass pass,
                     const ResourceScope& scope) {
  const TypeRef* type = &type_ref;
  if (!item.value.IsObject()) {
    if (pass == Pass::kBase) {
      Report(Severity::kError, IssueType::kStructure,
             "Expected a JSON object (" + std::string(type->code) + ")");
    }
    return;
  }
  const ElementDef* type_root = nullptr;
  if (!ChildrenOf(sd, def).children.empty()) {
    Object(sd, def, item.value, pass, scope);
  } else if (pass == Pass::kBase) {
    type_root = type_sd == nullptr ? nullptr : RootOf(*type_sd);
    if (type_root != nullptr) Object(*type_sd, *type_root, item.value, Pass::kBase, scope);
  } else if (type->code != "Extension") {
    TypeProfiles(*type, item.value, scope);
  }
  if (type->code == "Reference") Reference(def, *type, item.value, pass, scope);
  if (type->code == "Extension" && pass == Pass::kBase) ExtensionProfile(item.value, scope);
  if (def.value_rule != definitions::ValueRule::kNone) FixedOrPattern(def, item.value);
  if (def.binding == definitions::BindingStrength::kRequired) {
    Binding(def, type->code, item.value, pass);
  }
  Invariants(def, type_root, item, type->code, pass, scope);
}

void Walker::TypeProfiles(const TypeRef& type, const json::Value& value,
                          const ResourceScope& scope) {
  for (std::string_view canonical : type.profiles) {
    if (const StructureDef* profile = StructureOf(canonical)) {
      const ElementDef* root = RootOf(*profile);
      if (profile->derivation != definitions::Derivation::kConstraint || root == nullptr) continue;
      Object(*profile, *root, value, Pass::kProfile, scope);
    } else if (const BeCoreProfile* be = FindBeCoreProfile(canonical)) {
      CheckBeCore(*be, value);
    }
  }
}

}  // namespace zorgbrug::fhir::validation::internal
