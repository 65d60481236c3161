#include "fhir/json/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "fhir/json/writer.h"

namespace zorgbrug::fhir::json {
namespace {

// Parses `text`; on failure returns the single reported issue.
struct Outcome {
  std::optional<Document> doc;
  Issue issue;
};

Outcome ParseText(std::string_view text, const ParseLimits& limits = ParseLimits()) {
  IssueCollector issues;
  Outcome outcome{Parse(text, limits, issues), Issue()};
  if (!outcome.doc) {
    EXPECT_EQ(issues.issues().size(), 1u);
    if (!issues.issues().empty()) outcome.issue = issues.issues()[0];
  } else {
    EXPECT_TRUE(issues.issues().empty());
  }
  return outcome;
}

std::string RoundTrip(std::string_view text) {
  Outcome outcome = ParseText(text);
  return outcome.doc ? Write(outcome.doc->root()) : "<failed: " + outcome.issue.diagnostics + ">";
}

TEST(ParserTest, DecimalsKeepTheirExactText) {
  constexpr std::string_view kText =
      R"({"a":1.50,"b":0.010,"c":1e-30,"d":-0.0,"e":123456789012345678901234567890.123,)"
      R"("f":1E+2,"g":0,"h":-7})";
  EXPECT_EQ(RoundTrip(kText), kText);
}

TEST(ParserTest, PrimitiveExtensionsAndNullsInArraysSurvive) {
  constexpr std::string_view kText =
      R"({"resourceType":"Patient","birthDate":"1970-03-30","_birthDate":{"extension":[)"
      R"({"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime",)"
      R"("valueDateTime":"1970-03-30T14:35:45-05:00"}]},"name":[{"given":["Jan",null,"Piet"],)"
      R"("_given":[null,{"id":"g2","extension":[{"url":"u","valueString":"x"}]},null]}]})";
  EXPECT_EQ(RoundTrip(kText), kText);
}

TEST(ParserTest, UnicodeAndEscapesRoundTrip) {
  EXPECT_EQ(RoundTrip(R"(["Zoë","Œuvre","\u20ac","tab\there","quote\"","😀"])"),
            R"(["Zoë","Œuvre","€","tab\there","quote\"","😀"])");
}

TEST(ParserTest, ReportsSyntaxErrorsWithLocation) {
  Outcome outcome =
      ParseText("{\"resourceType\":\"Patient\",\n\"name\":[{\"given\":[\"a\" \"b\"]}]}");
  ASSERT_FALSE(outcome.doc);
  EXPECT_EQ(outcome.issue.type, IssueType::kStructure);
  EXPECT_EQ(outcome.issue.expression, "Patient.name[0].given[1]");
  EXPECT_NE(outcome.issue.diagnostics.find("line 2"), std::string::npos)
      << outcome.issue.diagnostics;
}

TEST(ParserTest, TruncationBetweenMembersLocatesTheObject) {
  Outcome outcome = ParseText(R"({"resourceType":"Patient","name":[{"family":"Peeters",)");
  ASSERT_FALSE(outcome.doc);
  EXPECT_EQ(outcome.issue.expression, "Patient.name[0]");
  outcome = ParseText(R"({"resourceType":"Patient",)");
  EXPECT_EQ(outcome.issue.expression, "Patient");
}

TEST(ParserTest, RefusesDuplicateKeysNamingTheKey) {
  Outcome outcome = ParseText(R"({"resourceType":"Patient","gender":"female","gender":"male"})");
  ASSERT_FALSE(outcome.doc);
  EXPECT_EQ(outcome.issue.type, IssueType::kDuplicate);
  EXPECT_EQ(outcome.issue.expression, "Patient.gender");
  EXPECT_NE(outcome.issue.diagnostics.find("\"gender\""), std::string::npos);
}

TEST(ParserTest, RefusesDuplicateKeysInLargeObjects) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) text += "\"k" + std::to_string(i) + "\":1,";
  text += "\"k42\":2}";
  Outcome outcome = ParseText(text);
  ASSERT_FALSE(outcome.doc);
  EXPECT_EQ(outcome.issue.type, IssueType::kDuplicate);
}

TEST(ParserTest, DepthLimitIsNamed) {
  ParseLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(ParseText(R"({"a":[{"b":1}]})", limits).doc);
  Outcome outcome = ParseText(R"({"a":[{"b":[1]}]})", limits);
  ASSERT_FALSE(outcome.doc);
  EXPECT_EQ(outcome.issue.type, IssueType::kTooCostly);
  EXPECT_NE(outcome.issue.diagnostics.find("max_depth = 3"), std::string::npos);
  EXPECT_EQ(outcome.issue.expression, "a[0].b");
}

TEST(ParserTest, SizeLimitsAreNamed) {
  ParseLimits limits;
  limits.max_bytes = 10;
  EXPECT_NE(ParseText(R"({"a":"0123456789"})", limits).issue.diagnostics.find("max_bytes = 10"),
            std::string::npos);
  limits = ParseLimits();
  limits.max_string_bytes = 12;  // "resourceType" fits exactly
  Outcome outcome = ParseText(R"({"resourceType":"Basic","id":"abcdefghijklm"})", limits);
  EXPECT_EQ(outcome.issue.type, IssueType::kTooLong);
  EXPECT_EQ(outcome.issue.expression, "Basic.id");
  EXPECT_NE(outcome.issue.diagnostics.find("max_string_bytes = 12"), std::string::npos);
  limits = ParseLimits();
  limits.max_object_members = 2;
  EXPECT_NE(
      ParseText(R"({"a":1,"b":2,"c":3})", limits).issue.diagnostics.find("max_object_members"),
      std::string::npos);
  limits = ParseLimits();
  limits.max_array_items = 2;
  EXPECT_NE(ParseText(R"([1,2,3])", limits).issue.diagnostics.find("max_array_items"),
            std::string::npos);
}

TEST(ParserTest, RefusesInvalidUtf8) {
  Outcome outcome = ParseText("{\"a\":\"\xC3\x28\"}");
  ASSERT_FALSE(outcome.doc);
  EXPECT_EQ(outcome.issue.type, IssueType::kStructure);
  EXPECT_EQ(outcome.issue.expression, "a");
}

TEST(ParserTest, RefusesTrailingContentAndEmbeddedNul) {
  EXPECT_FALSE(ParseText(R"({"a":1} {"b":2})").doc);
  EXPECT_FALSE(ParseText(std::string_view("{\"a\":1}\0{}", 10)).doc);
  EXPECT_TRUE(ParseText("  {\"a\":1}  \n").doc);
}

TEST(ParserTest, RefusesNonJsonNumbersAndEmptyInput) {
  for (std::string_view text : {"[NaN]", "[Infinity]", "[01]", "[1.]", "[.5]", "[+1]", "", "  "}) {
    EXPECT_FALSE(ParseText(text).doc) << text;
  }
}

TEST(ParserTest, ScalarRootsParse) {
  EXPECT_EQ(RoundTrip("\"x\""), "\"x\"");
  EXPECT_EQ(RoundTrip("3.10"), "3.10");
  EXPECT_EQ(RoundTrip("null"), "null");
}

}  // namespace
}  // namespace zorgbrug::fhir::json
