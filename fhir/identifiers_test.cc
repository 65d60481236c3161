#include "fhir/identifiers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "fhir/json/parser.h"

// Every SSIN, NIHDI and CBE value below is synthetic: made up, with check digits computed as shown.
// SSIN: N = first 9 digits; before 2000 C = 97 - (N mod 97); from 2000 C = 97 - ((2000000000 + N)
// mod 97). 2000000000 mod 97 = 68. CBE: C = 97 - (first 8 digits mod 97).

namespace zorgbrug::fhir {
namespace {

constexpr std::string_view kLegacySsinSystem =
    "https://www.ehealth.fgov.be/standards/fhir/NamingSystem/ssin";

void ExpectBirthDate(const SsinResult& result, int year, int month, int day) {
  ASSERT_TRUE(result.birth_date.has_value());
  EXPECT_EQ(result.birth_date->year, year);
  EXPECT_EQ(result.birth_date->month, month);
  EXPECT_EQ(result.birth_date->day, day);
}

// ---- SSIN ----

TEST(SsinTest, NationalRegisterNumberBornBefore2000) {
  // N = 850730033; 850730033 mod 97 = 69; 97 - 69 = 28.
  const SsinResult result = CheckSsin("85073003328");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kNationalRegister);
  EXPECT_FALSE(result.born_2000_or_later);
  ExpectBirthDate(result, 1985, 7, 30);
}

TEST(SsinTest, NationalRegisterNumberBornIn2000OrLater) {
  // N = 060705002; (2000000000 + 60705002) mod 97 = 45; 97 - 45 = 52.
  const SsinResult result = CheckSsin("06070500252");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kNationalRegister);
  EXPECT_TRUE(result.born_2000_or_later);
  ExpectBirthDate(result, 2006, 7, 5);
}

TEST(SsinTest, CenturyComesFromTheRuleThatMatched) {
  // Same N = 060705002 with the pre-2000 digits: 60705002 mod 97 = 74; 97 - 74 = 23.
  const SsinResult result = CheckSsin("06070500223");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.born_2000_or_later);
  ExpectBirthDate(result, 1906, 7, 5);
}

TEST(SsinTest, BisNumberMonthPlus20) {
  // Month 23 = March + 20. N = 722315001; mod 97 = 39; 97 - 39 = 58.
  const SsinResult result = CheckSsin("72231500158");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kBisPlus20);
  ExpectBirthDate(result, 1972, 3, 15);
}

TEST(SsinTest, BisNumberMonthPlus20WithUnknownMonthAndDay) {
  // Month 20 = unknown month + 20, day 00. N = 722000123; mod 97 = 23; 97 - 23 = 74.
  const SsinResult result = CheckSsin("72200012374");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kBisPlus20);
  ExpectBirthDate(result, 1972, 0, 0);
}

TEST(SsinTest, BisNumberMonthPlus40) {
  // Month 49 = September + 40. N = 854930001; mod 97 = 34; 97 - 34 = 63.
  const SsinResult result = CheckSsin("85493000163");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kBisPlus40);
  ExpectBirthDate(result, 1985, 9, 30);
}

TEST(SsinTest, BisNumberMonthPlus40BornIn2000OrLater) {
  // Month 41 = January + 40. N = 104101002; (2000000000 + 104101002) mod 97 = 88; 97 - 88 = 09.
  const SsinResult result = CheckSsin("10410100209");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kBisPlus40);
  EXPECT_TRUE(result.born_2000_or_later);
  ExpectBirthDate(result, 2010, 1, 1);
}

TEST(SsinTest, MonthZeroMeansUnknownBirthMonth) {
  // N = 400000123; mod 97 = 59; 97 - 59 = 38.
  const SsinResult result = CheckSsin("40000012338");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.kind, SsinKind::kNationalRegister);
  ExpectBirthDate(result, 1940, 0, 0);
}

TEST(SsinTest, CheckDigits97WhenBaseIsAMultipleOf97) {
  // N = 850730061 = 97 * 8770413; mod 97 = 0; 97 - 0 = 97.
  EXPECT_TRUE(CheckSsin("85073006197").ok());
}

