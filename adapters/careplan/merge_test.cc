// Tests of merge.cc (merge.h). One table row per rule, run on every keyed list, on the plan's own
// fields and on the sets, each checked in both argument orders; the conflicts' content; the order
// and version rules; and the properties of merge.h over seeded random pairs of concurrent edit
// scripts, whose oracle is what the generator tracked each script to have done.

#include "adapters/careplan/merge.h"

#include <gtest/gtest.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace zorgbrug::adapters::careplan {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::TextFormat;
using google::protobuf::util::MessageDifferencer;

// ---- Reading and editing plans by list, key and field name (the tests' own reflection) ----

// An element's key: its local_key; for an access decision "member|kind|content".
std::string KeyOf(const Message& element) {
  if (element.GetDescriptor() == v1::AccessDecision::descriptor()) {
    const auto& access = static_cast<const v1::AccessDecision&>(element);
    return access.member() + "|" + v1::MemberKind_Name(access.member_kind()) + "|" +
           v1::ContentClass_Name(access.content());
  }
  return element.GetReflection()->GetString(element,
                                            element.GetDescriptor()->FindFieldByName("local_key"));
}

const FieldDescriptor* ListField(std::string_view list) {
  return v1::CarePlan::descriptor()->FindFieldByName(std::string(list));
}

int IndexOf(const v1::CarePlan& plan, std::string_view list, std::string_view key) {
  const FieldDescriptor* field = ListField(list);
  const Reflection& r = *plan.GetReflection();
  for (int i = 0; i < r.FieldSize(plan, field); ++i) {
    if (KeyOf(r.GetRepeatedMessage(plan, field, i)) == key) return i;
  }
  return -1;
}

// The element of `list` with `key`, or nullptr; the plan itself for an empty list.
const Message* Find(const v1::CarePlan& plan, std::string_view list, std::string_view key) {
  if (list.empty()) return &plan;
  const int i = IndexOf(plan, list, key);
  return i < 0 ? nullptr : &plan.GetReflection()->GetRepeatedMessage(plan, ListField(list), i);
}

Message* FindMutable(v1::CarePlan& plan, std::string_view list, std::string_view key) {
  if (list.empty()) return &plan;
  const int i = IndexOf(plan, list, key);
  return i < 0 ? nullptr : plan.GetReflection()->MutableRepeatedMessage(&plan, ListField(list), i);
}

std::vector<std::string> Keys(const v1::CarePlan& plan, std::string_view list) {
  std::vector<std::string> keys;
  const FieldDescriptor* field = ListField(list);
  const Reflection& r = *plan.GetReflection();
  for (int i = 0; i < r.FieldSize(plan, field); ++i) {
    keys.push_back(KeyOf(r.GetRepeatedMessage(plan, field, i)));
  }
  return keys;
}

// Removes item `i` of a repeated field, keeping the others' order.
void RemoveAt(Message& message, const FieldDescriptor* field, int i) {
  const Reflection& r = *message.GetReflection();
  for (int j = i; j + 1 < r.FieldSize(message, field); ++j)
    r.SwapElements(&message, field, j, j + 1);
  r.RemoveLast(&message, field);
}

// Whether `field` is the field, or a member of the oneof, called `name`.
bool Named(const FieldDescriptor* field, std::string_view name) {
  const auto* oneof = field->real_containing_oneof();
  return field->name() == name || (oneof != nullptr && oneof->name() == name);
}

// Sets the field (or oneof) `name` to the value in `text` ("status: X"; "" clears it).
void SetField(Message& message, std::string_view name, const std::string& text) {
  for (int i = 0; i < message.GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* field = message.GetDescriptor()->field(i);
    if (Named(field, name)) message.GetReflection()->ClearField(&message, field);
  }
  ASSERT_TRUE(TextFormat::MergeFromString(text, &message)) << text;
}

std::string OneLine(const Message& message) {
  TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::string text;
  printer.PrintToString(message, &text);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The element with only its field (or oneof) `name`, as one-line protobuf text.
std::string FieldText(const Message& message, std::string_view name) {
  std::unique_ptr<Message> only(message.New());
  only->CopyFrom(message);
  for (int i = 0; i < message.GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* field = message.GetDescriptor()->field(i);
    if (!Named(field, name)) only->GetReflection()->ClearField(only.get(), field);
  }
  return OneLine(*only);
}

// The items of a repeated scalar field as protobuf text ("\"m-1\"", "CARE_TEAM_ROLE_COORDINATOR").
std::vector<std::string> Items(const Message& message, std::string_view name) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(std::string(name));
  std::vector<std::string> items;
  for (int i = 0; i < message.GetReflection()->FieldSize(message, field); ++i) {
    std::string item;
    TextFormat::PrintFieldValueToString(message, field, i, &item);
    items.push_back(item);
  }
  return items;
}

v1::CarePlan WithoutVersion(v1::CarePlan plan) {
  plan.clear_version();
  return plan;
}

testing::AssertionResult SamePlan(const v1::CarePlan& got, const v1::CarePlan& want) {
  MessageDifferencer differencer;
  std::string diff;
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(want, got)) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "merged plan differs from the expected one:\n" << diff;
}

// "BOTH_CHANGED tasks[key=t-1].status".
std::string Summary(const v1::CarePlanConflict& conflict) {
  return v1::ConflictKind_Name(conflict.kind()).substr(sizeof("CONFLICT_KIND_") - 1) + " " +
         conflict.path();
}

std::vector<std::string> Summaries(const std::vector<v1::CarePlanConflict>& conflicts) {
  std::vector<std::string> summaries;
  for (const v1::CarePlanConflict& conflict : conflicts) summaries.push_back(Summary(conflict));
  return summaries;
}

// The conflicts of Merge(b, y, x) are those of Merge(b, x, y), in the same order, with ours and
// theirs swapped.
void ExpectMirrored(const std::vector<v1::CarePlanConflict>& conflicts,
                    const std::vector<v1::CarePlanConflict>& swapped) {
  ASSERT_EQ(conflicts.size(), swapped.size());
  for (size_t i = 0; i < conflicts.size(); ++i) {
    v1::CarePlanConflict mirrored = swapped[i];
    mirrored.set_ours(swapped[i].theirs());
    mirrored.set_theirs(swapped[i].ours());
    EXPECT_TRUE(MessageDifferencer::Equals(conflicts[i], mirrored))
        << conflicts[i].ShortDebugString() << "\nvs\n"
        << swapped[i].ShortDebugString();
  }
}

// ---- The rows: one per rule ----

