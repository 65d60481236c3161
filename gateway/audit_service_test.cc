#include "gateway/audit_service.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "gateway/audit_test_store.h"
#include "gateway/commands.h"
#include "gateway/store/sqlite_store.h"

namespace zorgbrug::gateway {
namespace {

using testing::FakeAuditStore;

constexpr char kAlice[] = "p-0123456789abcdef0123456789abcdef";
constexpr char kBob[] = "p-fedcba9876543210fedcba9876543210";
constexpr int64_t kMarch2 = 1'772'409'600'000;  // 2026-03-02T00:00:00Z

std::string PseudonymOf(const std::string& base, const std::string& key) {
  return base == "https://epd.example.be/patients" && key == "4711" ? kAlice : kBob;
}

store::AuditRecord Record(std::string partition, std::string client, std::string outcome,
                          int64_t at_ms) {
  store::AuditRecord record;
  record.at_ms = at_ms;
  record.client = std::move(client);
  record.role = "epd-vendor";
  record.action = "/zorgbrug.v1.CarePlanSync/GetCarePlan";
  record.partition = std::move(partition);
  record.outcome = std::move(outcome);
  record.reason = record.outcome == kAuditSuccess ? "" : "PERMISSION_DENIED";
  record.event_json = R"({"resourceType":"AuditEvent","id":")" + std::to_string(at_ms) + R"("})";
  return record;
}

grpc::Status List(AuditEventService& service, const v1::ListAuditEventsRequest& request,
                  v1::ListAuditEventsResponse& response) {
  grpc::ServerContext context;
  return service.ListAuditEvents(&context, &request, &response);
}

TEST(AuditEventService, FiltersReachTheStoreAndEntriesCarryTheRecords) {
  FakeAuditStore store;
  store.Add({Record(kAlice, "epd-a", kAuditSuccess, kMarch2),
             Record(kBob, "epd-a", kAuditSuccess, kMarch2 + 1),
             Record(kAlice, "epd-b", kAuditDenied, kMarch2 + 2)});
  AuditEventService service(&store, PseudonymOf);
  v1::ListAuditEventsRequest request;
  request.mutable_local_key()->set_local_key_system_base("https://epd.example.be/patients");
  request.mutable_local_key()->set_patient_local_key("4711");
  request.set_outcome("denied");
  request.set_since_ms(kMarch2);
  v1::ListAuditEventsResponse response;
  ASSERT_TRUE(List(service, request, response).ok());
  ASSERT_EQ(response.entries_size(), 1);
  const v1::AuditEntry& entry = response.entries(0);
  EXPECT_EQ(entry.sequence(), 3);
  EXPECT_EQ(entry.at_ms(), kMarch2 + 2);
  EXPECT_EQ(entry.client(), "epd-b");
  EXPECT_EQ(entry.role(), "epd-vendor");
  EXPECT_EQ(entry.action(), "/zorgbrug.v1.CarePlanSync/GetCarePlan");
  EXPECT_EQ(entry.partition(), kAlice);
  EXPECT_EQ(entry.outcome(), "denied");
  EXPECT_EQ(entry.reason(), "PERMISSION_DENIED");
  EXPECT_NE(entry.audit_event_json().find("AuditEvent"), std::string::npos);
  EXPECT_EQ(response.next_after_sequence(), 0);
  const store::AuditQuery query = store.queries().at(0);
  EXPECT_EQ(query.partition, kAlice);
  EXPECT_EQ(query.outcome, "denied");
  EXPECT_EQ(query.since_ms, kMarch2);
  EXPECT_EQ(query.limit, kDefaultAuditPageSize);
}

TEST(AuditEventService, PagesThroughNextAfterSequence) {
  FakeAuditStore store;
  for (int i = 0; i < 5; ++i) store.Add({Record(kAlice, "epd-a", kAuditSuccess, kMarch2 + i)});
  AuditEventService service(&store, PseudonymOf);
  v1::ListAuditEventsRequest request;
  request.set_pseudonym(kAlice);
  request.set_page_size(2);
  std::vector<int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    v1::ListAuditEventsResponse response;
    ASSERT_TRUE(List(service, request, response).ok());
    for (const v1::AuditEntry& entry : response.entries()) seen.push_back(entry.sequence());
    if (response.next_after_sequence() == 0) break;
    request.set_after_sequence(response.next_after_sequence());
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(AuditEventService, PageSizeIsBounded) {
  FakeAuditStore store;
  AuditEventService service(&store, PseudonymOf);
  v1::ListAuditEventsRequest request;
  request.set_page_size(50'000);
  v1::ListAuditEventsResponse response;
  ASSERT_TRUE(List(service, request, response).ok());
  EXPECT_EQ(store.queries().at(0).limit, kMaxAuditPageSize);
}

TEST(AuditEventService, MalformedFiltersAreInvalidArguments) {
  FakeAuditStore store;
  AuditEventService service(&store, PseudonymOf);
  std::vector<v1::ListAuditEventsRequest> requests(6);
  requests[0].set_pseudonym("85073003328");
  requests[1].mutable_local_key()->set_local_key_system_base("epd");
  requests[1].mutable_local_key()->set_patient_local_key("4711");
  requests[2].mutable_local_key()->set_local_key_system_base("https://epd.example.be/patients");
  requests[3].set_outcome("maybe");
  requests[4].set_page_size(-1);
  requests[5].set_since_ms(-1);
  for (const v1::ListAuditEventsRequest& request : requests) {
    v1::ListAuditEventsResponse response;
    EXPECT_EQ(List(service, request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << request.ShortDebugString();
  }
  EXPECT_TRUE(store.queries().empty());
}

// `zorgbrug audit` against an in-process gateway (plaintext) serving AuditEvents.
class AuditCommandTest : public ::testing::Test {
 protected:
  void Serve(store::AuditStore* store) {
    service_ = std::make_unique<AuditEventService>(store, PseudonymOf);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    command_.connection.target = "127.0.0.1:" + std::to_string(port);
    command_.connection.plaintext = true;
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  int Run() {
    out_.str("");
    err_.str("");
    return RunAudit(command_, out_, err_);
  }

  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::unique_ptr<AuditEventService> service_;
  std::unique_ptr<grpc::Server> server_;
  AuditCommand command_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AuditCommandTest, PrintsOneLinePerRecord) {
  FakeAuditStore store;
  store.Add({Record(kAlice, "epd-a", kAuditSuccess, kMarch2 + 3'600'000),
             Record(kAlice, "epd-b", kAuditDenied, kMarch2 + 7'200'000)});
  Serve(&store);
  command_.patient_key_system_base = "https://epd.example.be/patients";
  command_.patient_key = "4711";
  command_.since = "2026-03-02T01:00:00+00:00";
  ASSERT_EQ(Run(), kExitValid) << err_.str();
  EXPECT_EQ(Lines(),
            (std::vector<std::string>{"2026-03-02T01:00:00Z #1 epd-a epd-vendor "
                                      "/zorgbrug.v1.CarePlanSync/GetCarePlan " +
                                          std::string(kAlice) + " success",
                                      "2026-03-02T02:00:00Z #2 epd-b epd-vendor "
                                      "/zorgbrug.v1.CarePlanSync/GetCarePlan " +
                                          std::string(kAlice) + " denied: PERMISSION_DENIED"}));
  EXPECT_EQ(store.queries().at(0).partition, kAlice);
  EXPECT_EQ(store.queries().at(0).since_ms, kMarch2 + 3'600'000);
}

TEST_F(AuditCommandTest, JsonPagesUpToTheLimit) {
  FakeAuditStore store;
  std::vector<store::AuditRecord> records;
  for (int i = 0; i < 2500; ++i)
    records.push_back(Record(kBob, "epd-a", kAuditSuccess, kMarch2 + i));
  store.Add(std::move(records));
  Serve(&store);
  command_.pseudonym = kBob;
  command_.limit = 1500;
  command_.json = true;
  ASSERT_EQ(Run(), kExitValid) << err_.str();
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1500u);
  EXPECT_EQ(lines.front(),
            R"({"resourceType":"AuditEvent","id":")" + std::to_string(kMarch2) + R"("})");
  EXPECT_EQ(lines.back(),
            R"({"resourceType":"AuditEvent","id":")" + std::to_string(kMarch2 + 1499) + R"("})");
  const std::vector<store::AuditQuery> queries = store.queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[0].limit, 1000);
  EXPECT_EQ(queries[1].limit, 500);
  EXPECT_EQ(queries[1].after_sequence, 1000);
}

TEST_F(AuditCommandTest, BadFlagsAreUsageErrorsAndRefusalsAreInvalid) {
  FakeAuditStore store;
  Serve(&store);
  command_.since = "yesterday";
  EXPECT_EQ(Run(), kExitUsage);
  EXPECT_NE(err_.str().find("--since"), std::string::npos);
  command_.since.clear();
  command_.patient_key = "4711";
  EXPECT_EQ(Run(), kExitUsage);
  command_.patient_key.clear();
  command_.pseudonym = "not-a-pseudonym";
  EXPECT_EQ(Run(), kExitInvalid);
  EXPECT_NE(err_.str().find("INVALID_ARGUMENT"), std::string::npos) << err_.str();
  command_.pseudonym.clear();
  EXPECT_EQ(Run(), kExitValid);
  EXPECT_EQ(out_.str(), "no audit records match\n");
}

// The whole path on the real store: the interceptor and Record write through an AuditTrail into a
// SqliteStore in a temporary directory; AuditEvents reads it back over gRPC.
class AuditSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "audit-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store::SqliteOptions options;
    options.path = (dir_ / "zorgbrug.db").string();
    options.synchronous = store::Synchronous::kOff;
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
    trail_ = std::make_unique<AuditTrail>(store_.get(), [this] { return now_ms_; });
    service_ = std::make_unique<AuditEventService>(store_.get(), PseudonymOf, trail_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(trail_->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::AuditEvents::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                         grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    trail_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  grpc::Status List(const v1::ListAuditEventsRequest& request,
                    v1::ListAuditEventsResponse& response) {
    grpc::ClientContext context;
    return stub_->ListAuditEvents(&context, request, &response);
  }

  std::filesystem::path dir_;
  int64_t now_ms_ = kMarch2;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<AuditTrail> trail_;
  std::unique_ptr<AuditEventService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::AuditEvents::Stub> stub_;
};

TEST_F(AuditSqliteTest, RecordsAreWrittenAndListedByPatientClientAndOutcome) {
  AuditAccess delivery;
  delivery.client = "bihr-consumer";
  delivery.role = "bihr-destination";
  delivery.action = DeliveryAction("bihr");
  delivery.patients = {kAlice};
  trail_->Record(delivery);
  now_ms_ += 1000;
  trail_->RecordDenied("lab", "epd-vendor", "/zorgbrug.v1.Destinations/Subscribe", "role");
  now_ms_ += 1000;
  v1::ListAuditEventsRequest by_key;  // an audited call about Alice, by her key
  by_key.mutable_local_key()->set_local_key_system_base("https://epd.example.be/patients");
  by_key.mutable_local_key()->set_patient_local_key("4711");
  v1::ListAuditEventsResponse ignored;
  ASSERT_TRUE(List(by_key, ignored).ok());
  ASSERT_TRUE(trail_->Flush());

  v1::ListAuditEventsResponse alice;
  ASSERT_TRUE(List(by_key, alice).ok());
  ASSERT_EQ(alice.entries_size(), 2);
  EXPECT_EQ(alice.entries(0).action(), "deliver:bihr");
  EXPECT_EQ(alice.entries(0).at_ms(), kMarch2);
  EXPECT_EQ(alice.entries(0).client(), "bihr-consumer");
  EXPECT_NE(alice.entries(0).audit_event_json().find(R"("code":"110106")"), std::string::npos);
  EXPECT_EQ(alice.entries(1).action(), "/zorgbrug.v1.AuditEvents/ListAuditEvents");
  EXPECT_EQ(alice.entries(1).client(), "anonymous");
  EXPECT_EQ(alice.entries(1).partition(), kAlice);
  EXPECT_LT(alice.entries(0).sequence(), alice.entries(1).sequence());

  v1::ListAuditEventsRequest denied;
  denied.set_outcome("denied");
  v1::ListAuditEventsResponse refused;
  ASSERT_TRUE(List(denied, refused).ok());
  ASSERT_EQ(refused.entries_size(), 1);
  EXPECT_EQ(refused.entries(0).client(), "lab");
  EXPECT_EQ(refused.entries(0).partition(), "");

  v1::ListAuditEventsRequest lab;
  lab.set_client("lab");
  lab.set_since_ms(kMarch2 + 1000);
  lab.set_page_size(1);
  v1::ListAuditEventsResponse page;
  ASSERT_TRUE(List(lab, page).ok());
  ASSERT_EQ(page.entries_size(), 1);
  EXPECT_EQ(page.next_after_sequence(), page.entries(0).sequence());
  lab.set_after_sequence(page.next_after_sequence());
  v1::ListAuditEventsResponse rest;
  ASSERT_TRUE(List(lab, rest).ok());
  EXPECT_EQ(rest.entries_size(), 0);
  EXPECT_EQ(rest.next_after_sequence(), 0);
}

}  // namespace
}  // namespace zorgbrug::gateway
