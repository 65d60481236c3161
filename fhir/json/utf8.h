#pragma once

// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF. ASCII runs are checked eight bytes at a time, so mostly-ASCII FHIR JSON costs a
// fraction of a per-character decoder. Internal to fhir/json.

#include <cstddef>
#include <string_view>

namespace zorgbrug::fhir::json {

// The offset of the first byte of `text` that does not start a valid UTF-8 sequence, or
// std::string_view::npos when all of `text` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace zorgbrug::fhir::json
