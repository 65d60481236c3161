// FHIRPath invariant evaluation (fhir/fhirpath) as the profile validator drives it. Inputs come
// from the folder named by the ZORGBRUG_SHARED_DIR environment variable (else the build's
// ZORGBRUG_SHARED_DIR definition; see bench/README.md):
//   BM_InvariantsCorpus — every error-level invariant of each R4 resource StructureDefinition,
//       compiled once, evaluated on every node of its element in every official example of that
//       type (as fhir/fhirpath/conformance_test.cc does); items_per_second is resources/s.
//   BM_Ele1 / BM_Ext1 — ele-1 and ext-1, the two invariants the validator evaluates on nearly
//       every element, on each element node of bench/message-bundle-15k.json; items are nodes.
// Only evaluation is timed: parsing, compiling and finding the nodes happen once, before.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fhir/fhirpath/fhirpath.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"

namespace {

namespace fs = std::filesystem;
namespace fp = zorgbrug::fhir::fhirpath;
namespace json = zorgbrug::fhir::json;

// The shared folder, or empty when neither the environment nor the build names one.
std::string SharedDir() {
  if (const char* dir = std::getenv("ZORGBRUG_SHARED_DIR")) return dir;
#ifdef ZORGBRUG_SHARED_DIR
  return ZORGBRUG_SHARED_DIR;
#else
  return {};
#endif
}

std::optional<json::Document> ParseFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  zorgbrug::fhir::IssueCollector issues;
  json::ParseLimits limits;
  limits.max_bytes = 64u << 20;
  return json::Parse(text.str(), limits, issues);
}

// An error-level invariant: its element path ("Patient.contact") and compiled expression.
struct Invariant {
  std::string path;
  fp::Expression expression;
};

std::vector<Invariant> ErrorInvariantsOf(const json::Value& sd) {
  std::vector<Invariant> out;
  const json::Value* snapshot = sd.Find("snapshot");
  const json::Value* elements = snapshot != nullptr ? snapshot->Find("element") : nullptr;
  if (elements == nullptr) return out;
  for (const json::Value& element : elements->items()) {
    const json::Value* constraints = element.Find("constraint");
    if (constraints == nullptr) continue;
    for (const json::Value& c : constraints->items()) {
      std::string_view text = c.FindString("expression");
      if (text.empty() || c.FindString("severity") == "warning") continue;
      auto compiled = fp::Compile(text);
      if (compiled.ok()) out.push_back({std::string(element.FindString("path")), *compiled});
    }
  }
  return out;
}

// The nodes an element path names, found by evaluating it as a FHIRPath navigation with every
// step delimited (`Observation`.`value` for "Observation.value[x]").
std::vector<fp::Item> NodesAt(const json::Value& resource, std::string_view path) {
  std::string text;
  for (size_t start = 0; start <= path.size();) {
    size_t dot = std::min(path.find('.', start), path.size());
    std::string_view step = path.substr(start, dot - start);
    if (step.size() > 3 && step.substr(step.size() - 3) == "[x]") step.remove_suffix(3);
    text += (text.empty() ? "`" : ".`") + std::string(step) + "`";
    start = dot + 1;
  }
  auto expression = fp::Compile(text);
  if (!expression.ok()) return {};
  fp::Context context;
  context.focus = fp::ResourceItem(resource);
  context.resource = resource;
  auto nodes = fp::Evaluate(*expression, context);
  if (!nodes.ok()) return {};
  return std::vector<fp::Item>(nodes->begin(), nodes->end());
}

// One official example with the invariants of its type and the nodes each applies to.
struct Example {
  json::Document document;
  std::vector<std::pair<const fp::Expression*, std::vector<fp::Item>>> work;
};

struct Corpus {
  std::deque<Invariant> invariants;  // stable addresses for Example::work
  std::deque<Example> examples;
  size_t evaluations = 0;
};

void LoadExamples(const fs::path& dir, const std::string& type, size_t first_invariant,
                  Corpus& corpus) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(type + "-", 0) != 0 || entry.path().extension() != ".json") continue;
    auto document = ParseFile(entry.path());
    if (!document || document->root().FindString("resourceType") != type) continue;
    Example example{*std::move(document), {}};
    for (size_t i = first_invariant; i < corpus.invariants.size(); ++i) {
      const Invariant& inv = corpus.invariants[i];
      std::vector<fp::Item> nodes = NodesAt(example.document.root(), inv.path);
      if (nodes.empty()) continue;
      corpus.evaluations += nodes.size();
      example.work.emplace_back(&inv.expression, std::move(nodes));
    }
    corpus.examples.push_back(std::move(example));
  }
}

