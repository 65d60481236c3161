// Hostile and malformed JSON: every input is answered by a document or by exactly one clear issue —
// never a crash, a hang or unbounded memory. Built and run under AddressSanitizer and
// UndefinedBehaviorSanitizer by the README's test command (label "sanitize").

#include <gtest/gtest.h>
#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"

namespace zorgbrug::fhir {
namespace {

// A realistic resource used as the seed for mutations when ../shared is absent.
constexpr std::string_view kSeed = R"({"resourceType":"Observation","id":"bib-1",
"meta":{"profile":["https://www.ehealth.fgov.be/standards/fhir/core-clinical/StructureDefinition/be-observation"]},
"identifier":[{"system":"urn:oid:1.2.3","value":"x-1"}],"status":"final",
"code":{"coding":[{"system":"http://loinc.org","code":"71354-5","display":"EPDS"}]},
"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-01T10:00:00+01:00",
"performer":[{"reference":"Practitioner/pr1"}],"valueQuantity":{"value":12.50,"unit":"{score}"},
"_status":{"extension":[{"url":"http://example.org/x","valueDecimal":0.010}]},
"component":[{"code":{"text":"q1"},"valueInteger":3},{"code":{"text":"q2"},"valueBoolean":null}]})";

struct Answer {
  bool parsed = false;
  size_t issue_count = 0;
  Issue issue;
};

Answer Feed(std::string_view text, const json::ParseLimits& limits = json::ParseLimits()) {
  IssueCollector issues;
  Answer answer;
  std::optional<json::Document> doc = json::Parse(text, limits, issues);
  answer.parsed = doc.has_value();
  answer.issue_count = issues.issues().size();
  if (!issues.issues().empty()) answer.issue = issues.issues()[0];
  if (doc) {
    // Whatever parses must print and parse back to the same content.
    std::string printed = json::Write(doc->root());
    IssueCollector again;
    std::optional<json::Document> reparsed = json::Parse(printed, limits, again);
    EXPECT_TRUE(reparsed && json::Equal(doc->root(), reparsed->root())) << printed.substr(0, 200);
  }
  return answer;
}

void ExpectRefused(std::string_view text, IssueType type, std::string_view limit_name) {
  Answer answer = Feed(text);
  EXPECT_FALSE(answer.parsed);
  ASSERT_EQ(answer.issue_count, 1u);
  EXPECT_EQ(answer.issue.type, type) << answer.issue.diagnostics;
  EXPECT_NE(answer.issue.diagnostics.find(limit_name), std::string::npos)
      << answer.issue.diagnostics;
}

TEST(HostileInputTest, DepthOfOneMillionArrays) {
  ExpectRefused(std::string(1'000'000, '['), IssueType::kTooCostly, "max_depth = 100");
}

TEST(HostileInputTest, DepthOfOneMillionObjects) {
  std::string text;
  for (int i = 0; i < 1'000'000; ++i) text += "{\"a\":";
  ExpectRefused(text, IssueType::kTooCostly, "max_depth");
}

void* ParseDeepOnSmallStack(void*) {
  json::ParseLimits limits;
  limits.max_depth = 100;
  std::string text = std::string(100, '[') + std::string(100, ']');
  Answer answer = Feed(text, limits);
  return reinterpret_cast<void*>(answer.parsed ? 1 : 0);
}

TEST(HostileInputTest, MaximumDepthIsSafeOnASmallThreadStack) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, &ParseDeepOnSmallStack, nullptr), 0);
  void* result = nullptr;
  pthread_join(thread, &result);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(result, reinterpret_cast<void*>(1));
}