TEST(SsinTest, NonCalendarDayIsValidButHasNoBirthDate) {
  // 30 February. N = 850230001; mod 97 = 72; 97 - 72 = 25.
  const SsinResult result = CheckSsin("85023000125");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.birth_date.has_value());
}

TEST(SsinTest, LeapDayDependsOnTheCentury) {
  // N = 000229002. From 2000: (2000000000 + 229002) mod 97 = 53; 97 - 53 = 44; 2000-02-29 exists.
  ExpectBirthDate(CheckSsin("00022900244"), 2000, 2, 29);
  // Before 2000: 229002 mod 97 = 82; 97 - 82 = 15; 1900-02-29 does not exist (1900 is no leap
  // year).
  const SsinResult result = CheckSsin("00022900215");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result.birth_date.has_value());
}

TEST(SsinTest, WrongCheckDigits) {
  EXPECT_EQ(CheckSsin("85073003329").error, IdentifierError::kCheckDigits);  // 28 + 1
  EXPECT_EQ(CheckSsin("85073003300").error, IdentifierError::kCheckDigits);  // 00 never matches
  EXPECT_EQ(CheckSsin("06070500253").error, IdentifierError::kCheckDigits);  // 52 + 1
  EXPECT_EQ(CheckSsin("85493000164").error, IdentifierError::kCheckDigits);  // BIS, 63 + 1
}

TEST(SsinTest, WrongLength) {
  EXPECT_EQ(CheckSsin("").error, IdentifierError::kWrongLength);
  EXPECT_EQ(CheckSsin("8507300332").error, IdentifierError::kWrongLength);    // 10 digits
  EXPECT_EQ(CheckSsin("850730033280").error, IdentifierError::kWrongLength);  // 12 digits
}

TEST(SsinTest, NonDigits) {
  EXPECT_EQ(CheckSsin("8507300332A").error, IdentifierError::kNotDigits);
  EXPECT_EQ(CheckSsin("85.07.30-033.28").error, IdentifierError::kNotDigits);  // strict
  EXPECT_EQ(CheckSsin(" 85073003328").error, IdentifierError::kNotDigits);
  EXPECT_EQ(CheckSsin("８5073003328").error, IdentifierError::kNotDigits);  // full-width 8
}

TEST(SsinTest, ImpossibleMonth) {
  EXPECT_EQ(CheckSsin("85133003300").error, IdentifierError::kImpossibleMonth);  // 13
  EXPECT_EQ(CheckSsin("85193003300").error, IdentifierError::kImpossibleMonth);  // 19
  EXPECT_EQ(CheckSsin("85333003300").error, IdentifierError::kImpossibleMonth);  // 33
  EXPECT_EQ(CheckSsin("85393003300").error, IdentifierError::kImpossibleMonth);  // 39
  EXPECT_EQ(CheckSsin("85533003300").error, IdentifierError::kImpossibleMonth);  // 53
  EXPECT_EQ(CheckSsin("85993003300").error, IdentifierError::kImpossibleMonth);  // 99
}

TEST(SsinTest, NormalizeStripsPrintedSeparators) {
  EXPECT_EQ(NormalizeSsin("85.07.30-033.28"), "85073003328");
  EXPECT_EQ(NormalizeSsin(" 85 07 30 033 28 "), "85073003328");
  EXPECT_EQ(NormalizeSsin("850730/033/28"), "85073003328");
  EXPECT_TRUE(CheckSsin(NormalizeSsin("85.07.30-033.28")).ok());
  // Other characters stay, so the strict check still rejects them.
  EXPECT_EQ(NormalizeSsin("85.07.3O-033.28"), "85073O03328");
  EXPECT_EQ(CheckSsin(NormalizeSsin("85.07.3O-033.28")).error, IdentifierError::kNotDigits);
}

// ---- NIHDI ----

TEST(NihdiTest, ElevenOrEightDigits) {
  const NihdiResult full = CheckNihdi("12345678901");
  EXPECT_TRUE(full.ok());
  EXPECT_FALSE(full.short_form);
  const NihdiResult old = CheckNihdi("12345678");
  EXPECT_TRUE(old.ok());
  EXPECT_TRUE(old.short_form);
}

