#include "fhir/fhirpath/fhirpath.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "fhir/fhirpath/ast.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "gtest/gtest.h"

namespace zorgbrug::fhir::fhirpath {
namespace {

constexpr std::string_view kPatient = R"({
  "resourceType": "Patient", "id": "p1",
  "meta": {"profile": ["http://example.org/a"]},
  "extension": [{"url": "http://x/ext", "valueString": "hello"},
                {"url": "http://x/age", "valueQuantity": {"value": 42, "unit": "a", "code": "a"}}],
  "identifier": [{"system": "urn:a", "value": "1"}, {"system": "urn:b", "value": "2"}],
  "active": true,
  "name": [{"use": "official", "family": "Peeters", "given": ["Jan", "Piet"]},
           {"use": "nickname", "given": ["Jantje"]}],
  "gender": "male",
  "birthDate": "1974-12-25",
  "_birthDate": {"extension": [{"url": "http://x/time", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
  "_gender": {"id": "g1"},
  "multipleBirthInteger": 2,
  "contact": [{"name": {"family": "Claes"}}, {"telecom": [{"system": "phone", "value": "1"}]}],
  "contained": [{"resourceType": "Organization", "id": "org1", "name": "Zorg"}],
  "managingOrganization": {"reference": "#org1"},
  "generalPractitioner": [{"reference": "Practitioner/dr1"}]
})";

constexpr std::string_view kObservation = R"({
  "resourceType": "Observation", "id": "o1", "status": "final",
  "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
  "effectivePeriod": {"start": "2020-01-01T10:00:00+01:00", "end": "2020-01-01T10:30:00Z"},
  "valueQuantity": {"value": 72.50, "unit": "beats/min", "system": "http://unitsofmeasure.org", "code": "/min"},
  "component": [{"code": {"text": "a"}, "valueString": "x"}, {"code": {"text": "b"}, "valueBoolean": false}]
})";

class FhirPathTest : public ::testing::Test {
 public:
  // Evaluates `expression` on `json` (a resource) and renders the result as items joined by ", ":
  // primitives as their text, objects as their compact JSON; "error: ..." on a status.
  std::string Eval(std::string_view expression, std::string_view json = kPatient) {
    IssueCollector issues;
    auto doc = json::Parse(json, json::ParseLimits(), issues);
    if (!doc) return "bad test json";
    docs_.push_back(std::move(*doc));
    const json::Value& root = docs_.back().root();
    auto compiled = Compile(expression);
    if (!compiled.ok()) return "compile error: " + std::string(compiled.status().message());
    Context context;
    context.focus = ResourceItem(root);
    context.resource = root;
    context.now = Temporal::Parse("2024-03-15T12:30:00Z", TemporalKind::kDateTime);
    if (root.FindString("resourceType") == "Bundle") context.bundle = root;
    auto result = Evaluate(*compiled, context);
    if (!result.ok()) return "error: " + std::string(result.status().message());
    std::vector<std::string> parts;
    for (const Item& item : *result) {
      if (auto text = ToText(item)) {
        parts.push_back(*text);
      } else if (item.kind() == ItemKind::kNode) {
        parts.push_back(json::Write(item.node()));
      } else {
        parts.push_back("?");
      }
    }
    return absl::StrJoin(parts, ", ");
  }

