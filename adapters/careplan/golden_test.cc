// Golden tests of the care-plan adapter, proto -> FHIR, through its public API.
//
// testdata/golden/<case>.textproto is a CarePlan that must pass CheckPlan and map (for the audience
// named in the case table below, if any) to testdata/golden/<case>.json, compared by meaning
// (json::Equal); the Bundle must validate without errors against R4 and the Belgian profiles it
// claims, and have the shape the README promises (profiles, candidates, goal categories, order).
// For an audience case, <case>.view.textproto is the plan as rules.h ViewFor returns it for that
// member: what the JSON stands for (from_fhir_test.cc maps each JSON back and compares it with the
// view when there is one, else with the plan).
// Set ZORGBRUG_REGENERATE_GOLDEN=1 to rewrite the JSON and the views after a deliberate change
// (then review the diff).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/careplan/careplan.h"
#include "adapters/careplan/fhir_shape.h"
#include "adapters/careplan/rules.h"
#include "adapters/common/test_util.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::careplan {
namespace {

namespace json = fhir::json;
using common::testutil::Dump;
using common::testutil::HasError;

constexpr char kGoldenBase[] = "https://platform.zorgbrug.example.be/fhir/NamingSystem";

MappingContext TestContext() { return common::testutil::TestContext(kGoldenBase); }

std::string Golden(const std::string& name) {
  return std::string(ZORGBRUG_CAREPLAN_TESTDATA) + "/golden/" + name;
}

std::string Key(std::string_view what) {
  return std::string(kGoldenBase) + "/" + std::string(what);
}

std::string Difference(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  std::string difference;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  return differ.Compare(a, b) ? std::string() : difference + " ";
}

// One golden case: its file name, and the team member it is mapped for ("" for the whole plan).
struct Case {
  const char* name;
  const char* audience;
};

constexpr Case kCases[] = {
    {"minimal_active", ""},
    {"perinatal_full", ""},
    {"draft_plan", ""},
    {"completed_at_second_birthday", ""},
    {"tasks_without_candidates", ""},
    {"task_for_the_person", ""},
    {"life_goal_by_informal_carer", ""},
    {"clinical_content_tagged", ""},
    {"contributions_and_pregnancy", ""},
    {"on_hold_version_12", ""},
    {"revoked_with_access_by_kind", ""},
    {"audience_partner", "m-partner"},
    {"audience_partner_permitted", "m-partner"},
    {"audience_welfare_worker", "m-social"},
    {"audience_gp", "m-gp"},
};

struct Mapped {
  v1::CarePlan plan;  // the case's plan
  v1::CarePlan seen;  // what the audience may see: the plan itself without audience
  json::Document bundle;
};

// Loads a golden case, checks it and maps it for its audience.
Mapped MapCase(const Case& c) {
  Mapped m;
  m.plan =
      common::testutil::LoadTextProto<v1::CarePlan>(Golden(std::string(c.name) + ".textproto"));
  fhir::IssueCollector check;
  CheckPlan(m.plan, check);
  EXPECT_FALSE(check.HasErrors()) << c.name << "\n" << Dump(check);
  m.seen = m.plan;
  if (*c.audience != '\0') {
    std::optional<v1::CarePlan> view = ViewFor(m.plan, c.audience);
    EXPECT_TRUE(view.has_value()) << c.name;
    if (view.has_value()) m.seen = *view;
  }
  fhir::IssueCollector mapping;
  m.bundle = ToFhir(m.plan, Audience{c.audience}, TestContext(), mapping);
  EXPECT_TRUE(mapping.issues().empty()) << c.name << "\n" << Dump(mapping);
  return m;
}

Mapped MapCase(std::string_view name) {
  for (const Case& c : kCases) {
    if (c.name == name) return MapCase(c);
  }
  ADD_FAILURE() << "no golden case " << name;
  return {};
}

std::vector<json::Value> Resources(const json::Document& bundle, std::string_view type) {
  std::vector<json::Value> out;
  if (const json::Value* entries = bundle.root().Find("entry")) {
    for (const json::Value& entry : entries->items()) {
      const json::Value* resource = entry.Find("resource");
      if (resource != nullptr && resource->FindString("resourceType") == type) {
        out.push_back(*resource);
      }
    }
  }
  return out;
}

// The value of the identifier of `resource` with system <base>/<what>.
std::string_view KeyOf(const json::Value& resource, std::string_view what) {
  for (const json::Value& id : common::Items(resource, "identifier")) {
    if (id.FindString("system") == Key(what)) return id.FindString("value");
  }
  return {};
}

bool Claims(const json::Value& resource, std::string_view profile) {
  const json::Value* meta = resource.Find("meta");
  if (meta == nullptr) return false;
  for (const json::Value& p : common::Items(*meta, "profile")) {
    if (p.text() == profile) return true;
  }
  return false;
}

bool TaggedClinical(const json::Value& resource) {
  const json::Value* meta = resource.Find("meta");
  if (meta == nullptr) return false;
  for (const json::Value& tag : common::Items(*meta, "tag")) {
    if (tag.FindString("system") == internal::kContentSystem &&
        tag.FindString("code") == "clinical")
      return true;
  }
  return false;
}

std::string_view CategoryOf(const json::Value& goal) {
  std::span<const json::Value> categories = common::Items(goal, "category");
  if (categories.size() != 1) return {};
  std::span<const json::Value> codings = common::Items(categories[0], "coding");
  if (codings.size() != 1 || codings[0].FindString("system") != internal::kGoalCategorySystem) {
    return {};
  }
  return codings[0].FindString("code");
}

// The facts the README promises, checked directly rather than through the golden file: one
// resource per element with its key, the profiles claimed, a candidate on every Task, each Goal's
// category, the clinical tags, and the CarePlan last.
void ExpectShape(const v1::CarePlan& seen, const json::Document& bundle) {
  const json::Value& root = bundle.root();
  EXPECT_EQ(root.FindString("type"), "collection");
  std::span<const json::Value> entries = common::Items(root, "entry");
  ASSERT_FALSE(entries.empty());
  const json::Value& last = *entries.back().Find("resource");
  EXPECT_EQ(last.FindString("resourceType"), "CarePlan");
  EXPECT_TRUE(Claims(last, internal::kCarePlanProfile));
  EXPECT_EQ(KeyOf(last, internal::kCarePlanKey), seen.local_key());
  EXPECT_EQ(Resources(bundle, "CarePlan").size(), 1u);

  std::vector<json::Value> teams = Resources(bundle, "CareTeam");
  ASSERT_EQ(teams.size(), 1u);
  EXPECT_TRUE(Claims(teams[0], internal::kCareTeamProfile));
  EXPECT_EQ(common::Items(teams[0], "participant").size(), static_cast<size_t>(seen.team_size()));

  std::vector<json::Value> goals = Resources(bundle, "Goal");
  ASSERT_EQ(goals.size(), static_cast<size_t>(seen.life_goals_size() + seen.care_goals_size()));
  for (size_t i = 0; i < goals.size(); ++i) {
    const bool life = i < static_cast<size_t>(seen.life_goals_size());
    EXPECT_TRUE(Claims(goals[i], internal::kGoalProfile));
    EXPECT_EQ(CategoryOf(goals[i]), life ? internal::kLifeGoalCode : internal::kCareGoalCode) << i;
    if (life) {
      EXPECT_EQ(KeyOf(goals[i], internal::kLifeGoalKey), seen.life_goals(i).local_key());
      EXPECT_FALSE(TaggedClinical(goals[i]));
    } else {
      const v1::CareGoal& goal = seen.care_goals(i - seen.life_goals_size());
      EXPECT_EQ(KeyOf(goals[i], internal::kCareGoalKey), goal.local_key());
      EXPECT_EQ(TaggedClinical(goals[i]), goal.clinical()) << goal.local_key();
    }
  }

  std::vector<json::Value> tasks = Resources(bundle, "Task");
  ASSERT_EQ(tasks.size(), static_cast<size_t>(seen.tasks_size()));
  for (size_t i = 0; i < tasks.size(); ++i) {
    const v1::CarePlanTask& task = seen.tasks(i);
    EXPECT_TRUE(Claims(tasks[i], internal::kTaskProfile));
    EXPECT_EQ(KeyOf(tasks[i], internal::kTaskKey), task.local_key());
    EXPECT_EQ(TaggedClinical(tasks[i]), task.clinical()) << task.local_key();
    size_t candidates = 0;
    for (const json::Value& extension : common::Items(tasks[i], "extension")) {
      if (extension.FindString("url") != internal::kCandidateListExtension) continue;
      ++candidates;
      EXPECT_TRUE(extension.Find("valueReference") != nullptr) << task.local_key();
    }
    EXPECT_GE(candidates, 1u) << task.local_key();
    if (task.candidates_size() > 0) {
      EXPECT_EQ(candidates, static_cast<size_t>(task.candidates_size()));
    }
  }

  std::vector<json::Value> messages = Resources(bundle, "Communication");
  ASSERT_EQ(messages.size(), static_cast<size_t>(seen.messages_size()));
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(KeyOf(messages[i], internal::kMessageKey), seen.messages(i).local_key());
    EXPECT_EQ(TaggedClinical(messages[i]), seen.messages(i).clinical());
  }
  EXPECT_EQ(Resources(bundle, "Consent").size(), seen.access().empty() ? 0u : 1u);
  EXPECT_TRUE(Resources(bundle, "Patient").empty());
}

