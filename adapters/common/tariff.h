#pragma once

// The programme's tariffs in one dated table (tariff.cc), so that a change of tariff is a data
// change: a new row with the date it takes effect. DOMAIN.md section 2 gives the amounts.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zorgbrug/v1/common.pb.h"
#include "zorgbrug/v1/perinatal.pb.h"

namespace zorgbrug::adapters::common {

// The tariff of the billing code `code` in force on `on` (the row with the latest valid-from date
// not after `on`), or nullopt when none is in force then (an unknown code, a partial date). The
// codes are those of the programme-service code system ("ppa", "perinatal-consultation") and of
// the consultation-billing code system ("mdo-organiser", "mdo-care-mediator",
// "mdo-participant"); Tariff.row is "<code>@<valid from>".
std::optional<v1::Tariff> TariffOfCode(std::string_view code, const v1::Date& on);

// An amount in euro cents as FHIR decimal text with two decimals: 2255 -> "22.55", 12000 ->
// "120.00", -5 -> "-0.05".
std::string EuroText(int64_t cents);

// The tariff of `service` in force on `on`: TariffOfCode(ProgrammeServiceCode(service), on).
std::optional<v1::Tariff> TariffOf(v1::ProgrammeService service, const v1::Date& on);

}  // namespace zorgbrug::adapters::common
