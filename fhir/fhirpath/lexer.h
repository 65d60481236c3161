#pragma once

// Tokens of FHIRPath text (internal to fhir/fhirpath/; http://hl7.org/fhirpath/N1/#grammar).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace zorgbrug::fhir::fhirpath::internal {

enum class TokenKind : uint8_t {
  kIdentifier,  // plain or `delimited` (text without backticks)
  kString,      // 'text' (unescaped)
  kNumber,      // 12, 1.50
  kDateTime,    // @2020-01-02T10:00 (text without '@')
  kTime,        // @T10:00 (text without "@T")
  kVariable,    // %name or %'name' or %`name` (text without '%')
  kSpecial,     // $this, $index, $total (text without '$')
  kSymbol,      // operators and punctuation: . , ( ) [ ] { } + - * / & | = ~ != !~ < > <= >=
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  bool delimited = false;  // a `backticked` identifier: never a keyword
  uint32_t position = 0;
  std::string text;
};

// Splits `text` into tokens ending with kEnd; skips whitespace and comments. An error status names
// the byte offset of the offending character.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text);

}  // namespace zorgbrug::fhir::fhirpath::internal
