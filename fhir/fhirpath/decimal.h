#pragma once

// An exact decimal for FHIRPath arithmetic and comparison: a 128-bit mantissa and a scale (digits
// after the point), so 0.1 + 0.2 = 0.3 exactly and "1.50" keeps its precision. Values whose
// mantissa would exceed 38 digits are refused (std::nullopt) rather than rounded silently.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zorgbrug::fhir::fhirpath {

class Decimal {
 public:
  Decimal() = default;
  static Decimal FromInteger(int64_t n) { return Decimal(n, 0); }
  // Parses JSON/FHIRPath number text ("-1.50", "2e3"); std::nullopt when not a number or too large.
  static std::optional<Decimal> Parse(std::string_view text);

  int scale() const { return scale_; }
  bool IsInteger() const;
  // Truncates toward zero; std::nullopt when outside int64.
  std::optional<int64_t> ToInteger() const;
  double ToDouble() const;
  // Canonical text with the value's own scale: "1.50", "-3", "0.001".
  std::string ToString() const;

  static std::optional<Decimal> Add(const Decimal& a, const Decimal& b);
  static std::optional<Decimal> Subtract(const Decimal& a, const Decimal& b);
  static std::optional<Decimal> Multiply(const Decimal& a, const Decimal& b);
  // std::nullopt when `b` is zero; the quotient is truncated to 8 fraction digits, trailing zeros
  // dropped (7 / 2 = 3.5).
  static std::optional<Decimal> Divide(const Decimal& a, const Decimal& b);
  // Integer division truncated toward zero, and the matching remainder.
  static std::optional<Decimal> Div(const Decimal& a, const Decimal& b);
  static std::optional<Decimal> Mod(const Decimal& a, const Decimal& b);
  Decimal Negate() const { return Decimal(-mantissa_, scale_); }

  // Exact three-way comparison by value (1.50 == 1.5).
  static int Compare(const Decimal& a, const Decimal& b);

 private:
  Decimal(__int128 mantissa, int scale) : mantissa_(mantissa), scale_(scale) {}
  // Brings both to the larger scale; false on overflow.
  static bool Align(Decimal& a, Decimal& b);

  __int128 mantissa_ = 0;
  int scale_ = 0;
};

}  // namespace zorgbrug::fhir::fhirpath
