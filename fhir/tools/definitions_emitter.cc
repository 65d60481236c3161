#include "fhir/tools/definitions_emitter.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>

namespace zorgbrug::fhir::tools {
namespace {

constexpr std::string_view kIncludes =
    "\n#include \"fhir/definitions/structure.h\"\n"
    "#include \"fhir/definitions/tables.h\"\n\n"
    "namespace zorgbrug::fhir::definitions::internal {\n";

constexpr std::string_view kAliases =
    "using B = BindingStrength;\n"
    "using D = Derivation;\n"
    "using K = StructureKind;\n"
    "using R = DiscriminatorType;\n"
    "using S = SlicingRules;\n"
    "using V = ValueRule;\n"
    "using X = Severity;\n\n";

constexpr std::string_view kEpilogue = "}  // namespace zorgbrug::fhir::definitions::internal\n";

// A flat array of entries in which every list of entries is stored once, so that elements sharing
// a list (the ele-1 invariant, common type lists) point to the same run.
class Pool {
 public:
  Pool(std::string type, std::string name) : type_(std::move(type)), name_(std::move(name)) {}

  // The span initializer of `entries`, added as a run unless already present.
  std::string Span(const std::vector<std::string>& entries) {
    if (entries.empty()) return "{}";
    auto [it, added] = runs_.emplace(entries, entries_.size());
    if (added) entries_.insert(entries_.end(), entries.begin(), entries.end());
    return "{" + name_ + " + " + std::to_string(it->second) + ", " +
           std::to_string(entries.size()) + "}";
  }

  // The array definition; nothing when empty (C++ has no empty arrays and nothing refers to it).
  std::string Definition() const {
    if (entries_.empty()) return "";
    std::string out = "constexpr " + type_ + " " + name_ + "[] = {\n";
    for (const std::string& entry : entries_) out += "    " + entry + ",\n";
    return out + "};\n\n";
  }

 private:
  std::string type_;
  std::string name_;
  std::vector<std::string> entries_;
  std::map<std::vector<std::string>, size_t> runs_;
};

std::string Enum(std::string_view prefix, std::string_view value) {
  std::string out = std::string(prefix) + "::k";
  bool upper = true;
  for (char c : value) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

std::string Max(uint32_t max) {
  return max == std::numeric_limits<uint32_t>::max() ? "kMany" : std::to_string(max);
}

class StructureWriter {
 public:
  std::string Element(const ElementModel& e) {
    std::vector<std::string> types;
    for (const TypeModel& type : e.types) {
      types.push_back("{" + CppString(type.code) + ", " + Strings(type.profiles) + ", " +
                      Strings(type.targets) + "}");
    }
    std::vector<std::string> constraints;
    for (const ConstraintModel& c : e.constraints) {
      constraints.push_back("{" + CppString(c.key) + ", " + Enum("X", c.severity) + ", " +
                            CppString(c.human) + ", " + CppString(c.expression) + "}");
    }
    std::vector<std::string> discriminators;
    for (const DiscriminatorModel& d : e.discriminators) {
      discriminators.push_back("{" + Enum("R", d.type) + ", " + CppString(d.path) + "}");
    }
    return "{" + CppString(e.id) + ", " + CppString(e.path) + ", " + CppString(e.slice_name) +
           ", " + std::to_string(e.min) + ", " + Max(e.max) + ", " + types_.Span(types) + ", " +
           CppString(e.content_reference) + ", " + (e.is_modifier ? "true" : "false") + ", " +
           Enum("V", e.value_rule.empty() ? "none" : e.value_rule) + ", " +
           CppString(e.value_type) + ", " + CppString(e.value_json) + ", " +
           Enum("B", e.binding_strength.empty() ? "none" : e.binding_strength) + ", " +
           CppString(e.value_set) + ", " + constraints_.Span(constraints) + ", " +
           Enum("S", e.slicing_rules.empty() ? "none" : e.slicing_rules) + ", " +
           (e.slicing_ordered ? "true" : "false") + ", " + discriminators_.Span(discriminators) +
           ", " + std::to_string(e.order) + "}";
  }

  std::string Strings(const std::vector<std::string>& values) {
    std::vector<std::string> entries;
    for (const std::string& value : values) entries.push_back(CppString(value));
    return strings_.Span(entries);
  }

  std::string Definitions() const {
    return strings_.Definition() + types_.Definition() + constraints_.Definition() +
           discriminators_.Definition();
  }

 private:
  Pool strings_{"std::string_view", "kStrings"};
  Pool types_{"TypeRef", "kTypes"};
  Pool constraints_{"Constraint", "kConstraints"};
  Pool discriminators_{"Discriminator", "kDiscriminators"};
};

std::string StructureEntry(const StructureModel& s, std::string_view array, size_t first) {
  return "    {" + CppString(s.name) + ", " + CppString(s.url) + ", " + CppString(s.version) +
         ", " + CppString(s.type) + ", " + CppString(s.base_definition) + ", " + Enum("K", s.kind) +
         ", " + Enum("D", s.derivation) + ", " + (s.is_abstract ? "true" : "false") + ", " +
         CppString(s.regex) + ", {" + std::string(array) + " + " + std::to_string(first) + ", " +
         std::to_string(s.elements.size()) + "}},\n";
}

size_t ElementCount(const std::vector<StructureModel>& structures) {
  size_t count = 0;
  for (const StructureModel& structure : structures) count += structure.elements.size();
  return count;
}

// One line per element of `structures`, in order.
std::string ElementLines(StructureWriter& writer, const std::vector<StructureModel>& structures) {
  std::string out;
  for (const StructureModel& structure : structures) {
    for (const ElementModel& element : structure.elements) {
      out += "    " + writer.Element(element) + ",\n";
    }
  }
  return out;
}

// The entries of kStructures: `structures` (elements in kElements) in their order, or, with
// `external`, merged by url with external->structures (elements in external->array).
std::string StructureRows(const std::vector<StructureModel>& structures,
                          const ExternalElements* external) {
  struct Row {
    const StructureModel* structure;
    std::string_view array;
    size_t first;
  };
  std::vector<Row> rows;
  auto add = [&rows](const std::vector<StructureModel>& list, std::string_view array) {
    size_t first = 0;
    for (const StructureModel& structure : list) {
      rows.push_back({&structure, array, first});
      first += structure.elements.size();
    }
  };
  add(structures, "kElements");
  if (external != nullptr) {
    add(*external->structures, external->array);
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return a.structure->url < b.structure->url;
    });
  }
  std::string out;
  for (const Row& row : rows) out += StructureEntry(*row.structure, row.array, row.first);
  return out;
}

// The declaration of external.array, which both generated files carry so that their bounds agree.
std::string ExternDeclaration(const ExternalElements& external) {
  return "extern const ElementDef " + external.array + "[" +
         std::to_string(ElementCount(*external.structures)) + "];\n";
}

}  // namespace

