// The care-plan adapter (adapters/careplan) on the plan issue #7 names: 10 goals (3 life goals, 7
// care goals), 30 tasks, 12 team members (8 professionals, 2 welfare workers, 2 informal carers),
// plus 10 care messages and 4 access decisions; single thread, per second:
//   BM_CarePlanMapOnly         CheckPlan + ToFhir + JSON text (the whole plan);
//   BM_CarePlanMapAndValidate  the same, and the Bundle validated (R4, invariants, patient-care);
//   BM_CarePlanViewForCarer    ToFhir for an informal carer (ViewFor, then the mapping);
//   BM_CarePlanFromFhir        the Bundle back to a plan;
//   BM_CarePlanMerge           a three-way merge of a platform's and an EPD's edits, no conflict;
//   BM_CarePlanMergeConflicts  the same with 5 conflicting task statuses;
//   BM_CarePlanContributeBib   a BiB contribution merged into the plan (new, then again: no
//   change).
// items_per_second counts plans.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "adapters/careplan/careplan.h"
#include "adapters/careplan/merge.h"
#include "adapters/careplan/rules.h"
#include "adapters/common/mapping_context.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace {

namespace careplan = zorgbrug::adapters::careplan;
namespace fhir = zorgbrug::fhir;
namespace v1 = zorgbrug::v1;

std::string Key(const char* prefix, int i) { return prefix + std::to_string(i); }

