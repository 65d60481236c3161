// Tests of check.cc, contribute.cc and access.cc (RULES.md): one CheckPlan row per error path,
// the BiB and consultation contributions (refusals, idempotence, identity matching), and the access
// decisions with ViewFor, informal carers tried adversarially.

#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/careplan/rules.h"
#include "google/protobuf/util/message_differencer.h"

namespace zorgbrug::adapters::careplan {
namespace {

using fhir::IssueType;
using fhir::Severity;
using google::protobuf::util::MessageDifferencer;

// A perinatal plan: the woman's two life goals, a midwife, her GP, a Kind en Gezin social worker
// (case manager), the programme's coordinator and her partner as informal carer; one social and
// one clinical care goal; tasks for each; messages to the team, to one member, and from the
// partner; one BiB contribution already merged.
constexpr char kPlan[] = R"pb(
  local_key: "cp-1"
  patient_local_key: "pat-1"
  pregnancy_local_key: "preg-1"
  status: CARE_PLAN_STATUS_ACTIVE
  title: "Perinatal care and support plan"
  start { year: 2026 month: 2 day: 1 }
  version: 3
  life_goals {
    local_key: "lg-calm"
    text: "I want to give birth somewhere calm, with Tom beside me"
    expressed_on { year: 2026 month: 2 day: 1 }
    status: GOAL_STATUS_ACTIVE
  }
  life_goals {
    local_key: "lg-home"
    text: "I want a safe home for my baby"
    expressed_by: "m-social"
    status: GOAL_STATUS_ACTIVE
  }
  care_goals {
    local_key: "cg-housing"
    description: "Social housing before the birth"
    life_goals: "lg-home"
    status: GOAL_STATUS_ACTIVE
    target { year: 2026 month: 7 }
  }
  care_goals {
    local_key: "cg-anxiety"
    description: "Anxiety followed up during the pregnancy"
    life_goals: "lg-calm"
    status: GOAL_STATUS_ACTIVE
    clinical: true
  }
  tasks {
    local_key: "t-housing"
    description: "Apply for a social housing priority"
    owner: "m-social"
    candidates: "m-social"
    goal: "cg-housing"
    status: CARE_PLAN_TASK_STATUS_IN_PROGRESS
    due { year: 2026 month: 3 day: 15 }
  }
  tasks {
    local_key: "t-anxiety"
    description: "Weekly visit with anxiety follow-up (EPDS)"
    owner: "m-midwife"
    goal: "cg-anxiety"
    status: CARE_PLAN_TASK_STATUS_ACCEPTED
    clinical: true
  }
  tasks {
    local_key: "t-room"
    description: "Prepare the baby's room"
    owner: "m-partner"
    candidates: "m-partner"
    status: CARE_PLAN_TASK_STATUS_REQUESTED
  }
  tasks {
    local_key: "bib-screening/scr-1/ppa"
    description: "Personal prenatal advice consultation (PPA)"
    candidates: "m-coord"
    status: CARE_PLAN_TASK_STATUS_REQUESTED
    service: PROGRAMME_SERVICE_PPA
    clinical: true
    source: "bib-screening/scr-1"
  }
  team {
    local_key: "m-midwife"
    professional {
      nihdi: "41234567890"
      name { family: "Claes" given: "Sofie" }
      role { code: "persmidwife" }
    }
    since { year: 2026 month: 2 day: 1 }
  }
  team {
    local_key: "m-gp"
    professional {
      nihdi: "19876543210"
      name { family: "Wouters" given: "Pieter" }
      role { code: "persgeneralphysician" }
    }
  }
  team {
    local_key: "m-social"
    welfare_worker {
      identifier { system: "https://kindengezin.be/id/worker" value: "KG-77" }
      name { family: "El Amrani" given: "Nadia" }
      role { code: "perssocialworker" }
    }
    roles: CARE_TEAM_ROLE_CASE_MANAGER
  }
  team {
    local_key: "m-coord"
    professional {
      nihdi: "51112223334"
      name { family: "Jacobs" given: "Lien" }
      role { code: "persnurse" }
    }
    roles: CARE_TEAM_ROLE_COORDINATOR
  }
  team {
    local_key: "m-partner"
    informal_carer {
      relationship: RELATIONSHIP_PARTNER
      name { family: "Peeters" given: "Tom" }
      ssin: "85073003328"
    }
    roles: CARE_TEAM_ROLE_CONTACT_PERSON
  }
  messages {
    local_key: "msg-housing"
    sender: "m-social"
    sent { seconds: 1772445600 }
    text: "Housing file submitted"
    about_task: "t-housing"
  }
  messages {
    local_key: "msg-epds"
    sender: "m-midwife"
    recipients: "m-gp"
    text: "EPDS score rose to 14 this week"
    clinical: true
    about_task: "t-anxiety"
  }
  messages {
    local_key: "msg-call"
    sender: "m-coord"
    recipients: "m-social"
    text: "Can you call her about the housing interview?"
  }
  messages {
    local_key: "msg-slept"
    sender: "m-partner"
    text: "She slept better this week"
    about_task: "t-anxiety"
  }
  access {
    member_kind: MEMBER_KIND_WELFARE_WORKER
    content: CONTENT_CLASS_CLINICAL
    permit: false
    decided_on { year: 2026 month: 2 day: 3 }
  }
  access {
    member: "m-partner"
    content: CONTENT_CLASS_LIFE_GOALS
    permit: true
    decided_on { year: 2026 month: 2 day: 3 }
  }
  contributions: "bib-screening/scr-1"
)pb";

// The clinical texts of kPlan: none may reach a member who may not see clinical content.
const std::vector<std::string> kClinicalTexts = {"Anxiety followed up", "anxiety follow-up",
                                                 "EPDS score", "prenatal advice", "bib-screening"};

v1::CarePlan Plan() {
  v1::CarePlan plan;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kPlan, &plan));
  return plan;
}

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// One line per issue, for failure messages.
std::string Dump(const fhir::IssueCollector& issues) {
  std::string out;
  for (const fhir::Issue& i : issues.issues()) {
    out += std::string(fhir::SeverityCode(i.severity)) + " " + std::string(IssueTypeCode(i.type)) +
           " " + i.expression + ": " + i.diagnostics + "\n";
  }
  return out;
}

const fhir::Issue* Find(const fhir::IssueCollector& issues, Severity severity,
                        std::string_view expression) {
  for (const fhir::Issue& i : issues.issues()) {
    if (i.severity == severity && i.expression == expression) return &i;
  }
  return nullptr;
}

bool Identical(const v1::CarePlan& a, const v1::CarePlan& b) {
  return MessageDifferencer::Equals(a, b) && a.SerializeAsString() == b.SerializeAsString();
}

const v1::CareTeamMember* Member(const v1::CarePlan& plan, std::string_view key) {
  for (const v1::CareTeamMember& m : plan.team()) {
    if (m.local_key() == key) return &m;
  }
  return nullptr;
}

const v1::CarePlanTask* Task(const v1::CarePlan& plan, std::string_view key) {
  for (const v1::CarePlanTask& t : plan.tasks()) {
    if (t.local_key() == key) return &t;
  }
  return nullptr;
}

const v1::CareMessage* Message(const v1::CarePlan& plan, std::string_view key) {
  for (const v1::CareMessage& m : plan.messages()) {
    if (m.local_key() == key) return &m;
  }
  return nullptr;
}

std::vector<std::string> Keys(const v1::CarePlan& plan, std::string_view list) {
  std::vector<std::string> keys;
  if (list == "team") {
    for (const auto& e : plan.team()) keys.push_back(e.local_key());
  } else if (list == "tasks") {
    for (const auto& e : plan.tasks()) keys.push_back(e.local_key());
  } else if (list == "messages") {
    for (const auto& e : plan.messages()) keys.push_back(e.local_key());
  } else if (list == "care_goals") {
    for (const auto& e : plan.care_goals()) keys.push_back(e.local_key());
  } else if (list == "life_goals") {
    for (const auto& e : plan.life_goals()) keys.push_back(e.local_key());
  }
  return keys;
}

std::vector<v1::CareTeamRole> Roles(const v1::CareTeamMember& m) {
  std::vector<v1::CareTeamRole> roles;
  for (int r : m.roles()) roles.push_back(static_cast<v1::CareTeamRole>(r));
  return roles;
}

void ExpectValid(const v1::CarePlan& plan) {
  fhir::IssueCollector issues;
  CheckPlan(plan, issues);
  EXPECT_TRUE(issues.issues().empty()) << Dump(issues);
}

// ---- CheckPlan ----

TEST(CheckPlan, TheFixtureIsValid) { ExpectValid(Plan()); }

TEST(CheckPlan, PartialDatesAndPrintedIdentifiersAreValid) {
  v1::CarePlan plan = Plan();
  *plan.mutable_start() = D(2026, 2, 0);
  *plan.mutable_end() = D(2026, 0, 0);  // "2026" is not before "2026-02"
  *plan.mutable_team(0)->mutable_until() = D(2028, 2, 29);
  plan.mutable_team(4)->mutable_informal_carer()->set_ssin("85.07.30-033.28");
  plan.mutable_team(1)->mutable_professional()->set_nihdi("19876543");  // old 8-digit form
  ExpectValid(plan);
}

