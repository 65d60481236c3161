#include "fhir/validation/be_core.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/identifiers.h"
#include "fhir/json/parser.h"

// Every SSIN, NIHDI and CBE below is synthetic (check digits as in fhir/identifiers_test.cc):
// 85073003328 born 1985 (N mod 97 = 69), 06070500252 born 2006 (post-2000 rule), 72231500158 BIS
// number with month + 20, 85493000163 BIS number with month + 40, 0123456749 a CBE number.

namespace zorgbrug::fhir::validation {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBePatient =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-patient";
constexpr std::string_view kBePractitioner =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-practitioner";
constexpr std::string_view kBePractitionerRole =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-practitionerrole";
constexpr std::string_view kBeOrganization =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-organization";
constexpr std::string_view kBeAddress =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-address";

std::optional<json::Document> ParseText(std::string_view text) {
  IssueCollector parse_issues;
  std::optional<json::Document> document = json::Parse(text, json::ParseLimits(), parse_issues);
  EXPECT_TRUE(document.has_value()) << "test input is not JSON";
  return document;
}

// Parses `text` and checks it against the profile with `canonical` at `location`.
std::vector<Issue> Check(std::string_view canonical, std::string_view text,
                         std::string_view location) {
  const BeCoreProfile* profile = FindBeCoreProfile(canonical);
  EXPECT_NE(profile, nullptr) << canonical;
  const std::optional<json::Document> document = ParseText(text);
  if (profile == nullptr || !document) return {};
  IssueCollector issues;
  CheckBeCoreProfile(*profile, document->root(), location, issues);
  return issues.issues();
}

std::vector<Issue> AtLeast(const std::vector<Issue>& issues, Severity severity) {
  std::vector<Issue> out;
  for (const Issue& issue : issues) {
    if (issue.severity <= severity) out.push_back(issue);
  }
  return out;
}

std::vector<Issue> Errors(const std::vector<Issue>& issues) {
  return AtLeast(issues, Severity::kError);
}

std::string Describe(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& issue : issues) {
    out += std::string(SeverityCode(issue.severity)) + " " +
           std::string(IssueTypeCode(issue.type)) + " " + issue.expression + ": " +
           issue.diagnostics + "\n";
  }
  return out;
}

// Expects exactly one issue of at least `severity`, at `expression` with `type`.
void ExpectOnly(const std::vector<Issue>& issues, Severity severity, IssueType type,
                std::string_view expression) {
  const std::vector<Issue> found = AtLeast(issues, severity);
  ASSERT_EQ(found.size(), 1u) << Describe(issues);
  EXPECT_EQ(found[0].severity, severity) << Describe(issues);
  EXPECT_EQ(found[0].type, type) << Describe(issues);
  EXPECT_EQ(found[0].expression, expression);
}

std::string PatientWithSsin(std::string_view ssin) {
  return R"({"resourceType":"Patient","identifier":[{"system":
      "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin","value":")" +
         std::string(ssin) + R"("}],"name":[{"family":"Peeters","given":["An"]}]})";
}

std::string PatientWithMaritalStatus(std::string_view coding) {
  return R"({"resourceType":"Patient","maritalStatus":{"coding":[)" + std::string(coding) + "]}}";
}

std::string PatientWithAddress(std::string_view address) {
  return R"({"resourceType":"Patient","address":[)" + std::string(address) + "]}";
}

// ---- FindBeCoreProfile ----

TEST(FindBeCoreProfileTest, FindsCurrentLegacyAndVersionedCanonicals) {
  const BeCoreProfile* current = FindBeCoreProfile(kBePatient);
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->name, "BePatient");
  EXPECT_EQ(current->type, "Patient");
  EXPECT_EQ(FindBeCoreProfile(
                "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-patient"),
            current);
  EXPECT_EQ(FindBeCoreProfile(std::string(kBePatient) + "|2.1.2"), current);
  const BeCoreProfile* address = FindBeCoreProfile(
      "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-address|1.0.0");
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(address->type, "Address");
}

TEST(FindBeCoreProfileTest, UnknownCanonicals) {
  EXPECT_EQ(FindBeCoreProfile("http://hl7.org/fhir/StructureDefinition/Patient"), nullptr);
  EXPECT_EQ(FindBeCoreProfile(
                "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-consent"),
            nullptr);
  EXPECT_EQ(FindBeCoreProfile(""), nullptr);
}

