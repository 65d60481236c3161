// The real gateway server in-process on 127.0.0.1, port 0, over TLS with certificates made by
// dev_certs, called through the generated stub. Every test that sends bad input checks afterwards
// that the server still answers a good call.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "gateway/client.h"
#include "gateway/commands.h"
#include "gateway/dev_certs.h"
#include "gateway/server.h"
#include "tests/gateway/grpc_probe.h"
#include "tests/gateway/scratch_store.h"
#include "tests/gateway/tls_server_suite.h"
#include "zorgbrug/v1/validation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

using std::chrono::milliseconds;
using zorgbrug::testing::CheckHealth;
using zorgbrug::testing::kServing;
using zorgbrug::testing::ListServices;

constexpr milliseconds kTimeout{10'000};
constexpr size_t kMaxMessageBytes = 64 << 10;

constexpr std::string_view kPatient =
    R"({"resourceType":"Patient","id":"p1","text":{"status":"generated","div":)"
    R"("<div xmlns=\"http://www.w3.org/1999/xhtml\">An Peeters</div>"},)"
    R"("name":[{"family":"Peeters","given":["An"]}]})";

v1::ValidateRequest Request(std::string_view json) {
  v1::ValidateRequest request;
  request.set_fhir_json(std::string(json));
  return request;
}