TEST(CheckPlan, ReportsEveryProblemAndChangesNothing) {
  v1::CarePlan plan = Plan();
  plan.clear_local_key();
  plan.mutable_tasks(0)->set_owner("m-nobody");
  const v1::CarePlan before = plan;
  fhir::IssueCollector issues;
  CheckPlan(plan, issues);
  EXPECT_EQ(issues.issues().size(), 2u) << Dump(issues);
  EXPECT_TRUE(Identical(plan, before));
}

struct CheckRow {
  std::string name;
  std::function<void(v1::CarePlan&)> change;
  std::string path;
  IssueType type;
};

std::ostream& operator<<(std::ostream& out, const CheckRow& row) { return out << row.name; }

v1::CareTeamMember Carer(std::string key, std::string family) {
  v1::CareTeamMember m;
  m.set_local_key(std::move(key));
  m.mutable_informal_carer()->mutable_name()->set_family(std::move(family));
  return m;
}

std::vector<CheckRow> CheckRows() {
  using P = v1::CarePlan;
  return {
      // The plan itself (CP-CHECK-PLAN).
      {"PlanKey", [](P& p) { p.clear_local_key(); }, "plan.local_key", IssueType::kRequired},
      {"PatientKey", [](P& p) { p.clear_patient_local_key(); }, "plan.patient_local_key",
       IssueType::kRequired},
      {"StatusUnspecified", [](P& p) { p.set_status(v1::CARE_PLAN_STATUS_UNSPECIFIED); },
       "plan.status", IssueType::kRequired},
      {"StatusUnknown", [](P& p) { p.set_status(static_cast<v1::CarePlanStatus>(42)); },
       "plan.status", IssueType::kValue},
      {"StartMissing", [](P& p) { p.clear_start(); }, "plan.start", IssueType::kRequired},
      {"StartNotADate", [](P& p) { *p.mutable_start() = D(2026, 2, 29); }, "plan.start",
       IssueType::kValue},
      {"EndBeforeStart", [](P& p) { *p.mutable_end() = D(2026, 1, 31); }, "plan.end",
       IssueType::kInvariant},
      {"EndNotADate", [](P& p) { *p.mutable_end() = D(2027, 13, 1); }, "plan.end",
       IssueType::kValue},
      {"VersionNegative", [](P& p) { p.set_version(-1); }, "plan.version", IssueType::kValue},
      {"ContributionEmpty", [](P& p) { p.add_contributions(""); }, "plan.contributions[1]",
       IssueType::kRequired},
      {"ContributionTwice", [](P& p) { p.add_contributions("bib-screening/scr-1"); },
       "plan.contributions[1]", IssueType::kDuplicate},
      // Life goals (CP-CHECK-KEYS, CP-CHECK-LIFE-GOAL).
      {"LifeGoalKey", [](P& p) { p.add_life_goals()->set_text("To sleep"); },
       "plan.life_goals[2].local_key", IssueType::kRequired},
      {"LifeGoalKeyTwice", [](P& p) { *p.add_life_goals() = p.life_goals(0); },
       "plan.life_goals[2].local_key", IssueType::kDuplicate},
      {"LifeGoalText", [](P& p) { p.mutable_life_goals(0)->clear_text(); },
       "plan.life_goals[0].text", IssueType::kRequired},
      {"LifeGoalExpressedBy", [](P& p) { p.mutable_life_goals(1)->set_expressed_by("m-x"); },
       "plan.life_goals[1].expressed_by", IssueType::kValue},
      {"LifeGoalExpressedOn",
       [](P& p) { *p.mutable_life_goals(0)->mutable_expressed_on() = D(2026, 4, 31); },
       "plan.life_goals[0].expressed_on", IssueType::kValue},
      {"LifeGoalStatus",
       [](P& p) { p.mutable_life_goals(0)->set_status(static_cast<v1::GoalStatus>(9)); },
       "plan.life_goals[0].status", IssueType::kValue},
      // Care goals (CP-CHECK-CARE-GOAL).
      {"CareGoalKey", [](P& p) { p.add_care_goals()->set_description("Rest"); },
       "plan.care_goals[2].local_key", IssueType::kRequired},
      {"CareGoalKeyTwice", [](P& p) { *p.add_care_goals() = p.care_goals(1); },
       "plan.care_goals[2].local_key", IssueType::kDuplicate},
      {"CareGoalDescription", [](P& p) { p.mutable_care_goals(0)->clear_description(); },
       "plan.care_goals[0].description", IssueType::kRequired},
      {"CareGoalLifeGoal", [](P& p) { p.mutable_care_goals(0)->set_life_goals(0, "lg-x"); },
       "plan.care_goals[0].life_goals[0]", IssueType::kValue},
      {"CareGoalLifeGoalTwice", [](P& p) { p.mutable_care_goals(0)->add_life_goals("lg-home"); },
       "plan.care_goals[0].life_goals[1]", IssueType::kDuplicate},
      {"CareGoalLifeGoalEmpty", [](P& p) { p.mutable_care_goals(0)->add_life_goals(""); },
       "plan.care_goals[0].life_goals[1]", IssueType::kRequired},
      {"CareGoalTarget", [](P& p) { *p.mutable_care_goals(0)->mutable_target() = D(2026, 0, 5); },
       "plan.care_goals[0].target", IssueType::kValue},
      // Tasks (CP-CHECK-TASK).
      {"TaskKey", [](P& p) { p.add_tasks()->set_description("Call"); }, "plan.tasks[4].local_key",
       IssueType::kRequired},
      {"TaskKeyTwice", [](P& p) { *p.add_tasks() = p.tasks(2); }, "plan.tasks[4].local_key",
       IssueType::kDuplicate},
      {"TaskDescription", [](P& p) { p.mutable_tasks(0)->clear_description(); },
       "plan.tasks[0].description", IssueType::kRequired},
      {"TaskOwner", [](P& p) { p.mutable_tasks(3)->set_owner("m-x"); }, "plan.tasks[3].owner",
       IssueType::kValue},
      {"TaskCandidate", [](P& p) { p.mutable_tasks(0)->set_candidates(0, "m-x"); },
       "plan.tasks[0].candidates[0]", IssueType::kValue},
      {"TaskCandidateEmpty", [](P& p) { p.mutable_tasks(0)->add_candidates(""); },
       "plan.tasks[0].candidates[1]", IssueType::kRequired},
      {"TaskCandidateTwice", [](P& p) { p.mutable_tasks(0)->add_candidates("m-social"); },
       "plan.tasks[0].candidates[1]", IssueType::kDuplicate},
      {"TaskGoal", [](P& p) { p.mutable_tasks(0)->set_goal("lg-home"); }, "plan.tasks[0].goal",
       IssueType::kValue},
      {"TaskDue", [](P& p) { *p.mutable_tasks(0)->mutable_due() = D(0, 3, 1); },
       "plan.tasks[0].due", IssueType::kValue},
      {"TaskStatus",
       [](P& p) { p.mutable_tasks(0)->set_status(static_cast<v1::CarePlanTaskStatus>(70)); },
       "plan.tasks[0].status", IssueType::kValue},
      {"TaskService",
       [](P& p) { p.mutable_tasks(3)->set_service(static_cast<v1::ProgrammeService>(70)); },
       "plan.tasks[3].service", IssueType::kValue},
      // Team (CP-CHECK-MEMBER).
      {"MemberKey", [](P& p) { *p.add_team() = Carer("", "Peeters"); }, "plan.team[5].local_key",
       IssueType::kRequired},
      {"MemberKeyTwice", [](P& p) { *p.add_team() = Carer("m-gp", "Peeters"); },
       "plan.team[5].local_key", IssueType::kDuplicate},
      {"MemberWho", [](P& p) { p.add_team()->set_local_key("m-x"); }, "plan.team[5].who",
       IssueType::kRequired},
      {"ProfessionalNihdiMissing",
       [](P& p) { p.mutable_team(1)->mutable_professional()->clear_nihdi(); },
       "plan.team[1].professional.nihdi", IssueType::kRequired},
      {"ProfessionalNihdiWrong",
       [](P& p) { p.mutable_team(1)->mutable_professional()->set_nihdi("1987654321"); },
       "plan.team[1].professional.nihdi", IssueType::kValue},
      {"WorkerSystem",
       [](P& p) {
         p.mutable_team(2)->mutable_welfare_worker()->mutable_identifier()->clear_system();
       },
       "plan.team[2].welfare_worker.identifier.system", IssueType::kRequired},
      {"WorkerValue",
       [](P& p) {
         p.mutable_team(2)->mutable_welfare_worker()->mutable_identifier()->clear_value();
       },
       "plan.team[2].welfare_worker.identifier.value", IssueType::kRequired},
      {"CarerSsin",
       [](P& p) { p.mutable_team(4)->mutable_informal_carer()->set_ssin("85073003327"); },
       "plan.team[4].informal_carer.ssin", IssueType::kValue},
      {"MemberSince", [](P& p) { *p.mutable_team(0)->mutable_since() = D(2026, 6, 31); },
       "plan.team[0].since", IssueType::kValue},
      {"MemberUntilBeforeSince", [](P& p) { *p.mutable_team(0)->mutable_until() = D(2026, 1, 31); },
       "plan.team[0].until", IssueType::kInvariant},
      {"MemberRoleUnspecified",
       [](P& p) { p.mutable_team(0)->add_roles(v1::CARE_TEAM_ROLE_UNSPECIFIED); },
       "plan.team[0].roles[0]", IssueType::kValue},
      {"MemberRoleTwice",
       [](P& p) { p.mutable_team(3)->add_roles(v1::CARE_TEAM_ROLE_COORDINATOR); },
       "plan.team[3].roles[1]", IssueType::kDuplicate},
      // Messages (CP-CHECK-MESSAGE).
      {"MessageKey", [](P& p) { p.add_messages()->set_text("Hello"); },
       "plan.messages[4].local_key", IssueType::kRequired},
      {"MessageKeyTwice", [](P& p) { *p.add_messages() = p.messages(0); },
       "plan.messages[4].local_key", IssueType::kDuplicate},
      {"MessageText", [](P& p) { p.mutable_messages(0)->clear_text(); }, "plan.messages[0].text",
       IssueType::kRequired},
      {"MessageSender", [](P& p) { p.mutable_messages(0)->set_sender("m-x"); },
       "plan.messages[0].sender", IssueType::kValue},
      {"MessageRecipient", [](P& p) { p.mutable_messages(1)->add_recipients("m-x"); },
       "plan.messages[1].recipients[1]", IssueType::kValue},
      {"MessageAboutTask", [](P& p) { p.mutable_messages(0)->set_about_task("cg-housing"); },
       "plan.messages[0].about_task", IssueType::kValue},
      {"MessageSent", [](P& p) { p.mutable_messages(0)->mutable_sent()->set_nanos(-1); },
       "plan.messages[0].sent", IssueType::kValue},
      // Access decisions (CP-CHECK-ACCESS).
      {"DecisionContent", [](P& p) { p.mutable_access(0)->clear_content(); },
       "plan.access[0].content", IssueType::kRequired},
      {"DecisionContentUnknown",
       [](P& p) { p.mutable_access(0)->set_content(static_cast<v1::ContentClass>(8)); },
       "plan.access[0].content", IssueType::kValue},
      {"DecisionAboutNobody", [](P& p) { p.mutable_access(0)->clear_member_kind(); },
       "plan.access[0].member", IssueType::kRequired},
      {"DecisionMemberUnknown", [](P& p) { p.mutable_access(1)->set_member("m-x"); },
       "plan.access[1].member", IssueType::kValue},
      {"DecisionKindNotTheMembers",
       [](P& p) { p.mutable_access(1)->set_member_kind(v1::MEMBER_KIND_PROFESSIONAL); },
       "plan.access[1].member_kind", IssueType::kInvariant},
      {"DecisionKindUnknown",
       [](P& p) { p.mutable_access(0)->set_member_kind(static_cast<v1::MemberKind>(9)); },
       "plan.access[0].member_kind", IssueType::kValue},
      {"DecisionDecidedOn",
       [](P& p) { *p.mutable_access(0)->mutable_decided_on() = D(10000, 1, 1); },
       "plan.access[0].decided_on", IssueType::kValue},
      {"DecisionTwice",
       [](P& p) {
         *p.add_access() = p.access(0);
         p.mutable_access(2)->set_permit(true);
       },
       "plan.access[2]", IssueType::kDuplicate},
  };
}

