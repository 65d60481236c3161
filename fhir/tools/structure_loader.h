#pragma once

// Reads the FHIR conformance resources the definitions generator compiles: JSON files of a folder,
// and StructureDefinitions with snapshots converted to the generator's model.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/value.h"
#include "fhir/tools/definition_model.h"

namespace zorgbrug::fhir::tools {

inline constexpr std::string_view kCoreStructurePrefix = "http://hl7.org/fhir/StructureDefinition/";

// The parsed file, or nullopt with `error` set when it cannot be read or is not JSON.
std::optional<json::Document> ReadJsonFile(const std::string& path, std::string& error);

// The paths of the regular files in `dir` whose name starts with `prefix` and ends with ".json",
// sorted. False with `error` set when `dir` cannot be listed.
bool ListJsonFiles(const std::string& dir, std::string_view prefix, std::vector<std::string>& paths,
                   std::string& error);

// Converts the StructureDefinition `sd` (which must have a snapshot) to `out`, its elements sorted
// by id. False with `error` set when an element has a bad cardinality or a duplicate id.
bool ReadStructure(const json::Value& sd, StructureModel& out, std::string& error);

// `canonical` without a trailing "|version".
std::string_view WithoutVersion(std::string_view canonical);

}  // namespace zorgbrug::fhir::tools
