// The hand-written machinery under the generated views: number text, element lookup, Node
// builders, clearing and the read-only guard.

#include "fhir/r4/view.h"

#include <gtest/gtest.h>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/r4/resources.h"

namespace zorgbrug::fhir::r4 {
namespace {

json::Document ParseOrDie(std::string_view text) {
  IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits(), issues);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(*doc) : json::Document();
}

TEST(IsNumberTextTest, AcceptsJsonNumbers) {
  for (std::string_view text : {"0", "-0", "7", "-12", "1.50", "0.001", "1e-30", "2E+5", "-3.0e2",
                                "123456789012345678901234567890"}) {
    EXPECT_TRUE(IsNumberText(text, false)) << text;
  }
}

TEST(IsNumberTextTest, RejectsOtherText) {
  for (std::string_view text : {"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1,5", "NaN",
                                "Infinity", " 1", "1 ", "0x10", "1.2.3"}) {
    EXPECT_FALSE(IsNumberText(text, false)) << text;
  }
}

TEST(IsNumberTextTest, IntegersHaveNoFractionOrExponent) {
  EXPECT_TRUE(IsNumberText("42", true));
  EXPECT_TRUE(IsNumberText("-7", true));
  EXPECT_FALSE(IsNumberText("1.0", true));
  EXPECT_FALSE(IsNumberText("1e3", true));
  EXPECT_FALSE(IsNumberText("", true));
}

TEST(FindElementTest, FindsByJsonName) {
  const ElementInfo* element = FindElement(Patient::kElements, "birthDate");
  ASSERT_NE(element, nullptr);
  EXPECT_EQ(element->type, "date");
  EXPECT_EQ(element->shape, JsonShape::kString);
  EXPECT_EQ(FindElement(Patient::kElements, "birth_date"), nullptr);
  EXPECT_EQ(FindElement(Patient::kElements, "deceased[x]"), nullptr);
}

TEST(NodeTest, BuildsNestedObjects) {
  json::Document other = ParseOrDie(R"({"system":"http://loinc.org","code":"29463-7"})");
  json::Document doc;
  doc.root() = doc.MakeObject();
  Node root(doc.root(), doc);
  root.SetString("status", "final").SetBool("active", false).SetNumber("value", "1.50");
  root.Child("code").Add("coding").Set("x", other.root());
  root.Child("code").SetString("text", "weight");
  root.AddString("given", "Jan").AddString("given", "Piet");
  EXPECT_EQ(json::Write(doc.root()),
            R"({"status":"final","active":false,"value":1.50,)"
            R"("code":{"coding":[{"x":{"system":"http://loinc.org","code":"29463-7"}}],)"
            R"("text":"weight"},"given":["Jan","Piet"]})");
}

TEST(NodeTest, SetReplacesInPlaceAndIgnoresBadNumbers) {
  json::Document doc = ParseOrDie(R"({"a":1,"b":"x","c":true})");
  Node root(doc.root(), doc);
  root.SetString("a", "one").SetNumber("c", "1,5").SetNumber("d", "abc");
  EXPECT_EQ(json::Write(doc.root()), R"({"a":"one","b":"x","c":true})");
}

TEST(ViewTest, ClearRemovesElementAndItsPrimitiveExtension) {
  json::Document doc = ParseOrDie(
      R"({"resourceType":"Patient","birthDate":"1974-12-25","_birthDate":{"id":"b"},"gender":"male"})");
  std::optional<Patient> patient = Patient::From(doc.root(), doc);
  ASSERT_TRUE(patient.has_value());
  EXPECT_TRUE(patient->Clear("birthDate"));
  EXPECT_FALSE(patient->Clear("birthDate"));
  EXPECT_EQ(json::Write(doc.root()), R"({"resourceType":"Patient","gender":"male"})");
}

TEST(ViewTest, AsNodeWritesUnmodelledMembers) {
  json::Document doc;
  Patient patient = Patient::Create(doc);
  patient.AsNode().Child("_gender").Add("extension").SetString("url", "http://example.org/x");
  patient.set_gender("other");
  EXPECT_EQ(json::Write(doc.root()),
            R"({"resourceType":"Patient","_gender":{"extension":[{"url":"http://example.org/x"}]},)"
            R"("gender":"other"})");
}

TEST(ViewDeathTest, SetterOnReadOnlyViewAborts) {
  json::Document doc = ParseOrDie(R"({"resourceType":"Patient"})");
  std::optional<Patient> patient = Patient::From(static_cast<const json::Value&>(doc.root()));
  ASSERT_TRUE(patient.has_value());
  EXPECT_FALSE(patient->is_mutable());
  EXPECT_DEATH(patient->set_gender("male"), "read-only");
  EXPECT_DEATH(patient->add_name(), "read-only");
}

}  // namespace
}  // namespace zorgbrug::fhir::r4
