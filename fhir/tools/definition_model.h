#pragma once

// The generator's owning model of the definitions it compiles into fhir/definitions/ (mirrors
// fhir/definitions/structure.h, which the generator must not depend on).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zorgbrug::fhir::tools {

struct TypeModel {
  std::string code;
  std::vector<std::string> profiles;
  std::vector<std::string> targets;  // core types by name, other profiles by canonical
};

struct ConstraintModel {
  std::string key;
  std::string severity;  // "error" or "warning"
  std::string human;
  std::string expression;
};

struct DiscriminatorModel {
  std::string type;  // "value", "exists", "pattern", "type", "profile"
  std::string path;
};

struct ElementModel {
  std::string id;
  std::string path;
  std::string slice_name;
  uint32_t min = 0;
  uint32_t max = 0;  // UINT32_MAX for "*"
  std::vector<TypeModel> types;
  std::string content_reference;
  bool is_modifier = false;
  std::string value_rule;  // "", "fixed" or "pattern"
  std::string value_type;  // "Uri"
  std::string value_json;
  std::string binding_strength;  // "" when no binding
  std::string value_set;
  std::vector<ConstraintModel> constraints;
  std::string slicing_rules;  // "" when not sliced
  bool slicing_ordered = false;
  std::vector<DiscriminatorModel> discriminators;
  uint32_t order = 0;
};

struct StructureModel {
  std::string name;
  std::string url;
  std::string version;
  std::string type;
  std::string base_definition;
  std::string kind;        // "primitive-type", "complex-type", "resource"
  std::string derivation;  // "specialization", "constraint"
  bool is_abstract = false;
  std::string regex;
  std::vector<ElementModel> elements;  // sorted by id
};

struct ValueSetModel {
  std::string url;
  std::string version;
  bool expandable = false;
  std::string note;
  std::vector<std::pair<std::string, std::string>> codes;  // (code, system), sorted
};

// Where the definitions came from, for the banners of the generated files.
struct SourceModel {
  std::vector<std::string> packages;  // "hl7.fhir.be.core-clinical 1.1.0"
};

}  // namespace zorgbrug::fhir::tools
