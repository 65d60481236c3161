// Slicing (http://hl7.org/fhir/R4/profiling.html#slicing): each value of a sliced element is
// assigned to the first slice whose discriminators it meets, then checked against that slice;
// slice cardinalities, closed slicing and ordered slicing are enforced.

#include <algorithm>
#include <string>

#include "absl/container/inlined_vector.h"
#include "fhir/validation/value_match.h"
#include "fhir/validation/walker.h"

namespace zorgbrug::fhir::validation::internal {

using definitions::Discriminator;
using definitions::DiscriminatorType;
using definitions::ElementDef;
using definitions::StructureDef;

namespace {

using Values = absl::InlinedVector<json::Value, 4>;

// The values at the dotted `path` below `value` ("system", "coding.code"), arrays flattened.
// Returns false when the path cannot be followed by JSON names (a function such as resolve()).
bool Navigate(const json::Value& value, std::string_view path, Values& out) {
  if (path == "$this") {
    out.push_back(value);
    return true;
  }
  if (path.find('(') != std::string_view::npos) return false;
  Values current{value};
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view name = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    Values next;
    for (const json::Value& v : current) {
      const json::Value* child = v.IsObject() ? v.Find(name) : nullptr;
      if (child == nullptr) continue;
      if (child->IsArray()) {
        for (const json::Value& item : child->items()) next.push_back(item);
      } else {
        next.push_back(*child);
      }
    }
    current = std::move(next);
  }
  out = std::move(current);
  return true;
}

// The element of `slice` the discriminator path leads to ("Patient.identifier:ssin.system").
const ElementDef* DiscriminatedElement(const StructureDef& sd, const ElementDef& slice,
                                       std::string_view path) {
  if (path == "$this") return &slice;
  return definitions::FindElement(sd, std::string(slice.id) + "." + std::string(path));
}

bool MatchesValue(const StructureDef& sd, const ElementDef& slice, const Discriminator& d,
                  const json::Value& item) {
  Values values;
  if (!Navigate(item, d.path, values)) return true;
  const ElementDef* target = DiscriminatedElement(sd, slice, d.path);
  const json::Value* expected = target == nullptr ? nullptr : ExpectedValue(*target);
  if (expected == nullptr && d.path == "url" && !slice.types.empty() &&
      !slice.types[0].profiles.empty()) {
    // An extension slice whose url child is not in the snapshot: the extension's canonical.
    std::string_view canonical = slice.types[0].profiles[0];
    canonical = canonical.substr(0, canonical.find('|'));
    for (const json::Value& v : values) {
      if (v.IsString() && v.text() == canonical) return true;
    }
    return false;
  }
  if (expected == nullptr) return false;
  bool pattern = d.type == DiscriminatorType::kPattern ||
                 target->value_rule == definitions::ValueRule::kPattern;
  for (const json::Value& v : values) {
    if (pattern ? ContainsPattern(v, *expected) : json::Equal(v, *expected)) return true;
  }
  return false;
}

bool MatchesExists(const StructureDef& sd, const ElementDef& slice, const Discriminator& d,
                   const json::Value& item) {
  Values values;
  if (!Navigate(item, d.path, values)) return true;
  const ElementDef* target = DiscriminatedElement(sd, slice, d.path);
  if (target == nullptr) return true;
  if (target->min > 0) return !values.empty();
  if (target->max == 0) return values.empty();
  return true;
}

bool MatchesType(const ElementDef& slice, const ElementValue& item) {
  std::string_view type;
  if (item.value.IsObject() && item.value.Find("resourceType") != nullptr) {
    type = item.value.FindString("resourceType");
  } else if (const ElementDef* base = BaseElement(slice.path); base && base->is_choice()) {
    const definitions::TypeRef* t = definitions::ChoiceTypeFor(*base, item.name);
    if (t != nullptr) type = t->code;
  }
  if (type.empty()) return true;
  for (const definitions::TypeRef& t : slice.types) {
    if (t.code == type) return true;
  }
  return false;
}

bool Matches(const StructureDef& sd, const ElementDef& sliced, const ElementDef& slice,
             const ElementValue& item) {
  for (const Discriminator& d : sliced.discriminators) {
    bool ok = true;
    switch (d.type) {
      case DiscriminatorType::kValue:
      case DiscriminatorType::kPattern:
        ok = MatchesValue(sd, slice, d, item.value);
        break;
      case DiscriminatorType::kExists:
        ok = MatchesExists(sd, slice, d, item.value);
        break;
      case DiscriminatorType::kType:
        ok = d.path != "$this" || MatchesType(slice, item);
        break;
      case DiscriminatorType::kProfile:
        ok = true;  // conformance to another profile: not used as a discriminator here
        break;
    }
    if (!ok) return false;
  }
  return !sliced.discriminators.empty();
}

}  // namespace

