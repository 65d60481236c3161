#include "adapters/common/tariff.h"

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "adapters/common/programme.h"

namespace zorgbrug::adapters::common {
namespace {

struct TariffRow {
  // The billing code (programme-service or consultation-billing code system).
  std::string_view code;
  // The first day the row is in force.
  int year;
  int month;
  int day;
  int64_t amount_cents;
};

// DOMAIN.md section 2, column "reimbursement", and "Multidisciplinary consultations". The
// programme agreement of June 2024 does not give a date for each amount in public: valid-from
// 2024-01-01 (the programme's start year) is the project's assumption, for the MDO amounts too. A
// change of tariff is a new row here with the date it takes effect; the rows of one code need not
// be in date order.
constexpr std::array<TariffRow, 7> kTariffs = {{
    // One completed BiB screening per pregnancy: EUR 22.55.
    {"bib-screening", 2024, 1, 1, 2255},
    // Each of at most 2 reimbursed PPAs per pregnancy: EUR 48.78.
    {"ppa", 2024, 1, 1, 4878},
    // Care and welfare coordination: EUR 720 per year.
    {"coordination", 2024, 1, 1, 72000},
    // Perinatal consultation: the unit is one participant for 15 minutes (EUR 15), not the whole
    // consultation; the consultation adapter multiplies it by participants and quarter-hours.
    {"perinatal-consultation", 2024, 1, 1, 1500},
    // Flemish MDO, per consultation: the organiser EUR 120, the care mediator EUR 40, each other
    // participant EUR 25 (at most 4 paid: adapters/consultation/rules.cc).
    {"mdo-organiser", 2024, 1, 1, 12000},
    {"mdo-care-mediator", 2024, 1, 1, 4000},
    {"mdo-participant", 2024, 1, 1, 2500},
}};

// A sortable key of a date; only complete dates (month and day given) have one.
int64_t Key(int year, int month, int day) {
  return static_cast<int64_t>(year) * 10000 + month * 100 + day;
}

bool IsComplete(const v1::Date& date) {
  return date.year() >= 1 && date.year() <= 9999 && date.month() >= 1 && date.month() <= 12 &&
         date.day() >= 1 && date.day() <= 31;
}

std::string Padded(int value, int width) {
  std::string digits = absl::StrCat(value);
  return std::string(digits.size() < static_cast<size_t>(width) ? width - digits.size() : 0, '0') +
         digits;
}

}  // namespace

std::optional<v1::Tariff> TariffOfCode(std::string_view code, const v1::Date& on) {
  // A partial date ("2026-03") could straddle a change of tariff: no tariff for it.
  if (code.empty() || !IsComplete(on)) return std::nullopt;
  const int64_t on_key = Key(on.year(), on.month(), on.day());
  const TariffRow* in_force = nullptr;
  for (const TariffRow& row : kTariffs) {
    if (row.code != code) continue;
    const int64_t from = Key(row.year, row.month, row.day);
    if (from > on_key) continue;
    if (in_force == nullptr || from > Key(in_force->year, in_force->month, in_force->day)) {
      in_force = &row;
    }
  }
  if (in_force == nullptr) return std::nullopt;
  v1::Tariff tariff;
  tariff.set_amount_cents(in_force->amount_cents);
  tariff.set_row(absl::StrCat(std::string(in_force->code), "@", Padded(in_force->year, 4), "-",
                              Padded(in_force->month, 2), "-", Padded(in_force->day, 2)));
  return tariff;
}

std::optional<v1::Tariff> TariffOf(v1::ProgrammeService service, const v1::Date& on) {
  return TariffOfCode(ProgrammeServiceCode(service), on);
}

std::string EuroText(int64_t cents) {
  const uint64_t magnitude =
      cents < 0 ? uint64_t{0} - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  const uint64_t rest = magnitude % 100;
  return absl::StrCat(cents < 0 ? "-" : "", magnitude / 100, rest < 10 ? ".0" : ".", rest);
}

}  // namespace zorgbrug::adapters::common
