// CarePlanSync end to end over TLS on loopback (issue #9): writes with optimistic concurrency from
// two platforms (merged, and conflicting), the watch stream resumed across a gateway restart,
// contributions flowing into the plan and the stream, and the person's consent at delivery.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/test_util.h"
#include "gateway/client.h"
#include "gateway/dev_certs.h"
#include "gateway/rich_status.h"
#include "gateway/server.h"
#include "tests/gateway/scratch_store.h"
#include "zorgbrug/v1/care_plan_sync.grpc.pb.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

using std::chrono::milliseconds;
namespace common = adapters::common;

constexpr char kBase[] = "https://platform.example.be/keys";
constexpr char kPlatformA[] = "https://platform-a.example.be";
constexpr char kPlatformB[] = "https://platform-b.example.be";
constexpr char kEpd[] = "https://epd.az-oost.example.be";

std::string Testdata(const std::string& adapter, const std::string& file) {
  return std::string(ZORGBRUG_SOURCE_DIR) + "/adapters/" + adapter + "/testdata/golden/" + file;
}

v1::CarePlan FullPlan() {
  return common::testutil::LoadTextProto<v1::CarePlan>(
      Testdata("careplan", "audience_gp.textproto"));
}

std::chrono::system_clock::time_point Deadline(milliseconds from_now = milliseconds(10000)) {
  return std::chrono::system_clock::now() + from_now;
}

class CarePlanSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TlsMaterial> tls = GenerateDevTlsMaterial();
    ASSERT_TRUE(tls.ok()) << tls.status();
    tls_ = new TlsMaterial(*std::move(tls));
  }
  static void TearDownTestSuite() {
    delete tls_;
    tls_ = nullptr;
  }

  void SetUp() override {
    ServerOptions options = Options();
    store_dir_ = UseScratchStore(options);
    Start(options);
  }

  ServerOptions Options() const {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls = *tls_;
    options.messaging.retry.initial_backoff_ms = 1;
    options.messaging.retry.max_backoff_ms = 1;
    // The EPD destination is the GP's (m-gp in the plans below) for the person's consent.
    for (DestinationConfig& destination : options.messaging.destinations) {
      if (destination.name == "epd") destination.member_keys = {"m-gp"};
    }
    return options;
  }

  void Start(const ServerOptions& options) {
    absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    std::shared_ptr<grpc::Channel> channel =
        MakeChannel({server_->address(), tls_->ca_cert_pem, false});
    sync_ = v1::CarePlanSync::NewStub(channel);
    submissions_ = v1::EpdSubmissions::NewStub(channel);
    destinations_ = v1::Destinations::NewStub(channel);
  }

  // Stops the gateway and starts a new one on the same store.
  void Restart() {
    sync_.reset();
    submissions_.reset();
    destinations_.reset();
    server_.reset();
    ServerOptions options = Options();
    options.messaging.store_path = store_dir_ + "/zorgbrug.db";
    options.messaging.pseudonym_key = "test pseudonym key of 32 bytes!!";
    Start(options);
  }

  grpc::Status Put(const v1::CarePlan& plan, const std::string& id, const std::string& source,
                   v1::SubmissionResponse& response) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::PutCarePlanRequest request;
    request.mutable_submission()->set_submission_id(id);
    request.mutable_submission()->set_source_system(source);
    request.set_local_key_system_base(kBase);
    *request.mutable_plan() = plan;
    grpc::Status status = sync_->PutCarePlan(&context, request, &response);
    if (!status.ok()) {
      response.Clear();
      UnpackStatusDetail(status.error_details(), response);
    }
    return status;
  }

  v1::GetCarePlanResponse Get(const std::string& patient, bool include_fhir = false) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::GetCarePlanRequest request;
    request.set_local_key_system_base(kBase);
    request.set_patient_local_key(patient);
    request.set_include_fhir(include_fhir);
    v1::GetCarePlanResponse response;
    grpc::Status status = sync_->GetCarePlan(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Watches from `after`, returns the first `count` changes (fewer when `wait` passes first).
  std::vector<v1::CarePlanChange> Watch(int64_t after, size_t count,
                                        milliseconds wait = milliseconds(5000)) {
    grpc::ClientContext context;
    context.set_deadline(Deadline(wait));
    v1::WatchCarePlansRequest request;
    request.set_after_cursor(after);
    std::unique_ptr<grpc::ClientReader<v1::CarePlanChange>> stream =
        sync_->WatchCarePlans(&context, request);
    std::vector<v1::CarePlanChange> changes;
    v1::CarePlanChange change;
    while (changes.size() < count && stream->Read(&change)) changes.push_back(change);
    context.TryCancel();
    stream->Finish();
    return changes;
  }

  // Reads what `destination` has now (acknowledging each), until `wait` passes without one.
  std::vector<v1::Delivery> Drain(const std::string& destination,
                                  milliseconds wait = milliseconds(1500)) {
    grpc::ClientContext context;
    context.set_deadline(Deadline(wait));
    v1::SubscribeRequest request;
    request.set_destination(destination);
    std::unique_ptr<grpc::ClientReader<v1::Delivery>> stream =
        destinations_->Subscribe(&context, request);
    std::vector<v1::Delivery> received;
    v1::Delivery delivery;
    while (stream->Read(&delivery)) {
      received.push_back(delivery);
      grpc::ClientContext ack_context;
      v1::AcknowledgeRequest ack;
      ack.set_destination(destination);
      ack.add_sequences(delivery.sequence());
      v1::AcknowledgeResponse unused;
      EXPECT_TRUE(destinations_->Acknowledge(&ack_context, ack, &unused).ok());
    }
    stream->Finish();
    return received;
  }

  static inline TlsMaterial* tls_ = nullptr;
  std::string store_dir_;
  std::unique_ptr<GatewayServer> server_;
  std::unique_ptr<v1::CarePlanSync::Stub> sync_;
  std::unique_ptr<v1::EpdSubmissions::Stub> submissions_;
  std::unique_ptr<v1::Destinations::Stub> destinations_;
};

