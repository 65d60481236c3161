// Resources validated per second by fhir/validation (single thread): base definitions, FHIRPath
// invariants and claimed profiles, on already-parsed resources (parsing is measured by
// json_bench). Workloads (bench/README.md), identical to bench/js/validate_bench.mjs:
//   BM_ValidateMessageBundleResources — each entry resource of the ~15 KB message Bundle on its own
//   BM_ValidateMessageBundle          — the whole Bundle once (entries, references resolved)
//   BM_ValidateCorpus                 — every instance of the R4 examples, each on its own
// items_per_second is top-level resources per second; for the corpus, nested_per_second also
// counts the Bundle entries and contained resources validated inside them. Before the benchmarks
// run, the first call's latency (a fresh process validating the Bundle's first resource: indexes
// built and invariants compiled on demand) is printed to stderr as `first_call_ms=<ms>`. Inputs:
// $ZORGBRUG_SHARED_DIR, else the ../shared the build was configured with.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "fhir/json/parser.h"
#include "fhir/validation/corpus.h"
#include "fhir/validation/validator.h"

namespace {

namespace fhir = zorgbrug::fhir;
namespace validation = zorgbrug::fhir::validation;

std::filesystem::path SharedDir() {
  const char* env = std::getenv("ZORGBRUG_SHARED_DIR");
  return env != nullptr && *env != '\0' ? env : ZORGBRUG_SHARED_DIR;
}

const std::optional<fhir::json::Document>& MessageBundle() {
  static const std::optional<fhir::json::Document> bundle = [] {
    std::ifstream in(SharedDir() / "bench" / "message-bundle-15k.json", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    fhir::IssueCollector issues;
    return fhir::json::Parse(text.str(), fhir::json::ParseLimits{}, issues);
  }();
  return bundle;
}

std::vector<fhir::json::Value> EntryResources() {
  std::vector<fhir::json::Value> out;
  if (!MessageBundle()) return out;
  if (const fhir::json::Value* entries = MessageBundle()->root().Find("entry")) {
    for (const fhir::json::Value& entry : entries->items()) {
      if (const fhir::json::Value* r = entry.Find("resource")) out.push_back(*r);
    }
  }
  return out;
}

const std::vector<validation::CorpusFile>& Corpus() {
  static const std::vector<validation::CorpusFile> corpus = [] {
    std::filesystem::path dir = SharedDir() / "fhir-r4-examples";
    return std::filesystem::is_directory(dir) ? validation::LoadCorpus(dir)
                                              : std::vector<validation::CorpusFile>{};
  }();
  return corpus;
}

// The resources in `r` counting itself, contained resources, Bundle entries and Parameters
// resources, at any depth: what the validator validates as a resource.
size_t NestedResources(const fhir::json::Value& r) {
  size_t n = 1;
  auto each = [&](std::string_view array, std::string_view member) {
    const fhir::json::Value* items = r.Find(array);
    if (items == nullptr || !items->IsArray()) return;
    for (const fhir::json::Value& item : items->items()) {
      if (member.empty()) {
        n += NestedResources(item);
      } else if (const fhir::json::Value* inner = item.Find(member)) {
        n += NestedResources(*inner);
      }
    }
  };
  each("contained", "");
  each("entry", "resource");
  each("parameter", "resource");
  return n;
}

validation::ValidationOptions Options() {
  validation::ValidationOptions options;
  options.now = zorgbrug::fhir::fhirpath::Temporal::Parse(
      "2026-11-23T12:00:00Z", zorgbrug::fhir::fhirpath::TemporalKind::kDateTime);
  return options;
}

void BM_ValidateMessageBundleResources(benchmark::State& state) {
  const std::vector<fhir::json::Value> resources = EntryResources();
  if (resources.empty()) return state.SkipWithError("message-bundle-15k.json not found");
  const validation::ValidationOptions options = Options();
  size_t errors = 0;
  for (auto _ : state) {
    for (const fhir::json::Value& r : resources) {
      fhir::IssueCollector sink;
      validation::Validate(r, options, sink);
      errors += sink.HasErrors() ? 1 : 0;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * resources.size()));
  state.counters["resources"] = static_cast<double>(resources.size());
  state.counters["rejected"] =
      static_cast<double>(errors) / static_cast<double>(state.iterations());
}

void BM_ValidateMessageBundle(benchmark::State& state) {
  if (!MessageBundle()) return state.SkipWithError("message-bundle-15k.json not found");
  const validation::ValidationOptions options = Options();
  for (auto _ : state) {
    fhir::IssueCollector sink;
    validation::Validate(MessageBundle()->root(), options, sink);
    benchmark::DoNotOptimize(sink.issues().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * (EntryResources().size() + 1)));
}

void BM_ValidateCorpus(benchmark::State& state) {
  const std::vector<validation::CorpusFile>& corpus = Corpus();
  if (corpus.empty()) return state.SkipWithError("fhir-r4-examples not found");
  const validation::ValidationOptions options = Options();
  size_t errors = 0;
  for (auto _ : state) {
    for (const validation::CorpusFile& file : corpus) {
      fhir::IssueCollector sink;
      validation::Validate(file.document.root(), options, sink);
      errors += sink.HasErrors() ? 1 : 0;
    }
  }
  size_t nested = 0;
  for (const validation::CorpusFile& file : corpus) nested += NestedResources(file.document.root());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * corpus.size()));
  state.counters["resources"] = static_cast<double>(corpus.size());
  // Entries and contained resources are validated as resources too.
  state.counters["nested_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * nested), benchmark::Counter::kIsRate);
  state.counters["rejected"] =
      static_cast<double>(errors) / static_cast<double>(state.iterations());
}

BENCHMARK(BM_ValidateMessageBundleResources)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ValidateMessageBundle)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ValidateCorpus)->Unit(benchmark::kMillisecond);

// Wall time since the kernel started this process (/proc/self/stat field 22, in clock ticks), or
// -1 when /proc is not available.
double MillisecondsSinceProcessStart() {
  std::ifstream stat("/proc/self/stat");
  std::ifstream uptime("/proc/uptime");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  double up = -1;
  uptime >> up;
  size_t paren = text.rfind(')');
  if (paren == std::string::npos || up < 0) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  double start_seconds = std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return (up - start_seconds) * 1000.0;
}

// The first validation in a fresh process: nothing is loaded or compiled ahead of it.
void ReportFirstCall() {
  const std::vector<fhir::json::Value> resources = EntryResources();
  if (resources.empty()) return;
  const validation::ValidationOptions options = Options();
  auto start = std::chrono::steady_clock::now();
  fhir::IssueCollector sink;
  validation::Validate(resources.front(), options, sink);
  std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  std::cerr << "first_call_ms=" << took.count() << "\n";
  if (double since_start = MillisecondsSinceProcessStart(); since_start >= 0) {
    std::cerr << "process_start_to_first_result_ms=" << since_start
              << " (includes reading and parsing the Bundle; 10 ms resolution)\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  ReportFirstCall();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
