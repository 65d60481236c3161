// Round-trip corpus: every JSON file of the official FHIR R4 examples (and the Belgian IG files)
// parses, prints and re-parses to the same content, with every number's text byte-exact. Prints the
// pass count and fails below 100%. Skips, saying so, when ../shared is absent.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"

namespace zorgbrug::fhir {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The number tokens of JSON `text` in document order, found by a lexer independent of the parser.
std::vector<std::string_view> NumberTokens(std::string_view text) {
  std::vector<std::string_view> numbers;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = i;
      while (i < text.size() &&
             std::string_view("+-.eE0123456789").find(text[i]) != std::string_view::npos) {
        ++i;
      }
      numbers.push_back(text.substr(start, i - start));
    } else {
      ++i;
    }
  }
  return numbers;
}

void CollectNumbers(const json::Value& value, std::vector<std::string_view>& out) {
  if (value.IsNumber()) out.push_back(value.text());
  for (const json::Value& item : value.items()) CollectNumbers(item, out);
  for (const json::Member& member : value.members()) CollectNumbers(member.value, out);
}

// Returns an empty string when `text` round-trips losslessly, else what went wrong.
std::string CheckRoundTrip(std::string_view text) {
  IssueCollector issues;
  std::optional<json::Document> first = ParseResource(text, json::ParseLimits(), issues);
  if (!first) return "parse: " + issues.issues()[0].diagnostics;
  std::string printed = json::Write(first->root());
  std::optional<json::Document> second = ParseResource(printed, json::ParseLimits(), issues);
  if (!second) return "re-parse: " + issues.issues()[0].diagnostics;
  if (!json::Equal(first->root(), second->root())) return "content differs after re-parse";
  if (json::Write(second->root()) != printed) return "second print differs from the first";
  std::vector<std::string_view> numbers;
  CollectNumbers(second->root(), numbers);
  if (numbers != NumberTokens(text)) return "number text changed";
  return "";
}

void RunCorpus(const fs::path& folder, bool recursive) {
  if (!fs::is_directory(folder)) GTEST_SKIP() << "skipped: " << folder << " is absent";
  size_t passed = 0;
  size_t total = 0;
  std::vector<std::string> failures;
  auto visit = [&](const fs::directory_entry& entry) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") return;
    std::string text = ReadFile(entry.path());
    if (text.find("\"resourceType\"") == std::string::npos) return;  // package.json and the like
    ++total;
    std::string failure = CheckRoundTrip(text);
    if (failure.empty()) {
      ++passed;
    } else if (failures.size() < 20) {
      failures.push_back(entry.path().filename().string() + ": " + failure);
    }
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) visit(entry);
  } else {
    for (const auto& entry : fs::directory_iterator(folder)) visit(entry);
  }
  std::cout << "[ corpus   ] " << folder.filename().string() << ": " << passed << " of " << total
            << " files round-trip losslessly\n";
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  EXPECT_GT(total, 0u);
  EXPECT_EQ(passed, total);
}

TEST(CorpusRoundTripTest, NumberLexerFindsNumbersOutsideStrings) {
  EXPECT_EQ(NumberTokens(R"({"a":"1.5 \" 2","b":[1.50,-0.0,1e-30]})"),
            (std::vector<std::string_view>{"1.50", "-0.0", "1e-30"}));
}

TEST(CorpusRoundTripTest, OfficialR4Examples) {
  RunCorpus(fs::path(ZORGBRUG_SHARED_DIR) / "fhir-r4-examples", false);
}

TEST(CorpusRoundTripTest, BelgianImplementationGuides) {
  RunCorpus(fs::path(ZORGBRUG_SHARED_DIR) / "fhir-be", true);
}

}  // namespace
}  // namespace zorgbrug::fhir