void WriteView(const std::string& path, const v1::CarePlan& view, const std::string& case_name,
               const std::string& member) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(true);
  std::string text;
  printer.PrintToString(view, &text);
  std::ofstream(path) << "# Generated by golden_test.cc (ZORGBRUG_REGENERATE_GOLDEN=1): "
                      << case_name << ".textproto as rules.h ViewFor returns it for " << member
                      << ".\n"
                      << text;
}

class GoldenCase : public testing::TestWithParam<Case> {};

TEST_P(GoldenCase, MapsAndValidates) {
  const Case& c = GetParam();
  const std::string name = c.name;
  Mapped m = MapCase(c);
  const std::string written = json::Write(m.bundle.root(), {.pretty = true}) + "\n";
  const bool regenerate = std::getenv("ZORGBRUG_REGENERATE_GOLDEN") != nullptr;
  if (regenerate) {
    std::ofstream(Golden(name + ".json")) << written;
    if (*c.audience != '\0') WriteView(Golden(name + ".view.textproto"), m.seen, name, c.audience);
  }
  fhir::IssueCollector parse;
  std::optional<json::Document> expected =
      json::Parse(common::testutil::ReadFile(Golden(name + ".json")), json::ParseLimits{}, parse);
  ASSERT_TRUE(expected.has_value()) << Dump(parse);
  EXPECT_TRUE(json::Equal(m.bundle.root(), expected->root())) << written;

  if (*c.audience != '\0') {
    auto view = common::testutil::LoadTextProto<v1::CarePlan>(Golden(name + ".view.textproto"));
    EXPECT_EQ(Difference(view, m.seen), "");
  }

  fhir::IssueCollector validation;
  fhir::validation::Validate(m.bundle.root(), {}, validation);
  EXPECT_FALSE(validation.HasErrors()) << Dump(validation);
  ExpectShape(m.seen, m.bundle);
}