  std::vector<json::Document> docs_;
};

struct Case {
  std::string_view expression;
  std::string_view expected;
};

void RunCases(FhirPathTest* test, const std::vector<Case>& cases, std::string_view json,
              std::string (FhirPathTest::*eval)(std::string_view, std::string_view)) {
  for (const Case& c : cases) {
    EXPECT_EQ((test->*eval)(c.expression, json), c.expected) << c.expression;
  }
}

#define RUN_CASES(json, ...) \
  RunCases(this, std::vector<Case>{__VA_ARGS__}, json, &FhirPathTest::Eval)

TEST_F(FhirPathTest, Navigation) {
  RUN_CASES(kPatient, {"Patient.name.family", "Peeters"}, {"name.given", "Jan, Piet, Jantje"},
            {"Patient.name[0].given[1]", "Piet"}, {"name[5]", ""},
            {"Patient.name.where(use = 'nickname').given", "Jantje"}, {"Observation.status", ""},
            {"identifier.value", "1, 2"}, {"contact.name.family", "Claes"}, {"active", "true"},
            {"multipleBirth", "2"}, {"multipleBirth is integer", "true"},
            {"name.first().given.last()", "Piet"}, {"`name`.family", "Peeters"},
            {"contained.name", "Zorg"}, {"nothing.at.all", ""});
}

TEST_F(FhirPathTest, ChoiceTypes) {
  RUN_CASES(kObservation, {"Observation.value.value", "72.50"}, {"value.unit", "beats/min"},
            {"value is Quantity", "true"}, {"value.ofType(Quantity).code", "/min"},
            {"value.as(Quantity).value > 70", "true"},
            {"(value as Quantity).value < 70.0", "false"}, {"value is string", "false"},
            {"component.value.ofType(string)", "x"}, {"component.value.ofType(boolean)", "false"},
            {"component[1].value is Boolean", "true"}, {"effective.start <= effective.end", "true"},
            {"effective.ofType(Period).exists()", "true"}, {"value > 5 'kg'", ""},
            {"value > 5 '/min'", "true"}, {"value = 72.5 '/min'", "true"});
}

TEST_F(FhirPathTest, ExistenceAndFiltering) {
  RUN_CASES(kPatient, {"name.exists()", "true"}, {"photo.exists()", "false"},
            {"photo.empty()", "true"}, {"name.exists(use = 'official')", "true"},
            {"name.exists(use = 'temp')", "false"}, {"name.all(given.exists())", "true"},
            {"name.all(family.exists())", "false"}, {"{}.all(false)", "true"},
            {"name.count()", "2"}, {"name.given.count()", "3"},
            {"name.exists() != photo.exists()", "true"}, {"photo.empty() = name.empty()", "false"},
            {"name.first().given", "Jan, Piet"}, {"photo.first()", ""},
            {"children().count() > id.count()", "true"}, {"name.children().count()", "6"},
            {"(name | name).exists() = true", "true"}, {"name.exists() and photo.empty()", "true"},
            {"identifier.system.isDistinct()", "true"}, {"(1 | 1 | 2).count()", "2"},
            {"(1).combine(1).count()", "2"}, {"(1 | 2 | 3).distinct().count()", "3"},
            {"name.select(given.first())", "Jan, Jantje"},
            {"name.given.where($this.startsWith('Ja'))", "Jan, Jantje"},
            {"name.given.select($index)", "0, 1, 2"}, {"name.given.tail()", "Piet, Jantje"},
            {"name.given.skip(1).take(1)", "Piet"},
            {"name.given.single()", "error: FHIRPath: single() on several items"},
            {"(true | false).allTrue()", "false"}, {"(true | false).anyTrue()", "true"},
            {"{}.allTrue()", "true"}, {"name.given.first()", "Jan"},
            {"(1|2|3).subsetOf(1|2|3|4)", "true"}, {"(1|2|3).supersetOf(1|5)", "false"},
            {"(1|2|3).intersect(2|3|4)", "2, 3"}, {"(1|2|3).exclude(2)", "1, 3"},
            {"2 in (1|2|3)", "true"}, {"(1|2|3) contains 4", "false"}, {"{} in (1|2)", ""});
}

TEST_F(FhirPathTest, BooleanLogic) {
  RUN_CASES(kPatient, {"true and {}", ""}, {"false and {}", "false"}, {"true or {}", "true"},
            {"false or {}", ""}, {"{} implies false", ""}, {"false implies {}", "true"},
            {"true implies {}", ""}, {"true xor false", "true"}, {"true xor {}", ""},
            {"active.not()", "false"}, {"{}.not()", ""}, {"iif(active, 'yes', 'no')", "yes"},
            {"iif(photo.exists(), 'yes')", ""}, {"name.given.iif($this.exists(), 1, 2)", "1"},
            {"(name.count() > 1) and gender = 'male'", "true"});
}

TEST_F(FhirPathTest, EqualityAndComparison) {
  RUN_CASES(kPatient, {"1 = 1.0", "true"}, {"0.1 + 0.2 = 0.3", "true"}, {"1.50 = 1.5", "true"},
            {"'a' = 'a'", "true"}, {"'a' != 'b'", "true"}, {"'A b' ~ 'a  B'", "true"},
            {"{} = 1", ""}, {"(1|2) = (1|2)", "true"}, {"(1|2) = (2|1)", "false"},
            {"(1|2) ~ (2|1)", "true"}, {"2 < 10", "true"}, {"'abc' < 'abd'", "true"},
            {"@2020-01 < @2020-02-05", "true"}, {"@2020-01 = @2020-01-05", ""},
            {"@2020-01-05 >= @2020-01", ""},
            {"@2020-01-01T10:00:00+01:00 = @2020-01-01T09:00:00Z", "true"},
            {"birthDate < @2000-01-01", "true"}, {"birthDate = @1974-12-25", "true"},
            {"@T10:00 < @T11:00", "true"}, {"name[0] = name[0]", "true"},
            {"name[0] = name[1]", "false"}, {"identifier.first() ~ identifier.first()", "true"});
}

TEST_F(FhirPathTest, Arithmetic) {
  RUN_CASES(kPatient, {"1 + 2 * 3", "7"}, {"(1 + 2) * 3", "9"}, {"7 div 2", "3"}, {"7 mod 2", "1"},
            {"7 / 2", "3.5"}, {"1 / 0", ""}, {"-5 + 2", "-3"}, {"1.1 + 2.25", "3.35"},
            {"'a' + 'b'", "ab"}, {"'a' & {} & 'c'", "ac"}, {"2.5 * 2", "5.0"}, {"-(3)", "-3"},
            {"(1 | 2 | 3).sum()", "6"}, {"(-1.5).abs()", "1.5"}, {"(1.5).floor()", "1"},
            {"(1.2).ceiling()", "2"},
            {"'x' + 1", "error: FHIRPath arithmetic on String and Integer is not supported"});
}

TEST_F(FhirPathTest, StringFunctions) {
  RUN_CASES(
      kPatient, {"gender.length()", "4"}, {"gender.upper()", "MALE"}, {"'ABC'.lower()", "abc"},
      {"gender.startsWith('ma')", "true"}, {"gender.endsWith('le')", "true"},
      {"gender.contains('al')", "true"}, {"gender.indexOf('l')", "2"},
      {"gender.substring(1)", "ale"}, {"gender.substring(1, 2)", "al"}, {"gender.substring(9)", ""},
      {"gender.replace('ma', 'fe')", "fele"}, {"gender.matches('^m.l')", "true"},
      {"gender.matches('^x')", "false"}, {"'a.b.c'.replaceMatches('\\\\..*', '')", "a"},
      {"'2020-01'.replaceMatches('(\\\\d+)-(\\\\d+)', '$2/$1')", "01/2020"},
      {"name.given.matches('J')", "error: FHIRPath: matches() needs a single input item, got 3"},
      {"'a,b'.split(',')", "a, b"}, {"name.given.join('+')", "Jan+Piet+Jantje"},
      {"'  x '.trim()", "x"}, {"'abc'.toChars()", "a, b, c"},
      {"birthDate.startsWith('1974')", "true"},
      {"'it''s'",
       "compile error: FHIRPath syntax error at offset 4: unexpected token after expression near "
       "'s'"},
      {"'it\\'s'", "it's"}, {"'\\u00e9'", "\xc3\xa9"});
}

TEST_F(FhirPathTest, Conversions) {
  RUN_CASES(kPatient, {"'12'.toInteger() + 1", "13"}, {"'1.5'.toInteger()", ""},
            {"'1.5'.toDecimal()", "1.5"}, {"multipleBirth.toString()", "2"},
            {"active.toString()", "true"}, {"'true'.toBoolean()", "true"},
            {"'x'.convertsToInteger()", "false"}, {"'2020-01-02'.convertsToDate()", "true"},
            {"'2020-01-02'.toDateTime() < @2021", "true"}, {"'10:00'.convertsToTime()", "true"},
            {"birthDate.toString().length() >= 8", "true"},
            {"(birthDate as date).exists()", "true"}, {"today()", "2024-03-15"},
            {"now()", "2024-03-15T12:30:00Z"}, {"today() > birthDate", "true"},
            {"5.toQuantity()", "5 '1'"}, {"4 'mg'", "4 'mg'"}, {"1 year", "1 'year'"});
}

TEST_F(FhirPathTest, FhirSpecifics) {
  RUN_CASES(
      kPatient, {"birthDate.hasValue()", "true"},
      {"birthDate.extension('http://x/time').value", "1974-12-25T14:35:45-05:00"},
      {"birthDate.extension.exists()", "true"}, {"gender.id", "g1"}, {"name.hasValue()", "false"},
      {"extension('http://x/ext').value", "hello"}, {"extension('http://x/age').value.value", "42"},
      {"extension('http://x/none').exists()", "false"},
      {"extension.url", "http://x/ext, http://x/age"},
      {"managingOrganization.resolve().name", "Zorg"},
      {"managingOrganization.resolve() is Organization", "true"},
      {"generalPractitioner.resolve()", ""}, {"%resource.id", "p1"}, {"%context.id", "p1"},
      {"%rootResource.id", "p1"}, {"%ucum", "http://unitsofmeasure.org"},
      {"%sct", "http://snomed.info/sct"}, {"%loinc", "http://loinc.org"},
      {"%nope", "error: FHIRPath: unknown variable %nope"}, {"$this is Patient", "true"},
      {"$this is DomainResource", "true"}, {"$this.is(Resource)", "true"},
      {"contained.ofType(Organization).id", "org1"},
      {"contained.first().as(Organization).name", "Zorg"}, {"htmlChecks()", "true"},
      {"meta.profile.memberOf('x')",
       "error: FHIRPath function memberOf() is not supported (needs terminology or profiles)"},
      {"contact.children().count()", "2"}, {"contact.descendants().count()", "5"},
      {"contact.telecom.descendants().ofType(string)", "phone, 1"},
      {"name.repeat(given).count()", "3"}, {"identifier.trace('ids').count()", "2"},
      {"children().where($this is HumanName).count()", "2"});
}

constexpr std::string_view kBundle = R"({
  "resourceType": "Bundle", "type": "collection",
  "entry": [
    {"fullUrl": "urn:uuid:1111", "resource": {"resourceType": "Patient", "id": "a",
      "managingOrganization": {"reference": "Organization/org9"}}},
    {"fullUrl": "http://srv/fhir/Organization/org9",
     "resource": {"resourceType": "Organization", "id": "org9", "name": "Ziekenhuis"}},
    {"fullUrl": "urn:uuid:2222", "resource": {"resourceType": "Observation", "id": "b",
      "status": "final", "subject": {"reference": "urn:uuid:1111"}}}
  ]
})";

