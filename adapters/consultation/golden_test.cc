// Golden tests of the consultation adapter through its public API, both ways.
//
// testdata/golden/<case>.textproto is a ConsultationRecord and <case>.context.textproto its
// ConsultationContext (may be empty): the record must pass CheckRecord, and with the rules' Bill
// for it must map to testdata/golden/<case>.json (compared by meaning, json::Equal); that Bundle
// must validate without errors against R4 and the Belgian profiles it claims; and mapping the JSON
// back must give the same record without any finding (the proto -> FHIR -> proto identity).
// Set ZORGBRUG_REGENERATE_GOLDEN=1 to rewrite the expected JSON after a deliberate change (then
// review the diff).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "adapters/common/test_util.h"
#include "adapters/consultation/consultation.h"
#include "adapters/consultation/rules.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::consultation {
namespace {

namespace json = fhir::json;
using common::testutil::Dump;

constexpr char kGoldenBase[] = "https://overleg.zorgbrug.example.be/fhir/NamingSystem";

MappingContext TestContext() { return common::testutil::TestContext(kGoldenBase); }

std::string Golden(const std::string& name) {
  return std::string(ZORGBRUG_CONSULTATION_TESTDATA) + "/golden/" + name;
}

std::optional<json::Document> ParseText(const std::string& text, const std::string& what) {
  fhir::IssueCollector parse;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, parse);
  EXPECT_TRUE(doc.has_value()) << what << ": " << Dump(parse);
  return doc;
}

std::string Difference(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  std::string difference;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  return differ.Compare(a, b) ? std::string() : difference + " ";
}

struct Mapped {
  v1::ConsultationRecord record;
  v1::ConsultationBilling billing;
  json::Document bundle;
};

// Loads a golden case, checks it and maps it.
Mapped MapCase(const std::string& name) {
  Mapped m;
  m.record = common::testutil::LoadTextProto<v1::ConsultationRecord>(Golden(name + ".textproto"));
  const auto context =
      common::testutil::LoadTextProto<v1::ConsultationContext>(Golden(name + ".context.textproto"));
  fhir::IssueCollector check;
  EXPECT_TRUE(CheckRecord(m.record, check)) << Dump(check);
  m.billing = Bill(m.record, context);
  fhir::IssueCollector mapping;
  m.bundle = ToFhir(m.record, m.billing, TestContext(), mapping);
  EXPECT_TRUE(mapping.issues().empty()) << Dump(mapping);
  return m;
}

class GoldenCase : public testing::TestWithParam<const char*> {};

TEST_P(GoldenCase, MapsValidatesAndRoundTrips) {
  const std::string name = GetParam();
  Mapped m = MapCase(name);
  const std::string written = json::Write(m.bundle.root(), {.pretty = true}) + "\n";
  if (std::getenv("ZORGBRUG_REGENERATE_GOLDEN") != nullptr) {
    std::ofstream(Golden(name + ".json")) << written;
  }
  std::optional<json::Document> expected =
      ParseText(common::testutil::ReadFile(Golden(name + ".json")), name);
  ASSERT_TRUE(expected.has_value());
  EXPECT_TRUE(json::Equal(m.bundle.root(), expected->root())) << written;

  fhir::IssueCollector validation;
  fhir::validation::Validate(m.bundle.root(), {}, validation);
  EXPECT_FALSE(validation.HasErrors()) << Dump(validation);

  // FHIR -> proto, from the golden JSON file (the other direction of the golden pair).
  fhir::IssueCollector back;
  v1::ConsultationRecord round_trip = FromFhir(expected->root(), TestContext(), back);
  EXPECT_TRUE(back.issues().empty()) << Dump(back);
  EXPECT_EQ(Difference(m.record, round_trip), "");
}