v1::Date DateOf(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

v1::CarePlan BuildPlan() {
  v1::CarePlan plan;
  plan.set_local_key("ZP-4711");
  plan.set_patient_local_key("P-4711");
  plan.set_pregnancy_local_key("PR-4711-1");
  plan.set_status(v1::CARE_PLAN_STATUS_ACTIVE);
  plan.set_title("Zorg- en ondersteuningsplan");
  *plan.mutable_start() = DateOf(2026, 2, 2);
  plan.set_version(7);
  static const char* const kRoles[] = {"persmidwife", "persgeneralphysician",
                                       "persgynecologistobstetrics", "perspsychologist"};
  for (int i = 0; i < 8; ++i) {
    v1::CareTeamMember* member = plan.add_team();
    member->set_local_key(Key("m-", i));
    v1::Professional* professional = member->mutable_professional();
    char nihdi[16];
    std::snprintf(nihdi, sizeof(nihdi), "1%07d001", 1000 + i);
    professional->set_nihdi(nihdi);
    professional->mutable_name()->set_family("Peeters" + std::to_string(i));
    professional->mutable_name()->add_given("An");
    professional->mutable_role()->set_code(kRoles[i % 4]);
    if (i == 0) member->add_roles(v1::CARE_TEAM_ROLE_COORDINATOR);
  }
  for (int i = 8; i < 10; ++i) {
    v1::CareTeamMember* member = plan.add_team();
    member->set_local_key(Key("m-", i));
    v1::WelfareWorker* worker = member->mutable_welfare_worker();
    worker->mutable_identifier()->set_system("https://www.kindengezin.be/fhir/NamingSystem/staff");
    worker->mutable_identifier()->set_value(Key("KG-", i));
    worker->mutable_name()->set_family("Vermeulen" + std::to_string(i));
    worker->mutable_name()->add_given("Fatima");
    worker->mutable_role()->set_code("perssocialworker");
    if (i == 8) member->add_roles(v1::CARE_TEAM_ROLE_CASE_MANAGER);
  }
  for (int i = 10; i < 12; ++i) {
    v1::CareTeamMember* member = plan.add_team();
    member->set_local_key(Key("m-", i));
    v1::RelatedPersonInfo* carer = member->mutable_informal_carer();
    carer->set_relationship(i == 10 ? v1::RELATIONSHIP_PARTNER : v1::RELATIONSHIP_INFORMAL_CARER);
    carer->mutable_name()->set_family("Claes" + std::to_string(i));
    carer->mutable_name()->add_given("Tom");
  }
  for (int i = 0; i < 3; ++i) {
    v1::LifeGoal* goal = plan.add_life_goals();
    goal->set_local_key(Key("lg-", i));
    goal->set_text("Ik wil rustig thuis zijn met mijn baby, doel " + std::to_string(i));
    goal->set_status(v1::GOAL_STATUS_ACTIVE);
  }
  for (int i = 0; i < 7; ++i) {
    v1::CareGoal* goal = plan.add_care_goals();
    goal->set_local_key(Key("cg-", i));
    goal->set_description("Zorgdoel " + std::to_string(i));
    goal->add_life_goals(Key("lg-", i % 3));
    goal->set_status(v1::GOAL_STATUS_ACTIVE);
    goal->set_clinical(i % 2 == 0);
    *goal->mutable_target() = DateOf(2026, 6, 1 + i);
  }
  for (int i = 0; i < 30; ++i) {
    v1::CarePlanTask* task = plan.add_tasks();
    task->set_local_key(Key("t-", i));
    task->set_description("Taak " + std::to_string(i));
    task->set_owner(Key("m-", i % 10));
    task->add_candidates(Key("m-", i % 10));
    task->set_status(v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
    task->set_goal(Key("cg-", i % 7));
    task->set_clinical(i % 3 == 0);
    *task->mutable_due() = DateOf(2026, 4, 1 + i % 28);
  }
  for (int i = 0; i < 10; ++i) {
    v1::CareMessage* message = plan.add_messages();
    message->set_local_key(Key("msg-", i));
    message->set_sender(Key("m-", i % 8));
    if (i % 2 == 1) message->add_recipients(Key("m-", (i + 1) % 12));
    message->mutable_sent()->set_seconds(1773147600 + i * 3600);
    message->set_text("Bericht " + std::to_string(i));
    message->set_about_task(Key("t-", i));
    message->set_clinical(i % 3 == 0);
  }
  for (int i = 0; i < 4; ++i) {
    v1::AccessDecision* decision = plan.add_access();
    decision->set_member(Key("m-", 8 + i));
    decision->set_content(i % 2 == 0 ? v1::CONTENT_CLASS_CLINICAL : v1::CONTENT_CLASS_LIFE_GOALS);
    decision->set_permit(i % 2 == 0);
    *decision->mutable_decided_on() = DateOf(2026, 2, 2);
  }
  return plan;
}

const v1::CarePlan& Plan() {
  static const auto* plan = new v1::CarePlan(BuildPlan());
  return *plan;
}

careplan::MappingContext Mapping() {
  return zorgbrug::adapters::common::SequentialContext(
      "https://platform.example.be/fhir/NamingSystem");
}

bool Map(const careplan::Audience& audience, const careplan::MappingContext& context,
         fhir::IssueCollector& issues, std::optional<fhir::json::Document>& bundle) {
  careplan::CheckPlan(Plan(), issues);
  if (issues.HasErrors()) return false;
  bundle.emplace(careplan::ToFhir(Plan(), audience, context, issues));
  return !issues.HasErrors();
}

void MapBenchmark(benchmark::State& state, const careplan::Audience& audience, bool validate) {
  const careplan::MappingContext context = Mapping();
  size_t bytes = 0;
  size_t entries = 0;
  for (auto _ : state) {
    fhir::IssueCollector issues;
    std::optional<fhir::json::Document> bundle;
    if (!Map(audience, context, issues, bundle))
      return state.SkipWithError("the plan does not map");
    if (validate) {
      fhir::validation::Validate(bundle->root(), {}, issues);
      if (issues.HasErrors()) return state.SkipWithError("the Bundle does not validate");
    }
    bytes += fhir::json::Write(bundle->root()).size();
    entries = bundle->root().Find("entry")->size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["entries"] = static_cast<double>(entries);
}

void BM_CarePlanMapOnly(benchmark::State& state) { MapBenchmark(state, {}, false); }
void BM_CarePlanMapAndValidate(benchmark::State& state) { MapBenchmark(state, {}, true); }
void BM_CarePlanViewForCarer(benchmark::State& state) {
  careplan::Audience carer;
  carer.member = "m-11";
  MapBenchmark(state, carer, false);
}

void BM_CarePlanFromFhir(benchmark::State& state) {
  fhir::IssueCollector mapping;
  std::optional<fhir::json::Document> bundle;
  if (!Map({}, Mapping(), mapping, bundle)) return state.SkipWithError("the plan does not map");
  const careplan::MappingContext context = Mapping();
  for (auto _ : state) {
    fhir::IssueCollector issues;
    v1::CarePlan plan = careplan::FromFhir(bundle->root(), context, issues);
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations());
}

// The platform completes 5 tasks and adds a message; the EPD adds a care goal, reassigns 5 other
// tasks and adds a team member. With `conflicts`, both also set 5 shared tasks' status differently.
void MergeBenchmark(benchmark::State& state, bool conflicts) {
  v1::CarePlan ours = Plan();
  v1::CarePlan theirs = Plan();
  for (int i = 0; i < 5; ++i) {
    ours.mutable_tasks(i)->set_status(v1::CARE_PLAN_TASK_STATUS_COMPLETED);
    theirs.mutable_tasks(10 + i)->set_owner("m-3");
    if (conflicts) {
      ours.mutable_tasks(20 + i)->set_status(v1::CARE_PLAN_TASK_STATUS_COMPLETED);
      theirs.mutable_tasks(20 + i)->set_status(v1::CARE_PLAN_TASK_STATUS_CANCELLED);
    }
  }
  v1::CareMessage* message = ours.add_messages();
  message->set_local_key("msg-new");
  message->set_text("Taken afgerond");
  v1::CareGoal* goal = theirs.add_care_goals();
  goal->set_local_key("cg-new");
  goal->set_description("Borstvoeding ondersteunen");
  goal->set_status(v1::GOAL_STATUS_PROPOSED);
  *theirs.add_team() = Plan().team(1);
  theirs.mutable_team(theirs.team_size() - 1)->set_local_key("m-new");
  size_t found = 0;
  for (auto _ : state) {
    careplan::MergeResult result = careplan::Merge(Plan(), ours, theirs);
    found = result.conflicts.size();
    benchmark::DoNotOptimize(result);
  }
  if (found != (conflicts ? 5u : 0u)) return state.SkipWithError("unexpected conflicts");
  state.SetItemsProcessed(state.iterations());
}

void BM_CarePlanMerge(benchmark::State& state) { MergeBenchmark(state, false); }
void BM_CarePlanMergeConflicts(benchmark::State& state) { MergeBenchmark(state, true); }

void BM_CarePlanContributeBib(benchmark::State& state) {
  v1::CarePlanContribution bib;
  bib.set_source("bib-screening/BIB-2026-0042");
  bib.set_patient_local_key("P-4711");
  bib.add_tasks()->set_service(v1::PROGRAMME_SERVICE_PPA);
  bib.add_tasks()->set_service(v1::PROGRAMME_SERVICE_COORDINATION);
  for (auto _ : state) {
    fhir::IssueCollector issues;
    careplan::ContributionResult once = careplan::Contribute(Plan(), bib, issues);
    careplan::ContributionResult twice = careplan::Contribute(once.plan, bib, issues);
    if (!once.changed || twice.changed) return state.SkipWithError("not idempotent");
    benchmark::DoNotOptimize(twice);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_CarePlanMapOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CarePlanMapAndValidate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CarePlanViewForCarer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CarePlanFromFhir)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CarePlanMerge)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CarePlanMergeConflicts)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CarePlanContributeBib)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
