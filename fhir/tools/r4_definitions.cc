#include "fhir/tools/r4_definitions.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::tools {
namespace {

constexpr std::string_view kCoreUrl = "http://hl7.org/fhir/StructureDefinition/";
constexpr std::string_view kSystemTypePrefix = "http://hl7.org/fhirpath/System.";
constexpr std::string_view kFhirTypeExtension =
    "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";
constexpr std::string_view kFhirVersion = "4.0.1";

bool ReadFile(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return !in.bad();
}

std::optional<json::Document> ParseFile(const std::string& path, std::string& error) {
  std::string text;
  if (!ReadFile(path, text)) {
    error = path + ": cannot read";
    return std::nullopt;
  }
  IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits(), issues);
  if (!doc) {
    error =
        path + ": " + (issues.issues().empty() ? "invalid JSON" : issues.issues()[0].diagnostics);
  }
  return doc;
}

// The FHIR type code of one ElementDefinition.type entry. The FHIRPath system types (used by the
// `id` of resources and by primitive `value`s) name their FHIR type in an extension.
std::string TypeCode(const json::Value& type) {
  std::string_view code = type.FindString("code");
  if (!code.starts_with(kSystemTypePrefix)) return std::string(code);
  const json::Value* extensions = type.Find("extension");
  if (extensions != nullptr) {
    for (const json::Value& extension : extensions->items()) {
      if (extension.FindString("url") == kFhirTypeExtension) {
        return std::string(extension.FindString("valueUrl"));
      }
    }
  }
  return std::string(code);
}

// The System type of the `<name>.value` element of a primitive type ("Boolean", "Integer", ...).
std::string PrimitiveValueType(const json::Value& snapshot, const std::string& name) {
  const json::Value* elements = snapshot.Find("element");
  if (elements == nullptr) return {};
  for (const json::Value& element : elements->items()) {
    if (element.FindString("path") != name + ".value") continue;
    const json::Value* types = element.Find("type");
    if (types == nullptr || types->items().empty()) return {};
    std::string_view code = types->items()[0].FindString("code");
    if (code.starts_with(kSystemTypePrefix)) code.remove_prefix(kSystemTypePrefix.size());
    return std::string(code);
  }
  return {};
}

