// Conformance of the engine with the invariants it exists for: every constraint.expression of the
// R4 base StructureDefinitions and the Belgian profiles must compile, and the R4 resource
// invariants must hold on the official R4 examples (except the defects listed in
// testdata/known_failures.txt).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fhir/fhirpath/fhirpath.h"
#include "fhir/fhirpath/navigation.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "gtest/gtest.h"

namespace zorgbrug::fhir::fhirpath {
namespace {

namespace fs = std::filesystem;

std::string SharedDir() {
  const char* shared = std::getenv("ZORGBRUG_SHARED_DIR");
  return shared != nullptr ? shared : ZORGBRUG_SHARED_DIR;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<json::Document> ParseFile(const fs::path& path) {
  IssueCollector issues;
  json::ParseLimits limits;
  limits.max_bytes = 64u << 20;
  return json::Parse(ReadFile(path), limits, issues);
}

// Lines of a testdata file without comments (after '#') and blank lines, split on whitespace into
// their first two words.
std::set<std::pair<std::string, std::string>> ReadPairs(const std::string& name) {
  std::set<std::pair<std::string, std::string>> out;
  std::ifstream in(std::string(ZORGBRUG_FHIRPATH_TESTDATA) + "/" + name);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string a, b;
    if (words >> a >> b) out.emplace(a, b);
  }
  return out;
}

struct Invariant {
  std::string key;
  std::string path;  // element path, e.g. "Patient.contact"
  std::string expression;
  bool error = true;  // severity error; else a warning (best practice), which examples may break
};

// Every constraint with an expression in the snapshot (else differential) of `sd`.
std::vector<Invariant> InvariantsOf(const json::Value& sd) {
  std::vector<Invariant> out;
  const json::Value* section = sd.Find("snapshot");
  if (section == nullptr) section = sd.Find("differential");
  if (section == nullptr || section->Find("element") == nullptr) return out;
  for (const json::Value& element : section->Find("element")->items()) {
    const json::Value* constraints = element.Find("constraint");
    if (constraints == nullptr) continue;
    for (const json::Value& c : constraints->items()) {
      std::string_view expression = c.FindString("expression");
      if (expression.empty()) continue;
      out.push_back({std::string(c.FindString("key")), std::string(element.FindString("path")),
                     std::string(expression), c.FindString("severity") != "warning"});
    }
  }
  return out;
}

std::vector<fs::path> StructureDefinitionFiles() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(SharedDir() + "/fhir-r4-examples")) {
    std::string name = e.path().filename().string();
    if (name.rfind("StructureDefinition-", 0) == 0 && e.path().extension() == ".json") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FhirPathConformance, ChoiceElementTableCoversR4) {
  if (!fs::is_directory(SharedDir() + "/fhir-r4-examples")) {
    GTEST_SKIP() << "shared FHIR examples not found at " << SharedDir();
  }
  int checked = 0;
  for (const fs::path& file : StructureDefinitionFiles()) {
    auto doc = ParseFile(file);
    const json::Value* snapshot = doc ? doc->root().Find("snapshot") : nullptr;
    const json::Value* elements = snapshot ? snapshot->Find("element") : nullptr;
    if (elements == nullptr) continue;
    for (const json::Value& element : elements->items()) {
      std::string_view path = element.FindString("path");
      if (path.size() < 3 || path.substr(path.size() - 3) != "[x]") continue;
      std::string_view name = path.substr(path.rfind('.') + 1);
      name.remove_suffix(3);
      ++checked;
      EXPECT_TRUE(internal::IsChoiceElement(name)) << name << " in " << file.filename();
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(FhirPathConformance, EveryInvariantCompiles) {
  if (!fs::is_directory(SharedDir() + "/fhir-r4-examples")) {
    GTEST_SKIP() << "shared FHIR examples not found at " << SharedDir();
  }
  auto unsupported = ReadPairs("unsupported_expressions.txt");
  struct Tally {
    int total = 0, compiled = 0;
  };
  std::map<std::string, Tally> tallies;
  auto check = [&](const fs::path& file, const std::string& source) {
    auto doc = ParseFile(file);
    if (!doc || doc->root().FindString("resourceType") != "StructureDefinition") return;
    std::string url(doc->root().FindString("url"));
    for (const Invariant& inv : InvariantsOf(doc->root())) {
      Tally& t = tallies[source];
      ++t.total;
      auto compiled = Compile(inv.expression);
      if (compiled.ok()) {
        ++t.compiled;
      } else if (!unsupported.count({inv.key, url})) {
        ADD_FAILURE() << file.filename() << " " << inv.key << ": " << compiled.status().message()
                      << "\n  " << inv.expression;
      }
    }
  };
  for (const fs::path& file : StructureDefinitionFiles()) check(file, "R4 base");
  if (fs::is_directory(SharedDir() + "/fhir-be")) {
    for (const auto& e : fs::recursive_directory_iterator(SharedDir() + "/fhir-be")) {
      if (e.is_regular_file() && e.path().extension() == ".json") check(e.path(), "Belgian");
    }
  }
  for (const auto& [source, t] : tallies) {
    std::cout << "[ fhirpath ] " << source << ": " << t.compiled << " of " << t.total
              << " constraint expressions compile\n";
  }
  EXPECT_GT(tallies["R4 base"].total, 1000);
}

// The nodes an element path such as "Patient.contact.telecom" or "Observation.value[x]" names.
Collection NodesAt(const json::Value& resource, std::string_view path) {
  Collection current;
  current.push_back(ResourceItem(resource));
  size_t dot = path.find('.');
  while (dot != std::string_view::npos && !current.empty()) {
    path.remove_prefix(dot + 1);
    dot = path.find('.');
    std::string name(path.substr(0, dot));
    if (name.size() > 3 && name.compare(name.size() - 3, 3, "[x]") == 0)
      name.resize(name.size() - 3);
    Collection next;
    for (const Item& item : current) internal::Navigate(item, name, next);
    current = std::move(next);
  }
  return current;
}

struct Outcome {
  int evaluations = 0, passed = 0, failed = 0, errors = 0, known = 0, warnings = 0;
};

// Evaluates every invariant of `invariants` on `example`; records outcomes.
void CheckExample(const std::vector<std::pair<Invariant, Expression>>& invariants,
                  const json::Value& example, const std::string& file,
                  const std::set<std::pair<std::string, std::string>>& known, Outcome& outcome) {
  std::set<std::string> reported;
  for (const auto& [inv, expression] : invariants) {
    for (const Item& node : NodesAt(example, inv.path)) {
      Context context;
      context.focus = node;
      context.resource = example;
      context.now = Temporal::Parse("2024-01-01T00:00:00Z", TemporalKind::kDateTime);
      if (example.FindString("resourceType") == "Bundle") context.bundle = example;
      ++outcome.evaluations;
      auto result = Evaluate(expression, context);
      absl::StatusOr<std::optional<bool>> b =
          result.ok() ? ToBoolean(*result) : absl::StatusOr<std::optional<bool>>(result.status());
      bool ok = b.ok() && b->value_or(true);
      if (ok) {
        ++outcome.passed;
        continue;
      }
      if (!reported.insert(inv.key).second) continue;  // one report per invariant and file
      if (b.ok() && !inv.error) {
        ++outcome.warnings;
        continue;
      }
      if (known.count({inv.key, file})) {
        ++outcome.known;
        continue;
      }
      (b.ok() ? outcome.failed : outcome.errors)++;
      ADD_FAILURE() << file << " " << inv.key << " on " << inv.path << ": "
                    << (b.ok() ? "false" : std::string(b.status().message())) << "\n  "
                    << inv.expression;
    }
  }
}

TEST(FhirPathConformance, ResourceInvariantsHoldOnOfficialExamples) {
  const std::string dir = SharedDir() + "/fhir-r4-examples";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared FHIR examples not found at " << dir;
  auto start = std::chrono::steady_clock::now();
  auto known = ReadPairs("known_failures.txt");
  std::map<std::string, std::vector<fs::path>> examples_by_type;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    size_t dash = name.find('-');
    if (dash != std::string::npos && e.path().extension() == ".json") {
      examples_by_type[name.substr(0, dash)].push_back(e.path());
    }
  }
  Outcome outcome;
  int resources = 0;
  std::chrono::duration<double> evaluating{};
  for (const fs::path& file : StructureDefinitionFiles()) {
    auto sd = ParseFile(file);
    if (!sd || sd->root().FindString("kind") != "resource" ||
        sd->root().FindString("derivation") != "specialization") {
      continue;
    }
    std::string type(sd->root().FindString("type"));
    std::vector<std::pair<Invariant, Expression>> invariants;
    for (Invariant& inv : InvariantsOf(sd->root())) {
      auto compiled = Compile(inv.expression);
      if (compiled.ok()) invariants.emplace_back(std::move(inv), *std::move(compiled));
    }
    for (const fs::path& path : examples_by_type[type]) {
      auto example = ParseFile(path);
      if (!example || example->root().FindString("resourceType") != type) continue;
      ++resources;
      auto before = std::chrono::steady_clock::now();
      CheckExample(invariants, example->root(), path.filename().string(), known, outcome);
      evaluating += std::chrono::steady_clock::now() - before;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ fhirpath ] " << resources << " examples, " << outcome.evaluations
            << " invariant evaluations: " << outcome.passed << " passed, " << outcome.failed
            << " failed, " << outcome.errors << " errors, " << outcome.known
            << " known example defects; " << outcome.warnings
            << " examples break a warning-level invariant (" << seconds << " s, of which "
            << evaluating.count() << " s evaluating)\n";
  EXPECT_GT(resources, 1000);
}

}  // namespace
}  // namespace zorgbrug::fhir::fhirpath
