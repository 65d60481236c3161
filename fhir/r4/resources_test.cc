// The generated views: reading a real example and literals, building resources, choice types,
// repeated elements, keyword-named elements, and that edits keep what the views do not model.

#include "fhir/r4/resources.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "fhir/r4/test_util.h"
#include "fhir/resource.h"

namespace zorgbrug::fhir::r4 {
namespace {

json::Document ParseOrDie(std::string_view text) {
  IssueCollector issues;
  std::optional<json::Document> doc = ParseResource(text, json::ParseLimits(), issues);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(*doc) : json::Document();
}

// An Observation with members the view does not model: an unknown element, a primitive extension
// and decimals whose text must not change.
constexpr std::string_view kObservation = R"({
  "resourceType": "Observation",
  "id": "weight",
  "status": "final",
  "_status": {"extension": [{"url": "http://example.org/reviewed", "valueBoolean": true}]},
  "category": [{"text": "vital-signs"}, {"text": "exam"}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
  "effectivePeriod": {"start": "2024-03-01T08:00:00+01:00"},
  "valueQuantity": {"value": 72.50, "unit": "kg", "system": "http://unitsofmeasure.org"},
  "zorgbrugUnknown": {"value": 1e-30},
  "component": [{"valueQuantity": {"value": 120.0}}]
})";

TEST(ResourcesTest, ReadsPatientExampleFromShared) {
  if (!testdata::HaveExamples()) {
    GTEST_SKIP() << "FHIR R4 examples not found at " << testdata::ExamplesDir()
                 << " (set ZORGBRUG_SHARED_DIR to the shared/ folder)";
  }
  json::Document doc =
      ParseOrDie(testdata::ReadFile(testdata::ExamplesDir() + "/Patient-example.json"));
  std::optional<Patient> patient = Patient::From(doc.root());
  ASSERT_TRUE(patient.has_value());
  EXPECT_FALSE(Observation::From(doc.root()).has_value());
  EXPECT_EQ(patient->id(), "example");
  EXPECT_EQ(patient->active(), true);
  EXPECT_EQ(patient->gender(), "male");
  EXPECT_EQ(patient->birth_date(), "1974-12-25");
  EXPECT_EQ(patient->deceased_boolean(), false);
  EXPECT_EQ(patient->deceased_date_time(), std::nullopt);
  EXPECT_EQ(patient->multiple_birth_boolean(), std::nullopt);
  ASSERT_EQ(patient->identifier().size(), 1u);
  EXPECT_EQ(patient->identifier()[0].FindString("value"), "12345");
  EXPECT_EQ(patient->name().size(), 3u);
  EXPECT_EQ(patient->telecom().size(), 4u);
  EXPECT_TRUE(patient->photo().empty());
  ASSERT_NE(patient->managing_organization(), nullptr);
  EXPECT_EQ(patient->managing_organization()->FindString("reference"), "Organization/1");
  EXPECT_EQ(patient->marital_status(), nullptr);
}

TEST(ResourcesTest, EditOfRealExampleKeepsEverythingElse) {
  if (!testdata::HaveExamples()) {
    GTEST_SKIP() << "FHIR R4 examples not found at " << testdata::ExamplesDir();
  }
  std::string text = testdata::ReadFile(testdata::ExamplesDir() + "/Patient-example.json");
  json::Document original = ParseOrDie(text);
  json::Document doc = ParseOrDie(text);
  std::optional<Patient> patient = Patient::From(doc.root(), doc);
  ASSERT_TRUE(patient.has_value());
  patient->set_birth_date("1974-12-26");
  EXPECT_EQ(patient->birth_date(), "1974-12-26");
  json::Document reread = ParseOrDie(json::Write(doc.root()));
  ASSERT_NE(reread.root().Find("_birthDate"), nullptr);  // the birthTime extension stays
  Node(reread.root(), reread).SetString("birthDate", "1974-12-25");
  EXPECT_TRUE(json::Equal(reread.root(), original.root()));
}

TEST(ResourcesTest, ReadsLiteralWithChoiceAndRepeatedElements) {
  json::Document doc = ParseOrDie(kObservation);
  std::optional<Observation> obs = Observation::From(doc.root());
  ASSERT_TRUE(obs.has_value());
  EXPECT_EQ(obs->status(), "final");
  EXPECT_EQ(obs->category().size(), 2u);
  EXPECT_EQ(obs->category()[1].FindString("text"), "exam");
  EXPECT_TRUE(obs->identifier().empty());
  EXPECT_EQ(obs->effective_date_time(), std::nullopt);
  ASSERT_NE(obs->effective_period(), nullptr);
  EXPECT_EQ(obs->effective_period()->FindString("start"), "2024-03-01T08:00:00+01:00");
  ASSERT_NE(obs->value_quantity(), nullptr);
  EXPECT_EQ(obs->value_quantity()->Find("value")->text(), "72.50");
  EXPECT_EQ(obs->value_string(), std::nullopt);
  EXPECT_EQ(obs->component().size(), 1u);
}

TEST(ResourcesTest, EditsKeepUnknownMembersExtensionsAndDecimalText) {
  json::Document doc = ParseOrDie(kObservation);
  std::optional<Observation> obs = Observation::From(doc.root(), doc);
  ASSERT_TRUE(obs.has_value());
  obs->set_status("amended");
  obs->set_effective_date_time("2024-03-01");  // replaces effectivePeriod: one value per choice
  obs->add_category().SetString("text", "lab");
  obs->mutable_subject().SetString("reference", "Patient/p1");
  EXPECT_EQ(obs->effective_period(), nullptr);
  EXPECT_EQ(
      json::Write(doc.root()),
      R"({"resourceType":"Observation","id":"weight","status":"amended",)"
      R"("_status":{"extension":[{"url":"http://example.org/reviewed","valueBoolean":true}]},)"
      R"("category":[{"text":"vital-signs"},{"text":"exam"},{"text":"lab"}],)"
      R"("code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},)"
      R"("valueQuantity":{"value":72.50,"unit":"kg","system":"http://unitsofmeasure.org"},)"
      R"("zorgbrugUnknown":{"value":1e-30},"component":[{"valueQuantity":{"value":120.0}}],)"
      R"("effectiveDateTime":"2024-03-01","subject":{"reference":"Patient/p1"}})");
}

