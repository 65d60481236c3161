// The whole gateway with mutual TLS and the shipped policy (deploy/policy.json), issue #9: each
// role reaches what the policy gives it and nothing else; a refused call runs no handler (nothing
// is stored: the same submission from an allowed client afterwards is new, not a replay) and is
// audited; clients without a certificate, with one from another CA or an expired one are refused;
// the operator reads the audit trail.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/test_util.h"
#include "gateway/audit_event.h"
#include "gateway/client.h"
#include "gateway/files.h"
#include "gateway/messaging_service.h"
#include "gateway/server.h"
#include "tests/gateway/scratch_store.h"
#include "tests/gateway/test_pki.h"
#include "zorgbrug/v1/audit.grpc.pb.h"
#include "zorgbrug/v1/care_plan_sync.grpc.pb.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

using ::zorgbrug::testing::KeyAndCert;
using ::zorgbrug::testing::TestCa;
namespace common = adapters::common;

constexpr char kBase[] = "https://epd.az-oost.example.be/keys";
constexpr char kEpd[] = "https://epd.az-oost.example.be";

std::string Testdata(const std::string& adapter, const std::string& file) {
  return std::string(ZORGBRUG_SOURCE_DIR) + "/adapters/" + adapter + "/testdata/golden/" + file;
}

v1::SubmitBibScreeningRequest Screening(const std::string& id) {
  v1::SubmitBibScreeningRequest request;
  request.mutable_submission()->set_submission_id(id);
  request.mutable_submission()->set_source_system(kEpd);
  const auto golden = common::testutil::LoadTextProto<v1::EvaluateRequest>(
      Testdata("bib", "all_kce_positive.textproto"));
  v1::BibToFhirRequest& translation = *request.mutable_translation();
  *translation.mutable_screening() = golden.screening();
  *translation.mutable_history() = golden.history();
  *translation.mutable_as_of() = golden.as_of();
  translation.mutable_screening()->set_patient_local_key("P-ROLES-1");
  translation.set_local_key_system_base(kBase);
  return request;
}

class RolesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TestCa> ca = TestCa::Create("zorgbrug test clients CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = new TestCa(*std::move(ca));
    absl::StatusOr<TestCa> other = TestCa::Create("someone else's CA");
    ASSERT_TRUE(other.ok()) << other.status();
    other_ca_ = new TestCa(*std::move(other));
    absl::StatusOr<KeyAndCert> server_cert = ca_->IssueServer();
    ASSERT_TRUE(server_cert.ok()) << server_cert.status();

    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    const std::string dir = UseScratchStore(options);
    options.tls.server_cert_pem = server_cert->cert_pem;
    options.tls.server_key_pem = server_cert->key_pem;
    options.client_ca_file = dir + "/client-ca.pem";
    ASSERT_TRUE(WriteFileAtomically(options.client_ca_file, ca_->cert_pem(), 0644).ok());
    options.policy_file = std::string(ZORGBRUG_SOURCE_DIR) + "/deploy/policy.json";
    absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete ca_;
    delete other_ca_;
  }

  // A channel presenting a certificate of `issuer` with CN `name` and OU `role` (none when `name`
  // is empty), valid as `validity` says.
  static std::shared_ptr<grpc::Channel> As(const std::string& name, const std::string& role,
                                           const TestCa* issuer = nullptr,
                                           testing::Validity validity = {}) {
    ClientOptions client{server_->address(), ca_->cert_pem(), false};
    if (!name.empty()) {
      absl::StatusOr<KeyAndCert> cert =
          (issuer != nullptr ? issuer : ca_)->IssueClient(name, role, validity);
      EXPECT_TRUE(cert.ok()) << cert.status();
      client.client_cert_pem = cert->cert_pem;
      client.client_key_pem = cert->key_pem;
    }
    return MakeChannel(client);
  }

  static grpc::Status Submit(const std::shared_ptr<grpc::Channel>& channel,
                             const v1::SubmitBibScreeningRequest& request, bool* replayed) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubmissionResponse response;
    grpc::Status status =
        v1::EpdSubmissions::NewStub(channel)->SubmitBibScreening(&context, request, &response);
    *replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
    return status;
  }

  // The audit records of `client` with `outcome`, after the trail is written.
  static std::vector<store::AuditRecord> Audited(const std::string& client,
                                                 const std::string& outcome) {
    EXPECT_TRUE(server_->audit().Flush(std::chrono::seconds(10)));
    store::AuditQuery query;
    query.client = client;
    query.outcome = outcome;
    query.limit = 1000;
    absl::StatusOr<std::vector<store::AuditRecord>> records = server_->store().Audit(query);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<store::AuditRecord>{};
  }

  static inline TestCa* ca_ = nullptr;
  static inline TestCa* other_ca_ = nullptr;
  static inline GatewayServer* server_ = nullptr;
};

