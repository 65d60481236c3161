// zorgbrug_generate_definitions: writes the committed definition tables of fhir/definitions/ from
// the FHIR R4 core definitions and the HL7 Belgium profiles.
//
//   zorgbrug_generate_definitions <r4-dir> <be-dir> <output-dir>
//
// <r4-dir> is shared/fhir-r4-examples (StructureDefinition-, ValueSet-, CodeSystem-*.json);
// <be-dir> is shared/fhir-be, of which the folders in BelgianGuides() are read. <output-dir>
// receives core_structures.cc, profiles.cc and value_sets.cc. Exit status 0 on success, 1 with a
// message on standard error otherwise. See fhir/definitions/README.md.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fhir/tools/definitions_emitter.h"
#include "fhir/tools/structure_loader.h"
#include "fhir/tools/value_set_expander.h"

namespace zorgbrug::fhir::tools {
namespace {

constexpr std::string_view kFhirVersion = "4.0.1";
constexpr std::string_view kBelgianBase = "https://www.ehealth.fgov.be/standards/fhir/";
constexpr std::string_view kDoNotEdit = "DO NOT EDIT: build target regenerate_definitions.\n";

// The HL7 Belgium implementation guides whose profiles are compiled, as folders of shared/fhir-be.
const std::vector<std::string>& BelgianGuides() {
  static const std::vector<std::string> kGuides = {"core-clinical", "patient-care"};
  return kGuides;
}

struct Inputs {
  std::vector<StructureModel> core;
  std::vector<StructureModel> profiles;
  std::vector<std::string> packages;  // "hl7.fhir.be.core-clinical 1.1.0"
  ValueSetExpander expander;
};

// A core type: url http://hl7.org/fhir/StructureDefinition/<name>, a resource or data type (not
// a logical model or an extension); constraints are the Quantity variants (SimpleQuantity, ...).
bool IsCoreType(const json::Value& sd) {
  std::string_view kind = sd.FindString("kind");
  std::string_view derivation = sd.FindString("derivation");
  std::string url = std::string(kCoreStructurePrefix) + std::string(sd.FindString("name"));
  if (sd.FindString("url") != url) return false;
  if (kind != "resource" && kind != "complex-type" && kind != "primitive-type") return false;
  return derivation == "specialization" || (derivation == "constraint" && kind == "complex-type" &&
                                            sd.FindString("type") != "Extension");
}

bool IsProfile(const json::Value& sd) {
  std::string_view kind = sd.FindString("kind");
  return sd.FindString("derivation") == "constraint" && sd.Find("snapshot") != nullptr &&
         (kind == "resource" || kind == "complex-type");
}

// Reads every JSON file of `dir` with one of the prefixes: StructureDefinitions accepted by
// `select` go to `out`, ValueSets and CodeSystems to the expander.
bool LoadFolder(const std::string& dir, bool (*select)(const json::Value&),
                std::vector<StructureModel>& out, Inputs& inputs, std::string& error) {
  std::vector<std::string> paths;
  for (std::string_view prefix : {"StructureDefinition-", "ValueSet-", "CodeSystem-"}) {
    if (!ListJsonFiles(dir, prefix, paths, error)) return false;
  }
  for (const std::string& path : paths) {
    std::optional<json::Document> doc = ReadJsonFile(path, error);
    if (!doc) return false;
    const json::Value& root = doc->root();
    if (root.FindString("resourceType") != "StructureDefinition") {
      inputs.expander.Add(std::move(*doc));
      continue;
    }
    if (!select(root)) continue;
    if (root.FindString("fhirVersion") != kFhirVersion) {
      error = path + ": fhirVersion is not " + std::string(kFhirVersion);
      return false;
    }
    StructureModel structure;
    if (!ReadStructure(root, structure, error)) return false;
    out.push_back(std::move(structure));
  }
  return true;
}

bool LoadBelgian(const std::string& be_dir, Inputs& inputs, std::string& error) {
  for (const std::string& guide : BelgianGuides()) {
    std::string dir = be_dir + "/" + guide;
    std::optional<json::Document> package = ReadJsonFile(dir + "/package.json", error);
    if (!package) return false;
    inputs.packages.push_back(std::string(package->root().FindString("name")) + " " +
                              std::string(package->root().FindString("version")) + " (" + guide +
                              "/)");
    if (!LoadFolder(dir, IsProfile, inputs.profiles, inputs, error)) return false;
  }
  return true;
}

// (legacy alias, url) of each Belgian profile: the canonical without the guide segment,
// …/standards/fhir/StructureDefinition/<id>, as used by the 1.x profiles. Sorted by alias.
bool LegacyAliases(const std::vector<StructureModel>& profiles,
                   std::vector<std::pair<std::string, std::string>>& aliases, std::string& error) {
  for (const StructureModel& profile : profiles) {
    if (!profile.url.starts_with(kBelgianBase)) continue;
    size_t guide_end = profile.url.find('/', kBelgianBase.size());
    if (guide_end == std::string::npos) continue;
    aliases.emplace_back(std::string(kBelgianBase) + profile.url.substr(guide_end + 1),
                         profile.url);
  }
  std::sort(aliases.begin(), aliases.end());
  for (size_t i = 1; i < aliases.size(); ++i) {
    if (aliases[i - 1].first == aliases[i].first) {
      error = "two profiles share the legacy alias " + aliases[i].first;
      return false;
    }
  }
  return true;
}

// The expansions of every value set bound with strength required in `inputs`, sorted by url.
std::vector<ValueSetModel> RequiredValueSets(const Inputs& inputs) {
  std::set<std::string> urls;
  for (const auto* structures : {&inputs.core, &inputs.profiles}) {
    for (const StructureModel& structure : *structures) {
      for (const ElementModel& element : structure.elements) {
        if (element.binding_strength == "required" && !element.value_set.empty()) {
          urls.insert(std::string(WithoutVersion(element.value_set)));
        }
      }
    }
  }
  std::vector<ValueSetModel> out;
  for (const std::string& url : urls) out.push_back(inputs.expander.Expand(url));
  return out;
}

bool WriteFile(const std::string& path, const std::string& text, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) error = path + ": cannot write";
  return static_cast<bool>(out);
}

// The leading comment of a generated file; `sources` are its comment lines naming the inputs.
std::string Banner(const std::vector<std::string>& sources) {
  std::string out = "// Generated by fhir/tools/generate_definitions.cc from\n";
  for (const std::string& source : sources) out += "//   " + source + "\n";
  return out + "// " + std::string(kDoNotEdit);
}

std::vector<std::string> BelgianSources(const Inputs& inputs, const std::string& what) {
  std::vector<std::string> out = {"HL7 Belgium " + what + " in shared/fhir-be:"};
  for (const std::string& package : inputs.packages) out.push_back("  " + package);
  return out;
}

bool Generate(const std::string& r4_dir, const std::string& be_dir, const std::string& out_dir,
              std::string& error) {
  Inputs inputs;
  if (!LoadFolder(r4_dir, IsCoreType, inputs.core, inputs, error) ||
      !LoadBelgian(be_dir, inputs, error)) {
    return false;
  }
  if (inputs.core.empty() || inputs.profiles.empty()) {
    error = "no core types or no profiles found in " + r4_dir + " and " + be_dir;
    return false;
  }
  std::sort(inputs.core.begin(), inputs.core.end(),
            [](const StructureModel& a, const StructureModel& b) { return a.name < b.name; });
  std::sort(inputs.profiles.begin(), inputs.profiles.end(),
            [](const StructureModel& a, const StructureModel& b) { return a.url < b.url; });
  std::vector<std::pair<std::string, std::string>> aliases;
  if (!LegacyAliases(inputs.profiles, aliases, error)) return false;
  std::string core_banner =
      Banner({"FHIR R4 4.0.1 StructureDefinitions (with snapshots) in shared/fhir-r4-examples"});
  std::string profile_banner =
      Banner(BelgianSources(inputs, "profiles (StructureDefinitions with snapshots)"));
  std::vector<std::string> terminology = BelgianSources(inputs, "ValueSets and CodeSystems");
  terminology.insert(terminology.begin(),
                     "FHIR R4 4.0.1 ValueSets and CodeSystems in shared/fhir-r4-examples");
  std::string value_set_banner = Banner(terminology);
  return WriteFile(out_dir + "/core_structures.cc",
                   EmitStructures(core_banner, "CoreStructureTable", inputs.core, nullptr),
                   error) &&
         WriteFile(out_dir + "/profiles.cc",
                   EmitStructures(profile_banner, "ProfileTable", inputs.profiles, &aliases),
                   error) &&
         WriteFile(out_dir + "/value_sets.cc",
                   EmitValueSets(value_set_banner, RequiredValueSets(inputs)), error);
}

}  // namespace
}  // namespace zorgbrug::fhir::tools

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <r4-dir> <be-dir> <output-dir>\n", argv[0]);
    return 1;
  }
  std::string error;
  if (!zorgbrug::fhir::tools::Generate(argv[1], argv[2], argv[3], error)) {
    std::fprintf(stderr, "zorgbrug_generate_definitions: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
