#include "gateway/validate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zorgbrug::gateway {
namespace {

using fhir::IssueType;

constexpr std::string_view kPatient =
    R"({"resourceType":"Patient","id":"p1","text":{"status":"generated","div":)"
    R"("<div xmlns=\"http://www.w3.org/1999/xhtml\">An Peeters</div>"},)"
    R"("birthDate":"1961-04-12","name":[{"family":"Peeters"}]})";

std::string DeeplyNested(int depth) {
  return R"({"resourceType":"Patient","extension":)" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

ValidationResult Validate(std::string_view json, std::vector<std::string> profiles = {},
                          bool strict = false) {
  ValidateOptions options;
  options.strict = strict;
  return ValidateFhirJson(json, profiles, options);
}

TEST(Validate, ValidPatientIsValidWithOneInformationIssue) {
  const ValidationResult r = Validate(kPatient);
  EXPECT_FALSE(r.rejection);
  EXPECT_TRUE(r.response.valid());
  EXPECT_EQ(r.response.resource_type(), "Patient");
  ASSERT_EQ(r.response.issues_size(), 1);
  EXPECT_EQ(r.response.issues(0).severity(), v1::SEVERITY_INFORMATION);
  EXPECT_EQ(r.response.counts().information(), 1);
  EXPECT_NE(r.response.operation_outcome_json().find(R"("resourceType":"OperationOutcome")"),
            std::string::npos);
}

TEST(Validate, BrokenJsonIsRejectedWithStructureIssue) {
  const ValidationResult r = Validate(R"({"resourceType":"Patient","name":[{"family":}]})");
  ASSERT_TRUE(r.rejection);
  EXPECT_EQ(r.rejection->type, IssueType::kStructure);
  EXPECT_FALSE(r.response.valid());
  EXPECT_TRUE(r.response.resource_type().empty());
  ASSERT_GE(r.response.issues_size(), 1);
  EXPECT_EQ(r.response.issues(0).severity(), v1::SEVERITY_ERROR);
  EXPECT_EQ(r.response.issues(0).code(), "structure");
  EXPECT_EQ(r.response.issues(0).expression(), r.rejection->expression);
  EXPECT_EQ(r.response.counts().error(), 1);
  EXPECT_NE(r.response.operation_outcome_json().find(R"("code":"structure")"), std::string::npos);
}

TEST(Validate, OverDeepNestingIsRejectedNamingMaxDepth) {
  const ValidationResult r = Validate(DeeplyNested(200));
  ASSERT_TRUE(r.rejection);
  EXPECT_EQ(r.rejection->type, IssueType::kTooCostly);
  EXPECT_NE(r.rejection->diagnostics.find("max_depth"), std::string::npos)
      << r.rejection->diagnostics;
}

TEST(Validate, InputOverMaxBytesIsRejectedAsTooLong) {
  ValidateOptions options;
  options.limits.max_bytes = 16;
  const ValidationResult r = ValidateFhirJson(kPatient, {}, options);
  ASSERT_TRUE(r.rejection);
  EXPECT_EQ(r.rejection->type, IssueType::kTooLong);
}

TEST(Validate, NonResourcesAreRejected) {
  for (std::string_view input :
       {R"({"resourceType":"NoSuchType"})", R"({"id":"x"})", "[1,2]", "", "\xff\xfe"}) {
    const ValidationResult r = Validate(input);
    EXPECT_TRUE(r.rejection) << input;
    EXPECT_FALSE(r.response.valid()) << input;
    EXPECT_GE(r.response.counts().error() + r.response.counts().fatal(), 1) << input;
  }
}

TEST(Validate, UnknownProfilesAreWarningsOrErrorsWhenStrict) {
  const ValidationResult r = Validate(kPatient, {"http://example.org/StructureDefinition/a"});
  EXPECT_FALSE(r.rejection);
  EXPECT_TRUE(r.response.valid());
  ASSERT_EQ(r.response.issues_size(), 1);
  EXPECT_EQ(r.response.issues(0).severity(), v1::SEVERITY_WARNING);
  EXPECT_EQ(r.response.issues(0).code(), "not-supported");
  const ValidationResult strict =
      Validate(kPatient, {"http://example.org/StructureDefinition/a"}, /*strict=*/true);
  EXPECT_FALSE(strict.response.valid());
  EXPECT_EQ(strict.response.counts().error(), 1);
  EXPECT_TRUE(Validate(kPatient, {}, /*strict=*/true).response.valid());
}

TEST(Validate, RequestedProfilesAreEnforced) {
  constexpr std::string_view kBadSsin =
      R"({"resourceType":"Patient","identifier":[{"system":)"
      R"("https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin","value":"85073100329"}]})";
  const ValidationResult r = Validate(
      kBadSsin, {"https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-patient"});
  EXPECT_FALSE(r.rejection);
  EXPECT_FALSE(r.response.valid());
  bool found = false;
  for (const v1::Issue& issue : r.response.issues()) {
    if (issue.expression() == "Patient.identifier[0].value") {
      found = true;
      EXPECT_EQ(issue.severity(), v1::SEVERITY_ERROR);
      EXPECT_EQ(issue.diagnostics().find("85073100329"), std::string::npos);
    }
  }
  EXPECT_TRUE(found) << r.response.operation_outcome_json();
  EXPECT_EQ(Validate(kBadSsin).response.counts().error(), 0) << "only BePatient checks digits";
}

TEST(Validate, UnknownElementsAreErrorsOnlyWhenStrict) {
  constexpr std::string_view kUnknown = R"({"resourceType":"Patient","nickname":"An"})";
  EXPECT_TRUE(Validate(kUnknown).response.valid());
  const ValidationResult strict = Validate(kUnknown, {}, /*strict=*/true);
  EXPECT_FALSE(strict.response.valid());
  EXPECT_EQ(strict.response.issues(0).expression(), "Patient.nickname");
}

TEST(Validate, TooManyOrEmptyProfilesRejectTheRequest) {
  const ValidationResult many = Validate(kPatient, std::vector<std::string>(kMaxProfiles + 1, "u"));
  ASSERT_TRUE(many.rejection);
  EXPECT_EQ(many.rejection->type, IssueType::kValue);
  const ValidationResult empty = Validate(kPatient, {""});
  ASSERT_TRUE(empty.rejection);
  EXPECT_NE(empty.rejection->diagnostics.find("profiles[0]"), std::string::npos);
}

}  // namespace
}  // namespace zorgbrug::gateway
