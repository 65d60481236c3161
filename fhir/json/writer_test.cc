#include "fhir/json/writer.h"

#include <gtest/gtest.h>

#include "fhir/json/parser.h"

namespace zorgbrug::fhir::json {
namespace {

TEST(WriterTest, PrettyPrintsWithTwoSpaces) {
  IssueCollector issues;
  std::optional<Document> doc = Parse(R"({"a":[1.0,"x"],"b":{}})", ParseLimits(), issues);
  ASSERT_TRUE(doc);
  EXPECT_EQ(Write(doc->root(), WriteOptions{.pretty = true}),
            "{\n  \"a\": [\n    1.0,\n    \"x\"\n  ],\n  \"b\": {}\n}");
}

TEST(WriterTest, EscapesControlCharactersAndKeepsUtf8) {
  Document doc;
  doc.root() = doc.MakeString(std::string_view("a\nb\x01\"\\é", 8));
  EXPECT_EQ(Write(doc.root()), "\"a\\nb\\u0001\\\"\\\\é\"");
}

TEST(WriterTest, WriteToAppends) {
  Document doc;
  doc.root() = doc.MakeArray();
  std::string out = "prefix:";
  WriteTo(doc.root(), WriteOptions(), out);
  EXPECT_EQ(out, "prefix:[]");
}

}  // namespace
}  // namespace zorgbrug::fhir::json
