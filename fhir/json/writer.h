#pragma once

// Prints a Document (value.h) as JSON text. Numbers are printed from their exact text; strings are
// escaped per RFC 8259 (non-ASCII stays UTF-8); object members keep their order.

#include <string>

#include "fhir/json/value.h"

namespace zorgbrug::fhir::json {

struct WriteOptions {
  bool pretty = false;  // two-space indentation, one member per line
};

std::string Write(const Value& value, const WriteOptions& options = {});
// Appends to `out` instead of returning a new string (reuses its capacity).
void WriteTo(const Value& value, const WriteOptions& options, std::string& out);

}  // namespace zorgbrug::fhir::json