TEST_F(FhirPathTest, ResolveInBundle) {
  RUN_CASES(kBundle, {"entry.resource.ofType(Observation).subject.resolve().id", "a"},
            {"entry[0].resource.managingOrganization.resolve().name", "Ziekenhuis"},
            {"entry.resource.subject.resolve() is Patient", "true"},
            {"'urn:uuid:none'.resolve()", ""}, {"entry.first().resource.is(Patient)", "true"},
            {"type = 'document' implies entry.first().resource.is(Composition)", "true"});
}

TEST_F(FhirPathTest, SyntaxErrorsNamePosition) {
  RUN_CASES(
      kPatient,
      {"name.",
       "compile error: FHIRPath syntax error at offset 5: expected a name after '.' (at end)"},
      {"name.foo(",
       "compile error: FHIRPath syntax error at offset 9: expected an expression (at end)"},
      {"name.unknownFn()",
       "compile error: FHIRPath error at offset 5: unknown function 'unknownFn'"},
      {"name.where()",
       "compile error: FHIRPath error at offset 5: wrong number of arguments for 'where()'"},
      {"'abc", "compile error: FHIRPath syntax error at offset 0: unterminated quoted text"},
      {"1 + # 2", "compile error: FHIRPath syntax error at offset 4: unexpected character '#'"},
      {"name.matches('(')", "compile error: FHIRPath error at offset 13: invalid regex"});
}

