#pragma once

// The care-plan rules (adapters/careplan/RULES.md): checking a plan, merging the BiB and
// consultation adapters' contributions into it, and the person's access decisions. Pure: no store,
// no clock, no FHIR.

#include <optional>
#include <string_view>

#include "fhir/issues.h"
#include "zorgbrug/v1/bib.pb.h"
#include "zorgbrug/v1/care_plan.pb.h"
#include "zorgbrug/v1/consultation.pb.h"

namespace zorgbrug::adapters::careplan {

// Checks a plan: required fields, keys present and unique within each list, every reference
// between elements resolves (task owner and candidates, goal links, message sender, recipients and
// task, access decisions' member), exactly one `who` per member, dates in order. Errors at proto
// field paths ("plan.tasks[3].owner"); nothing is changed.
void CheckPlan(const v1::CarePlan& plan, fhir::IssueSink& issues);

// True when the plan is closed (completed or revoked): contributions are refused.
bool IsClosed(const v1::CarePlan& plan);

struct ContributionResult {
  v1::CarePlan plan;
  // False when the contribution was already in the plan, brought nothing new, or was refused.
  bool changed = false;
};

// Merges a BiB screening's contribution (adapters/bib Contribution) into the plan: one task per
// proposed service, key "<source>/<service code>", clinical, requested, candidates the plan's
// coordinators; the source is recorded in `contributions`. Idempotent: a task whose key is already
// in the plan is left as the team left it, so the same contribution twice changes nothing. Refused
// (an error naming the reason, the plan returned unchanged) when the plan is closed or the
// contribution is about another person. The version rises by one when the plan changed.
ContributionResult Contribute(const v1::CarePlan& plan, const v1::CarePlanContribution& bib,
                              fhir::IssueSink& issues);

// Merges a consultation record into the plan: its participants who are professionals, welfare
// workers or related persons join the team (matched to existing members by identity: NIHDI number,
// worker identifier, SSIN or name), with the consultation functions as roles; each agreed action
// becomes a task (key "consultation/<record key>/<action key>"), the decisions one care message
// (key "consultation/<record key>/decisions"). Same idempotence and refusals as above; also refused
// when the record names another care plan or the person refused consent.
ContributionResult Contribute(const v1::CarePlan& plan, const v1::ConsultationRecord& record,
                              fhir::IssueSink& issues);

// The member kind of a team member.
v1::MemberKind KindOf(const v1::CareTeamMember& member);

// Whether `member` may see `content` under the person's access decisions (care_plan.proto
// AccessDecision: the defaults per kind, a decision about the member beats one about the kind, deny
// beats permit at equal reach).
bool MaySee(const v1::CarePlan& plan, const v1::CareTeamMember& member, v1::ContentClass content);

// The plan as `member_key` may see it: without the life goals, care goals, tasks and messages of a
// class the member may not see, messages addressed to others, links to what was removed, and the
// access decisions about other members. nullopt when the key is not in the team.
std::optional<v1::CarePlan> ViewFor(const v1::CarePlan& plan, std::string_view member_key);

}  // namespace zorgbrug::adapters::careplan
