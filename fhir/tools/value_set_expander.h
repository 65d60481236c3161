#pragma once

// Expands FHIR ValueSets from the CodeSystems and ValueSets of the definition folders, without a
// terminology server: compose.include/exclude of whole complete code systems, of concept lists and
// of other value sets; concepts marked notSelectable are left out of whole code systems. A compose
// that needs anything else (a filter, an absent or incomplete code system) is reported as not
// expandable, with the reason.

#include <cstddef>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "fhir/json/value.h"
#include "fhir/tools/definition_model.h"

namespace zorgbrug::fhir::tools {

class ValueSetExpander {
 public:
  // Value sets with more codes are reported as not expandable.
  static constexpr size_t kMaxCodes = 200;

  // Keeps `doc` when it is a ValueSet or CodeSystem with a url; a later resource with the same url
  // does not replace an earlier one.
  void Add(json::Document doc);

  // The expansion of the value set `canonical` ("|version" ignored).
  ValueSetModel Expand(std::string_view canonical) const;

  // The version of the value set `canonical` ("|version" ignored); empty when it is absent or has
  // none.
  std::string_view Version(std::string_view canonical) const;

 private:
  using CodeSet = std::set<std::pair<std::string, std::string>>;  // (code, system)

  bool ExpandInto(std::string_view url, int depth, CodeSet& codes, std::string& note) const;
  bool ExpandSet(const json::Value& set, int depth, CodeSet& codes, std::string& note) const;
  bool ExpandSystem(const std::string& system, CodeSet& codes, std::string& note) const;

  std::deque<json::Document> documents_;
  std::map<std::string, const json::Value*, std::less<>> value_sets_;
  std::map<std::string, const json::Value*, std::less<>> code_systems_;
};

}  // namespace zorgbrug::fhir::tools