// R4 invariants evaluated on data that breaks them.
TEST_F(FhirPathTest, InvariantsDetectViolations) {
  constexpr std::string_view kBad = R"({
    "resourceType": "Encounter", "id": "e1", "status": "finished",
    "period": {"start": "2020-01-02T10:00:00Z", "end": "2020-01-01"},
    "contained": [{"resourceType": "Location", "id": "loc1"}],
    "subject": {"reference": "#nope"},
    "identifier": [{}],
    "_status": {"id": "s1"}
  })";
  RUN_CASES(
      kBad,
      // per-1 on Period
      {"period.select(start.hasValue().not() or end.hasValue().not() or (start <= end))", "false"},
      // dom-3: the contained Location is not referenced
      {"contained.where((('#'+id in (%resource.descendants().reference | "
       "%resource.descendants().as(canonical))) or descendants().where(reference = "
       "'#').exists()).not()).trace('unmatched', id).empty()",
       "false"},
      // ref-1 style check of a local reference
      {"subject.select(reference.startsWith('#').not() or (reference.substring(1) in "
       "%rootResource.contained.id))",
       "false"},
      // ele-1 on an empty identifier object
      {"identifier.select(hasValue() or (children().count() > id.count()))", "false"},
      {"status.select(hasValue() or (children().count() > id.count()))", "true"},
      {"period.start <= period.end", "false"});
}