INSTANTIATE_TEST_SUITE_P(
    ConsultationAdapter, GoldenCase,
    testing::Values("perinatal_four_participants", "perinatal_designated_person",
                    "perinatal_five_insured_professionals", "perinatal_online_and_phone",
                    "perinatal_absent_participant", "perinatal_welfare_workers", "mdo_full_team",
                    "mdo_psychiatrist_by_phone", "mdo_without_gp", "mdo_five_paid_participants",
                    "moc_first_ambulatory_with_gp_talk", "moc_hospitalised", "moc_patient_present",
                    "consent_refused", "actions_owned_and_open", "decisions_and_long_report"),
    [](const testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// The first resource of `type` in `bundle`.
const json::Value& Resource(const json::Document& bundle, std::string_view type) {
  const json::Value* resource = common::testutil::FindResource(bundle, type);
  EXPECT_NE(resource, nullptr) << type;
  static const json::Value kNull;
  return resource != nullptr ? *resource : kNull;
}

// Nobody physically present: a virtual encounter (VR); someone present in the room: AMB.
TEST(ConsultationAdapter, EncounterClassFollowsPhysicalPresence) {
  Mapped online = MapCase("perinatal_online_and_phone");
  EXPECT_EQ(Resource(online.bundle, "Encounter").Find("class")->FindString("code"), "VR");
  Mapped room = MapCase("perinatal_four_participants");
  EXPECT_EQ(Resource(room.bundle, "Encounter").Find("class")->FindString("code"), "AMB");
}

// A refused line is still carried, as a not-billable ChargeItem with the rule that refused it.
TEST(ConsultationAdapter, RefusedLinesAreNotBillableWithTheirReasons) {
  Mapped m = MapCase("moc_patient_present");
  int refused = 0;
  for (const json::Value& entry : m.bundle.root().Find("entry")->items()) {
    const json::Value& r = *entry.Find("resource");
    if (r.FindString("resourceType") != "ChargeItem") continue;
    if (r.FindString("status") == "not-billable") {
      ++refused;
      EXPECT_NE(r.Find("note"), nullptr);
    }
  }
  EXPECT_GT(refused, 0);
}

// FHIR from another system: what the record cannot carry is reported as information, the
// ChargeItems are recognised and never reported.
TEST(ConsultationAdapter, ReportsWhatTheRecordCannotCarry) {
  Mapped m = MapCase("mdo_full_team");
  std::string text = json::Write(m.bundle.root(), {});
  // An element the record has no place for, on the Encounter.
  const std::string marker = "\"resourceType\":\"Encounter\",";
  ASSERT_NE(text.find(marker), std::string::npos);
  text.insert(text.find(marker) + marker.size(), "\"priority\":{\"text\":\"urgent\"},");
  std::optional<json::Document> input = ParseText(text, "edited");
  ASSERT_TRUE(input.has_value());
  fhir::IssueCollector issues;
  v1::ConsultationRecord record = FromFhir(input->root(), TestContext(), issues);
  EXPECT_EQ(Difference(m.record, record), "");
  ASSERT_EQ(issues.issues().size(), 1u) << Dump(issues);
  EXPECT_EQ(issues.issues()[0].severity, fhir::Severity::kInformation);
  EXPECT_TRUE(issues.issues()[0].expression.ends_with(".resource.priority"))
      << issues.issues()[0].expression;
}

// A record whose professional has a wrong NIHDI number is refused at the field.
TEST(ConsultationAdapter, MappingErrorsNameTheProtoField) {
  auto record =
      common::testutil::LoadTextProto<v1::ConsultationRecord>(Golden("mdo_full_team.textproto"));
  record.mutable_participants(2)->mutable_professional()->set_nihdi("1001234560");
  fhir::IssueCollector issues;
  ToFhir(record, v1::ConsultationBilling(), TestContext(), issues);
  EXPECT_TRUE(common::testutil::HasError(issues, "record.participants[2].professional.nihdi"))
      << Dump(issues);
}

// The client's SSIN is checked (check digits), and a valid one travels on the Patient the
// Encounter names and comes back.
TEST(ConsultationAdapter, ClientSsinIsCheckedAndCarried) {
  auto record = common::testutil::LoadTextProto<v1::ConsultationRecord>(
      Golden("perinatal_four_participants.textproto"));
  record.set_patient_ssin("85073100329");
  fhir::IssueCollector check;
  EXPECT_FALSE(CheckRecord(record, check));
  EXPECT_TRUE(common::testutil::HasError(check, "record.patient_ssin")) << Dump(check);
  for (const fhir::Issue& issue : check.issues()) {
    EXPECT_EQ(issue.diagnostics.find("85073100329"), std::string::npos) << issue.diagnostics;
  }

  record.set_patient_ssin("85073100328");
  fhir::IssueCollector issues;
  ASSERT_TRUE(CheckRecord(record, issues)) << Dump(issues);
  fhir::json::Document bundle = ToFhir(record, v1::ConsultationBilling(), TestContext(), issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  fhir::IssueCollector validation;
  fhir::validation::Validate(bundle.root(), {}, validation);
  EXPECT_FALSE(validation.HasErrors()) << Dump(validation);
  fhir::IssueCollector back;
  v1::ConsultationRecord round_trip = FromFhir(bundle.root(), TestContext(), back);
  EXPECT_EQ(round_trip.patient_ssin(), "85073100328") << Dump(back);
  EXPECT_EQ(round_trip.patient_local_key(), record.patient_local_key());
}

}  // namespace
}  // namespace zorgbrug::adapters::consultation