TEST(NihdiTest, OtherLengthsAndNonDigitsFail) {
  EXPECT_EQ(CheckNihdi("").error, IdentifierError::kWrongLength);
  EXPECT_EQ(CheckNihdi("1234567").error, IdentifierError::kWrongLength);       // 7
  EXPECT_EQ(CheckNihdi("123456789").error, IdentifierError::kWrongLength);     // 9
  EXPECT_EQ(CheckNihdi("1234567890").error, IdentifierError::kWrongLength);    // 10
  EXPECT_EQ(CheckNihdi("123456789012").error, IdentifierError::kWrongLength);  // 12
  EXPECT_EQ(CheckNihdi("1234567890A").error, IdentifierError::kNotDigits);
  EXPECT_EQ(CheckNihdi("1-23456-78-901").error, IdentifierError::kNotDigits);
}

TEST(NihdiTest, NormalizeStripsPrintedSeparators) {
  EXPECT_EQ(NormalizeNihdi("1-23456-78-901"), "12345678901");
  EXPECT_EQ(NormalizeNihdi("1/23456/78/901"), "12345678901");
  EXPECT_TRUE(CheckNihdi(NormalizeNihdi("1.23456.78.901")).ok());
}

// ---- CBE ----

TEST(CbeTest, ValidNumbers) {
  EXPECT_TRUE(CheckCbe("0123456749").ok());  // 01234567 mod 97 = 48; 97 - 48 = 49
  EXPECT_TRUE(CheckCbe("1000000021").ok());  // 10000000 mod 97 = 76; 97 - 76 = 21
  EXPECT_TRUE(CheckCbe("0878065378").ok());  // 08780653 mod 97 = 19; 97 - 19 = 78
}

TEST(CbeTest, InvalidNumbers) {
  EXPECT_EQ(CheckCbe("0123456748").error, IdentifierError::kCheckDigits);
  EXPECT_EQ(CheckCbe("0123456700").error, IdentifierError::kCheckDigits);
  // 20000000 mod 97 = 55; 97 - 55 = 42: right check digits, but a CBE starts with 0 or 1.
  EXPECT_EQ(CheckCbe("2000000042").error, IdentifierError::kBadFirstDigit);
  EXPECT_EQ(CheckCbe("123456749").error, IdentifierError::kWrongLength);    // 9 digits
  EXPECT_EQ(CheckCbe("01234567490").error, IdentifierError::kWrongLength);  // 11 digits
  EXPECT_EQ(CheckCbe("BE0123456749").error, IdentifierError::kNotDigits);   // strict
  EXPECT_EQ(CheckCbe("0123.456.749").error, IdentifierError::kNotDigits);   // strict
}

TEST(CbeTest, NormalizeAcceptsPrintedForms) {
  EXPECT_EQ(NormalizeCbe("0123.456.749"), "0123456749");
  EXPECT_EQ(NormalizeCbe("BE0123456749"), "0123456749");
  EXPECT_EQ(NormalizeCbe("be 0123.456.749"), "0123456749");
  EXPECT_EQ(NormalizeCbe(" BE 0123 456 749"), "0123456749");
  EXPECT_TRUE(CheckCbe(NormalizeCbe("BE 0123.456.749")).ok());
}

// ---- Systems ----

TEST(SystemTest, ClassifiesCoreAndLegacySystems) {
  const struct {
    std::string_view id;
    IdentifierKind kind;
  } kCases[] = {{"ssin", IdentifierKind::kSsin},
                {"nihdi", IdentifierKind::kNihdi},
                {"nihdi-professional", IdentifierKind::kNihdiProfessional},
                {"nihdi-organization", IdentifierKind::kNihdiOrganization},
                {"cbe", IdentifierKind::kCbe}};
  for (const auto& c : kCases) {
    const std::string core =
        "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/" + std::string(c.id);
    const std::string legacy =
        "https://www.ehealth.fgov.be/standards/fhir/NamingSystem/" + std::string(c.id);
    EXPECT_EQ(ClassifySystem(core).kind, c.kind) << core;
    EXPECT_FALSE(ClassifySystem(core).legacy) << core;
    EXPECT_EQ(ClassifySystem(legacy).kind, c.kind) << legacy;
    EXPECT_TRUE(ClassifySystem(legacy).legacy) << legacy;
    EXPECT_EQ(SystemUri(c.kind), core);
    EXPECT_EQ(NormalizeSystem(legacy), core);
    EXPECT_EQ(NormalizeSystem(core), core);
  }
}

