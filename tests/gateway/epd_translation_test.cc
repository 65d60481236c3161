// zorgbrug.v1.EpdTranslation on the real gateway server in-process (127.0.0.1, port 0, TLS with
// dev_certs material), called through the generated stub: a record maps to a validated Bundle and
// back, bad input is INVALID_ARGUMENT naming the field in the status details, and the server keeps
// serving.

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "gateway/client.h"
#include "gateway/dev_certs.h"
#include "gateway/rich_status.h"
#include "gateway/server.h"
#include "tests/gateway/tls_server_suite.h"
#include "zorgbrug/v1/epd_translation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr std::chrono::milliseconds kTimeout{10'000};
constexpr char kBase[] = "https://epd.azvoorbeeld.be/fhir/NamingSystem";

constexpr char kRecord[] = R"pb(
  patients {
    local_key: "P-1001"
    ssin: "85073100328"
    names { use: NAME_USE_OFFICIAL family: "Peeters" given: "An" }
    birth_date { year: 1985 month: 7 day: 31 }
    gender: GENDER_FEMALE
  }
  encounters {
    local_key: "E-1"
    patient_local_key: "P-1001"
    encounter_class: ENCOUNTER_CLASS_AMBULATORY
    status: ENCOUNTER_STATUS_FINISHED
    start { seconds: 1790928000 }
    end { seconds: 1790929800 }
  }
  pregnancies {
    local_key: "Z-1"
    patient_local_key: "P-1001"
    last_menstrual_period { year: 2026 month: 3 day: 1 }
    expected_delivery_date { year: 2026 month: 12 day: 6 }
    number_of_fetuses: 2
    recorded_at { seconds: 1779000000 }
  }
)pb";

class EpdTranslationTest : public TlsServerSuite {
 protected:
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    stub_ = v1::EpdTranslation::NewStub(Channel());
  }

  grpc::Status ToFhir(const v1::ToFhirRequest& request, v1::ToFhirResponse& response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kTimeout);
    return stub_->ToFhir(&context, request, &response);
  }
  grpc::Status FromFhir(const v1::FromFhirRequest& request, v1::FromFhirResponse& response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kTimeout);
    return stub_->FromFhir(&context, request, &response);
  }
  static v1::ToFhirRequest Request(const char* text) {
    v1::ToFhirRequest request;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, request.mutable_record()));
    request.set_local_key_system_base(kBase);
    return request;
  }

  std::unique_ptr<v1::EpdTranslation::Stub> stub_;
};

TEST_F(EpdTranslationTest, RecordMapsToAValidatedBundleAndBack) {
  const v1::ToFhirRequest request = Request(kRecord);
  v1::ToFhirResponse response;
  grpc::Status status = ToFhir(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  EXPECT_NE(response.bundle_json().find(R"("resourceType":"Bundle")"), std::string::npos);
  EXPECT_NE(response.bundle_json().find("82810-3"), std::string::npos);

  v1::FromFhirRequest back;
  back.set_fhir_json(response.bundle_json());
  back.set_local_key_system_base(kBase);
  v1::FromFhirResponse record;
  status = FromFhir(back, record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(record.record(), request.record()))
      << record.record().DebugString();
}

TEST_F(EpdTranslationTest, InvalidSsinIsInvalidArgumentNamingTheField) {
  v1::ToFhirRequest request = Request(kRecord);
  request.mutable_record()->mutable_patients(0)->set_ssin("85073100329");
  v1::ToFhirResponse response;
  grpc::Status status = ToFhir(request, response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  v1::ToFhirResponse details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), details));
  bool named = false;
  for (const v1::Issue& issue : details.issues()) {
    named = named || issue.expression() == "patients[0].ssin";
    EXPECT_EQ(issue.diagnostics().find("85073100329"), std::string::npos);
  }
  EXPECT_TRUE(named) << details.operation_outcome_json();
  EXPECT_EQ(status.error_message().find("85073100329"), std::string::npos);
  // Still serving.
  EXPECT_TRUE(ToFhir(Request(kRecord), response).ok());
}

TEST_F(EpdTranslationTest, MissingKeyNamespaceIsInvalidArgument) {
  v1::ToFhirRequest request = Request(kRecord);
  request.clear_local_key_system_base();
  v1::ToFhirResponse response;
  EXPECT_EQ(ToFhir(request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EpdTranslationTest, UnreadableFhirIsInvalidArgumentAndForeignElementsAreReported) {
  v1::FromFhirRequest request;
  request.set_local_key_system_base(kBase);
  request.set_fhir_json(R"({"resourceType":"Patient",)");
  v1::FromFhirResponse response;
  EXPECT_EQ(FromFhir(request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  request.set_fhir_json(
      R"({"resourceType":"Patient","identifier":[{"system":")" + std::string(kBase) +
      R"(/patient","value":"P-9"}],"gender":"female","telecom":[{"system":"phone","value":"1"}]})");
  grpc::Status status = FromFhir(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.record().patients_size(), 1);
  EXPECT_EQ(response.record().patients(0).local_key(), "P-9");
  bool reported = false;
  for (const v1::Issue& issue : response.issues()) {
    reported = reported || (issue.severity() == v1::SEVERITY_INFORMATION &&
                            issue.expression().rfind("Patient.telecom", 0) == 0);
  }
  EXPECT_TRUE(reported) << response.operation_outcome_json();
}

}  // namespace
}  // namespace zorgbrug::gateway