TEST(ResourcesTest, ChoiceSetterRemovesOtherTypesAndTheirExtensions) {
  json::Document doc = ParseOrDie(
      R"({"resourceType":"Patient","deceasedBoolean":false,"_deceasedBoolean":{"id":"d"}})");
  std::optional<Patient> patient = Patient::From(doc.root(), doc);
  ASSERT_TRUE(patient.has_value());
  patient->set_deceased_date_time("2020-02-02");
  EXPECT_EQ(patient->deceased_boolean(), std::nullopt);
  EXPECT_EQ(json::Write(doc.root()),
            R"({"resourceType":"Patient","deceasedDateTime":"2020-02-02"})");
  patient->set_deceased_boolean(true);
  EXPECT_EQ(json::Write(doc.root()), R"({"resourceType":"Patient","deceasedBoolean":true})");
}

TEST(ResourcesTest, BuildsPatientWithSetters) {
  json::Document doc;
  Patient patient = Patient::Create(doc);
  patient.set_id("p1");
  patient.add_identifier()
      .SetString("system", "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin")
      .SetString("value", "90051212345");
  patient.set_active(true);
  patient.add_name().SetString("family", "Peeters").AddString("given", "Jan");
  patient.set_gender("male");
  patient.set_birth_date("1990-05-12");
  EXPECT_TRUE(patient.set_multiple_birth_integer("2"));
  patient.mutable_managing_organization().SetString("reference", "Organization/o1");
  EXPECT_EQ(json::Write(doc.root()),
            R"({"resourceType":"Patient","id":"p1","identifier":[{"system":)"
            R"("https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",)"
            R"("value":"90051212345"}],"active":true,"name":[{"family":"Peeters",)"
            R"("given":["Jan"]}],"gender":"male","birthDate":"1990-05-12",)"
            R"("multipleBirthInteger":2,"managingOrganization":{"reference":"Organization/o1"}})");
  EXPECT_TRUE(Patient::Is(doc.root()));
}

