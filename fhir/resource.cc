#include "fhir/resource.h"

#include <string>

#include "fhir/r4/resource_types.h"

namespace zorgbrug::fhir {
namespace {

void ReportStructure(IssueSink& sink, std::string expression, std::string diagnostics) {
  sink.Report(Issue{Severity::kError, IssueType::kStructure, std::move(expression),
                    std::move(diagnostics)});
}

}  // namespace

std::optional<json::Document> ParseResource(std::string_view text, const json::ParseLimits& limits,
                                            IssueSink& sink) {
  std::optional<json::Document> doc = json::Parse(text, limits, sink);
  if (!doc) return std::nullopt;
  const json::Value& root = doc->root();
  if (!root.IsObject()) {
    ReportStructure(sink, "",
                    "a FHIR resource must be a JSON object, not a JSON " +
                        std::string(root.IsArray() ? "array" : "scalar"));
    return std::nullopt;
  }
  const json::Value* type = root.Find("resourceType");
  if (type == nullptr) {
    ReportStructure(sink, "", "the JSON object has no resourceType, so it is not a FHIR resource");
    return std::nullopt;
  }
  if (!type->IsString()) {
    ReportStructure(sink, "resourceType", "resourceType must be a JSON string");
    return std::nullopt;
  }
  if (!r4::IsResourceType(type->text())) {
    sink.Report(Issue{
        Severity::kError, IssueType::kValue, "resourceType",
        "\"" + std::string(type->text().substr(0, 64)) + "\" is not a FHIR R4 resource type"});
    return std::nullopt;
  }
  return doc;
}

}  // namespace zorgbrug::fhir
