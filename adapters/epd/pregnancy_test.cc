// Tests of pregnancy.cc: the pregnancy-status Observation both ways.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "adapters/common/bundle_io.h"
#include "adapters/common/test_util.h"
#include "adapters/epd/families.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/validation/validator.h"
#include "google/protobuf/util/message_differencer.h"

namespace zorgbrug::adapters::epd::internal {
namespace {

using namespace ::zorgbrug::adapters::common::testutil;  // NOLINT: test helpers

const std::string kExample =
    SharedFile("fhir-be/pregnancy-status/example/Observation-ex-pregnancy-status-contained.json");

v1::Date MakeDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::Pregnancy Ongoing(int fetuses) {
  v1::Pregnancy p;
  p.set_local_key("preg-1");
  p.set_patient_local_key("mother-1");
  *p.mutable_last_menstrual_period() = MakeDate(2026, 2, 1);
  *p.mutable_expected_delivery_date() = MakeDate(2026, 11, 8);
  p.set_number_of_fetuses(fetuses);
  p.mutable_recorded_at()->set_seconds(1773000000);
  return p;
}

// Maps `p` to FHIR, validates the Bundle and maps it back; expects no errors and equality.
void ExpectRoundTrip(const v1::Pregnancy& p) {
  MappingContext context = TestContext();
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "mother-1");
  AddPatient(out, "child-1");
  fhir::IssueCollector issues;
  PregnancyToFhir(p, "pregnancies[0]", out, issues);
  ASSERT_TRUE(issues.issues().empty()) << issues.issues()[0].expression;

  fhir::IssueCollector validation;
  fhir::validation::Validate(doc.root(), {}, validation);
  // The be-pregnancy-status profile has no definition here: an unknown-profile warning only.
  EXPECT_FALSE(fhir::validation::IsKnownProfile(
      "https://www.ehealth.fgov.be/standards/fhir/pregnancy/StructureDefinition/"
      "be-pregnancy-status"));
  int warnings = 0;
  for (const fhir::Issue& i : validation.issues()) {
    if (i.severity == fhir::Severity::kWarning) ++warnings;
    EXPECT_NE(i.severity, fhir::Severity::kError) << i.expression << ": " << i.diagnostics;
    EXPECT_NE(i.severity, fhir::Severity::kFatal) << i.expression << ": " << i.diagnostics;
  }

  EXPECT_GE(warnings, 1);

  BundleReader in(doc.root());
  fhir::IssueCollector back_issues;
  v1::Pregnancy back;
  int read = 0;
  for (const BundleReader::Resource& r : in.resources()) {
    if (!IsPregnancyStatus(r.value)) continue;
    PregnancyFromFhir(r, in, context, back, back_issues);
    ++read;
  }
  EXPECT_EQ(read, 1);
  EXPECT_FALSE(back_issues.HasErrors());
  for (const fhir::Issue& i : back_issues.issues()) ADD_FAILURE() << i.expression;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(p, back))
      << p.DebugString() << "\n!=\n"
      << back.DebugString();
}

TEST(PregnancyTest, SingletonOngoingRoundTrips) { ExpectRoundTrip(Ongoing(1)); }

TEST(PregnancyTest, TwinPregnancyRoundTrips) { ExpectRoundTrip(Ongoing(2)); }

TEST(PregnancyTest, EndedWithLiveBirthLinksChildAndRoundTrips) {
  v1::Pregnancy p = Ongoing(1);
  *p.mutable_end_date() = MakeDate(2026, 11, 3);
  p.set_outcome(v1::PREGNANCY_OUTCOME_LIVE_BIRTH);
  v1::Birth* birth = p.add_births();
  birth->set_child_local_key("child-1");
  birth->mutable_born_at()->set_seconds(1793700000);
  ExpectRoundTrip(p);
}

TEST(PregnancyTest, EddBeforeLmpIsAnError) {
  MappingContext context = TestContext();
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "mother-1");
  v1::Pregnancy p = Ongoing(1);
  *p.mutable_expected_delivery_date() = MakeDate(2026, 1, 15);
  fhir::IssueCollector issues;
  PregnancyToFhir(p, "pregnancies[0]", out, issues);
  EXPECT_TRUE(HasError(issues, "pregnancies[0].expected_delivery_date"));
}

TEST(PregnancyTest, TooManyFetusesAndEndBeforeLmpAreErrors) {
  MappingContext context = TestContext();
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "mother-1");
  v1::Pregnancy p = Ongoing(9);
  *p.mutable_end_date() = MakeDate(2025, 12, 1);
  fhir::IssueCollector issues;
  PregnancyToFhir(p, "pregnancies[0]", out, issues);
  EXPECT_TRUE(HasError(issues, "pregnancies[0].number_of_fetuses"));
  EXPECT_TRUE(HasError(issues, "pregnancies[0].end_date"));
}

TEST(PregnancyTest, MissingPatientAndChildAreErrors) {
  MappingContext context = TestContext();
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  v1::Pregnancy p = Ongoing(1);
  p.add_births()->set_child_local_key("nobody");
  fhir::IssueCollector issues;
  PregnancyToFhir(p, "pregnancies[0]", out, issues);
  EXPECT_TRUE(HasError(issues, "pregnancies[0].patient_local_key"));
  EXPECT_TRUE(HasError(issues, "pregnancies[0].births[0].child_local_key"));
}

TEST(PregnancyTest, ReadsBelgianExample) {
  std::ifstream file(kExample);
  if (!file) GTEST_SKIP() << "example absent: " << kExample;
  std::stringstream text;
  text << file.rdbuf();
  fhir::IssueCollector parse_issues;
  std::optional<fhir::json::Document> doc =
      fhir::json::Parse(text.str(), fhir::json::ParseLimits{}, parse_issues);
  ASSERT_TRUE(doc.has_value());
  ASSERT_TRUE(IsPregnancyStatus(doc->root()));
  BundleReader in(doc->root());
  fhir::IssueCollector issues;
  v1::Pregnancy p;
  PregnancyFromFhir(in.resources()[0], in, TestContext(), p, issues);
  EXPECT_FALSE(issues.HasErrors());
  EXPECT_EQ(p.expected_delivery_date().year(), 2026);
  EXPECT_EQ(p.expected_delivery_date().month(), 9);
  EXPECT_EQ(p.expected_delivery_date().day(), 15);
  EXPECT_EQ(p.number_of_fetuses(), 1);
  bool performer = false, contained_identifier = false;
  for (const fhir::Issue& i : issues.issues()) {
    if (i.severity != fhir::Severity::kInformation) continue;
    performer = performer || i.expression == "Observation.performer";
    contained_identifier =
        contained_identifier || i.expression == "Observation.contained[0].identifier";
  }
  EXPECT_TRUE(performer);
  EXPECT_TRUE(contained_identifier);
}

}  // namespace
}  // namespace zorgbrug::adapters::epd::internal