// The plan the rows edit, at version 7.
constexpr char kBase[] = R"pb(
  local_key: "plan-1"
  patient_local_key: "pat-1"
  pregnancy_local_key: "preg-1"
  status: CARE_PLAN_STATUS_ACTIVE
  title: "Zorgplan Sara"
  start { year: 2026 month: 1 day: 5 }
  life_goals { local_key: "lg-1" text: "Rustig bevallen" status: GOAL_STATUS_ACTIVE }
  life_goals { local_key: "lg-2" text: "Wandelen in het park" expressed_by: "m-2" }
  care_goals {
    local_key: "cg-1"
    description: "Minder angst voor de bevalling"
    life_goals: "lg-1"
    status: GOAL_STATUS_ACTIVE
    target { year: 2026 month: 5 }
  }
  tasks {
    local_key: "t-1"
    description: "Intake bij de vroedvrouw"
    owner: "m-1"
    candidates: "m-1"
    candidates: "m-2"
    due { year: 2026 month: 2 day: 1 }
    status: CARE_PLAN_TASK_STATUS_ACCEPTED
    goal: "cg-1"
  }
  tasks { local_key: "t-2" description: "Huisbezoek" status: CARE_PLAN_TASK_STATUS_REQUESTED }
  tasks { local_key: "t-3" description: "Bloedafname" clinical: true }
  team {
    local_key: "m-1"
    professional {
      nihdi: "10000000001"
      name { family: "Maes" }
    }
    roles: CARE_TEAM_ROLE_COORDINATOR
  }
  team {
    local_key: "m-2"
    welfare_worker { identifier { system: "https://ocmw.example.be/id" value: "w-7" } }
  }
  messages {
    local_key: "msg-1"
    sender: "m-1"
    recipients: "m-2"
    sent { seconds: 1767600000 }
    text: "Welkom in het team"
    about_task: "t-1"
  }
  access { member: "m-2" content: CONTENT_CLASS_CLINICAL }
  access { member_kind: MEMBER_KIND_INFORMAL_CARER content: CONTENT_CLASS_LIFE_GOALS permit: true }
  version: 7
  contributions: "bib-screening/s-1"
)pb";

v1::CarePlan Base() {
  v1::CarePlan plan;
  EXPECT_TRUE(TextFormat::ParseFromString(kBase, &plan));
  return plan;
}

using Edit = std::function<void(v1::CarePlan&)>;

Edit Set(std::string list, std::string key, std::string field, std::string text) {
  return [=](v1::CarePlan& plan) {
    Message* element = FindMutable(plan, list, key);
    ASSERT_NE(element, nullptr) << list << "[key=" << key << "]";
    SetField(*element, field, text);
  };
}
Edit SetPlan(std::string field, std::string text) { return Set("", "", field, text); }
Edit Remove(std::string list, std::string key) {
  return [=](v1::CarePlan& plan) {
    const int i = IndexOf(plan, list, key);
    ASSERT_GE(i, 0) << list << "[key=" << key << "]";
    RemoveAt(plan, ListField(list), i);
  };
}
Edit Add(std::string list, std::string text) {
  return [=](v1::CarePlan& plan) {
    Message* element = plan.GetReflection()->AddMessage(&plan, ListField(list));
    ASSERT_TRUE(TextFormat::ParseFromString(text, element)) << text;
  };
}
Edit All(std::vector<Edit> edits) {
  return [=](v1::CarePlan& plan) {
    for (const Edit& edit : edits) edit(plan);
  };
}
const Edit kNone = [](v1::CarePlan&) {};
const Edit kRetitle = SetPlan("title", R"(title: "Zorg- en ondersteuningsplan")");

// One rule on one case: ours edits the base to version 8, theirs to version 9; `expected` edits
// the base into the merged plan, whose version is `version`.
struct Row {
  std::string name;
  Edit ours;
  Edit theirs;
  Edit expected;
  std::vector<std::string> conflicts;  // Summary() of each, in order
  int64_t version;
};

void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

// One keyed list as the rows edit it: an element of the base and a field of it with two values,
// another field, and a new key with two different elements.
struct ListCase {
  std::string list;
  std::string key;
  std::string field;
  std::string value_a;
  std::string value_b;
  std::string other;
  std::string other_value;
  std::string new_key;
  std::string added_a;
  std::string added_b;
};

std::vector<ListCase> ListCases() {
  return {
      {"life_goals", "lg-1", "text", R"(text: "Thuis bevallen")",
       R"(text: "Bevallen in het ziekenhuis")", "status", "status: GOAL_STATUS_COMPLETED", "lg-9",
       R"(local_key: "lg-9" text: "Borstvoeding geven")",
       R"(local_key: "lg-9" text: "Weer gaan werken")"},
      {"care_goals", "cg-1", "target", "target { year: 2026 month: 3 }",
       "target { year: 2026 month: 4 day: 15 }", "clinical", "clinical: true", "cg-9",
       R"(local_key: "cg-9" description: "Slaap verbeteren")",
       R"(local_key: "cg-9" description: "Slaap verbeteren" clinical: true)"},
      {"tasks", "t-1", "status", "status: CARE_PLAN_TASK_STATUS_IN_PROGRESS",
       "status: CARE_PLAN_TASK_STATUS_COMPLETED", "owner", R"(owner: "m-2")", "t-9",
       R"(local_key: "t-9" description: "Kraamzorg regelen" due { year: 2026 month: 6 })",
       R"(local_key: "t-9" description: "Kraamzorg regelen" due { year: 2026 month: 7 })"},
      {"team", "m-1", "who", R"(organisation { name: "Huis van het Kind" })",
       R"(informal_carer { relationship: RELATIONSHIP_PARTNER name { family: "Janssens" } })",
       "since", "since { year: 2026 month: 1 day: 5 }", "m-9",
       R"(local_key: "m-9" professional { nihdi: "10000000009" })",
       R"(local_key: "m-9" organisation { name: "OCMW Gent" })"},
      {"messages", "msg-1", "text", R"(text: "Welkom!")", R"(text: "Welkom, Sara")", "clinical",
       "clinical: true", "msg-9", R"(local_key: "msg-9" text: "Afspraak verzet")",
       R"(local_key: "msg-9" text: "Afspraak bevestigd")"},
      {"access", "m-2|MEMBER_KIND_UNSPECIFIED|CONTENT_CLASS_CLINICAL", "decided_on",
       "decided_on { year: 2026 month: 1 day: 10 }", "decided_on { year: 2026 month: 1 day: 12 }",
       "permit", "permit: true", "|MEMBER_KIND_WELFARE_WORKER|CONTENT_CLASS_CLINICAL",
       "member_kind: MEMBER_KIND_WELFARE_WORKER content: CONTENT_CLASS_CLINICAL permit: true",
       "member_kind: MEMBER_KIND_WELFARE_WORKER content: CONTENT_CLASS_CLINICAL"},
  };
}

// Every rule on one list.
std::vector<Row> RowsFor(const ListCase& c) {
  const std::string at = c.list + "[key=" + c.key + "]";
  const std::string added_at = c.list + "[key=" + c.new_key + "]";
  const Edit set_a = Set(c.list, c.key, c.field, c.value_a);
  const Edit set_b = Set(c.list, c.key, c.field, c.value_b);
  const Edit set_other = Set(c.list, c.key, c.other, c.other_value);
  const Edit remove = Remove(c.list, c.key);
  const Edit add_a = Add(c.list, c.added_a);
  const Edit add_b = Add(c.list, c.added_b);
  return {
      {c.list + ": a field on each side", set_a, set_other, All({set_a, set_other}), {}, 10},
      {c.list + ": the same change on both sides",
       set_a,
       All({set_a, kRetitle}),
       All({set_a, kRetitle}),
       {},
       9},
      {c.list + ": one field changed differently",
       set_a,
       set_b,
       kNone,
       {"BOTH_CHANGED " + at + "." + c.field},
       10},
      {c.list + ": removed, unchanged on the other side",
       remove,
       kRetitle,
       All({remove, kRetitle}),
       {},
       10},
      {c.list + ": removed, changed on the other side",
       remove,
       set_a,
       kNone,
       {"CHANGED_AND_REMOVED " + at},
       10},
      {c.list + ": removed on both sides",
       remove,
       All({remove, kRetitle}),
       All({remove, kRetitle}),
       {},
       9},
      {c.list + ": added on one side", add_a, kRetitle, All({kRetitle, add_a}), {}, 10},
      {c.list + ": added on both sides, identically",
       add_a,
       All({add_a, kRetitle}),
       All({add_a, kRetitle}),
       {},
       9},
      {c.list + ": added on both sides, differently",
       add_a,
       add_b,
       kNone,
       {"BOTH_ADDED " + added_at},
       10},
  };
}

