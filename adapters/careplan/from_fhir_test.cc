// FHIR -> care plan through the public API (careplan.h FromFhir):
//   - the legacy HL7 Belgium DZOP examples (../shared/fhir-be/hl7-be-fhir-legacy/examples), put
//     together into Bundles of several types: the plan each gives is
//     testdata/legacy/<case>.textproto and its findings testdata/legacy/<case>.issues.txt
//     ("<severity> <expression>" per line), plus direct assertions on what matters (the
//     coordinator, the informal carer, the organisation, the goals known by display only, the
//     messages);
//   - the ToFhir goldens read back: every testdata/golden/<case>.json with a <case>.textproto maps
//     back to that plan (or to <case>.view.textproto, the member's view, for an audience case)
//     without a warning or an error;
//   - a Bundle of the project's own shape written by hand, and wrong versions of it, each refused
//     with an error at the element's FHIRPath location.
// Set ZORGBRUG_REGENERATE_GOLDEN=1 to rewrite testdata/legacy after a deliberate change (then
// review the diff).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/careplan/careplan.h"
#include "adapters/common/test_util.h"
#include "fhir/json/parser.h"

namespace zorgbrug::adapters::careplan {
namespace {

namespace json = fhir::json;
using common::testutil::Dump;
using common::testutil::HasError;
using fhir::Severity;

constexpr char kLegacyExamples[] = "fhir-be/hl7-be-fhir-legacy/examples";

std::string TestData(const std::string& name) {
  return std::string(ZORGBRUG_CAREPLAN_TESTDATA) + "/" + name;
}

std::optional<json::Document> ParseText(std::string_view text, const std::string& what) {
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

std::string Text(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

// "<severity> <expression>" per issue.
std::string IssueLines(const fhir::IssueCollector& issues) {
  std::string out;
  for (const fhir::Issue& i : issues.issues()) {
    out += std::string(fhir::SeverityCode(i.severity)) + " " + i.expression + "\n";
  }
  return out;
}

std::vector<const fhir::Issue*> Errors(const fhir::IssueCollector& issues) {
  std::vector<const fhir::Issue*> out;
  for (const fhir::Issue& i : issues.issues()) {
    if (i.severity == Severity::kError || i.severity == Severity::kWarning) out.push_back(&i);
  }
  return out;
}

bool HasInfo(const fhir::IssueCollector& issues, std::string_view expression) {
  for (const fhir::Issue& i : issues.issues()) {
    if (i.severity == Severity::kInformation && i.expression == expression) return true;
  }
  return false;
}

// ------------------------------------------------------------------ the legacy DZOP examples

struct LegacyCase {
  const char* name;
  const char* bundle_type;
  // fullUrl "https://dzop.example.be/fhir/<Type>/<id>" on every entry, else none (the examples'
  // "Type/id" references are then resolved by resource type and id).
  bool full_urls;
  std::vector<std::string> files;  // under kLegacyExamples; "MessageHeader" adds one
};

// The plan's team (dzop-team-0002.v2 and .v1 name the same people) and the person.
const std::vector<std::string> kPeople = {
    "Practitioner/dragon.json", "Practitioner/christa.json",       "Practitioner/nathalie.json",
    "RelatedPerson/dina.json",  "Organization/diensten-gent.json", "Organization/dzop.json",
    "Patient/pia.json"};

std::vector<std::string> With(std::vector<std::string> files,
                              const std::vector<std::string>& more) {
  files.insert(files.end(), more.begin(), more.end());
  return files;
}

const std::vector<LegacyCase>& LegacyCases() {
  static const std::vector<LegacyCase> cases = {
      // (a) the plan, its team v2, the people and the organisations.
      {"careplan1_v1_team_v2", "collection", false,
       With({"CarePlan/pia-careplan1-v1.json", "CareTeam/dzop-team-0002.v2.json"}, kPeople)},
      // (b) the first version of the plan: team v1 is its team, v0 is left over.
      {"careplan1_v0_teams_v0_v1", "searchset", true,
       With({"CarePlan/pia-careplan1-v0.json", "CareTeam/dzop-team-0002.v0.json",
             "CareTeam/dzop-team-0002.v1.json"},
            kPeople)},
      // (c) the plan that replaces it: activities as details, three conditions addressed.
      {"careplan2_v1", "transaction", true,
       With({"CarePlan/pia-careplan2-v1.json", "CareTeam/dzop-team-0002.v2.json",
             "Condition/pia-diabetes.json", "Condition/pia-depression.json",
             "Condition/pia-loneliness.json"},
            kPeople)},
      // (d) the care team with the messages its members exchanged, as a FHIR message.
      {"careplan1_v1_team_messages", "message", false,
       With({"MessageHeader", "CarePlan/pia-careplan1-v1.json", "CareTeam/dzop-team-0002.v2.json",
             "Communication/be.comm2.1.json", "Communication/be.comm2.2.json",
             "Communication/be.comm2.3.json", "Communication/be.comm3.1.json",
             "Communication/be.comm3.2.json"},
            kPeople)},
      // (e) every other message: the platform (DZOP), Dr David and the ad-hoc doctors' and nurses'
      // teams are no members of the plan's team, so those senders and recipients are refused.
      {"careplan2_v1_outside_messages", "searchset", true,
       With({"CarePlan/pia-careplan2-v1.json", "CareTeam/dzop-team-0002.v2.json",
             "CareTeam/dzop-team-0002-doctors.json", "CareTeam/dzop-team-0002-nurses.json",
             "Practitioner/david.json", "PractitionerRole/nurse-gent.json",
             "Appointment/pia-001-v0.json", "Communication/be.comm1.json",
             "Communication/be.comm4.1.json", "Communication/be.comm4.2.json",
             "Communication/be.comm5.1.json", "Communication/be.comm5.2.json",
             "Communication/be.comm6.json"},
            kPeople)},
  };
  return cases;
}

void PrintTo(const LegacyCase& c, std::ostream* out) { *out << c.name; }

bool LegacyPresent() {
  return std::filesystem::exists(common::testutil::SharedFile(kLegacyExamples));
}

#define SKIP_WITHOUT_LEGACY() \
  if (!LegacyPresent()) GTEST_SKIP() << "../shared/fhir-be not present (" << kLegacyExamples << ")"

// A Bundle of the case's type holding the example files as its entries.
json::Document LegacyBundle(const LegacyCase& c) {
  json::Document doc;
  json::Value& root = doc.root();
  root = doc.MakeObject();
  doc.Set(root, "resourceType", doc.MakeString("Bundle"));
  doc.Set(root, "type", doc.MakeString(c.bundle_type));
  json::Value entries = doc.Set(root, "entry", doc.MakeArray());
  for (const std::string& file : c.files) {
    std::string text = file == "MessageHeader"
                           ? R"({"resourceType":"MessageHeader","id":"dzop-update-1",
                 "eventCoding":{"system":"https://www.dzop.be/events","code":"careplan-update"},
                 "source":{"endpoint":"https://dzop.example.be/fhir"}})"
                           : common::testutil::ReadFile(common::testutil::SharedFile(
                                 std::string(kLegacyExamples) + "/" + file));
    std::optional<json::Document> resource = ParseText(text, file);
    if (!resource.has_value()) continue;
    json::Value entry = doc.MakeObject();
    if (c.full_urls) {
      doc.Set(entry, "fullUrl",
              doc.MakeString(std::string("https://dzop.example.be/fhir/") +
                             std::string(resource->root().FindString("resourceType")) + "/" +
                             std::string(resource->root().FindString("id"))));
    }
    doc.Set(entry, "resource", doc.Copy(resource->root()));
    doc.Append(entries, entry);
  }
  return doc;
}

struct Mapped {
  v1::CarePlan plan;
  fhir::IssueCollector issues;
};

Mapped MapLegacy(const LegacyCase& c) {
  json::Document bundle = LegacyBundle(c);
  Mapped m;
  m.plan = FromFhir(bundle.root(), common::testutil::TestContext(), m.issues);
  return m;
}

const LegacyCase& Case(std::string_view name) {
  for (const LegacyCase& c : LegacyCases()) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << name;
  return LegacyCases()[0];
}

class LegacyGolden : public testing::TestWithParam<LegacyCase> {};

TEST_P(LegacyGolden, MapsToTheExpectedPlanAndFindings) {
  SKIP_WITHOUT_LEGACY();
  const LegacyCase& c = GetParam();
  Mapped m = MapLegacy(c);
  const std::string plan_file = TestData(std::string("legacy/") + c.name + ".textproto");
  const std::string issues_file = TestData(std::string("legacy/") + c.name + ".issues.txt");
  if (std::getenv("ZORGBRUG_REGENERATE_GOLDEN") != nullptr) {
    std::filesystem::create_directories(TestData("legacy"));
    std::ofstream(plan_file) << "# FromFhir of the legacy DZOP case \"" << c.name
                             << "\" (from_fhir_test.cc).\n"
                             << Text(m.plan);
    std::ofstream(issues_file) << IssueLines(m.issues);
  }
  const auto expected = common::testutil::LoadTextProto<v1::CarePlan>(plan_file);
  EXPECT_EQ(Difference(expected, m.plan), "") << Text(m.plan);
  EXPECT_EQ(IssueLines(m.issues), common::testutil::ReadFile(issues_file)) << Dump(m.issues);
}

INSTANTIATE_TEST_SUITE_P(CarePlanFromFhir, LegacyGolden, testing::ValuesIn(LegacyCases()),
                         [](const testing::TestParamInfo<LegacyCase>& info) {
                           return std::string(info.param.name);
                         });

// The only errors a legacy plan with its own team gives: the examples' practitioners carry no
// identifier at all (a professional needs a NIHDI number, a welfare worker their organisation's
// identifier) and the local service centre neither a NIHDI nor a CBE number. The plan cannot name
// a member it cannot tell apart from another (merging and contributions match members by them).
void ExpectOnlyIdentityErrors(const Mapped& m) {
  for (const fhir::Issue* issue : Errors(m.issues)) {
    EXPECT_EQ(issue->severity, Severity::kError);
    EXPECT_TRUE(issue->expression.ends_with(".resource.identifier"))
        << issue->expression << ": " << issue->diagnostics;
  }
}

const v1::CareTeamMember* MemberByKey(const v1::CarePlan& plan, std::string_view key) {
  for (const v1::CareTeamMember& m : plan.team()) {
    if (m.local_key() == key) return &m;
  }
  return nullptr;
}

TEST(CarePlanFromFhir, LegacyPlanWithItsTeam) {
  SKIP_WITHOUT_LEGACY();
  Mapped m = MapLegacy(Case("careplan1_v1_team_v2"));
  const v1::CarePlan& p = m.plan;
  // The key comes from the CareTeam's identifier, the person from Patient/pia's id.
  EXPECT_EQ(p.local_key(), "DZOP-Pia-2020001");
  EXPECT_EQ(p.patient_local_key(), "pia");
  EXPECT_EQ(p.status(), v1::CARE_PLAN_STATUS_ACTIVE);
  EXPECT_EQ(p.title(), "Careplan Pia 2019-2020");
  EXPECT_EQ(p.start().year(), 2019);
  EXPECT_EQ(p.start().month(), 11);
  EXPECT_EQ(p.start().day(), 2);
  EXPECT_EQ(p.version(), 1);
  ASSERT_EQ(p.team_size(), 5) << Text(p);

  const v1::CareTeamMember* dragon = MemberByKey(p, "dragon");
  ASSERT_NE(dragon, nullptr);
  ASSERT_TRUE(dragon->has_professional());
  EXPECT_EQ(dragon->professional().name().given(0), "Dragon");
  ASSERT_EQ(dragon->roles_size(), 1);
  EXPECT_EQ(dragon->roles(0), v1::CARE_TEAM_ROLE_COORDINATOR);

  const v1::CareTeamMember* christa = MemberByKey(p, "christa");
  ASSERT_NE(christa, nullptr);
  EXPECT_TRUE(christa->has_welfare_worker());  // "welfare-actor"
  EXPECT_EQ(christa->roles_size(), 0);
  const v1::CareTeamMember* nathalie = MemberByKey(p, "nathalie");
  ASSERT_NE(nathalie, nullptr);
  EXPECT_TRUE(nathalie->has_professional());  // "healthcare-actor"

  const v1::CareTeamMember* dina = MemberByKey(p, "dina");
  ASSERT_NE(dina, nullptr);
  ASSERT_TRUE(dina->has_informal_carer());
  EXPECT_EQ(dina->informal_carer().name().given(0), "Dina");
  EXPECT_EQ(dina->until().year(), 2013);
  EXPECT_FALSE(dina->has_since());

  const v1::CareTeamMember* centre = MemberByKey(p, "diensten-gent");
  ASSERT_NE(centre, nullptr);
  ASSERT_TRUE(centre->has_organisation());
  EXPECT_EQ(centre->organisation().name(), "Diensten - Gent");

  // The goals are known by their display only: care goals, each with an information issue.
  ASSERT_EQ(p.care_goals_size(), 3);
  EXPECT_EQ(p.life_goals_size(), 0);
  EXPECT_EQ(p.care_goals(0).description(), "Diabetes management for Patient Pia");
  EXPECT_EQ(p.care_goals(1).description(), "Depression recovery");
  EXPECT_EQ(p.care_goals(2).description(), "Restore family connections");
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource.goal[" + std::to_string(i) + "]"))
        << Dump(m.issues);
  }
  // The appointment activity and the BelRAI assessment have no place in the plan.
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource.activity[0]")) << Dump(m.issues);
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource.supportingInfo[0]")) << Dump(m.issues);
  EXPECT_EQ(p.tasks_size(), 0);
  ExpectOnlyIdentityErrors(m);
}

TEST(CarePlanFromFhir, LegacyDraftPlanTakesTheTeamItNames) {
  SKIP_WITHOUT_LEGACY();
  Mapped m = MapLegacy(Case("careplan1_v0_teams_v0_v1"));
  EXPECT_EQ(m.plan.status(), v1::CARE_PLAN_STATUS_DRAFT);
  EXPECT_EQ(m.plan.version(), 0);
  // Team v1 (with Christa) is the plan's; v0 is reported as not mapped.
  EXPECT_NE(MemberByKey(m.plan, "christa"), nullptr);
  EXPECT_EQ(m.plan.team_size(), 5);
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[1].resource")) << Dump(m.issues);
  ExpectOnlyIdentityErrors(m);
}

TEST(CarePlanFromFhir, LegacyActivityDetailsAreReported) {
  SKIP_WITHOUT_LEGACY();
  Mapped m = MapLegacy(Case("careplan2_v1"));
  EXPECT_EQ(m.plan.tasks_size(), 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource.activity[" + std::to_string(i) + "]"))
        << Dump(m.issues);
  }
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource.replaces")) << Dump(m.issues);
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource.addresses")) << Dump(m.issues);
  EXPECT_EQ(m.plan.care_goals_size(), 3);
  ExpectOnlyIdentityErrors(m);
}

TEST(CarePlanFromFhir, LegacyCommunicationsBecomeCareMessages) {
  SKIP_WITHOUT_LEGACY();
  Mapped m = MapLegacy(Case("careplan1_v1_team_messages"));
  ASSERT_EQ(m.plan.messages_size(), 5) << Text(m.plan);
  const v1::CareMessage& first = m.plan.messages(0);
  EXPECT_EQ(first.local_key(), "be.comm2.1");
  EXPECT_EQ(first.sender(), "nathalie");
  EXPECT_EQ(first.recipients_size(), 0);  // the plan's CareTeam: the whole team
  EXPECT_EQ(first.text(), "Beste team");
  EXPECT_EQ(first.sent().seconds(), 1573455660);  // 2019-11-11T08:01:00+01:00
  EXPECT_EQ(m.plan.messages(3).sender(), "dragon");
  // The MessageHeader is not part of the plan.
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[0].resource")) << Dump(m.issues);
  ExpectOnlyIdentityErrors(m);
}

TEST(CarePlanFromFhir, LegacyMessagesFromOutsideTheTeamAreRefused) {
  SKIP_WITHOUT_LEGACY();
  Mapped m = MapLegacy(Case("careplan2_v1_outside_messages"));
  ASSERT_EQ(m.plan.messages_size(), 6);
  // be.comm1: sent by the platform (Organization/dzop), which is not a member.
  EXPECT_TRUE(HasError(m.issues, "Bundle.entry[7].resource.sender")) << Dump(m.issues);
  // be.comm4.2: to the ad-hoc nurses' team, which is not the plan's team.
  EXPECT_TRUE(HasError(m.issues, "Bundle.entry[9].resource.recipient[0]")) << Dump(m.issues);
  // be.comm5.1: an image besides the text is reported, not kept.
  EXPECT_TRUE(HasInfo(m.issues, "Bundle.entry[10].resource.payload[1]")) << Dump(m.issues);
  EXPECT_EQ(m.plan.messages(3).text(), "Wound is recovering today");
  for (const fhir::Issue* issue : Errors(m.issues)) {
    const bool identity = issue->expression.ends_with(".resource.identifier");
    const bool party = issue->expression.ends_with(".sender") ||
                       issue->expression.find(".recipient[") != std::string::npos;
    EXPECT_TRUE(identity || party) << issue->expression << ": " << issue->diagnostics;
  }
}

TEST(CarePlanFromFhir, LegacyCarePlanAlone) {
  SKIP_WITHOUT_LEGACY();
  std::optional<json::Document> plan =
      ParseText(common::testutil::ReadFile(common::testutil::SharedFile(
                    std::string(kLegacyExamples) + "/CarePlan/pia-careplan1-v1.json")),
                "pia-careplan1-v1");
  ASSERT_TRUE(plan.has_value());
  fhir::IssueCollector issues;
  v1::CarePlan p = FromFhir(plan->root(), common::testutil::TestContext(), issues);
  // Without its CareTeam the key is the CarePlan's id, the person the id in Patient/pia.
  EXPECT_EQ(p.local_key(), "pia-careplan1-v1");
  EXPECT_EQ(p.patient_local_key(), "pia");
  EXPECT_EQ(p.care_goals_size(), 3);
  EXPECT_TRUE(HasError(issues, "CarePlan.careTeam[0]")) << Dump(issues);
  EXPECT_TRUE(HasInfo(issues, "CarePlan.identifier")) << Dump(issues);
  EXPECT_EQ(Errors(issues).size(), 1u) << Dump(issues);
}

// ------------------------------------------------------------------ the ToFhir goldens read back

// The sender's key namespace of a golden Bundle: the system of its CarePlan's plan identifier
// without "/careplan" (the golden test chooses it; reading it here keeps the two tests apart).
std::string BaseOf(const json::Value& bundle) {
  for (const json::Value& entry : bundle.Find("entry")->items()) {
    const json::Value* resource = entry.Find("resource");
    if (resource->FindString("resourceType") != "CarePlan") continue;
    for (const json::Value& id : common::Items(*resource, "identifier")) {
      std::string_view system = id.FindString("system");
      if (system.ends_with("/careplan")) {
        return std::string(system.substr(0, system.size() - std::string_view("/careplan").size()));
      }
    }
  }
  return common::testutil::kBase;
}

TEST(CarePlanFromFhir, ToFhirGoldensReadBack) {
  const std::filesystem::path folder = TestData("golden");
  int read = 0;
  if (std::filesystem::exists(folder)) {
    for (const auto& file : std::filesystem::directory_iterator(folder)) {
      const std::filesystem::path json_path = file.path();
      if (json_path.extension() != ".json") continue;
      const std::string stem = (folder / json_path.stem()).string();
      if (!std::filesystem::exists(stem + ".textproto")) continue;
      SCOPED_TRACE(json_path.filename().string());
      const std::string expected_file = std::filesystem::exists(stem + ".view.textproto")
                                            ? stem + ".view.textproto"
                                            : stem + ".textproto";
      const auto expected = common::testutil::LoadTextProto<v1::CarePlan>(expected_file);
      std::optional<json::Document> bundle =
          ParseText(common::testutil::ReadFile(json_path.string()), json_path.string());
      ASSERT_TRUE(bundle.has_value());
      fhir::IssueCollector issues;
      v1::CarePlan back =
          FromFhir(bundle->root(), common::testutil::TestContext(BaseOf(bundle->root())), issues);
      EXPECT_EQ(Difference(expected, back), "") << Text(back);
      // The adapter's own FHIR: nothing to report at all (no error or warning is required; an
      // information issue would mean ToFhir writes something FromFhir does not read).
      EXPECT_TRUE(issues.issues().empty()) << Dump(issues);
      ++read;
    }
  }
  if (read == 0) GTEST_SKIP() << "no ToFhir golden (testdata/golden/<case>.json + .textproto) yet";
}

// ------------------------------------------------------------------ the project's shape by hand

// A Bundle as ToFhir writes it (member references with the careplan-member identifier, the person
// by identifier), written by hand so that FromFhir is tested on its own. Entries:
// 0 Practitioner, 1 PractitionerRole, 2 RelatedPerson, 3 CareTeam, 4 life Goal, 5 care Goal,
// 6 Task, 7 Communication, 8 Consent, 9 CarePlan.
constexpr char kShape[] = R"({"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":{
  "resourceType":"Practitioner","id":"00000000-0000-4000-8000-000000000001",
  "identifier":[{"system":"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi-professional","value":"10012345001"}],
  "name":[{"family":"Peeters","given":["An"]}]}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{
  "resourceType":"PractitionerRole","id":"00000000-0000-4000-8000-000000000002",
  "practitioner":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"},
  "code":[{"coding":[{"system":"https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty","code":"persmidwife"}]}]}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000003","resource":{
  "resourceType":"RelatedPerson","id":"00000000-0000-4000-8000-000000000003",
  "patient":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "relationship":[{"coding":[{"system":"http://snomed.info/sct","code":"133932002"}]}],
  "name":[{"given":["Dina"]}]}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000004","resource":{
  "resourceType":"CareTeam","id":"00000000-0000-4000-8000-000000000004",
  "identifier":[{"system":"{B}/careplan","value":"ZP-1"}],"status":"active",
  "subject":{"identifier":{"system":"{B}/patient","value":"P-1"}},"name":"Zorgplan Ans",
  "participant":[
    {"member":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002","identifier":{"system":"{B}/careplan-member","value":"m-1"}},
     "role":[{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-team-role","code":"coordinator"}]}],
     "period":{"start":"2026-09-01"}},
    {"member":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003","identifier":{"system":"{B}/careplan-member","value":"m-2"}}}]}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000005","resource":{
  "resourceType":"Goal","id":"00000000-0000-4000-8000-000000000005",
  "identifier":[{"system":"{B}/careplan-life-goal","value":"lg-1"}],"lifecycleStatus":"active",
  "category":[{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-goal-category","code":"life-goal"}]}],
  "description":{"text":"Ik wil weer wandelen in het park"},
  "subject":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "expressedBy":{"identifier":{"system":"{B}/patient","value":"P-1"}},"startDate":"2026-09-02"}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000006","resource":{
  "resourceType":"Goal","id":"00000000-0000-4000-8000-000000000006",
  "meta":{"tag":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-content","code":"clinical"}]},
  "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/goal-relationship","extension":[
    {"url":"type","valueCodeableConcept":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/goal-relationship-type","code":"other"},{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-goal-relation","code":"serves-life-goal"}]}},
    {"url":"target","valueReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000005"}}]}],
  "identifier":[{"system":"{B}/careplan-care-goal","value":"cg-1"}],"lifecycleStatus":"proposed",
  "category":[{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-goal-category","code":"care-goal"}]}],
  "description":{"text":"Pijn onder controle"},
  "subject":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "target":[{"dueDate":"2027-03"}]}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000007","resource":{
  "resourceType":"Task","id":"00000000-0000-4000-8000-000000000007",
  "extension":[
    {"url":"http://hl7.org/fhir/StructureDefinition/task-candidateList","valueReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001","identifier":{"system":"{B}/careplan-member","value":"m-1"}}},
    {"url":"http://hl7.org/fhir/StructureDefinition/task-candidateList","valueReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003"}}],
  "identifier":[{"system":"{B}/careplan-task","value":"t-1"}],"groupIdentifier":{"system":"{B}/careplan-contribution","value":"bib-screening/S-1"},
  "basedOn":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000010"}],
  "status":"in-progress","intent":"plan",
  "code":{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/programme-service","code":"ppa"}]},
  "description":"Huisbezoek plannen",
  "for":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "owner":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002","identifier":{"system":"{B}/careplan-member","value":"m-1"}},
  "reasonReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000006"},
  "restriction":{"period":{"end":"2027-01-15"}}}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000008","resource":{
  "resourceType":"Communication","id":"00000000-0000-4000-8000-000000000008",
  "identifier":[{"system":"{B}/careplan-message","value":"msg-1"}],
  "basedOn":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000010"}],"status":"completed",
  "subject":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "about":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000007"}],
  "sent":"2026-11-23T10:00:00Z",
  "recipient":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000004"}],
  "sender":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003","identifier":{"system":"{B}/careplan-member","value":"m-2"}},
  "payload":[{"contentString":"Dinsdag past, ik breng de kinderen naar school."}]}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000009","resource":{
  "resourceType":"Consent","id":"00000000-0000-4000-8000-000000000009","status":"active",
  "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
  "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
  "patient":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
  "provision":{"type":"permit","provision":[
    {"type":"permit","code":[{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-content","code":"clinical"}]}],
     "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"},{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-member-kind","code":"informal-carer"}]},
               "reference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003","identifier":{"system":"{B}/careplan-member","value":"m-2"}}}],
     "period":{"start":"2026-09-03"}},
    {"type":"deny","code":[{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-content","code":"life-goals"}]}],
     "actor":[{"role":{"coding":[{"system":"https://zorgbrug.be/fhir/CodeSystem/careplan-member-kind","code":"organisation"}]},
               "reference":{"display":"Every organisation of the team"}}]}]}}},
{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000010","resource":{
  "resourceType":"CarePlan","id":"00000000-0000-4000-8000-000000000010","meta":{"versionId":"3"},
  "identifier":[{"system":"{B}/careplan","value":"ZP-1"}],"status":"active","intent":"plan",
  "title":"Zorgplan Ans","subject":{"identifier":{"system":"{B}/patient","value":"P-1"}},
  "period":{"start":"2026-09-01"},
  "careTeam":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000004"}],
  "goal":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000005"},{"reference":"urn:uuid:00000000-0000-4000-8000-000000000006"}],
  "activity":[{"reference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000007"}}],
  "supportingInfo":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000009"},
    {"identifier":{"system":"{B}/pregnancy","value":"PR-1"}},
    {"identifier":{"system":"{B}/careplan-contribution","value":"bib-screening/S-1"}}]}}
]})";

