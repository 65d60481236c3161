// Conformance of the validator on the official R4 examples: every instance in
// ../shared/fhir-r4-examples (not the specification's definitions) is validated against the base
// specification and the profiles it claims. Every error must be a real defect of that example,
// listed with its reason in testdata/known_defects.txt; the list must not hold stale entries.
// Prints the pass/fail counts. Skipped, with a message, when ../shared is absent.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "fhir/json/parser.h"
#include "fhir/validation/corpus.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::fhir::validation {
namespace {

namespace fs = std::filesystem;

// One line of known_defects.txt: "<file> <expression> | <text in the diagnostic> # reason".
struct KnownDefect {
  std::string file;
  std::string expression;
  std::string text;
  bool seen = false;
};

std::vector<KnownDefect> ReadKnownDefects() {
  std::vector<KnownDefect> out;
  std::ifstream in(std::string(ZORGBRUG_VALIDATION_TESTDATA) + "/known_defects.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t bar = line.find(" | ");
    size_t hash = line.find(" # ", bar == std::string::npos ? 0 : bar);
    if (bar == std::string::npos || hash == std::string::npos) {
      ADD_FAILURE() << "malformed line in known_defects.txt: " << line;
      continue;
    }
    std::string head = line.substr(0, bar);
    size_t space = head.find(' ');
    out.push_back(KnownDefect{head.substr(0, space),
                              space == std::string::npos ? "" : head.substr(space + 1),
                              line.substr(bar + 3, hash - bar - 3)});
  }
  return out;
}

bool IsKnown(std::vector<KnownDefect>& known, const std::string& file, const Issue& issue) {
  for (KnownDefect& k : known) {
    bool prefix = !k.expression.empty() && k.expression.back() == '*';
    bool at = prefix ? issue.expression.starts_with(
                           std::string_view(k.expression).substr(0, k.expression.size() - 1))
                     : k.expression == issue.expression;
    if (k.file == file && at && issue.diagnostics.find(k.text) != std::string::npos) {
      k.seen = true;
      return true;
    }
  }
  return false;
}

TEST(ValidatorConformance, OfficialExamplesValidate) {
  const fs::path dir = fs::path(ZORGBRUG_SHARED_DIR) / "fhir-r4-examples";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared FHIR examples not found at " << dir;
  std::vector<KnownDefect> known = ReadKnownDefects();
  ValidationOptions options;
  options.now =
      fhirpath::Temporal::Parse("2026-11-23T12:00:00Z", fhirpath::TemporalKind::kDateTime);
  std::vector<CorpusFile> corpus = LoadCorpus(dir);
  size_t passed = 0, failed = 0, known_only = 0, warnings = 0, errors = 0, unexpected = 0;
  std::map<std::string, size_t> by_diagnostic;
  std::map<std::string, size_t> others;  // warnings and information, by diagnostic
  std::chrono::duration<double> elapsed{};
  for (const CorpusFile& file : corpus) {
    IssueCollector sink;
    auto start = std::chrono::steady_clock::now();
    Validate(file.document.root(), options, sink);
    elapsed += std::chrono::steady_clock::now() - start;
    bool has_error = false, all_known = true;
    for (const Issue& issue : sink.issues()) {
      if (issue.severity == Severity::kWarning || issue.severity == Severity::kInformation) {
        warnings += issue.severity == Severity::kWarning ? 1 : 0;
        ++others[std::string(SeverityCode(issue.severity)) + " " + issue.diagnostics.substr(0, 70)];
      }
      if (issue.severity != Severity::kError && issue.severity != Severity::kFatal) continue;
      ++errors;
      has_error = true;
      if (IsKnown(known, file.name, issue)) continue;
      all_known = false;
      ++unexpected;
      ++by_diagnostic[issue.diagnostics.substr(0, 90)];
      ADD_FAILURE() << file.name << " " << issue.expression << ": " << issue.diagnostics;
    }
    if (!has_error) {
      ++passed;
    } else if (all_known) {
      ++known_only;
    } else {
      ++failed;
    }
  }
  for (const KnownDefect& k : known) {
    EXPECT_TRUE(k.seen) << "stale entry in known_defects.txt: " << k.file << " " << k.expression
                        << " | " << k.text;
  }
  std::cout << "[ validate ] " << corpus.size() << " official examples: " << passed << " valid, "
            << known_only << " invalid with listed defects only, " << failed
            << " with unexpected errors; " << errors << " errors (" << unexpected
            << " unexpected), " << warnings << " warnings; " << elapsed.count() << " s validating ("
            << static_cast<double>(corpus.size()) / elapsed.count() << " resources/s)\n";
  for (const auto& [text, n] : by_diagnostic) std::cout << "  " << n << "x " << text << "\n";
  std::vector<std::pair<size_t, std::string>> common;
  for (const auto& [text, n] : others) common.emplace_back(n, text);
  std::sort(common.rbegin(), common.rend());
  if (common.size() > 12) common.resize(12);
  std::cout << "  most common warnings and information:\n";
  for (const auto& [n, text] : common) std::cout << "  " << n << "x " << text << "\n";
  EXPECT_GT(corpus.size(), 700u);
}

}  // namespace
}  // namespace zorgbrug::fhir::validation