std::vector<Row> PlanRows() {
  const Edit title_a = SetPlan("title", R"(title: "Plan A")");
  const Edit title_b = SetPlan("title", R"(title: "Plan B")");
  const Edit hold = SetPlan("status", "status: CARE_PLAN_STATUS_ON_HOLD");
  return {
      {"plan: only ours changed, taken as it is", title_a, kNone, title_a, {}, 8},
      {"plan: only theirs changed, taken as it is", kNone, title_a, title_a, {}, 9},
      {"plan: nothing changed, ours' version", kNone, kNone, kNone, {}, 8},
      {"plan: the same edits on both sides, ours' version", title_a, title_a, title_a, {}, 8},
      {"plan: a field on each side", title_a, hold, All({title_a, hold}), {}, 10},
      {"plan: title changed differently", title_a, title_b, kNone, {"BOTH_CHANGED title"}, 10},
      {"plan: title changed differently, status on one side",
       All({title_a, hold}),
       title_b,
       hold,
       {"BOTH_CHANGED title"},
       10},
      {"plan: start (a date) changed differently",
       SetPlan("start", "start { year: 2026 month: 1 day: 6 }"),
       SetPlan("start", "start { year: 2026 month: 2 }"),
       kNone,
       {"BOTH_CHANGED start"},
       10},
      {"plan: end set on both sides, differently",
       SetPlan("end", "end { year: 2027 month: 12 day: 31 }"),
       SetPlan("end", "end { year: 2028 month: 1 day: 31 }"),
       kNone,
       {"BOTH_CHANGED end"},
       10},
      {"plan: pregnancy cleared on one side, status on the other",
       SetPlan("pregnancy_local_key", ""),
       hold,
       All({SetPlan("pregnancy_local_key", ""), hold}),
       {},
       10},
      {"plan: conflicts in order: plan fields by number, then lists, then fields by number",
       All({SetPlan("title", R"(title: "A")"), SetPlan("local_key", R"(local_key: "plan-2")"),
            Set("messages", "msg-1", "text", R"(text: "A")"),
            Set("tasks", "t-1", "status", "status: CARE_PLAN_TASK_STATUS_COMPLETED"),
            Set("tasks", "t-1", "description", R"(description: "A")")}),
       All({Set("tasks", "t-1", "description", R"(description: "B")"),
            Set("tasks", "t-1", "status", "status: CARE_PLAN_TASK_STATUS_CANCELLED"),
            Set("messages", "msg-1", "text", R"(text: "B")"),
            SetPlan("local_key", R"(local_key: "plan-3")"), SetPlan("title", R"(title: "B")")}),
       kNone,
       {"BOTH_CHANGED local_key", "BOTH_CHANGED title", "BOTH_CHANGED tasks[key=t-1].description",
        "BOTH_CHANGED tasks[key=t-1].status", "BOTH_CHANGED messages[key=msg-1].text"},
       10},
      {"plan: one element changed on both sides, different fields",
       Set("tasks", "t-1", "due", "due { year: 2026 month: 3 day: 1 }"),
       Set("tasks", "t-1", "goal", ""),
       All({Set("tasks", "t-1", "due", "due { year: 2026 month: 3 day: 1 }"),
            Set("tasks", "t-1", "goal", "")}),
       {},
       10},
  };
}

std::vector<Row> SetAndOneofRows() {
  const auto candidates = [](std::vector<std::string> keys) {
    std::string text;
    for (const std::string& key : keys) text += "candidates: \"" + key + "\" ";
    return Set("tasks", "t-1", "candidates", text);
  };
  return {
      {"sets: candidates, base order then additions sorted, not by side",
       candidates({"m-2", "m-4"}),
       candidates({"m-1", "m-3", "m-2", "m-0"}),
       candidates({"m-2", "m-0", "m-3", "m-4"}),
       {},
       10},
      {"sets: roles (an enum), additions by value",
       Set("team", "m-1", "roles",
           "roles: [CARE_TEAM_ROLE_COORDINATOR, CARE_TEAM_ROLE_CONTACT_PERSON]"),
       Set("team", "m-1", "roles",
           "roles: [CARE_TEAM_ROLE_CARE_MEDIATOR, CARE_TEAM_ROLE_COORDINATOR, "
           "CARE_TEAM_ROLE_CASE_MANAGER]"),
       Set("team", "m-1", "roles",
           "roles: [CARE_TEAM_ROLE_COORDINATOR, CARE_TEAM_ROLE_CASE_MANAGER, "
           "CARE_TEAM_ROLE_CARE_MEDIATOR, CARE_TEAM_ROLE_CONTACT_PERSON]"),
       {},
       10},
      {"sets: care goal's life goals, one side adds, the other removes",
       Set("care_goals", "cg-1", "life_goals", R"(life_goals: ["lg-1", "lg-2"])"),
       Set("care_goals", "cg-1", "life_goals", ""),
       Set("care_goals", "cg-1", "life_goals", R"(life_goals: "lg-2")"),
       {},
       10},
      {"sets: recipients, the same item added on both sides in another order",
       Set("messages", "msg-1", "recipients", R"(recipients: ["m-2", "m-1"])"),
       Set("messages", "msg-1", "recipients", R"(recipients: ["m-1", "m-2"])"),
       Set("messages", "msg-1", "recipients", R"(recipients: ["m-2", "m-1"])"),
       {},
       8},
      {"sets: contributions of the plan",
       SetPlan("contributions", R"(contributions: ["bib-screening/s-1", "consultation/c-1"])"),
       SetPlan("contributions", R"(contributions: ["bib-screening/s-2", "bib-screening/s-1"])"),
       SetPlan("contributions",
               R"(contributions: ["bib-screening/s-1", "bib-screening/s-2", "consultation/c-1"])"),
       {},
       10},
      {"sets: an item removed on both sides, another added on one",
       candidates({"m-1"}),
       candidates({"m-1", "m-5"}),
       candidates({"m-1", "m-5"}),
       {},
       9},
      {"who: two changes inside the professional are one value, in conflict",
       Set("team", "m-1", "who",
           R"(professional { nihdi: "10000000001" name { family: "Peeters" } })"),
       Set("team", "m-1", "who",
           R"(professional { nihdi: "19999999999" name { family: "Maes" } })"),
       kNone,
       {"BOTH_CHANGED team[key=m-1].who"},
       10},
      {"who: switched kind on one side, roles changed on the other",
       Set("team", "m-1", "who", R"(organisation { name: "Kind en Gezin" })"),
       Set("team", "m-1", "roles", "roles: CARE_TEAM_ROLE_CONTACT_PERSON"),
       All({Set("team", "m-1", "who", R"(organisation { name: "Kind en Gezin" })"),
            Set("team", "m-1", "roles", "roles: CARE_TEAM_ROLE_CONTACT_PERSON")}),
       {},
       10},
      {"who: the same switch on both sides",
       Set("team", "m-2", "who", R"(informal_carer { relationship: RELATIONSHIP_PARTNER })"),
       All({Set("team", "m-2", "who", R"(informal_carer { relationship: RELATIONSHIP_PARTNER })"),
            kRetitle}),
       All({Set("team", "m-2", "who", R"(informal_carer { relationship: RELATIONSHIP_PARTNER })"),
            kRetitle}),
       {},
       9},
  };
}