constexpr char kShapePlan[] = R"pb(
  local_key: "ZP-1"
  patient_local_key: "P-1"
  pregnancy_local_key: "PR-1"
  status: CARE_PLAN_STATUS_ACTIVE
  title: "Zorgplan Ans"
  start { year: 2026 month: 9 day: 1 }
  life_goals {
    local_key: "lg-1"
    text: "Ik wil weer wandelen in het park"
    expressed_on { year: 2026 month: 9 day: 2 }
    status: GOAL_STATUS_ACTIVE
  }
  care_goals {
    local_key: "cg-1"
    description: "Pijn onder controle"
    life_goals: "lg-1"
    status: GOAL_STATUS_PROPOSED
    target { year: 2027 month: 3 }
    clinical: true
  }
  tasks {
    local_key: "t-1"
    description: "Huisbezoek plannen"
    owner: "m-1"
    candidates: "m-1"
    due { year: 2027 month: 1 day: 15 }
    status: CARE_PLAN_TASK_STATUS_IN_PROGRESS
    goal: "cg-1"
    service: PROGRAMME_SERVICE_PPA
    source: "bib-screening/S-1"
  }
  team {
    local_key: "m-1"
    professional {
      nihdi: "10012345001"
      name { family: "Peeters" given: "An" }
      role { code: "persmidwife" }
    }
    roles: CARE_TEAM_ROLE_COORDINATOR
    since { year: 2026 month: 9 day: 1 }
  }
  team {
    local_key: "m-2"
    informal_carer {
      relationship: RELATIONSHIP_INFORMAL_CARER
      name { given: "Dina" }
    }
  }
  messages {
    local_key: "msg-1"
    sender: "m-2"
    sent { seconds: 1795428000 }
    text: "Dinsdag past, ik breng de kinderen naar school."
    about_task: "t-1"
  }
  access {
    member: "m-2"
    member_kind: MEMBER_KIND_INFORMAL_CARER
    content: CONTENT_CLASS_CLINICAL
    permit: true
    decided_on { year: 2026 month: 9 day: 3 }
  }
  access { member_kind: MEMBER_KIND_ORGANISATION content: CONTENT_CLASS_LIFE_GOALS }
  version: 3
  contributions: "bib-screening/S-1"
)pb";

