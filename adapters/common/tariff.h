#pragma once

// The programme's tariffs in one dated table (tariff.cc), so that a change of tariff is a data
// change: a new row with the date it takes effect. DOMAIN.md section 2 gives the amounts.

#include <optional>
#include <string>

#include "zorgbrug/v1/common.pb.h"
#include "zorgbrug/v1/perinatal.pb.h"

namespace zorgbrug::adapters::common {

// The tariff of `service` in force on `on` (the row with the latest valid-from date not after
// `on`), or nullopt when none is in force then.
std::optional<v1::Tariff> TariffOf(v1::ProgrammeService service, const v1::Date& on);

}  // namespace zorgbrug::adapters::common