class CheckPlanRow : public testing::TestWithParam<CheckRow> {};

// Each row: the fixture with one change yields exactly one issue, an error of the row's type at
// the row's path.
TEST_P(CheckPlanRow, OneErrorAtItsPath) {
  v1::CarePlan plan = Plan();
  GetParam().change(plan);
  fhir::IssueCollector issues;
  CheckPlan(plan, issues);
  ASSERT_EQ(issues.issues().size(), 1u) << Dump(issues);
  const fhir::Issue& issue = issues.issues()[0];
  EXPECT_EQ(issue.severity, Severity::kError);
  EXPECT_EQ(issue.expression, GetParam().path);
  EXPECT_EQ(issue.type, GetParam().type) << Dump(issues);
  EXPECT_FALSE(issue.diagnostics.empty());
}

INSTANTIATE_TEST_SUITE_P(Rows, CheckPlanRow, testing::ValuesIn(CheckRows()),
                         [](const testing::TestParamInfo<CheckRow>& info) {
                           return info.param.name;
                         });

TEST(CheckPlan, DiagnosticsNeverQuoteKeysOrIdentifiers) {
  v1::CarePlan plan = Plan();
  plan.mutable_tasks(0)->set_owner("carer/85073003328");
  plan.mutable_team(4)->mutable_informal_carer()->set_ssin("85073003327");
  fhir::IssueCollector issues;
  CheckPlan(plan, issues);
  ASSERT_EQ(issues.issues().size(), 2u) << Dump(issues);
  for (const fhir::Issue& i : issues.issues()) {
    EXPECT_EQ(i.diagnostics.find("8507300332"), std::string::npos) << i.diagnostics;
  }
}

// ---- IsClosed ----

TEST(IsClosed, CompletedAndRevokedOnly) {
  v1::CarePlan plan = Plan();
  for (int s = v1::CarePlanStatus_MIN; s <= v1::CarePlanStatus_MAX; ++s) {
    plan.set_status(static_cast<v1::CarePlanStatus>(s));
    EXPECT_EQ(IsClosed(plan),
              s == v1::CARE_PLAN_STATUS_COMPLETED || s == v1::CARE_PLAN_STATUS_REVOKED)
        << s;
  }
}

// ---- BiB contribution ----

v1::CarePlanContribution Bib() {
  v1::CarePlanContribution c;
  c.set_source("bib-screening/scr-2");
  c.set_patient_local_key("pat-1");
  c.set_pregnancy_local_key("preg-1");
  v1::ProposedTask* ppa = c.add_tasks();
  ppa->set_service(v1::PROGRAMME_SERVICE_PPA);
  ppa->mutable_reason()->set_rule("ppa.entry");
  ppa->mutable_reason()->set_text("2 positive KCE indicators");
  v1::ProposedTask* coordination = c.add_tasks();
  coordination->set_service(v1::PROGRAMME_SERVICE_COORDINATION);
  coordination->mutable_reason()->set_rule("coordination.entry");
  return c;
}

TEST(ContributeBib, OneClinicalRequestedTaskPerService) {
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), Bib(), issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  ASSERT_TRUE(r.changed);
  const v1::CarePlanTask* ppa = Task(r.plan, "bib-screening/scr-2/ppa");
  ASSERT_NE(ppa, nullptr);
  EXPECT_EQ(ppa->description(),
            "Personal prenatal advice consultation (PPA): 2 positive KCE indicators");
  EXPECT_EQ(ppa->service(), v1::PROGRAMME_SERVICE_PPA);
  EXPECT_TRUE(ppa->clinical());
  EXPECT_EQ(ppa->status(), v1::CARE_PLAN_TASK_STATUS_REQUESTED);
  EXPECT_EQ(ppa->source(), "bib-screening/scr-2");
  EXPECT_TRUE(ppa->owner().empty());
  EXPECT_TRUE(ppa->goal().empty());
  ASSERT_EQ(ppa->candidates_size(), 1);
  EXPECT_EQ(ppa->candidates(0), "m-coord");
  const v1::CarePlanTask* coordination = Task(r.plan, "bib-screening/scr-2/coordination");
  ASSERT_NE(coordination, nullptr);
  // No reason text: the service's display alone.
  EXPECT_EQ(coordination->description(), "Care and welfare coordination");
  EXPECT_EQ(r.plan.tasks_size(), Plan().tasks_size() + 2);
  EXPECT_EQ(r.plan.contributions(r.plan.contributions_size() - 1), "bib-screening/scr-2");
  EXPECT_EQ(r.plan.version(), 4);
  ExpectValid(r.plan);
}

TEST(ContributeBib, CandidatesAreTheCoordinatorsInTeamOrder) {
  v1::CarePlan plan = Plan();
  plan.mutable_team(2)->add_roles(v1::CARE_TEAM_ROLE_COORDINATOR);  // m-social, before m-coord
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(plan, Bib(), issues);
  const v1::CarePlanTask* ppa = Task(r.plan, "bib-screening/scr-2/ppa");
  ASSERT_NE(ppa, nullptr);
  EXPECT_EQ(std::vector<std::string>(ppa->candidates().begin(), ppa->candidates().end()),
            (std::vector<std::string>{"m-social", "m-coord"}));
}

TEST(ContributeBib, NoCoordinatorNoCandidates) {
  v1::CarePlan plan = Plan();
  plan.mutable_team(3)->clear_roles();
  plan.mutable_tasks(3)->clear_candidates();
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(plan, Bib(), issues);
  ASSERT_NE(Task(r.plan, "bib-screening/scr-2/ppa"), nullptr);
  EXPECT_EQ(Task(r.plan, "bib-screening/scr-2/ppa")->candidates_size(), 0);
}

