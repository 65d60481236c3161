// Lookups in the compiled core types and Belgian profiles (structure.h).

#include "fhir/definitions/structure.h"

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace zorgbrug::fhir::definitions {
namespace {

constexpr std::string_view kBeTask =
    "https://www.ehealth.fgov.be/standards/fhir/patient-care/StructureDefinition/be-task";
constexpr std::string_view kCandidateList =
    "http://hl7.org/fhir/StructureDefinition/task-candidateList";

std::vector<std::string_view> TypeCodes(const ElementDef& element) {
  std::vector<std::string_view> codes;
  for (const TypeRef& type : element.types) codes.push_back(type.code);
  return codes;
}

const ElementDef& Element(std::string_view type, std::string_view id) {
  const StructureDef* structure = FindType(type);
  if (structure == nullptr) {
    ADD_FAILURE() << "no type " << type;
    static const ElementDef kNone{};
    return kNone;
  }
  const ElementDef* element = FindElement(*structure, id);
  if (element == nullptr) {
    ADD_FAILURE() << "no element " << id;
    static const ElementDef kNone{};
    return kNone;
  }
  return *element;
}

TEST(StructureTest, TablesAreSortedAndElementIdsUnique) {
  auto by_name = [](const StructureDef& a, const StructureDef& b) { return a.name < b.name; };
  auto by_url = [](const StructureDef& a, const StructureDef& b) { return a.url < b.url; };
  EXPECT_TRUE(std::is_sorted(CoreStructures().begin(), CoreStructures().end(), by_name));
  EXPECT_TRUE(std::is_sorted(Profiles().begin(), Profiles().end(), by_url));
  for (auto table : {CoreStructures(), Profiles()}) {
    for (const StructureDef& structure : table) {
      ASSERT_FALSE(structure.elements.empty()) << structure.url;
      EXPECT_EQ(structure.elements.front().id, structure.type) << structure.url;
      for (size_t i = 1; i < structure.elements.size(); ++i) {
        EXPECT_LT(structure.elements[i - 1].id, structure.elements[i].id) << structure.url;
      }
    }
  }
}

TEST(StructureTest, CoreTypesCoverResourcesAndDataTypes) {
  EXPECT_GE(CoreStructures().size(), 200u);
  const StructureDef* patient = FindType("Patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(patient->url, "http://hl7.org/fhir/StructureDefinition/Patient");
  EXPECT_EQ(patient->kind, StructureKind::kResource);
  EXPECT_EQ(patient->derivation, Derivation::kSpecialization);
  EXPECT_EQ(patient->version, "4.0.1");
  EXPECT_TRUE(FindType("DomainResource")->is_abstract);
  EXPECT_EQ(FindType("BackboneElement")->kind, StructureKind::kComplexType);
  EXPECT_EQ(FindType("SimpleQuantity")->derivation, Derivation::kConstraint);
  EXPECT_EQ(FindType("SimpleQuantity")->type, "Quantity");
  EXPECT_EQ(FindType("Extension")->kind, StructureKind::kComplexType);
  EXPECT_EQ(FindType("boolean")->kind, StructureKind::kPrimitiveType);
  EXPECT_EQ(FindType("NotAType"), nullptr);
  EXPECT_EQ(FindStructure("http://hl7.org/fhir/StructureDefinition/Patient"), patient);
  EXPECT_EQ(FindStructure("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1"), patient);
  EXPECT_EQ(FindStructure("http://hl7.org/fhir/StructureDefinition/Patient|3.0.2"), nullptr);
}

TEST(StructureTest, PatientContactName) {
  const ElementDef& name = Element("Patient", "Patient.contact.name");
  EXPECT_EQ(name.path, "Patient.contact.name");
  EXPECT_EQ(name.min, 0u);
  EXPECT_EQ(name.max, 1u);
  EXPECT_EQ(TypeCodes(name), std::vector<std::string_view>{"HumanName"});
  EXPECT_FALSE(name.is_choice());
  EXPECT_EQ(Element("Patient", "Patient.identifier").max, kMany);
}

TEST(StructureTest, ObservationValueIsAChoice) {
  const ElementDef& value = Element("Observation", "Observation.value[x]");
  EXPECT_TRUE(value.is_choice());
  std::vector<std::string_view> expected = {"Quantity", "CodeableConcept", "string", "boolean",
                                            "integer",  "Range",           "Ratio",  "SampledData",
                                            "time",     "dateTime",        "Period"};
  EXPECT_EQ(TypeCodes(value), expected);
}

TEST(StructureTest, ChoiceTypeForJsonName) {
  const ElementDef& value = Element("Observation", "Observation.value[x]");
  ASSERT_NE(ChoiceTypeFor(value, "valueQuantity"), nullptr);
  EXPECT_EQ(ChoiceTypeFor(value, "valueQuantity")->code, "Quantity");
  ASSERT_NE(ChoiceTypeFor(value, "valueDateTime"), nullptr);
  EXPECT_EQ(ChoiceTypeFor(value, "valueDateTime")->code, "dateTime");
  EXPECT_EQ(ChoiceTypeFor(value, "valuedateTime"), nullptr);
  EXPECT_EQ(ChoiceTypeFor(value, "valueDate"), nullptr);
  EXPECT_EQ(ChoiceTypeFor(value, "value"), nullptr);
  EXPECT_EQ(ChoiceTypeFor(value, "effectiveDateTime"), nullptr);
  EXPECT_EQ(ChoiceTypeFor(Element("Observation", "Observation.status"), "status"), nullptr);
}

TEST(StructureTest, ReferenceTargetsAreTypeNames) {
  const ElementDef& subject = Element("Observation", "Observation.subject");
  ASSERT_EQ(subject.types.size(), 1u);
  EXPECT_EQ(subject.types[0].code, "Reference");
  std::vector<std::string_view> targets(subject.types[0].targets.begin(),
                                        subject.types[0].targets.end());
  EXPECT_EQ(targets, (std::vector<std::string_view>{"Patient", "Group", "Device", "Location"}));
}

TEST(StructureTest, QuestionnaireItemItemRefersToItem) {
  const ElementDef& item = Element("Questionnaire", "Questionnaire.item.item");
  EXPECT_EQ(item.content_reference, "#Questionnaire.item");
  EXPECT_TRUE(item.types.empty());
  EXPECT_EQ(item.max, kMany);
}

TEST(StructureTest, PatientInvariants) {
  const ElementDef& contact = Element("Patient", "Patient.contact");
  auto pat1 = std::find_if(contact.constraints.begin(), contact.constraints.end(),
                           [](const Constraint& c) { return c.key == "pat-1"; });
  ASSERT_NE(pat1, contact.constraints.end());
  EXPECT_EQ(pat1->severity, Severity::kError);
  EXPECT_EQ(pat1->expression,
            "name.exists() or telecom.exists() or address.exists() or organization.exists()");
  const ElementDef& root = Element("Patient", "Patient");
  EXPECT_TRUE(std::any_of(root.constraints.begin(), root.constraints.end(),
                          [](const Constraint& c) { return c.key == "dom-2"; }));
  EXPECT_TRUE(Element("Patient", "Patient.modifierExtension").is_modifier);
  EXPECT_TRUE(Element("Patient", "Patient.active").is_modifier);
}

TEST(StructureTest, DescendantsAndChildren) {
  const StructureDef& patient = *FindType("Patient");
  std::span<const ElementDef> below = Descendants(patient, "Patient.contact");
  ASSERT_FALSE(below.empty());
  std::vector<std::string_view> children;
  for (const ElementDef& element : below) {
    EXPECT_TRUE(element.id.starts_with("Patient.contact.")) << element.id;
    if (IsChildOf(element, "Patient.contact")) children.push_back(element.id);
  }
  EXPECT_EQ(children.size(), 10u);  // id, extension, modifierExtension + 7 elements
  EXPECT_NE(std::find(children.begin(), children.end(), "Patient.contact.name"), children.end());
  EXPECT_TRUE(Descendants(patient, "Patient.gender").empty());
  EXPECT_EQ(Descendants(patient, "Patient").size(), patient.elements.size() - 1);
  EXPECT_TRUE(Descendants(patient, "Patient.cont").empty());
}

TEST(StructureTest, PrimitiveRegexes) {
  std::regex date(std::string(FindType("date")->regex));
  EXPECT_TRUE(std::regex_match("2024-02-29", date));
  EXPECT_TRUE(std::regex_match("2024", date));
  EXPECT_FALSE(std::regex_match("2024-13-01", date));
  std::regex id(std::string(FindType("id")->regex));
  EXPECT_TRUE(std::regex_match("abc-1.2", id));
  EXPECT_FALSE(std::regex_match("a b", id));
  EXPECT_EQ(FindType("boolean")->regex, "true|false");
  EXPECT_EQ(Element("string", "string.value").types[0].code, "string");
}

TEST(StructureTest, BelgianProfileByCanonicalAndLegacyAlias) {
  const StructureDef* task = FindStructure(kBeTask);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->name, "BeTask");
  EXPECT_EQ(task->type, "Task");
  EXPECT_EQ(task->derivation, Derivation::kConstraint);
  EXPECT_EQ(task->base_definition, "http://hl7.org/fhir/StructureDefinition/Task");
  EXPECT_EQ(FindStructure("https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-task"),
            task);
  EXPECT_EQ(FindStructure(std::string(kBeTask) + "|" + std::string(task->version)), task);
  EXPECT_EQ(FindStructure(std::string(kBeTask) + "|0.0.1"), nullptr);
  EXPECT_NE(FindStructure("https://www.ehealth.fgov.be/standards/fhir/core-clinical/"
                          "StructureDefinition/be-problem"),
            nullptr);
  EXPECT_EQ(FindStructure("https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/nope"),
            nullptr);
}

// BeTask requires at least one task-candidateList extension (Task.extension 1..*, sliced by url).
TEST(StructureTest, BeTaskRequiresCandidateList) {
  const StructureDef& task = *FindStructure(kBeTask);
  const ElementDef* extension = FindElement(task, "Task.extension");
  ASSERT_NE(extension, nullptr);
  EXPECT_EQ(extension->min, 1u);
  EXPECT_EQ(extension->slicing, SlicingRules::kOpen);
  ASSERT_EQ(extension->discriminators.size(), 1u);
  EXPECT_EQ(extension->discriminators[0].type, DiscriminatorType::kValue);
  EXPECT_EQ(extension->discriminators[0].path, "url");

  const ElementDef* slice = FindElement(task, "Task.extension:task-candidateList");
  ASSERT_NE(slice, nullptr);
  EXPECT_EQ(slice->slice_name, "task-candidateList");
  EXPECT_EQ(slice->path, "Task.extension");
  EXPECT_EQ(slice->min, 1u);
  ASSERT_EQ(slice->types.size(), 1u);
  EXPECT_EQ(slice->types[0].code, "Extension");
  ASSERT_EQ(slice->types[0].profiles.size(), 1u);
  EXPECT_EQ(slice->types[0].profiles[0], kCandidateList);
  EXPECT_GT(slice->order, extension->order);

  const ElementDef* url = FindElement(task, "Task.extension:task-candidateList.url");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ(url->value_rule, ValueRule::kFixed);
  EXPECT_EQ(url->value_type, "Uri");
  EXPECT_EQ(url->value_json, "\"" + std::string(kCandidateList) + "\"");
  EXPECT_TRUE(IsChildOf(*url, "Task.extension:task-candidateList"));

  const ElementDef* value = FindElement(task, "Task.extension:task-candidateList.value[x]");
  ASSERT_NE(value, nullptr);
  ASSERT_EQ(value->types.size(), 1u);
  EXPECT_EQ(value->types[0].code, "Reference");
  EXPECT_NE(
      std::find(value->types[0].targets.begin(), value->types[0].targets.end(), "RelatedPerson"),
      value->types[0].targets.end());
}

// The R4 core resource profiles (vitalsigns and its children), extension definitions and data
// type profiles share Profiles() with the Belgian profiles.
TEST(StructureTest, CoreProfilesAndExtensions) {
  constexpr std::string_view kCore = "http://hl7.org/fhir/StructureDefinition/";
  EXPECT_GE(Profiles().size(), 450u);
  const StructureDef* vitals = FindStructure(std::string(kCore) + "vitalsigns|4.0.1");
  ASSERT_NE(vitals, nullptr);
  EXPECT_EQ(vitals->type, "Observation");
  EXPECT_EQ(vitals->kind, StructureKind::kResource);
  EXPECT_EQ(vitals->derivation, Derivation::kConstraint);
  const ElementDef* category = FindElement(*vitals, "Observation.category:VSCat");
  ASSERT_NE(category, nullptr);
  EXPECT_EQ(category->min, 1u);
  const StructureDef* bmi = FindStructure(std::string(kCore) + "bmi");
  ASSERT_NE(bmi, nullptr);
  EXPECT_EQ(bmi->base_definition, std::string(kCore) + "vitalsigns");
  EXPECT_EQ(FindType("vitalsigns"), nullptr);

  // A target that is a core profile, not a core type, keeps its canonical.
  const ElementDef* member =
      FindElement(*FindStructure(std::string(kCore) + "vitalspanel"), "Observation.hasMember");
  ASSERT_NE(member, nullptr);
  ASSERT_EQ(member->types.size(), 1u);
  EXPECT_NE(std::find(member->types[0].targets.begin(), member->types[0].targets.end(),
                      std::string(kCore) + "vitalsigns"),
            member->types[0].targets.end());

  const StructureDef* candidates = FindStructure(kCandidateList);
  ASSERT_NE(candidates, nullptr);
  EXPECT_EQ(candidates->type, "Extension");
  EXPECT_EQ(candidates->kind, StructureKind::kComplexType);
  const ElementDef* de =
      FindElement(*FindStructure(std::string(kCore) + "elementdefinition-de"), "ElementDefinition");
  EXPECT_NE(de, nullptr);

  // R4 binds v3-NullFlavor (version 2018-08-12) with "|4.0.1"; the table drops that version.
  const ElementDef* null_flavor =
      FindElement(*FindStructure(std::string(kCore) + "iso21090-nullFlavor"), "Extension.value[x]");
  ASSERT_NE(null_flavor, nullptr);
  EXPECT_EQ(null_flavor->value_set, "http://terminology.hl7.org/ValueSet/v3-NullFlavor");
  EXPECT_NE(FindValueSet(null_flavor->value_set), nullptr);
}

}  // namespace
}  // namespace zorgbrug::fhir::definitions
