#pragma once

// Decimal text compared exactly, as written, never through double ("2.49" < "2.5", "0.1" <
// "0.10000000000000001"): scores, thresholds and amounts keep their meaning to the last digit.

#include <string_view>

namespace zorgbrug::adapters::common {

// Whether `text` is FHIR decimal text (http://hl7.org/fhir/R4/datatypes.html#decimal):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?
bool IsDecimal(std::string_view text);

// -1, 0 or 1 as a <, = or > b; both must be IsDecimal.
int CompareDecimal(std::string_view a, std::string_view b);

}  // namespace zorgbrug::adapters::common