TEST(ContributeBib, TheSameContributionTwiceChangesNothing) {
  fhir::IssueCollector issues;
  const ContributionResult first = Contribute(Plan(), Bib(), issues);
  ASSERT_TRUE(first.changed);
  issues.Clear();
  const ContributionResult second = Contribute(first.plan, Bib(), issues);
  EXPECT_FALSE(second.changed);
  EXPECT_TRUE(Identical(second.plan, first.plan));
  EXPECT_FALSE(issues.HasErrors());
  EXPECT_NE(Find(issues, Severity::kInformation, ""), nullptr) << Dump(issues);
}

TEST(ContributeBib, ATaskTheTeamProgressedIsLeftAsItIs) {
  fhir::IssueCollector issues;
  ContributionResult first = Contribute(Plan(), Bib(), issues);
  for (v1::CarePlanTask& t : *first.plan.mutable_tasks()) {
    if (t.local_key() != "bib-screening/scr-2/ppa") continue;
    t.set_owner("m-midwife");
    t.set_status(v1::CARE_PLAN_TASK_STATUS_IN_PROGRESS);
    t.set_description("PPA booked for 12 March");
  }
  const ContributionResult second = Contribute(first.plan, Bib(), issues);
  EXPECT_FALSE(second.changed);
  EXPECT_TRUE(Identical(second.plan, first.plan));
}

TEST(ContributeBib, AnExistingKeyIsKeptButTheSourceIsRecorded) {
  v1::CarePlan plan = Plan();
  v1::CarePlanTask* mine = plan.add_tasks();
  mine->set_local_key("bib-screening/scr-2/ppa");
  mine->set_description("Created by the coordinator before the screening arrived");
  mine->set_status(v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
  mine->set_owner("m-coord");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(plan, Bib(), issues);
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(Task(r.plan, "bib-screening/scr-2/ppa")->description(),
            "Created by the coordinator before the screening arrived");
  EXPECT_EQ(Task(r.plan, "bib-screening/scr-2/ppa")->status(), v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
}

struct ClosedRow {
  v1::CarePlanStatus status;
  std::string word;
};

class ContributeBibClosed : public testing::TestWithParam<ClosedRow> {};

TEST_P(ContributeBibClosed, RefusedAndUnchanged) {
  v1::CarePlan plan = Plan();
  plan.set_status(GetParam().status);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(plan, Bib(), issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, plan));
  const fhir::Issue* error = Find(issues, Severity::kError, "plan.status");
  ASSERT_NE(error, nullptr) << Dump(issues);
  EXPECT_EQ(error->type, IssueType::kBusinessRule);
  EXPECT_EQ(error->diagnostics,
            "the care plan is " + GetParam().word + ": contributions are refused");
}

INSTANTIATE_TEST_SUITE_P(Statuses, ContributeBibClosed,
                         testing::Values(ClosedRow{v1::CARE_PLAN_STATUS_COMPLETED, "completed"},
                                         ClosedRow{v1::CARE_PLAN_STATUS_REVOKED, "revoked"}),
                         [](const testing::TestParamInfo<ClosedRow>& info) {
                           return info.param.word;
                         });

TEST(ContributeBib, DraftAndOnHoldPlansAccept) {
  for (v1::CarePlanStatus s : {v1::CARE_PLAN_STATUS_DRAFT, v1::CARE_PLAN_STATUS_ON_HOLD}) {
    v1::CarePlan plan = Plan();
    plan.set_status(s);
    fhir::IssueCollector issues;
    EXPECT_TRUE(Contribute(plan, Bib(), issues).changed) << s << Dump(issues);
  }
}

TEST(ContributeBib, AnotherPersonIsRefused) {
  v1::CarePlanContribution bib = Bib();
  bib.set_patient_local_key("pat-2");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), bib, issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, Plan()));
  const fhir::Issue* error = Find(issues, Severity::kError, "contribution.patient_local_key");
  ASSERT_NE(error, nullptr) << Dump(issues);
  EXPECT_EQ(error->type, IssueType::kBusinessRule);
  EXPECT_NE(error->diagnostics.find("another person"), std::string::npos);
}

TEST(ContributeBib, AnotherPregnancyIsRefused) {
  v1::CarePlanContribution bib = Bib();
  bib.set_pregnancy_local_key("preg-0");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), bib, issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, Plan()));
  EXPECT_NE(Find(issues, Severity::kError, "contribution.pregnancy_local_key"), nullptr);
}

TEST(ContributeBib, APregnancyKeyOnOneSideOnlyIsAccepted) {
  v1::CarePlanContribution bib = Bib();
  bib.clear_pregnancy_local_key();
  fhir::IssueCollector issues;
  EXPECT_TRUE(Contribute(Plan(), bib, issues).changed);
  v1::CarePlan plan = Plan();
  plan.clear_pregnancy_local_key();
  EXPECT_TRUE(Contribute(plan, Bib(), issues).changed);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
}

TEST(ContributeBib, TheSourceIsRequired) {
  v1::CarePlanContribution bib = Bib();
  bib.clear_source();
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), bib, issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, Plan()));
  ASSERT_NE(Find(issues, Severity::kError, "contribution.source"), nullptr);
  EXPECT_EQ(Find(issues, Severity::kError, "contribution.source")->type, IssueType::kRequired);
}

TEST(ContributeBib, ATaskWithoutServiceIsRefused) {
  v1::CarePlanContribution bib = Bib();
  bib.mutable_tasks(1)->set_service(v1::PROGRAMME_SERVICE_UNSPECIFIED);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), bib, issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, Plan()));
  EXPECT_NE(Find(issues, Severity::kError, "contribution.tasks[1].service"), nullptr);
}

TEST(ContributeBib, NothingSharedChangesNothingAndRecordsNothing) {
  v1::CarePlanContribution bib = Bib();
  bib.clear_tasks();
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), bib, issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, Plan()));
  EXPECT_FALSE(issues.HasErrors());
  EXPECT_NE(Find(issues, Severity::kInformation, "contribution.tasks"), nullptr) << Dump(issues);
}

TEST(ContributeBib, ARepeatedServiceGivesOneTask) {
  v1::CarePlanContribution bib = Bib();
  *bib.add_tasks() = bib.tasks(0);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), bib, issues);
  EXPECT_EQ(r.plan.tasks_size(), Plan().tasks_size() + 2);
  ExpectValid(r.plan);
}

// ---- Consultation contribution ----

constexpr int64_t kStart = 1772445600;  // 2026-03-02T10:00:00Z

v1::ConsultationParticipant Professional(std::string nihdi, std::string family, std::string role) {
  v1::ConsultationParticipant p;
  p.mutable_professional()->set_nihdi(std::move(nihdi));
  p.mutable_professional()->mutable_name()->set_family(std::move(family));
  p.mutable_professional()->mutable_role()->set_code(std::move(role));
  p.set_present(true);
  return p;
}

v1::ConsultationParticipant Worker(std::string system, std::string value) {
  v1::ConsultationParticipant p;
  p.mutable_welfare_worker()->mutable_identifier()->set_system(std::move(system));
  p.mutable_welfare_worker()->mutable_identifier()->set_value(std::move(value));
  p.mutable_welfare_worker()->mutable_name()->set_family("Maes");
  p.set_present(true);
  return p;
}

v1::ConsultationParticipant Related(std::string ssin, std::string family, std::string given) {
  v1::ConsultationParticipant p;
  p.mutable_related_person()->set_relationship(v1::RELATIONSHIP_INFORMAL_CARER);
  p.mutable_related_person()->set_ssin(std::move(ssin));
  p.mutable_related_person()->mutable_name()->set_family(std::move(family));
  p.mutable_related_person()->mutable_name()->add_given(std::move(given));
  p.set_present(true);
  return p;
}

v1::ConsultationParticipant Client() {
  v1::ConsultationParticipant p;
  p.mutable_client();
  p.set_present(true);
  return p;
}

// A perinatal consultation with the coordinator (organiser), the midwife, a new psychologist, a
// new welfare worker of the OCMW, her mother as a new informal carer, and the woman herself.
v1::ConsultationRecord Record() {
  v1::ConsultationRecord r;
  r.set_local_key("po-7");
  r.set_kind(v1::CONSULTATION_KIND_PERINATAL);
  r.set_patient_local_key("pat-1");
  r.set_care_plan_local_key("cp-1");
  r.mutable_start()->set_seconds(kStart);
  r.mutable_end()->set_seconds(kStart + 3600);
  r.set_consent(v1::CONSULTATION_CONSENT_GIVEN);
  v1::ConsultationParticipant coord = Professional("51112223334", "Jacobs", "persnurse");
  coord.add_functions(v1::CONSULTATION_FUNCTION_ORGANISER);
  coord.add_functions(v1::CONSULTATION_FUNCTION_COORDINATOR);
  *r.add_participants() = coord;                                                              // 0
  *r.add_participants() = Professional("41234567890", "Claes", "persmidwife");                // 1
  *r.add_participants() = Professional("71234567891", "Dubois", "persclinicalpsychologist");  // 2
  *r.add_participants() = Worker("https://ocmw.example.be/id", "OC-12");                      // 3
  *r.add_participants() = Related("90011512363", "Peeters", "Maria");                         // 4
  *r.add_participants() = Client();                                                           // 5
  r.add_decisions("Start psychological support before week 30");
  r.add_decisions("The OCMW handles the rent guarantee");
  v1::AgreedAction* support = r.add_actions();
  support->set_local_key("a-1");
  support->set_description("Start psychological support");
  support->set_owner(2);
  *support->mutable_due() = D(2026, 3, 31);
  v1::AgreedAction* guarantee = r.add_actions();
  guarantee->set_local_key("a-2");
  guarantee->set_description("Apply for the rent guarantee");
  guarantee->set_owner(-1);
  v1::AgreedAction* visit = r.add_actions();
  visit->set_local_key("a-3");
  visit->set_description("Visit the maternity ward together");
  visit->set_owner(5);  // the client: not a member
  return r;
}