// `text` with {B} replaced by the key namespace of the test context.
std::string WithBase(std::string_view text) {
  std::string out(text);
  for (size_t at = out.find("{B}"); at != std::string::npos; at = out.find("{B}", at)) {
    out.replace(at, 3, common::testutil::kBase);
  }
  return out;
}

std::string Shape() { return WithBase(kShape); }

// `text` with `from` (which must occur exactly once) replaced by `to`.
std::string Edit(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Mapped MapText(const std::string& text) {
  Mapped m;
  std::optional<json::Document> doc = ParseText(text, "edited bundle");
  if (doc.has_value()) m.plan = FromFhir(doc->root(), common::testutil::TestContext(), m.issues);
  return m;
}

TEST(CarePlanFromFhir, ProjectShapeMapsWithoutFindings) {
  Mapped m = MapText(Shape());
  v1::CarePlan expected;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kShapePlan, &expected));
  EXPECT_EQ(Difference(expected, m.plan), "") << Text(m.plan);
  EXPECT_TRUE(m.issues.issues().empty()) << Dump(m.issues);
}

// The implicit candidate (the RelatedPerson without member identifier) counts in a Task that is
// not the project's: then every candidate is read from its reference.
TEST(CarePlanFromFhir, ForeignTaskReadsEveryCandidate) {
  Mapped m = MapText(
      Edit(Shape(), WithBase(R"("system":"{B}/careplan-task")"), R"("system":"urn:other")"));
  ASSERT_EQ(m.plan.tasks_size(), 1);
  EXPECT_EQ(m.plan.tasks(0).local_key(), "00000000-0000-4000-8000-000000000007");
  ASSERT_EQ(m.plan.tasks(0).candidates_size(), 2);
  EXPECT_EQ(m.plan.tasks(0).candidates(1), "m-2");
  EXPECT_TRUE(Errors(m.issues).empty()) << Dump(m.issues);
}