std::vector<Row> AllRows() {
  std::vector<Row> rows = PlanRows();
  for (Row& row : SetAndOneofRows()) rows.push_back(std::move(row));
  for (const ListCase& c : ListCases()) {
    for (Row& row : RowsFor(c)) rows.push_back(std::move(row));
  }
  return rows;
}

class MergeRowTest : public testing::TestWithParam<Row> {};

TEST_P(MergeRowTest, MergesTheSameInBothOrders) {
  const Row& row = GetParam();
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base, expected = base;
  row.ours(ours);
  ours.set_version(8);
  row.theirs(theirs);
  theirs.set_version(9);
  row.expected(expected);
  expected.set_version(row.version);

  const MergeResult result = Merge(base, ours, theirs);
  EXPECT_TRUE(SamePlan(result.merged, expected));
  EXPECT_EQ(Summaries(result.conflicts), row.conflicts);

  const MergeResult swapped = Merge(base, theirs, ours);
  EXPECT_TRUE(SamePlan(WithoutVersion(swapped.merged), WithoutVersion(expected)));
  ExpectMirrored(result.conflicts, swapped.conflicts);
}

std::string TestName(const testing::TestParamInfo<Row>& info) {
  std::string name;
  for (char c : info.param.name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rules, MergeRowTest, testing::ValuesIn(AllRows()), TestName);

// ---- The conflicts' content, the order and version rules, odd plans ----

const v1::CarePlanConflict* ConflictAt(const MergeResult& result, std::string_view path) {
  for (const v1::CarePlanConflict& conflict : result.conflicts) {
    if (conflict.path() == path) return &conflict;
  }
  return nullptr;
}

TEST(MergeConflictTest, FieldConflictNamesListKeyFieldAndEachSidesValue) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  Set("tasks", "t-1", "status", "status: CARE_PLAN_TASK_STATUS_IN_PROGRESS")(ours);
  Set("tasks", "t-1", "status", "status: CARE_PLAN_TASK_STATUS_COMPLETED")(theirs);
  const MergeResult result = Merge(base, ours, theirs);
  ASSERT_EQ(result.conflicts.size(), 1u);
  const v1::CarePlanConflict& conflict = result.conflicts[0];
  EXPECT_EQ(conflict.path(), "tasks[key=t-1].status");
  EXPECT_EQ(conflict.kind(), v1::CONFLICT_KIND_BOTH_CHANGED);
  EXPECT_EQ(conflict.list(), "tasks");
  EXPECT_EQ(conflict.key(), "t-1");
  EXPECT_EQ(conflict.field(), "status");
  EXPECT_EQ(conflict.base(), "status: CARE_PLAN_TASK_STATUS_ACCEPTED");
  EXPECT_EQ(conflict.ours(), "status: CARE_PLAN_TASK_STATUS_IN_PROGRESS");
  EXPECT_EQ(conflict.theirs(), "status: CARE_PLAN_TASK_STATUS_COMPLETED");
  EXPECT_EQ(result.merged.tasks(0).status(), v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
}

TEST(MergeConflictTest, PlanFieldConflictHasNoListNorKey) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  ours.set_title("Plan A");
  theirs.clear_title();
  const MergeResult result = Merge(base, ours, theirs);
  ASSERT_EQ(result.conflicts.size(), 1u);
  const v1::CarePlanConflict& conflict = result.conflicts[0];
  EXPECT_EQ(conflict.path(), "title");
  EXPECT_EQ(conflict.list(), "");
  EXPECT_EQ(conflict.key(), "");
  EXPECT_EQ(conflict.field(), "title");
  EXPECT_EQ(conflict.base(), R"(title: "Zorgplan Sara")");
  EXPECT_EQ(conflict.ours(), R"(title: "Plan A")");
  EXPECT_EQ(conflict.theirs(), "");  // cleared
  EXPECT_EQ(result.merged.title(), "Zorgplan Sara");
}

TEST(MergeConflictTest, WhoConflictShowsTheWholeOneof) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  Set("team", "m-1", "who", R"(organisation { name: "Huis van het Kind" })")(ours);
  Set("team", "m-1", "who", R"(professional { nihdi: "19999999999" })")(theirs);
  const MergeResult result = Merge(base, ours, theirs);
  const v1::CarePlanConflict* conflict = ConflictAt(result, "team[key=m-1].who");
  ASSERT_NE(conflict, nullptr);
  EXPECT_EQ(conflict->field(), "who");
  EXPECT_EQ(conflict->base(), R"(professional { nihdi: "10000000001" name { family: "Maes" } })");
  EXPECT_EQ(conflict->ours(), R"(organisation { name: "Huis van het Kind" })");
  EXPECT_EQ(conflict->theirs(), R"(professional { nihdi: "19999999999" })");
  EXPECT_TRUE(MessageDifferencer::Equals(result.merged.team(0), base.team(0)));
}

TEST(MergeConflictTest, ChangedAndRemovedKeepsTheBaseElement) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  Remove("tasks", "t-2")(ours);
  Set("tasks", "t-2", "owner", R"(owner: "m-2")")(theirs);
  const MergeResult result = Merge(base, ours, theirs);
  ASSERT_EQ(result.conflicts.size(), 1u);
  const v1::CarePlanConflict& conflict = result.conflicts[0];
  EXPECT_EQ(conflict.kind(), v1::CONFLICT_KIND_CHANGED_AND_REMOVED);
  EXPECT_EQ(conflict.path(), "tasks[key=t-2]");
  EXPECT_EQ(conflict.list(), "tasks");
  EXPECT_EQ(conflict.key(), "t-2");
  EXPECT_EQ(conflict.field(), "");
  EXPECT_EQ(conflict.base(), OneLine(base.tasks(1)));
  EXPECT_EQ(conflict.ours(), "");
  EXPECT_EQ(conflict.theirs(), OneLine(*Find(theirs, "tasks", "t-2")));
  EXPECT_EQ(Keys(result.merged, "tasks"), (std::vector<std::string>{"t-1", "t-2", "t-3"}));
  EXPECT_TRUE(MessageDifferencer::Equals(result.merged.tasks(1), base.tasks(1)));
}

