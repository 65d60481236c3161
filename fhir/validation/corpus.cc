#include "fhir/validation/corpus.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "fhir/json/parser.h"

namespace zorgbrug::fhir::validation {

bool IsDefinitionType(std::string_view resource_type) {
  static constexpr std::array<std::string_view, 10> kDefinitions = {
      "StructureDefinition",   "ValueSet",     "CodeSystem",
      "SearchParameter",       "ConceptMap",   "OperationDefinition",
      "CompartmentDefinition", "NamingSystem", "ImplementationGuide",
      "CapabilityStatement"};
  return std::find(kDefinitions.begin(), kDefinitions.end(), resource_type) != kDefinitions.end();
}

std::vector<CorpusFile> LoadCorpus(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<CorpusFile> out;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    IssueCollector issues;
    std::optional<json::Document> doc = json::Parse(text.str(), json::ParseLimits{}, issues);
    if (!doc || IsDefinitionType(doc->root().FindString("resourceType"))) continue;
    if (doc->root().FindString("resourceType").empty()) continue;
    out.push_back(CorpusFile{path.filename().string(), std::move(*doc)});
  }
  return out;
}

}  // namespace zorgbrug::fhir::validation
