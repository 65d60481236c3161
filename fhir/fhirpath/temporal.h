#pragma once

// FHIRPath Date, DateTime and Time values with partial precision
// (http://hl7.org/fhirpath/N1/#datetime). Comparison follows the specification: values are
// compared field by field down to the coarser precision; when they are equal that far but their
// precisions differ, the result is unknown (std::nullopt), which FHIRPath turns into empty.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zorgbrug::fhir::fhirpath {

enum class TemporalKind : uint8_t { kDate, kDateTime, kTime };

// Precision: the finest field present. Seconds and milliseconds count as one precision for
// comparison, as the specification requires.
enum class Precision : uint8_t { kYear, kMonth, kDay, kHour, kMinute, kSecond, kMillisecond };

struct Temporal {
  TemporalKind kind = TemporalKind::kDateTime;
  Precision precision = Precision::kYear;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0;
  std::optional<int> offset_minutes;  // time zone offset; absent when the text has none

  // Parses FHIR/FHIRPath text without the leading '@'. With kTime: "10:00", "T10:00:05.123".
  // Otherwise a date ("2020", "2020-01-02") or dateTime ("2020-01-02T10:00:00+01:00", "2020-01T");
  // a text without a time part gets `kind` (kDate or kDateTime).
  static std::optional<Temporal> Parse(std::string_view text, TemporalKind kind);
  // FHIR text, the inverse of Parse.
  std::string ToString() const;

  // -1, 0, 1, or std::nullopt when the precisions make the comparison unknown.
  static std::optional<int> Compare(const Temporal& a, const Temporal& b);
};

}  // namespace zorgbrug::fhir::fhirpath