TEST(MergeConflictTest, BothAddedLeavesTheElementOut) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  Add("access", "member: \"m-1\" content: CONTENT_CLASS_LIFE_GOALS permit: true")(ours);
  Add("access", "member: \"m-1\" content: CONTENT_CLASS_LIFE_GOALS")(theirs);
  const MergeResult result = Merge(base, ours, theirs);
  ASSERT_EQ(result.conflicts.size(), 1u);
  const v1::CarePlanConflict& conflict = result.conflicts[0];
  EXPECT_EQ(conflict.kind(), v1::CONFLICT_KIND_BOTH_ADDED);
  EXPECT_EQ(conflict.path(), "access[key=m-1|MEMBER_KIND_UNSPECIFIED|CONTENT_CLASS_LIFE_GOALS]");
  EXPECT_EQ(conflict.key(), "m-1|MEMBER_KIND_UNSPECIFIED|CONTENT_CLASS_LIFE_GOALS");
  EXPECT_EQ(conflict.base(), "");
  EXPECT_EQ(conflict.ours(), R"(member: "m-1" content: CONTENT_CLASS_LIFE_GOALS permit: true)");
  EXPECT_EQ(conflict.theirs(), R"(member: "m-1" content: CONTENT_CLASS_LIFE_GOALS)");
  EXPECT_EQ(result.merged.access_size(), 2);
}

TEST(MergeOrderTest, BaseOrderThenAdditionsByKeyWhicheverSideAddedThem) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  Add("tasks", R"(local_key: "t-9")")(ours);
  Add("tasks", R"(local_key: "t-5")")(ours);
  Remove("tasks", "t-2")(ours);
  Add("tasks", R"(local_key: "t-7")")(theirs);
  Add("tasks", R"(local_key: "t-10")")(theirs);
  const std::vector<std::string> want = {"t-1", "t-3", "t-10", "t-5", "t-7", "t-9"};
  EXPECT_EQ(Keys(Merge(base, ours, theirs).merged, "tasks"), want);
  EXPECT_EQ(Keys(Merge(base, theirs, ours).merged, "tasks"), want);
}

TEST(MergeOrderTest, AnUnchangedSideLeavesTheOtherAsItIsEvenReordered) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base;
  ours.mutable_tasks()->SwapElements(0, 2);
  ours.set_version(8);
  EXPECT_TRUE(SamePlan(Merge(base, ours, base).merged, ours));
  EXPECT_TRUE(SamePlan(Merge(base, base, ours).merged, ours));
}

TEST(MergeVersionTest, VersionIsIgnoredInComparisons) {
  const v1::CarePlan base = Base();
  v1::CarePlan ours = base, theirs = base;
  ours.set_version(12);  // only the version differs: no change
  theirs.set_title("Plan B");
  theirs.set_version(8);
  const MergeResult result = Merge(base, ours, theirs);
  EXPECT_TRUE(SamePlan(result.merged, theirs));
  EXPECT_TRUE(result.conflicts.empty());
}

TEST(MergeVersionTest, TheVersionOfTheSideTheResultEqualsElseMaxPlusOne) {
  const v1::CarePlan base = Base();
  struct Case {
    std::string name;
    Edit ours;
    int64_t ours_version;
    Edit theirs;
    int64_t theirs_version;
    int64_t want;
  };
  const Edit title = SetPlan("title", R"(title: "Plan A")");
  const Edit status = SetPlan("status", "status: CARE_PLAN_STATUS_ON_HOLD");
  const std::vector<Case> cases = {
      {"equal to ours, the lower", All({title, status}), 8, title, 30, 8},
      {"equal to theirs, the lower", title, 30, All({title, status}), 8, 8},
      {"equal to both: ours", title, 5, title, 3, 5},
      {"neither: max + 1", title, 20, status, 9, 21},
      {"neither, theirs higher", title, 9, status, 20, 21},
      {"a conflict equals neither", title, 8, SetPlan("title", ""), 8, 9},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::CarePlan ours = base, theirs = base;
    c.ours(ours);
    ours.set_version(c.ours_version);
    c.theirs(theirs);
    theirs.set_version(c.theirs_version);
    EXPECT_EQ(Merge(base, ours, theirs).merged.version(), c.want);
  }
}

TEST(MergeOddPlanTest, RepeatedKeysAreNumberedAndNothingIsLost) {
  v1::CarePlan base = Base();
  Add("tasks", R"(local_key: "t-1" description: "Tweede t-1")")(base);
  v1::CarePlan ours = base, theirs = base;
  ours.mutable_tasks(3)->set_description("Tweede t-1, ons");
  theirs.set_title("Plan B");
  MergeResult result = Merge(base, ours, theirs);
  EXPECT_TRUE(result.conflicts.empty());
  ASSERT_EQ(result.merged.tasks_size(), 4);
  EXPECT_EQ(result.merged.tasks(3).description(), "Tweede t-1, ons");
  EXPECT_EQ(result.merged.title(), "Plan B");

  theirs.mutable_tasks(3)->set_description("Tweede t-1, hun");
  result = Merge(base, ours, theirs);
  EXPECT_EQ(Summaries(result.conflicts),
            std::vector<std::string>{"BOTH_CHANGED tasks[key=t-1#2].description"});
}

TEST(MergeOddPlanTest, EmptyPlans) {
  const v1::CarePlan empty;
  v1::CarePlan ours = Base();
  const MergeResult result = Merge(empty, ours, empty);
  EXPECT_TRUE(SamePlan(result.merged, ours));
  v1::CarePlan theirs = Base();
  theirs.set_title("Anders");
  // Both added everything; the plan's fields conflict on the title, each list's elements match.
  const MergeResult both = Merge(empty, ours, theirs);
  EXPECT_EQ(Summaries(both.conflicts), std::vector<std::string>{"BOTH_CHANGED title"});
  EXPECT_EQ(both.merged.tasks_size(), 3);
}

// ---- The properties over generated edit pairs ----

using ElementRef = std::pair<std::string, std::string>;              // list ("" for the plan), key
using FieldRef = std::tuple<std::string, std::string, std::string>;  // list, key, field
using ItemRef = std::tuple<std::string, std::string, std::string, std::string>;  // ... , item

std::string PathOf(const ElementRef& e) { return e.first + "[key=" + e.second + "]"; }
std::string PathOf(const FieldRef& f) {
  const auto& [list, key, field] = f;
  return list.empty() ? field : PathOf({list, key}) + "." + field;
}

// What one edit script did to the base, as the generator tracked it.
struct Script {
  std::set<FieldRef> fields;      // fields set, maybe back to the base's value
  std::set<ElementRef> removed;   // base elements removed
  std::set<ElementRef> added;     // elements added under new keys
  std::map<ItemRef, bool> items;  // set items added (true) or removed (false), each a change
};

// A field the generator changes and the values it picks from ("" clears it). Small pools: both
// sides often pick the same value, and often not.
struct FieldPool {
  std::string list;
  std::string field;
  std::vector<std::string> values;
};