TEST(ResourcesTest, NodesStayValidWhileSiblingsAreAdded) {
  json::Document doc;
  Patient patient = Patient::Create(doc);
  Node first = patient.add_name();
  Node second = patient.add_name();
  Node address = patient.add_address();
  for (int i = 0; i < 20; ++i) patient.add_telecom().SetString("value", std::to_string(i));
  first.SetString("family", "Peeters");
  second.SetString("family", "Janssens").AddString("given", "An");
  address.SetString("city", "Brussel");
  EXPECT_EQ(patient.name().size(), 2u);
  EXPECT_EQ(patient.name()[0].FindString("family"), "Peeters");
  EXPECT_EQ(patient.name()[1].FindString("family"), "Janssens");
  EXPECT_EQ(patient.address()[0].FindString("city"), "Brussel");
  EXPECT_EQ(patient.telecom().size(), 20u);
}

TEST(ResourcesTest, NumberSettersKeepExactTextAndRejectOtherText) {
  json::Document doc;
  ChargeItem item = ChargeItem::Create(doc);
  EXPECT_TRUE(item.set_factor_override("0.80"));
  EXPECT_FALSE(item.set_factor_override("0,80"));
  EXPECT_EQ(item.factor_override(), "0.80");
  Bundle bundle = Bundle::Create(doc, item.AsNode().Child("zorgbrugScratch").json());
  EXPECT_FALSE(bundle.set_total("1.5"));
  EXPECT_FALSE(bundle.set_total("three"));
  EXPECT_EQ(bundle.total(), std::nullopt);
  EXPECT_TRUE(bundle.set_total("3"));
  EXPECT_EQ(bundle.total(), "3");
  EXPECT_EQ(json::Write(doc.root()), R"({"resourceType":"ChargeItem","factorOverride":0.80,)"
                                     R"("zorgbrugScratch":{"resourceType":"Bundle","total":3}})");
}

TEST(ResourcesTest, RepeatedPrimitivesAndKeywordNames) {
  json::Document doc;
  Questionnaire questionnaire = Questionnaire::Create(doc);
  questionnaire.add_subject_type("Patient");
  questionnaire.add_subject_type("RelatedPerson");
  ASSERT_EQ(questionnaire.subject_type().size(), 2u);
  EXPECT_EQ(questionnaire.subject_type()[1].text(), "RelatedPerson");

  json::Document encounter_doc;
  Encounter encounter = Encounter::Create(encounter_doc);
  encounter.mutable_class().SetString("code", "AMB");
  ASSERT_NE(encounter.class_(), nullptr);
  EXPECT_EQ(encounter.class_()->FindString("code"), "AMB");

  json::Document task_doc;
  Task task = Task::Create(task_doc);
  task.mutable_for().SetString("reference", "Patient/p1");
  ASSERT_NE(task.for_(), nullptr);
  EXPECT_EQ(task.for_()->FindString("reference"), "Patient/p1");
}

TEST(ResourcesTest, BuildsBundleWithNestedResource) {
  json::Document doc;
  Bundle bundle = Bundle::Create(doc);
  bundle.set_type("collection");
  Node entry = bundle.add_entry();
  entry.SetString("fullUrl", "urn:uuid:3f1c2d9e-0000-4000-8000-000000000001");
  Observation obs = Observation::Create(doc, entry.Child("resource").json());
  obs.set_status("final");
  obs.set_value_string("negative");

  json::Document reread = ParseOrDie(json::Write(doc.root()));
  std::optional<Bundle> read = Bundle::From(reread.root());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->type(), "collection");
  ASSERT_EQ(bundle.entry().size(), 1u);
  const json::Value* resource = bundle.entry()[0].Find("resource");
  ASSERT_NE(resource, nullptr);
  ASSERT_TRUE(Observation::Is(*resource));
  EXPECT_EQ(Observation::From(*resource)->value_string(), "negative");
  EXPECT_FALSE(Patient::Is(*resource));
}