TEST(ContributeConsultation, NewParticipantsJoinTheTeam) {
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), Record(), issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  ASSERT_TRUE(r.changed);
  EXPECT_EQ(Keys(r.plan, "team"),
            (std::vector<std::string>{"m-midwife", "m-gp", "m-social", "m-coord", "m-partner",
                                      "nihdi/71234567891",
                                      "worker/https://ocmw.example.be/id|OC-12", "carer/po-7/4"}));
  const v1::CareTeamMember* psychologist = Member(r.plan, "nihdi/71234567891");
  EXPECT_EQ(psychologist->professional().role().code(), "persclinicalpsychologist");
  EXPECT_EQ(KindOf(*Member(r.plan, "worker/https://ocmw.example.be/id|OC-12")),
            v1::MEMBER_KIND_WELFARE_WORKER);
  const v1::CareTeamMember* mother = Member(r.plan, "carer/po-7/4");
  EXPECT_EQ(mother->informal_carer().name().family(), "Peeters");
  EXPECT_EQ(mother->roles_size(), 0);
  EXPECT_EQ(r.plan.version(), 4);
  EXPECT_EQ(r.plan.contributions(1), "consultation/po-7");
  ExpectValid(r.plan);
}

TEST(ContributeConsultation, ExistingMembersAreMatchedByIdentity) {
  v1::ConsultationRecord record = Record();
  record.clear_participants();
  record.clear_actions();
  record.clear_decisions();
  *record.add_participants() = Professional("4-12345-67-890", "Claes-Other", "persmidwife");
  *record.add_participants() = Worker("https://kindengezin.be/id/worker", "KG-77");
  *record.add_participants() = Related("85.07.30-033.28", "Peeters", "Thomas");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  EXPECT_EQ(Keys(r.plan, "team"), Keys(Plan(), "team")) << Dump(issues);
  // Only the source was added: the members' data are left as the team has them.
  EXPECT_EQ(Member(r.plan, "m-midwife")->professional().name().family(), "Claes");
  EXPECT_EQ(Member(r.plan, "m-partner")->informal_carer().name().given(0), "Tom");
}

TEST(ContributeConsultation, ARelatedPersonWithoutSsinIsMatchedByExactName) {
  v1::ConsultationRecord record = Record();
  record.clear_participants();
  record.clear_actions();
  *record.add_participants() = Related("", "Peeters", "Tom");
  *record.add_participants() = Related("", "Peeters", "Tom Jan");
  record.mutable_participants(0)->mutable_related_person()->set_relationship(
      v1::RELATIONSHIP_PARTNER);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  // "Peeters, Tom" is the partner; "Peeters, Tom Jan" is someone else.
  EXPECT_EQ(r.plan.team_size(), Plan().team_size() + 1);
  ASSERT_NE(Member(r.plan, "carer/po-7/1"), nullptr) << Dump(issues);
  EXPECT_TRUE(Member(r.plan, "carer/po-7/1")->informal_carer().ssin().empty());
  ExpectValid(r.plan);
}

TEST(ContributeConsultation, AnotherSsinIsAnotherPersonWhateverTheName) {
  v1::ConsultationRecord record = Record();
  record.clear_participants();
  record.clear_actions();
  *record.add_participants() = Related("92031245670", "Peeters", "Tom");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  EXPECT_NE(Member(r.plan, "carer/po-7/0"), nullptr) << Dump(issues);
}

TEST(ContributeConsultation, APrintedNihdiIsStoredAsDigits) {
  v1::ConsultationRecord record = Record();
  record.mutable_participants(2)->mutable_professional()->set_nihdi("7-12345-67-891");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  ASSERT_NE(Member(r.plan, "nihdi/71234567891"), nullptr) << Dump(issues);
  EXPECT_EQ(Member(r.plan, "nihdi/71234567891")->professional().nihdi(), "71234567891");
  ExpectValid(r.plan);
}

TEST(ContributeConsultation, FunctionsBecomeRolesOnce) {
  v1::ConsultationRecord record = Record();
  record.mutable_participants(1)->add_functions(v1::CONSULTATION_FUNCTION_CARE_MEDIATOR);
  record.mutable_participants(1)->add_functions(v1::CONSULTATION_FUNCTION_CASE_MANAGER);
  record.mutable_participants(1)->add_functions(v1::CONSULTATION_FUNCTION_CARE_MEDIATOR);
  record.mutable_participants(1)->add_functions(v1::CONSULTATION_FUNCTION_ORGANISER);
  fhir::IssueCollector issues;
  const ContributionResult first = Contribute(Plan(), record, issues);
  EXPECT_EQ(Roles(*Member(first.plan, "m-midwife")),
            (std::vector<v1::CareTeamRole>{v1::CARE_TEAM_ROLE_CARE_MEDIATOR,
                                           v1::CARE_TEAM_ROLE_CASE_MANAGER}));
  // The coordinator already had the role; ORGANISER is not a role of the plan.
  EXPECT_EQ(Roles(*Member(first.plan, "m-coord")),
            (std::vector<v1::CareTeamRole>{v1::CARE_TEAM_ROLE_COORDINATOR}));
  const ContributionResult second = Contribute(first.plan, record, issues);
  EXPECT_FALSE(second.changed);
  EXPECT_TRUE(Identical(second.plan, first.plan));
}

TEST(ContributeConsultation, ARoleAddedToAnExistingMemberIsAChange) {
  v1::ConsultationRecord record = Record();
  record.clear_participants();
  record.clear_actions();
  record.clear_decisions();
  *record.add_participants() = Worker("https://kindengezin.be/id/worker", "KG-77");
  record.mutable_participants(0)->add_functions(v1::CONSULTATION_FUNCTION_COORDINATOR);
  v1::CarePlan plan = Plan();
  plan.add_contributions("consultation/po-7");  // the source alone is already there
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(plan, record, issues);
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.plan.version(), 4);
  EXPECT_EQ(Roles(*Member(r.plan, "m-social")),
            (std::vector<v1::CareTeamRole>{v1::CARE_TEAM_ROLE_CASE_MANAGER,
                                           v1::CARE_TEAM_ROLE_COORDINATOR}));
}

TEST(ContributeConsultation, ATakenKeyGetsASuffix) {
  v1::CarePlan plan = Plan();
  // Members of other kinds under the keys the psychologist would get.
  *plan.add_team() = Carer("nihdi/71234567891", "Somebody");
  *plan.add_team() = Carer("nihdi/71234567891~2", "Somebody Else");
  fhir::IssueCollector issues;
  const ContributionResult first = Contribute(plan, Record(), issues);
  const v1::CareTeamMember* psychologist = Member(first.plan, "nihdi/71234567891~3");
  ASSERT_NE(psychologist, nullptr) << Dump(issues);
  EXPECT_TRUE(psychologist->has_professional());
  EXPECT_EQ(Task(first.plan, "consultation/po-7/a-1")->owner(), "nihdi/71234567891~3");
  // Matched by NIHDI the second time: no "~4".
  const ContributionResult second = Contribute(first.plan, Record(), issues);
  EXPECT_FALSE(second.changed);
  EXPECT_TRUE(Identical(second.plan, first.plan));
}

TEST(ContributeConsultation, ActionsBecomeTasks) {
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), Record(), issues);
  const v1::CarePlanTask* support = Task(r.plan, "consultation/po-7/a-1");
  ASSERT_NE(support, nullptr);
  EXPECT_EQ(support->description(), "Start psychological support");
  EXPECT_EQ(support->owner(), "nihdi/71234567891");
  EXPECT_EQ(support->status(), v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
  EXPECT_TRUE(MessageDifferencer::Equals(support->due(), D(2026, 3, 31)));
  EXPECT_FALSE(support->clinical());
  EXPECT_EQ(support->source(), "consultation/po-7");
  EXPECT_EQ(support->candidates_size(), 0);
  EXPECT_EQ(support->service(), v1::PROGRAMME_SERVICE_UNSPECIFIED);
  for (std::string_view key : {"consultation/po-7/a-2", "consultation/po-7/a-3"}) {
    const v1::CarePlanTask* t = Task(r.plan, key);
    ASSERT_NE(t, nullptr) << key;
    EXPECT_TRUE(t->owner().empty()) << key;  // nobody; the client is not a member
    EXPECT_EQ(t->status(), v1::CARE_PLAN_TASK_STATUS_REQUESTED) << key;
    EXPECT_FALSE(t->has_due());
  }
}