TEST(CarePlanFromFhir, AReferenceByIdentifierResolves) {
  // The CareTeam refers to the RelatedPerson by an identifier it carries, not by fullUrl.
  std::string text = Edit(
      Shape(),
      WithBase(
          R"({"member":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003","identifier":{"system":"{B}/careplan-member","value":"m-2"}}})"),
      R"({"member":{"identifier":{"system":"urn:dina","value":"d-1"}}})");
  text = Edit(text, R"("name":[{"given":["Dina"]}])",
              R"("name":[{"given":["Dina"]}],"identifier":[{"system":"urn:dina","value":"d-1"}])");
  Mapped m = MapText(text);
  ASSERT_EQ(m.plan.team_size(), 2);
  EXPECT_EQ(m.plan.team(1).local_key(), "00000000-0000-4000-8000-000000000003");
  EXPECT_TRUE(m.plan.team(1).has_informal_carer());
}

// A wrong version of the shape: `from` (written with {B} for the key namespace) becomes `to`.
struct BadCase {
  const char* name;
  std::string_view from;
  std::string_view to;
  const char* expression;  // where the error must be
};

const BadCase kBadCases[] = {
    {"UnknownPlanStatus", R"("status":"active","intent":"plan")",
     R"("status":"finished","intent":"plan")", "Bundle.entry[9].resource.status"},
    {"TaskNamesAnUnknownGoal",
     R"("reasonReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000006"})",
     R"("reasonReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000099"})",
     "Bundle.entry[6].resource.reasonReference"},
    {"GoalWithoutDescription", R"("description":{"text":"Ik wil weer wandelen in het park"},)", "",
     "Bundle.entry[4].resource.description"},
    {"ParticipantCannotBeResolved",
     R"({"member":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003","identifier":{"system":"{B}/careplan-member","value":"m-2"}}})",
     R"({"member":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000098","identifier":{"system":"{B}/careplan-member","value":"m-2"}}})",
     "Bundle.entry[3].resource.participant[1].member"},
    {"MalformedPlanStart", R"("period":{"start":"2026-09-01"},)",
     R"("period":{"start":"01/09/2026"},)", "Bundle.entry[9].resource.period.start"},
    {"MalformedDueDate", R"("end":"2027-01-15")", R"("end":"2027-13-15")",
     "Bundle.entry[6].resource.restriction.period.end"},
    {"UnknownTaskStatus", R"("status":"in-progress")", R"("status":"draft")",
     "Bundle.entry[6].resource.status"},
    {"UnknownGoalStatus", R"("lifecycleStatus":"proposed")", R"("lifecycleStatus":"planned")",
     "Bundle.entry[5].resource.lifecycleStatus"},
    {"SentWithoutZone", R"("sent":"2026-11-23T10:00:00Z")", R"("sent":"2026-11-23T10:00:00")",
     "Bundle.entry[7].resource.sent"},
    {"OwnerIsNoMember",
     R"("owner":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002","identifier":{"system":"{B}/careplan-member","value":"m-1"}})",
     R"("owner":{"identifier":{"system":"{B}/careplan-member","value":"m-9"}})",
     "Bundle.entry[6].resource.owner"},
    {"UnknownRoleCode", R"("code":"coordinator")", R"("code":"boss")",
     "Bundle.entry[3].resource.participant[0].role[0].coding[0]"},
    {"LinkToACareGoal",
     R"({"url":"target","valueReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000005"}})",
     R"({"url":"target","valueReference":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000006"}})",
     "Bundle.entry[5].resource.extension[0].extension[1].valueReference"},
    {"DecisionWithoutType", R"({"type":"deny",)", R"({)",
     "Bundle.entry[8].resource.provision.provision[1].type"},
    {"AnotherPerson", R"("for":{"identifier":{"system":"{B}/patient","value":"P-1"}})",
     R"("for":{"identifier":{"system":"{B}/patient","value":"P-2"}})",
     "Bundle.entry[6].resource.for"},
};

