#include "fhir/fhirpath/decimal.h"

#include <algorithm>
#include <cstdlib>

namespace zorgbrug::fhir::fhirpath {
namespace {

constexpr int kMaxScale = 30;
// 10^36: keeps products of aligned values inside 127 bits for typical clinical numbers.
constexpr __int128 kLimit =
    static_cast<__int128>(1'000'000'000'000'000'000) * 1'000'000'000'000'000'000;

bool MulTen(__int128& m, int times) {
  for (int i = 0; i < times; ++i) {
    if (m > kLimit || m < -kLimit) return false;
    m *= 10;
  }
  return true;
}

}  // namespace

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  __int128 m = 0;
  int scale = 0;
  bool digits = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      if (!MulTen(m, 1)) return std::nullopt;
      m += c - '0';
      digits = true;
      if (point) ++scale;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!digits) return std::nullopt;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
    std::string exp(text.substr(i + 1));
    if (exp.empty()) return std::nullopt;
    char* end = nullptr;
    long e = std::strtol(exp.c_str(), &end, 10);
    if (*end != '\0' || e > 60 || e < -60) return std::nullopt;
    scale -= static_cast<int>(e);
  }
  if (scale < 0) {
    if (!MulTen(m, -scale)) return std::nullopt;
    scale = 0;
  }
  if (scale > kMaxScale) return std::nullopt;
  return Decimal(negative ? -m : m, scale);
}

bool Decimal::IsInteger() const {
  __int128 p = 1;
  for (int i = 0; i < scale_; ++i) p *= 10;
  return mantissa_ % p == 0;
}

std::optional<int64_t> Decimal::ToInteger() const {
  __int128 m = mantissa_;
  for (int i = 0; i < scale_; ++i) m /= 10;
  if (m > INT64_MAX || m < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(m);
}

double Decimal::ToDouble() const { return std::strtod(ToString().c_str(), nullptr); }

std::string Decimal::ToString() const {
  __int128 m = mantissa_ < 0 ? -mantissa_ : mantissa_;
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  while (static_cast<int>(digits.size()) <= scale_) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  if (scale_ > 0) digits.insert(digits.size() - scale_, ".");
  if (mantissa_ < 0) digits.insert(0, "-");
  return digits;
}

bool Decimal::Align(Decimal& a, Decimal& b) {
  if (a.scale_ < b.scale_) {
    if (!MulTen(a.mantissa_, b.scale_ - a.scale_)) return false;
    a.scale_ = b.scale_;
  } else if (b.scale_ < a.scale_) {
    if (!MulTen(b.mantissa_, a.scale_ - b.scale_)) return false;
    b.scale_ = a.scale_;
  }
  return true;
}

std::optional<Decimal> Decimal::Add(const Decimal& a, const Decimal& b) {
  Decimal x = a, y = b;
  if (!Align(x, y)) return std::nullopt;
  return Decimal(x.mantissa_ + y.mantissa_, x.scale_);
}

std::optional<Decimal> Decimal::Subtract(const Decimal& a, const Decimal& b) {
  return Add(a, b.Negate());
}

std::optional<Decimal> Decimal::Multiply(const Decimal& a, const Decimal& b) {
  __int128 product = 0;
  if (__builtin_mul_overflow(a.mantissa_, b.mantissa_, &product)) return std::nullopt;
  if (a.scale_ + b.scale_ > kMaxScale) return std::nullopt;
  return Decimal(product, a.scale_ + b.scale_);
}

std::optional<Decimal> Decimal::Divide(const Decimal& a, const Decimal& b) {
  if (b.mantissa_ == 0) return std::nullopt;
  constexpr int kFraction = 8;
  // a / b = (ma * 10^k) / mb * 10^-(sa + k - sb); k gives kFraction digits, trailing zeros dropped.
  int k = kFraction + b.scale_ - a.scale_;
  __int128 num = a.mantissa_;
  int scale = kFraction;
  if (k < 0) {
    scale -= k;
    k = 0;
  }
  if (!MulTen(num, k)) return std::nullopt;
  Decimal q(num / b.mantissa_, scale);
  while (q.scale_ > 0 && q.mantissa_ % 10 == 0) {
    q.mantissa_ /= 10;
    --q.scale_;
  }
  return q;
}

std::optional<Decimal> Decimal::Div(const Decimal& a, const Decimal& b) {
  Decimal x = a, y = b;
  if (!Align(x, y) || y.mantissa_ == 0) return std::nullopt;
  return Decimal(x.mantissa_ / y.mantissa_, 0);
}

std::optional<Decimal> Decimal::Mod(const Decimal& a, const Decimal& b) {
  Decimal x = a, y = b;
  if (!Align(x, y) || y.mantissa_ == 0) return std::nullopt;
  return Decimal(x.mantissa_ % y.mantissa_, x.scale_);
}

int Decimal::Compare(const Decimal& a, const Decimal& b) {
  Decimal x = a, y = b;
  if (!Align(x, y)) {
    double dx = a.ToDouble(), dy = b.ToDouble();
    return dx < dy ? -1 : (dx > dy ? 1 : 0);
  }
  return x.mantissa_ < y.mantissa_ ? -1 : (x.mantissa_ > y.mantissa_ ? 1 : 0);
}

}  // namespace zorgbrug::fhir::fhirpath