TEST(HostileInputTest, OneMillionKeys) {
  std::string text = "{";
  for (int i = 0; i < 1'000'000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  text += "}";
  ExpectRefused(text, IssueType::kTooCostly, "max_object_members = 10000");
}

TEST(HostileInputTest, OneMillionArrayItemsWithinTheLimitParse) {
  std::string text = "[0";
  for (int i = 1; i < 1'000'000; ++i) text += ",0";
  text += "]";
  EXPECT_TRUE(Feed(text).parsed);
  text.back() = ',';
  text += "0]";
  ExpectRefused(text, IssueType::kTooCostly, "max_array_items");
}

TEST(HostileInputTest, FiveMegabyteString) {
  std::string text = "{\"resourceType\":\"Binary\",\"data\":\"" + std::string(5 << 20, 'A') + "\"}";
  Answer answer = Feed(text);
  ASSERT_FALSE(answer.parsed);
  EXPECT_EQ(answer.issue.type, IssueType::kTooLong);
  EXPECT_EQ(answer.issue.expression, "Binary.data");
  EXPECT_NE(answer.issue.diagnostics.find("max_string_bytes"), std::string::npos);
}

TEST(HostileInputTest, OversizedInput) {
  ExpectRefused(std::string(17 << 20, ' '), IssueType::kTooLong, "max_bytes = 16777216");
}

std::string Seed() {
  std::ifstream in(std::filesystem::path(ZORGBRUG_SHARED_DIR) / "bench/message-bundle-15k.json",
                   std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str().empty() ? std::string(kSeed) : buffer.str();
}

TEST(HostileInputTest, EveryTruncationIsRefusedWithOneIssue) {
  const std::string seed = Seed();
  size_t step = std::max<size_t>(1, seed.size() / 3000);
  for (size_t length = 0; length < seed.size() - 1; length += step) {
    Answer answer = Feed(std::string_view(seed).substr(0, length));
    // A prefix of an object is never a complete document.
    EXPECT_FALSE(answer.parsed) << length;
    EXPECT_EQ(answer.issue_count, 1u) << length;
  }
}

TEST(HostileInputTest, BitFlipsNeverCrash) {
  const std::string seed = Seed();
  std::mt19937 random(20261123);
  std::uniform_int_distribution<size_t> position(0, seed.size() - 1);
  std::uniform_int_distribution<int> bit(0, 7);
  size_t parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = seed;
    for (int flips = 1 + round % 3; flips > 0; --flips) {
      mutated[position(random)] ^= static_cast<char>(1 << bit(random));
    }
    Answer answer = Feed(mutated);
    EXPECT_EQ(answer.issue_count, answer.parsed ? 0u : 1u);
    parsed += answer.parsed;
  }
  // Flips inside string values keep valid JSON; flips of structure do not. Both must occur.
  EXPECT_GT(parsed, 0u);
  EXPECT_LT(parsed, 3000u);
}

TEST(HostileInputTest, RandomBytesNeverCrash) {
  std::mt19937 random(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> length(0, 512);
  for (int round = 0; round < 2000; ++round) {
    std::string text(length(random), '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    if (round % 2 == 0 && !text.empty()) text[0] = '{';
    Answer answer = Feed(text);
    EXPECT_EQ(answer.issue_count, answer.parsed ? 0u : 1u);
  }
}

TEST(HostileInputTest, StructuralCornerCases) {
  for (std::string_view text : {"{",
                                "}",
                                "[",
                                "]",
                                "{]",
                                "[}",
                                "{\"a\"}",
                                "{\"a\":}",
                                "{,}",
                                "[,]",
                                "[1,]",
                                "{\"a\":1,}",
                                "\"\\u\"",
                                "\"\\uD800\"",
                                "\"\\uDC00\\uD800\"",
                                "\"\\x\"",
                                "tru",
                                "nul",
                                "-",
                                "1e",
                                "0x10",
                                "\xEF\xBB\xBF{}",
                                "\xC0\x80",
                                "\"\xED\xA0\x80\"",
                                "\"\xF4\x90\x80\x80\"",
                                "\"\x01\""}) {
    Answer answer = Feed(text);
    EXPECT_FALSE(answer.parsed) << text;
    EXPECT_EQ(answer.issue_count, 1u) << text;
  }
}

TEST(HostileInputTest, NotAResource) {
  IssueCollector issues;
  EXPECT_FALSE(ParseResource("[{\"resourceType\":\"Patient\"}]", json::ParseLimits(), issues));
  EXPECT_FALSE(ParseResource("{\"resourceType\":\"\"}", json::ParseLimits(), issues));
  EXPECT_FALSE(ParseResource("{\"resourceType\":null}", json::ParseLimits(), issues));
  EXPECT_EQ(issues.issues().size(), 3u);
}

}  // namespace
}  // namespace zorgbrug::fhir