std::string CppString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char octal[8];
      std::snprintf(octal, sizeof(octal), "\\%03o", byte);
      out += octal;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string EmitStructures(const std::string& banner, const std::string& function,
                           const std::vector<StructureModel>& structures,
                           const std::vector<std::pair<std::string, std::string>>* aliases,
                           const ExternalElements* external) {
  StructureWriter writer;
  std::string elements =
      "// Snapshot elements of each structure, sorted by id; fields in ElementDef order.\n"
      "constexpr ElementDef kElements[] = {\n" +
      ElementLines(writer, structures) + "};\n\n";
  std::string table = "// Fields in StructureDef order; elements index kElements" +
                      std::string(external != nullptr ? " or " + external->array : "") +
                      ".\nconstexpr StructureDef kStructures[] = {\n" +
                      StructureRows(structures, external) + "};\n\n";
  std::string out = banner + std::string(kIncludes);
  if (external != nullptr) {
    out += "\n// The snapshot elements of the structures of " + external->file + ".\n" +
           ExternDeclaration(*external) + "\n";
  }
  out += "namespace {\n\n" + std::string(kAliases) + "// clang-format off\n" +
         writer.Definitions() + elements + table;
  if (aliases != nullptr) {
    out += "constexpr Alias kAliases[] = {\n";
    for (const auto& [alias, url] : *aliases) {
      out += "    {" + CppString(alias) + ", " + CppString(url) + "},\n";
    }
    out += "};\n\n";
  }
  out += "// clang-format on\n\n}  // namespace\n\n";
  out += "std::span<const StructureDef> " + function + "() { return kStructures; }\n\n";
  if (aliases != nullptr) out += "std::span<const Alias> AliasTable() { return kAliases; }\n\n";
  return out + std::string(kEpilogue);
}

std::string EmitElements(const std::string& banner, const ExternalElements& external) {
  StructureWriter writer;
  std::string elements = ElementLines(writer, *external.structures);
  std::string out = banner + std::string(kIncludes) + "\n" + ExternDeclaration(external) +
                    "\nnamespace {\n\n" + std::string(kAliases) + "// clang-format off\n" +
                    writer.Definitions() + "// clang-format on\n\n}  // namespace\n\n";
  out += "// Snapshot elements of each structure, sorted by id; fields in ElementDef order.\n";
  out += "// clang-format off\nconstexpr ElementDef " + external.array + "[" +
         std::to_string(ElementCount(*external.structures)) + "] = {\n" + elements +
         "};\n// clang-format on\n\n";
  return out + std::string(kEpilogue);
}

std::string EmitValueSets(const std::string& banner, const std::vector<ValueSetModel>& value_sets) {
  std::string codes = "constexpr Code kCodes[] = {\n";
  std::string table = "constexpr ValueSetDef kValueSets[] = {\n";
  size_t count = 0;
  for (const ValueSetModel& value_set : value_sets) {
    for (const auto& [code, system] : value_set.codes) {
      codes += "    {" + CppString(system) + ", " + CppString(code) + "},\n";
    }
    std::string span = value_set.codes.empty() ? "{}"
                                               : "{kCodes + " + std::to_string(count) + ", " +
                                                     std::to_string(value_set.codes.size()) + "}";
    table += "    {" + CppString(value_set.url) + ", " + CppString(value_set.version) + ", " +
             (value_set.expandable ? "true" : "false") + ", " + CppString(value_set.note) + ", " +
             span + "},\n";
    count += value_set.codes.size();
  }
  std::string out = banner + std::string(kIncludes) + "namespace {\n\n// clang-format off\n";
  if (count > 0) out += codes + "};\n\n";
  out += table + "};\n\n// clang-format on\n\n}  // namespace\n\n";
  out += "std::span<const ValueSetDef> ValueSetTable() { return kValueSets; }\n\n";
  return out + std::string(kEpilogue);
}

}  // namespace zorgbrug::fhir::tools
