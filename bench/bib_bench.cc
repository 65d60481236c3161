// The BiB screening adapter (adapters/bib) on a realistic completed screening — all 13 indicators,
// three positive (two KCE indicators), a few item answers, a midwife with her organisation as
// performer — per second, single thread, as the BibScreenings.ToFhir core does it:
// BM_BibMapOnly checks the screening, evaluates the rules, maps to a FHIR Bundle and writes its
// JSON; BM_BibMapAndValidate also validates the Bundle (fhir/validation: R4 base, invariants,
// claimed Belgian profiles) before writing it, which is "proto -> validated FHIR message content".
// Where the time goes: BM_BibValidateOnly validates the same Bundle alone,
// BM_BibValidateType/<type> each of its resources of one type alone (items are resources there),
// BM_BibWriteOnly writes its JSON, BM_BibRulesOnly runs CheckScreening + Evaluate. items_per_second
// counts screenings.

#include <benchmark/benchmark.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/bib/bib.h"
#include "adapters/bib/rules.h"
#include "adapters/common/mapping_context.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace {

namespace bib = zorgbrug::adapters::bib;
namespace fhir = zorgbrug::fhir;
namespace v1 = zorgbrug::v1;

constexpr char kScreening[] = R"pb(
  local_key: "BIB-2026-0001"
  patient_local_key: "P-1001"
  pregnancy_local_key: "Z-1"
  performer {
    professional {
      nihdi: "40012345603"
      name { family: "Wouters" given: "Els" }
      role { code: "persmidwife" }
      organisation_nihdi: "71012345000"
    }
  }
  performed_at { seconds: 1779000000 }
  gestational_age { weeks: 12 days: 3 }
  status: SCREENING_STATUS_COMPLETED
  indicators { indicator: BIB_INDICATOR_COMMUNICATION score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_COUNTRY_OF_BIRTH score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_RESIDENCE_STATUS score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_EDUCATION score: "1" threshold: "2" }
  indicators { indicator: BIB_INDICATOR_OCCUPATIONAL_STATUS score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_PARTNER_OCCUPATION score: "0" threshold: "1" }
  indicators {
    indicator: BIB_INDICATOR_FINANCIAL_SITUATION
    score: "3.5"
    threshold: "2.5"
    positive: true
    answers { item: "q7" answer_code: "3" answer_text: "Often" points: "2" }
    answers { item: "q8" answer_code: "2" answer_text: "Sometimes" points: "1.5" }
  }
  indicators { indicator: BIB_INDICATOR_HOUSING score: "0.5" threshold: "2" }
  indicators { indicator: BIB_INDICATOR_SOCIAL_SUPPORT score: "1" threshold: "2" }
  indicators {
    indicator: BIB_INDICATOR_DEPRESSION
    score: "3"
    threshold: "3"
    positive: true
    answers { item: "q14" answer_code: "3" answer_text: "Often" points: "1.5" }
    answers { item: "q15" answer_code: "3" answer_text: "Often" points: "1.5" }
  }
  indicators {
    indicator: BIB_INDICATOR_ANXIETY
    score: "3.5"
    threshold: "3"
    positive: true
    answers { item: "q16" answer_code: "4" answer_text: "Very often" points: "3.5" }
  }
  indicators { indicator: BIB_INDICATOR_SUBSTANCE_USE score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_DOMESTIC_VIOLENCE score: "0" threshold: "1" }
  share_consent: SHARE_CONSENT_GIVEN
)pb";

const v1::BibScreening& Screening() {
  static const v1::BibScreening screening = [] {
    v1::BibScreening s;
    google::protobuf::TextFormat::ParseFromString(kScreening, &s);
    return s;
  }();
  return screening;
}

const v1::ProgrammeHistory& History() {
  static const v1::ProgrammeHistory history = [] {
    v1::ProgrammeHistory h;
    h.set_coordinator_appointed(true);
    return h;
  }();
  return history;
}

v1::Date AsOf() {
  v1::Date date;
  date.set_year(2026);
  date.set_month(5);
  date.set_day(17);
  return date;
}

bib::MappingContext Context() {
  return zorgbrug::adapters::common::SequentialContext(
      "https://epd.azvoorbeeld.be/fhir/NamingSystem");
}

// As the gateway passes it: now() for the invariants that need the clock.
fhir::validation::ValidationOptions ValidateOptions() {
  fhir::validation::ValidationOptions options;
  options.now = fhir::fhirpath::Temporal::Parse("2026-05-18T10:00:00.000Z",
                                                fhir::fhirpath::TemporalKind::kDateTime);
  return options;
}