INSTANTIATE_TEST_SUITE_P(CarePlanAdapter, GoldenCase, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

// The resource of the entry with `full_url`, or nullptr.
const json::Value* Resolve(const json::Document& bundle, std::string_view full_url) {
  for (const json::Value& entry : common::Items(bundle.root(), "entry")) {
    if (entry.FindString("fullUrl") == full_url) return entry.Find("resource");
  }
  return nullptr;
}

// The resource of `type` whose key (identifier <base>/<what>) is `key`.
json::Value ByKey(const json::Document& bundle, std::string_view type, std::string_view what,
                  std::string_view key) {
  for (const json::Value& resource : Resources(bundle, type)) {
    if (KeyOf(resource, what) == key) return resource;
  }
  ADD_FAILURE() << type << " " << key;
  return json::Value();
}

std::vector<json::Value> Candidates(const json::Value& task) {
  std::vector<json::Value> out;
  for (const json::Value& extension : common::Items(task, "extension")) {
    if (extension.FindString("url") == internal::kCandidateListExtension) {
      out.push_back(*extension.Find("valueReference"));
    }
  }
  return out;
}

// The member key a Reference carries, or "".
std::string_view MemberKeyOf(const json::Value& reference) {
  const json::Value* id = reference.Find("identifier");
  if (id == nullptr || id->FindString("system") != Key(internal::kMemberKey)) return {};
  return id->FindString("value");
}

const v1::CareMessage& Message(const v1::CarePlan& plan, std::string_view key) {
  for (const v1::CareMessage& m : plan.messages()) {
    if (m.local_key() == key) return m;
  }
  ADD_FAILURE() << key;
  return v1::CareMessage::default_instance();
}

bool Shows(const json::Document& bundle, std::string_view text) {
  return json::Write(bundle.root(), {}).find(text) != std::string::npos;
}

// The partner is an informal carer the woman gave no clinical permission: no clinical Goal, Task
// or Communication reaches him, neither by tag nor by its text, nor the messages addressed to
// others, nor her decisions about other members; her life goals and the care organisation do.
TEST(CarePlanAudience, PartnerSeesNoClinicalContent) {
  Mapped m = MapCase("audience_partner");
  for (const char* type : {"Goal", "Task", "Communication"}) {
    for (const json::Value& resource : Resources(m.bundle, type)) {
      EXPECT_FALSE(TaggedClinical(resource)) << type;
    }
  }
  for (const v1::CareGoal& goal : m.plan.care_goals()) {
    EXPECT_EQ(Shows(m.bundle, goal.description()), !goal.clinical()) << goal.local_key();
  }
  for (const v1::CarePlanTask& task : m.plan.tasks()) {
    EXPECT_EQ(Shows(m.bundle, task.description()), !task.clinical()) << task.local_key();
  }
  for (const v1::CareMessage& message : m.plan.messages()) {
    if (message.clinical()) {
      EXPECT_FALSE(Shows(m.bundle, message.text())) << message.local_key();
    }
  }
  for (const v1::LifeGoal& goal : m.plan.life_goals()) {
    EXPECT_TRUE(Shows(m.bundle, goal.text())) << goal.local_key();
  }
  EXPECT_TRUE(Shows(m.bundle, Message(m.plan, "msg-1").text()));  // to the whole team
  EXPECT_TRUE(Shows(m.bundle, Message(m.plan, "msg-4").text()));  // to him
  for (const json::Value& consent : Resources(m.bundle, "Consent")) {
    for (const json::Value& provision : common::Items(*consent.Find("provision"), "provision")) {
      for (const json::Value& actor : common::Items(provision, "actor")) {
        std::string_view member = MemberKeyOf(*actor.Find("reference"));
        EXPECT_TRUE(member.empty() || member == "m-partner") << member;
      }
    }
  }
}

// Once she permits him clinical content, the clinical goals and tasks reach him; a clinical
// message addressed to others still does not.
TEST(CarePlanAudience, PermittedPartnerSeesClinicalGoalsButNotOthersMessages) {
  Mapped m = MapCase("audience_partner_permitted");
  int clinical = 0;
  for (const char* type : {"Goal", "Task"}) {
    for (const json::Value& resource : Resources(m.bundle, type))
      clinical += TaggedClinical(resource);
  }
  EXPECT_EQ(clinical, 3);  // cg-wellbeing, t-ppa-1, t-epds
  EXPECT_TRUE(Shows(m.bundle, m.plan.care_goals(1).description()));
  EXPECT_FALSE(Shows(m.bundle, Message(m.plan, "msg-2").text()));  // to the midwife and GP
  EXPECT_TRUE(Shows(m.bundle, Message(m.plan, "msg-3").text()));   // to him
}

// A professional sees every class of content, but only the messages for the team or for them.
TEST(CarePlanAudience, GpSeesClinicalContentAndOnlyTheirMessages) {
  Mapped m = MapCase("audience_gp");
  EXPECT_EQ(Resources(m.bundle, "Task").size(), static_cast<size_t>(m.plan.tasks_size()));
  EXPECT_TRUE(Shows(m.bundle, Message(m.plan, "msg-2").text()));  // clinical, to the GP
  EXPECT_FALSE(
      Shows(m.bundle, Message(m.plan, "msg-3").text()));  // to the partner and social worker
  EXPECT_FALSE(Shows(m.bundle, Message(m.plan, "msg-4").text()));  // to the partner
}

// The woman's decision about the social worker beats the default of her kind.
TEST(CarePlanAudience, WelfareWorkerSeesWhatSheWasPermitted) {
  Mapped m = MapCase("audience_welfare_worker");
  EXPECT_TRUE(Shows(m.bundle, m.plan.care_goals(1).description()));  // clinical, permitted
  EXPECT_TRUE(Shows(m.bundle, Message(m.plan, "msg-3").text()));     // to her
  EXPECT_FALSE(Shows(m.bundle, Message(m.plan, "msg-2").text()));    // to the midwife and GP
}

// A member key that is not in the team: an error at audience.member and an empty, valid Bundle.
TEST(CarePlanAudience, UnknownMemberIsAnErrorAndAnEmptyBundle) {
  auto plan = common::testutil::LoadTextProto<v1::CarePlan>(Golden("perinatal_full.textproto"));
  fhir::IssueCollector issues;
  json::Document bundle = ToFhir(plan, Audience{"m-nobody"}, TestContext(), issues);
  EXPECT_TRUE(HasError(issues, "audience.member")) << Dump(issues);
  EXPECT_EQ(bundle.root().FindString("resourceType"), "Bundle");
  EXPECT_EQ(bundle.root().FindString("type"), "collection");
  EXPECT_TRUE(common::Items(bundle.root(), "entry").empty());
  common::testutil::ExpectValid(bundle.root());
}

// A member whose NIHDI number is wrong is refused at the proto field.
TEST(CarePlanAdapter, MappingErrorsNameTheProtoField) {
  auto plan = common::testutil::LoadTextProto<v1::CarePlan>(Golden("perinatal_full.textproto"));
  plan.mutable_team(1)->mutable_professional()->set_nihdi("1001234560");
  fhir::IssueCollector issues;
  ToFhir(plan, Audience{}, TestContext(), issues);
  EXPECT_TRUE(HasError(issues, "plan.team[1].professional.nihdi")) << Dump(issues);
}

// Without candidates, the owner's Practitioner stands in, else every coordinator's, else the
// person; only explicit candidates carry a member key.
TEST(CarePlanAdapter, CandidatesStandInForTasksWithoutAny) {
  Mapped m = MapCase("tasks_without_candidates");
  auto practitioner_of = [&](const json::Value& reference) -> std::string_view {
    const json::Value* target = Resolve(m.bundle, reference.FindString("reference"));
    if (target == nullptr || target->FindString("resourceType") != "Practitioner") return {};
    return common::Items(*target, "identifier")[0].FindString("value");
  };
  std::vector<json::Value> owned =
      Candidates(ByKey(m.bundle, "Task", internal::kTaskKey, "t-owned"));
  ASSERT_EQ(owned.size(), 1u);
  EXPECT_EQ(practitioner_of(owned[0]), "10012345601");
  EXPECT_EQ(MemberKeyOf(owned[0]), "");
  std::vector<json::Value> open = Candidates(ByKey(m.bundle, "Task", internal::kTaskKey, "t-open"));
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(practitioner_of(open[0]), "40012345603");
  EXPECT_EQ(practitioner_of(open[1]), "OCMW-77");
  EXPECT_EQ(open[1].Find("identifier"), nullptr);
  std::vector<json::Value> named =
      Candidates(ByKey(m.bundle, "Task", internal::kTaskKey, "t-named"));
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(practitioner_of(named[0]), "OCMW-77");
  EXPECT_EQ(MemberKeyOf(named[0]), "m-social");

  Mapped person = MapCase("task_for_the_person");
  std::vector<json::Value> self = Candidates(Resources(person.bundle, "Task")[0]);
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0].Find("reference"), nullptr);
  EXPECT_EQ(self[0].Find("identifier")->FindString("system"), Key(internal::kPatientKey));
  EXPECT_EQ(self[0].Find("identifier")->FindString("value"), "P-3377");
}

