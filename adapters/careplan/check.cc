// CheckPlan (rules.h): what the mapping, the contributions, the access rules and the merge rely on,
// each problem an error at its proto field path under "plan". RULES.md ("Checking a plan",
// CP-CHECK-*) lists the checks. Diagnostics never quote a key, a name or a number: keys may carry
// identifiers (contribute.cc makes "carer/<ssin>").

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/careplan/rules.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/calendar.h"
#include "fhir/identifiers.h"

namespace zorgbrug::adapters::careplan {
namespace {

using common::Error;
using fhir::IssueType;
using KeySet = std::set<std::string, std::less<>>;

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;
constexpr int32_t kMaxNanos = 999999999;

// The keys of each list, for resolving references.
struct Keys {
  KeySet life_goals, care_goals, tasks, team;
};

std::string At(std::string_view list, int i) { return common::Indexed("plan", list, i); }

void Required(fhir::IssueSink& issues, std::string expression, std::string_view what) {
  Error(issues, IssueType::kRequired, std::move(expression), common::Cat({what, " is required"}));
}

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && common::IsLeapYear(year) ? 29 : kDays[month - 1];
}

// A set Date is valid when its year is 1..9999, its month 0..12 and its day 0 or a day of that
// month; a day without a month is not (common.proto). An unset Date is valid (optional).
void CheckDate(const v1::Date& d, const std::string& path, fhir::IssueSink& issues) {
  if (d.year() == 0 && d.month() == 0 && d.day() == 0) return;
  const bool valid =
      d.year() >= 1 && d.year() <= 9999 && d.month() >= 0 && d.month() <= 12 && d.day() >= 0 &&
      (d.day() == 0 || (d.month() != 0 && d.day() <= DaysInMonth(d.year(), d.month())));
  if (!valid) Error(issues, IssueType::kValue, path, "not a calendar date (year 1 to 9999)");
}

// Whether `a` is strictly before `b` at the precision both have ("2026" is not before
// "2026-03-02"); false when either is unset.
bool Before(const v1::Date& a, const v1::Date& b) {
  if (!common::IsSet(a) || !common::IsSet(b)) return false;
  if (a.year() != b.year()) return a.year() < b.year();
  if (a.month() == 0 || b.month() == 0 || a.month() != b.month()) {
    return a.month() != 0 && b.month() != 0 && a.month() < b.month();
  }
  return a.day() != 0 && b.day() != 0 && a.day() < b.day();
}

// Checks a key at `path`: required, and unique within its list (`seen`).
void CheckKey(std::string_view key, const std::string& path, KeySet& seen,
              fhir::IssueSink& issues) {
  if (key.empty()) {
    Required(issues, path, "the key");
  } else if (!seen.emplace(key).second) {
    Error(issues, IssueType::kDuplicate, path, "an earlier element of the list has the same key");
  }
}

// A reference `key` at `path` must name an element of `keys` (`what`); empty is allowed.
void CheckRef(std::string_view key, const std::string& path, const KeySet& keys,
              std::string_view what, fhir::IssueSink& issues) {
  if (!key.empty() && !keys.contains(key)) {
    Error(issues, IssueType::kValue, path, common::Cat({"names no ", what, " of the plan"}));
  }
}

// A list of references: each resolves, none empty, none repeated (the merge treats them as sets).
void CheckRefs(const google::protobuf::RepeatedPtrField<std::string>& refs, const std::string& path,
               const KeySet& keys, std::string_view what, fhir::IssueSink& issues) {
  KeySet seen;
  for (int i = 0; i < refs.size(); ++i) {
    const std::string at = common::Cat({path, "[", std::to_string(i), "]"});
    if (refs[i].empty()) {
      Required(issues, at, common::Cat({"the ", what, "'s key"}));
    } else if (!seen.insert(refs[i]).second) {
      Error(issues, IssueType::kDuplicate, at, common::Cat({"names the same ", what, " twice"}));
    } else {
      CheckRef(refs[i], at, keys, what, issues);
    }
  }
}

void CheckHeader(const v1::CarePlan& plan, fhir::IssueSink& issues) {
  if (plan.local_key().empty()) Required(issues, "plan.local_key", "the plan's local_key");
  if (plan.patient_local_key().empty()) {
    Required(issues, "plan.patient_local_key", "the person's patient_local_key");
  }
  if (plan.status() == v1::CARE_PLAN_STATUS_UNSPECIFIED) {
    Required(issues, "plan.status", "the status");
  } else if (!v1::CarePlanStatus_IsValid(plan.status())) {
    Error(issues, IssueType::kValue, "plan.status", "not a known care-plan status");
  }
  if (!common::IsSet(plan.start())) Required(issues, "plan.start", "the start");
  CheckDate(plan.start(), "plan.start", issues);
  CheckDate(plan.end(), "plan.end", issues);
  if (Before(plan.end(), plan.start())) {
    Error(issues, IssueType::kInvariant, "plan.end", "the end is before the start");
  }
  if (plan.version() < 0) Error(issues, IssueType::kValue, "plan.version", "cannot be negative");
  KeySet seen;
  for (int i = 0; i < plan.contributions_size(); ++i) {
    CheckKey(plan.contributions(i), common::Indexed("plan", "contributions", i), seen, issues);
  }
}

void CheckGoalStatus(v1::GoalStatus status, const std::string& path, fhir::IssueSink& issues) {
  if (!v1::GoalStatus_IsValid(status)) {
    Error(issues, IssueType::kValue, path, "not a known goal status");
  }
}

void CheckLifeGoals(const v1::CarePlan& plan, const Keys& keys, fhir::IssueSink& issues) {
  for (int i = 0; i < plan.life_goals_size(); ++i) {
    const v1::LifeGoal& g = plan.life_goals(i);
    const std::string at = At("life_goals", i);
    if (g.text().empty()) Required(issues, at + ".text", "the life goal in her words");
    CheckRef(g.expressed_by(), at + ".expressed_by", keys.team, "team member", issues);
    CheckDate(g.expressed_on(), at + ".expressed_on", issues);
    CheckGoalStatus(g.status(), at + ".status", issues);
  }
}

void CheckCareGoals(const v1::CarePlan& plan, const Keys& keys, fhir::IssueSink& issues) {
  for (int i = 0; i < plan.care_goals_size(); ++i) {
    const v1::CareGoal& g = plan.care_goals(i);
    const std::string at = At("care_goals", i);
    if (g.description().empty()) Required(issues, at + ".description", "the description");
    CheckRefs(g.life_goals(), at + ".life_goals", keys.life_goals, "life goal", issues);
    CheckGoalStatus(g.status(), at + ".status", issues);
    CheckDate(g.target(), at + ".target", issues);
  }
}

void CheckTasks(const v1::CarePlan& plan, const Keys& keys, fhir::IssueSink& issues) {
  for (int i = 0; i < plan.tasks_size(); ++i) {
    const v1::CarePlanTask& t = plan.tasks(i);
    const std::string at = At("tasks", i);
    if (t.description().empty()) Required(issues, at + ".description", "the description");
    CheckRef(t.owner(), at + ".owner", keys.team, "team member", issues);
    CheckRefs(t.candidates(), at + ".candidates", keys.team, "team member", issues);
    CheckRef(t.goal(), at + ".goal", keys.care_goals, "care goal", issues);
    CheckDate(t.due(), at + ".due", issues);
    if (!v1::CarePlanTaskStatus_IsValid(t.status())) {
      Error(issues, IssueType::kValue, at + ".status", "not a known task status");
    }
    if (!v1::ProgrammeService_IsValid(t.service())) {
      Error(issues, IssueType::kValue, at + ".service", "not a known programme service");
    }
  }
}

void CheckWho(const v1::CareTeamMember& m, const std::string& at, fhir::IssueSink& issues) {
  switch (m.who_case()) {
    case v1::CareTeamMember::kProfessional:
      if (m.professional().nihdi().empty()) {
        Required(issues, at + ".professional.nihdi", "the NIHDI number");
      } else if (fhir::NihdiResult r = fhir::CheckNihdi(m.professional().nihdi()); !r.ok()) {
        Error(issues, IssueType::kValue, at + ".professional.nihdi",
              fhir::IdentifierErrorMessage(fhir::IdentifierKind::kNihdiProfessional, r.error));
      }
      break;
    case v1::CareTeamMember::kWelfareWorker:
      if (m.welfare_worker().identifier().system().empty()) {
        Required(issues, at + ".welfare_worker.identifier.system", "the identifier's system");
      }
      if (m.welfare_worker().identifier().value().empty()) {
        Required(issues, at + ".welfare_worker.identifier.value", "the identifier's value");
      }
      break;
    case v1::CareTeamMember::kInformalCarer:
      // Printed forms ("85.07.30-033.28") are accepted, as for the EPD's related persons.
      if (const std::string& ssin = m.informal_carer().ssin(); !ssin.empty()) {
        if (fhir::SsinResult r = fhir::CheckSsin(fhir::NormalizeSsin(ssin)); !r.ok()) {
          Error(issues, IssueType::kValue, at + ".informal_carer.ssin",
                fhir::IdentifierErrorMessage(fhir::IdentifierKind::kSsin, r.error));
        }
      }
      break;
    case v1::CareTeamMember::kOrganisation:
      break;
    default:
      Required(issues, at + ".who",
               "who the member is (professional, welfare_worker, informal_carer or organisation)");
  }
}

void CheckTeam(const v1::CarePlan& plan, fhir::IssueSink& issues) {
  for (int i = 0; i < plan.team_size(); ++i) {
    const v1::CareTeamMember& m = plan.team(i);
    const std::string at = At("team", i);
    CheckWho(m, at, issues);
    std::set<int> roles;
    for (int r = 0; r < m.roles_size(); ++r) {
      const std::string path = absl::StrCat(at, ".roles[", r, "]");
      if (m.roles(r) == v1::CARE_TEAM_ROLE_UNSPECIFIED || !v1::CareTeamRole_IsValid(m.roles(r))) {
        Error(issues, IssueType::kValue, path, "not a known care-team role");
      } else if (!roles.insert(m.roles(r)).second) {
        Error(issues, IssueType::kDuplicate, path, "the role is listed twice");
      }
    }
    CheckDate(m.since(), at + ".since", issues);
    CheckDate(m.until(), at + ".until", issues);
    if (Before(m.until(), m.since())) {
      Error(issues, IssueType::kInvariant, at + ".until", "until is before since");
    }
  }
}

void CheckMessages(const v1::CarePlan& plan, const Keys& keys, fhir::IssueSink& issues) {
  for (int i = 0; i < plan.messages_size(); ++i) {
    const v1::CareMessage& m = plan.messages(i);
    const std::string at = At("messages", i);
    if (m.text().empty()) Required(issues, at + ".text", "the text");
    CheckRef(m.sender(), at + ".sender", keys.team, "team member", issues);
    CheckRefs(m.recipients(), at + ".recipients", keys.team, "team member", issues);
    CheckRef(m.about_task(), at + ".about_task", keys.tasks, "task", issues);
    if (m.has_sent() && (m.sent().seconds() < kMinSeconds || m.sent().seconds() > kMaxSeconds ||
                         m.sent().nanos() < 0 || m.sent().nanos() > kMaxNanos)) {
      Error(issues, IssueType::kValue, at + ".sent", "not a timestamp of the years 0001 to 9999");
    }
  }
}

// The member with `key`, or nullptr.
const v1::CareTeamMember* Member(const v1::CarePlan& plan, std::string_view key) {
  for (const v1::CareTeamMember& m : plan.team()) {
    if (m.local_key() == key) return &m;
  }
  return nullptr;
}

void CheckDecision(const v1::CarePlan& plan, int i, fhir::IssueSink& issues) {
  const v1::AccessDecision& d = plan.access(i);
  const std::string at = At("access", i);
  if (d.content() == v1::CONTENT_CLASS_UNSPECIFIED) {
    Required(issues, at + ".content", "the content class");
  } else if (!v1::ContentClass_IsValid(d.content())) {
    Error(issues, IssueType::kValue, at + ".content", "not a known content class");
  }
  if (!v1::MemberKind_IsValid(d.member_kind())) {
    Error(issues, IssueType::kValue, at + ".member_kind", "not a known member kind");
  } else if (d.member().empty() && d.member_kind() == v1::MEMBER_KIND_UNSPECIFIED) {
    Required(issues, at + ".member", "the member or the member kind the decision is about");
  } else if (!d.member().empty()) {
    const v1::CareTeamMember* member = Member(plan, d.member());
    if (member == nullptr) {
      Error(issues, IssueType::kValue, at + ".member", "names no team member of the plan");
    } else if (d.member_kind() != v1::MEMBER_KIND_UNSPECIFIED &&
               d.member_kind() != KindOf(*member)) {
      Error(issues, IssueType::kInvariant, at + ".member_kind",
            "is not the kind of the member the decision names");
    }
  }
  CheckDate(d.decided_on(), at + ".decided_on", issues);
}

void CheckAccess(const v1::CarePlan& plan, fhir::IssueSink& issues) {
  // The merge matches decisions by (member, member kind, content): that triple is their key.
  std::set<std::tuple<std::string, int, int>> seen;
  for (int i = 0; i < plan.access_size(); ++i) {
    CheckDecision(plan, i, issues);
    const v1::AccessDecision& d = plan.access(i);
    if (!seen.emplace(d.member(), d.member_kind(), d.content()).second) {
      Error(issues, IssueType::kDuplicate, At("access", i),
            "an earlier decision is about the same member, member kind and content");
    }
  }
}

// Checks every list's keys and collects them.
Keys CheckKeys(const v1::CarePlan& plan, fhir::IssueSink& issues) {
  Keys keys;
  for (int i = 0; i < plan.life_goals_size(); ++i) {
    CheckKey(plan.life_goals(i).local_key(), At("life_goals", i) + ".local_key", keys.life_goals,
             issues);
  }
  for (int i = 0; i < plan.care_goals_size(); ++i) {
    CheckKey(plan.care_goals(i).local_key(), At("care_goals", i) + ".local_key", keys.care_goals,
             issues);
  }
  for (int i = 0; i < plan.tasks_size(); ++i) {
    CheckKey(plan.tasks(i).local_key(), At("tasks", i) + ".local_key", keys.tasks, issues);
  }
  for (int i = 0; i < plan.team_size(); ++i) {
    CheckKey(plan.team(i).local_key(), At("team", i) + ".local_key", keys.team, issues);
  }
  KeySet messages;
  for (int i = 0; i < plan.messages_size(); ++i) {
    CheckKey(plan.messages(i).local_key(), At("messages", i) + ".local_key", messages, issues);
  }
  return keys;
}

}  // namespace

void CheckPlan(const v1::CarePlan& plan, fhir::IssueSink& issues) {
  CheckHeader(plan, issues);
  const Keys keys = CheckKeys(plan, issues);
  CheckTeam(plan, issues);
  CheckLifeGoals(plan, keys, issues);
  CheckCareGoals(plan, keys, issues);
  CheckTasks(plan, keys, issues);
  CheckMessages(plan, keys, issues);
  CheckAccess(plan, issues);
}

}  // namespace zorgbrug::adapters::careplan