TEST_F(RolesTest, RefusedClientsRunNoHandlerAndAreAudited) {
  const v1::SubmitBibScreeningRequest request = Screening("refused-1");
  bool replayed = false;
  struct Case {
    std::shared_ptr<grpc::Channel> channel;
    grpc::StatusCode expected;
    const char* what;
  };
  const Case cases[] = {
      {As("", ""), grpc::StatusCode::UNAUTHENTICATED, "no certificate"},
      {As("epd-intruder", "epd-vendor", other_ca_), grpc::StatusCode::UNAUTHENTICATED,
       "another CA"},
      {As("epd-expired", "epd-vendor", nullptr, {-7200, -3600}), grpc::StatusCode::UNAUTHENTICATED,
       "expired"},
      {As("bihr-consumer", "bihr-destination"), grpc::StatusCode::PERMISSION_DENIED, "wrong role"},
  };
  for (const Case& refused : cases) {
    EXPECT_EQ(Submit(refused.channel, request, &replayed).error_code(), refused.expected)
        << refused.what;
  }
  // No handler ran: the same submission from an allowed client is new, not a replay.
  ASSERT_TRUE(Submit(As("epd-az-oost", "epd-vendor"), request, &replayed).ok());
  EXPECT_FALSE(replayed);
  ASSERT_TRUE(Submit(As("epd-az-oost", "epd-vendor"), request, &replayed).ok());
  EXPECT_TRUE(replayed);

  EXPECT_FALSE(Audited("epd-expired", kAuditDenied).empty());
  EXPECT_FALSE(Audited("unknown", kAuditDenied).empty());  // no certificate, another CA
  std::vector<store::AuditRecord> wrong_role = Audited("bihr-consumer", kAuditDenied);
  ASSERT_FALSE(wrong_role.empty());
  EXPECT_EQ(wrong_role.back().role, "bihr-destination");
  EXPECT_EQ(wrong_role.back().action, "/zorgbrug.v1.EpdSubmissions/SubmitBibScreening");
  std::vector<store::AuditRecord> allowed = Audited("epd-az-oost", kAuditSuccess);
  ASSERT_GE(allowed.size(), 2u);
  EXPECT_EQ(allowed.back().role, "epd-vendor");
  EXPECT_EQ(allowed.back().partition, server_->engine().Pseudonym(kBase, "P-ROLES-1"));
}

TEST_F(RolesTest, EachRoleReachesItsServicesAndDestinationsOnly) {
  // An EPD may not write care plans; a platform may.
  v1::PutCarePlanRequest put;
  put.mutable_submission()->set_submission_id("plan-1");
  put.mutable_submission()->set_source_system("https://platform.example.be");
  put.set_local_key_system_base(kBase);
  *put.mutable_plan() = common::testutil::LoadTextProto<v1::CarePlan>(
      Testdata("careplan", "minimal_active.textproto"));
  v1::SubmissionResponse response;
  {
    grpc::ClientContext context;
    EXPECT_EQ(v1::CarePlanSync::NewStub(As("epd-az-oost", "epd-vendor"))
                  ->PutCarePlan(&context, put, &response)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    grpc::Status status = v1::CarePlanSync::NewStub(As("platform-vl", "regional-platform"))
                              ->PutCarePlan(&context, put, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::GetCarePlanRequest get;
  get.set_local_key_system_base(kBase);
  get.set_patient_local_key(put.plan().patient_local_key());
  v1::GetCarePlanResponse held;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(v1::CarePlanSync::NewStub(As("platform-vl", "regional-platform"))
                    ->GetCarePlan(&context, get, &held)
                    .ok());
  }
  EXPECT_EQ(held.author(), "platform-vl");  // the certificate's CN, not a claim in the request

  // A BIHR-side consumer sees its own destination only.
  {
    grpc::ClientContext context;
    v1::SubscribeRequest subscribe;
    subscribe.set_destination("epd");
    v1::Delivery delivery;
    auto stream = v1::Destinations::NewStub(As("bihr-consumer", "bihr-destination"))
                      ->Subscribe(&context, subscribe);
    EXPECT_FALSE(stream->Read(&delivery));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubscribeRequest subscribe;
    subscribe.set_destination("bihr");
    v1::Delivery delivery;
    auto stream = v1::Destinations::NewStub(As("bihr-consumer", "bihr-destination"))
                      ->Subscribe(&context, subscribe);
    ASSERT_TRUE(stream->Read(&delivery));  // the plan, routed to BIHR
    context.TryCancel();
    stream->Finish();
  }
  // The delivery is audited by the stream's thread once it was written: poll for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<store::AuditRecord> deliveries;
  while (std::chrono::steady_clock::now() < deadline) {
    deliveries = Audited("bihr-consumer", kAuditSuccess);
    if (!deliveries.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(deliveries.empty());
  EXPECT_EQ(deliveries.front().action, DeliveryAction("bihr"));

  // Only the operator reads the audit trail.
  v1::ListAuditEventsRequest list;
  list.set_client("platform-vl");
  v1::ListAuditEventsResponse entries;
  {
    grpc::ClientContext context;
    EXPECT_EQ(v1::AuditEvents::NewStub(As("platform-vl", "regional-platform"))
                  ->ListAuditEvents(&context, list, &entries)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  ASSERT_TRUE(server_->audit().Flush(std::chrono::seconds(10)));
  {
    grpc::ClientContext context;
    grpc::Status status = v1::AuditEvents::NewStub(As("ops-1", "operator"))
                              ->ListAuditEvents(&context, list, &entries);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_FALSE(entries.entries().empty());
  bool put_seen = false;
  for (const v1::AuditEntry& entry : entries.entries()) {
    put_seen |= entry.action() == "/zorgbrug.v1.CarePlanSync/PutCarePlan" &&
                entry.outcome() == kAuditSuccess && !entry.partition().empty();
    EXPECT_NE(entry.audit_event_json().find("\"resourceType\":\"AuditEvent\""), std::string::npos);
  }
  EXPECT_TRUE(put_seen);
}

}  // namespace
}  // namespace zorgbrug::gateway
