#include "gateway/error_table.h"

#include <gtest/gtest.h>

#include <vector>

namespace zorgbrug::gateway {
namespace {

using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;
using grpc::StatusCode;

TEST(ErrorTable, HasOneRowPerIssueTypeInOrder) {
  std::span<const ErrorMapping> table = ErrorTable();
  ASSERT_EQ(table.size(), static_cast<size_t>(IssueType::kInformational) + 1);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(table[i].type), i);
    EXPECT_EQ(&MappingFor(table[i].type), &table[i]);
  }
}

struct Row {
  IssueType type;
  StatusCode code;
  int http;
  bool retryable;
};

TEST(ErrorTable, MapsContentLimitsPolicyAndFaults) {
  const std::vector<Row> expected = {
      {IssueType::kStructure, StatusCode::INVALID_ARGUMENT, 400, false},
      {IssueType::kInvalid, StatusCode::INVALID_ARGUMENT, 400, false},
      {IssueType::kValue, StatusCode::INVALID_ARGUMENT, 400, false},
      {IssueType::kRequired, StatusCode::INVALID_ARGUMENT, 400, false},
      {IssueType::kDuplicate, StatusCode::INVALID_ARGUMENT, 400, false},
      {IssueType::kNotSupported, StatusCode::INVALID_ARGUMENT, 400, false},
      {IssueType::kTooLong, StatusCode::RESOURCE_EXHAUSTED, 413, false},
      {IssueType::kTooCostly, StatusCode::RESOURCE_EXHAUSTED, 413, false},
      {IssueType::kBusinessRule, StatusCode::FAILED_PRECONDITION, 422, false},
      {IssueType::kForbidden, StatusCode::PERMISSION_DENIED, 403, false},
      {IssueType::kConflict, StatusCode::ABORTED, 409, false},
      {IssueType::kTransient, StatusCode::UNAVAILABLE, 503, true},
      {IssueType::kTimeout, StatusCode::UNAVAILABLE, 503, true},
      {IssueType::kException, StatusCode::INTERNAL, 500, false},
      {IssueType::kInformational, StatusCode::OK, 200, false},
  };
  for (const Row& row : expected) {
    const ErrorMapping& m = MappingFor(row.type);
    SCOPED_TRACE(std::string(fhir::IssueTypeCode(row.type)));
    EXPECT_EQ(m.grpc_code, row.code);
    EXPECT_EQ(m.http_status, row.http);
    EXPECT_EQ(m.retryable, row.retryable);
  }
}

TEST(ErrorTable, OnlyTransientFaultsAreRetryable) {
  for (const ErrorMapping& m : ErrorTable()) {
    EXPECT_EQ(m.retryable, m.grpc_code == StatusCode::UNAVAILABLE) << fhir::IssueTypeCode(m.type);
  }
}

TEST(DecisiveIssue, IsFirstErrorOrFatal) {
  const std::vector<Issue> issues = {
      {Severity::kWarning, IssueType::kValue, "Patient.a", "w"},
      {Severity::kError, IssueType::kRequired, "Patient.b", "e"},
      {Severity::kFatal, IssueType::kStructure, "", "f"},
  };
  ASSERT_NE(DecisiveIssue(issues), nullptr);
  EXPECT_EQ(DecisiveIssue(issues)->expression, "Patient.b");
  EXPECT_EQ(DecisiveIssue(std::span(issues).first(1)), nullptr);
}

TEST(ShortIssueMessage, NamesCodeLocationAndDiagnostics) {
  const Issue issue{Severity::kError, IssueType::kTooCostly, "Patient.extension[0]",
                    "nesting deeper than max_depth 100"};
  EXPECT_EQ(ShortIssueMessage(issue),
            "too-costly at Patient.extension[0]: nesting deeper than max_depth 100");
  EXPECT_EQ(ShortIssueMessage({Severity::kError, IssueType::kStructure, "", ""}), "structure");
}

TEST(ShortIssueMessage, CutsLongPartsOnUtf8Boundary) {
  // "é" is two bytes; a cut after 3 bytes must not split the second one.
  const Issue issue{Severity::kError, IssueType::kValue, std::string(500, 'x'), "aéé"};
  const std::string message = ShortIssueMessage(issue, 4);
  EXPECT_EQ(message, "value at xxxx...: a\xC3\xA9...");
}

TEST(GrpcCode, FollowsAbslNumbering) {
  EXPECT_EQ(GrpcCode(absl::OkStatus()), StatusCode::OK);
  EXPECT_EQ(GrpcCode(absl::InvalidArgumentError("x")), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GrpcCode(absl::UnavailableError("x")), StatusCode::UNAVAILABLE);
  EXPECT_EQ(GrpcCode(absl::FailedPreconditionError("x")), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(GrpcCodeName(StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(GrpcCodeName(StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
}

}  // namespace
}  // namespace zorgbrug::gateway
