// Lossless FHIR JSON round trip (fhir/json: parse + print) against raw RapidJSON (Document::Parse +
// Writer) on the same inputs in the same run. Inputs come from ../shared (see bench/README.md):
//   message-bundle-15k.json   — the ~15 KB FHIR message Bundle every issue's figures compare on
//   Bundle-types.json         — the 2.5 MB Bundle from the R4 examples
// Throughput is reported as bytes_per_second (MB/s) and items_per_second (round trips/s).

#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace {

std::string ReadInput(const std::string& name) {
  std::ifstream in(std::string(ZORGBRUG_SHARED_DIR) + "/" + name, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::string& Input(int which) {
  static const std::string kBundle15k = ReadInput("bench/message-bundle-15k.json");
  static const std::string kBundleTypes = ReadInput("fhir-r4-examples/Bundle-types.json");
  return which == 0 ? kBundle15k : kBundleTypes;
}

void SetLabel(benchmark::State& state, const std::string& input) {
  state.SetLabel(state.range(0) == 0 ? "message-bundle-15k" : "Bundle-types");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
  state.SetItemsProcessed(state.iterations());
}

void BM_ZorgbrugRoundTrip(benchmark::State& state) {
  const std::string& input = Input(static_cast<int>(state.range(0)));
  if (input.empty()) return state.SkipWithError("input missing: ../shared not found");
  zorgbrug::fhir::json::ParseLimits limits;
  std::string out;
  for (auto _ : state) {
    zorgbrug::fhir::IssueCollector issues;
    std::optional<zorgbrug::fhir::json::Document> doc =
        zorgbrug::fhir::json::Parse(input, limits, issues);
    if (!doc) return state.SkipWithError("parse failed");
    out.clear();
    zorgbrug::fhir::json::WriteTo(doc->root(), {}, out);
    benchmark::DoNotOptimize(out.data());
  }
  SetLabel(state, input);
}

void BM_RawRapidJsonRoundTrip(benchmark::State& state) {
  const std::string& input = Input(static_cast<int>(state.range(0)));
  if (input.empty()) return state.SkipWithError("input missing: ../shared not found");
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse(input.c_str(), input.size());
    if (doc.HasParseError()) return state.SkipWithError("parse failed");
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    benchmark::DoNotOptimize(buffer.GetString());
  }
  SetLabel(state, input);
}

BENCHMARK(BM_RawRapidJsonRoundTrip)->Arg(0)->Arg(1);
BENCHMARK(BM_ZorgbrugRoundTrip)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
