#include "fhir/tools/value_set_expander.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "fhir/tools/structure_loader.h"

namespace zorgbrug::fhir::tools {
namespace {

constexpr int kMaxDepth = 8;  // nesting of value sets including value sets

// Whether the concept has the property notSelectable (an abstract grouping code, such as
// item-type "question", that instances may not use) set to true.
bool NotSelectable(const json::Value& concept_item) {
  const json::Value* properties = concept_item.Find("property");
  if (properties == nullptr) return false;
  for (const json::Value& property : properties->items()) {
    const json::Value* value = property.Find("valueBoolean");
    if (property.FindString("code") == "notSelectable" && value != nullptr && value->IsBool() &&
        value->GetBool()) {
      return true;
    }
  }
  return false;
}

// Adds every selectable concept of `concepts` and their nested concepts (hierarchical code
// systems).
void AddConcepts(const json::Value& concepts, const std::string& system,
                 std::set<std::pair<std::string, std::string>>& codes) {
  for (const json::Value& item : concepts.items()) {
    if (!NotSelectable(item)) codes.emplace(std::string(item.FindString("code")), system);
    if (const json::Value* children = item.Find("concept")) AddConcepts(*children, system, codes);
  }
}

}  // namespace

void ValueSetExpander::Add(json::Document doc) {
  std::string_view type = doc.root().FindString("resourceType");
  std::string url(doc.root().FindString("url"));
  if (url.empty() || (type != "ValueSet" && type != "CodeSystem")) return;
  auto& index = type == "ValueSet" ? value_sets_ : code_systems_;
  if (index.contains(url)) return;
  documents_.push_back(std::move(doc));
  index.emplace(url, &documents_.back().root());
}

std::string_view ValueSetExpander::Version(std::string_view canonical) const {
  auto it = value_sets_.find(WithoutVersion(canonical));
  return it == value_sets_.end() ? std::string_view() : it->second->FindString("version");
}

ValueSetModel ValueSetExpander::Expand(std::string_view canonical) const {
  ValueSetModel out;
  out.url = WithoutVersion(canonical);
  out.version = Version(out.url);
  CodeSet codes;
  out.expandable = ExpandInto(out.url, 0, codes, out.note);
  if (out.expandable && codes.size() > kMaxCodes) {
    out.expandable = false;
    out.note = "more than " + std::to_string(kMaxCodes) + " codes";
  }
  if (out.expandable) out.codes.assign(codes.begin(), codes.end());
  return out;
}

bool ValueSetExpander::ExpandInto(std::string_view url, int depth, CodeSet& codes,
                                  std::string& note) const {
  auto it = value_sets_.find(url);
  if (it == value_sets_.end()) {
    note = "value set " + std::string(url) + " not available";
    return false;
  }
  if (depth > kMaxDepth) {
    note = "value sets nested too deep at " + std::string(url);
    return false;
  }
  const json::Value* compose = it->second->Find("compose");
  const json::Value* includes = compose != nullptr ? compose->Find("include") : nullptr;
  if (includes == nullptr) {
    note = "value set " + std::string(url) + " has no compose.include";
    return false;
  }
  for (const json::Value& include : includes->items()) {
    if (!ExpandSet(include, depth, codes, note)) return false;
  }
  const json::Value* excludes = compose->Find("exclude");
  if (excludes == nullptr) return true;
  for (const json::Value& exclude : excludes->items()) {
    CodeSet excluded;
    if (!ExpandSet(exclude, depth, excluded, note)) return false;
    for (const auto& code : excluded) codes.erase(code);
  }
  return true;
}

// One compose.include or exclude: the codes of its system (all, or the listed concepts),
// intersected with each of its value sets.
bool ValueSetExpander::ExpandSet(const json::Value& set, int depth, CodeSet& codes,
                                 std::string& note) const {
  if (set.Find("filter") != nullptr) {
    note = "compose uses a filter";
    return false;
  }
  std::string system(set.FindString("system"));
  std::vector<CodeSet> parts;
  if (!system.empty()) {
    CodeSet part;
    if (const json::Value* concepts = set.Find("concept")) {
      for (const json::Value& item : concepts->items()) {
        part.emplace(std::string(item.FindString("code")), system);
      }
    } else if (!ExpandSystem(system, part, note)) {
      return false;
    }
    parts.push_back(std::move(part));
  }
  if (const json::Value* value_sets = set.Find("valueSet")) {
    for (const json::Value& value_set : value_sets->items()) {
      CodeSet part;
      if (!ExpandInto(WithoutVersion(value_set.text()), depth + 1, part, note)) return false;
      parts.push_back(std::move(part));
    }
  }
  if (parts.empty()) return true;
  CodeSet result = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    CodeSet both;
    std::set_intersection(result.begin(), result.end(), parts[i].begin(), parts[i].end(),
                          std::inserter(both, both.end()));
    result = std::move(both);
  }
  codes.insert(result.begin(), result.end());
  return true;
}

bool ValueSetExpander::ExpandSystem(const std::string& system, CodeSet& codes,
                                    std::string& note) const {
  auto it = code_systems_.find(system);
  if (it == code_systems_.end()) {
    note = "code system " + system + " not available";
    return false;
  }
  if (it->second->FindString("content") != "complete") {
    note = "code system " + system + " is not complete";
    return false;
  }
  if (const json::Value* concepts = it->second->Find("concept"))
    AddConcepts(*concepts, system, codes);
  return true;
}

}  // namespace zorgbrug::fhir::tools
