#pragma once

// Entry point for FHIR R4 resources in JSON: a lossless Document (json/value.h) whose root is an
// object with a `resourceType` naming an R4 resource type. Everything the gateway does not
// understand (unknown elements, extensions, primitive extensions such as `_birthDate`, decimal
// text) is kept.

#include <optional>
#include <string_view>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir {

// Parses `text` as a FHIR R4 resource (a Bundle is a resource). On top of json::Parse it requires a
// JSON object root with a string `resourceType` that is an R4 resource type
// (fhir/r4/resource_types.h). Reports one error issue and returns std::nullopt when the input is
// not a resource.
std::optional<json::Document> ParseResource(std::string_view text, const json::ParseLimits& limits,
                                            IssueSink& sink);

// The resourceType of `resource`, or empty when it has none.
inline std::string_view ResourceType(const json::Value& resource) {
  return resource.FindString("resourceType");
}

}  // namespace zorgbrug::fhir