TEST(FindBeCoreProfileTest, EveryProfileIsFoundByBothCanonicals) {
  ASSERT_EQ(BeCoreProfiles().size(), 5u);
  for (const BeCoreProfile& profile : BeCoreProfiles()) {
    EXPECT_EQ(FindBeCoreProfile(profile.url), &profile) << profile.name;
    EXPECT_EQ(FindBeCoreProfile(profile.legacy_url), &profile) << profile.name;
  }
}

// ---- BePatient: SSIN slice ----

TEST(BePatientTest, ValidSsinPasses) {
  EXPECT_TRUE(Check(kBePatient, PatientWithSsin("85073003328"), "Patient").empty());
}

TEST(BePatientTest, BadSsinCheckDigitIsAnErrorWithoutTheValue) {
  const std::vector<Issue> issues =
      Check(kBePatient, PatientWithSsin("85073003329"), "Bundle.entry[2].resource");
  ExpectOnly(issues, Severity::kError, IssueType::kValue,
             "Bundle.entry[2].resource.identifier[0].value");
  EXPECT_EQ(issues[0].diagnostics,
            IdentifierErrorMessage(IdentifierKind::kSsin, IdentifierError::kCheckDigits));
  for (const Issue& issue : issues) {
    EXPECT_EQ(issue.diagnostics.find("8507300332"), std::string::npos);
    EXPECT_EQ(issue.diagnostics.find("Peeters"), std::string::npos);
  }
}

TEST(BePatientTest, BisNumbersPass) {
  EXPECT_TRUE(Check(kBePatient, PatientWithSsin("72231500158"), "Patient").empty());
  EXPECT_TRUE(Check(kBePatient, PatientWithSsin("85493000163"), "Patient").empty());
}

TEST(BePatientTest, SsinOfSomeoneBornIn2000OrLaterPasses) {
  EXPECT_TRUE(Check(kBePatient, PatientWithSsin("06070500252"), "Patient").empty());
}

TEST(BePatientTest, SsinWithSeparatorsIsAnError) {
  ExpectOnly(Check(kBePatient, PatientWithSsin("85.07.30-033.28"), "Patient"), Severity::kError,
             IssueType::kValue, "Patient.identifier[0].value");
}

TEST(BePatientTest, PseudonymisedSsinIsExemptFromTheDigitRule) {
  const std::string patient = R"({"resourceType":"Patient","identifier":[{"system":
      "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
      "value":"eyJhbGciOiJkaXIifQ..pseudonym","_value":{"extension":[{"url":
      "https://www.ehealth.fgov.be/standards/fhir/infsec/StructureDefinition/be-ext-pseudonymization",
      "extension":[{"url":"marker","valueBoolean":true}]}]}}]})";
  EXPECT_TRUE(Check(kBePatient, patient, "Patient").empty());
}

TEST(BePatientTest, SsinSliceRequiresAValue) {
  const std::string patient = R"({"resourceType":"Patient","identifier":[{"use":"official"},
      {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin"}]})";
  ExpectOnly(Check(kBePatient, patient, "Patient"), Severity::kError, IssueType::kRequired,
             "Patient.identifier[1].value");
}

TEST(BePatientTest, LegacySsinSystemIsAcceptedWithAnInformation) {
  const std::string patient = R"({"resourceType":"Patient","identifier":[{"system":
      "https://www.ehealth.fgov.be/standards/fhir/NamingSystem/ssin","value":"85073003328"}]})";
  const std::vector<Issue> issues = Check(kBePatient, patient, "Patient");
  EXPECT_TRUE(Errors(issues).empty()) << Describe(issues);
  ExpectOnly(issues, Severity::kInformation, IssueType::kInformational,
             "Patient.identifier[0].system");
}

// ---- BePatient: maritalStatus (required binding to be-civilstate) ----

TEST(BePatientTest, MaritalStatusFromTheValueSetPasses) {
  for (std::string_view coding : {
           R"({"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"})",
           R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-civilstate",
               "code":"41"})",
           R"({"system":"http://terminology.hl7.org/CodeSystem/v3-NullFlavor","code":"UNK"})",
           R"({"system":"http://example.org/local","code":"x"},
              {"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"W"})",
       }) {
    const std::vector<Issue> issues =
        Check(kBePatient, PatientWithMaritalStatus(coding), "Patient");
    EXPECT_TRUE(issues.empty()) << coding << "\n" << Describe(issues);
  }
}

