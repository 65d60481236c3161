// PatientToFhir / PatientFromFhir: BePatient validation, round trips and bad input.

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "adapters/common/bundle_io.h"
#include "adapters/common/test_util.h"
#include "adapters/epd/families.h"
#include "fhir/json/parser.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::epd::internal {
namespace {

using namespace ::zorgbrug::adapters::common::testutil;  // NOLINT: test helpers

namespace json = fhir::json;

v1::Patient Parse(const std::string& text) {
  v1::Patient patient;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &patient)) << text;
  return patient;
}

json::Document ToFhir(const v1::Patient& patient, fhir::IssueCollector& issues) {
  MappingContext context = TestContext("https://epd.example.be/fhir/NamingSystem");
  json::Document doc;
  BundleWriter out(doc, context);
  PatientToFhir(patient, "patients[0]", out, issues);
  return doc;
}

v1::Patient FromFhir(const json::Value& root, fhir::IssueCollector& issues) {
  MappingContext context = TestContext("https://epd.example.be/fhir/NamingSystem");
  BundleReader in(root);
  v1::Patient out;
  for (const BundleReader::Resource& r : in.resources()) {
    if (r.value.FindString("resourceType") == "Patient") {
      PatientFromFhir(r, in, context, out, issues);
      in.MarkUsed(r);
    }
  }
  return out;
}

// The value at a dotted path with indexes ("entry[0].resource.identifier[1].system"), or nullptr.
const json::Value* At(const json::Value& root, std::string_view path) {
  const json::Value* v = &root;
  while (!path.empty() && v != nullptr) {
    size_t end = path.find('.');
    std::string_view part = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end + 1);
    size_t bracket = part.find('[');
    v = v->Find(part.substr(0, bracket));
    if (v != nullptr && bracket != std::string_view::npos) {
      size_t index = std::stoul(std::string(part.substr(bracket + 1)));
      v = index < v->size() ? &v->items()[index] : nullptr;
    }
  }
  return v;
}

std::string Text(const json::Value& root, std::string_view path) {
  const json::Value* v = At(root, path);
  return v != nullptr ? std::string(v->text()) : "<absent>";
}

// Maps `patient` to FHIR, validates the Bundle (no errors), maps back and compares. Returns the
// Bundle for further assertions.
json::Document CheckRoundTrip(const v1::Patient& patient) {
  fhir::IssueCollector to_issues;
  json::Document doc = ToFhir(patient, to_issues);
  EXPECT_FALSE(to_issues.HasErrors()) << Dump(to_issues);
  fhir::IssueCollector validation;
  fhir::validation::Validate(doc.root(), {}, validation);
  EXPECT_FALSE(validation.HasErrors()) << Dump(validation);
  fhir::IssueCollector from_issues;
  v1::Patient back = FromFhir(doc.root(), from_issues);
  EXPECT_FALSE(from_issues.HasErrors()) << Dump(from_issues);
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(patient, back)) << diff;
  return doc;
}

TEST(PatientTest, WomanWithSsin) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-1"
    ssin: "85073003328"
    names { use: NAME_USE_OFFICIAL family: "Peeters" given: "An" given: "Marie" }
    names { use: NAME_USE_MAIDEN family: "Janssens" }
    birth_date { year: 1985 month: 7 day: 30 }
    gender: GENDER_FEMALE
    addresses {
      use: ADDRESS_USE_HOME
      street_name: "Hoogstraat"
      house_number: "12"
      post_box: "3"
      postal_code: "2000"
      city: "Antwerpen"
      country: "BE"
      language: "nl"
    }
  )pb"));
  const json::Value& root = doc.root();
  EXPECT_EQ(Text(root, "entry[0].resource.meta.profile[0]"),
            "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-patient");
  EXPECT_EQ(Text(root, "entry[0].resource.identifier[0].system"),
            "https://epd.example.be/fhir/NamingSystem/patient");
  EXPECT_EQ(Text(root, "entry[0].resource.identifier[1].system"),
            "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin");
  EXPECT_EQ(Text(root, "entry[0].resource.birthDate"), "1985-07-30");
  EXPECT_EQ(Text(root, "entry[0].resource.address[0].line[0]"), "Hoogstraat 12 bus 3");
  EXPECT_EQ(Text(root, "entry[0].resource._line"), "<absent>");
  EXPECT_EQ(Text(root, "entry[0].resource.address[0]._line[0].extension[1].url"),
            "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber");
}