// A care goal names each life goal it serves with the goal-relationship extension, in order.
TEST(CarePlanAdapter, CareGoalsLinkTheirLifeGoals) {
  Mapped m = MapCase("perinatal_full");
  json::Value goal = ByKey(m.bundle, "Goal", internal::kCareGoalKey, "cg-housing");
  std::vector<std::string_view> targets;
  for (const json::Value& extension : common::Items(goal, "extension")) {
    ASSERT_EQ(extension.FindString("url"), internal::kGoalRelationshipExtension);
    for (const json::Value& part : common::Items(extension, "extension")) {
      if (part.FindString("url") != "target") continue;
      const json::Value* life =
          Resolve(m.bundle, part.Find("valueReference")->FindString("reference"));
      ASSERT_NE(life, nullptr);
      targets.push_back(KeyOf(*life, internal::kLifeGoalKey));
    }
  }
  EXPECT_EQ(targets, (std::vector<std::string_view>{"lg-1", "lg-2"}));
  // The task towards it names it as its reason.
  json::Value task = ByKey(m.bundle, "Task", internal::kTaskKey, "t-housing");
  const json::Value* reason =
      Resolve(m.bundle, task.Find("reasonReference")->FindString("reference"));
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(KeyOf(*reason, internal::kCareGoalKey), "cg-housing");
}

