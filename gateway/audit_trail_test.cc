#include "gateway/audit_trail.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "fhir/json/parser.h"
#include "gateway/audit_service.h"
#include "gateway/audit_test_store.h"
#include "gateway/validation_service.h"
#include "zorgbrug/v1/epd_translation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

using testing::FakeAuditStore;

constexpr char kAlice[] = "p-0123456789abcdef0123456789abcdef";
constexpr char kBob[] = "p-fedcba9876543210fedcba9876543210";
constexpr int64_t kNow = 1'772'445'600'000;

AuditTrailOptions Fast() {
  AuditTrailOptions options;
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(4);
  return options;
}

AuditAccess Access(std::vector<std::string> patients) {
  AuditAccess access;
  access.client = "epd.az-oost.example.be";
  access.role = "epd-vendor";
  access.action = "/zorgbrug.v1.CarePlanSync/GetCarePlan";
  access.patients = std::move(patients);
  return access;
}

// The pseudonym the AuditEvent's first entity names, or "" without one.
std::string EntityValue(const std::string& event_json) {
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> doc =
      fhir::json::Parse(event_json, fhir::json::ParseLimits{}, issues);
  if (!doc) return "unparsable";
  const fhir::json::Value* entities = doc->root().Find("entity");
  if (entities == nullptr) return "";
  return std::string(entities->items()[0].Find("what")->Find("identifier")->FindString("value"));
}

// Polls `done` (no timing is asserted: it only waits for a state another thread reaches).
template <typename Done>
void WaitUntil(Done done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(AuditTrail, OneRecordPerPatientStampedNowDurableAfterFlush) {
  FakeAuditStore store;
  AuditTrail trail(
      &store, [] { return kNow; }, Fast());
  trail.Record(Access({kAlice, kBob, kAlice}));
  ASSERT_TRUE(trail.Flush());
  const std::vector<store::AuditRecord> records = store.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].partition, kAlice);
  EXPECT_EQ(records[1].partition, kBob);
  for (const store::AuditRecord& record : records) {
    EXPECT_EQ(record.at_ms, kNow);
    EXPECT_EQ(record.client, "epd.az-oost.example.be");
    EXPECT_EQ(record.role, "epd-vendor");
    EXPECT_EQ(record.outcome, kAuditSuccess);
    EXPECT_EQ(EntityValue(record.event_json), record.partition);
  }
  EXPECT_EQ(trail.stats().written, 2);
  EXPECT_EQ(trail.stats().queued, 0);
}

TEST(AuditTrail, AccessWithoutPatientIsOneRecordWithoutEntity) {
  FakeAuditStore store;
  AuditTrail trail(
      &store, [] { return kNow; }, Fast());
  AuditAccess access = Access({});
  access.client.clear();
  access.outcome = kAuditFailed;
  access.code = grpc::StatusCode::INVALID_ARGUMENT;
  trail.Record(access);
  ASSERT_TRUE(trail.Flush());
  const std::vector<store::AuditRecord> records = store.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].partition, "");
  EXPECT_EQ(records[0].client, "anonymous");
  EXPECT_EQ(records[0].reason, "INVALID_ARGUMENT");
  EXPECT_EQ(EntityValue(records[0].event_json), "");
  EXPECT_NE(records[0].event_json.find(R"("outcome":"4")"), std::string::npos);
}

TEST(AuditTrail, DeniedCallsAreRecordedWithTheProcessorsReason) {
  FakeAuditStore store;
  AuditTrail trail(
      &store, [] { return kNow; }, Fast());
  trail.RecordDenied("lab.example.be", "epd-vendor", "/zorgbrug.v1.Destinations/Subscribe",
                     "role epd-vendor may not call zorgbrug.v1.Destinations/Subscribe");
  ASSERT_TRUE(trail.Flush());
  const std::vector<store::AuditRecord> records = store.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, kAuditDenied);
  EXPECT_EQ(records[0].action, "/zorgbrug.v1.Destinations/Subscribe");
  EXPECT_EQ(records[0].reason, "role epd-vendor may not call zorgbrug.v1.Destinations/Subscribe");
  EXPECT_NE(records[0].event_json.find(R"("code":"110113")"), std::string::npos);
}

TEST(AuditTrail, FailedAppendsAreRetriedUntilWrittenOnce) {
  FakeAuditStore store;
  store.FailNext(3);
  AuditTrail trail(
      &store, [] { return kNow; }, Fast());
  trail.Record(Access({kAlice}));
  trail.Record(Access({kBob}));
  ASSERT_TRUE(trail.Flush());
  const std::vector<store::AuditRecord> records = store.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].partition, kAlice);
  EXPECT_EQ(records[1].partition, kBob);
  EXPECT_EQ(trail.stats().failed_appends, 3);
  EXPECT_EQ(trail.stats().written, 2);
}

TEST(AuditTrail, FlushWaitsForRecordsBeforeIt) {
  FakeAuditStore store;
  store.SetGate(false);
  AuditTrail trail(
      &store, [] { return kNow; }, Fast());
  trail.Record(Access({kAlice}));
  store.WaitForAppends(1);
  EXPECT_FALSE(trail.Flush(std::chrono::milliseconds(0)));
  EXPECT_TRUE(store.records().empty());
  store.SetGate(true);
  EXPECT_TRUE(trail.Flush());
  EXPECT_EQ(store.records().size(), 1u);
}

