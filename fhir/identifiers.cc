#include "fhir/identifiers.h"

#include <array>
#include <cstddef>
#include <span>

namespace zorgbrug::fhir {
namespace {

constexpr std::string_view kCoreNamingSystemBase =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/";
// hl7-be/core 1.x (../shared/fhir-be/core-legacy-1x/NamingSystem-*.json).
constexpr std::string_view kLegacyNamingSystemBase =
    "https://www.ehealth.fgov.be/standards/fhir/NamingSystem/";

struct KnownSystem {
  std::string_view id;  // the NamingSystem path segment after the base
  IdentifierKind kind;
};

constexpr std::array<KnownSystem, 5> kKnownSystems = {{
    {"ssin", IdentifierKind::kSsin},
    {"nihdi", IdentifierKind::kNihdi},
    {"nihdi-professional", IdentifierKind::kNihdiProfessional},
    {"nihdi-organization", IdentifierKind::kNihdiOrganization},
    {"cbe", IdentifierKind::kCbe},
}};

constexpr int64_t kPost2000Offset = 2'000'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsPrintSeparator(char c) { return c == ' ' || c == '.' || c == '-' || c == '/'; }

// kNotDigits when a character is not 0-9, else kWrongLength unless the size is one of the two
// allowed lengths. An empty value is reported as kWrongLength.
IdentifierError DigitsError(std::string_view value, size_t length, size_t other_length) {
  if (value.empty()) return IdentifierError::kWrongLength;
  for (char c : value) {
    if (!IsDigit(c)) return IdentifierError::kNotDigits;
  }
  if (value.size() != length && value.size() != other_length) return IdentifierError::kWrongLength;
  return IdentifierError::kNone;
}

// Requires `digits` to be at most 18 ASCII digits.
int64_t ParseDigits(std::string_view digits) {
  int64_t n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// The Belgian mod-97 check number: 97 - (n mod 97), in 1..97.
int64_t Mod97CheckDigits(int64_t n) { return 97 - n % 97; }

std::string StripPrintSeparators(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (!IsPrintSeparator(c)) out.push_back(c);
  }
  return out;
}

std::string_view KindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kSsin:
      return "SSIN";
    case IdentifierKind::kNihdi:
    case IdentifierKind::kNihdiProfessional:
    case IdentifierKind::kNihdiOrganization:
      return "NIHDI number";
    case IdentifierKind::kCbe:
      return "CBE enterprise number";
    case IdentifierKind::kUnknown:
      break;
  }
  return "identifier";
}

std::string LengthRule(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kSsin:
      return "exactly 11 digits";
    case IdentifierKind::kNihdi:
    case IdentifierKind::kNihdiProfessional:
    case IdentifierKind::kNihdiOrganization:
      return "11 digits (8 for an old professional number)";
    case IdentifierKind::kCbe:
      return "exactly 10 digits";
    case IdentifierKind::kUnknown:
      break;
  }
  return "the required number of digits";
}

struct SsinMonthField {
  SsinKind kind;
  int offset;  // subtracted from the field to get the month (0 = unknown)
};

// How a month field classifies an SSIN, or nullopt when the month is impossible.
std::optional<SsinMonthField> ParseSsinMonthField(int field) {
  if (field <= 12) return SsinMonthField{SsinKind::kNationalRegister, 0};
  if (field >= 20 && field <= 32) return SsinMonthField{SsinKind::kBisPlus20, 20};
  if (field >= 40 && field <= 52) return SsinMonthField{SsinKind::kBisPlus40, 40};
  return std::nullopt;
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return (month == 2 && leap) ? 29 : kDays[month - 1];
}

// The encoded birth date, or nullopt when day/month are not a calendar date. month 0 and day 0 mean
// unknown; with an unknown month any day up to 31 is accepted.
std::optional<SsinBirthDate> DecodeBirthDate(int year, int month, int day) {
  if (day > 31) return std::nullopt;
  if (month != 0 && day != 0 && day > DaysInMonth(year, month)) return std::nullopt;
  return SsinBirthDate{year, month, day};
}

enum class PseudonymMarker { kAbsent, kMarked, kInvalid };

