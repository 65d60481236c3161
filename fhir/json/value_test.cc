#include "fhir/json/value.h"

#include <gtest/gtest.h>

#include "fhir/json/parser.h"
#include "fhir/json/writer.h"

namespace zorgbrug::fhir::json {
namespace {

Document MustParse(std::string_view text) {
  IssueCollector issues;
  std::optional<Document> doc = Parse(text, ParseLimits(), issues);
  EXPECT_TRUE(doc.has_value()) << (issues.issues().empty() ? "" : issues.issues()[0].diagnostics);
  return doc ? std::move(*doc) : Document();
}

TEST(ValueTest, BuildsObjectsInOrderAndReplacesExistingMembers) {
  Document doc;
  Value& root = doc.root() = doc.MakeObject();
  doc.Set(root, "resourceType", doc.MakeString("Observation"));
  doc.Set(root, "status", doc.MakeString("preliminary"));
  doc.Set(root, "status", doc.MakeString("final"));
  Value component = doc.MakeArray();
  doc.Append(component, doc.MakeNumber("1.50"));
  doc.Append(component, Document::MakeBool(true));
  doc.Append(component, Document::MakeNull());
  doc.Append(component, doc.MakeInteger(-42));
  doc.Set(root, "x", component);
  EXPECT_EQ(Write(root),
            R"({"resourceType":"Observation","status":"final","x":[1.50,true,null,-42]})");
}

TEST(ValueTest, AppendGrowsBeyondInitialCapacity) {
  Document doc;
  Value array = doc.MakeArray();
  for (int i = 0; i < 1000; ++i) doc.Append(array, doc.MakeInteger(i));
  ASSERT_EQ(array.size(), 1000u);
  EXPECT_EQ(array.items()[999].text(), "999");
  EXPECT_EQ(array.items()[0].text(), "0");
}

TEST(ValueTest, AppendToParsedArrayKeepsExistingItems) {
  Document doc = MustParse(R"({"given":["An","Marie"]})");
  Value* given = doc.root().Find("given");
  ASSERT_NE(given, nullptr);
  doc.Append(*given, doc.MakeString("Louise"));
  EXPECT_EQ(Write(doc.root()), R"({"given":["An","Marie","Louise"]})");
}

TEST(ValueTest, ChildHandlesSurviveTheirParentGrowing) {
  Document doc;
  Value& root = doc.root() = doc.MakeObject();
  Value* name = &doc.Set(root, "name", doc.MakeObject());
  Value* given = &doc.Set(*name, "given", doc.MakeArray());
  // Enough members to move the root's and the name's member storage several times.
  for (int i = 0; i < 40; ++i) doc.Set(root, "m" + std::to_string(i), doc.MakeInteger(i));
  for (int i = 0; i < 40; ++i) doc.Set(*name, "n" + std::to_string(i), doc.MakeInteger(i));
  doc.Set(*name, "family", doc.MakeString("Peeters"));
  doc.Append(*given, doc.MakeString("Jan"));
  EXPECT_EQ(root.Find("name")->FindString("family"), "Peeters");
  ASSERT_EQ(root.Find("name")->Find("given")->size(), 1u);
  EXPECT_EQ(root.Find("name")->Find("given")->items()[0].text(), "Jan");
}

TEST(ValueTest, CopiesOfAHandleShareTheContainer) {
  Document doc;
  Value array = doc.MakeArray();
  Value alias = array;
  doc.Append(alias, doc.MakeString("x"));
  EXPECT_EQ(array.size(), 1u);
  doc.Clear(alias);
  EXPECT_EQ(array.size(), 0u);
  doc.Append(array, doc.MakeString("x"));
  Value independent = doc.Copy(array);
  doc.Append(independent, doc.MakeString("y"));
  EXPECT_EQ(array.size(), 1u);
}

TEST(ValueTest, RemoveKeepsOrderOfTheOthers) {
  Document doc = MustParse(R"({"a":1,"b":2,"c":3})");
  EXPECT_TRUE(doc.Remove(doc.root(), "b"));
  EXPECT_FALSE(doc.Remove(doc.root(), "b"));
  EXPECT_EQ(Write(doc.root()), R"({"a":1,"c":3})");
}

TEST(ValueTest, CopyIntoAnotherDocumentIsDeepAndIndependent) {
  Document source = MustParse(R"({"a":[1.0,{"b":"x"}],"c":null})");
  Document target;
  target.root() = target.Copy(source.root());
  source = Document();  // the copy must not point into the destroyed source
  EXPECT_EQ(Write(target.root()), R"({"a":[1.0,{"b":"x"}],"c":null})");
}

TEST(ValueTest, EqualComparesByMeaning) {
  Document a = MustParse(R"({"x":1.50,"y":[1,2],"z":"s"})");
  Document b = MustParse(R"({"z":"s","y":[1,2],"x":1.50})");
  Document c = MustParse(R"({"z":"s","y":[1,2],"x":1.5})");
  Document d = MustParse(R"({"z":"s","y":[2,1],"x":1.50})");
  EXPECT_TRUE(Equal(a.root(), b.root()));
  EXPECT_FALSE(Equal(a.root(), c.root())) << "decimal text is significant";
  EXPECT_FALSE(Equal(a.root(), d.root())) << "array order is significant";
}

TEST(ValueTest, StringsMayHoldNulCharacters) {
  Document doc = MustParse(R"(["a\u0000b"])");
  ASSERT_EQ(doc.root().items()[0].text().size(), 3u);
  EXPECT_EQ(Write(doc.root()), R"(["a\u0000b"])");
}

TEST(ValueTest, FindOnScalarsAndMissingMembers) {
  Document doc = MustParse(R"({"a":"x","n":3})");
  EXPECT_EQ(doc.root().Find("missing"), nullptr);
  EXPECT_EQ(doc.root().FindString("a"), "x");
  EXPECT_EQ(doc.root().FindString("n"), "");
  EXPECT_EQ(doc.root().Find("a")->Find("a"), nullptr);
  EXPECT_TRUE(doc.root().Find("a")->items().empty());
}

}  // namespace
}  // namespace zorgbrug::fhir::json