TEST(SystemTest, OtherSystemsAreUnknownAndUnchanged) {
  for (std::string_view system :
       {"https://www.goodhealthhospital.be/standards/fhir/NamingSystem/patientrecord",
        "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin2",
        "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/",
        "http://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
        "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/SSIN", ""}) {
    EXPECT_EQ(ClassifySystem(system).kind, IdentifierKind::kUnknown) << system;
    EXPECT_EQ(NormalizeSystem(system), system);
  }
  EXPECT_EQ(SystemUri(IdentifierKind::kUnknown), "");
}

// ---- FHIR Identifier elements ----

class CheckIdentifierTest : public ::testing::Test {
 protected:
  // Parses `json` and checks its root as an Identifier at "Patient.identifier[0]".
  IdentifierCheck Check(std::string_view json) {
    IssueCollector parse_issues;
    doc_ = json::Parse(json, json::ParseLimits(), parse_issues);
    EXPECT_TRUE(doc_.has_value()) << json;
    if (!doc_) return {};
    return CheckIdentifier(doc_->root(), "Patient.identifier[0]", issues_);
  }

  std::optional<json::Document> doc_;
  IssueCollector issues_;
};

TEST_F(CheckIdentifierTest, ValidSsin) {
  const IdentifierCheck check = Check(
      R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
          "value":"85073003328"})");
  EXPECT_EQ(check.kind, IdentifierKind::kSsin);
  EXPECT_TRUE(check.valid);
  EXPECT_FALSE(check.legacy_system);
  EXPECT_TRUE(issues_.issues().empty());
}

TEST_F(CheckIdentifierTest, LegacySystemIsAcceptedAndFlagged) {
  const IdentifierCheck check = Check(
      R"({"system":"https://www.ehealth.fgov.be/standards/fhir/NamingSystem/ssin",
          "value":"06070500252"})");
  EXPECT_EQ(check.kind, IdentifierKind::kSsin);
  EXPECT_TRUE(check.legacy_system);
  EXPECT_TRUE(check.valid);
  EXPECT_TRUE(issues_.issues().empty());
}

TEST_F(CheckIdentifierTest, BadSsinIsReportedWithoutTheValue) {
  const IdentifierCheck check = Check(
      R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
          "value":"85073003329"})");
  EXPECT_FALSE(check.valid);
  ASSERT_EQ(issues_.issues().size(), 1u);
  const Issue& issue = issues_.issues()[0];
  EXPECT_EQ(issue.severity, Severity::kError);
  EXPECT_EQ(issue.type, IssueType::kValue);
  EXPECT_EQ(issue.expression, "Patient.identifier[0].value");
  EXPECT_EQ(issue.diagnostics, "the SSIN check digits do not match");
  EXPECT_EQ(issue.diagnostics.find("850730"), std::string::npos);
}

TEST_F(CheckIdentifierTest, NoDiagnosticEverQuotesTheValue) {
  for (std::string_view value : {"8507300332", "8507300332A", "85133003300", "85073003300"}) {
    issues_.Clear();
    Check(std::string(R"({"system":")") + std::string(kLegacySsinSystem) + R"(","value":")" +
          std::string(value) + R"("})");
    ASSERT_EQ(issues_.issues().size(), 1u) << value;
    EXPECT_EQ(issues_.issues()[0].diagnostics.find("8507"), std::string::npos);
    EXPECT_EQ(issues_.issues()[0].diagnostics.find("8513"), std::string::npos);
  }
}

TEST_F(CheckIdentifierTest, PseudonymisedValueIsExempt) {
  const IdentifierCheck check = Check(R"({
      "system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
      "value":"urn:be:fgov:pseudo:v2:OZADJVppdeQzwgvAUjQNaLvuf94ulY6iD",
      "_value":{"extension":[{
          "url":"https://www.ehealth.fgov.be/standards/fhir/infsec/StructureDefinition/be-ext-pseudonymization",
          "extension":[{"url":"marker","valueBoolean":true},{"url":"version","valuePositiveInt":2}]}]}})");
  EXPECT_EQ(check.kind, IdentifierKind::kSsin);
  EXPECT_TRUE(check.pseudonymised);
  EXPECT_TRUE(check.valid);
  EXPECT_TRUE(issues_.issues().empty());
}

