// The person's access decisions (rules.h; care_plan.proto AccessDecision; RULES.md CP-ACCESS-*):
// who may see which class of content, and the plan as one member may see it. Fail closed: what a
// member may not see is removed, with every link that would name it.

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "adapters/careplan/rules.h"

namespace zorgbrug::adapters::careplan {
namespace {

using KeySet = std::set<std::string, std::less<>>;

// What the decisions of one reach say about one content class.
struct Verdict {
  bool permit = false;
  bool deny = false;
};

// Without a decision (CP-ACCESS-DEFAULT): professionals see everything; welfare workers, informal
// carers and organisations the care organisation and the life goals; a member of no known kind
// nothing.
bool Default(v1::MemberKind kind, v1::ContentClass content) {
  if (kind == v1::MEMBER_KIND_PROFESSIONAL) return true;
  if (kind == v1::MEMBER_KIND_UNSPECIFIED || !v1::MemberKind_IsValid(kind)) return false;
  return content == v1::CONTENT_CLASS_CARE_ORGANISATION || content == v1::CONTENT_CLASS_LIFE_GOALS;
}

// Whether decision `d` is about `member` alone (CP-ACCESS-MEMBER). One that also names a kind that
// is not the member's (CheckPlan reports it) still counts, but only to deny.
bool AboutMember(const v1::AccessDecision& d, const v1::CareTeamMember& member,
                 v1::MemberKind kind) {
  if (member.local_key().empty() || d.member() != member.local_key()) return false;
  return d.member_kind() == v1::MEMBER_KIND_UNSPECIFIED || d.member_kind() == kind || !d.permit();
}

// Whether decision `d` is about every member of `kind` (CP-ACCESS-KIND).
bool AboutKind(const v1::AccessDecision& d, v1::MemberKind kind) {
  return d.member().empty() && kind != v1::MEMBER_KIND_UNSPECIFIED && d.member_kind() == kind;
}

void Count(const v1::AccessDecision& d, Verdict& verdict) {
  (d.permit() ? verdict.permit : verdict.deny) = true;
}

bool Decide(const Verdict& verdict, bool otherwise) {
  if (verdict.deny) return false;  // CP-ACCESS-DENY: deny beats permit at equal reach
  if (verdict.permit) return true;
  return otherwise;
}

bool Visible(bool clinical, bool may_see_clinical, bool may_see_organisation) {
  return clinical ? may_see_clinical : may_see_organisation;
}

// Whether member `key` may see message `m` at all, whatever its class (CP-ACCESS-ADDRESSED).
bool AddressedTo(const v1::CareMessage& m, std::string_view key) {
  if (m.recipients().empty() || m.sender() == key) return true;
  return std::find(m.recipients().begin(), m.recipients().end(), key) != m.recipients().end();
}

template <typename T, typename Keep>
void KeepIf(google::protobuf::RepeatedPtrField<T>& list, Keep keep) {
  list.erase(std::remove_if(list.begin(), list.end(), [&](const T& e) { return !keep(e); }),
             list.end());
}

void KeepKeys(google::protobuf::RepeatedPtrField<std::string>& refs, const KeySet& keys) {
  KeepIf(refs, [&](const std::string& k) { return keys.contains(k); });
}

template <typename T>
KeySet KeysOf(const google::protobuf::RepeatedPtrField<T>& list) {
  KeySet keys;
  for (const T& e : list) keys.insert(e.local_key());
  return keys;
}

// The team as the member may see it (CP-ACCESS-TEAM): everyone, or only themself.
void ViewTeam(v1::CarePlan& view, std::string_view key, bool organisation) {
  if (organisation) return;
  KeepIf(*view.mutable_team(), [&](const v1::CareTeamMember& m) { return m.local_key() == key; });
}

// Removes every link to an element no longer in the view (CP-ACCESS-LINKS). A message whose sender
// is hidden goes too: an empty sender would say the person wrote it herself.
void DropDanglingLinks(v1::CarePlan& view) {
  const KeySet team = KeysOf(view.team());
  const KeySet life_goals = KeysOf(view.life_goals());
  const KeySet care_goals = KeysOf(view.care_goals());
  const KeySet tasks = KeysOf(view.tasks());
  for (v1::LifeGoal& g : *view.mutable_life_goals()) {
    if (!team.contains(g.expressed_by())) g.clear_expressed_by();
  }
  for (v1::CareGoal& g : *view.mutable_care_goals()) KeepKeys(*g.mutable_life_goals(), life_goals);
  for (v1::CarePlanTask& t : *view.mutable_tasks()) {
    if (!team.contains(t.owner())) t.clear_owner();
    KeepKeys(*t.mutable_candidates(), team);
    if (!care_goals.contains(t.goal())) t.clear_goal();
  }
  KeepIf(*view.mutable_messages(),
         [&](const v1::CareMessage& m) { return m.sender().empty() || team.contains(m.sender()); });
  for (v1::CareMessage& m : *view.mutable_messages()) {
    KeepKeys(*m.mutable_recipients(), team);
    if (!tasks.contains(m.about_task())) m.clear_about_task();
  }
}

// Contributions the member may see (CP-ACCESS-CONTRIBUTIONS): all of them with clinical content;
// else only those a task or message of the view came from (a recorded BiB contribution reveals a
// positive screening).
void ViewContributions(v1::CarePlan& view, bool clinical) {
  if (clinical) return;
  KeySet sources;
  for (const v1::CarePlanTask& t : view.tasks()) sources.insert(t.source());
  for (const v1::CareMessage& m : view.messages()) sources.insert(m.source());
  KeepKeys(*view.mutable_contributions(), sources);
}

}  // namespace

v1::MemberKind KindOf(const v1::CareTeamMember& member) {
  switch (member.who_case()) {
    case v1::CareTeamMember::kProfessional:
      return v1::MEMBER_KIND_PROFESSIONAL;
    case v1::CareTeamMember::kWelfareWorker:
      return v1::MEMBER_KIND_WELFARE_WORKER;
    case v1::CareTeamMember::kInformalCarer:
      return v1::MEMBER_KIND_INFORMAL_CARER;
    case v1::CareTeamMember::kOrganisation:
      return v1::MEMBER_KIND_ORGANISATION;
    default:
      return v1::MEMBER_KIND_UNSPECIFIED;
  }
}

bool MaySee(const v1::CarePlan& plan, const v1::CareTeamMember& member, v1::ContentClass content) {
  if (content == v1::CONTENT_CLASS_UNSPECIFIED || !v1::ContentClass_IsValid(content)) return false;
  const v1::MemberKind kind = KindOf(member);
  Verdict about_member, about_kind;
  for (const v1::AccessDecision& d : plan.access()) {
    if (d.content() != content) continue;
    if (AboutMember(d, member, kind)) {
      Count(d, about_member);
    } else if (AboutKind(d, kind)) {
      Count(d, about_kind);
    }
  }
  // CP-ACCESS-MEMBER: a decision about the member beats one about their kind.
  return Decide(about_member, Decide(about_kind, Default(kind, content)));
}

std::optional<v1::CarePlan> ViewFor(const v1::CarePlan& plan, std::string_view member_key) {
  if (member_key.empty()) return std::nullopt;
  const auto it =
      std::find_if(plan.team().begin(), plan.team().end(),
                   [&](const v1::CareTeamMember& m) { return m.local_key() == member_key; });
  if (it == plan.team().end()) return std::nullopt;
  const v1::CareTeamMember& member = *it;
  const v1::MemberKind kind = KindOf(member);
  const bool organisation = MaySee(plan, member, v1::CONTENT_CLASS_CARE_ORGANISATION);
  const bool life_goals = MaySee(plan, member, v1::CONTENT_CLASS_LIFE_GOALS);
  const bool clinical = MaySee(plan, member, v1::CONTENT_CLASS_CLINICAL);

  v1::CarePlan view = plan;
  if (!life_goals) view.clear_life_goals();
  KeepIf(*view.mutable_care_goals(),
         [&](const v1::CareGoal& g) { return Visible(g.clinical(), clinical, organisation); });
  KeepIf(*view.mutable_tasks(),
         [&](const v1::CarePlanTask& t) { return Visible(t.clinical(), clinical, organisation); });
  KeepIf(*view.mutable_messages(), [&](const v1::CareMessage& m) {
    return Visible(m.clinical(), clinical, organisation) && AddressedTo(m, member_key);
  });
  // CP-ACCESS-DECISIONS: only the decisions about this member or their kind.
  KeepIf(*view.mutable_access(), [&](const v1::AccessDecision& d) {
    return d.member() == member_key || AboutKind(d, kind);
  });
  ViewTeam(view, member_key, organisation);
  DropDanglingLinks(view);
  ViewContributions(view, clinical);
  return view;
}

}  // namespace zorgbrug::adapters::careplan
