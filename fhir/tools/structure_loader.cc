#include "fhir/tools/structure_loader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"

namespace zorgbrug::fhir::tools {
namespace {

constexpr std::string_view kSystemTypePrefix = "http://hl7.org/fhirpath/System.";
constexpr std::string_view kFhirTypeExtension =
    "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";
constexpr std::string_view kRegexExtension = "http://hl7.org/fhir/StructureDefinition/regex";

bool ParseCount(std::string_view text, uint32_t& value) {
  if (text == "*") {
    value = std::numeric_limits<uint32_t>::max();
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool FindBool(const json::Value& object, std::string_view name) {
  const json::Value* value = object.Find(name);
  return value != nullptr && value->IsBool() && value->GetBool();
}

// The valueString/valueUrl of the extension `url` among object.extension, or empty.
std::string_view ExtensionValue(const json::Value& object, std::string_view url,
                                std::string_view value_member) {
  const json::Value* extensions = object.Find("extension");
  if (extensions == nullptr) return {};
  for (const json::Value& extension : extensions->items()) {
    if (extension.FindString("url") == url) return extension.FindString(value_member);
  }
  return {};
}

std::vector<std::string> Strings(const json::Value* array) {
  std::vector<std::string> out;
  if (array == nullptr) return out;
  for (const json::Value& item : array->items()) out.emplace_back(item.text());
  return out;
}

std::string TargetName(std::string_view canonical) {
  canonical = WithoutVersion(canonical);
  if (canonical.starts_with(kCoreStructurePrefix))
    canonical.remove_prefix(kCoreStructurePrefix.size());
  return std::string(canonical);
}

TypeModel ReadType(const json::Value& type) {
  TypeModel out;
  std::string_view code = type.FindString("code");
  std::string_view fhir_type = ExtensionValue(type, kFhirTypeExtension, "valueUrl");
  out.code = code.starts_with(kSystemTypePrefix) && !fhir_type.empty() ? fhir_type : code;
  out.profiles = Strings(type.Find("profile"));
  if (const json::Value* targets = type.Find("targetProfile")) {
    for (const json::Value& target : targets->items())
      out.targets.push_back(TargetName(target.text()));
  }
  return out;
}

void ReadValueRule(const json::Value& element, ElementModel& out) {
  for (const json::Member& member : element.members()) {
    for (std::string_view rule : {"fixed", "pattern"}) {
      if (member.name.starts_with(rule) && member.name.size() > rule.size()) {
        out.value_rule = rule;
        out.value_type = member.name.substr(rule.size());
        out.value_json = json::Write(member.value);
      }
    }
  }
}

void ReadSlicing(const json::Value& slicing, ElementModel& out) {
  out.slicing_rules = slicing.FindString("rules");
  if (out.slicing_rules.empty()) out.slicing_rules = "open";
  out.slicing_ordered = FindBool(slicing, "ordered");
  if (const json::Value* discriminators = slicing.Find("discriminator")) {
    for (const json::Value& discriminator : discriminators->items()) {
      out.discriminators.push_back({std::string(discriminator.FindString("type")),
                                    std::string(discriminator.FindString("path"))});
    }
  }
}

void ReadConstraints(const json::Value* constraints, ElementModel& out) {
  if (constraints == nullptr) return;
  for (const json::Value& constraint : constraints->items()) {
    std::string_view expression = constraint.FindString("expression");
    if (expression.empty()) continue;
    out.constraints.push_back(
        {std::string(constraint.FindString("key")), std::string(constraint.FindString("severity")),
         std::string(constraint.FindString("human")), std::string(expression)});
  }
}

bool ReadElement(const json::Value& element, ElementModel& out, std::string& error) {
  out.path = element.FindString("path");
  out.id = element.FindString("id");
  if (out.id.empty()) out.id = out.path;
  out.slice_name = element.FindString("sliceName");
  const json::Value* min = element.Find("min");
  if (min == nullptr || !min->IsNumber() || !ParseCount(min->text(), out.min) ||
      !ParseCount(element.FindString("max"), out.max) || out.min > out.max) {
    error = "bad cardinality of " + out.id;
    return false;
  }
  if (const json::Value* types = element.Find("type")) {
    for (const json::Value& type : types->items()) out.types.push_back(ReadType(type));
  }
  out.content_reference = element.FindString("contentReference");
  out.is_modifier = FindBool(element, "isModifier");
  ReadValueRule(element, out);
  if (const json::Value* binding = element.Find("binding")) {
    out.binding_strength = binding->FindString("strength");
    out.value_set = binding->FindString("valueSet");
  }
  ReadConstraints(element.Find("constraint"), out);
  if (const json::Value* slicing = element.Find("slicing")) ReadSlicing(*slicing, out);
  return true;
}

// The regex of <name>.value of a primitive type, from the extension on its type.
std::string PrimitiveRegex(const json::Value& elements, const std::string& name) {
  for (const json::Value& element : elements.items()) {
    if (element.FindString("path") != name + ".value") continue;
    const json::Value* types = element.Find("type");
    if (types == nullptr || types->items().empty()) return {};
    return std::string(ExtensionValue(types->items()[0], kRegexExtension, "valueString"));
  }
  return {};
}

}  // namespace

std::string_view WithoutVersion(std::string_view canonical) {
  return canonical.substr(0, canonical.find('|'));
}

std::optional<json::Document> ReadJsonFile(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    error = path + ": cannot read";
    return std::nullopt;
  }
  json::ParseLimits limits;
  limits.max_bytes = 64u << 20;
  IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(buffer.str(), limits, issues);
  if (!doc) {
    error =
        path + ": " + (issues.issues().empty() ? "invalid JSON" : issues.issues()[0].diagnostics);
  }
  return doc;
}

bool ListJsonFiles(const std::string& dir, std::string_view prefix, std::vector<std::string>& paths,
                   std::string& error) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (entry.is_regular_file() && file.starts_with(prefix) && file.ends_with(".json")) {
      paths.push_back(entry.path().string());
    }
  }
  if (ec) {
    error = dir + ": " + ec.message();
    return false;
  }
  std::sort(paths.begin(), paths.end());
  return true;
}

bool ReadStructure(const json::Value& sd, StructureModel& out, std::string& error) {
  out.name = sd.FindString("name");
  out.url = sd.FindString("url");
  out.version = sd.FindString("version");
  out.type = sd.FindString("type");
  out.base_definition = sd.FindString("baseDefinition");
  out.kind = sd.FindString("kind");
  out.derivation = sd.FindString("derivation");
  out.is_abstract = FindBool(sd, "abstract");
  const json::Value* snapshot = sd.Find("snapshot");
  const json::Value* elements = snapshot != nullptr ? snapshot->Find("element") : nullptr;
  if (elements == nullptr) {
    error = out.url + ": no snapshot";
    return false;
  }
  if (out.kind == "primitive-type") out.regex = PrimitiveRegex(*elements, out.name);
  for (const json::Value& element : elements->items()) {
    ElementModel model;
    model.order = static_cast<uint32_t>(out.elements.size());
    if (!ReadElement(element, model, error)) {
      error = out.url + ": " + error;
      return false;
    }
    out.elements.push_back(std::move(model));
  }
  std::sort(out.elements.begin(), out.elements.end(),
            [](const ElementModel& a, const ElementModel& b) { return a.id < b.id; });
  for (size_t i = 1; i < out.elements.size(); ++i) {
    if (out.elements[i - 1].id == out.elements[i].id) {
      error = out.url + ": duplicate element id " + out.elements[i].id;
      return false;
    }
  }
  return true;
}

}  // namespace zorgbrug::fhir::tools
