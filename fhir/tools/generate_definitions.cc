// zorgbrug_generate_definitions: writes the committed definition tables of fhir/definitions/ from
// the FHIR R4 core definitions and the HL7 Belgium profiles.
//
//   zorgbrug_generate_definitions <r4-dir> <be-dir> <output-dir>
//
// <r4-dir> is shared/fhir-r4-examples (StructureDefinition-, ValueSet-, CodeSystem-*.json);
// <be-dir> is shared/fhir-be, of which the folders in BelgianGuides() are read. <output-dir>
// receives core_structures.cc, profiles.cc, core_profiles.cc and value_sets.cc. Exit status 0 on
// success, 1 with a message on standard error otherwise. See fhir/definitions/README.md.

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
constexpr std::string_view kCoreProfileFile = "core_profiles.cc";
constexpr std::string_view kCoreProfileArray = "kCoreProfileElements";

// The HL7 Belgium implementation guides whose profiles are compiled, as folders of shared/fhir-be.
const std::vector<std::string>& BelgianGuides() {
  static const std::vector<std::string> kGuides = {"core-clinical", "patient-care"};
  return kGuides;
}

struct Inputs {
  std::vector<StructureModel> core;
  std::vector<StructureModel> profiles;       // Belgian
  std::vector<StructureModel> core_profiles;  // R4 core constraints: vitalsigns, extensions, ...
  std::vector<std::string> packages;          // "hl7.fhir.be.core-clinical 1.1.0"
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

// A profile of the R4 folder that is not a core type: resource profiles (vitalsigns, bp, ...),
// extension definitions and data type profiles (elementdefinition-de).
bool IsCoreProfile(const json::Value& sd) { return IsProfile(sd) && !IsCoreType(sd); }

// Which StructureDefinitions go where: those accepted by `select` are appended to `out`.
struct Selection {
  bool (*select)(const json::Value&);
  std::vector<StructureModel>* out;
};

// Reads every JSON file of `dir` with one of the prefixes: StructureDefinitions go to the `out` of
// the first selection that accepts them, ValueSets and CodeSystems to the expander.
bool LoadFolder(const std::string& dir, const std::vector<Selection>& selections, Inputs& inputs,
                std::string& error) {
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
    auto selection = std::find_if(selections.begin(), selections.end(),
                                  [&root](const Selection& s) { return s.select(root); });
    if (selection == selections.end()) continue;
    if (root.FindString("fhirVersion") != kFhirVersion) {
      error = path + ": fhirVersion is not " + std::string(kFhirVersion);
      return false;
    }
    StructureModel structure;
    if (!ReadStructure(root, structure, error)) return false;
    selection->out->push_back(std::move(structure));
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
    if (!LoadFolder(dir, {{IsProfile, &inputs.profiles}}, inputs, error)) return false;
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
  for (const auto* structures : {&inputs.core, &inputs.profiles, &inputs.core_profiles}) {
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

bool ByUrl(const StructureModel& a, const StructureModel& b) { return a.url < b.url; }

// False with `error` set when two structures of `inputs` share a url (FindStructure would return
// only one of them).
bool UrlsUnique(const Inputs& inputs, std::string& error) {
  std::set<std::string> urls;
  for (const auto* structures : {&inputs.core, &inputs.profiles, &inputs.core_profiles}) {
    for (const StructureModel& structure : *structures) {
      if (!urls.insert(structure.url).second) {
        error = "two structures have the url " + structure.url;
        return false;
      }
    }
  }
  return true;
}

// R4 4.0.1 binds a few value sets of other publishers (v3-NullFlavor, v3-EntityNameUseR2, whose
// version is 2018-08-12) with "|4.0.1", the FHIR release rather than their version. That suffix
// is dropped from such required bindings so that FindValueSet, which checks versions, finds them.
void DropReleaseVersions(const ValueSetExpander& expander,
                         std::vector<StructureModel>& structures) {
  const std::string suffix = "|" + std::string(kFhirVersion);
  for (StructureModel& structure : structures) {
    for (ElementModel& element : structure.elements) {
      if (element.binding_strength != "required" || !element.value_set.ends_with(suffix)) {
        continue;
      }
      std::string_view version = expander.Version(element.value_set);
      if (!version.empty() && version != kFhirVersion) {
        element.value_set.resize(element.value_set.size() - suffix.size());
      }
    }
  }
}

// Reference targets are stored by name when they are core types ("Patient") and by canonical
// otherwise (README.md). ReadStructure names every target under the core prefix; those that are
// not core types (the core profile vitalsigns, target of vitalspanel's hasMember) get their
// canonical back here.
void CanonicalProfileTargets(const std::vector<StructureModel>& core,
                             std::vector<StructureModel>& structures) {
  std::set<std::string, std::less<>> names = {"Resource"};  // the root, not a table entry
  for (const StructureModel& structure : core) names.insert(structure.name);
  for (StructureModel& structure : structures) {
    for (ElementModel& element : structure.elements) {
      for (TypeModel& type : element.types) {
        for (std::string& target : type.targets) {
          if (target.find(':') == std::string::npos && !names.contains(target)) {
            target = std::string(kCoreStructurePrefix) + target;
          }
        }
      }
    }
  }
}

bool Load(const std::string& r4_dir, const std::string& be_dir, Inputs& inputs,
          std::string& error) {
  if (!LoadFolder(r4_dir, {{IsCoreType, &inputs.core}, {IsCoreProfile, &inputs.core_profiles}},
                  inputs, error) ||
      !LoadBelgian(be_dir, inputs, error)) {
    return false;
  }
  if (inputs.core.empty() || inputs.profiles.empty() || inputs.core_profiles.empty()) {
    error = "no core types or no profiles found in " + r4_dir + " and " + be_dir;
    return false;
  }
  DropReleaseVersions(inputs.expander, inputs.core);
  DropReleaseVersions(inputs.expander, inputs.core_profiles);
  for (auto* structures : {&inputs.core, &inputs.profiles, &inputs.core_profiles}) {
    CanonicalProfileTargets(inputs.core, *structures);
  }
  std::sort(inputs.core.begin(), inputs.core.end(),
            [](const StructureModel& a, const StructureModel& b) { return a.name < b.name; });
  std::sort(inputs.profiles.begin(), inputs.profiles.end(), ByUrl);
  std::sort(inputs.core_profiles.begin(), inputs.core_profiles.end(), ByUrl);
  return UrlsUnique(inputs, error);
}

bool Generate(const std::string& r4_dir, const std::string& be_dir, const std::string& out_dir,
              std::string& error) {
  Inputs inputs;
  if (!Load(r4_dir, be_dir, inputs, error)) return false;
  std::vector<std::pair<std::string, std::string>> aliases;
  if (!LegacyAliases(inputs.profiles, aliases, error)) return false;
  const std::string r4_profiles =
      "FHIR R4 4.0.1 constraint StructureDefinitions (with snapshots) in shared/fhir-r4-examples";
  std::string core_banner =
      Banner({"FHIR R4 4.0.1 StructureDefinitions (with snapshots) in shared/fhir-r4-examples"});
  std::vector<std::string> profile_sources =
      BelgianSources(inputs, "profiles (StructureDefinitions with snapshots)");
  profile_sources.push_back(r4_profiles + ",");
  profile_sources.push_back("  their elements in " + std::string(kCoreProfileFile));
  std::string core_profile_banner = Banner({r4_profiles + ",", "  their table in profiles.cc"});
  std::vector<std::string> terminology = BelgianSources(inputs, "ValueSets and CodeSystems");
  terminology.insert(terminology.begin(),
                     "FHIR R4 4.0.1 ValueSets and CodeSystems in shared/fhir-r4-examples");
  ExternalElements external{std::string(kCoreProfileArray), std::string(kCoreProfileFile),
                            &inputs.core_profiles};
  return WriteFile(out_dir + "/core_structures.cc",
                   EmitStructures(core_banner, "CoreStructureTable", inputs.core, nullptr),
                   error) &&
         WriteFile(out_dir + "/profiles.cc",
                   EmitStructures(Banner(profile_sources), "ProfileTable", inputs.profiles,
                                  &aliases, &external),
                   error) &&
         WriteFile(out_dir + "/" + std::string(kCoreProfileFile),
                   EmitElements(core_profile_banner, external), error) &&
         WriteFile(out_dir + "/value_sets.cc",
                   EmitValueSets(Banner(terminology), RequiredValueSets(inputs)), error);
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