TEST(BePatientTest, MaritalStatusOutsideTheValueSetIsAnError) {
  for (std::string_view coding : {
           // In cd-civilstate, but not in the value set be-civilstate.
           R"({"system":"https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-civilstate",
               "code":"20"})",
           // In v3-MaritalStatus, but not in be-civilstate.
           R"({"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"T"})",
           // The right code in the wrong system.
           R"({"system":"http://terminology.hl7.org/CodeSystem/v3-NullFlavor","code":"M"})",
       }) {
    ExpectOnly(Check(kBePatient, PatientWithMaritalStatus(coding), "Patient"), Severity::kError,
               IssueType::kCodeInvalid, "Patient.maritalStatus");
  }
}

TEST(BePatientTest, MaritalStatusAsTextOnlyIsAnError) {
  ExpectOnly(Check(kBePatient, R"({"resourceType":"Patient","maritalStatus":{"text":"gehuwd"}})",
                   "Patient"),
             Severity::kError, IssueType::kCodeInvalid, "Patient.maritalStatus");
}

TEST(BePatientTest, LegacyCivilStateSystemIsAccepted) {
  const std::vector<Issue> issues =
      Check(kBePatient,
            PatientWithMaritalStatus(
                R"({"system":"https://www.ehealth.fgov.be/standards/fhir/CodeSystem/cd-civilstate",
              "code":"40"})"),
            "Patient");
  EXPECT_TRUE(Errors(issues).empty()) << Describe(issues);
  ExpectOnly(issues, Severity::kInformation, IssueType::kInformational,
             "Patient.maritalStatus.coding[0].system");
}

// ---- BePatient: extension slices ----

TEST(BePatientTest, SecondBirthPlaceIsAnError) {
  const std::string patient = R"({"resourceType":"Patient","extension":[
      {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
       "valueAddress":{"city":"Gent","country":"BE"}},
      {"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality",
       "extension":[{"url":"code","valueCodeableConcept":{"text":"Belg"}}]},
      {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
       "valueAddress":{"city":"Brugge","country":"BE"}}]})";
  ExpectOnly(Check(kBePatient, patient, "Patient"), Severity::kError, IssueType::kStructure,
             "Patient.extension[2]");
}

TEST(BePatientTest, ExtensionValueOfTheWrongTypeIsAnError) {
  const std::string patient = R"({"resourceType":"Patient","birthDate":"1985-07-30",
      "_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime",
      "valueDate":"1985-07-30"}]},"extension":[
      {"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality",
       "extension":[{"url":"code","valueCoding":{"code":"BE"}}]}]})";
  const std::vector<Issue> issues = Errors(Check(kBePatient, patient, "Patient"));
  ASSERT_EQ(issues.size(), 2u) << Describe(issues);
  EXPECT_EQ(issues[0].expression, "Patient.extension[0].extension[0].value");
  EXPECT_EQ(issues[1].expression, "Patient.birthDate.extension[0].value");
  EXPECT_EQ(issues[1].type, IssueType::kStructure);
}

// ---- BeAddress ----

constexpr std::string_view kStructuredAddress = R"({"use":"home","line":["Kerkstraat 12 bus 3"],
    "_line":[{"extension":[
      {"url":"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName",
       "valueString":"Kerkstraat"},
      {"url":"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber",
       "valueString":"12"},
      {"url":"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-postBox","valueString":"3"}]}],
    "city":"Gent","postalCode":"9000","country":"BE"})";

TEST(BeAddressTest, StructuredAddressPasses) {
  EXPECT_TRUE(Check(kBeAddress, kStructuredAddress, "Patient.address[0]").empty());
  EXPECT_TRUE(Check(kBePatient, PatientWithAddress(kStructuredAddress), "Patient").empty());
}

TEST(BeAddressTest, ThreeLetterCountryIsAWarning) {
  std::string address(kStructuredAddress);
  address.replace(address.find(R"("BE")"), 4, R"("BEL")");
  ExpectOnly(Check(kBePatient, PatientWithAddress(address), "Bundle.entry[2].resource"),
             Severity::kWarning, IssueType::kValue, "Bundle.entry[2].resource.address[0].country");
}

TEST(BeAddressTest, CountryMustBeAnIso3166Code) {
  for (std::string_view country : {"be", "Belgium", "ZZ", "B"}) {
    const std::string address = R"({"city":"Gent","country":")" + std::string(country) + R"("})";
    ExpectOnly(Check(kBeAddress, address, "Address"), Severity::kWarning, IssueType::kValue,
               "Address.country");
  }
  for (std::string_view country : {"BE", "NL", "FR", "DE", "LU", "XK"}) {
    const std::string address = R"({"city":"Gent","country":")" + std::string(country) + R"("})";
    EXPECT_TRUE(Check(kBeAddress, address, "Address").empty()) << country;
  }
}