TEST_F(CarePlanSyncTest, PutThenGetTypedAndAsFhirAndAResendIsReplayed) {
  v1::CarePlan plan = FullPlan();
  v1::SubmissionResponse response;
  ASSERT_TRUE(Put(plan, "put-1", kPlatformA, response).ok()) << response.DebugString();
  EXPECT_EQ(response.outcome(), v1::SUBMISSION_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.event(), "care-plan-update");
  EXPECT_EQ(response.care_plan_version(), 1);
  EXPECT_FALSE(response.care_plan_merged());

  v1::GetCarePlanResponse held = Get(plan.patient_local_key(), /*include_fhir=*/true);
  EXPECT_EQ(held.plan().version(), 1);
  EXPECT_EQ(held.plan().title(), plan.title());
  EXPECT_EQ(held.cause(), "put");
  EXPECT_EQ(held.author(), "anonymous");  // no mutual TLS in this suite
  EXPECT_EQ(held.message_id(), response.message_id());
  EXPECT_NE(held.bundle_json().find("\"resourceType\":\"CarePlan\""), std::string::npos);

  v1::SubmissionResponse again;
  ASSERT_TRUE(Put(plan, "put-1", kPlatformA, again).ok());
  EXPECT_EQ(again.SerializeAsString(), response.SerializeAsString());

  // The same plan from its version: nothing changes, nothing is written.
  plan.set_version(1);
  ASSERT_TRUE(Put(plan, "put-2", kPlatformA, again).ok());
  EXPECT_EQ(again.outcome(), v1::SUBMISSION_OUTCOME_UNCHANGED);
  EXPECT_EQ(Get(plan.patient_local_key()).plan().version(), 1);

  grpc::ClientContext context;
  v1::GetCarePlanRequest unknown;
  unknown.set_local_key_system_base(kBase);
  unknown.set_patient_local_key("P-NOBODY");
  v1::GetCarePlanResponse none;
  EXPECT_EQ(sync_->GetCarePlan(&context, unknown, &none).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CarePlanSyncTest, ConcurrentEditsFromTwoPlatformsAreMerged) {
  v1::SubmissionResponse response;
  ASSERT_TRUE(Put(FullPlan(), "base", kPlatformA, response).ok());
  const v1::CarePlan base = Get(FullPlan().patient_local_key()).plan();
  ASSERT_EQ(base.version(), 1);

  v1::CarePlan ours = base;  // platform A renames the plan
  ours.set_title("Zorgplan Amira (herzien)");
  v1::CarePlan theirs = base;  // platform B rewrites a care goal, from the same version
  ASSERT_GT(theirs.care_goals_size(), 0);
  theirs.mutable_care_goals(0)->set_description("Huisvesting vóór 1 juli");

  ASSERT_TRUE(Put(ours, "a-1", kPlatformA, response).ok());
  EXPECT_EQ(response.care_plan_version(), 2);
  ASSERT_TRUE(Put(theirs, "b-1", kPlatformB, response).ok()) << response.DebugString();
  EXPECT_TRUE(response.care_plan_merged());
  EXPECT_EQ(response.care_plan_version(), 3);

  v1::GetCarePlanResponse held = Get(base.patient_local_key());
  EXPECT_EQ(held.plan().version(), 3);
  EXPECT_EQ(held.plan().title(), "Zorgplan Amira (herzien)");
  EXPECT_EQ(held.plan().care_goals(0).description(), "Huisvesting vóór 1 juli");
  EXPECT_EQ(held.cause(), "merge");
}

TEST_F(CarePlanSyncTest, ConflictingEditsAreRefusedWithStructuredConflictsAndNothingWritten) {
  v1::SubmissionResponse response;
  ASSERT_TRUE(Put(FullPlan(), "base", kPlatformA, response).ok());
  const v1::CarePlan base = Get(FullPlan().patient_local_key()).plan();
  v1::CarePlan ours = base;
  ours.set_title("Titel van platform A");
  v1::CarePlan theirs = base;
  theirs.set_title("Titel van platform B");
  ASSERT_TRUE(Put(ours, "a-1", kPlatformA, response).ok());

  grpc::Status status = Put(theirs, "b-1", kPlatformB, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_message();
  EXPECT_NE(status.error_message().find("1 change(s)"), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("title"), std::string::npos) << status.error_message();
  ASSERT_EQ(response.conflicts_size(), 1) << response.DebugString();
  EXPECT_EQ(response.conflicts(0).kind(), v1::CONFLICT_KIND_BOTH_CHANGED);
  EXPECT_NE(response.conflicts(0).ours().find("Titel van platform A"), std::string::npos);
  EXPECT_NE(response.conflicts(0).theirs().find("Titel van platform B"), std::string::npos);
  EXPECT_EQ(response.care_plan_version(), 2);
  EXPECT_EQ(response.care_plan().title(), "Titel van platform A");
  EXPECT_EQ(Get(base.patient_local_key()).plan().version(), 2);

  // A version the gateway never wrote is refused: the writer must read first.
  theirs.set_version(7);
  EXPECT_EQ(Put(theirs, "b-2", kPlatformB, response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(CarePlanSyncTest, ConcurrentWritersFromOneVersionNeverLoseAWrite) {
  v1::SubmissionResponse response;
  ASSERT_TRUE(Put(FullPlan(), "base", kPlatformA, response).ok());
  const v1::CarePlan base = Get(FullPlan().patient_local_key()).plan();
  ASSERT_GE(base.care_goals_size(), 2);
  constexpr int kWriters = 4;
  std::vector<std::thread> writers;
  std::vector<grpc::Status> statuses(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      v1::CarePlan edit = base;
      // Each writer changes a different field: all must merge.
      if (i == 0) edit.set_title("A");
      if (i == 1) edit.mutable_care_goals(0)->set_description("B");
      if (i == 2) edit.mutable_care_goals(1)->set_description("C");
      if (i == 3) edit.set_pregnancy_local_key("PR-D");
      v1::SubmissionResponse answer;
      statuses[i] = Put(edit, "w-" + std::to_string(i), kPlatformB, answer);
    });
  }
  for (std::thread& writer : writers) writer.join();
  for (const grpc::Status& status : statuses) EXPECT_TRUE(status.ok()) << status.error_message();
  const v1::CarePlan held = Get(base.patient_local_key()).plan();
  EXPECT_EQ(held.version(), 1 + kWriters);
  EXPECT_EQ(held.title(), "A");
  EXPECT_EQ(held.care_goals(0).description(), "B");
  EXPECT_EQ(held.care_goals(1).description(), "C");
  EXPECT_EQ(held.pregnancy_local_key(), "PR-D");
}

TEST_F(CarePlanSyncTest, AWatcherResumesAcrossARestartWithoutMissingAChange) {
  v1::CarePlan plan = FullPlan();
  v1::SubmissionResponse response;
  for (int i = 0; i < 3; ++i) {
    plan.set_patient_local_key("P-W" + std::to_string(i));
    ASSERT_TRUE(Put(plan, "w" + std::to_string(i), kPlatformA, response).ok());
  }
  std::vector<v1::CarePlanChange> first = Watch(0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_LT(first[0].cursor(), first[1].cursor());
  EXPECT_EQ(first[0].plan().patient_local_key(), "P-W0");
  const int64_t cursor = first[1].cursor();

  Restart();
  plan.set_patient_local_key("P-W3");
  ASSERT_TRUE(Put(plan, "w3", kPlatformA, response).ok());
  plan.set_patient_local_key("P-W0");
  plan.set_version(1);
  plan.set_title("Na de herstart");
  ASSERT_TRUE(Put(plan, "w0-2", kPlatformA, response).ok());

  std::vector<v1::CarePlanChange> rest = Watch(cursor, 10, milliseconds(2000));
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].plan().patient_local_key(), "P-W2");
  EXPECT_EQ(rest[1].plan().patient_local_key(), "P-W3");
  EXPECT_EQ(rest[2].plan().patient_local_key(), "P-W0");
  EXPECT_EQ(rest[2].version(), 2);
  EXPECT_EQ(rest[2].plan().title(), "Na de herstart");
  EXPECT_GT(rest[0].cursor(), cursor);
  EXPECT_LT(rest[0].cursor(), rest[1].cursor());
  EXPECT_LT(rest[1].cursor(), rest[2].cursor());
}

TEST_F(CarePlanSyncTest, AWatcherSeesChangesAsTheyAreWrittenIncludingContributions) {
  v1::CarePlan plan = FullPlan();
  v1::SubmissionResponse response;
  ASSERT_TRUE(Put(plan, "p-1", kPlatformA, response).ok());
  const int64_t after = Watch(0, 1).at(0).cursor();

  std::vector<v1::CarePlanChange> seen;
  std::thread watcher([&] { seen = Watch(after, 1, milliseconds(8000)); });
  struct Joiner {
    std::thread& thread;
    ~Joiner() {
      if (thread.joinable()) thread.join();
    }
  } joiner{watcher};
  // A screening's contribution from an EPD, into the plan the gateway holds.
  v1::SubmitBibScreeningRequest screening;
  screening.mutable_submission()->set_submission_id("bib-1");
  screening.mutable_submission()->set_source_system(kEpd);
  screening.mutable_submission()->set_dry_run(true);
  const auto golden = common::testutil::LoadTextProto<v1::EvaluateRequest>(
      Testdata("bib", "all_kce_positive.textproto"));
  v1::BibToFhirRequest& translation = *screening.mutable_translation();
  *translation.mutable_screening() = golden.screening();
  *translation.mutable_history() = golden.history();
  *translation.mutable_as_of() = golden.as_of();
  translation.mutable_screening()->set_patient_local_key(plan.patient_local_key());
  translation.mutable_screening()->set_pregnancy_local_key(plan.pregnancy_local_key());
  translation.set_local_key_system_base(kBase);
  v1::SubmissionResponse screened;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(submissions_->SubmitBibScreening(&context, screening, &screened).ok());
  }
  v1::SubmitCarePlanContributionRequest contribution;
  contribution.mutable_submission()->set_submission_id("contribution-1");
  contribution.mutable_submission()->set_source_system(kEpd);
  contribution.set_local_key_system_base(kBase);
  *contribution.mutable_contribution()->mutable_bib_screening() = screened.contribution();
  {
    grpc::ClientContext context;
    grpc::Status status =
        submissions_->SubmitCarePlanContribution(&context, contribution, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_TRUE(response.care_plan_changed());
  EXPECT_EQ(response.care_plan_version(), 2);
  watcher.join();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].cause(), "contribution");
  EXPECT_EQ(seen[0].version(), 2);
  EXPECT_EQ(seen[0].plan().contributions_size(), plan.contributions_size() + 1);
  EXPECT_EQ(Get(plan.patient_local_key()).plan().version(), 2);
}

TEST_F(CarePlanSyncTest, ConsentWithdrawalStopsDeliveryToTheDestinationsItNames) {
  Drain("bihr");
  Drain("epd");
  v1::CarePlan plan = FullPlan();
  v1::SubmissionResponse response;
  ASSERT_TRUE(Put(plan, "c-1", kPlatformA, response).ok());
  EXPECT_EQ(Drain("epd").size(), 1u);  // the plan, as she allows
  EXPECT_EQ(Drain("bihr").size(), 1u);

  // She withdraws her GP's access to clinical content: the plan (with clinical tasks) is no
  // longer sent to the GP's EPD; BIHR, which the decision does not name, still receives it.
  plan.set_version(1);
  v1::AccessDecision* withdrawal = plan.add_access();
  withdrawal->set_member("m-gp");
  withdrawal->set_content(v1::CONTENT_CLASS_CLINICAL);
  withdrawal->set_permit(false);
  ASSERT_TRUE(Put(plan, "c-2", kPlatformA, response).ok()) << response.DebugString();
  EXPECT_TRUE(Drain("epd").empty());
  EXPECT_EQ(Drain("bihr").size(), 1u);

  absl::StatusOr<std::vector<store::AuditRecord>> audit = [&] {
    store::AuditQuery query;
    query.outcome = "withheld";
    return server_->store().Audit(query);
  }();
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_FALSE(audit->empty());
  EXPECT_NE(audit->back().reason.find("consent"), std::string::npos) << audit->back().reason;
  EXPECT_NE(audit->back().reason.find("epd"), std::string::npos) << audit->back().reason;
}

}  // namespace
}  // namespace zorgbrug::gateway
