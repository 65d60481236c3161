// Dates as days since 1970-01-01: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms",
// days_from_civil and civil_from_days, proleptic Gregorian.

#include "adapters/common/calendar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace zorgbrug::adapters::common {

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

v1::Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  v1::Date date;
  date.set_year(static_cast<int32_t>(yoe + era * 400 + (m <= 2)));
  date.set_month(static_cast<int32_t>(m));
  date.set_day(static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1));
  return date;
}

bool IsSet(const v1::Date& date) { return date.year() != 0; }

// A partial date counts from its first day.
int64_t Days(const v1::Date& date) {
  return DaysFromCivil(date.year(), std::max(date.month(), 1), std::max(date.day(), 1));
}

bool IsLeapYear(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// The same calendar day `years` later; 29 February falls on 1 March in a common year.
int64_t AddYears(const v1::Date& date, int years) {
  const int64_t year = static_cast<int64_t>(date.year()) + years;
  if (date.month() == 2 && date.day() == 29 && !IsLeapYear(year)) {
    return DaysFromCivil(year, 3, 1);
  }
  return DaysFromCivil(year, std::max(date.month(), 1), std::max(date.day(), 1));
}

std::string FullDateText(const v1::Date& date) {
  const v1::Date d = CivilFromDays(Days(date));
  const auto two = [](int v) { return absl::StrCat(v < 10 ? "0" : "", v); };
  return absl::StrCat(d.year(), "-", two(d.month()), "-", two(d.day()));
}

}  // namespace zorgbrug::adapters::common
