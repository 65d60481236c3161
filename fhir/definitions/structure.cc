#include "fhir/definitions/structure.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "fhir/definitions/tables.h"

namespace zorgbrug::fhir::definitions {
namespace {

constexpr std::string_view kCorePrefix = "http://hl7.org/fhir/StructureDefinition/";

// Splits "url|version" into its parts; the version is empty when absent.
std::pair<std::string_view, std::string_view> SplitCanonical(std::string_view canonical) {
  size_t bar = canonical.find('|');
  if (bar == std::string_view::npos) return {canonical, {}};
  return {canonical.substr(0, bar), canonical.substr(bar + 1)};
}

// The entry of the table sorted by `key` whose key equals `value`, or nullptr.
template <typename T, typename Key>
const T* FindSorted(std::span<const T> table, std::string_view value, Key key) {
  auto it = std::lower_bound(table.begin(), table.end(), value,
                             [&key](const T& entry, std::string_view v) { return key(entry) < v; });
  return it != table.end() && key(*it) == value ? &*it : nullptr;
}

const StructureDef* FindByUrl(std::string_view url) {
  if (url.starts_with(kCorePrefix)) {
    const StructureDef* core = FindType(url.substr(kCorePrefix.size()));
    if (core != nullptr) return core;
  }
  const StructureDef* profile =
      FindSorted(internal::ProfileTable(), url, [](const StructureDef& s) { return s.url; });
  if (profile != nullptr) return profile;
  const internal::Alias* alias =
      FindSorted(internal::AliasTable(), url, [](const internal::Alias& a) { return a.alias; });
  return alias == nullptr ? nullptr
                          : FindSorted(internal::ProfileTable(), alias->url,
                                       [](const StructureDef& s) { return s.url; });
}

}  // namespace

std::span<const StructureDef> CoreStructures() { return internal::CoreStructureTable(); }

std::span<const StructureDef> Profiles() { return internal::ProfileTable(); }

std::span<const ValueSetDef> ValueSets() { return internal::ValueSetTable(); }

const StructureDef* FindType(std::string_view name) {
  return FindSorted(internal::CoreStructureTable(), name,
                    [](const StructureDef& s) { return s.name; });
}

const StructureDef* FindStructure(std::string_view url) {
  auto [bare, version] = SplitCanonical(url);
  const StructureDef* structure = FindByUrl(bare);
  if (structure == nullptr || (!version.empty() && version != structure->version)) return nullptr;
  return structure;
}

const ElementDef* FindElement(const StructureDef& structure, std::string_view id) {
  return FindSorted(structure.elements, id, [](const ElementDef& e) { return e.id; });
}

std::span<const ElementDef> Descendants(const StructureDef& structure, std::string_view id) {
  std::span<const ElementDef> elements = structure.elements;
  auto in_subtree = [id](std::string_view other) {
    return other.size() > id.size() + 1 && other.starts_with(id) && other[id.size()] == '.';
  };
  // Sorted ids that start with id + "." are contiguous; `before` is "e.id < id + '.'".
  auto before = [](const ElementDef& e, std::string_view v) {
    std::string_view head = e.id.substr(0, v.size());
    if (head != v) return head < v;
    return e.id.size() == v.size() || e.id[v.size()] < '.';
  };
  auto first = std::lower_bound(elements.begin(), elements.end(), id, before);
  auto last = std::partition_point(first, elements.end(),
                                   [&in_subtree](const ElementDef& e) { return in_subtree(e.id); });
  return elements.subspan(first - elements.begin(), last - first);
}

bool IsChildOf(const ElementDef& element, std::string_view parent_id) {
  std::string_view id = element.id;
  if (id.size() <= parent_id.size() + 1 || !id.starts_with(parent_id) ||
      id[parent_id.size()] != '.') {
    return false;
  }
  return id.substr(parent_id.size() + 1).find('.') == std::string_view::npos;
}

const TypeRef* ChoiceTypeFor(const ElementDef& element, std::string_view json_name) {
  if (!element.is_choice()) return nullptr;
  std::string_view name = element.path.substr(element.path.rfind('.') + 1);
  name.remove_suffix(3);  // "[x]"
  if (!json_name.starts_with(name) || json_name.size() == name.size()) return nullptr;
  std::string_view suffix = json_name.substr(name.size());
  for (const TypeRef& type : element.types) {
    std::string_view code = type.code;
    if (code.size() == suffix.size() && !code.empty() && code.substr(1) == suffix.substr(1) &&
        std::toupper(static_cast<unsigned char>(code[0])) == suffix[0]) {
      return &type;
    }
  }
  return nullptr;
}

const ValueSetDef* FindValueSet(std::string_view url) {
  auto [bare, version] = SplitCanonical(url);
  const ValueSetDef* value_set =
      FindSorted(internal::ValueSetTable(), bare, [](const ValueSetDef& v) { return v.url; });
  if (value_set == nullptr ||
      (!version.empty() && !value_set->version.empty() && version != value_set->version)) {
    return nullptr;
  }
  return value_set;
}

bool ContainsCode(const ValueSetDef& value_set, std::string_view system, std::string_view code) {
  auto first = std::lower_bound(value_set.codes.begin(), value_set.codes.end(), code,
                                [](const Code& c, std::string_view v) { return c.code < v; });
  for (auto it = first; it != value_set.codes.end() && it->code == code; ++it) {
    if (system.empty() || it->system == system) return true;
  }
  return false;
}

}  // namespace zorgbrug::fhir::definitions
