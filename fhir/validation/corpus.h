#pragma once

// Test and benchmark support: the instances of the official R4 examples folder, parsed. The
// specification's own definitions in that folder (StructureDefinition, ValueSet, CodeSystem,
// SearchParameter, ConceptMap, OperationDefinition, CompartmentDefinition, NamingSystem,
// ImplementationGuide, CapabilityStatement) are left out; bench/js/validate_bench.mjs selects
// the same files.

#include <filesystem>
#include <string>
#include <vector>

#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation {

struct CorpusFile {
  std::string name;  // file name, "Patient-example.json"
  json::Document document;
};

// Whether a file whose root has this resourceType is a definition rather than an instance.
bool IsDefinitionType(std::string_view resource_type);

// Every *.json file of `dir` that parses and is an instance, sorted by name.
std::vector<CorpusFile> LoadCorpus(const std::filesystem::path& dir);

}  // namespace zorgbrug::fhir::validation