TEST(PatientTest, BisNumber) {
  json::Document doc =
      CheckRoundTrip(Parse(R"pb(
        local_key: "P-2" ssin: "85473012324" gender: GENDER_FEMALE
      )pb"));
  EXPECT_EQ(Text(doc.root(), "entry[0].resource.identifier[1].value"), "85473012324");
}

TEST(PatientTest, SsinBornAfter2000) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-3"
    ssin: "05031504548"
    birth_date { year: 2005 month: 3 day: 15 }
  )pb"));
  EXPECT_EQ(Text(doc.root(), "entry[0].resource.identifier[1].value"), "05031504548");
  EXPECT_EQ(Text(doc.root(), "entry[0].resource.birthDate"), "2005-03-15");
}

TEST(PatientTest, PrintedSsinIsNormalised) {
  fhir::IssueCollector issues;
  json::Document doc = ToFhir(Parse(R"pb(local_key: "P-3" ssin: "85.07.30-033.28")pb"), issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  EXPECT_EQ(Text(doc.root(), "entry[0].resource.identifier[1].value"), "85073003328");
}

TEST(PatientTest, ForeignPatientWithLocalIdentifierOnly) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-4"
    local_identifiers {
      system: "https://hospital.example.be/fhir/NamingSystem/mrn"
      value: "MRN-778"
      assigner: "AZ Voorbeeld"
    }
    names { family: "Kowalska" given: "Ewa" }
    addresses { city: "Krakow" country: "PL" }
  )pb"));
  const json::Value& root = doc.root();
  EXPECT_EQ(Text(root, "entry[0].resource.identifier[1].value"), "MRN-778");
  EXPECT_EQ(Text(root, "entry[0].resource.identifier[1].assigner.display"), "AZ Voorbeeld");
  EXPECT_EQ(Text(root, "entry[0].resource.address[0].country"), "PL");
}

TEST(PatientTest, PseudonymisedSsin) {
  json::Document doc =
      CheckRoundTrip(Parse(R"pb(
        local_key: "P-5" ssin: "ps3ud0nym-abc" ssin_pseudonymised: true
      )pb"));
  const json::Value& root = doc.root();
  EXPECT_EQ(Text(root, "entry[0].resource.identifier[1]._value.extension[0].url"),
            "https://www.ehealth.fgov.be/standards/fhir/infsec/StructureDefinition/"
            "be-ext-pseudonymization");
  const json::Value* marker =
      At(root, "entry[0].resource.identifier[1]._value.extension[0].extension[0].valueBoolean");
  ASSERT_NE(marker, nullptr);
  EXPECT_TRUE(marker->GetBool());
}

TEST(PatientTest, BilingualBrusselsAddress) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-6"
    ssin: "85073003328"
    addresses {
      use: ADDRESS_USE_HOME
      street_name: "Hoogstraat"
      house_number: "12"
      post_box: "3"
      postal_code: "1000"
      city: "Brussel"
      country: "BE"
      language: "nl"
    }
    addresses {
      use: ADDRESS_USE_HOME
      street_name: "Rue Haute"
      house_number: "12"
      post_box: "3"
      postal_code: "1000"
      city: "Bruxelles"
      country: "BE"
      language: "fr"
    }
  )pb"));
  const json::Value& root = doc.root();
  EXPECT_EQ(Text(root, "entry[0].resource.address[0].extension[0].valueCode"), "nl");
  EXPECT_EQ(Text(root, "entry[0].resource.address[1].extension[0].valueCode"), "fr");
  EXPECT_EQ(Text(root, "entry[0].resource.address[1].line[0]"), "Rue Haute 12 boîte 3");
  EXPECT_EQ(Text(root, "entry[0].resource.address[1].city"), "Bruxelles");
}

TEST(PatientTest, InterpreterAndPreferredLanguage) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-7"
    ssin: "85073003328"
    preferred_language: "ar"
    interpreter_needed: true
  )pb"));
  const json::Value& root = doc.root();
  EXPECT_EQ(Text(root, "entry[0].resource.extension[0].url"),
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired");
  EXPECT_EQ(Text(root, "entry[0].resource.communication[0].language.coding[0].system"),
            "urn:ietf:bcp:47");
  EXPECT_EQ(Text(root, "entry[0].resource.communication[0].language.coding[0].code"), "ar");
}

TEST(PatientTest, PartnerAndInformalCarer) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-8"
    ssin: "85073003328"
    related_persons {
      relationship: RELATIONSHIP_PARTNER
      name { family: "Peeters" given: "Jan" }
      ssin: "90031200195"
      phone: "+32 470 12 34 56"
    }
    related_persons {
      relationship: RELATIONSHIP_INFORMAL_CARER
      name { family: "Maes" given: "Lies" }
    }
  )pb"));
  const json::Value& root = doc.root();
  EXPECT_EQ(Text(root, "entry[1].resource.resourceType"), "RelatedPerson");
  EXPECT_EQ(Text(root, "entry[1].resource.patient.reference"), Text(root, "entry[0].fullUrl"));
  EXPECT_EQ(Text(root, "entry[1].resource.relationship[0].coding[0].code"), "SIGOTHR");
  EXPECT_EQ(Text(root, "entry[2].resource.relationship[0].coding[0].code"), "133932002");
  EXPECT_EQ(Text(root, "entry[1].resource.telecom[0].value"), "+32 470 12 34 56");
}