TEST(FhirPathExpression, CompiledOnceEvaluatedManyTimesIsShareable) {
  auto compiled = Compile("name.given.where(matches('^J')).count()");
  ASSERT_TRUE(compiled.ok());
  Expression copy = *compiled;
  EXPECT_EQ(&copy.root(), &compiled->root());
  IssueCollector issues;
  auto doc = json::Parse(kPatient, json::ParseLimits(), issues);
  ASSERT_TRUE(doc.has_value());
  Context context;
  context.focus = ResourceItem(doc->root());
  context.resource = doc->root();
  for (int i = 0; i < 3; ++i) {
    auto result = Evaluate(copy, context);
    ASSERT_TRUE(result.ok());
    auto b = ToBoolean(*result);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(ToText((*result)[0]), "2");  // Jan, Jantje
  }
}

// Context-only subexpressions (here the union over %resource) are marked for evaluation once per
// Evaluate(); what depends on $this or the focus is not.
const internal::Node* FindBinary(const internal::Node& node, internal::BinaryOp op) {
  if (node.kind == internal::NodeKind::kBinary && node.op == op) return &node;
  for (const internal::Node& child : node.children) {
    if (const internal::Node* found = FindBinary(child, op)) return found;
  }
  return nullptr;
}

TEST(FhirPathExpression, ContextOnlySubexpressionsAreMemoized) {
  auto compiled = Compile(
      "contained.where(('#'+id in (%resource.descendants().reference | "
      "%resource.descendants().as(canonical))).not()).id");
  ASSERT_TRUE(compiled.ok());
  const internal::Node* in = FindBinary(compiled->root(), internal::BinaryOp::kIn);
  ASSERT_NE(in, nullptr);
  EXPECT_FALSE(in->memoize);                          // depends on id, i.e. on $this
  EXPECT_TRUE(in->children[1].memoize);               // the union: context only
  EXPECT_FALSE(in->children[1].children[0].memoize);  // inside a memoized node: not kept twice
  EXPECT_FALSE(compiled->root().memoize);

  IssueCollector issues;
  auto doc = json::Parse(
      R"({"resourceType":"Patient","contained":[{"resourceType":"Basic","id":"a"},)"
      R"({"resourceType":"Basic","id":"b"},{"resourceType":"Basic","id":"c"}],)"
      R"("generalPractitioner":[{"reference":"#b"}],"managingOrganization":{"reference":"#a"}})",
      json::ParseLimits(), issues);
  ASSERT_TRUE(doc.has_value());
  Context context;
  context.focus = ResourceItem(doc->root());
  context.resource = doc->root();
  auto result = Evaluate(*compiled, context);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ(ToText((*result)[0]), "c");  // the one contained resource nothing refers to
  auto contains = Compile("(%resource.descendants().reference) contains '#a'");
  ASSERT_TRUE(contains.ok());
  auto held = Evaluate(*contains, context);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(ToText((*held)[0]), "true");
}