// CheckScreening + Evaluate + ToFhir; false when the screening is refused.
bool Map(const bib::MappingContext& context, fhir::IssueCollector& issues,
         std::optional<fhir::json::Document>& bundle) {
  if (!bib::CheckScreening(Screening(), issues)) return false;
  const v1::ProgrammeEligibility eligibility = bib::Evaluate(Screening(), History(), AsOf());
  bundle.emplace(bib::ToFhir(Screening(), eligibility, context, issues));
  return !issues.HasErrors();
}

void BM_BibMapOnly(benchmark::State& state) {
  const bib::MappingContext context = Context();
  size_t bytes = 0;
  for (auto _ : state) {
    fhir::IssueCollector issues;
    std::optional<fhir::json::Document> bundle;
    if (!Map(context, issues, bundle)) return state.SkipWithError("the screening does not map");
    std::string json = fhir::json::Write(bundle->root());
    bytes += json.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_BibMapAndValidate(benchmark::State& state) {
  const bib::MappingContext context = Context();
  const fhir::validation::ValidationOptions options = ValidateOptions();
  size_t bytes = 0;
  for (auto _ : state) {
    fhir::IssueCollector issues;
    std::optional<fhir::json::Document> bundle;
    if (!Map(context, issues, bundle)) return state.SkipWithError("the screening does not map");
    fhir::validation::Validate(bundle->root(), options, issues);
    if (issues.HasErrors()) return state.SkipWithError("the Bundle does not validate");
    std::string json = fhir::json::Write(bundle->root());
    bytes += json.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_BibValidateOnly(benchmark::State& state) {
  const bib::MappingContext context = Context();
  const fhir::validation::ValidationOptions options = ValidateOptions();
  fhir::IssueCollector mapping;
  std::optional<fhir::json::Document> bundle;
  if (!Map(context, mapping, bundle)) return state.SkipWithError("the screening does not map");
  for (auto _ : state) {
    fhir::IssueCollector issues;
    fhir::validation::Validate(bundle->root(), options, issues);
    benchmark::DoNotOptimize(issues);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["entries"] = static_cast<double>(bundle->root().Find("entry")->size());
}

// Each entry of `type` validated on its own (no Bundle around it), per resource: where the
// validation time goes by resource type.
void BM_BibValidateType(benchmark::State& state, std::string_view type) {
  const bib::MappingContext context = Context();
  const fhir::validation::ValidationOptions options = ValidateOptions();
  fhir::IssueCollector mapping;
  std::optional<fhir::json::Document> bundle;
  if (!Map(context, mapping, bundle)) return state.SkipWithError("the screening does not map");
  std::vector<const fhir::json::Value*> resources;
  for (const fhir::json::Value& entry : bundle->root().Find("entry")->items()) {
    const fhir::json::Value* resource = entry.Find("resource");
    if (resource->FindString("resourceType") == type) resources.push_back(resource);
  }
  for (auto _ : state) {
    for (const fhir::json::Value* resource : resources) {
      fhir::IssueCollector issues;
      fhir::validation::Validate(*resource, options, issues);
      benchmark::DoNotOptimize(issues);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(resources.size()));
  state.counters["per_screening"] = static_cast<double>(resources.size());
}

void BM_BibWriteOnly(benchmark::State& state) {
  const bib::MappingContext context = Context();
  fhir::IssueCollector mapping;
  std::optional<fhir::json::Document> bundle;
  if (!Map(context, mapping, bundle)) return state.SkipWithError("the screening does not map");
  for (auto _ : state) {
    std::string json = fhir::json::Write(bundle->root());
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_BibRulesOnly(benchmark::State& state) {
  for (auto _ : state) {
    fhir::IssueCollector issues;
    bib::CheckScreening(Screening(), issues);
    v1::ProgrammeEligibility eligibility = bib::Evaluate(Screening(), History(), AsOf());
    benchmark::DoNotOptimize(eligibility);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_BibMapOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BibMapAndValidate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BibValidateOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BibValidateType, QuestionnaireResponse, "QuestionnaireResponse")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BibValidateType, Observation, "Observation")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BibValidateType, Task, "Task")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BibValidateType, Practitioner, "Practitioner")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BibValidateType, PractitionerRole, "PractitionerRole")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BibValidateType, Organization, "Organization")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BibWriteOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BibRulesOnly)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