// Who wrote a life goal down: an informal carer (RelatedPerson and key), an organisation (its key
// alone: Goal.expressedBy allows no Organization), or the woman herself (her identifier).
TEST(CarePlanAdapter, LifeGoalsNameWhoExpressedThem) {
  Mapped m = MapCase("life_goal_by_informal_carer");
  json::Value mother =
      *ByKey(m.bundle, "Goal", internal::kLifeGoalKey, "lg-mother").Find("expressedBy");
  EXPECT_EQ(MemberKeyOf(mother), "m-mother");
  const json::Value* carer = Resolve(m.bundle, mother.FindString("reference"));
  ASSERT_NE(carer, nullptr);
  EXPECT_EQ(carer->FindString("resourceType"), "RelatedPerson");
  json::Value centre =
      *ByKey(m.bundle, "Goal", internal::kLifeGoalKey, "lg-centre").Find("expressedBy");
  EXPECT_EQ(MemberKeyOf(centre), "m-centre");
  EXPECT_EQ(centre.Find("reference"), nullptr);
  json::Value own = *ByKey(m.bundle, "Goal", internal::kLifeGoalKey, "lg-own").Find("expressedBy");
  EXPECT_EQ(own.Find("identifier")->FindString("system"), Key(internal::kPatientKey));
}