std::string DeeplyNested(int depth) {
  return R"({"resourceType":"Patient","extension":)" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

class GatewayServerTest : public TlsServerSuite {
 protected:
  static void SetUpTestSuite() { StartServer(kMaxMessageBytes); }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    channel_ = Channel();
    stub_ = v1::Validation::NewStub(channel_);
  }

  ValidateCall Call(std::string_view json) { return CallValidate(*stub_, Request(json), kTimeout); }

  void ExpectStillServing() {
    const ValidateCall call = Call(kPatient);
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    EXPECT_TRUE(call.response->valid());
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Validation::Stub> stub_;
};

TEST_F(GatewayServerTest, ValidResourceIsOkAndValid) {
  const ValidateCall call = Call(kPatient);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  ASSERT_TRUE(call.response);
  EXPECT_TRUE(call.response->valid());
  EXPECT_EQ(call.response->resource_type(), "Patient");
  EXPECT_EQ(call.response->counts().error(), 0);
  EXPECT_NE(call.response->operation_outcome_json().find("OperationOutcome"), std::string::npos);
}

TEST_F(GatewayServerTest, BrokenJsonIsInvalidArgumentWithOperationOutcomeNamingTheLocation) {
  const ValidateCall call = Call(R"({"resourceType":"Patient","name":[{"family":}]})");
  ASSERT_EQ(call.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(call.response) << "no ValidateResponse in the status details";
  EXPECT_FALSE(call.response->valid());
  ASSERT_GE(call.response->issues_size(), 1);
  const v1::Issue& issue = call.response->issues(0);
  EXPECT_EQ(issue.severity(), v1::SEVERITY_ERROR);
  EXPECT_EQ(issue.code(), "structure");
  EXPECT_EQ(issue.expression().rfind("Patient.name[0]", 0), 0u) << issue.expression();
  EXPECT_NE(call.status.error_message().find("structure at " + issue.expression()),
            std::string::npos)
      << call.status.error_message();
  EXPECT_NE(call.response->operation_outcome_json().find(R"("code":"structure")"),
            std::string::npos);
  ExpectStillServing();
}

TEST_F(GatewayServerTest, OverDeepNestingIsResourceExhaustedNamingMaxDepth) {
  const ValidateCall call = Call(DeeplyNested(500));
  ASSERT_EQ(call.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(call.status.error_message().find("max_depth"), std::string::npos)
      << call.status.error_message();
  ASSERT_TRUE(call.response);
  ASSERT_GE(call.response->issues_size(), 1);
  EXPECT_EQ(call.response->issues(0).code(), "too-costly");
  ExpectStillServing();
}

TEST_F(GatewayServerTest, MessageLargerThanMaxIsResourceExhausted) {
  const std::string big =
      R"({"resourceType":"Patient","id":")" + std::string(kMaxMessageBytes + 1024, 'a') + R"("})";
  const ValidateCall call = Call(big);
  EXPECT_EQ(call.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(call.status.error_message().find(std::to_string(kMaxMessageBytes)), std::string::npos)
      << call.status.error_message();
  EXPECT_FALSE(call.response);
  ExpectStillServing();
}

TEST_F(GatewayServerTest, NotAResourceIsInvalidArgument) {
  for (std::string_view input : {"", R"({"resourceType":"NoSuchType"})", "[]", "\xc3\x28"}) {
    const ValidateCall call = Call(input);
    EXPECT_EQ(call.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << input;
    EXPECT_TRUE(call.response) << input;
  }
  ExpectStillServing();
}

TEST_F(GatewayServerTest, ProfilesAreEnforcedAndFindingsNameTheElement) {
  v1::ValidateRequest request = Request(
      R"({"resourceType":"Patient","identifier":[{"system":)"
      R"("https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin","value":"85073100329"}]})");
  request.add_profiles(
      "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-patient");
  const ValidateCall call = CallValidate(*stub_, request, kTimeout);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_FALSE(call.response->valid());
  bool found = false;
  for (const v1::Issue& issue : call.response->issues()) {
    found = found || (issue.expression() == "Patient.identifier[0].value" &&
                      issue.severity() == v1::SEVERITY_ERROR);
  }
  EXPECT_TRUE(found) << call.response->operation_outcome_json();
  ExpectStillServing();
}

TEST_F(GatewayServerTest, HealthIsServing) {
  EXPECT_EQ(CheckHealth(*channel_, "", kTimeout).value_or(-1), kServing);
  EXPECT_EQ(CheckHealth(*channel_, "zorgbrug.v1.Validation", kTimeout).value_or(-1), kServing);
  EXPECT_EQ(CheckHealth(*channel_, "no.such.Service", kTimeout).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(GatewayServerTest, ReflectionListsTheServices) {
  absl::StatusOr<std::vector<std::string>> services = ListServices(*channel_, kTimeout);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_NE(std::find(services->begin(), services->end(), "zorgbrug.v1.Validation"),
            services->end());
  EXPECT_NE(std::find(services->begin(), services->end(), "zorgbrug.v1.EpdTranslation"),
            services->end());
  EXPECT_NE(std::find(services->begin(), services->end(), "grpc.health.v1.Health"),
            services->end());
}

TEST_F(GatewayServerTest, LocalhostNameIsCoveredByTheCertificate) {
  const std::string target = "localhost:" + std::to_string(server_->port());
  auto stub = v1::Validation::NewStub(MakeChannel({target, tls_->ca_cert_pem, false}));
  const ValidateCall call = CallValidate(*stub, Request(kPatient), kTimeout);
  EXPECT_TRUE(call.status.ok()) << call.status.error_message();
}

TEST_F(GatewayServerTest, PlaintextClientFails) {
  auto stub = v1::Validation::NewStub(MakeChannel({server_->address(), "", true}));
  const ValidateCall call = CallValidate(*stub, Request(kPatient), milliseconds(3000));
  EXPECT_FALSE(call.status.ok());
  EXPECT_FALSE(call.response);
  ExpectStillServing();
}

TEST_F(GatewayServerTest, ClientTrustingAnotherCaFails) {
  absl::StatusOr<TlsMaterial> other = GenerateDevTlsMaterial();
  ASSERT_TRUE(other.ok());
  auto stub = v1::Validation::NewStub(MakeChannel({server_->address(), other->ca_cert_pem, false}));
  const ValidateCall call = CallValidate(*stub, Request(kPatient), milliseconds(3000));
  EXPECT_EQ(call.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  ExpectStillServing();
}

TEST(GatewayServer, RefusesTlsWithoutCertificateAndBadOptions) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  EXPECT_EQ(GatewayServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.plaintext = true;
  options.max_message_bytes = 10;
  EXPECT_EQ(GatewayServer::Start(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GatewayServer, DrainStopsServingAndRefusesNewCalls) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.plaintext = true;  // this test is about draining, not TLS
  UseScratchStore(options);
  absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = MakeChannel({(*server)->address(), "", true});
  auto stub = v1::Validation::NewStub(channel);
  ASSERT_TRUE(CallValidate(*stub, Request(kPatient), kTimeout).status.ok());

  (*server)->Drain(std::chrono::system_clock::now() + milliseconds(2000));
  const ValidateCall after = CallValidate(*stub, Request(kPatient), milliseconds(2000));
  EXPECT_FALSE(after.status.ok());
  (*server)->Drain(std::chrono::system_clock::now());  // idempotent

  // `zorgbrug call validate` reports an unreachable gateway with its own exit code.
  const std::string file = ::testing::TempDir() + "drain_patient.json";
  std::ofstream(file) << kPatient;
  CallValidateCommand command;
  command.validate.files = {file};
  command.target = (*server)->address();
  command.plaintext = true;
  command.timeout_seconds = 2;
  std::ostringstream out, err;
  EXPECT_EQ(RunCallValidate(command, out, err), kExitUnavailable);
  EXPECT_NE(err.str().find("UNAVAILABLE"), std::string::npos) << err.str();
}

TEST_F(GatewayServerTest, CallCommandPrintsResultsAndExitCodes) {
  const std::string ca = ::testing::TempDir() + "call_ca.crt";
  const std::string good = ::testing::TempDir() + "call_good.json";
  const std::string bad = ::testing::TempDir() + "call_bad.json";
  std::ofstream(ca) << tls_->ca_cert_pem;
  std::ofstream(good) << kPatient;
  std::ofstream(bad) << DeeplyNested(300);
  CallValidateCommand command;
  command.target = server_->address();
  command.ca_cert_file = ca;
  command.validate.files = {good};
  std::ostringstream out, err;
  EXPECT_EQ(RunCallValidate(command, out, err), kExitValid) << err.str();
  EXPECT_NE(out.str().find("call_good.json: valid Patient"), std::string::npos) << out.str();

  command.validate.files = {good, bad};
  out.str("");
  EXPECT_EQ(RunCallValidate(command, out, err), kExitInvalid) << err.str();
  EXPECT_NE(out.str().find("error too-costly"), std::string::npos) << out.str();
  ExpectStillServing();
}

}  // namespace
}  // namespace zorgbrug::gateway
