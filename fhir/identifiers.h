#pragma once

// Belgian identifiers in FHIR: the NamingSystem URIs of HL7 Belgium core (2.x and the legacy 1.x
// form), the digit rules of the SSIN (INSZ/NISS), NIHDI (RIZIV/INAMI) and CBE (KBO/BCE) numbers,
// and a check of a FHIR Identifier element (docs/DOMAIN.md section 3).
//
// Privacy contract: an SSIN is personal data. Nothing in this file puts an identifier value into a
// diagnostic, a result message or any other text it produces; results carry enums and numbers only.
//
// The check functions are strict: FHIR Identifier values are digits only, without separators. The
// Normalize* helpers turn printed forms typed into an EPD ("85.07.30-033.28", "BE 0123.456.749")
// into that strict form; callers apply them before mapping to FHIR, never to FHIR input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/issues.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir {

// NamingSystem URIs of hl7.fhir.be.core 2.x (hl7-be/ehealth-be-core, input/fsh/namingsystems/).
inline constexpr std::string_view kSsinSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin";
inline constexpr std::string_view kNihdiSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi";
inline constexpr std::string_view kNihdiProfessionalSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi-professional";
inline constexpr std::string_view kNihdiOrganizationSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi-organization";
inline constexpr std::string_view kCbeSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe";

// The infsec "marker" extension on a pseudonymised string (hl7.fhir.be.infsec, extension
// be-ext-pseudonymization, canonical base https://www.ehealth.fgov.be/standards/fhir/infsec; source
// hl7-be/infsec input/fsh/extensions/BeExtPseudonymization.fsh). It is not in ../shared/fhir-be;
// the URL is built from that IG's canonical and the extension id. Its sub-extension `marker`
// is 1..1 and fixed to true.
inline constexpr std::string_view kPseudonymizationExtensionUrl =
    "https://www.ehealth.fgov.be/standards/fhir/infsec/StructureDefinition/be-ext-pseudonymization";

enum class IdentifierKind {
  kUnknown,            // a system this file does not know (local hospital numbers etc.)
  kSsin,               // national register number or BIS number
  kNihdi,              // NIHDI number, professional or organisation not said
  kNihdiProfessional,  // NIHDI number of a care professional
  kNihdiOrganization,  // NIHDI number of an organisation
  kCbe,                // CBE enterprise number
};

// The 2.x system URI of `kind`; empty for kUnknown.
std::string_view SystemUri(IdentifierKind kind);

struct SystemInfo {
  IdentifierKind kind = IdentifierKind::kUnknown;
  // True when the system is the 1.x form ".../standards/fhir/NamingSystem/<id>" (no "/core").
  bool legacy = false;
};

// Which identifier a system URI denotes. Both the 2.x and the legacy 1.x URIs are recognised
// (compared exactly, case-sensitive, as FHIR URIs are).
SystemInfo ClassifySystem(std::string_view system);

// The 2.x URI for a known 1.x or 2.x system; any other system is returned unchanged. The result
// views either a constant above or `system`.
std::string_view NormalizeSystem(std::string_view system);

// Why a value failed its digit rule. The messages (IdentifierErrorMessage) never quote the value.
enum class IdentifierError {
  kNone,
  kWrongLength,      // not the required number of characters
  kNotDigits,        // contains a character other than 0-9
  kImpossibleMonth,  // SSIN: month field not 00-12, 20-32 or 40-52
  kBadFirstDigit,    // CBE: does not start with 0 or 1
  kCheckDigits,      // the mod-97 check digits do not match
};

// A sentence for `error` on a value of `kind`, e.g. "the SSIN check digits do not match". Contains
// no part of the value.
std::string IdentifierErrorMessage(IdentifierKind kind, IdentifierError error);

// ---- SSIN (INSZ / NISS) ----

// How the month field (digits 3-4) classifies an SSIN.
enum class SsinKind {
  kNationalRegister,  // month 00-12: national register number (00: month unknown)
  kBisPlus20,         // month 20-32: BIS number, month raised by 20 (sex unknown when issued)
  kBisPlus40,         // month 40-52: BIS number, month raised by 40 (sex known when issued)
};

// A birth date as far as the number encodes it. month and day are 0 when unknown.
struct SsinBirthDate {
  int year = 0;   // four digits; the century comes from the check-digit rule that matched
  int month = 0;  // 1-12, or 0
  int day = 0;    // 1-31, or 0
};