const std::vector<FieldPool>& FieldPools() {
  static const auto* pools = new std::vector<FieldPool>{
      {"",
       "title",
       {R"(title: "Zorgplan")", R"(title: "Zorgplan Sara")", R"(title: "Na de bevalling")"}},
      {"",
       "status",
       {"status: CARE_PLAN_STATUS_ACTIVE", "status: CARE_PLAN_STATUS_ON_HOLD",
        "status: CARE_PLAN_STATUS_COMPLETED"}},
      {"",
       "pregnancy_local_key",
       {"", R"(pregnancy_local_key: "preg-2")", R"(pregnancy_local_key: "preg-3")"}},
      {"",
       "start",
       {"start { year: 2026 month: 1 day: 5 }", "start { year: 2026 month: 2 }",
        "start { year: 2025 month: 12 day: 20 }"}},
      {"", "end", {"", "end { year: 2027 month: 6 day: 1 }", "end { year: 2027 month: 9 }"}},
      {"life_goals",
       "text",
       {R"(text: "Rustig bevallen")", R"(text: "Thuis bevallen")", R"(text: "Wandelen")"}},
      {"life_goals", "status", {"status: GOAL_STATUS_ACTIVE", "status: GOAL_STATUS_COMPLETED", ""}},
      {"life_goals", "expressed_by", {"", R"(expressed_by: "m-1")", R"(expressed_by: "m-2")"}},
      {"life_goals",
       "expressed_on",
       {"", "expressed_on { year: 2026 month: 1 day: 10 }",
        "expressed_on { year: 2026 month: 1 day: 11 }"}},
      {"care_goals",
       "description",
       {R"(description: "Minder angst")", R"(description: "Slapen")", ""}},
      {"care_goals", "status", {"status: GOAL_STATUS_PROPOSED", "status: GOAL_STATUS_ACTIVE", ""}},
      {"care_goals",
       "target",
       {"", "target { year: 2026 month: 5 }", "target { year: 2026 month: 6 }"}},
      {"care_goals", "clinical", {"", "clinical: true"}},
      {"tasks", "description", {R"(description: "Intake")", R"(description: "Huisbezoek")", ""}},
      {"tasks", "owner", {"", R"(owner: "m-1")", R"(owner: "m-2")"}},
      {"tasks", "due", {"", "due { year: 2026 month: 2 day: 1 }", "due { year: 2026 month: 3 }"}},
      {"tasks",
       "status",
       {"status: CARE_PLAN_TASK_STATUS_REQUESTED", "status: CARE_PLAN_TASK_STATUS_ACCEPTED",
        "status: CARE_PLAN_TASK_STATUS_COMPLETED"}},
      {"tasks", "goal", {"", R"(goal: "cg-1")", R"(goal: "cg-2")"}},
      {"tasks",
       "service",
       {"", "service: PROGRAMME_SERVICE_PPA", "service: PROGRAMME_SERVICE_COORDINATION"}},
      {"tasks", "clinical", {"", "clinical: true"}},
      {"tasks", "source", {"", R"(source: "bib-screening/s-1")", R"(source: "consultation/c-1")"}},
      {"team",
       "who",
       {R"(professional { nihdi: "10000000001" })",
        R"(professional { nihdi: "10000000002" name { family: "Peeters" } })",
        R"(welfare_worker { identifier { system: "https://ocmw.example.be/id" value: "w-1" } })",
        R"(informal_carer { relationship: RELATIONSHIP_PARTNER name { family: "Janssens" } })",
        R"(organisation { name: "Huis van het Kind" })"}},
      {"team",
       "since",
       {"", "since { year: 2026 month: 1 day: 5 }", "since { year: 2026 month: 3 }"}},
      {"team", "until", {"", "until { year: 2027 month: 6 }", "until { year: 2027 month: 9 }"}},
      {"messages", "sender", {"", R"(sender: "m-1")", R"(sender: "m-2")"}},
      {"messages",
       "sent",
       {"sent { seconds: 1767600000 }", "sent { seconds: 1767700000 nanos: 5 }", ""}},
      {"messages",
       "text",
       {R"(text: "Welkom")", R"(text: "Afspraak verzet")", R"(text: "Tot morgen")"}},
      {"messages", "clinical", {"", "clinical: true"}},
      {"messages", "about_task", {"", R"(about_task: "t-1")", R"(about_task: "t-2")"}},
      {"access", "permit", {"", "permit: true"}},
      {"access",
       "decided_on",
       {"", "decided_on { year: 2026 month: 1 day: 10 }",
        "decided_on { year: 2026 month: 2 day: 1 }"}},
  };
  return *pools;
}

// A set the generator edits and the items it picks from.
struct SetPool {
  std::string list;
  std::string field;
  std::vector<std::string> items;
};

const std::vector<SetPool>& SetPools() {
  static const auto* pools = new std::vector<SetPool>{
      {"",
       "contributions",
       {R"("bib-screening/s-1")", R"("bib-screening/s-2")", R"("consultation/c-1")"}},
      {"care_goals", "life_goals", {R"("lg-1")", R"("lg-2")", R"("lg-3")"}},
      {"tasks", "candidates", {R"("m-1")", R"("m-2")", R"("m-3")", R"("m-4")"}},
      {"team",
       "roles",
       {"CARE_TEAM_ROLE_COORDINATOR", "CARE_TEAM_ROLE_CASE_MANAGER", "CARE_TEAM_ROLE_CARE_MEDIATOR",
        "CARE_TEAM_ROLE_CONTACT_PERSON"}},
      {"messages", "recipients", {R"("m-1")", R"("m-2")", R"("m-3")", R"("m-4")"}},
  };
  return *pools;
}

// The keyed lists, with the key fields of their base elements and of the elements added later
// (never a base key).
struct ListPool {
  std::string list;
  std::vector<std::string> base_keys;
  std::vector<std::string> new_keys;
};

const std::vector<ListPool>& ListPools() {
  const auto local_keys = [](const std::string& prefix, const std::vector<std::string>& suffixes) {
    std::vector<std::string> keys;
    for (const std::string& suffix : suffixes) {
      keys.push_back("local_key: \"" + prefix + "-" + suffix + "\"");
    }
    return keys;
  };
  static const auto* pools = new std::vector<ListPool>{
      {"life_goals", local_keys("lg", {"1", "2", "3"}), local_keys("lg", {"new-1", "new-2"})},
      {"care_goals", local_keys("cg", {"1", "2", "3"}), local_keys("cg", {"new-1", "new-2"})},
      {"tasks", local_keys("t", {"1", "2", "3", "4"}), local_keys("t", {"new-1", "new-2"})},
      {"team", local_keys("m", {"1", "2", "3", "4"}), local_keys("m", {"new-1", "new-2"})},
      {"messages", local_keys("msg", {"1", "2"}), local_keys("msg", {"new-1", "new-2"})},
      {"access",
       {R"(member: "m-1" content: CONTENT_CLASS_CLINICAL)",
        R"(member: "m-2" content: CONTENT_CLASS_CLINICAL)",
        R"(member: "m-2" content: CONTENT_CLASS_LIFE_GOALS)",
        "member_kind: MEMBER_KIND_ORGANISATION content: CONTENT_CLASS_CARE_ORGANISATION"},
       {"member_kind: MEMBER_KIND_WELFARE_WORKER content: CONTENT_CLASS_CLINICAL",
        "member_kind: MEMBER_KIND_INFORMAL_CARER content: CONTENT_CLASS_LIFE_GOALS"}},
  };
  return *pools;
}