TEST(ResourcesTest, IsRejectsNonResources) {
  json::Document doc = ParseOrDie(R"({"resourceType":"Patient"})");
  EXPECT_FALSE(Patient::Is(json::Value()));
  EXPECT_FALSE(Patient::Is(doc.MakeString("Patient")));
  EXPECT_FALSE(Bundle::From(doc.root()).has_value());
}

TEST(ResourcesTest, ElementTablesCarryCardinalityAndType) {
  static_assert(Patient::kElements[0].name == "id");
  std::span<const ElementInfo> observation = ElementsOf("Observation");
  ASSERT_EQ(observation.data(), Observation::kElements);
  const ElementInfo* effective = FindElement(observation, "effectiveDateTime");
  ASSERT_NE(effective, nullptr);
  EXPECT_EQ(effective->type, "dateTime");
  EXPECT_EQ(effective->choice, "effective");
  EXPECT_EQ(effective->max, 1u);
  const ElementInfo* status = FindElement(observation, "status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->min, 1u);
  EXPECT_TRUE(status->choice.empty());
  const ElementInfo* identifier = FindElement(observation, "identifier");
  ASSERT_NE(identifier, nullptr);
  EXPECT_TRUE(identifier->repeated());
  EXPECT_EQ(identifier->max, kMany);
  EXPECT_EQ(FindElement(ElementsOf("Bundle"), "total")->shape, JsonShape::kInteger);
  EXPECT_EQ(FindElement(ElementsOf("Patient"), "active")->shape, JsonShape::kBoolean);
  EXPECT_TRUE(ElementsOf("Account").empty());
  EXPECT_TRUE(ElementsOf("patient").empty());
}

// Whether `value` has the JSON form that `element` prescribes (arrays for repeated elements).
bool HasShape(const json::Value& value, const ElementInfo& element) {
  if (element.repeated()) {
    if (!value.IsArray() || value.items().empty()) return false;
    ElementInfo single = element;
    single.max = 1;
    for (const json::Value& item : value.items()) {
      if (!HasShape(item, single)) return false;
    }
    return true;
  }
  switch (element.shape) {
    case JsonShape::kString:
      return value.IsString();
    case JsonShape::kDecimal:
      return value.IsNumber();
    case JsonShape::kInteger:
      return value.IsNumber() && IsNumberText(value.text(), true);
    case JsonShape::kBoolean:
      return value.IsBool();
    case JsonShape::kObject:
      return value.IsObject();
  }
  return false;
}

// Every official example of a resource with a view uses only elements of its table, each in the
// JSON form the table gives: the tables agree with real data.
TEST(ResourcesTest, ElementTablesMatchEveryOfficialExample) {
  if (!testdata::HaveExamples()) {
    GTEST_SKIP() << "FHIR R4 examples not found at " << testdata::ExamplesDir();
  }
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testdata::ExamplesDir())) {
    std::string file = entry.path().filename().string();
    std::string type = file.substr(0, file.find('-'));
    std::span<const ElementInfo> elements = ElementsOf(type);
    if (elements.empty() || !file.ends_with(".json")) continue;
    json::Document doc = ParseOrDie(testdata::ReadFile(entry.path().string()));
    if (ResourceType(doc.root()) != type) continue;  // e.g. a Bundle-*.json that is not a Bundle
    for (const json::Member& member : doc.root().members()) {
      if (member.name == "resourceType" || member.name.starts_with("_")) continue;
      const ElementInfo* element = FindElement(elements, member.name);
      ASSERT_NE(element, nullptr) << file << ": " << member.name;
      EXPECT_TRUE(HasShape(member.value, *element)) << file << ": " << member.name;
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

}  // namespace
}  // namespace zorgbrug::fhir::r4