TEST(ContributeConsultation, AnOncologicalMocIsClinical) {
  v1::ConsultationRecord record = Record();
  record.set_kind(v1::CONSULTATION_KIND_ONCOLOGICAL_MOC);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  EXPECT_TRUE(Task(r.plan, "consultation/po-7/a-1")->clinical());
  EXPECT_TRUE(Message(r.plan, "consultation/po-7/decisions")->clinical());
}

TEST(ContributeConsultation, DecisionsBecomeOneMessageFromTheOrganiser) {
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), Record(), issues);
  const v1::CareMessage* m = Message(r.plan, "consultation/po-7/decisions");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->text(),
            "Start psychological support before week 30\nThe OCMW handles the rent guarantee");
  EXPECT_EQ(m->sender(), "m-coord");
  EXPECT_EQ(m->sent().seconds(), kStart + 3600);
  EXPECT_EQ(m->recipients_size(), 0);
  EXPECT_FALSE(m->clinical());
  EXPECT_EQ(m->source(), "consultation/po-7");
  EXPECT_TRUE(m->about_task().empty());
}

TEST(ContributeConsultation, WithoutOrganiserTheCoordinatorSendsTheDecisions) {
  v1::ConsultationRecord record = Record();
  record.mutable_participants(0)->clear_functions();
  record.mutable_participants(3)->add_functions(v1::CONSULTATION_FUNCTION_COORDINATOR);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  EXPECT_EQ(Message(r.plan, "consultation/po-7/decisions")->sender(),
            "worker/https://ocmw.example.be/id|OC-12");
  record.mutable_participants(3)->clear_functions();
  const ContributionResult nobody = Contribute(Plan(), record, issues);
  EXPECT_TRUE(Message(nobody.plan, "consultation/po-7/decisions")->sender().empty());
}

TEST(ContributeConsultation, NoDecisionsNoMessage) {
  v1::ConsultationRecord record = Record();
  record.clear_decisions();
  record.add_decisions("");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  EXPECT_EQ(r.plan.messages_size(), Plan().messages_size());
}

TEST(ContributeConsultation, TheSameRecordTwiceChangesNothing) {
  fhir::IssueCollector issues;
  const ContributionResult first = Contribute(Plan(), Record(), issues);
  ASSERT_TRUE(first.changed);
  const ContributionResult second = Contribute(first.plan, Record(), issues);
  EXPECT_FALSE(second.changed);
  EXPECT_TRUE(Identical(second.plan, first.plan));
  EXPECT_EQ(second.plan.version(), 4);
}

TEST(ContributeConsultation, WhatTheTeamChangedIsNotOverwritten) {
  fhir::IssueCollector issues;
  ContributionResult first = Contribute(Plan(), Record(), issues);
  for (v1::CarePlanTask& t : *first.plan.mutable_tasks()) {
    if (t.local_key() == "consultation/po-7/a-2") {
      t.set_owner("m-social");
      t.set_status(v1::CARE_PLAN_TASK_STATUS_COMPLETED);
    }
  }
  for (v1::CareMessage& m : *first.plan.mutable_messages()) {
    if (m.local_key() == "consultation/po-7/decisions") m.set_text("Corrected by the coordinator");
  }
  const ContributionResult second = Contribute(first.plan, Record(), issues);
  EXPECT_FALSE(second.changed);
  EXPECT_TRUE(Identical(second.plan, first.plan));
}

TEST(ContributeConsultation, AnAmendedRecordAddsOnlyWhatIsNew) {
  fhir::IssueCollector issues;
  const ContributionResult first = Contribute(Plan(), Record(), issues);
  v1::ConsultationRecord amended = Record();
  v1::AgreedAction* more = amended.add_actions();
  more->set_local_key("a-4");
  more->set_description("Book the antenatal class");
  more->set_owner(1);
  const ContributionResult second = Contribute(first.plan, amended, issues);
  EXPECT_TRUE(second.changed);
  EXPECT_EQ(second.plan.tasks_size(), first.plan.tasks_size() + 1);
  EXPECT_EQ(Task(second.plan, "consultation/po-7/a-4")->owner(), "m-midwife");
  EXPECT_EQ(second.plan.contributions_size(), first.plan.contributions_size());
  EXPECT_EQ(second.plan.version(), 5);
}

struct RefusalRow {
  std::string name;
  std::function<void(v1::ConsultationRecord&, v1::CarePlan&)> change;
  std::string path;
  IssueType type;
};

std::ostream& operator<<(std::ostream& out, const RefusalRow& row) { return out << row.name; }

class ContributeConsultationRefused : public testing::TestWithParam<RefusalRow> {};

