// zorgbrug_generate_r4: writes the committed R4 tables and typed views of fhir/r4/ from the FHIR R4
// StructureDefinitions with snapshots.
//
//   zorgbrug_generate_r4 <definitions-dir> <output-dir>
//
// <definitions-dir> holds StructureDefinition-*.json (shared/fhir-r4-examples); <output-dir>
// receives resource_types.cc, resources.h and resources.cc. Exit status 0 on success, 1 with a
// message on standard error otherwise. See fhir/r4/README.md.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "fhir/tools/r4_definitions.h"
#include "fhir/tools/r4_emitter.h"

namespace zorgbrug::fhir::tools {
namespace {

// The resources the gateway emits; each gets a typed view in fhir/r4/resources.h.
const std::vector<std::string>& ViewResources() {
  static const std::vector<std::string> kResources = {
      "AuditEvent",       "Bundle",        "CarePlan",      "CareTeam",
      "ChargeItem",       "Communication", "Condition",     "Consent",
      "Encounter",        "Goal",          "MessageHeader", "Observation",
      "OperationOutcome", "Organization",  "Patient",       "Practitioner",
      "PractitionerRole", "Provenance",    "Questionnaire", "QuestionnaireResponse",
      "RelatedPerson",    "Task",
  };
  return kResources;
}

bool WriteFile(const std::string& path, const std::string& text, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) error = path + ": cannot write";
  return static_cast<bool>(out);
}

// Fails when two members generated for `resource` would get the same C++ name.
bool CheckAccessorNames(const ResourceSpec& resource, std::string& error) {
  std::set<std::string> names;
  for (const ElementSpec& element : resource.elements) {
    if (!names.insert(AccessorName(element.json_name)).second ||
        !names.insert(SetterName(element)).second) {
      error = resource.name + "." + element.json_name + ": C++ member name already used";
      return false;
    }
  }
  return true;
}

bool Generate(const std::string& definitions_dir, const std::string& output_dir,
              std::string& error) {
  std::vector<std::string> names = ViewResources();
  std::sort(names.begin(), names.end());
  Definitions definitions;
  if (!definitions.Load(definitions_dir, names, error)) return false;
  std::vector<ResourceSpec> resources(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    if (!definitions.ResourceElements(names[i], resources[i], error) ||
        !CheckAccessorNames(resources[i], error)) {
      return false;
    }
  }
  std::vector<std::string> types = definitions.ConcreteResourceTypes();
  if (types.empty()) {
    error = definitions_dir + ": no resource StructureDefinitions found";
    return false;
  }
  return WriteFile(output_dir + "/resource_types.cc", EmitResourceTypes(types), error) &&
         WriteFile(output_dir + "/resources.h", EmitResourcesHeader(resources), error) &&
         WriteFile(output_dir + "/resources.cc", EmitResourcesSource(resources), error);
}

}  // namespace
}  // namespace zorgbrug::fhir::tools

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <definitions-dir> <output-dir>\n", argv[0]);
    return 1;
  }
  std::string error;
  if (!zorgbrug::fhir::tools::Generate(argv[1], argv[2], error)) {
    std::fprintf(stderr, "zorgbrug_generate_r4: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