// Her access decisions: one Consent provision each, about a member (v3 IRCP and the member) or
// about a kind (the kind as role, a display-only reference); the CarePlan refers to the Consent.
TEST(CarePlanAdapter, AccessDecisionsBecomeConsentProvisions) {
  Mapped m = MapCase("perinatal_full");
  std::vector<json::Value> consents = Resources(m.bundle, "Consent");
  ASSERT_EQ(consents.size(), 1u);
  const json::Value& outer = *consents[0].Find("provision");
  EXPECT_EQ(outer.FindString("type"), "permit");
  std::span<const json::Value> provisions = common::Items(outer, "provision");
  ASSERT_EQ(provisions.size(), 3u);
  auto role_codes = [](const json::Value& provision) {
    std::vector<std::string_view> codes;
    const json::Value& actor = common::Items(provision, "actor")[0];
    for (const json::Value& coding : common::Items(*actor.Find("role"), "coding")) {
      codes.push_back(coding.FindString("code"));
    }
    return codes;
  };
  auto content = [](const json::Value& provision) {
    return common::Items(common::Items(provision, "code")[0], "coding")[0].FindString("code");
  };
  auto actor = [](const json::Value& provision) {
    return *common::Items(provision, "actor")[0].Find("reference");
  };
  EXPECT_EQ(provisions[0].FindString("type"), "permit");
  EXPECT_EQ(role_codes(provisions[0]), (std::vector<std::string_view>{"IRCP", "welfare-worker"}));
  EXPECT_EQ(MemberKeyOf(actor(provisions[0])), "m-social");
  EXPECT_EQ(content(provisions[0]), "clinical");
  EXPECT_EQ(provisions[1].FindString("type"), "deny");
  EXPECT_EQ(MemberKeyOf(actor(provisions[1])), "m-aunt");
  EXPECT_EQ(provisions[2].FindString("type"), "deny");
  EXPECT_EQ(role_codes(provisions[2]), (std::vector<std::string_view>{"organisation"}));
  EXPECT_EQ(actor(provisions[2]).Find("reference"), nullptr);
  EXPECT_FALSE(actor(provisions[2]).FindString("display").empty());
  EXPECT_EQ(content(provisions[2]), "life-goals");
  json::Value plan = Resources(m.bundle, "CarePlan")[0];
  const json::Value* first =
      Resolve(m.bundle, common::Items(plan, "supportingInfo")[0].FindString("reference"));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->FindString("resourceType"), "Consent");
}