// Random base plans and edit scripts drawn from the pools, the same for the same seed.
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  // A plan with a few elements in each list, each field and set drawn from the pools.
  v1::CarePlan Base() {
    v1::CarePlan plan;
    plan.set_local_key("plan-1");
    plan.set_patient_local_key("pat-1");
    plan.set_version(1 + Pick(20));
    do {  // a field with at least three values, so that the sides can disagree
      focus_field_ = Pick(FieldPools().size());
    } while (FieldPools()[focus_field_].values.size() < 3);
    focus_list_ = Pick(ListPools().size());
    FillFields(plan, "");
    for (const ListPool& pool : ListPools()) {
      for (const std::string& key : pool.base_keys) {
        if (Pick(4) == 0) continue;
        Message* element = plan.GetReflection()->AddMessage(&plan, ListField(pool.list));
        EXPECT_TRUE(TextFormat::ParseFromString(key, element));
        FillFields(*element, pool.list);
      }
    }
    return plan;
  }

  // Applies a random script of up to 7 edits to `plan`, a copy of `base`; raises the version when
  // the content changed.
  Script Edit(const v1::CarePlan& base, v1::CarePlan& plan) {
    Script script;
    for (int n = Pick(8); n > 0; --n) {
      switch (Pick(5)) {
        case 0:
        case 1:
          ChangeField(base, plan, script);
          break;
        case 2:
          ChangeSet(base, plan, script);
          break;
        case 3:
          AddElement(plan, script);
          break;
        default:
          RemoveElement(base, plan, script);
          break;
      }
    }
    const bool changed = !MessageDifferencer::Equals(WithoutVersion(plan), WithoutVersion(base));
    plan.set_version(base.version() + (changed ? 1 : 0));
    return script;
  }

 private:
  int Pick(size_t n) {
    return std::uniform_int_distribution<int>(0, static_cast<int>(n) - 1)(rng_);
  }
  template <typename T>
  const T& PickOf(const std::vector<T>& from) {
    return from[Pick(from.size())];
  }

  void FillFields(Message& message, const std::string& list) {
    for (const FieldPool& pool : FieldPools()) {
      if (pool.list == list) SetField(message, pool.field, PickOf(pool.values));
    }
    for (const SetPool& pool : SetPools()) {
      if (pool.list != list) continue;
      for (const std::string& item : pool.items) {
        if (Pick(2) == 0) {
          EXPECT_TRUE(TextFormat::MergeFromString(pool.field + ": " + item, &message));
        }
      }
    }
  }

  // A base element of `list` the script has not removed (the plan itself for ""), if any; the
  // first one when `hot`.
  std::optional<ElementRef> PickElement(const v1::CarePlan& base, const v1::CarePlan& plan,
                                        const std::string& list, bool hot) {
    if (list.empty()) return ElementRef{"", ""};
    std::vector<std::string> keys;
    for (const std::string& key : Keys(base, list)) {
      if (Find(plan, list, key) != nullptr) keys.push_back(key);
    }
    if (keys.empty()) return std::nullopt;
    return ElementRef{list, hot ? keys.front() : PickOf(keys)};
  }

  void ChangeField(const v1::CarePlan& base, v1::CarePlan& plan, Script& script) {
    const bool hot = Pick(4) != 0;
    const FieldPool& pool = hot ? FieldPools()[focus_field_] : PickOf(FieldPools());
    const std::optional<ElementRef> at = PickElement(base, plan, pool.list, hot);
    if (!at) return;
    // A value other than the current one, so that every edit is a change when made (a later one
    // may change it back); on the favoured field also other than the base's.
    Message& element = *FindMutable(plan, at->first, at->second);
    const std::string base_value = FieldText(*Find(base, at->first, at->second), pool.field);
    std::vector<std::string> values;
    for (const std::string& value : pool.values) {
      if (value != FieldText(element, pool.field) && !(hot && value == base_value)) {
        values.push_back(value);
      }
    }
    if (values.empty()) return;
    SetField(element, pool.field, PickOf(values));
    script.fields.insert({at->first, at->second, pool.field});
  }

  // Adds an item of the pool that is not in the set, or removes one that is: each item at most
  // once per script, so that each recorded item edit is a change from the base.
  void ChangeSet(const v1::CarePlan& base, v1::CarePlan& plan, Script& script) {
    const SetPool& pool = PickOf(SetPools());
    const std::optional<ElementRef> at = PickElement(base, plan, pool.list, Pick(2) == 0);
    if (!at) return;
    const std::string& item = PickOf(pool.items);
    const ItemRef ref{at->first, at->second, pool.field, item};
    if (script.items.count(ref)) return;
    Message& element = *FindMutable(plan, at->first, at->second);
    const std::vector<std::string> items = Items(element, pool.field);
    const auto found = std::find(items.begin(), items.end(), item);
    if (found == items.end()) {
      EXPECT_TRUE(TextFormat::MergeFromString(pool.field + ": " + item, &element));
    } else {
      RemoveAt(element, element.GetDescriptor()->FindFieldByName(pool.field),
               static_cast<int>(found - items.begin()));
    }
    script.items[ref] = found == items.end();
  }

  // An element under a new key, its first pooled field drawn from two values: the two sides add
  // the same key identically about half the time.
  void AddElement(v1::CarePlan& plan, Script& script) {
    const bool hot = Pick(4) != 0;
    const ListPool& pool = hot ? ListPools()[focus_list_] : PickOf(ListPools());
    Message* element = plan.GetReflection()->AddMessage(&plan, ListField(pool.list));
    EXPECT_TRUE(
        TextFormat::ParseFromString(hot ? pool.new_keys.front() : PickOf(pool.new_keys), element));
    for (const FieldPool& field : FieldPools()) {
      if (field.list != pool.list) continue;
      SetField(*element, field.field, field.values[Pick(2)]);
      break;
    }
    const ElementRef ref{pool.list, KeyOf(*element)};
    if (script.added.count(ref)) {  // already added by this script
      plan.GetReflection()->RemoveLast(&plan, ListField(pool.list));
      return;
    }
    script.added.insert(ref);
  }

  void RemoveElement(const v1::CarePlan& base, v1::CarePlan& plan, Script& script) {
    const bool hot = Pick(4) == 0 && !FieldPools()[focus_field_].list.empty();
    const std::string& list = hot ? FieldPools()[focus_field_].list : PickOf(ListPools()).list;
    const std::optional<ElementRef> at = PickElement(base, plan, list, hot);
    if (!at) return;
    RemoveAt(plan, ListField(list), IndexOf(plan, list, at->second));
    script.removed.insert(*at);
  }

  std::mt19937 rng_;
  // The field and the list this seed's scripts favour, so that the two sides often meet.
  size_t focus_field_ = 0;
  size_t focus_list_ = 0;
};

// The field's value in `plan` as text; nullopt when its element is not there.
std::optional<std::string> ValueOf(const v1::CarePlan& plan, const FieldRef& f) {
  const Message* element = Find(plan, std::get<0>(f), std::get<1>(f));
  if (element == nullptr) return std::nullopt;
  return FieldText(*element, std::get<2>(f));
}

bool ChangedField(const v1::CarePlan& base, const v1::CarePlan& side, const FieldRef& f) {
  const std::optional<std::string> value = ValueOf(side, f);
  return value && value != ValueOf(base, f);
}

