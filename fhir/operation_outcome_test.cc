#include "fhir/operation_outcome.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fhir/json/parser.h"
#include "fhir/json/writer.h"

namespace zorgbrug::fhir {
namespace {

std::optional<json::Document> ParseOrFail(std::string_view text) {
  IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits(), issues);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc;
}

void ExpectSameIssues(const std::vector<Issue>& actual, const std::vector<Issue>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].severity, expected[i].severity) << i;
    EXPECT_EQ(actual[i].type, expected[i].type) << i;
    EXPECT_EQ(actual[i].expression, expected[i].expression) << i;
    EXPECT_EQ(actual[i].diagnostics, expected[i].diagnostics) << i;
  }
}

const std::vector<Issue> kTwoIssues = {
    {Severity::kError, IssueType::kValue, "Patient.identifier[0].value",
     "the SSIN check digits do not match"},
    {Severity::kWarning, IssueType::kTooCostly, "", "nesting \"depth\" exceeds max_depth = 100"},
};

TEST(OperationOutcomeTest, BuildsIssuesInOrder) {
  const json::Document doc = MakeOperationOutcome(kTwoIssues);
  EXPECT_EQ(
      json::Write(doc.root()),
      R"({"resourceType":"OperationOutcome","issue":[)"
      R"({"severity":"error","code":"value","diagnostics":"the SSIN check digits do not match",)"
      R"("expression":["Patient.identifier[0].value"]},)"
      R"({"severity":"warning","code":"too-costly",)"
      R"("diagnostics":"nesting \"depth\" exceeds max_depth = 100"}]})");
}

TEST(OperationOutcomeTest, OmitsEmptyDiagnosticsAndExpression) {
  const std::vector<Issue> issues = {{Severity::kFatal, IssueType::kException, "", ""}};
  const json::Document doc = MakeOperationOutcome(issues);
  EXPECT_EQ(
      json::Write(doc.root()),
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]})");
}

TEST(OperationOutcomeTest, EmptyIssuesGiveOneInformationalIssue) {
  const json::Document doc = MakeOperationOutcome({});
  std::optional<json::Document> expected = ParseOrFail(R"({
      "resourceType": "OperationOutcome",
      "issue": [{"severity": "information", "code": "informational",
                 "diagnostics": "No issues were found."}]})");
  ASSERT_TRUE(expected);
  EXPECT_TRUE(json::Equal(doc.root(), expected->root())) << json::Write(doc.root());
  const std::vector<Issue> back = IssuesFromOperationOutcome(doc.root());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].severity, Severity::kInformation);
  EXPECT_EQ(back[0].type, IssueType::kInformational);
}

TEST(OperationOutcomeTest, BuildsIntoAnExistingDocument) {
  json::Document doc;
  doc.root() = doc.MakeObject();
  json::Value outcome = BuildOperationOutcome(doc, kTwoIssues);
  EXPECT_EQ(doc.root().size(), 0u);  // not attached
  doc.Set(doc.root(), "outcome", outcome);
  ExpectSameIssues(IssuesFromOperationOutcome(*doc.root().Find("outcome")), kTwoIssues);
}

TEST(OperationOutcomeTest, RoundTripsThroughText) {
  std::vector<Issue> all;
  for (Severity severity :
       {Severity::kFatal, Severity::kError, Severity::kWarning, Severity::kInformation}) {
    for (IssueType type : {IssueType::kInvalid, IssueType::kStructure, IssueType::kRequired,
                           IssueType::kValue, IssueType::kInvariant, IssueType::kCodeInvalid,
                           IssueType::kDuplicate, IssueType::kNotSupported, IssueType::kTooLong,
                           IssueType::kTooCostly, IssueType::kBusinessRule, IssueType::kForbidden,
                           IssueType::kConflict, IssueType::kTransient, IssueType::kTimeout,
                           IssueType::kException, IssueType::kInformational}) {
      all.push_back({severity, type, "Bundle.entry[" + std::to_string(all.size()) + "].resource",
                     "issue " + std::to_string(all.size()) + " é \n"});
    }
  }
  const std::string text = json::Write(MakeOperationOutcome(all).root());
  std::optional<json::Document> parsed = ParseOrFail(text);
  ASSERT_TRUE(parsed);
  ExpectSameIssues(IssuesFromOperationOutcome(parsed->root()), all);
}

TEST(OperationOutcomeTest, ReadsForeignOutcomesLeniently) {
  std::optional<json::Document> doc = ParseOrFail(R"({
      "resourceType": "OperationOutcome",
      "issue": [
        {"severity": "bogus", "code": "processing", "expression": ["A.b", "A.c"]},
        {"severity": "warning", "code": "value", "expression": [7]},
        "not an object"
      ]})");
  ASSERT_TRUE(doc);
  ExpectSameIssues(IssuesFromOperationOutcome(doc->root()),
                   {{Severity::kError, IssueType::kInvalid, "A.b", ""},
                    {Severity::kWarning, IssueType::kValue, "", ""}});
}

TEST(OperationOutcomeTest, NonOutcomesGiveNoIssues) {
  std::optional<json::Document> patient =
      ParseOrFail(R"({"resourceType":"Patient","issue":[{"severity":"error","code":"value"}]})");
  ASSERT_TRUE(patient);
  EXPECT_TRUE(IssuesFromOperationOutcome(patient->root()).empty());
  EXPECT_TRUE(IssuesFromOperationOutcome(json::Value()).empty());
}

}  // namespace
}  // namespace zorgbrug::fhir