void PrintTo(const BadCase& c, std::ostream* out) { *out << c.name; }

class BadInput : public testing::TestWithParam<BadCase> {};

TEST_P(BadInput, IsAnErrorAtItsLocation) {
  const BadCase& c = GetParam();
  Mapped m = MapText(Edit(Shape(), WithBase(c.from), WithBase(c.to)));
  EXPECT_TRUE(HasError(m.issues, c.expression)) << Dump(m.issues);
}

INSTANTIATE_TEST_SUITE_P(CarePlanFromFhir, BadInput, testing::ValuesIn(kBadCases),
                         [](const testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(CarePlanFromFhir, TwoCarePlansAreAnError) {
  std::string text = Shape();
  const std::string marker = R"({"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000010")";
  const size_t at = text.find(marker);
  ASSERT_NE(at, std::string::npos);
  std::string plan_entry = text.substr(at, text.rfind(']') - at);
  plan_entry = Edit(plan_entry, "000000000010\",\"resource", "000000000011\",\"resource");
  text.insert(text.rfind(']'), "," + plan_entry);
  Mapped m = MapText(text);
  EXPECT_TRUE(HasError(m.issues, "Bundle.entry[10].resource")) << Dump(m.issues);
  EXPECT_EQ(m.plan.local_key(), "ZP-1");  // the first is mapped
}

TEST(CarePlanFromFhir, NoCarePlanIsAnError) {
  Mapped m = MapText(R"({"resourceType":"Bundle","type":"collection","entry":[
      {"resource":{"resourceType":"Patient","id":"pia"}}]})");
  EXPECT_TRUE(HasError(m.issues, "Bundle.entry")) << Dump(m.issues);
}

}  // namespace
}  // namespace zorgbrug::adapters::careplan