TEST(FhirPathExpression, ResultOutlivesTheExpression) {
  IssueCollector issues;
  auto doc = json::Parse(kPatient, json::ParseLimits(), issues);
  ASSERT_TRUE(doc.has_value());
  Context context;
  context.focus = ResourceItem(doc->root());
  context.resource = doc->root();
  absl::StatusOr<Collection> result;
  {
    auto compiled = Compile("'a long literal string, not inline' | @2020-01-02 | 1.5 | 2 'mg'");
    ASSERT_TRUE(compiled.ok());
    result = Evaluate(*compiled, context);
  }
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 4u);
  Collection copy = *result;
  result = Collection();
  EXPECT_EQ(ToText(copy[0]), "a long literal string, not inline");
  EXPECT_EQ(ToText(copy[1]), "2020-01-02");
  EXPECT_EQ(ToText(copy[2]), "1.5");
  EXPECT_EQ(ToText(copy[3]), "2 'mg'");
}

TEST(FhirPathItem, StaysCompact) {
  EXPECT_LE(sizeof(Item), 56u);
  Collection one{Item::Integer(1)};
  EXPECT_EQ(one.size(), 1u);
}

TEST(FhirPathDecimal, ExactArithmetic) {
  auto a = Decimal::Parse("0.1");
  auto b = Decimal::Parse("0.2");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Decimal::Add(*a, *b)->ToString(), "0.3");
  EXPECT_EQ(Decimal::Parse("1e-3")->ToString(), "0.001");
  EXPECT_EQ(Decimal::Parse("2E2")->ToString(), "200");
  EXPECT_EQ(Decimal::Compare(*Decimal::Parse("1.50"), *Decimal::Parse("1.5")), 0);
  EXPECT_FALSE(Decimal::Parse("abc").has_value());
  EXPECT_EQ(Decimal::Divide(*Decimal::Parse("1"), *Decimal::Parse("3"))->ToString(), "0.33333333");
}

TEST(FhirPathTemporal, ParseAndCompare) {
  auto t = Temporal::Parse("2020-02-29T23:30:00-01:00", TemporalKind::kDate);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, TemporalKind::kDateTime);
  auto u = Temporal::Parse("2020-03-01T00:30:00Z", TemporalKind::kDate);
  EXPECT_EQ(Temporal::Compare(*t, *u), 0);
  EXPECT_FALSE(Temporal::Parse("2020-13", TemporalKind::kDate).has_value());
  EXPECT_EQ(Temporal::Parse("2020-01-02T03:04:05.6+02:00", TemporalKind::kDate)->ToString(),
            "2020-01-02T03:04:05.600+02:00");
}

}  // namespace
}  // namespace zorgbrug::fhir::fhirpath