TEST(AuditTrail, RecordBlocksWhenTheQueueIsFullAndNothingIsDropped) {
  FakeAuditStore store;
  store.SetGate(false);
  AuditTrailOptions options = Fast();
  options.max_queued = 3;
  options.max_batch = 2;
  AuditTrail trail(
      &store, [] { return kNow; }, options);
  for (int i = 0; i < 3; ++i) trail.Record(Access({}));
  store.WaitForAppends(1);  // a batch in flight, the rest queued: full
  std::atomic<bool> returned = false;
  std::thread producer([&] {
    trail.Record(Access({kAlice}));
    returned = true;
  });
  WaitUntil([&] { return trail.stats().blocked == 1; });
  EXPECT_FALSE(returned);
  EXPECT_EQ(trail.stats().queued, 3);
  store.SetGate(true);
  producer.join();
  EXPECT_TRUE(returned);
  ASSERT_TRUE(trail.Flush());
  const std::vector<store::AuditRecord> records = store.records();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[3].partition, kAlice);
  EXPECT_LE(store.max_batch(), 2u);
  EXPECT_EQ(trail.stats().blocked, 0);
}

TEST(AuditTrail, DestructorFlushes) {
  FakeAuditStore store;
  store.FailNext(2);
  {
    AuditTrail trail(
        &store, [] { return kNow; }, Fast());
    for (int i = 0; i < 100; ++i) trail.Record(Access({kAlice}));
  }
  EXPECT_EQ(store.records().size(), 100u);
}

TEST(AuditTrail, DestructorGivesUpOnAStoreThatNeverRecovers) {
  FakeAuditStore store;
  store.FailNext(1'000'000);
  AuditTrailOptions options = Fast();
  options.shutdown_timeout = std::chrono::milliseconds(0);
  {
    AuditTrail trail(
        &store, [] { return kNow; }, options);
    trail.Record(Access({kAlice}));
  }
  EXPECT_TRUE(store.records().empty());
}

TEST(AuditTrail, NoteWithoutTheInterceptorIsCountedAndIgnored) {
  FakeAuditStore store;
  AuditTrail trail(
      &store, [] { return kNow; }, Fast());
  grpc::ServerContext context;
  trail.Note(&context, kAlice);
  EXPECT_EQ(trail.stats().unattached_notes, 1);
  ASSERT_TRUE(trail.Flush());
  EXPECT_TRUE(store.records().empty());
}

// The interceptor on a real in-process server (plaintext: every caller is anonymous).
class AuditInterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trail_ = std::make_unique<AuditTrail>(
        &store_, [] { return kNow; }, Fast());
    audit_ = std::make_unique<AuditEventService>(
        &store_, [](const std::string&, const std::string&) { return std::string(kBob); },
        trail_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&validation_);
    builder.RegisterService(audit_.get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(trail_->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  grpc::Status Validate(std::string json) {
    grpc::ClientContext context;
    v1::ValidateRequest request;
    request.set_fhir_json(std::move(json));
    v1::ValidateResponse response;
    return v1::Validation::NewStub(channel_)->Validate(&context, request, &response);
  }

  FakeAuditStore store_;
  std::unique_ptr<AuditTrail> trail_;
  ValidationService validation_{ValidateOptions{}};
  std::unique_ptr<AuditEventService> audit_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(AuditInterceptorTest, RecordsEveryCompletedCallOnceWithItsStatus) {
  ASSERT_TRUE(Validate(R"({"resourceType":"Patient"})").ok());
  ASSERT_EQ(Validate("{broken").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(trail_->Flush());
  const std::vector<store::AuditRecord> records = store_.records();
  ASSERT_EQ(records.size(), 2u);
  for (const store::AuditRecord& record : records) {
    EXPECT_EQ(record.action, "/zorgbrug.v1.Validation/Validate");
    EXPECT_EQ(record.client, "anonymous");
    EXPECT_EQ(record.role, "");
    EXPECT_EQ(record.partition, "");
    EXPECT_EQ(record.at_ms, kNow);
  }
  EXPECT_EQ(records[0].outcome, kAuditSuccess);
  EXPECT_EQ(records[0].reason, "");
  EXPECT_EQ(records[1].outcome, kAuditFailed);
  EXPECT_EQ(records[1].reason, "INVALID_ARGUMENT");
  EXPECT_EQ(trail_->stats().unattached_notes, 0);
}

TEST_F(AuditInterceptorTest, PatientsNotedByTheHandlerAreInTheRecord) {
  grpc::ClientContext context;
  v1::ListAuditEventsRequest request;
  request.mutable_local_key()->set_local_key_system_base("https://epd.example.be/patients");
  request.mutable_local_key()->set_patient_local_key("4711");
  v1::ListAuditEventsResponse response;
  ASSERT_TRUE(
      v1::AuditEvents::NewStub(channel_)->ListAuditEvents(&context, request, &response).ok());
  ASSERT_TRUE(trail_->Flush());
  const std::vector<store::AuditRecord> records = store_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].action, "/zorgbrug.v1.AuditEvents/ListAuditEvents");
  EXPECT_EQ(records[0].partition, kBob);
  EXPECT_EQ(EntityValue(records[0].event_json), kBob);
  EXPECT_NE(records[0].event_json.find(R"("code":"110101")"), std::string::npos);
  ASSERT_EQ(store_.queries().size(), 1u);
  EXPECT_EQ(store_.queries()[0].partition, kBob);
}

TEST_F(AuditInterceptorTest, UnknownMethodsAreRecordedAsUnknown) {
  grpc::ClientContext context;
  v1::ToFhirResponse response;
  const grpc::Status status =
      v1::EpdTranslation::NewStub(channel_)->ToFhir(&context, v1::ToFhirRequest(), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  ASSERT_TRUE(trail_->Flush());
  const std::vector<store::AuditRecord> records = store_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].action, "unknown");
  EXPECT_EQ(records[0].outcome, kAuditFailed);
  EXPECT_EQ(records[0].reason, "UNIMPLEMENTED");
}

}  // namespace
}  // namespace zorgbrug::gateway
