// The FHIR codes of the care-plan enums and the project's care-plan code systems (fhir_shape.h).

#include "adapters/careplan/fhir_shape.h"

#include "adapters/common/code_table.h"

namespace zorgbrug::adapters::careplan::internal {
namespace {

constexpr common::CodeTable<v1::CarePlanStatus, 5> kPlanStatuses = {{
    {v1::CARE_PLAN_STATUS_DRAFT, "draft", "Draft"},
    {v1::CARE_PLAN_STATUS_ACTIVE, "active", "Active"},
    {v1::CARE_PLAN_STATUS_ON_HOLD, "on-hold", "On Hold"},
    {v1::CARE_PLAN_STATUS_COMPLETED, "completed", "Completed"},
    {v1::CARE_PLAN_STATUS_REVOKED, "revoked", "Revoked"},
}};

constexpr common::CodeTable<v1::GoalStatus, 5> kGoalStatuses = {{
    {v1::GOAL_STATUS_PROPOSED, "proposed", "Proposed"},
    {v1::GOAL_STATUS_ACTIVE, "active", "Active"},
    {v1::GOAL_STATUS_ON_HOLD, "on-hold", "On Hold"},
    {v1::GOAL_STATUS_COMPLETED, "completed", "Completed"},
    {v1::GOAL_STATUS_CANCELLED, "cancelled", "Cancelled"},
}};

constexpr common::CodeTable<v1::CarePlanTaskStatus, 7> kTaskStatuses = {{
    {v1::CARE_PLAN_TASK_STATUS_REQUESTED, "requested", "Requested"},
    {v1::CARE_PLAN_TASK_STATUS_ACCEPTED, "accepted", "Accepted"},
    {v1::CARE_PLAN_TASK_STATUS_IN_PROGRESS, "in-progress", "In Progress"},
    {v1::CARE_PLAN_TASK_STATUS_ON_HOLD, "on-hold", "On Hold"},
    {v1::CARE_PLAN_TASK_STATUS_COMPLETED, "completed", "Completed"},
    {v1::CARE_PLAN_TASK_STATUS_CANCELLED, "cancelled", "Cancelled"},
    {v1::CARE_PLAN_TASK_STATUS_REJECTED, "rejected", "Rejected"},
}};

constexpr common::CodeTable<v1::CareTeamRole, 4> kTeamRoles = {{
    {v1::CARE_TEAM_ROLE_COORDINATOR, "coordinator", "Care and welfare coordinator"},
    {v1::CARE_TEAM_ROLE_CASE_MANAGER, "case-manager", "Case manager"},
    {v1::CARE_TEAM_ROLE_CARE_MEDIATOR, "care-mediator", "Care mediator"},
    {v1::CARE_TEAM_ROLE_CONTACT_PERSON, "contact-person", "Contact person"},
}};

constexpr common::CodeTable<v1::ContentClass, 3> kContents = {{
    {v1::CONTENT_CLASS_CARE_ORGANISATION, "care-organisation", "Care organisation"},
    {v1::CONTENT_CLASS_LIFE_GOALS, "life-goals", "Life goals"},
    {v1::CONTENT_CLASS_CLINICAL, "clinical", "Clinical content"},
}};

constexpr common::CodeTable<v1::MemberKind, 4> kMemberKinds = {{
    {v1::MEMBER_KIND_PROFESSIONAL, "professional", "Every health professional of the team"},
    {v1::MEMBER_KIND_WELFARE_WORKER, "welfare-worker", "Every welfare worker of the team"},
    {v1::MEMBER_KIND_INFORMAL_CARER, "informal-carer", "Every informal carer of the team"},
    {v1::MEMBER_KIND_ORGANISATION, "organisation", "Every organisation of the team"},
}};

}  // namespace

std::string_view CarePlanStatusCode(v1::CarePlanStatus status) {
  return common::CodeOf(kPlanStatuses, status);
}
std::string_view GoalStatusCode(v1::GoalStatus status) {
  return common::CodeOf(kGoalStatuses, status);
}
std::string_view TaskStatusCode(v1::CarePlanTaskStatus status) {
  return common::CodeOf(kTaskStatuses, status);
}
std::string_view TeamRoleCode(v1::CareTeamRole role) { return common::CodeOf(kTeamRoles, role); }
std::string_view TeamRoleDisplay(v1::CareTeamRole role) {
  return common::DisplayOf(kTeamRoles, role);
}
std::string_view ContentCode(v1::ContentClass content) {
  return common::CodeOf(kContents, content);
}
std::string_view ContentDisplay(v1::ContentClass content) {
  return common::DisplayOf(kContents, content);
}
std::string_view MemberKindCode(v1::MemberKind kind) { return common::CodeOf(kMemberKinds, kind); }
std::string_view MemberKindDisplay(v1::MemberKind kind) {
  return common::DisplayOf(kMemberKinds, kind);
}

std::optional<v1::CarePlanStatus> CarePlanStatusFromCode(std::string_view code) {
  return common::ValueOf(kPlanStatuses, code);
}
std::optional<v1::GoalStatus> GoalStatusFromCode(std::string_view code) {
  return common::ValueOf(kGoalStatuses, code);
}
std::optional<v1::CarePlanTaskStatus> TaskStatusFromCode(std::string_view code) {
  return common::ValueOf(kTaskStatuses, code);
}
std::optional<v1::CareTeamRole> TeamRoleFromCode(std::string_view code) {
  return common::ValueOf(kTeamRoles, code);
}
std::optional<v1::ContentClass> ContentFromCode(std::string_view code) {
  return common::ValueOf(kContents, code);
}
std::optional<v1::MemberKind> MemberKindFromCode(std::string_view code) {
  return common::ValueOf(kMemberKinds, code);
}

}  // namespace zorgbrug::adapters::careplan::internal
