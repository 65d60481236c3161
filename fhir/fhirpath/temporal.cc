#include "fhir/fhirpath/temporal.h"

#include <cstdio>

namespace zorgbrug::fhir::fhirpath {
namespace {

// Reads exactly `n` digits at `pos`; advances `pos`.
bool Digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool ParseZone(std::string_view s, size_t& pos, Temporal& t) {
  if (pos == s.size()) return true;
  if (s[pos] == 'Z') {
    t.offset_minutes = 0;
    return ++pos == s.size();
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int h = 0, m = 0;
  if (!Digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !Digits(s, pos, 2, m)) {
    return false;
  }
  t.offset_minutes = sign * (h * 60 + m);
  return pos == s.size();
}

// Parses "hh(:mm(:ss(.fff)))" at `pos` into `t`.
bool ParseClock(std::string_view s, size_t& pos, Temporal& t) {
  if (!Digits(s, pos, 2, t.hour) || t.hour > 23) return false;
  t.precision = Precision::kHour;
  if (pos >= s.size() || s[pos] != ':') return true;
  ++pos;
  if (!Digits(s, pos, 2, t.minute) || t.minute > 59) return false;
  t.precision = Precision::kMinute;
  if (pos >= s.size() || s[pos] != ':') return true;
  ++pos;
  if (!Digits(s, pos, 2, t.second) || t.second > 60) return false;
  t.precision = Precision::kSecond;
  if (pos >= s.size() || s[pos] != '.') return true;
  ++pos;
  int ms = 0, n = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (n < 3) ms = ms * 10 + (s[pos] - '0');
    ++n;
    ++pos;
  }
  if (n == 0) return false;
  for (int i = n; i < 3; ++i) ms *= 10;
  t.millisecond = ms;
  t.precision = Precision::kMillisecond;
  return true;
}

bool ParseDate(std::string_view s, size_t& pos, Temporal& t) {
  if (!Digits(s, pos, 4, t.year)) return false;
  t.precision = Precision::kYear;
  if (pos >= s.size() || s[pos] != '-') return true;
  ++pos;
  if (!Digits(s, pos, 2, t.month) || t.month < 1 || t.month > 12) return false;
  t.precision = Precision::kMonth;
  if (pos >= s.size() || s[pos] != '-') return true;
  ++pos;
  if (!Digits(s, pos, 2, t.day) || t.day < 1 || t.day > 31) return false;
  t.precision = Precision::kDay;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Fields of `t` in UTC when it has a zone and a time; unchanged otherwise.
Temporal Normalized(const Temporal& t) {
  if (!t.offset_minutes || *t.offset_minutes == 0 || t.precision < Precision::kHour ||
      t.kind == TemporalKind::kTime) {
    return t;
  }
  int64_t minutes =
      DaysFromCivil(t.year, t.month, t.day) * 1440 + t.hour * 60 + t.minute - *t.offset_minutes;
  int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
  int64_t rest = minutes - days * 1440;
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Temporal u = t;
  u.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  u.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  u.year = static_cast<int>(yoe + era * 400 + (u.month <= 2));
  u.hour = static_cast<int>(rest / 60);
  u.minute = static_cast<int>(rest % 60);
  u.offset_minutes = 0;
  return u;
}

}  // namespace

std::optional<Temporal> Temporal::Parse(std::string_view text, TemporalKind kind) {
  Temporal t;
  size_t pos = 0;
  if (kind == TemporalKind::kTime) {
    t.kind = kind;
    if (!text.empty() && text[0] == 'T') ++pos;
    if (!ParseClock(text, pos, t) || pos != text.size()) return std::nullopt;
    return t;
  }
  t.kind = kind;
  if (!ParseDate(text, pos, t)) return std::nullopt;
  if (pos < text.size() && text[pos] == 'T') {
    t.kind = TemporalKind::kDateTime;
    ++pos;
    if (pos < text.size() && !ParseClock(text, pos, t)) return std::nullopt;
  }
  if (!ParseZone(text, pos, t)) return std::nullopt;
  return t;
}

std::string Temporal::ToString() const {
  char buf[64];
  std::string out;
  if (kind != TemporalKind::kTime) {
    std::snprintf(buf, sizeof buf, "%04d", year);
    out = buf;
    if (precision >= Precision::kMonth)
      out += (std::snprintf(buf, sizeof buf, "-%02d", month), buf);
    if (precision >= Precision::kDay) out += (std::snprintf(buf, sizeof buf, "-%02d", day), buf);
    if (precision < Precision::kHour) return out;
    out += 'T';
  }
  out += (std::snprintf(buf, sizeof buf, "%02d", hour), buf);
  if (precision >= Precision::kMinute)
    out += (std::snprintf(buf, sizeof buf, ":%02d", minute), buf);
  if (precision >= Precision::kSecond)
    out += (std::snprintf(buf, sizeof buf, ":%02d", second), buf);
  if (precision >= Precision::kMillisecond) {
    out += (std::snprintf(buf, sizeof buf, ".%03d", millisecond), buf);
  }
  if (offset_minutes && kind != TemporalKind::kTime) {
    int m = *offset_minutes;
    if (m == 0) return out + "Z";
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", m < 0 ? '-' : '+', (m < 0 ? -m : m) / 60,
                  (m < 0 ? -m : m) % 60);
    out += buf;
  }
  return out;
}

std::optional<int> Temporal::Compare(const Temporal& a, const Temporal& b) {
  if ((a.kind == TemporalKind::kTime) != (b.kind == TemporalKind::kTime)) return std::nullopt;
  Temporal x = Normalized(a), y = Normalized(b);
  const int xs[] = {x.year, x.month, x.day, x.hour, x.minute, x.second * 1000 + x.millisecond};
  const int ys[] = {y.year, y.month, y.day, y.hour, y.minute, y.second * 1000 + y.millisecond};
  auto level = [](const Temporal& t) {
    int p = static_cast<int>(t.precision);
    if (p == static_cast<int>(Precision::kMillisecond)) p = static_cast<int>(Precision::kSecond);
    return p;
  };
  int first = a.kind == TemporalKind::kTime ? 3 : 0;
  int la = level(a), lb = level(b);
  int common = la < lb ? la : lb;
  for (int i = first; i <= common; ++i) {
    if (xs[i] != ys[i]) return xs[i] < ys[i] ? -1 : 1;
  }
  if (la != lb) return std::nullopt;
  return 0;
}

}  // namespace zorgbrug::fhir::fhirpath
