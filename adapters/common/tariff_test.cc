// Tests of tariff.cc: the amounts of DOMAIN.md section 2 (services and multidisciplinary
// consultations), by service and by code, and the valid-from boundary.

#include "adapters/common/tariff.h"

#include <gtest/gtest.h>

#include <string>

namespace zorgbrug::adapters::common {
namespace {

v1::Date MakeDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

struct Row {
  v1::ProgrammeService service;
  int64_t cents;
  std::string row;
};

const Row kRows[] = {
    {v1::PROGRAMME_SERVICE_BIB_SCREENING, 2255, "bib-screening@2024-01-01"},
    {v1::PROGRAMME_SERVICE_PPA, 4878, "ppa@2024-01-01"},
    {v1::PROGRAMME_SERVICE_COORDINATION, 72000, "coordination@2024-01-01"},
    // Per participant per 15 minutes.
    {v1::PROGRAMME_SERVICE_PERINATAL_CONSULTATION, 1500, "perinatal-consultation@2024-01-01"},
};

TEST(TariffTest, EuroTextHasTwoDecimals) {
  EXPECT_EQ(EuroText(2255), "22.55");
  EXPECT_EQ(EuroText(12000), "120.00");
  EXPECT_EQ(EuroText(1505), "15.05");
  EXPECT_EQ(EuroText(7), "0.07");
  EXPECT_EQ(EuroText(0), "0.00");
  EXPECT_EQ(EuroText(-5), "-0.05");
}

TEST(TariffTest, EachServiceFromItsValidFromDay) {
  for (const Row& r : kRows) {
    SCOPED_TRACE(r.row);
    std::optional<v1::Tariff> tariff = TariffOf(r.service, MakeDate(2024, 1, 1));
    ASSERT_TRUE(tariff.has_value());
    EXPECT_EQ(tariff->amount_cents(), r.cents);
    EXPECT_EQ(tariff->row(), r.row);
  }
}

TEST(TariffTest, NoneTheDayBeforeValidFrom) {
  for (const Row& r : kRows) {
    SCOPED_TRACE(r.row);
    EXPECT_FALSE(TariffOf(r.service, MakeDate(2023, 12, 31)).has_value());
    EXPECT_FALSE(TariffOf(r.service, MakeDate(1990, 6, 15)).has_value());
  }
}

TEST(TariffTest, LatestRowStaysInForceLater) {
  for (const Row& r : kRows) {
    SCOPED_TRACE(r.row);
    for (const v1::Date& on :
         {MakeDate(2024, 1, 2), MakeDate(2026, 3, 2), MakeDate(9999, 12, 31)}) {
      std::optional<v1::Tariff> tariff = TariffOf(r.service, on);
      ASSERT_TRUE(tariff.has_value());
      EXPECT_EQ(tariff->amount_cents(), r.cents);
      EXPECT_EQ(tariff->row(), r.row);
    }
  }
}

TEST(TariffTest, UnknownServiceHasNone) {
  EXPECT_FALSE(TariffOf(v1::PROGRAMME_SERVICE_UNSPECIFIED, MakeDate(2026, 3, 2)).has_value());
  EXPECT_FALSE(TariffOf(static_cast<v1::ProgrammeService>(99), MakeDate(2026, 3, 2)).has_value());
}

TEST(TariffTest, PartialDateHasNone) {
  // "2024" or "2026-03" could straddle a change of tariff.
  EXPECT_FALSE(TariffOf(v1::PROGRAMME_SERVICE_PPA, MakeDate(2026, 0, 0)).has_value());
  EXPECT_FALSE(TariffOf(v1::PROGRAMME_SERVICE_PPA, MakeDate(2026, 3, 0)).has_value());
  EXPECT_FALSE(TariffOf(v1::PROGRAMME_SERVICE_PPA, v1::Date()).has_value());
}

// The lookup by code: every row of the table, the services' rows under their programme-service
// codes and the consultation-billing codes of the MDO.
struct CodeRow {
  const char* code;
  int64_t cents;
};

const CodeRow kCodeRows[] = {
    {"bib-screening", 2255},   {"ppa", 4878},
    {"coordination", 72000},   {"perinatal-consultation", 1500},
    {"mdo-organiser", 12000},  {"mdo-care-mediator", 4000},
    {"mdo-participant", 2500},
};

TEST(TariffOfCodeTest, EachCodeFromItsValidFromDay) {
  for (const CodeRow& r : kCodeRows) {
    SCOPED_TRACE(r.code);
    for (const v1::Date& on :
         {MakeDate(2024, 1, 1), MakeDate(2026, 3, 2), MakeDate(9999, 12, 31)}) {
      std::optional<v1::Tariff> tariff = TariffOfCode(r.code, on);
      ASSERT_TRUE(tariff.has_value());
      EXPECT_EQ(tariff->amount_cents(), r.cents);
      EXPECT_EQ(tariff->row(), std::string(r.code) + "@2024-01-01");
    }
    EXPECT_FALSE(TariffOfCode(r.code, MakeDate(2023, 12, 31)).has_value());
    EXPECT_FALSE(TariffOfCode(r.code, MakeDate(2026, 3, 0)).has_value());
  }
}

TEST(TariffOfCodeTest, ServiceLookupIsTheCodeLookup) {
  for (const Row& r : kRows) {
    SCOPED_TRACE(r.row);
    const std::string code = r.row.substr(0, r.row.find('@'));
    for (const v1::Date& on : {MakeDate(2023, 12, 31), MakeDate(2024, 1, 1), MakeDate(2026, 3, 2),
                               MakeDate(2026, 3, 0)}) {
      std::optional<v1::Tariff> by_service = TariffOf(r.service, on);
      std::optional<v1::Tariff> by_code = TariffOfCode(code, on);
      ASSERT_EQ(by_service.has_value(), by_code.has_value());
      if (!by_code) continue;
      EXPECT_EQ(by_service->amount_cents(), by_code->amount_cents());
      EXPECT_EQ(by_service->row(), by_code->row());
    }
  }
}

TEST(TariffOfCodeTest, UnknownCodesHaveNone) {
  // Codes are compared exactly: no case folding, no nomenclature numbers (their fee is the
  // insurer's), no programme service without an amount of its own.
  for (const char* code : {"", "MDO-ORGANISER", "mdo-organiser ", "mdo", "perinatal-participation",
                           "350372", "programme-entry"}) {
    SCOPED_TRACE(code);
    EXPECT_FALSE(TariffOfCode(code, MakeDate(2026, 3, 2)).has_value());
  }
}

}  // namespace
}  // namespace zorgbrug::adapters::common