TEST(BeAddressTest, HouseNumberOnlyInTheLineTextIsAWarning) {
  const std::vector<Issue> issues = Check(
      kBeAddress, R"({"line":["Kerkstraat 12 bus 3"],"city":"Gent","country":"BE"})", "Address");
  ExpectOnly(issues, Severity::kWarning, IssueType::kInvalid, "Address.line[0]");
}

TEST(BeAddressTest, HouseNumberExtensionMustCarryAString) {
  const std::string address = R"({"line":["Kerkstraat 12"],"_line":[{"extension":[
      {"url":"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName",
       "valueString":"Kerkstraat"},
      {"url":"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber",
       "valueInteger":12}]}],"country":"BE"})";
  ExpectOnly(Check(kBeAddress, address, "Address"), Severity::kError, IssueType::kStructure,
             "Address.line[0].extension[1].value");
}

TEST(BeAddressTest, AtMostOneLanguageExtension) {
  const std::string address = R"({"extension":[
      {"url":"http://hl7.org/fhir/StructureDefinition/language","valueCode":"nl-BE"},
      {"url":"http://hl7.org/fhir/StructureDefinition/language","valueCode":"fr-BE"}],
      "city":"Brussel","country":"BE"})";
  ExpectOnly(Check(kBeAddress, address, "Address"), Severity::kError, IssueType::kStructure,
             "Address.extension[1]");
}

// ---- BePractitioner ----

TEST(BePractitionerTest, NameIsRequired) {
  const std::string practitioner = R"({"resourceType":"Practitioner","identifier":[{"system":
      "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi","value":"12345678901"}]})";
  ExpectOnly(Check(kBePractitioner, practitioner, "Practitioner"), Severity::kError,
             IssueType::kRequired, "Practitioner.name");
}

TEST(BePractitionerTest, IdentifiersAndAddressAreChecked) {
  const std::string practitioner = R"({"resourceType":"Practitioner","name":[{"family":"Janssens"}],
      "identifier":[
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi",
         "value":"1234567"},
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",
         "value":"85073003328"}],
      "address":[{"city":"Gent","country":"BEL"}]})";
  const std::vector<Issue> issues = Check(kBePractitioner, practitioner, "Practitioner");
  ExpectOnly(issues, Severity::kError, IssueType::kValue, "Practitioner.identifier[0].value");
  const std::vector<Issue> warnings = AtLeast(issues, Severity::kWarning);
  ASSERT_EQ(warnings.size(), 2u) << Describe(issues);
  EXPECT_EQ(warnings[1].expression, "Practitioner.address[0].country");
}

TEST(BePractitionerTest, WrongResourceTypeIsAnError) {
  ExpectOnly(Check(kBePractitioner, R"({"resourceType":"Patient","name":[{"family":"X"}]})",
                   "Practitioner"),
             Severity::kError, IssueType::kInvalid, "Practitioner");
}

// ---- BeOrganization ----

TEST(BeOrganizationTest, ValidIdentifiersPass) {
  const std::string organization = R"({"resourceType":"Organization","name":"AZ Voorbeeld",
      "identifier":[
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi-organization",
         "value":"71012345678"},
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe",
         "value":"0123456749"},
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ehp",
         "value":"71012345"}],
      "type":[{"coding":[{"system":
        "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty",
        "code":"orghospital"}]}]})";
  const std::vector<Issue> issues = Check(kBeOrganization, organization, "Organization");
  EXPECT_TRUE(issues.empty()) << Describe(issues);
}

TEST(BeOrganizationTest, SliceRulesAreErrors) {
  const std::string organization = R"({"resourceType":"Organization","identifier":[
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe",
         "value":"0123456748"},
        {"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ehp"}],
      "type":[{"coding":[{"system":
        "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty",
        "display":"ziekenhuis"}]}]})";
  const std::vector<Issue> issues = Errors(Check(kBeOrganization, organization, "Organization"));
  ASSERT_EQ(issues.size(), 3u) << Describe(issues);
  EXPECT_EQ(issues[0].expression, "Organization.identifier[0].value");
  EXPECT_EQ(issues[0].type, IssueType::kValue);
  EXPECT_EQ(issues[1].expression, "Organization.identifier[1].value");
  EXPECT_EQ(issues[1].type, IssueType::kRequired);
  EXPECT_EQ(issues[2].expression, "Organization.type[0].coding[0].code");
  EXPECT_EQ(issues[2].type, IssueType::kRequired);
}

