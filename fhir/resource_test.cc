#include "fhir/resource.h"

#include <gtest/gtest.h>

namespace zorgbrug::fhir {
namespace {

Issue FailureOf(std::string_view text) {
  IssueCollector issues;
  EXPECT_FALSE(ParseResource(text, json::ParseLimits(), issues).has_value()) << text;
  return issues.issues().empty() ? Issue() : issues.issues()[0];
}

TEST(ResourceTest, ParsesAResource) {
  IssueCollector issues;
  std::optional<json::Document> doc =
      ParseResource(R"({"resourceType":"Patient","id":"p1"})", json::ParseLimits(), issues);
  ASSERT_TRUE(doc);
  EXPECT_EQ(ResourceType(doc->root()), "Patient");
}

TEST(ResourceTest, RefusesNonObjectRoots) {
  EXPECT_NE(FailureOf("[1]").diagnostics.find("JSON object"), std::string::npos);
  EXPECT_NE(FailureOf("\"Patient\"").diagnostics.find("JSON object"), std::string::npos);
}

TEST(ResourceTest, RefusesMissingOrWrongResourceType) {
  EXPECT_NE(FailureOf(R"({"id":"x"})").diagnostics.find("no resourceType"), std::string::npos);
  Issue issue = FailureOf(R"({"resourceType":7})");
  EXPECT_EQ(issue.expression, "resourceType");
  issue = FailureOf(R"({"resourceType":"Patiënt"})");
  EXPECT_EQ(issue.type, IssueType::kValue);
  EXPECT_NE(issue.diagnostics.find("not a FHIR R4 resource type"), std::string::npos);
  FailureOf(R"({"resourceType":"DomainResource"})");
}

}  // namespace
}  // namespace zorgbrug::fhir