TEST_F(CheckIdentifierTest, PseudonymisationExtensionWithoutMarkerIsAnError) {
  const IdentifierCheck check = Check(R"({
      "system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
      "value":"urn:be:fgov:pseudo:v2:OZADJVppdeQzwgvAUjQNaLvuf94ulY6iD",
      "_value":{"extension":[{"url":"http://example.org/other","valueString":"x"},{
          "url":"https://www.ehealth.fgov.be/standards/fhir/infsec/StructureDefinition/be-ext-pseudonymization",
          "extension":[{"url":"marker","valueBoolean":false}]}]}})");
  EXPECT_FALSE(check.pseudonymised);
  EXPECT_FALSE(check.valid);
  ASSERT_EQ(issues_.issues().size(), 1u);
  EXPECT_EQ(issues_.issues()[0].type, IssueType::kInvalid);
  EXPECT_EQ(issues_.issues()[0].expression, "Patient.identifier[0].value.extension[1]");
}

TEST_F(CheckIdentifierTest, OtherExtensionsDoNotExempt) {
  Check(R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
            "value":"abc","_value":{"extension":[{"url":"http://example.org/x","valueString":"y"}]}})");
  ASSERT_EQ(issues_.issues().size(), 1u);
  EXPECT_EQ(issues_.issues()[0].diagnostics,
            "the SSIN must contain digits only, without separators or spaces");
}

TEST_F(CheckIdentifierTest, MissingOrNonStringValue) {
  Check(R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe"})");
  ASSERT_EQ(issues_.issues().size(), 1u);
  EXPECT_EQ(issues_.issues()[0].type, IssueType::kRequired);
  EXPECT_EQ(issues_.issues()[0].expression, "Patient.identifier[0].value");
  issues_.Clear();
  Check(R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe",
            "value":123456749})");
  ASSERT_EQ(issues_.issues().size(), 1u);
  EXPECT_EQ(issues_.issues()[0].type, IssueType::kStructure);
}

TEST_F(CheckIdentifierTest, CbeAndNihdiRules) {
  Check(R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe",
            "value":"0123456748"})");
  ASSERT_EQ(issues_.issues().size(), 1u);
  EXPECT_EQ(issues_.issues()[0].diagnostics, "the CBE enterprise number check digits do not match");
  issues_.Clear();
  const IdentifierCheck check = Check(
      R"({"system":"https://www.ehealth.fgov.be/standards/fhir/NamingSystem/nihdi-professional",
          "value":"1234567890"})");
  EXPECT_EQ(check.kind, IdentifierKind::kNihdiProfessional);
  ASSERT_EQ(issues_.issues().size(), 1u);
  EXPECT_EQ(issues_.issues()[0].diagnostics,
            "the NIHDI number must have 11 digits (8 for an old professional number)");
  issues_.Clear();
  Check(
      R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi-organization",
            "value":"71000436"})");
  EXPECT_TRUE(issues_.issues().empty());
}

TEST_F(CheckIdentifierTest, UnknownOrMissingSystemIsNotChecked) {
  EXPECT_EQ(Check(R"({"system":"https://hospital.example/mrn","value":"not a number"})").kind,
            IdentifierKind::kUnknown);
  EXPECT_EQ(Check(R"({"value":"not a number"})").kind, IdentifierKind::kUnknown);
  EXPECT_TRUE(issues_.issues().empty());
}

TEST_F(CheckIdentifierTest, StructuralProblems) {
  EXPECT_FALSE(Check(R"("85073003328")").valid);
  EXPECT_FALSE(Check(R"({"system":42,"value":"85073003328"})").valid);
  ASSERT_EQ(issues_.issues().size(), 2u);
  EXPECT_EQ(issues_.issues()[0].expression, "Patient.identifier[0]");
  EXPECT_EQ(issues_.issues()[1].expression, "Patient.identifier[0].system");
  EXPECT_EQ(issues_.issues()[1].type, IssueType::kStructure);
}

}  // namespace
}  // namespace zorgbrug::fhir
