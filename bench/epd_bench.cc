// The EPD adapter (adapters/epd) on a typical record — a patient with her GP and partner, an
// admission with three professionals and the hospital, and a pregnancy
// (adapters/epd/testdata/golden/full_perinatal_record.textproto): EpdRecord -> FHIR Bundle ->
// validated (fhir/validation, every profile it claims) -> JSON text, per second, single thread.
// BM_EpdToFhir maps only; BM_EpdToValidatedJson is the whole path; BM_FhirToEpd maps the Bundle
// back. items_per_second counts records.

#include <benchmark/benchmark.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/common/mapping_context.h"
#include "adapters/epd/epd.h"
#include "fhir/json/writer.h"
#include "fhir/validation/validator.h"

namespace {

namespace epd = zorgbrug::adapters::epd;
namespace fhir = zorgbrug::fhir;

const zorgbrug::v1::EpdRecord& Record() {
  static const zorgbrug::v1::EpdRecord record = [] {
    std::ifstream in(std::string(ZORGBRUG_EPD_TESTDATA) +
                     "/golden/full_perinatal_record.textproto");
    std::stringstream text;
    text << in.rdbuf();
    zorgbrug::v1::EpdRecord r;
    google::protobuf::TextFormat::ParseFromString(text.str(), &r);
    return r;
  }();
  return record;
}

epd::MappingContext Context() {
  return zorgbrug::adapters::common::SequentialContext(
      "https://epd.azvoorbeeld.be/fhir/NamingSystem");
}

void BM_EpdToFhir(benchmark::State& state) {
  const epd::MappingContext context = Context();
  for (auto _ : state) {
    fhir::IssueCollector issues;
    fhir::json::Document bundle = epd::ToFhir(Record(), context, issues);
    benchmark::DoNotOptimize(bundle.root());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EpdToValidatedJson(benchmark::State& state) {
  const epd::MappingContext context = Context();
  size_t bytes = 0;
  for (auto _ : state) {
    fhir::IssueCollector issues;
    fhir::json::Document bundle = epd::ToFhir(Record(), context, issues);
    fhir::validation::Validate(bundle.root(), {}, issues);
    if (issues.HasErrors()) return state.SkipWithError("the record does not validate");
    std::string json = fhir::json::Write(bundle.root());
    bytes += json.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_FhirToEpd(benchmark::State& state) {
  const epd::MappingContext context = Context();
  fhir::IssueCollector issues;
  fhir::json::Document bundle = epd::ToFhir(Record(), context, issues);
  for (auto _ : state) {
    fhir::IssueCollector back;
    zorgbrug::v1::EpdRecord record = epd::FromFhir(bundle.root(), context, back);
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EpdToFhir)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EpdToValidatedJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FhirToEpd)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