// Looks for the infsec pseudonymisation extension in `value_element` (the `_value` of an
// Identifier, may be null). Reports an error at value_path + ".extension[i]" when the extension is
// there without marker = true.
PseudonymMarker FindPseudonymMarker(const json::Value* value_element, std::string_view value_path,
                                    IssueSink& sink) {
  if (value_element == nullptr) return PseudonymMarker::kAbsent;
  const json::Value* extensions = value_element->Find("extension");
  if (extensions == nullptr) return PseudonymMarker::kAbsent;
  size_t index = 0;
  for (const json::Value& extension : extensions->items()) {
    if (extension.FindString("url") == kPseudonymizationExtensionUrl) {
      const json::Value* parts = extension.Find("extension");
      for (const json::Value& part : parts ? parts->items() : std::span<const json::Value>()) {
        const json::Value* marker = part.Find("valueBoolean");
        if (part.FindString("url") == "marker" && marker && marker->IsBool() && marker->GetBool()) {
          return PseudonymMarker::kMarked;
        }
      }
      sink.Report({Severity::kError, IssueType::kInvalid,
                   std::string(value_path) + ".extension[" + std::to_string(index) + "]",
                   "the pseudonymisation extension must have a sub-extension marker = true"});
      return PseudonymMarker::kInvalid;
    }
    ++index;
  }
  return PseudonymMarker::kAbsent;
}

// The digit rule of `kind` applied to `value`.
IdentifierError CheckValue(IdentifierKind kind, std::string_view value) {
  switch (kind) {
    case IdentifierKind::kSsin:
      return CheckSsin(value).error;
    case IdentifierKind::kNihdi:
    case IdentifierKind::kNihdiProfessional:
    case IdentifierKind::kNihdiOrganization:
      return CheckNihdi(value).error;
    case IdentifierKind::kCbe:
      return CheckCbe(value).error;
    case IdentifierKind::kUnknown:
      break;
  }
  return IdentifierError::kNone;
}

// Applies the digit rule of `kind` to the Identifier's `value` (may be null); reports at
// `value_path`.
bool CheckIdentifierValue(const json::Value* value, IdentifierKind kind,
                          const std::string& value_path, IssueSink& sink) {
  const std::string name(KindName(kind));
  if (value == nullptr) {
    sink.Report({Severity::kError, IssueType::kRequired, value_path,
                 "an identifier with the " + name + " system must have a value"});
    return false;
  }
  if (!value->IsString()) {
    sink.Report({Severity::kError, IssueType::kStructure, value_path,
                 "Identifier.value must be a JSON string"});
    return false;
  }
  const IdentifierError error = CheckValue(kind, value->text());
  if (error == IdentifierError::kNone) return true;
  sink.Report(
      {Severity::kError, IssueType::kValue, value_path, IdentifierErrorMessage(kind, error)});
  return false;
}

}  // namespace

std::string_view SystemUri(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kSsin:
      return kSsinSystem;
    case IdentifierKind::kNihdi:
      return kNihdiSystem;
    case IdentifierKind::kNihdiProfessional:
      return kNihdiProfessionalSystem;
    case IdentifierKind::kNihdiOrganization:
      return kNihdiOrganizationSystem;
    case IdentifierKind::kCbe:
      return kCbeSystem;
    case IdentifierKind::kUnknown:
      break;
  }
  return {};
}

SystemInfo ClassifySystem(std::string_view system) {
  bool legacy = false;
  if (system.starts_with(kCoreNamingSystemBase)) {
    system.remove_prefix(kCoreNamingSystemBase.size());
  } else if (system.starts_with(kLegacyNamingSystemBase)) {
    system.remove_prefix(kLegacyNamingSystemBase.size());
    legacy = true;
  } else {
    return {};
  }
  for (const KnownSystem& known : kKnownSystems) {
    if (system == known.id) return {known.kind, legacy};
  }
  return {};
}

std::string_view NormalizeSystem(std::string_view system) {
  const SystemInfo info = ClassifySystem(system);
  return info.kind == IdentifierKind::kUnknown ? system : SystemUri(info.kind);
}