// ---- BePractitionerRole ----

TEST(BePractitionerRoleTest, CodingOfASliceNeedsACode) {
  const std::string role = R"({"resourceType":"PractitionerRole",
      "code":[{"coding":[{"system":
        "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty",
        "code":"persmidwife"}]},{"coding":[{"system":"http://snomed.info/sct"}]}],
      "specialty":[{"coding":[{"system":"http://snomed.info/sct","display":"Midwifery"}]}]})";
  const std::vector<Issue> issues = Check(kBePractitionerRole, role, "PractitionerRole");
  const std::vector<Issue> errors = Errors(issues);
  ASSERT_EQ(errors.size(), 2u) << Describe(issues);
  EXPECT_EQ(errors[0].expression, "PractitionerRole.code[1].coding[0].code");
  EXPECT_EQ(errors[0].type, IssueType::kRequired);
  EXPECT_EQ(errors[1].expression, "PractitionerRole.specialty[0].coding[0].code");
}

// ---- the Belgian examples in ../shared ----

std::string SharedDir() {
  const char* shared = std::getenv("ZORGBRUG_SHARED_DIR");
  return shared != nullptr ? shared : ZORGBRUG_SHARED_DIR;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Checks `path` against the profile its meta.profile[0] claims; the claimed canonical is returned
// in `claimed`.
std::vector<Issue> CheckExample(const fs::path& path, std::string& claimed) {
  const std::optional<json::Document> document = ParseText(ReadFile(path));
  if (!document) return {};
  const json::Value* meta = document->root().Find("meta");
  const json::Value* profiles = meta != nullptr ? meta->Find("profile") : nullptr;
  if (profiles == nullptr || profiles->items().empty()) {
    ADD_FAILURE() << path << " claims no profile";
    return {};
  }
  claimed = std::string(profiles->items()[0].text());
  const BeCoreProfile* profile = FindBeCoreProfile(claimed);
  if (profile == nullptr) {
    ADD_FAILURE() << path << " claims an unknown profile " << claimed;
    return {};
  }
  IssueCollector issues;
  CheckBeCoreProfile(*profile, document->root(), profile->type, issues);
  return issues.issues();
}

TEST(BeCoreExamplesTest, PatientCareExamplePatientHasAnImpossibleSsin) {
  const fs::path path =
      fs::path(SharedDir()) / "fhir-be/patient-care/example/Patient-patient1.json";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is absent (set ZORGBRUG_SHARED_DIR)";
  std::string claimed;
  const std::vector<Issue> issues = CheckExample(path, claimed);
  EXPECT_EQ(claimed, kBePatient);
  // Defective example: its SSIN "99999999999" is a placeholder whose month field 99 is neither a
  // month (00-12) nor a BIS month (20-32, 40-52), so the digit rule of DOMAIN.md section 3 fails.
  ExpectOnly(issues, Severity::kError, IssueType::kValue, "Patient.identifier[0].value");
  EXPECT_EQ(issues[0].diagnostics,
            IdentifierErrorMessage(IdentifierKind::kSsin, IdentifierError::kImpossibleMonth));
  EXPECT_EQ(issues[0].diagnostics.find("999"), std::string::npos);
}

TEST(BeCoreExamplesTest, LegacyExamplesHaveNoErrors) {
  const fs::path root = fs::path(SharedDir()) / "fhir-be/hl7-be-fhir-legacy/examples";
  if (!fs::exists(root)) GTEST_SKIP() << root << " is absent (set ZORGBRUG_SHARED_DIR)";
  int checked = 0;
  for (std::string_view folder : {"Patient", "Practitioner", "PractitionerRole", "Organization"}) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(root / folder)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      SCOPED_TRACE(file.string());
      std::string claimed;
      const std::vector<Issue> issues = CheckExample(file, claimed);
      EXPECT_TRUE(
          claimed.starts_with("https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/"));
      EXPECT_TRUE(Errors(issues).empty()) << Describe(issues);
      ++checked;
    }
  }
  EXPECT_GE(checked, 8);
}

}  // namespace
}  // namespace zorgbrug::fhir::validation
