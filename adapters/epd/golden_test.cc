// Golden tests of the EPD adapter through its public API, one line per case naming its fixtures:
// testdata/golden/<case>.textproto (an EpdRecord in protobuf text format) must map to
// testdata/golden/<case>.json (compared by meaning, json::Equal), that Bundle must validate
// without errors against the profiles it claims, and mapping it back must give the same
// EpdRecord without any finding. Bad input (testdata/bad/) is refused with an error naming the
// field. Set ZORGBRUG_REGENERATE_GOLDEN=1 to rewrite the expected JSON after a deliberate change
// (then review the diff).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/common/test_util.h"
#include "adapters/epd/epd.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::epd {
namespace {

using common::testutil::Dump;

constexpr char kGoldenBase[] = "https://epd.azvoorbeeld.be/fhir/NamingSystem";

MappingContext TestContext() { return common::testutil::TestContext(kGoldenBase); }

class Golden : public testing::TestWithParam<const char*> {};

TEST_P(Golden, MapsValidatesAndRoundTrips) {
  const std::string base = std::string(ZORGBRUG_EPD_TESTDATA) + "/golden/" + GetParam();
  const v1::EpdRecord record = common::testutil::LoadTextProto<v1::EpdRecord>(base + ".textproto");
  fhir::IssueCollector mapping;
  fhir::json::Document bundle = ToFhir(record, TestContext(), mapping);
  EXPECT_TRUE(mapping.issues().empty()) << Dump(mapping);
  const std::string written = fhir::json::Write(bundle.root(), {.pretty = true}) + "\n";
  if (std::getenv("ZORGBRUG_REGENERATE_GOLDEN") != nullptr) {
    std::ofstream(base + ".json") << written;
  }
  fhir::IssueCollector parse;
  std::optional<fhir::json::Document> expected = fhir::json::Parse(
      common::testutil::ReadFile(base + ".json"), fhir::json::ParseLimits{}, parse);
  ASSERT_TRUE(expected.has_value()) << base << ".json: " << Dump(parse);
  EXPECT_TRUE(fhir::json::Equal(bundle.root(), expected->root())) << written;

  fhir::IssueCollector validation;
  fhir::validation::Validate(bundle.root(), {}, validation);
  EXPECT_FALSE(validation.HasErrors()) << Dump(validation);

  fhir::IssueCollector back;
  v1::EpdRecord round_trip = FromFhir(bundle.root(), TestContext(), back);
  EXPECT_TRUE(back.issues().empty()) << Dump(back);
  std::string difference;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differ.Compare(record, round_trip)) << difference;
}

INSTANTIATE_TEST_SUITE_P(
    EpdAdapter, Golden,
    testing::Values("woman_with_ssin", "woman_with_bis_number", "mother_born_after_2000",
                    "foreign_patient_without_ssin", "pseudonymised_ssin",
                    "bilingual_brussels_address", "interpreter_needed",
                    "general_practitioner_with_gmd", "partner_and_informal_carer",
                    "several_local_identifiers", "maiden_and_usual_names", "hospital_admission",
                    "midwife_consultation", "emergency_in_progress", "planned_teleconsultation",
                    "singleton_pregnancy", "twin_pregnancy", "birth_links_mother_and_child",
                    "twins_born", "full_perinatal_record", "organisation_known_by_cbe_only"),
    [](const testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// FHIR from another system (an official R4 example, without the EPD's key identifiers): mapped to
// a record and back, every element the record carries comes back unchanged, the rest was reported.
TEST(EpdAdapterForeignFhir, KeepsWhatTheRecordCarriesAndReportsTheRest) {
  const std::string path = common::testutil::SharedFile("fhir-r4-examples/Patient-example.json");
  std::string text = common::testutil::ReadFile(path);
  if (text.empty()) GTEST_SKIP() << "not found: " << path;
  fhir::IssueCollector parse;
  std::optional<fhir::json::Document> foreign =
      fhir::json::Parse(text, fhir::json::ParseLimits{}, parse);
  ASSERT_TRUE(foreign.has_value());
  fhir::IssueCollector reading;
  v1::EpdRecord record = FromFhir(foreign->root(), TestContext(), reading);
  EXPECT_FALSE(reading.HasErrors()) << Dump(reading);
  ASSERT_EQ(record.patients_size(), 1);
  EXPECT_EQ(record.patients(0).local_key(), "example");  // the resource id stands in
  bool telecom_reported = false;
  for (const fhir::Issue& issue : reading.issues()) {
    telecom_reported = telecom_reported || issue.expression.starts_with("Patient.telecom");
  }
  EXPECT_TRUE(telecom_reported) << Dump(reading);

  fhir::IssueCollector writing;
  fhir::json::Document again = ToFhir(record, TestContext(), writing);
  EXPECT_FALSE(writing.HasErrors()) << Dump(writing);
  const fhir::json::Value& in = foreign->root();
  const fhir::json::Value& out = *again.root().Find("entry")->items()[0].Find("resource");
  EXPECT_TRUE(fhir::json::Equal(*out.Find("birthDate"), *in.Find("birthDate")));
  EXPECT_TRUE(fhir::json::Equal(*out.Find("gender"), *in.Find("gender")));
  const fhir::json::Value& name_in = in.Find("name")->items()[0];
  const fhir::json::Value& name_out = out.Find("name")->items()[0];
  EXPECT_TRUE(fhir::json::Equal(*name_out.Find("family"), *name_in.Find("family")));
  EXPECT_TRUE(fhir::json::Equal(*name_out.Find("given"), *name_in.Find("given")));
  const fhir::json::Value& address_in = in.Find("address")->items()[0];
  const fhir::json::Value& address_out = out.Find("address")->items()[0];
  for (const char* member : {"line", "city", "postalCode"}) {
    ASSERT_NE(address_out.Find(member), nullptr) << member;
    EXPECT_TRUE(fhir::json::Equal(*address_out.Find(member), *address_in.Find(member))) << member;
  }
}

struct BadCase {
  const char* fixture;
  const char* expression;  // where the error must be
};

class BadInput : public testing::TestWithParam<BadCase> {};

TEST_P(BadInput, IsRefusedNamingTheField) {
  const v1::EpdRecord record = common::testutil::LoadTextProto<v1::EpdRecord>(
      std::string(ZORGBRUG_EPD_TESTDATA) + "/bad/" + GetParam().fixture + ".textproto");
  fhir::IssueCollector issues;
  ToFhir(record, TestContext(), issues);
  bool found = false;
  for (const fhir::Issue& issue : issues.issues()) {
    found = found ||
            (issue.severity == fhir::Severity::kError && issue.expression == GetParam().expression);
    EXPECT_EQ(issue.diagnostics.find("85073100"), std::string::npos) << issue.diagnostics;
  }
  EXPECT_TRUE(found) << Dump(issues);
}

INSTANTIATE_TEST_SUITE_P(
    EpdAdapter, BadInput,
    testing::Values(BadCase{"invalid_ssin", "patients[0].ssin"},
                    BadCase{"unknown_hcparty_code", "encounters[0].attending[0].role.code"},
                    BadCase{"discharge_before_admission", "encounters[0].end"},
                    BadCase{"due_date_before_last_period", "pregnancies[0].expected_delivery_date"},
                    BadCase{"encounter_of_unknown_patient", "encounters[0].patient_local_key"}),
    [](const testing::TestParamInfo<BadCase>& info) { return std::string(info.param.fixture); });

}  // namespace
}  // namespace zorgbrug::adapters::epd
