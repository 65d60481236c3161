// zorgbrug.v1.Consultations on the real gateway server in-process (127.0.0.1, port 0, TLS with
// dev_certs material), called through the generated stub, on the adapter's golden records: a
// conforming perinatal consultation maps to a validated Bundle with its ChargeItems and back; a
// consultation that breaks a rule is still mapped with its lines refused; bad input is
// INVALID_ARGUMENT naming the field in the status details, and the server keeps serving.

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "gateway/rich_status.h"
#include "tests/gateway/tls_server_suite.h"
#include "zorgbrug/v1/consultation_translation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr std::chrono::milliseconds kTimeout{10'000};
constexpr char kBase[] = "https://organiser.example.be/fhir/NamingSystem";

template <typename Message>
Message Fixture(const std::string& name) {
  std::ifstream in(std::string(ZORGBRUG_CONSULTATION_TESTDATA) + "/golden/" + name);
  std::stringstream text;
  text << in.rdbuf();
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &message)) << name;
  return message;
}

v1::ConsultationToFhirRequest Request(const std::string& name) {
  v1::ConsultationToFhirRequest request;
  *request.mutable_record() = Fixture<v1::ConsultationRecord>(name + ".textproto");
  *request.mutable_context() = Fixture<v1::ConsultationContext>(name + ".context.textproto");
  request.set_local_key_system_base(kBase);
  return request;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class ConsultationTest : public TlsServerSuite {
 protected:
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Consultations::NewStub(Channel());
  }
  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + kTimeout);
    return context;
  }
  grpc::Status ToFhir(const v1::ConsultationToFhirRequest& request,
                      v1::ConsultationToFhirResponse& response) {
    return stub_->ToFhir(Context().get(), request, &response);
  }

  std::unique_ptr<v1::Consultations::Stub> stub_;
};

TEST_F(ConsultationTest, ConformingPerinatalConsultationIsBilledAndRoundTrips) {
  const v1::ConsultationToFhirRequest request = Request("perinatal_four_participants");
  v1::ConsultationToFhirResponse response;
  grpc::Status status = ToFhir(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  EXPECT_TRUE(response.billing().conforms());
  EXPECT_GT(response.billing().total_cents(), 0);
  for (const char* type : {"CareTeam", "Encounter", "Communication", "ChargeItem", "Consent"}) {
    EXPECT_TRUE(Contains(response.bundle_json(), std::string(R"("resourceType":")") + type + "\""))
        << type;
  }

  v1::ConsultationFromFhirRequest back;
  back.set_fhir_json(response.bundle_json());
  back.set_local_key_system_base(kBase);
  v1::ConsultationFromFhirResponse record;
  status = stub_->FromFhir(Context().get(), back, &record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(request.record(), record.record()))
      << record.record().DebugString();
}

TEST_F(ConsultationTest, BrokenRuleIsStillMappedWithItsLinesRefused) {
  v1::ConsultationToFhirResponse response;
  grpc::Status status = ToFhir(Request("mdo_without_gp"), response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.billing().conforms());
  ASSERT_GT(response.billing().lines_size(), 0);
  for (const v1::BillingLine& line : response.billing().lines()) {
    EXPECT_FALSE(line.accepted());
    EXPECT_GT(line.reasons_size(), 0);
  }
  EXPECT_EQ(response.billing().total_cents(), 0);
  EXPECT_TRUE(Contains(response.bundle_json(), R"("status":"not-billable")"));
}

TEST_F(ConsultationTest, BadRecordIsInvalidArgumentNamingTheField) {
  v1::ConsultationToFhirRequest request = Request("perinatal_four_participants");
  request.mutable_record()->mutable_participants(1)->mutable_professional()->set_nihdi("123");
  v1::ConsultationToFhirResponse response;
  grpc::Status status = ToFhir(request, response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ConsultationToFhirResponse details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), details));
  bool named = false;
  for (const v1::Issue& issue : details.issues()) {
    named = named || issue.expression() == "record.participants[1].professional.nihdi";
  }
  EXPECT_TRUE(named) << details.operation_outcome_json();

  // The server keeps serving.
  status = ToFhir(Request("perinatal_four_participants"), response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ConsultationTest, BillAloneAppliesTheRules) {
  v1::BillRequest request;
  const v1::ConsultationToFhirRequest full = Request("perinatal_five_insured_professionals");
  *request.mutable_record() = full.record();
  *request.mutable_context() = full.context();
  v1::BillResponse response;
  grpc::Status status = stub_->Bill(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int refused = 0;
  for (const v1::BillingLine& line : response.billing().lines()) refused += line.accepted() ? 0 : 1;
  EXPECT_GE(refused, 1);
}

TEST_F(ConsultationTest, MalformedFhirIsInvalidArgument) {
  v1::ConsultationFromFhirRequest request;
  request.set_fhir_json("{\"resourceType\": \"Bundle\", ");
  request.set_local_key_system_base(kBase);
  v1::ConsultationFromFhirResponse response;
  grpc::Status status = stub_->FromFhir(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace zorgbrug::gateway
