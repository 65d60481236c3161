// The multidisciplinary consultation adapter (adapters/consultation) on the golden record of a
// conforming perinatal consultation (a midwife coordinator, a GP, a social worker case manager and
// the client; decisions, an action, a report), per second, single thread, as the
// Consultations.ToFhir core does it: BM_ConsultationMapOnly checks the record, applies the billing
// rules, maps to a FHIR Bundle and writes its JSON; BM_ConsultationMapAndValidate also validates
// the Bundle (R4 base, invariants, claimed Belgian profiles); BM_ConsultationFromFhir maps the
// Bundle back; BM_ConsultationBillOnly runs CheckRecord + Bill. items_per_second counts records.

#include <benchmark/benchmark.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "adapters/common/mapping_context.h"
#include "adapters/consultation/consultation.h"
#include "adapters/consultation/rules.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace {

namespace consultation = zorgbrug::adapters::consultation;
namespace fhir = zorgbrug::fhir;
namespace v1 = zorgbrug::v1;

template <typename Message>
Message Load(const std::string& file) {
  std::ifstream in(std::string(ZORGBRUG_CONSULTATION_TESTDATA) + "/golden/" + file);
  std::stringstream text;
  text << in.rdbuf();
  Message message;
  google::protobuf::TextFormat::ParseFromString(text.str(), &message);
  return message;
}

const v1::ConsultationRecord& Record() {
  static const auto* record = new v1::ConsultationRecord(
      Load<v1::ConsultationRecord>("perinatal_four_participants.textproto"));
  return *record;
}

const v1::ConsultationContext& Context() {
  static const auto* context = new v1::ConsultationContext(
      Load<v1::ConsultationContext>("perinatal_four_participants.context.textproto"));
  return *context;
}

consultation::MappingContext Mapping() {
  return zorgbrug::adapters::common::SequentialContext(
      "https://organiser.example.be/fhir/NamingSystem");
}

bool Map(const consultation::MappingContext& context, fhir::IssueCollector& issues,
         std::optional<fhir::json::Document>& bundle) {
  if (!consultation::CheckRecord(Record(), issues)) return false;
  const v1::ConsultationBilling billing = consultation::Bill(Record(), Context());
  bundle.emplace(consultation::ToFhir(Record(), billing, context, issues));
  return !issues.HasErrors();
}

void BM_ConsultationMapOnly(benchmark::State& state) {
  const consultation::MappingContext context = Mapping();
  size_t bytes = 0;
  for (auto _ : state) {
    fhir::IssueCollector issues;
    std::optional<fhir::json::Document> bundle;
    if (!Map(context, issues, bundle)) return state.SkipWithError("the record does not map");
    bytes += fhir::json::Write(bundle->root()).size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ConsultationMapAndValidate(benchmark::State& state) {
  const consultation::MappingContext context = Mapping();
  size_t bytes = 0;
  size_t entries = 0;
  for (auto _ : state) {
    fhir::IssueCollector issues;
    std::optional<fhir::json::Document> bundle;
    if (!Map(context, issues, bundle)) return state.SkipWithError("the record does not map");
    fhir::validation::Validate(bundle->root(), {}, issues);
    if (issues.HasErrors()) return state.SkipWithError("the Bundle does not validate");
    bytes += fhir::json::Write(bundle->root()).size();
    entries = bundle->root().Find("entry")->size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["entries"] = static_cast<double>(entries);
}

void BM_ConsultationFromFhir(benchmark::State& state) {
  fhir::IssueCollector mapping;
  std::optional<fhir::json::Document> bundle;
  if (!Map(Mapping(), mapping, bundle)) return state.SkipWithError("the record does not map");
  const consultation::MappingContext context = Mapping();
  for (auto _ : state) {
    fhir::IssueCollector issues;
    v1::ConsultationRecord record = consultation::FromFhir(bundle->root(), context, issues);
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ConsultationBillOnly(benchmark::State& state) {
  for (auto _ : state) {
    fhir::IssueCollector issues;
    consultation::CheckRecord(Record(), issues);
    v1::ConsultationBilling billing = consultation::Bill(Record(), Context());
    benchmark::DoNotOptimize(billing);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_ConsultationMapOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConsultationMapAndValidate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConsultationFromFhir)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConsultationBillOnly)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
