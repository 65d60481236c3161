#include "fhir/r4/resource_types.h"

#include <algorithm>
#include <string_view>

#include <gtest/gtest.h>

namespace zorgbrug::fhir::r4 {
namespace {

TEST(ResourceTypesTest, KnowsConcreteTypes) {
  for (std::string_view name : {"Account", "Bundle", "Patient", "Observation", "OperationOutcome",
                                "Parameters", "Binary", "VisionPrescription"}) {
    EXPECT_TRUE(IsResourceType(name)) << name;
  }
}

TEST(ResourceTypesTest, RejectsAbstractDataTypesAndNearMisses) {
  for (std::string_view name : {"Resource", "DomainResource", "HumanName", "CodeableConcept",
                                "BackboneElement", "patient", "Patient ", "", "Patients"}) {
    EXPECT_FALSE(IsResourceType(name)) << name;
  }
}

TEST(ResourceTypesTest, TableIsSortedUniqueAndConsistent) {
  std::span<const std::string_view> types = ResourceTypes();
  ASSERT_GT(types.size(), 140u);  // R4 4.0.1 defines 146 concrete resource types
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  EXPECT_EQ(std::adjacent_find(types.begin(), types.end()), types.end());
  for (std::string_view name : types) EXPECT_TRUE(IsResourceType(name)) << name;
}

}  // namespace
}  // namespace zorgbrug::fhir::r4