TEST_P(ContributeConsultationRefused, ErrorAndTheSamePlan) {
  v1::ConsultationRecord record = Record();
  v1::CarePlan plan = Plan();
  GetParam().change(record, plan);
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(plan, record, issues);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(Identical(r.plan, plan));
  const fhir::Issue* error = Find(issues, Severity::kError, GetParam().path);
  ASSERT_NE(error, nullptr) << Dump(issues);
  EXPECT_EQ(error->type, GetParam().type);
  EXPECT_FALSE(error->diagnostics.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ContributeConsultationRefused,
    testing::Values(
        RefusalRow{"ConsentRefused",
                   [](auto& r, auto&) { r.set_consent(v1::CONSULTATION_CONSENT_REFUSED); },
                   "record.consent", IssueType::kBusinessRule},
        RefusalRow{"AnotherCarePlan", [](auto& r, auto&) { r.set_care_plan_local_key("cp-2"); },
                   "record.care_plan_local_key", IssueType::kBusinessRule},
        RefusalRow{"AnotherPerson", [](auto& r, auto&) { r.set_patient_local_key("pat-2"); },
                   "record.patient_local_key", IssueType::kBusinessRule},
        RefusalRow{"Completed",
                   [](auto&, auto& p) { p.set_status(v1::CARE_PLAN_STATUS_COMPLETED); },
                   "plan.status", IssueType::kBusinessRule},
        RefusalRow{"Revoked", [](auto&, auto& p) { p.set_status(v1::CARE_PLAN_STATUS_REVOKED); },
                   "plan.status", IssueType::kBusinessRule},
        RefusalRow{"RecordKey", [](auto& r, auto&) { r.clear_local_key(); }, "record.local_key",
                   IssueType::kRequired},
        RefusalRow{"ActionKey", [](auto& r, auto&) { r.mutable_actions(1)->clear_local_key(); },
                   "record.actions[1].local_key", IssueType::kRequired},
        RefusalRow{"ActionDescription",
                   [](auto& r, auto&) { r.mutable_actions(0)->clear_description(); },
                   "record.actions[0].description", IssueType::kRequired},
        RefusalRow{"ActionOwner", [](auto& r, auto&) { r.mutable_actions(0)->set_owner(6); },
                   "record.actions[0].owner", IssueType::kValue}),
    [](const testing::TestParamInfo<RefusalRow>& info) { return info.param.name; });

TEST(ContributeConsultation, WithoutCarePlanKeyTheRecordIsAccepted) {
  v1::ConsultationRecord record = Record();
  record.clear_care_plan_local_key();
  fhir::IssueCollector issues;
  EXPECT_TRUE(Contribute(Plan(), record, issues).changed);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
}

TEST(ContributeConsultation, AParticipantWithoutIdentityDoesNotJoin) {
  v1::ConsultationRecord record = Record();
  record.mutable_participants(2)->mutable_professional()->set_nihdi("123");  // owner of a-1
  record.mutable_participants(4)->mutable_related_person()->set_ssin("90011512364");
  fhir::IssueCollector issues;
  const ContributionResult r = Contribute(Plan(), record, issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  EXPECT_NE(Find(issues, Severity::kWarning, "record.participants[2]"), nullptr);
  EXPECT_NE(Find(issues, Severity::kWarning, "record.participants[4]"), nullptr);
  EXPECT_EQ(r.plan.team_size(), Plan().team_size() + 1);  // the OCMW worker only
  EXPECT_TRUE(Task(r.plan, "consultation/po-7/a-1")->owner().empty());
  EXPECT_EQ(Task(r.plan, "consultation/po-7/a-1")->status(), v1::CARE_PLAN_TASK_STATUS_REQUESTED);
  ExpectValid(r.plan);
}

TEST(ContributeConsultation, BothContributionsKeepThePlanValid) {
  fhir::IssueCollector issues;
  const ContributionResult a = Contribute(Plan(), Record(), issues);
  const ContributionResult b = Contribute(a.plan, Bib(), issues);
  EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
  EXPECT_EQ(b.plan.version(), 5);
  // The coordinator candidates of the BiB tasks include no new member (no COORDINATOR function).
  EXPECT_EQ(Task(b.plan, "bib-screening/scr-2/ppa")->candidates_size(), 1);
  ExpectValid(b.plan);
}

// ---- Access: KindOf and MaySee ----

TEST(KindOf, EachWho) {
  const v1::CarePlan plan = Plan();
  EXPECT_EQ(KindOf(plan.team(0)), v1::MEMBER_KIND_PROFESSIONAL);
  EXPECT_EQ(KindOf(plan.team(2)), v1::MEMBER_KIND_WELFARE_WORKER);
  EXPECT_EQ(KindOf(plan.team(4)), v1::MEMBER_KIND_INFORMAL_CARER);
  v1::CareTeamMember service;
  service.mutable_organisation()->set_name("Lokaal dienstencentrum De Kaai");
  EXPECT_EQ(KindOf(service), v1::MEMBER_KIND_ORGANISATION);
  EXPECT_EQ(KindOf(v1::CareTeamMember()), v1::MEMBER_KIND_UNSPECIFIED);
}

v1::CareTeamMember OfKind(v1::MemberKind kind) {
  v1::CareTeamMember m;
  m.set_local_key("m-new");
  switch (kind) {
    case v1::MEMBER_KIND_PROFESSIONAL:
      m.mutable_professional()->set_nihdi("12345678901");
      break;
    case v1::MEMBER_KIND_WELFARE_WORKER:
      m.mutable_welfare_worker()->mutable_identifier()->set_value("W-1");
      break;
    case v1::MEMBER_KIND_INFORMAL_CARER:
      m.mutable_informal_carer()->mutable_name()->set_family("Janssens");
      break;
    case v1::MEMBER_KIND_ORGANISATION:
      m.mutable_organisation()->set_name("Huis van het Kind");
      break;
    default:
      break;
  }
  return m;
}

struct DefaultRow {
  v1::MemberKind kind;
  v1::ContentClass content;
  bool sees;
};

std::ostream& operator<<(std::ostream& out, const DefaultRow& row) {
  return out << v1::MemberKind_Name(row.kind) << " " << v1::ContentClass_Name(row.content);
}

class MaySeeDefault : public testing::TestWithParam<DefaultRow> {};

TEST_P(MaySeeDefault, WithoutDecision) {
  v1::CarePlan plan = Plan();
  plan.clear_access();
  EXPECT_EQ(MaySee(plan, OfKind(GetParam().kind), GetParam().content), GetParam().sees);
}

constexpr auto kOrg = v1::CONTENT_CLASS_CARE_ORGANISATION;
constexpr auto kLife = v1::CONTENT_CLASS_LIFE_GOALS;
constexpr auto kClinical = v1::CONTENT_CLASS_CLINICAL;

INSTANTIATE_TEST_SUITE_P(
    KindsAndContents, MaySeeDefault,
    testing::Values(DefaultRow{v1::MEMBER_KIND_PROFESSIONAL, kOrg, true},
                    DefaultRow{v1::MEMBER_KIND_PROFESSIONAL, kLife, true},
                    DefaultRow{v1::MEMBER_KIND_PROFESSIONAL, kClinical, true},
                    DefaultRow{v1::MEMBER_KIND_WELFARE_WORKER, kOrg, true},
                    DefaultRow{v1::MEMBER_KIND_WELFARE_WORKER, kLife, true},
                    DefaultRow{v1::MEMBER_KIND_WELFARE_WORKER, kClinical, false},
                    DefaultRow{v1::MEMBER_KIND_INFORMAL_CARER, kOrg, true},
                    DefaultRow{v1::MEMBER_KIND_INFORMAL_CARER, kLife, true},
                    DefaultRow{v1::MEMBER_KIND_INFORMAL_CARER, kClinical, false},
                    DefaultRow{v1::MEMBER_KIND_ORGANISATION, kOrg, true},
                    DefaultRow{v1::MEMBER_KIND_ORGANISATION, kLife, true},
                    DefaultRow{v1::MEMBER_KIND_ORGANISATION, kClinical, false},
                    DefaultRow{v1::MEMBER_KIND_UNSPECIFIED, kOrg, false},
                    DefaultRow{v1::MEMBER_KIND_UNSPECIFIED, kClinical, false},
                    DefaultRow{v1::MEMBER_KIND_PROFESSIONAL, v1::CONTENT_CLASS_UNSPECIFIED, false}),
    [](const testing::TestParamInfo<DefaultRow>& info) {
      return v1::MemberKind_Name(info.param.kind).substr(12) + "_" +
             v1::ContentClass_Name(info.param.content).substr(14);
    });

v1::AccessDecision Decision(std::string member, v1::MemberKind kind, v1::ContentClass content,
                            bool permit) {
  v1::AccessDecision d;
  d.set_member(std::move(member));
  d.set_member_kind(kind);
  d.set_content(content);
  d.set_permit(permit);
  return d;
}

constexpr auto kCarerKind = v1::MEMBER_KIND_INFORMAL_CARER;
constexpr auto kNoKind = v1::MEMBER_KIND_UNSPECIFIED;

TEST(MaySee, AKindDecisionAppliesToEveryMemberOfTheKind) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("", kCarerKind, kClinical, true);
  EXPECT_TRUE(MaySee(plan, plan.team(4), kClinical));
  EXPECT_TRUE(MaySee(plan, OfKind(kCarerKind), kClinical));
  EXPECT_FALSE(MaySee(plan, plan.team(2), kClinical));  // a welfare worker
}

TEST(MaySee, AMemberDecisionBeatsTheKindDecision) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("", kCarerKind, kClinical, true);
  *plan.add_access() = Decision("m-partner", kNoKind, kClinical, false);
  EXPECT_FALSE(MaySee(plan, plan.team(4), kClinical));
  EXPECT_TRUE(MaySee(plan, OfKind(kCarerKind), kClinical));  // another carer
  // And the other way round: the kind denied, the member permitted.
  plan.mutable_access()->RemoveLast();
  plan.mutable_access()->RemoveLast();
  *plan.add_access() = Decision("", v1::MEMBER_KIND_WELFARE_WORKER, kOrg, false);
  *plan.add_access() = Decision("m-social", kNoKind, kOrg, true);
  EXPECT_TRUE(MaySee(plan, plan.team(2), kOrg));
  EXPECT_FALSE(MaySee(plan, OfKind(v1::MEMBER_KIND_WELFARE_WORKER), kOrg));
}

TEST(MaySee, DenyBeatsPermitAtEqualReach) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-partner", kNoKind, kClinical, true);
  *plan.add_access() = Decision("m-partner", kCarerKind, kClinical, false);
  EXPECT_FALSE(MaySee(plan, plan.team(4), kClinical));
  v1::CarePlan kinds = Plan();
  *kinds.add_access() = Decision("", kCarerKind, kClinical, true);
  *kinds.add_access() = Decision("", kCarerKind, kClinical, false);
  EXPECT_FALSE(MaySee(kinds, kinds.team(4), kClinical));
}

TEST(MaySee, AProfessionalCanBeDenied) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-gp", kNoKind, kLife, false);
  *plan.add_access() = Decision("", v1::MEMBER_KIND_PROFESSIONAL, kClinical, false);
  EXPECT_FALSE(MaySee(plan, plan.team(1), kLife));
  EXPECT_TRUE(MaySee(plan, plan.team(0), kLife));
  EXPECT_FALSE(MaySee(plan, plan.team(0), kClinical));
  EXPECT_TRUE(MaySee(plan, plan.team(1), kOrg));
}

TEST(MaySee, ADecisionAboutOneContentLeavesTheOthers) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-partner", kNoKind, kOrg, false);
  EXPECT_FALSE(MaySee(plan, plan.team(4), kOrg));
  EXPECT_TRUE(MaySee(plan, plan.team(4), kLife));
  EXPECT_FALSE(MaySee(plan, plan.team(4), kClinical));
}

// Adversarial: nothing but a permit about the carer or carers may open clinical content to the
// partner.
TEST(MaySee, AnInformalCarerNeverSeesClinicalWithoutAPermitForThem) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-partner", kNoKind, kOrg, true);
  *plan.add_access() = Decision("m-partner", kNoKind, kLife, true);
  *plan.add_access() = Decision("", v1::MEMBER_KIND_WELFARE_WORKER, kClinical, true);
  *plan.add_access() = Decision("", v1::MEMBER_KIND_PROFESSIONAL, kClinical, true);
  *plan.add_access() = Decision("m-social", kNoKind, kClinical, true);
  *plan.add_access() = Decision("m-gp", v1::MEMBER_KIND_PROFESSIONAL, kClinical, true);
  *plan.add_access() = Decision("", kNoKind, kClinical, true);  // about nobody (invalid)
  *plan.add_access() = Decision("M-PARTNER", kNoKind, kClinical, true);
  // About the partner, but naming the wrong kind (invalid): it may deny, never permit.
  *plan.add_access() = Decision("m-partner", v1::MEMBER_KIND_PROFESSIONAL, kClinical, true);
  EXPECT_FALSE(MaySee(plan, plan.team(4), kClinical));
  const std::optional<v1::CarePlan> view = ViewFor(plan, "m-partner");
  ASSERT_TRUE(view.has_value());
  for (const auto& g : view->care_goals()) EXPECT_FALSE(g.clinical()) << g.local_key();
  for (const auto& t : view->tasks()) EXPECT_FALSE(t.clinical()) << t.local_key();
  for (const auto& m : view->messages()) EXPECT_FALSE(m.clinical()) << m.local_key();
}

