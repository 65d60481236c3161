#pragma once

// Calendar arithmetic on zorgbrug.v1.Date for the programme's rules: days between dates, the same
// day a year later, trimesters and birthdays. Pure; no time zone (dates are civil dates).

#include <cstdint>
#include <string>

#include "zorgbrug/v1/common.pb.h"

namespace zorgbrug::adapters::common {

// Days since 1970-01-01 of year-month-day (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d);
// The inverse.
v1::Date CivilFromDays(int64_t days);
// Whether the date is given (a year at least).
bool IsSet(const v1::Date& date);
// Days since 1970-01-01 of `date`; a partial date counts from its first day.
int64_t Days(const v1::Date& date);
bool IsLeapYear(int64_t y);
// The same calendar day `years` later, in days; 29 February falls on 1 March in a common year.
int64_t AddYears(const v1::Date& date, int years);
// "2026-03-02": a partial date from its first day (bundle_io.h DateText keeps it partial).
std::string FullDateText(const v1::Date& date);

}  // namespace zorgbrug::adapters::common
