#include "gateway/validation_service.h"

#include <gtest/gtest.h>

#include <string>

#include "gateway/rich_status.h"

namespace zorgbrug::gateway {
namespace {

ValidationResult Validate(std::string_view json) {
  return ValidateFhirJson(json, {}, ValidateOptions{});
}

TEST(StatusFor, ReadableResourceIsOk) {
  EXPECT_TRUE(StatusFor(Validate(R"({"resourceType":"Patient"})")).ok());
}

TEST(StatusFor, BrokenJsonIsInvalidArgumentWithTheResponseAttached) {
  const ValidationResult result = Validate(R"({"resourceType":"Patient","name":[}])");
  const grpc::Status status = StatusFor(result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("structure", 0), 0u) << status.error_message();
  v1::ValidateResponse attached;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), attached));
  EXPECT_EQ(attached.SerializeAsString(), result.response.SerializeAsString());
}

TEST(StatusFor, ExceededLimitIsResourceExhausted) {
  ValidateOptions options;
  options.limits.max_depth = 3;
  const ValidationResult result =
      ValidateFhirJson(R"({"resourceType":"Patient","extension":[[[]]]})", {}, options);
  const grpc::Status status = StatusFor(result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("max_depth"), std::string::npos) << status.error_message();
}

TEST(StatusFor, KeepsDetailsSmallWhenIssuesAreHuge) {
  ValidationResult result;
  const fhir::Issue huge{fhir::Severity::kError, fhir::IssueType::kStructure,
                         "Patient." + std::string(100'000, 'k'), std::string(50'000, 'd')};
  result.issues = {huge, huge};
  result.rejection = huge;
  FillResponse(result.issues, /*readable=*/false, /*strict=*/false, result.response);
  ASSERT_GT(result.response.ByteSizeLong(), 300'000u);

  const grpc::Status status = StatusFor(result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(status.error_details().size(), 4096u);
  EXPECT_LE(status.error_message().size(), 600u);
  v1::ValidateResponse attached;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), attached));
  ASSERT_GE(attached.issues_size(), 1);
  EXPECT_FALSE(attached.valid());
  EXPECT_EQ(attached.issues(0).code(), "structure");
  EXPECT_TRUE(attached.issues(0).expression().ends_with("...")) << attached.issues(0).expression();
  EXPECT_TRUE(attached.issues(0).diagnostics().ends_with("..."));
  EXPECT_NE(attached.operation_outcome_json().find("kkk..."), std::string::npos);
}

}  // namespace
}  // namespace zorgbrug::gateway
