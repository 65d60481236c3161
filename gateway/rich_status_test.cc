#include "gateway/rich_status.h"

#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include "zorgbrug/v1/validation.pb.h"

namespace zorgbrug::gateway {
namespace {

TEST(RichStatus, RoundTripsTheDetail) {
  v1::ValidateResponse response;
  response.set_resource_type("Patient");
  response.add_issues()->set_code("structure");
  const grpc::Status status =
      MakeRichStatus(grpc::StatusCode::INVALID_ARGUMENT, "structure at Patient", response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "structure at Patient");

  v1::ValidateResponse decoded;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), decoded));
  EXPECT_EQ(decoded.resource_type(), "Patient");
  ASSERT_EQ(decoded.issues_size(), 1);
  EXPECT_EQ(decoded.issues(0).code(), "structure");
}

TEST(RichStatus, IsAGoogleRpcStatusOnTheWire) {
  v1::ValidateResponse response;
  const std::string details =
      EncodeStatusDetails(grpc::StatusCode::RESOURCE_EXHAUSTED, "too-costly", response);
  google::protobuf::UnknownFieldSet fields;
  ASSERT_TRUE(fields.ParseFromArray(details.data(), static_cast<int>(details.size())));
  ASSERT_EQ(fields.field_count(), 3);
  EXPECT_EQ(fields.field(0).number(), 1);
  EXPECT_EQ(fields.field(0).varint(), 8u);  // RESOURCE_EXHAUSTED
  EXPECT_EQ(fields.field(1).length_delimited(), "too-costly");
  EXPECT_NE(fields.field(2).length_delimited().find("type.googleapis.com/zorgbrug.v1."
                                                    "ValidateResponse"),
            std::string::npos);
}

TEST(RichStatus, RejectsOtherTypesAndGarbage) {
  v1::ValidateResponse response;
  const std::string details = EncodeStatusDetails(grpc::StatusCode::INTERNAL, "x", response);
  v1::ValidateRequest other;
  EXPECT_FALSE(UnpackStatusDetail(details, other));
  EXPECT_FALSE(UnpackStatusDetail("\xff\xff\xff", response));
  EXPECT_FALSE(UnpackStatusDetail("", response));
}

}  // namespace
}  // namespace zorgbrug::gateway