// The contributions and the pregnancy travel by key in CarePlan.supportingInfo, a contribution's
// tasks and messages carry their source; the version is meta.versionId.
TEST(CarePlanAdapter, ContributionsPregnancyAndVersionTravelOnTheCarePlan) {
  Mapped m = MapCase("contributions_and_pregnancy");
  json::Value plan = Resources(m.bundle, "CarePlan")[0];
  std::vector<std::string> infos;
  for (const json::Value& info : common::Items(plan, "supportingInfo")) {
    const json::Value* id = info.Find("identifier");
    ASSERT_NE(id, nullptr);
    infos.push_back(std::string(id->FindString("system")) + "|" +
                    std::string(id->FindString("value")));
  }
  EXPECT_EQ(infos, (std::vector<std::string>{
                       Key(internal::kPregnancyKey) + "|PR-4716-1",
                       Key(internal::kContributionKey) + "|bib-screening/S-2026-0107",
                       Key(internal::kContributionKey) + "|consultation/OV-2026-0017"}));
  EXPECT_EQ(plan.Find("meta")->FindString("versionId"), "2");
  json::Value task = ByKey(m.bundle, "Task", internal::kTaskKey, "consultation/OV-2026-0017/A1");
  EXPECT_EQ(task.Find("groupIdentifier")->FindString("value"), "consultation/OV-2026-0017");
  json::Value message = Resources(m.bundle, "Communication")[0];
  EXPECT_EQ(KeyOf(message, internal::kContributionKey), "consultation/OV-2026-0017");

  Mapped on_hold = MapCase("on_hold_version_12");
  EXPECT_EQ(Resources(on_hold.bundle, "CarePlan")[0].Find("meta")->FindString("versionId"), "12");
  EXPECT_EQ(Resources(on_hold.bundle, "CareTeam")[0].FindString("status"), "active");
  Mapped revoked = MapCase("revoked_with_access_by_kind");
  EXPECT_EQ(Resources(revoked.bundle, "CareTeam")[0].FindString("status"), "inactive");
  Mapped minimal = MapCase("minimal_active");
  EXPECT_EQ(Resources(minimal.bundle, "CarePlan")[0].Find("meta")->Find("versionId"), nullptr);
}

}  // namespace
}  // namespace zorgbrug::adapters::careplan
