// The compiled expansions of the value sets of required bindings (structure.h).

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "fhir/definitions/structure.h"

namespace zorgbrug::fhir::definitions {
namespace {

constexpr std::string_view kGender = "http://hl7.org/fhir/administrative-gender";

TEST(ValueSetsTest, AdministrativeGender) {
  const ValueSetDef* gender = FindValueSet("http://hl7.org/fhir/ValueSet/administrative-gender");
  ASSERT_NE(gender, nullptr);
  EXPECT_TRUE(gender->expandable);
  EXPECT_EQ(gender->version, "4.0.1");
  ASSERT_EQ(gender->codes.size(), 4u);
  for (std::string_view code : {"male", "female", "other", "unknown"}) {
    EXPECT_TRUE(ContainsCode(*gender, kGender, code)) << code;
    EXPECT_TRUE(ContainsCode(*gender, "", code)) << code;
  }
  EXPECT_FALSE(ContainsCode(*gender, kGender, "M"));
  EXPECT_FALSE(ContainsCode(*gender, "http://example.org/other-system", "male"));
}

// item-type "question" is an abstract grouping code (notSelectable) that instances may not use.
TEST(ValueSetsTest, NotSelectableCodesAreLeftOut) {
  const ValueSetDef* item_type = FindValueSet("http://hl7.org/fhir/ValueSet/item-type|4.0.1");
  ASSERT_NE(item_type, nullptr);
  EXPECT_TRUE(ContainsCode(*item_type, "http://hl7.org/fhir/item-type", "group"));
  EXPECT_TRUE(ContainsCode(*item_type, "http://hl7.org/fhir/item-type", "boolean"));
  EXPECT_FALSE(ContainsCode(*item_type, "http://hl7.org/fhir/item-type", "question"));
}

TEST(ValueSetsTest, VersionedCanonicalsResolve) {
  const ValueSetDef* gender = FindValueSet("http://hl7.org/fhir/ValueSet/administrative-gender");
  EXPECT_EQ(FindValueSet("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1"), gender);
  EXPECT_EQ(FindValueSet("http://hl7.org/fhir/ValueSet/administrative-gender|3.0.2"), nullptr);
  EXPECT_EQ(FindValueSet("http://hl7.org/fhir/ValueSet/not-a-value-set"), nullptr);
}

// Every required binding of the core types and profiles has a table entry; its codes are sorted
// for ContainsCode and present exactly when the value set is expandable.
TEST(ValueSetsTest, EveryRequiredBindingHasAnEntry) {
  size_t expandable = 0;
  for (const ValueSetDef& value_set : ValueSets()) {
    EXPECT_EQ(value_set.expandable, !value_set.codes.empty()) << value_set.url;
    EXPECT_EQ(value_set.expandable, value_set.note.empty()) << value_set.url;
    EXPECT_LE(value_set.codes.size(), 200u);
    EXPECT_TRUE(std::is_sorted(value_set.codes.begin(), value_set.codes.end(),
                               [](const Code& a, const Code& b) { return a.code < b.code; }));
    if (value_set.expandable) ++expandable;
  }
  EXPECT_GT(expandable, 200u);
  for (auto table : {CoreStructures(), Profiles()}) {
    for (const StructureDef& structure : table) {
      for (const ElementDef& element : structure.elements) {
        if (element.binding != BindingStrength::kRequired || element.value_set.empty()) continue;
        EXPECT_NE(FindValueSet(element.value_set), nullptr) << element.id;
      }
    }
  }
  const ElementDef* gender = FindElement(*FindType("Patient"), "Patient.gender");
  ASSERT_NE(gender, nullptr);
  EXPECT_EQ(gender->binding, BindingStrength::kRequired);
  EXPECT_EQ(gender->value_set, "http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1");
}

TEST(ValueSetsTest, NotExpandableValueSetsSayWhy) {
  const ValueSetDef* mime = FindValueSet("http://hl7.org/fhir/ValueSet/mimetypes");
  ASSERT_NE(mime, nullptr);
  EXPECT_FALSE(mime->expandable);
  EXPECT_NE(mime->note.find("urn:ietf:bcp:13"), std::string_view::npos);
  const ValueSetDef* bodysite = FindValueSet(
      "https://www.ehealth.fgov.be/standards/fhir/terminology/ValueSet/be-vs-bodysite");
  ASSERT_NE(bodysite, nullptr);
  EXPECT_FALSE(bodysite->expandable);
  EXPECT_NE(bodysite->note.find("filter"), std::string_view::npos);
}

TEST(ValueSetsTest, BelgianValueSetFromBelgianCodeSystem) {
  const ValueSetDef* origin = FindValueSet(
      "https://www.ehealth.fgov.be/standards/fhir/terminology/ValueSet/be-vs-problem-origin-type");
  ASSERT_NE(origin, nullptr);
  EXPECT_TRUE(origin->expandable);
  EXPECT_TRUE(ContainsCode(*origin,
                           "https://www.ehealth.fgov.be/standards/fhir/core-clinical/CodeSystem/"
                           "be-cs-problem-origin-type",
                           "referral"));
}

}  // namespace
}  // namespace zorgbrug::fhir::definitions
