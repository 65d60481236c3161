// Contribute (rules.h): the BiB screening's and the consultation's contributions merged into the
// plan (RULES.md, CP-BIB-* and CP-CONS-*). Additive only: an element whose key is already in the
// plan is never touched (the team may have progressed it), so the same contribution twice changes
// nothing. A refused contribution returns the plan unchanged with an error naming the reason.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/careplan/rules.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/programme.h"
#include "fhir/identifiers.h"
#include "google/protobuf/util/message_differencer.h"

namespace zorgbrug::adapters::careplan {
namespace {

using common::Error;
using fhir::IssueType;

constexpr std::string_view kConsultationPrefix = "consultation/";

// The plan being built and whether anything was added to it.
struct Work {
  v1::CarePlan plan;
  bool changed = false;
};

bool HasTask(const v1::CarePlan& plan, std::string_view key) {
  return std::any_of(plan.tasks().begin(), plan.tasks().end(),
                     [&](const v1::CarePlanTask& t) { return t.local_key() == key; });
}

bool HasMessage(const v1::CarePlan& plan, std::string_view key) {
  return std::any_of(plan.messages().begin(), plan.messages().end(),
                     [&](const v1::CareMessage& m) { return m.local_key() == key; });
}

bool HasMember(const v1::CarePlan& plan, std::string_view key) {
  return std::any_of(plan.team().begin(), plan.team().end(),
                     [&](const v1::CareTeamMember& m) { return m.local_key() == key; });
}

void AddTask(Work& work, v1::CarePlanTask task) {
  if (HasTask(work.plan, task.local_key())) return;
  *work.plan.add_tasks() = std::move(task);
  work.changed = true;
}

void RecordSource(Work& work, const std::string& source) {
  const auto& done = work.plan.contributions();
  if (std::find(done.begin(), done.end(), source) != done.end()) return;
  work.plan.add_contributions(source);
  work.changed = true;
}

ContributionResult Finish(Work work, std::string_view source, fhir::IssueSink& issues) {
  if (work.changed) {
    work.plan.set_version(work.plan.version() + 1);
  } else {
    common::Info(issues, "",
                 common::Cat({"the contribution ", source,
                              " is already in the care plan: nothing changed"}));
  }
  return {std::move(work.plan), work.changed};
}

ContributionResult Unchanged(const v1::CarePlan& plan) { return {plan, false}; }

// The refusal of a closed plan (CP-BIB-CLOSED, CP-CONS-CLOSED); false when the plan is open.
bool RefuseClosed(const v1::CarePlan& plan, fhir::IssueSink& issues) {
  if (!IsClosed(plan)) return false;
  const std::string_view status =
      plan.status() == v1::CARE_PLAN_STATUS_COMPLETED ? "completed" : "revoked";
  Error(issues, IssueType::kBusinessRule, "plan.status",
        common::Cat({"the care plan is ", status, ": contributions are refused"}));
  return true;
}

// ---- BiB ----

// The coordinators' keys, in team order: the candidates of a BiB task (CP-BIB-CANDIDATES).
std::vector<std::string> Coordinators(const v1::CarePlan& plan) {
  std::vector<std::string> keys;
  for (const v1::CareTeamMember& m : plan.team()) {
    const auto& roles = m.roles();
    if (std::find(roles.begin(), roles.end(), v1::CARE_TEAM_ROLE_COORDINATOR) != roles.end()) {
      keys.push_back(m.local_key());
    }
  }
  return keys;
}

// The refusals of CP-BIB-SOURCE, CP-BIB-PERSON, CP-BIB-PREGNANCY and CP-BIB-SERVICE; true when
// the contribution may be merged.
bool AcceptBib(const v1::CarePlan& plan, const v1::CarePlanContribution& bib,
               fhir::IssueSink& issues) {
  common::CountingSink sink(issues);
  if (bib.source().empty()) {
    Error(sink, IssueType::kRequired, "contribution.source",
          "the source (\"bib-screening/<key>\") is required");
  }
  if (bib.patient_local_key() != plan.patient_local_key()) {
    Error(sink, IssueType::kBusinessRule, "contribution.patient_local_key",
          "the contribution is about another person than the care plan: refused");
  }
  if (!bib.pregnancy_local_key().empty() && !plan.pregnancy_local_key().empty() &&
      bib.pregnancy_local_key() != plan.pregnancy_local_key()) {
    Error(sink, IssueType::kBusinessRule, "contribution.pregnancy_local_key",
          "the contribution is about another pregnancy than the care plan: refused");
  }
  for (int i = 0; i < bib.tasks_size(); ++i) {
    if (common::ProgrammeServiceCode(bib.tasks(i).service()).empty()) {
      Error(sink, IssueType::kValue, common::Indexed("contribution", "tasks", i) + ".service",
            "not a programme service: refused");
    }
  }
  return sink.count() == 0;
}

v1::CarePlanTask BibTask(const v1::ProposedTask& proposed, const std::string& source,
                         const std::vector<std::string>& coordinators) {
  v1::CarePlanTask task;
  task.set_local_key(common::Cat({source, "/", common::ProgrammeServiceCode(proposed.service())}));
  std::string description(common::ProgrammeServiceDisplay(proposed.service()));
  if (!proposed.reason().text().empty()) {
    description = common::Cat({description, ": ", proposed.reason().text()});
  }
  task.set_description(std::move(description));
  task.set_service(proposed.service());
  task.set_clinical(true);
  task.set_status(v1::CARE_PLAN_TASK_STATUS_REQUESTED);
  for (const std::string& key : coordinators) task.add_candidates(key);
  task.set_source(source);
  return task;
}

// ---- Consultation ----

// The refusals of CP-CONS-KEY, CP-CONS-PERSON, CP-CONS-PLAN, CP-CONS-CONSENT and CP-CONS-ACTION;
// true when the record may be merged.
bool AcceptRecord(const v1::CarePlan& plan, const v1::ConsultationRecord& r,
                  fhir::IssueSink& issues) {
  common::CountingSink sink(issues);
  if (r.local_key().empty()) {
    Error(sink, IssueType::kRequired, "record.local_key", "the record's local_key is required");
  }
  if (r.patient_local_key() != plan.patient_local_key()) {
    Error(sink, IssueType::kBusinessRule, "record.patient_local_key",
          "the consultation is about another person than the care plan: refused");
  }
  if (!r.care_plan_local_key().empty() && r.care_plan_local_key() != plan.local_key()) {
    Error(sink, IssueType::kBusinessRule, "record.care_plan_local_key",
          "the consultation names another care plan: refused");
  }
  if (r.consent() == v1::CONSULTATION_CONSENT_REFUSED) {
    Error(sink, IssueType::kBusinessRule, "record.consent",
          "the person refused consent to the consultation's sharing: refused");
  }
  for (int i = 0; i < r.actions_size(); ++i) {
    const v1::AgreedAction& a = r.actions(i);
    const std::string at = common::Indexed("record", "actions", i);
    if (a.local_key().empty()) {
      Error(sink, IssueType::kRequired, at + ".local_key", "the action's local_key is required");
    }
    if (a.description().empty()) {
      Error(sink, IssueType::kRequired, at + ".description", "the description is required");
    }
    if (a.owner() < -1 || a.owner() >= r.participants_size()) {
      Error(sink, IssueType::kValue, at + ".owner",
            "the owner must be a participant's index or -1 for nobody");
    }
  }
  return sink.count() == 0;
}

std::string GivenNames(const v1::HumanName& name) { return absl::StrJoin(name.given(), " "); }

bool HasName(const v1::HumanName& name) {
  return !name.family().empty() || !GivenNames(name).empty();
}

// Whether the team member `m` is the participant `p` (CP-CONS-IDENTITY).
bool SamePerson(const v1::CareTeamMember& m, const v1::ConsultationParticipant& p) {
  using google::protobuf::util::MessageDifferencer;
  switch (p.who_case()) {
    case v1::ConsultationParticipant::kProfessional:
      return m.has_professional() && fhir::NormalizeNihdi(m.professional().nihdi()) ==
                                         fhir::NormalizeNihdi(p.professional().nihdi());
    case v1::ConsultationParticipant::kWelfareWorker:
      return m.has_welfare_worker() &&
             m.welfare_worker().identifier().system() == p.welfare_worker().identifier().system() &&
             m.welfare_worker().identifier().value() == p.welfare_worker().identifier().value();
    case v1::ConsultationParticipant::kRelatedPerson: {
      if (!m.has_informal_carer()) return false;
      const std::string ours = fhir::NormalizeSsin(m.informal_carer().ssin());
      const std::string theirs = fhir::NormalizeSsin(p.related_person().ssin());
      // By SSIN when both have one; else by the exact name.
      if (!ours.empty() && !theirs.empty()) return ours == theirs;
      return HasName(p.related_person().name()) &&
             MessageDifferencer::Equals(m.informal_carer().name(), p.related_person().name());
    }
    default:
      return false;
  }
}

// The key a new member for participant `i` of `record` gets (CP-CONS-MEMBER-KEY), before
// collisions. A professional's NIHDI number and a worker's identifier are professional
// identifiers; an informal carer's key never holds her SSIN or name (keys travel as identifier
// values and in merge conflict paths, which may be logged): it names the record and the place.
std::string NewMemberKey(const v1::ConsultationRecord& record, int i) {
  const v1::ConsultationParticipant& p = record.participants(i);
  switch (p.who_case()) {
    case v1::ConsultationParticipant::kProfessional:
      return common::Cat({"nihdi/", fhir::NormalizeNihdi(p.professional().nihdi())});
    case v1::ConsultationParticipant::kWelfareWorker:
      return common::Cat({"worker/", p.welfare_worker().identifier().system(), "|",
                          p.welfare_worker().identifier().value()});
    default:
      return common::Cat({"carer/", record.local_key(), "/", std::to_string(i)});
  }
}

// Whether participant `p` can join the team: a professional with a NIHDI number, a welfare worker
// with an identifier, a related person with an SSIN or a name (a warning otherwise).
bool CanJoin(const v1::ConsultationParticipant& p, int i, fhir::IssueSink& issues) {
  const std::string at = common::Indexed("record", "participants", i);
  std::string_view missing;
  switch (p.who_case()) {
    case v1::ConsultationParticipant::kProfessional:
      if (!fhir::CheckNihdi(fhir::NormalizeNihdi(p.professional().nihdi())).ok()) {
        missing = "valid NIHDI number";
      }
      break;
    case v1::ConsultationParticipant::kWelfareWorker:
      if (p.welfare_worker().identifier().system().empty() ||
          p.welfare_worker().identifier().value().empty()) {
        missing = "identifier (system and value)";
      }
      break;
    case v1::ConsultationParticipant::kRelatedPerson:
      if (const std::string ssin = fhir::NormalizeSsin(p.related_person().ssin()); ssin.empty()) {
        if (!HasName(p.related_person().name())) missing = "SSIN and no name";
      } else if (!fhir::CheckSsin(ssin).ok()) {
        missing = "valid SSIN";
      }
      break;
    default:
      return false;  // the client herself, or nobody: not a team member
  }
  if (missing.empty()) return true;
  common::Report(issues, fhir::Severity::kWarning, IssueType::kRequired, at,
                 common::Cat({"the participant has no ", missing,
                              ": not added to the care team, owns no task"}));
  return false;
}

std::optional<v1::CareTeamRole> RoleOf(v1::ConsultationFunction function) {
  switch (function) {
    case v1::CONSULTATION_FUNCTION_COORDINATOR:
      return v1::CARE_TEAM_ROLE_COORDINATOR;
    case v1::CONSULTATION_FUNCTION_CASE_MANAGER:
      return v1::CARE_TEAM_ROLE_CASE_MANAGER;
    case v1::CONSULTATION_FUNCTION_CARE_MEDIATOR:
      return v1::CARE_TEAM_ROLE_CARE_MEDIATOR;
    default:
      return std::nullopt;  // the organiser organises this consultation: not a role in the plan
  }
}

v1::CareTeamMember NewMember(const v1::ConsultationParticipant& p, std::string key) {
  v1::CareTeamMember m;
  m.set_local_key(std::move(key));
  if (p.has_professional()) {
    *m.mutable_professional() = p.professional();
    // Digits only, as CheckPlan wants them ("1-23456-78-901" printed).
    m.mutable_professional()->set_nihdi(fhir::NormalizeNihdi(p.professional().nihdi()));
  }
  if (p.has_welfare_worker()) *m.mutable_welfare_worker() = p.welfare_worker();
  if (p.has_related_person()) *m.mutable_informal_carer() = p.related_person();
  return m;
}

// Finds or adds the member for participant `p`, adds its roles; returns the member's key.
std::string Join(Work& work, const v1::ConsultationRecord& record, int i) {
  const v1::ConsultationParticipant& p = record.participants(i);
  v1::CareTeamMember* member = nullptr;
  for (v1::CareTeamMember& m : *work.plan.mutable_team()) {
    if (SamePerson(m, p)) {
      member = &m;
      break;
    }
  }
  if (member == nullptr) {
    const std::string base = NewMemberKey(record, i);
    std::string key = base;
    for (int n = 2; HasMember(work.plan, key); ++n) key = absl::StrCat(base, "~", n);
    member = work.plan.add_team();
    *member = NewMember(p, std::move(key));
    work.changed = true;
  }
  for (int f : p.functions()) {
    const std::optional<v1::CareTeamRole> role = RoleOf(static_cast<v1::ConsultationFunction>(f));
    const auto& roles = member->roles();
    if (role && std::find(roles.begin(), roles.end(), *role) == roles.end()) {
      member->add_roles(*role);
      work.changed = true;
    }
  }
  return member->local_key();
}

bool HasFunction(const v1::ConsultationParticipant& p, v1::ConsultationFunction function) {
  return std::find(p.functions().begin(), p.functions().end(), function) != p.functions().end();
}

// The sender of the decisions: the organiser's member, else the coordinator's, else nobody
// (CP-CONS-DECISIONS).
std::string Sender(const v1::ConsultationRecord& r, const std::vector<std::string>& members) {
  for (v1::ConsultationFunction f :
       {v1::CONSULTATION_FUNCTION_ORGANISER, v1::CONSULTATION_FUNCTION_COORDINATOR}) {
    for (int i = 0; i < r.participants_size(); ++i) {
      if (HasFunction(r.participants(i), f) && !members[i].empty()) return members[i];
    }
  }
  return {};
}

void AddActions(Work& work, const v1::ConsultationRecord& r, const std::string& source,
                const std::vector<std::string>& members) {
  for (const v1::AgreedAction& a : r.actions()) {
    v1::CarePlanTask task;
    task.set_local_key(common::Cat({source, "/", a.local_key()}));
    task.set_description(a.description());
    if (a.owner() >= 0) task.set_owner(members[a.owner()]);
    task.set_status(task.owner().empty() ? v1::CARE_PLAN_TASK_STATUS_REQUESTED
                                         : v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
    if (a.has_due()) *task.mutable_due() = a.due();
    task.set_clinical(r.kind() == v1::CONSULTATION_KIND_ONCOLOGICAL_MOC);
    task.set_source(source);
    AddTask(work, std::move(task));
  }
}

void AddDecisions(Work& work, const v1::ConsultationRecord& r, const std::string& source,
                  const std::vector<std::string>& members) {
  std::vector<std::string> decisions;
  for (const std::string& d : r.decisions()) {
    if (!d.empty()) decisions.push_back(d);
  }
  const std::string key = common::Cat({source, "/decisions"});
  if (decisions.empty() || HasMessage(work.plan, key)) return;
  v1::CareMessage* message = work.plan.add_messages();
  message->set_local_key(key);
  message->set_sender(Sender(r, members));
  if (r.has_end()) *message->mutable_sent() = r.end();
  message->set_text(absl::StrJoin(decisions, "\n"));
  message->set_clinical(r.kind() == v1::CONSULTATION_KIND_ONCOLOGICAL_MOC);
  message->set_source(source);
  work.changed = true;
}

}  // namespace

bool IsClosed(const v1::CarePlan& plan) {
  return plan.status() == v1::CARE_PLAN_STATUS_COMPLETED ||
         plan.status() == v1::CARE_PLAN_STATUS_REVOKED;
}

ContributionResult Contribute(const v1::CarePlan& plan, const v1::CarePlanContribution& bib,
                              fhir::IssueSink& issues) {
  if (!AcceptBib(plan, bib, issues)) return Unchanged(plan);
  if (bib.tasks().empty()) {
    common::Info(issues, "contribution.tasks",
                 "the screening contributes no task (she did not agree to share, or no service "
                 "applies): nothing changed");
    return Unchanged(plan);
  }
  if (RefuseClosed(plan, issues)) return Unchanged(plan);
  Work work{plan};
  const std::vector<std::string> coordinators = Coordinators(plan);
  for (const v1::ProposedTask& proposed : bib.tasks()) {
    AddTask(work, BibTask(proposed, bib.source(), coordinators));
  }
  RecordSource(work, bib.source());
  return Finish(std::move(work), bib.source(), issues);
}

ContributionResult Contribute(const v1::CarePlan& plan, const v1::ConsultationRecord& record,
                              fhir::IssueSink& issues) {
  if (!AcceptRecord(plan, record, issues)) return Unchanged(plan);
  if (RefuseClosed(plan, issues)) return Unchanged(plan);
  Work work{plan};
  const std::string source = common::Cat({kConsultationPrefix, record.local_key()});
  // The member key of each participant; empty for the client and those who cannot join.
  std::vector<std::string> members(record.participants_size());
  for (int i = 0; i < record.participants_size(); ++i) {
    if (CanJoin(record.participants(i), i, issues)) members[i] = Join(work, record, i);
  }
  AddActions(work, record, source, members);
  AddDecisions(work, record, source, members);
  RecordSource(work, source);
  return Finish(std::move(work), source, issues);
}

}  // namespace zorgbrug::adapters::careplan
