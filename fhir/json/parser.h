#pragma once

// Parses JSON text into a lossless Document (value.h), refusing hostile input before it is built.
// The format and the limits are specified in fhir/json/FORMAT.md.

#include <cstddef>
#include <optional>
#include <string_view>

#include "fhir/issues.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::json {

// Limits checked while parsing. Each exceeded limit is reported with its name (the field name
// below) and its value, so a caller can tell the sender exactly what to change.
struct ParseLimits {
  size_t max_bytes = 16u << 20;  // total input size
  size_t max_depth = 100;        // nesting of objects and arrays; the root container is depth 1
  size_t max_string_bytes = 4u << 20;  // one string (after unescaping) or number text
  size_t max_object_members = 10'000;  // members of one object
  size_t max_array_items = 1'000'000;  // items of one array
};

// Parses `text` (UTF-8, RFC 8259). Rejects invalid UTF-8, duplicate keys in one object, trailing
// content, NaN/Infinity and every exceeded limit. On failure reports exactly one issue (severity
// error; type structure, duplicate, too-long or too-costly) whose expression is the FHIRPath-style
// location of the failure ("Bundle.entry[3].resource") and whose diagnostics name the byte offset,
// line and column; returns std::nullopt. Never recurses on input depth: safe on small thread
// stacks.
std::optional<Document> Parse(std::string_view text, const ParseLimits& limits, IssueSink& sink);

}  // namespace zorgbrug::fhir::json
