// Golden tests of the BiB adapter through its public API, both ways.
//
// testdata/golden/<case>.textproto is an EvaluateRequest (screening, history, as_of): it must pass
// CheckScreening, and the screening with the rules' eligibility must map to
// testdata/golden/<case>.json (compared by meaning, json::Equal); that Bundle must validate without
// errors against R4 and the Belgian profiles it claims; and mapping the JSON back must give the
// same screening without any finding (the proto -> FHIR -> proto identity).
// testdata/from_fhir/<case>.json is FHIR from another system: it must map to
// testdata/from_fhir/<case>.textproto (a BibScreening) with the information issues listed in the
// test. testdata/bad/ is refused with an error naming the field.
// Set ZORGBRUG_REGENERATE_GOLDEN=1 to rewrite the expected JSON after a deliberate change (then
// review the diff).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/bib/bib.h"
#include "adapters/bib/rules.h"
#include "adapters/common/programme.h"
#include "adapters/common/test_util.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"
#include "zorgbrug/v1/bib_screening.pb.h"

namespace zorgbrug::adapters::bib {
namespace {

using common::testutil::Dump;

constexpr char kGoldenBase[] = "https://epd.azvoorbeeld.be/fhir/NamingSystem";

MappingContext TestContext() { return common::testutil::TestContext(kGoldenBase); }

std::optional<fhir::json::Document> ParseFile(const std::string& path) {
  fhir::IssueCollector parse;
  std::optional<fhir::json::Document> doc =
      fhir::json::Parse(common::testutil::ReadFile(path), fhir::json::ParseLimits{}, parse);
  EXPECT_TRUE(doc.has_value()) << path << ": " << Dump(parse);
  return doc;
}

std::string Difference(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  std::string difference;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  return differ.Compare(a, b) ? std::string() : difference + " ";
}

class Golden : public testing::TestWithParam<const char*> {};

TEST_P(Golden, MapsValidatesAndRoundTrips) {
  const std::string base = std::string(ZORGBRUG_BIB_TESTDATA) + "/golden/" + GetParam();
  const auto request = common::testutil::LoadTextProto<v1::EvaluateRequest>(base + ".textproto");
  fhir::IssueCollector check;
  ASSERT_TRUE(CheckScreening(request.screening(), check)) << Dump(check);
  v1::ProgrammeEligibility eligibility =
      Evaluate(request.screening(), request.history(), request.as_of());

  fhir::IssueCollector mapping;
  fhir::json::Document bundle = ToFhir(request.screening(), eligibility, TestContext(), mapping);
  EXPECT_FALSE(mapping.HasErrors()) << Dump(mapping);
  EXPECT_EQ(mapping.issues().empty(), Shareable(request.screening())) << Dump(mapping);
  const std::string written = fhir::json::Write(bundle.root(), {.pretty = true}) + "\n";
  if (std::getenv("ZORGBRUG_REGENERATE_GOLDEN") != nullptr) {
    std::ofstream(base + ".json") << written;
  }
  std::optional<fhir::json::Document> expected = ParseFile(base + ".json");
  ASSERT_TRUE(expected.has_value());
  EXPECT_TRUE(fhir::json::Equal(bundle.root(), expected->root())) << written;

  fhir::IssueCollector validation;
  fhir::validation::Validate(bundle.root(), {}, validation);
  EXPECT_FALSE(validation.HasErrors()) << Dump(validation);

  // FHIR -> proto, from the golden JSON file (the other direction of the golden pair).
  fhir::IssueCollector back;
  v1::BibScreening round_trip = FromFhir(expected->root(), TestContext(), back);
  EXPECT_TRUE(back.issues().empty()) << Dump(back);
  EXPECT_EQ(Difference(request.screening(), round_trip), "");
}

INSTANTIATE_TEST_SUITE_P(
    BibAdapter, Golden,
    testing::Values("no_risk_completed", "one_indicator_financial",
                    "two_indicators_housing_violence", "two_indicators_with_coordinator",
                    "depression_and_anxiety_one_kce", "context_only_positive", "all_kce_positive",
                    "item_answers_and_exact_decimals", "week_13_plus_6", "week_14_plus_0",
                    "day_7_postpartum", "day_8_postpartum", "second_completed_screening",
                    "partial_with_positive", "partial_without_positive_with_judgement",
                    "refused_without_judgement", "refused_with_judgement", "consent_refused",
                    "welfare_worker_performer", "gp_third_ppa",
                    "coordination_after_second_birthday", "coordination_within_the_year"),
    [](const testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// A refused screening never yields a positive (or any) KCE indicator; a partial one leaves the
// indicators it did not reach unknown, never negative or positive.
TEST(BibAdapter, PartialAndRefusedScreeningsNeverInventIndicators) {
  for (const char* name : {"partial_with_positive", "refused_with_judgement"}) {
    const auto request = common::testutil::LoadTextProto<v1::EvaluateRequest>(
        std::string(ZORGBRUG_BIB_TESTDATA) + "/golden/" + name + ".textproto");
    v1::ProgrammeEligibility eligibility =
        Evaluate(request.screening(), request.history(), request.as_of());
    fhir::IssueCollector issues;
    fhir::json::Document bundle = ToFhir(request.screening(), eligibility, TestContext(), issues);
    int kce = 0, positive = 0, unknown = 0;
    for (const fhir::json::Value& entry : bundle.root().Find("entry")->items()) {
      const fhir::json::Value& r = *entry.Find("resource");
      const fhir::json::Value* code = r.Find("code");
      if (r.FindString("resourceType") != "Observation" ||
          code->Find("coding")->items()[0].FindString("system") != common::kKceIndicatorSystem) {
        continue;
      }
      ++kce;
      if (const fhir::json::Value* value = r.Find("valueBoolean"); value && value->GetBool()) {
        ++positive;
      }
      if (r.Find("dataAbsentReason") != nullptr) ++unknown;
    }
    if (std::string(name) == "partial_with_positive") {
      EXPECT_EQ(kce, 8);
      EXPECT_EQ(positive, 1);  // financial problems, the only positive indicator reached
      // Reached: communication, residence status, financial situation; the 5 others unknown.
      EXPECT_EQ(unknown, 5);
    } else {
      EXPECT_EQ(kce, 0);
    }
  }
}

// The woman's refusal to share: every resource labelled, no task, and said.
TEST(BibAdapter, RefusalToShareLabelsEverythingAndMakesNoTasks) {
  const auto request = common::testutil::LoadTextProto<v1::EvaluateRequest>(
      std::string(ZORGBRUG_BIB_TESTDATA) + "/golden/consent_refused.textproto");
  v1::ProgrammeEligibility eligibility =
      Evaluate(request.screening(), request.history(), request.as_of());
  EXPECT_TRUE(eligibility.programme_entry());
  fhir::IssueCollector issues;
  fhir::json::Document bundle = ToFhir(request.screening(), eligibility, TestContext(), issues);
  for (const fhir::json::Value& entry : bundle.root().Find("entry")->items()) {
    const fhir::json::Value& r = *entry.Find("resource");
    EXPECT_NE(r.FindString("resourceType"), "Task");
    const fhir::json::Value* meta = r.Find("meta");
    ASSERT_NE(meta, nullptr) << r.FindString("resourceType");
    ASSERT_NE(meta->Find("security"), nullptr) << r.FindString("resourceType");
    EXPECT_EQ(meta->Find("security")->items()[0].FindString("code"), "NORDSCLCD");
  }
  ASSERT_EQ(issues.issues().size(), 1u) << Dump(issues);
  EXPECT_EQ(issues.issues()[0].expression, "screening.share_consent");
  EXPECT_EQ(Contribution(request.screening(), eligibility).tasks_size(), 0);
}

struct ForeignCase {
  const char* fixture;
  std::vector<std::string> info_at;  // expressions that must carry an information issue
};

class FromForeignFhir : public testing::TestWithParam<ForeignCase> {};

TEST_P(FromForeignFhir, MapsToTheExpectedScreeningAndReportsTheRest) {
  const std::string base = std::string(ZORGBRUG_BIB_TESTDATA) + "/from_fhir/" + GetParam().fixture;
  std::optional<fhir::json::Document> input = ParseFile(base + ".json");
  ASSERT_TRUE(input.has_value());
  fhir::IssueCollector issues;
  v1::BibScreening screening = FromFhir(input->root(), TestContext(), issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  EXPECT_EQ(
      Difference(common::testutil::LoadTextProto<v1::BibScreening>(base + ".textproto"), screening),
      "");
  for (const std::string& expression : GetParam().info_at) {
    bool found = false;
    for (const fhir::Issue& issue : issues.issues()) {
      found = found ||
              (issue.severity == fhir::Severity::kInformation && issue.expression == expression);
    }
    EXPECT_TRUE(found) << expression << "\n" << Dump(issues);
  }
  fhir::IssueCollector check;
  EXPECT_TRUE(CheckScreening(screening, check)) << Dump(check);
}

INSTANTIATE_TEST_SUITE_P(
    BibAdapter, FromForeignFhir,
    testing::Values(ForeignCase{"platform_screening_with_patient",
                                {"Bundle.entry[0].resource", "Bundle.entry[1].resource.identifier",
                                 "Bundle.entry[1].resource.item[4]",
                                 "Bundle.entry[1].resource.language"}},
                    ForeignCase{"welfare_worker_partial",
                                {"Bundle.entry[3].resource", "Bundle.entry[4].resource"}}),
    [](const testing::TestParamInfo<ForeignCase>& info) {
      return std::string(info.param.fixture);
    });

struct BadCase {
  const char* fixture;
  const char* expression;  // where the error must be
};

class BadInput : public testing::TestWithParam<BadCase> {};

TEST_P(BadInput, IsRefusedNamingTheField) {
  const auto request = common::testutil::LoadTextProto<v1::EvaluateRequest>(
      std::string(ZORGBRUG_BIB_TESTDATA) + "/bad/" + GetParam().fixture + ".textproto");
  fhir::IssueCollector issues;
  bool ok = CheckScreening(request.screening(), issues);
  if (ok) {
    ToFhir(request.screening(), Evaluate(request.screening(), request.history(), request.as_of()),
           TestContext(), issues);
  }
  bool found = false;
  for (const fhir::Issue& issue : issues.issues()) {
    found = found ||
            (issue.severity == fhir::Severity::kError && issue.expression == GetParam().expression);
  }
  EXPECT_TRUE(found) << Dump(issues);
}

INSTANTIATE_TEST_SUITE_P(
    BibAdapter, BadInput,
    testing::Values(BadCase{"duplicate_indicator", "screening.indicators[1].indicator"},
                    BadCase{"positive_below_threshold", "screening.indicators[0].positive"},
                    BadCase{"refused_with_results", "screening.indicators"},
                    BadCase{"completed_with_twelve", "screening.indicators"},
                    BadCase{"missing_consent", "screening.share_consent"},
                    BadCase{"invalid_performer_nihdi", "screening.performer.professional.nihdi"},
                    BadCase{"weeks_out_of_range", "screening.gestational_age.weeks"}),
    [](const testing::TestParamInfo<BadCase>& info) { return std::string(info.param.fixture); });

}  // namespace
}  // namespace zorgbrug::adapters::bib