// Whether the script changed a base element it kept.
bool ChangedElement(const v1::CarePlan& base, const v1::CarePlan& side, const Script& script,
                    const ElementRef& e) {
  if (script.removed.count(e)) return false;
  for (const FieldRef& f : script.fields) {
    if (ElementRef{std::get<0>(f), std::get<1>(f)} == e && ChangedField(base, side, f)) return true;
  }
  for (const auto& [item, added] : script.items) {
    if (ElementRef{std::get<0>(item), std::get<1>(item)} == e) return true;
  }
  return false;
}

// The conflicts the two scripts must yield, as Summary() text.
std::set<std::string> ExpectedConflicts(const v1::CarePlan& base, const v1::CarePlan& a,
                                        const Script& sa, const v1::CarePlan& b, const Script& sb) {
  std::set<std::string> conflicts;
  for (const FieldRef& f : sa.fields) {
    if (!sb.fields.count(f) || !ChangedField(base, a, f) || !ChangedField(base, b, f)) continue;
    if (ValueOf(a, f) != ValueOf(b, f)) conflicts.insert("BOTH_CHANGED " + PathOf(f));
  }
  for (const auto& [x, sx, y, sy] : {std::tie(a, sa, b, sb), std::tie(b, sb, a, sa)}) {
    for (const ElementRef& e : sx.removed) {
      if (ChangedElement(base, y, sy, e)) conflicts.insert("CHANGED_AND_REMOVED " + PathOf(e));
    }
  }
  for (const ElementRef& e : sa.added) {
    if (sb.added.count(e) &&
        !MessageDifferencer::Equals(*Find(a, e.first, e.second), *Find(b, e.first, e.second))) {
      conflicts.insert("BOTH_ADDED " + PathOf(e));
    }
  }
  return conflicts;
}

// Property (4): every change `sx` made to `x` that `sy` did not contradict is in `merged`.
void ExpectOneSidedChanges(const v1::CarePlan& base, const v1::CarePlan& merged,
                           const v1::CarePlan& x, const Script& sx, const v1::CarePlan& y,
                           const Script& sy) {
  for (const FieldRef& f : sx.fields) {
    if (!ChangedField(base, x, f) || sy.removed.count({std::get<0>(f), std::get<1>(f)})) continue;
    if (ChangedField(base, y, f) && ValueOf(y, f) != ValueOf(x, f)) continue;  // a conflict
    EXPECT_EQ(ValueOf(merged, f), ValueOf(x, f)) << PathOf(f);
  }
  for (const auto& [ref, added] : sx.items) {
    const auto& [list, key, field, item] = ref;
    if (sx.removed.count({list, key}) || sy.removed.count({list, key})) continue;
    const Message* element = Find(merged, list, key);
    ASSERT_NE(element, nullptr) << PathOf(ElementRef{list, key});
    const std::vector<std::string> items = Items(*element, field);
    EXPECT_EQ(std::count(items.begin(), items.end(), item), added ? 1 : 0)
        << PathOf(FieldRef{list, key, field}) << " " << item;
  }
  for (const ElementRef& e : sx.added) {
    const Message* ours = Find(x, e.first, e.second);
    const Message* theirs = Find(y, e.first, e.second);
    if (theirs != nullptr && !MessageDifferencer::Equals(*ours, *theirs)) continue;
    const Message* got = Find(merged, e.first, e.second);
    ASSERT_NE(got, nullptr) << PathOf(e);
    EXPECT_TRUE(MessageDifferencer::Equals(*got, *ours)) << PathOf(e);
  }
  for (const ElementRef& e : sx.removed) {
    if (ChangedElement(base, y, sy, e)) continue;  // a conflict
    EXPECT_EQ(Find(merged, e.first, e.second), nullptr) << PathOf(e);
  }
}

// The BOTH_CHANGED conflicts name their list, key and field and show each side's value.
void ExpectFieldConflictContent(const v1::CarePlan& base, const v1::CarePlan& a, const Script& sa,
                                const v1::CarePlan& b,
                                const std::vector<v1::CarePlanConflict>& conflicts) {
  for (const v1::CarePlanConflict& conflict : conflicts) {
    if (conflict.kind() != v1::CONFLICT_KIND_BOTH_CHANGED) continue;
    const FieldRef f{conflict.list(), conflict.key(), conflict.field()};
    ASSERT_TRUE(sa.fields.count(f)) << conflict.path();
    EXPECT_EQ(PathOf(f), conflict.path());
    EXPECT_EQ(conflict.base(), ValueOf(base, f));
    EXPECT_EQ(conflict.ours(), ValueOf(a, f));
    EXPECT_EQ(conflict.theirs(), ValueOf(b, f));
  }
}

TEST(MergePropertyTest, GeneratedEditPairs) {
  constexpr uint32_t kSeeds = 500;
  std::map<std::string, int> seen;  // how often each outcome occurred, to show the coverage
  for (uint32_t seed = 1; seed <= kSeeds && !HasFailure(); ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Generator generate(seed);
    const v1::CarePlan base = generate.Base();
    v1::CarePlan a = base, b = base;
    const Script sa = generate.Edit(base, a);
    const Script sb = generate.Edit(base, b);

    // (1) An unchanged side gives the other side back, as it is.
    for (const MergeResult& one_sided : {Merge(base, a, base), Merge(base, base, a)}) {
      EXPECT_TRUE(SamePlan(one_sided.merged, a));
      EXPECT_TRUE(one_sided.conflicts.empty());
    }

    // (2) Symmetric: the same plan (with or without conflicts), mirrored conflicts.
    const MergeResult ab = Merge(base, a, b);
    const MergeResult ba = Merge(base, b, a);
    EXPECT_TRUE(SamePlan(ba.merged, ab.merged));
    ExpectMirrored(ab.conflicts, ba.conflicts);

    // (3) Exactly the conflicts the scripts imply: none lost, none invented, none twice.
    const std::vector<std::string> summaries = Summaries(ab.conflicts);
    const std::set<std::string> unique(summaries.begin(), summaries.end());
    EXPECT_EQ(unique.size(), summaries.size());
    EXPECT_EQ(unique, ExpectedConflicts(base, a, sa, b, sb));
    ExpectFieldConflictContent(base, a, sa, b, ab.conflicts);

    // (4) Every change of one side only is in the merged plan.
    ExpectOneSidedChanges(base, ab.merged, a, sa, b, sb);
    ExpectOneSidedChanges(base, ab.merged, b, sb, a, sa);

    for (const v1::CarePlanConflict& conflict : ab.conflicts) {
      ++seen[v1::ConflictKind_Name(conflict.kind())];
    }
    if (ab.conflicts.empty()) ++seen["no conflict"];
    if (!ab.conflicts.empty()) ++seen["some conflict"];
  }
  // The generator reaches every outcome often.
  for (const char* outcome : {"CONFLICT_KIND_BOTH_CHANGED", "CONFLICT_KIND_CHANGED_AND_REMOVED",
                              "CONFLICT_KIND_BOTH_ADDED", "no conflict", "some conflict"}) {
    EXPECT_GE(seen[outcome], 25) << outcome;
  }
}

}  // namespace
}  // namespace zorgbrug::adapters::careplan