bool ParseMax(std::string_view text, uint32_t& max) {
  if (text == "*") {
    max = std::numeric_limits<uint32_t>::max();
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string Capitalized(std::string_view type) {
  std::string out(type);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace

bool Definitions::Load(const std::string& dir, const std::vector<std::string>& resources,
                       std::string& error) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (file.starts_with("StructureDefinition-") && file.ends_with(".json")) {
      paths.push_back(entry.path().string());
    }
  }
  if (ec) {
    error = dir + ": " + ec.message();
    return false;
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    if (!LoadFile(path, resources, error)) return false;
  }
  for (const std::string& resource : resources) {
    if (!snapshots_.contains(resource)) {
      error = "no core StructureDefinition with a snapshot for resource " + resource + " in " + dir;
      return false;
    }
  }
  return true;
}

bool Definitions::LoadFile(const std::string& path, const std::vector<std::string>& resources,
                           std::string& error) {
  std::optional<json::Document> doc = ParseFile(path, error);
  if (!doc) return false;
  const json::Value& sd = doc->root();
  std::string name(sd.FindString("name"));
  if (sd.FindString("resourceType") != "StructureDefinition" ||
      sd.FindString("url") != std::string(kCoreUrl) + name) {
    return true;  // a profile or extension, not a core type
  }
  if (sd.FindString("fhirVersion") != kFhirVersion) {
    error = path + ": fhirVersion is not " + std::string(kFhirVersion);
    return false;
  }
  if (types_.contains(name)) {
    error = path + ": second core definition of " + name;
    return false;
  }
  TypeDef& type = types_[name];
  type.name = name;
  type.kind = sd.FindString("kind");
  type.derivation = sd.FindString("derivation");
  const json::Value* is_abstract = sd.Find("abstract");
  type.is_abstract = is_abstract != nullptr && is_abstract->IsBool() && is_abstract->GetBool();
  std::string_view base = sd.FindString("baseDefinition");
  if (base.starts_with(kCoreUrl)) type.base = base.substr(kCoreUrl.size());

  const json::Value* snapshot = sd.Find("snapshot");
  if (snapshot == nullptr) return true;
  if (type.kind == "primitive-type") type.value_type = PrimitiveValueType(*snapshot, name);
  if (std::find(resources.begin(), resources.end(), name) == resources.end()) return true;
  return LoadSnapshot(path, name, *snapshot, error);
}

bool Definitions::LoadSnapshot(const std::string& path, const std::string& name,
                               const json::Value& snapshot, std::string& error) {
  std::vector<Element>& elements = snapshots_[name];
  const json::Value* items = snapshot.Find("element");
  if (items == nullptr) return true;
  for (const json::Value& item : items->items()) {
    std::string_view element_path = item.FindString("path");
    if (!element_path.starts_with(name + ".")) continue;
    std::string_view tail = element_path.substr(name.size() + 1);
    if (tail.find('.') != std::string_view::npos) continue;
    Element element;
    element.name = tail;
    const json::Value* min = item.Find("min");
    if (min == nullptr || !min->IsNumber() || !ParseMax(min->text(), element.min) ||
        !ParseMax(item.FindString("max"), element.max) || element.min > element.max) {
      error = path + ": bad cardinality of " + std::string(element_path);
      return false;
    }
    if (const json::Value* types = item.Find("type")) {
      for (const json::Value& type : types->items()) element.types.push_back(TypeCode(type));
    }
    elements.push_back(std::move(element));
  }
  return true;
}

std::vector<std::string> Definitions::ConcreteResourceTypes() const {
  std::vector<std::string> names;
  for (const auto& [name, type] : types_) {
    if (type.kind == "resource" && type.derivation == "specialization" && !type.is_abstract) {
      names.push_back(name);
    }
  }
  return names;  // std::map keeps them sorted
}

bool Definitions::ResourceElements(const std::string& resource, ResourceSpec& spec,
                                   std::string& error) const {
  spec.name = resource;
  spec.elements.clear();
  for (const Element& element : snapshots_.at(resource)) {
    if (element.max == 0) continue;  // prohibited
    bool choice = element.name.ends_with("[x]");
    if (element.types.empty() || (!choice && element.types.size() != 1)) {
      error = resource + "." + element.name + ": expected one type";
      return false;
    }
    for (const std::string& type : element.types) {
      ElementSpec out;
      out.type = type;
      out.min = element.min;
      out.max = element.max;
      if (choice) {
        out.choice = element.name.substr(0, element.name.size() - 3);
        out.json_name = out.choice + Capitalized(type);
      } else {
        out.json_name = element.name;
      }
      if (!ShapeOf(type, out.shape, error)) return false;
      spec.elements.push_back(std::move(out));
    }
  }
  return true;
}

bool Definitions::ShapeOf(const std::string& type, Shape& shape, std::string& error) const {
  auto it = types_.find(type);
  if (it == types_.end()) {
    error = "type " + type + " has no core StructureDefinition";
    return false;
  }
  const TypeDef& def = it->second;
  if (def.kind != "primitive-type") {
    shape = Shape::kObject;
    return true;
  }
  if (def.value_type == "Boolean") {
    shape = Shape::kBoolean;
  } else if (def.value_type == "Integer") {
    shape = Shape::kInteger;
  } else if (def.value_type == "Decimal") {
    shape = Shape::kDecimal;
  } else {
    // positiveInt and unsignedInt declare a String value but derive from integer.
    auto base = types_.find(def.base);
    if (base != types_.end() && base->second.kind == "primitive-type") {
      return ShapeOf(def.base, shape, error);
    }
    shape = Shape::kString;
  }
  return true;
}

}  // namespace zorgbrug::fhir::tools
