#include "adapters/common/decimal.h"

#include <algorithm>

namespace zorgbrug::adapters::common {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Decimal {
  bool negative = false;
  std::string_view integer;   // no leading zeros (IsDecimal)
  std::string_view fraction;  // possibly with trailing zeros
};

Decimal Split(std::string_view text) {
  Decimal d;
  d.negative = !text.empty() && text.front() == '-';
  if (d.negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  d.integer = text.substr(0, dot);
  if (dot != std::string_view::npos) d.fraction = text.substr(dot + 1);
  // "-0.0" is zero, not negative.
  if (d.integer == "0" &&
      std::all_of(d.fraction.begin(), d.fraction.end(), [](char c) { return c == '0'; })) {
    d.negative = false;
  }
  return d;
}

// -1, 0 or 1 as |a| <, = or > |b|.
int CompareMagnitude(const Decimal& a, const Decimal& b) {
  if (a.integer.size() != b.integer.size()) return a.integer.size() < b.integer.size() ? -1 : 1;
  if (const int c = a.integer.compare(b.integer); c != 0) return c < 0 ? -1 : 1;
  for (size_t i = 0; i < std::max(a.fraction.size(), b.fraction.size()); ++i) {
    const char x = i < a.fraction.size() ? a.fraction[i] : '0';
    const char y = i < b.fraction.size() ? b.fraction[i] : '0';
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace

// FHIR decimal text (http://hl7.org/fhir/R4/datatypes.html#decimal): -?(0|[1-9][0-9]*)(\.[0-9]+)?
bool IsDecimal(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == 0 || (i > 1 && text.front() == '0')) return false;
  if (i == text.size()) return true;
  if (text[i] != '.' || i + 1 == text.size()) return false;
  return std::all_of(text.begin() + i + 1, text.end(), IsDigit);
}

// -1, 0 or 1 as a <, = or > b; both must be IsDecimal.
int CompareDecimal(std::string_view a, std::string_view b) {
  const Decimal x = Split(a), y = Split(b);
  if (x.negative != y.negative) return x.negative ? -1 : 1;
  const int magnitude = CompareMagnitude(x, y);
  return x.negative ? -magnitude : magnitude;
}

}  // namespace zorgbrug::adapters::common
