#pragma once

// The resource types of FHIR R4 (4.0.1). Generated table; see fhir/r4/README.md.

#include <span>
#include <string_view>

namespace zorgbrug::fhir::r4 {

// True when `name` is the name of an R4 resource type (e.g. "Patient", "Bundle"), excluding the
// abstract Resource and DomainResource.
bool IsResourceType(std::string_view name);

// All concrete R4 resource type names, sorted.
std::span<const std::string_view> ResourceTypes();

}  // namespace zorgbrug::fhir::r4
