#include "fhir/json/utf8.h"

#include <cstdint>
#include <cstring>

namespace zorgbrug::fhir::json {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid multi-byte sequence starting at `p` (which holds a byte >= 0x80), or 0.
// Ranges from RFC 3629 section 4 (UTF8-2, UTF8-3, UTF8-4).
size_t SequenceLength(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  size_t available = end - p;
  if (c >= 0xC2 && c <= 0xDF) return available >= 2 && IsContinuation(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (available < 3 || !IsContinuation(p[1]) || !IsContinuation(p[2])) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (available < 4 || !IsContinuation(p[1]) || !IsContinuation(p[2]) || !IsContinuation(p[3])) {
      return 0;
    }
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;  // continuation byte without a lead, 0xC0, 0xC1, 0xF5..0xFF
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* p = begin;
  const unsigned char* end = p + text.size();
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof(word));
      if ((word & kHighBits) == 0) {
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t length = SequenceLength(p, end);
    if (length == 0) return p - begin;
    p += length;
  }
  return std::string_view::npos;
}

}  // namespace zorgbrug::fhir::json