void Walker::Sliced(const StructureDef& sd, const Child& child, std::span<const ElementValue> items,
                    const ResourceScope& scope) {
  const ElementDef& def = *child.def;
  std::string_view name = items.empty() ? child.name : items.front().name;
  bool is_array = def.max > 1 || items.size() > 1;
  if (const ElementDef* base = BaseElement(def.path)) is_array = base->max > 1;
  absl::InlinedVector<int, 8> slice_of(items.size(), -1);
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t k = 0; k < child.slices.size(); ++k) {
      if (Matches(sd, def, *child.slices[k], items[i])) {
        slice_of[i] = static_cast<int>(k);
        break;
      }
    }
  }
  Cardinality(def, items.size(), name);
  for (size_t k = 0; k < child.slices.size(); ++k) {
    size_t count = 0;
    for (int s : slice_of) count += s == static_cast<int>(k) ? 1 : 0;
    SliceCardinality(*child.slices[k], count, name);
  }
  int last = -1;
  for (size_t i = 0; i < items.size(); ++i) {
    PathScope at(path_, items[i].name, is_array ? static_cast<std::ptrdiff_t>(i) : -1);
    int k = slice_of[i];
    if (k < 0 && def.slicing == definitions::SlicingRules::kClosed) {
      Report(Severity::kError, IssueType::kStructure,
             "This value matches none of the slices of " + std::string(def.path) +
                 ", and the profile allows no others (closed slicing)");
    }
    bool out_of_order = (def.slicing_ordered && k >= 0 && k < last) ||
                        (def.slicing == definitions::SlicingRules::kOpenAtEnd && k >= 0 &&
                         last == static_cast<int>(child.slices.size()));
    if (out_of_order) {
      Report(Severity::kError, IssueType::kStructure,
             "The values of " + std::string(def.path) +
                 " must appear in the order of the profile's slices");
    }
    if (k >= 0) {
      last = std::max(last, k);
    } else if (def.slicing == definitions::SlicingRules::kOpenAtEnd) {
      last = static_cast<int>(child.slices.size());
    }
    if (items[i].value.IsNull() && items[i].ext.IsNull()) continue;
    Item(sd, k >= 0 ? *child.slices[k] : def, items[i], Pass::kProfile, scope);
  }
}

void Walker::SliceCardinality(const ElementDef& slice, size_t count, std::string_view name) {
  std::string which = "slice '" + std::string(slice.slice_name) + "' of " + std::string(slice.path);
  if (count < slice.min) {
    ReportAt(name, Severity::kError, IssueType::kRequired,
             "The " + which + " needs at least " + std::to_string(slice.min) + " value(s); found " +
                 std::to_string(count));
  }
  if (slice.max != definitions::kMany && count > slice.max) {
    ReportAt(name, Severity::kError, IssueType::kStructure,
             "The " + which + " allows at most " + std::to_string(slice.max) + " value(s); found " +
                 std::to_string(count));
  }
}

}  // namespace zorgbrug::fhir::validation::internal