TEST(PatientTest, GeneralPractitioner) {
  json::Document doc = CheckRoundTrip(Parse(R"pb(
    local_key: "P-9"
    ssin: "85073003328"
    general_practitioner {
      nihdi: "10012345001"
      name { family: "Claes" given: "Marc" }
    }
  )pb"));
  const json::Value* reference = At(doc.root(), "entry[0].resource.generalPractitioner[0]");
  ASSERT_NE(reference, nullptr);
  EXPECT_EQ(Text(doc.root(), "entry[0].resource.generalPractitioner[0].reference"),
            Text(doc.root(), "entry[1].fullUrl"));
}

TEST(PatientTest, InvalidSsinIsAnErrorWithoutTheNumber) {
  fhir::IssueCollector issues;
  ToFhir(Parse(R"pb(local_key: "P-10" ssin: "85073003329")pb"), issues);
  EXPECT_TRUE(HasError(issues, "patients[0].ssin")) << Dump(issues);
  for (const fhir::Issue& i : issues.issues()) {
    EXPECT_EQ(i.diagnostics.find("85073003329"), std::string::npos) << i.diagnostics;
  }
}

TEST(PatientTest, NoSsinAndNoLocalIdentifierIsAnError) {
  fhir::IssueCollector issues;
  ToFhir(Parse(R"pb(local_key: "P-11"
                    names { family: "X" })pb"),
         issues);
  EXPECT_TRUE(HasError(issues, "patients[0].local_identifiers")) << Dump(issues);
}

TEST(PatientTest, MissingLocalKeyIsAnError) {
  fhir::IssueCollector issues;
  ToFhir(Parse(R"pb(ssin: "85073003328")pb"), issues);
  EXPECT_TRUE(HasError(issues, "patients[0].local_key")) << Dump(issues);
}

TEST(PatientTest, ThreeLetterCountryIsAnError) {
  fhir::IssueCollector issues;
  ToFhir(Parse(R"pb(local_key: "P-12"
                    ssin: "85073003328"
                    addresses { country: "BEL" })pb"),
         issues);
  EXPECT_TRUE(HasError(issues, "patients[0].addresses[0].country")) << Dump(issues);
}

TEST(PatientTest, LegacySsinSystemIsAccepted) {
  fhir::IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(
      R"({"resourceType":"Patient","id":"a","identifier":[
        {"system":"https://epd.example.be/fhir/NamingSystem/patient","value":"P-13"},
        {"system":"https://www.ehealth.fgov.be/standards/fhir/NamingSystem/ssin",
         "value":"85073003328"}]})",
      {}, issues);
  ASSERT_TRUE(doc.has_value());
  v1::Patient patient = FromFhir(doc->root(), issues);
  EXPECT_EQ(patient.ssin(), "85073003328");
  EXPECT_EQ(patient.local_key(), "P-13");
}

TEST(PatientTest, FromFhirReportsUnmappedElements) {
  std::ifstream file(SharedFile("fhir-be/patient-care/example/Patient-patient1.json"));
  if (!file) GTEST_SKIP() << "Patient-patient1.json is absent";
  std::stringstream text;
  text << file.rdbuf();
  fhir::IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(text.str(), {}, issues);
  ASSERT_TRUE(doc.has_value()) << Dump(issues);
  v1::Patient patient = FromFhir(doc->root(), issues);
  EXPECT_EQ(patient.names(0).family(), "Doe");
  EXPECT_EQ(patient.gender(), v1::GENDER_FEMALE);
  bool text_reported = false;
  for (const fhir::Issue& i : issues.issues()) {
    text_reported |= i.severity == fhir::Severity::kInformation && i.expression == "Patient.text";
  }
  EXPECT_TRUE(text_reported) << Dump(issues);
  // The example has no EPD local key: its resource id stands in, and that is said.
  EXPECT_EQ(patient.local_key(), "patient1");
  EXPECT_FALSE(HasError(issues, "Patient.identifier")) << Dump(issues);
  // Its SSIN 99999999999 is no national number (month 99): refused at its location.
  EXPECT_TRUE(HasError(issues, "Patient.identifier[0].value")) << Dump(issues);
}

}  // namespace
}  // namespace zorgbrug::adapters::epd::internal