TEST(MaySee, ADecisionNamingTheWrongKindCanStillDeny) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-gp", kCarerKind, kClinical, false);
  EXPECT_FALSE(MaySee(plan, plan.team(1), kClinical));
}

// Every combination of decisions that does not permit clinical content to the partner (or to
// informal carers) leaves every clinical element and text out of her view.
TEST(ViewFor, NoCombinationOfOtherDecisionsLeaksClinicalContentToTheCarer) {
  const std::vector<v1::AccessDecision> decisions = {
      Decision("m-partner", kNoKind, kOrg, true),
      Decision("m-partner", kNoKind, kLife, false),
      Decision("m-partner", kNoKind, kClinical, false),
      Decision("", kCarerKind, kClinical, false),
      Decision("", v1::MEMBER_KIND_WELFARE_WORKER, kClinical, true),
      Decision("m-midwife", kNoKind, kClinical, true),
      Decision("", v1::MEMBER_KIND_PROFESSIONAL, kOrg, false),
      Decision("m-partner", v1::MEMBER_KIND_ORGANISATION, kClinical, true),
  };
  for (unsigned set = 0; set < (1u << decisions.size()); ++set) {
    v1::CarePlan plan = Plan();
    for (size_t i = 0; i < decisions.size(); ++i) {
      if (set & (1u << i)) *plan.add_access() = decisions[i];
    }
    const std::optional<v1::CarePlan> view = ViewFor(plan, "m-partner");
    ASSERT_TRUE(view.has_value());
    const std::string text = view->DebugString();
    for (const std::string& clinical : kClinicalTexts) {
      EXPECT_EQ(text.find(clinical), std::string::npos) << "decisions " << set << ": " << clinical;
    }
  }
}

// ---- ViewFor ----

TEST(ViewFor, AnUnknownMemberGetsNothing) {
  EXPECT_FALSE(ViewFor(Plan(), "m-nobody").has_value());
  EXPECT_FALSE(ViewFor(Plan(), "").has_value());
}

TEST(ViewFor, TheInformalCarerByDefault) {
  const std::optional<v1::CarePlan> view = ViewFor(Plan(), "m-partner");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(Keys(*view, "life_goals"), (std::vector<std::string>{"lg-calm", "lg-home"}));
  EXPECT_EQ(Keys(*view, "care_goals"), (std::vector<std::string>{"cg-housing"}));
  EXPECT_EQ(Keys(*view, "tasks"), (std::vector<std::string>{"t-housing", "t-room"}));
  // msg-call is for the social worker only; msg-epds is clinical.
  EXPECT_EQ(Keys(*view, "messages"), (std::vector<std::string>{"msg-housing", "msg-slept"}));
  EXPECT_TRUE(Message(*view, "msg-slept")->about_task().empty());  // t-anxiety is not in view
  EXPECT_EQ(Keys(*view, "team"), Keys(Plan(), "team"));
  ASSERT_EQ(view->access_size(), 1);
  EXPECT_EQ(view->access(0).member(), "m-partner");
  EXPECT_EQ(view->contributions_size(), 0);  // a recorded BiB contribution reveals a screening
  EXPECT_EQ(view->local_key(), "cp-1");
  EXPECT_EQ(view->version(), 3);
  ExpectValid(*view);
}

TEST(ViewFor, TheInformalCarerWithAPermitSeesClinicalContent) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-partner", kNoKind, kClinical, true);
  const std::optional<v1::CarePlan> view = ViewFor(plan, "m-partner");
  EXPECT_EQ(Keys(*view, "care_goals"), Keys(plan, "care_goals"));
  EXPECT_EQ(Keys(*view, "tasks"), Keys(plan, "tasks"));
  // msg-epds is clinical but for the GP only.
  EXPECT_EQ(Keys(*view, "messages"), (std::vector<std::string>{"msg-housing", "msg-slept"}));
  EXPECT_EQ(Message(*view, "msg-slept")->about_task(), "t-anxiety");
  EXPECT_EQ(view->contributions_size(), 1);
  ExpectValid(*view);
}

TEST(ViewFor, TheWelfareWorker) {
  const std::optional<v1::CarePlan> view = ViewFor(Plan(), "m-social");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(Keys(*view, "care_goals"), (std::vector<std::string>{"cg-housing"}));
  EXPECT_EQ(Keys(*view, "tasks"), (std::vector<std::string>{"t-housing", "t-room"}));
  EXPECT_EQ(Keys(*view, "messages"),
            (std::vector<std::string>{"msg-housing", "msg-call", "msg-slept"}));
  ASSERT_EQ(view->access_size(), 1);
  EXPECT_EQ(view->access(0).member_kind(), v1::MEMBER_KIND_WELFARE_WORKER);
  ExpectValid(*view);
}

TEST(ViewFor, TheProfessionalsSeeEverythingAddressedToThem) {
  const std::optional<v1::CarePlan> gp = ViewFor(Plan(), "m-gp");
  ASSERT_TRUE(gp.has_value());
  EXPECT_EQ(Keys(*gp, "care_goals"), Keys(Plan(), "care_goals"));
  EXPECT_EQ(Keys(*gp, "tasks"), Keys(Plan(), "tasks"));
  EXPECT_EQ(Keys(*gp, "messages"),
            (std::vector<std::string>{"msg-housing", "msg-epds", "msg-slept"}));
  EXPECT_EQ(gp->access_size(), 0);
  EXPECT_EQ(gp->contributions_size(), 1);
  // The sender sees her own message to the GP; the coordinator sees his to the social worker.
  EXPECT_NE(Message(*ViewFor(Plan(), "m-midwife"), "msg-epds"), nullptr);
  EXPECT_NE(Message(*ViewFor(Plan(), "m-coord"), "msg-call"), nullptr);
  EXPECT_EQ(Message(*ViewFor(Plan(), "m-midwife"), "msg-call"), nullptr);
}

TEST(ViewFor, WithoutLifeGoalsTheLinksToThemGo) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-gp", kNoKind, kLife, false);
  const std::optional<v1::CarePlan> view = ViewFor(plan, "m-gp");
  EXPECT_EQ(view->life_goals_size(), 0);
  for (const auto& g : view->care_goals()) EXPECT_EQ(g.life_goals_size(), 0) << g.local_key();
  ASSERT_EQ(view->access_size(), 1);
  ExpectValid(*view);
}

TEST(ViewFor, LinksToRemovedElementsGo) {
  v1::CarePlan plan = Plan();
  plan.mutable_tasks(2)->set_goal("cg-anxiety");  // a task of the partner towards a clinical goal
  const std::optional<v1::CarePlan> view = ViewFor(plan, "m-partner");
  EXPECT_TRUE(Task(*view, "t-room")->goal().empty());
  EXPECT_EQ(Task(*view, "t-housing")->goal(), "cg-housing");
  ExpectValid(*view);
}

TEST(ViewFor, WithoutCareOrganisationOnlyTheMemberThemselfStays) {
  v1::CarePlan plan = Plan();
  *plan.add_access() = Decision("m-gp", kNoKind, kOrg, false);
  const std::optional<v1::CarePlan> view = ViewFor(plan, "m-gp");
  EXPECT_EQ(Keys(*view, "team"), (std::vector<std::string>{"m-gp"}));
  // Clinical content stays; its links to hidden members go; a message from a hidden sender goes
  // (an empty sender would say she wrote it herself).
  EXPECT_EQ(Keys(*view, "care_goals"), (std::vector<std::string>{"cg-anxiety"}));
  EXPECT_EQ(Keys(*view, "tasks"),
            (std::vector<std::string>{"t-anxiety", "bib-screening/scr-1/ppa"}));
  EXPECT_TRUE(Task(*view, "t-anxiety")->owner().empty());
  EXPECT_EQ(Task(*view, "bib-screening/scr-1/ppa")->candidates_size(), 0);
  EXPECT_EQ(view->messages_size(), 0);
  for (const auto& g : view->life_goals()) EXPECT_TRUE(g.expressed_by().empty());
  ExpectValid(*view);
}

TEST(ViewFor, AMemberOfNoKnownKindSeesOnlyThemself) {
  v1::CarePlan plan = Plan();
  plan.add_team()->set_local_key("m-x");
  const std::optional<v1::CarePlan> view = ViewFor(plan, "m-x");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(Keys(*view, "team"), (std::vector<std::string>{"m-x"}));
  EXPECT_EQ(view->life_goals_size() + view->care_goals_size() + view->tasks_size() +
                view->messages_size() + view->contributions_size(),
            0);
}

TEST(ViewFor, ThePlanItselfIsNotChanged) {
  const v1::CarePlan plan = Plan();
  (void)ViewFor(plan, "m-partner");
  EXPECT_TRUE(Identical(plan, Plan()));
}

}  // namespace
}  // namespace zorgbrug::adapters::careplan
