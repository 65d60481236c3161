#pragma once

// The part of the FHIR R4 StructureDefinitions (with snapshots) that the table generator needs: the
// core types with their kind, and the top-level elements of selected resources. Read with our own
// json::Parse; depends on nothing generated.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/value.h"

namespace zorgbrug::fhir::tools {

// How a value of a FHIR type is written in JSON (mirrors fhir/r4/view.h JsonShape, which the
// generator must not depend on).
enum class Shape { kString, kDecimal, kInteger, kBoolean, kObject };

// A core type: a StructureDefinition whose url is http://hl7.org/fhir/StructureDefinition/<name>.
struct TypeDef {
  std::string name;
  std::string kind;        // "primitive-type", "complex-type", "resource", "logical"
  std::string derivation;  // "specialization" or "constraint"
  bool is_abstract = false;
  std::string base;        // name of the base type, from baseDefinition; empty for Element/Resource
  std::string value_type;  // primitive types: the System type of <name>.value, e.g. "Integer"
};

// A top-level element of a resource, one per JSON name (choice types expanded).
struct ElementSpec {
  std::string json_name;  // "effectiveDateTime"
  std::string type;       // "dateTime"
  Shape shape = Shape::kObject;
  uint32_t min = 0;
  uint32_t max = 1;    // UINT32_MAX for "*"
  std::string choice;  // "effective" for variants of effective[x]; empty otherwise
};

struct ResourceSpec {
  std::string name;
  std::vector<ElementSpec> elements;  // in snapshot order
};

class Definitions {
 public:
  // Reads every StructureDefinition-*.json in `dir`; keeps the snapshots of `resources` for
  // ResourceElements. False with `error` set when a file cannot be read or parsed, a core
  // definition is not FHIR 4.0.1, or a resource of `resources` is missing.
  bool Load(const std::string& dir, const std::vector<std::string>& resources, std::string& error);

  // Names of the concrete resource types (kind resource, specialization, not abstract), sorted.
  std::vector<std::string> ConcreteResourceTypes() const;

  // The top-level elements of `resource` (one of those given to Load). False with `error` set when
  // an element uses a type that is not a core type.
  bool ResourceElements(const std::string& resource, ResourceSpec& spec, std::string& error) const;

 private:
  struct Element {
    std::string name;  // path without the resource name: "effective[x]"
    uint32_t min = 0;
    uint32_t max = 0;
    std::vector<std::string> types;
  };

  bool LoadFile(const std::string& path, const std::vector<std::string>& resources,
                std::string& error);
  bool LoadSnapshot(const std::string& path, const std::string& name, const json::Value& snapshot,
                    std::string& error);
  bool ShapeOf(const std::string& type, Shape& shape, std::string& error) const;

  std::map<std::string, TypeDef> types_;
  std::map<std::string, std::vector<Element>> snapshots_;  // top-level elements of `resources`
};

}  // namespace zorgbrug::fhir::tools