const Corpus& LoadCorpus() {
  static const Corpus* corpus = [] {
    auto* out = new Corpus;
    fs::path dir = fs::path(SharedDir()) / "fhir-r4-examples";
    if (SharedDir().empty() || !fs::is_directory(dir)) return out;
    std::vector<fs::path> definitions;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      if (name.rfind("StructureDefinition-", 0) == 0) definitions.push_back(entry.path());
    }
    std::sort(definitions.begin(), definitions.end());
    for (const fs::path& file : definitions) {
      auto sd = ParseFile(file);
      if (!sd || sd->root().FindString("kind") != "resource" ||
          sd->root().FindString("derivation") != "specialization") {
        continue;
      }
      size_t first = out->invariants.size();
      for (Invariant& inv : ErrorInvariantsOf(sd->root())) out->invariants.push_back(inv);
      LoadExamples(dir, std::string(sd->root().FindString("type")), first, *out);
    }
    return out;
  }();
  return *corpus;
}

std::optional<fp::Temporal> FixedNow() {
  return fp::Temporal::Parse("2024-01-01T00:00:00Z", fp::TemporalKind::kDateTime);
}

void BM_InvariantsCorpus(benchmark::State& state) {
  const Corpus& corpus = LoadCorpus();
  if (corpus.examples.empty()) return state.SkipWithError("ZORGBRUG_SHARED_DIR examples missing");
  const std::optional<fp::Temporal> now = FixedNow();
  int64_t failures = 0;
  for (auto _ : state) {
    for (const Example& example : corpus.examples) {
      fp::Context context;
      context.resource = example.document.root();
      context.now = now;
      if (context.resource.FindString("resourceType") == "Bundle")
        context.bundle = context.resource;
      for (const auto& [expression, nodes] : example.work) {
        for (const fp::Item& node : nodes) {
          context.focus = node;
          auto result = fp::Evaluate(*expression, context);
          auto holds = result.ok() ? fp::ToBoolean(*result)
                                   : absl::StatusOr<std::optional<bool>>(result.status());
          failures += !(holds.ok() && holds->value_or(true));
        }
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(corpus.examples.size()));
  state.counters["evaluations"] = static_cast<double>(corpus.evaluations);
  state.counters["failures"] = static_cast<double>(failures / state.iterations());
}

// Every element node below `value` (member `name` of its parent, `_name` in `ext`), resources
// excluded but descended into, in document order.
void CollectElements(const json::Value& value, const json::Value& ext, std::string_view name,
                     std::vector<fp::Item>& out) {
  std::string_view resource_type = value.FindString("resourceType");
  if (resource_type.empty()) {
    out.push_back(fp::Item::Node(value, ext, name, {}));
  }
  for (const json::Member& m : value.members()) {
    if (m.name == "resourceType" || (!m.name.empty() && m.name[0] == '_')) continue;
    const json::Value* m_ext = value.Find("_" + std::string(m.name));
    if (m.value.IsArray()) {
      auto exts = m_ext != nullptr ? m_ext->items() : std::span<const json::Value>();
      for (size_t i = 0; i < m.value.items().size(); ++i) {
        CollectElements(m.value.items()[i], i < exts.size() ? exts[i] : json::Value(), m.name, out);
      }
    } else {
      CollectElements(m.value, m_ext != nullptr ? *m_ext : json::Value(), m.name, out);
    }
  }
}

struct Bundle {
  std::optional<json::Document> document;
  std::vector<fp::Item> elements;
};

const Bundle& LoadBundle() {
  static const Bundle* bundle = [] {
    auto* out = new Bundle;
    if (SharedDir().empty()) return out;
    out->document = ParseFile(fs::path(SharedDir()) / "bench" / "message-bundle-15k.json");
    if (out->document) CollectElements(out->document->root(), json::Value(), {}, out->elements);
    return out;
  }();
  return *bundle;
}

void RunOnElements(benchmark::State& state, std::string_view text) {
  const Bundle& bundle = LoadBundle();
  if (bundle.elements.empty()) return state.SkipWithError("ZORGBRUG_SHARED_DIR bundle missing");
  auto expression = fp::Compile(text);
  if (!expression.ok()) return state.SkipWithError("expression does not compile");
  fp::Context context;
  context.resource = bundle.document->root();
  int64_t holds = 0;
  for (auto _ : state) {
    for (const fp::Item& element : bundle.elements) {
      context.focus = element;
      auto result = fp::Evaluate(*expression, context);
      if (!result.ok()) return state.SkipWithError("evaluation failed");
      auto b = fp::ToBoolean(*result);
      holds += b.ok() && b->value_or(true);
    }
  }
  benchmark::DoNotOptimize(holds);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(bundle.elements.size()));
  state.counters["nodes"] = static_cast<double>(bundle.elements.size());
}

void BM_Ele1(benchmark::State& state) {
  RunOnElements(state, "hasValue() or (children().count() > id.count())");
}

void BM_Ext1(benchmark::State& state) {
  RunOnElements(state, "extension.exists() != value.exists()");
}

BENCHMARK(BM_InvariantsCorpus)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Ele1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Ext1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