std::string IdentifierErrorMessage(IdentifierKind kind, IdentifierError error) {
  const std::string name(KindName(kind));
  switch (error) {
    case IdentifierError::kNone:
      return {};
    case IdentifierError::kWrongLength:
      return "the " + name + " must have " + LengthRule(kind);
    case IdentifierError::kNotDigits:
      return "the " + name + " must contain digits only, without separators or spaces";
    case IdentifierError::kImpossibleMonth:
      return "the " + name +
             " month field is not 00-12 (national register number) or 20-32 / 40-52 (BIS number)";
    case IdentifierError::kBadFirstDigit:
      return "the " + name + " must start with 0 or 1";
    case IdentifierError::kCheckDigits:
      return "the " + name + " check digits do not match";
  }
  return "the " + name + " is not valid";
}

SsinResult CheckSsin(std::string_view value) {
  SsinResult result;
  result.error = DigitsError(value, 11, 11);
  if (!result.ok()) return result;
  const std::optional<SsinMonthField> month_field =
      ParseSsinMonthField(static_cast<int>(ParseDigits(value.substr(2, 2))));
  if (!month_field) {
    result.error = IdentifierError::kImpossibleMonth;
    return result;
  }
  const int64_t base = ParseDigits(value.substr(0, 9));
  const int64_t check = ParseDigits(value.substr(9, 2));
  // 2000000000 mod 97 = 68, so at most one of the two rules can match.
  if (check == Mod97CheckDigits(base)) {
    result.born_2000_or_later = false;
  } else if (check == Mod97CheckDigits(kPost2000Offset + base)) {
    result.born_2000_or_later = true;
  } else {
    result.error = IdentifierError::kCheckDigits;
    return result;
  }
  result.kind = month_field->kind;
  const int year =
      (result.born_2000_or_later ? 2000 : 1900) + static_cast<int>(ParseDigits(value.substr(0, 2)));
  const int month = static_cast<int>(ParseDigits(value.substr(2, 2))) - month_field->offset;
  const int day = static_cast<int>(ParseDigits(value.substr(4, 2)));
  result.birth_date = DecodeBirthDate(year, month, day);
  return result;
}

std::string NormalizeSsin(std::string_view text) { return StripPrintSeparators(text); }

NihdiResult CheckNihdi(std::string_view value) {
  NihdiResult result;
  result.error = DigitsError(value, 11, 8);
  result.short_form = result.ok() && value.size() == 8;
  return result;
}

std::string NormalizeNihdi(std::string_view text) { return StripPrintSeparators(text); }

CbeResult CheckCbe(std::string_view value) {
  CbeResult result;
  result.error = DigitsError(value, 10, 10);
  if (!result.ok()) return result;
  if (value[0] != '0' && value[0] != '1') {
    result.error = IdentifierError::kBadFirstDigit;
    return result;
  }
  if (ParseDigits(value.substr(8, 2)) != Mod97CheckDigits(ParseDigits(value.substr(0, 8)))) {
    result.error = IdentifierError::kCheckDigits;
  }
  return result;
}

std::string NormalizeCbe(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.size() >= 2 && (text[0] == 'B' || text[0] == 'b') &&
      (text[1] == 'E' || text[1] == 'e')) {
    text.remove_prefix(2);
  }
  return StripPrintSeparators(text);
}

IdentifierCheck CheckIdentifier(const json::Value& identifier, std::string_view path,
                                IssueSink& sink) {
  IdentifierCheck check;
  if (!identifier.IsObject()) {
    sink.Report({Severity::kError, IssueType::kStructure, std::string(path),
                 "an Identifier must be a JSON object"});
    check.valid = false;
    return check;
  }
  const json::Value* system = identifier.Find("system");
  if (system == nullptr) return check;
  if (!system->IsString()) {
    sink.Report({Severity::kError, IssueType::kStructure, std::string(path) + ".system",
                 "Identifier.system must be a JSON string"});
    check.valid = false;
    return check;
  }
  const SystemInfo info = ClassifySystem(system->text());
  check.kind = info.kind;
  check.legacy_system = info.legacy;
  if (info.kind == IdentifierKind::kUnknown) return check;
  const std::string value_path = std::string(path) + ".value";
  switch (FindPseudonymMarker(identifier.Find("_value"), value_path, sink)) {
    case PseudonymMarker::kMarked:
      check.pseudonymised = true;
      return check;
    case PseudonymMarker::kInvalid:
      check.valid = false;
      return check;
    case PseudonymMarker::kAbsent:
      break;
  }
  check.valid = CheckIdentifierValue(identifier.Find("value"), info.kind, value_path, sink);
  return check;
}

}  // namespace zorgbrug::fhir