struct SsinResult {
  IdentifierError error = IdentifierError::kNone;
  // The fields below are meaningful only when ok().
  SsinKind kind = SsinKind::kNationalRegister;
  // True when the check digits matched the rule for people born in 2000 or later.
  bool born_2000_or_later = false;
  // Absent when the digits are not a calendar date (administrative day or month values, which the
  // national register and BIS rules allow when numbers of a day run out).
  std::optional<SsinBirthDate> birth_date;

  bool ok() const { return error == IdentifierError::kNone; }
};

// Checks an SSIN: exactly 11 ASCII digits YYMMDDSSSCC. With N the first 9 digits and C the last 2,
// valid when C == 97 - (N mod 97) (born before 2000) or C == 97 - ((2000000000 + N) mod 97) (born
// in 2000 or later). The month field must be 00-12, 20-32 or 40-52. Sources: docs/DOMAIN.md section
// 3; IBZ instruction IT000 (national register number); royal decree of 8 February 1991, art. 2 and
// 4 (BIS number).
SsinResult CheckSsin(std::string_view value);

// Removes the separators of printed SSINs (spaces, '.', '-', '/'); keeps every other character, so
// CheckSsin still rejects anything that is not a number. "85.07.30-033.28" -> "85073003328".
std::string NormalizeSsin(std::string_view text);

// ---- NIHDI (RIZIV / INAMI) ----

struct NihdiResult {
  IdentifierError error = IdentifierError::kNone;
  // True for the 8-digit form (old professional numbers, without the 3-digit qualification code).
  bool short_form = false;

  bool ok() const { return error == IdentifierError::kNone; }
};

// Checks a NIHDI number: 11 ASCII digits, or 8 for old professional numbers (docs/DOMAIN.md section
// 3). No check-digit test: public sources disagree on it. Digits 7-8 were described as a mod-97
// check on digits 1-6, but RIZIV note I 2012/26 (31 October 2012) introduced a modulus 89 for new
// numbers of home nurses and midwives, extended to physicians from 1 April 2019 (as reported by
// https://www.infohos.be/nl/blog/12189). A mod-97 test would reject valid current numbers, and the
// exact modulus-89 formula is not publicly documented, so only length and digits are checked.
NihdiResult CheckNihdi(std::string_view value);

// Removes the separators of printed NIHDI numbers ("1-23456-78-901"): spaces, '.', '-', '/'.
std::string NormalizeNihdi(std::string_view text);

// ---- CBE (KBO / BCE) enterprise number ----

struct CbeResult {
  IdentifierError error = IdentifierError::kNone;

  bool ok() const { return error == IdentifierError::kNone; }
};

// Checks a CBE enterprise number: 10 ASCII digits, first digit 0 or 1, and the last 2 digits equal
// to 97 - (first 8 digits mod 97). Sources: docs/DOMAIN.md section 3 (length, first digit); the
// mod-97 rule is the Belgian enterprise/VAT number check (e.g. python-stdnum stdnum/be/vat.py).
CbeResult CheckCbe(std::string_view value);

// Turns printed enterprise numbers into 10 digits: drops a leading "BE" (any case) and the
// separators spaces, '.', '-', '/'. "BE 0123.456.749" -> "0123456749".
std::string NormalizeCbe(std::string_view text);

// ---- FHIR Identifier elements ----

struct IdentifierCheck {
  IdentifierKind kind = IdentifierKind::kUnknown;
  bool legacy_system = false;  // the system was a 1.x URI (accepted; emit SystemUri(kind))
  bool pseudonymised = false;  // `_value` carries the infsec marker: digit rule not applied
  bool valid = true;           // false when an error issue was reported
};

// Checks one FHIR Identifier element `identifier` found at FHIRPath `path` (for example
// "Patient.identifier[0]"). For a known Belgian system it applies the digit rule to `value` and
// reports each problem to `sink` at path + ".value" (or ".system", ".value.extension[i]"), with
// diagnostics that never contain the value. A value whose `_value` carries the pseudonymisation
// extension (kPseudonymizationExtensionUrl with marker = true) is exempt from the digit rule
// (docs/DOMAIN.md section 3). Identifiers with another system, or none, are not checked.
IdentifierCheck CheckIdentifier(const json::Value& identifier, std::string_view path,
                                IssueSink& sink);

}  // namespace zorgbrug::fhir
