#include "gateway/destinations.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gateway/store/sqlite_store.h"

namespace zorgbrug::gateway {
namespace {

constexpr char kRegio[] = "regio";
constexpr char kBihr[] = "bihr";
constexpr int64_t kStartMs = 1'790'000'000'000;

// A client stream. Each test reads with the stream's deadline: a delivery that never comes fails
// the test with DEADLINE_EXCEEDED instead of hanging it.
struct Stream {
  ~Stream() {
    if (finished) return;
    context.TryCancel();
    reader->Finish();
  }
  std::optional<v1::Delivery> Next() {
    v1::Delivery delivery;
    if (!reader->Read(&delivery)) return std::nullopt;
    return delivery;
  }
  // The sequence of the next delivery; -1 when the stream ended.
  int64_t NextSequence() {
    std::optional<v1::Delivery> delivery = Next();
    return delivery ? delivery->sequence() : -1;
  }
  grpc::Status Finish() {
    finished = true;
    return reader->Finish();
  }
  // Ends the stream from the client side, as a consumer that disconnects.
  void Cancel() {
    context.TryCancel();
    Finish();
  }

  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::Delivery>> reader;
  bool finished = false;
};

class DestinationsTest : public testing::Test {
 protected:
  void TearDown() override {
    if (service_) service_->Shutdown();
    if (server_) server_->Shutdown();
    server_.reset();
    service_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // The store (max_attempts 3, backoff 1 s doubling to 4 s unless told), the service and the
  // server on a free port. Every stream poll in these tests is caused by a notification: the poll
  // interval is longer than any stream's deadline.
  void Start(store::RetryPolicy retry = {3, 1000, 4000}) {
    std::string pattern = (std::filesystem::temp_directory_path() / "destinations-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store::SqliteOptions store_options;
    store_options.path = dir_ + "/outbox.db";
    store_options.synchronous = store::Synchronous::kOff;
    store_options.retry = retry;
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened =
        store::OpenSqliteStore(store_options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);

    DestinationServiceOptions options;
    options.now_ms = [this] { return now_ms_.load(); };
    options.poll_interval = std::chrono::seconds(60);
    std::vector<DestinationConfig> destinations = {
        {kRegio, "https://regio.example.be/fhir", {}},
        {kBihr, "https://bihr.example.be/fhir", {"bib-screening"}}};
    service_ = std::make_unique<DestinationService>(store_.get(), std::move(destinations), &signal_,
                                                    options);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    stub_ = v1::Destinations::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }

  // Commits a message of `partition` for regio, as the engine does, and signals it.
  void Accept(const std::string& id, const std::string& partition) {
    store::AcceptedMessage message;
    message.bundle_id = "bundle-" + id;
    message.header_id = id;
    message.content_hash = "hash-" + id;
    message.event = "epd-record";
    message.source = "https://epd.example.be";
    message.partition = partition;
    message.request = "request";
    message.response = "response";
    message.payload = absl::StrCat(R"({"resourceType":"Bundle","id":"bundle-)", id, R"("})");
    message.destinations = {kRegio};
    message.accepted_at_ms = now_ms_.load();
    absl::StatusOr<store::AcceptResult> result = store_->Accept(message);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->outcome, store::AcceptOutcome::kAccepted);
    signal_.Notify();
  }

  // Moves the fake clock and makes every stream poll.
  void Advance(int64_t ms) {
    now_ms_ += ms;
    signal_.Notify();
  }

  std::unique_ptr<Stream> Subscribe(const std::string& destination = kRegio, int max_in_flight = 0,
                                    int ack_timeout_seconds = 0) {
    auto stream = std::make_unique<Stream>();
    stream->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::SubscribeRequest request;
    request.set_destination(destination);
    request.set_max_in_flight(max_in_flight);
    request.set_ack_timeout_seconds(ack_timeout_seconds);
    stream->reader = stub_->Subscribe(&stream->context, request);
    return stream;
  }

  grpc::Status Acknowledge(std::vector<int64_t> sequences,
                           const std::string& destination = kRegio) {
    grpc::ClientContext context;
    v1::AcknowledgeRequest request;
    request.set_destination(destination);
    for (int64_t sequence : sequences) request.add_sequences(sequence);
    v1::AcknowledgeResponse response;
    return stub_->Acknowledge(&context, request, &response);
  }

  // Rejects `sequence` of regio; the response's dead_letter in `dead` when given.
  grpc::Status Reject(int64_t sequence, const std::string& reason, bool* dead = nullptr) {
    grpc::ClientContext context;
    v1::RejectRequest request;
    request.set_destination(kRegio);
    request.set_sequence(sequence);
    request.set_reason(reason);
    v1::RejectResponse response;
    grpc::Status status = stub_->Reject(&context, request, &response);
    if (dead != nullptr) *dead = response.dead_letter();
    return status;
  }

  v1::ListDeadLettersResponse DeadLetters(bool include_message) {
    grpc::ClientContext context;
    v1::ListDeadLettersRequest request;
    request.set_destination(kRegio);
    request.set_include_message(include_message);
    v1::ListDeadLettersResponse response;
    grpc::Status status = stub_->ListDeadLetters(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Replay(int64_t sequence) {
    grpc::ClientContext context;
    v1::ReplayDeadLetterRequest request;
    request.set_destination(kRegio);
    request.set_sequence(sequence);
    v1::ReplayDeadLetterResponse response;
    return stub_->ReplayDeadLetter(&context, request, &response);
  }

  std::string dir_;
  std::atomic<int64_t> now_ms_{kStartMs};
  QueueSignal signal_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<DestinationService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Destinations::Stub> stub_;
};

TEST_F(DestinationsTest, DeliversInSequenceOrderOnePartitionHeadAtATime) {
  Start();
  Accept("m1", "patient-a");
  Accept("m2", "patient-b");
  Accept("m3", "patient-a");
  std::unique_ptr<Stream> stream = Subscribe();
  std::optional<v1::Delivery> first = stream->Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sequence(), 1);
  EXPECT_EQ(first->destination(), kRegio);
  EXPECT_EQ(first->partition(), "patient-a");
  EXPECT_EQ(first->message_id(), "m1");
  EXPECT_EQ(first->event(), "epd-record");
  EXPECT_EQ(first->message_json(), R"({"resourceType":"Bundle","id":"bundle-m1"})");
  EXPECT_EQ(first->attempts(), 0);
  EXPECT_EQ(first->accepted_at_ms(), kStartMs);
  EXPECT_EQ(stream->NextSequence(), 2);
  // m3 waits for m1 of the same patient.
  Accept("m4", "patient-c");
  EXPECT_EQ(stream->NextSequence(), 4);
  ASSERT_TRUE(Acknowledge({1}).ok());
  EXPECT_EQ(stream->NextSequence(), 3);
}

TEST_F(DestinationsTest, ReconnectResumesWithEveryUnacknowledgedEntryAndNothingElse) {
  Start();
  Accept("m1", "patient-a");
  Accept("m2", "patient-b");
  Accept("m3", "patient-c");
  std::unique_ptr<Stream> first = Subscribe();
  EXPECT_EQ(first->NextSequence(), 1);
  EXPECT_EQ(first->NextSequence(), 2);
  EXPECT_EQ(first->NextSequence(), 3);
  ASSERT_TRUE(Acknowledge({1, 3}).ok());
  first->Cancel();
  Accept("m4", "patient-d");

  std::unique_ptr<Stream> second = Subscribe();
  EXPECT_EQ(second->NextSequence(), 2);
  EXPECT_EQ(second->NextSequence(), 4);
  ASSERT_TRUE(Acknowledge({2, 4}).ok());
  grpc::ClientContext context;
  v1::GetQueueStatsResponse stats;
  ASSERT_TRUE(stub_->GetQueueStats(&context, {}, &stats).ok());
  ASSERT_EQ(stats.queues_size(), 2);
  EXPECT_EQ(stats.queues(1).destination(), kRegio);
  EXPECT_EQ(stats.queues(1).pending(), 0);
}

TEST_F(DestinationsTest, RejectedEntryHoldsOnlyItsOwnPartition) {
  Start();
  Accept("a1", "patient-a");
  Accept("a2", "patient-a");
  Accept("b1", "patient-b");
  std::unique_ptr<Stream> stream = Subscribe();
  EXPECT_EQ(stream->NextSequence(), 1);
  EXPECT_EQ(stream->NextSequence(), 3);
  bool dead = true;
  ASSERT_TRUE(Reject(1, "unknown code system", &dead).ok());
  EXPECT_FALSE(dead);
  Accept("b2", "patient-b");
  ASSERT_TRUE(Acknowledge({3}).ok());
  // b2 (sequence 4) flows; a2 (sequence 2) would have come first had it not been held.
  EXPECT_EQ(stream->NextSequence(), 4);
  Advance(1000);  // a1's backoff
  std::optional<v1::Delivery> retried = stream->Next();
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->sequence(), 1);
  EXPECT_EQ(retried->attempts(), 1);
  ASSERT_TRUE(Acknowledge({1}).ok());
  EXPECT_EQ(stream->NextSequence(), 2);
}

TEST_F(DestinationsTest, DeadLetterReleasesThePartitionAndReplayPutsItBackFirst) {
  Start({2, 1000, 1000});
  Accept("a1", "patient-a");
  Accept("a2", "patient-a");
  std::unique_ptr<Stream> stream = Subscribe();
  EXPECT_EQ(stream->NextSequence(), 1);
  bool dead = true;
  ASSERT_TRUE(Reject(1, "first try", &dead).ok());
  EXPECT_FALSE(dead);
  Advance(1000);
  EXPECT_EQ(stream->NextSequence(), 1);
  ASSERT_TRUE(Reject(1, "Patient.birthDate missing", &dead).ok());
  EXPECT_TRUE(dead);
  EXPECT_EQ(stream->NextSequence(), 2);  // the patient's later entry flows on

  v1::ListDeadLettersResponse listed = DeadLetters(/*include_message=*/false);
  ASSERT_EQ(listed.dead_letters_size(), 1);
  EXPECT_EQ(listed.dead_letters(0).delivery().sequence(), 1);
  EXPECT_EQ(listed.dead_letters(0).delivery().message_id(), "a1");
  EXPECT_EQ(listed.dead_letters(0).delivery().message_json(), "");
  EXPECT_EQ(listed.dead_letters(0).reason(), "Patient.birthDate missing");
  EXPECT_EQ(listed.dead_letters(0).dead_since_ms(), kStartMs + 1000);
  listed = DeadLetters(/*include_message=*/true);
  ASSERT_EQ(listed.dead_letters_size(), 1);
  EXPECT_NE(listed.dead_letters(0).delivery().message_json(), "");

  // Sequence 2 stays unacknowledged: the replayed entry comes before it.
  stream->Cancel();
  EXPECT_EQ(Replay(2).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Replay(1).ok());
  EXPECT_EQ(DeadLetters(false).dead_letters_size(), 0);
  std::unique_ptr<Stream> again = Subscribe();
  std::optional<v1::Delivery> replayed = again->Next();
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->sequence(), 1);
  EXPECT_EQ(replayed->attempts(), 0);
  ASSERT_TRUE(Acknowledge({1}).ok());
  EXPECT_EQ(again->NextSequence(), 2);
}

TEST_F(DestinationsTest, AckTimeoutCountsAsAFailedAttempt) {
  Start({2, 0, 0});  // no backoff: a failed entry is due again at once
  Accept("a1", "patient-a");
  Accept("a2", "patient-a");
  std::unique_ptr<Stream> stream = Subscribe(kRegio, 0, /*ack_timeout_seconds=*/5);
  std::optional<v1::Delivery> delivery = stream->Next();
  ASSERT_TRUE(delivery);
  EXPECT_EQ(delivery->sequence(), 1);
  EXPECT_EQ(delivery->attempts(), 0);
  Advance(5000);
  delivery = stream->Next();
  ASSERT_TRUE(delivery);
  EXPECT_EQ(delivery->sequence(), 1);
  EXPECT_EQ(delivery->attempts(), 1);
  Advance(5000);  // the last attempt: a dead letter, which releases a2
  EXPECT_EQ(stream->NextSequence(), 2);
  v1::ListDeadLettersResponse listed = DeadLetters(false);
  ASSERT_EQ(listed.dead_letters_size(), 1);
  EXPECT_EQ(listed.dead_letters(0).reason(), "not acknowledged within 5 s");
}

TEST_F(DestinationsTest, MaxInFlightHoldsFurtherEntriesUntilAnAcknowledgement) {
  Start();
  Accept("a1", "patient-a");
  Accept("b1", "patient-b");
  Accept("c1", "patient-c");
  std::unique_ptr<Stream> stream = Subscribe(kRegio, /*max_in_flight=*/2);
  EXPECT_EQ(stream->NextSequence(), 1);
  EXPECT_EQ(stream->NextSequence(), 2);
  // Marks entry 3 in the store (one attempt made) while the stream is full: had the stream sent it
  // already, it would arrive with attempts 0.
  ASSERT_TRUE(store_->Fail(kRegio, 3, "marker", now_ms_.load()).ok());
  now_ms_ += 1000;
  ASSERT_TRUE(Acknowledge({1}).ok());
  std::optional<v1::Delivery> third = stream->Next();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->sequence(), 3);
  EXPECT_EQ(third->attempts(), 1);
}

TEST_F(DestinationsTest, NewerSubscriberTakesOverAndTheOlderEndsAborted) {
  Start();
  Accept("a1", "patient-a");
  std::unique_ptr<Stream> older = Subscribe();
  EXPECT_EQ(older->NextSequence(), 1);
  std::unique_ptr<Stream> newer = Subscribe();
  EXPECT_EQ(newer->NextSequence(), 1);  // unacknowledged: sent again
  EXPECT_FALSE(older->Next());
  grpc::Status status = older->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(status.error_message(), "replaced by a newer subscriber");
  ASSERT_TRUE(Acknowledge({1}).ok());
  Accept("a2", "patient-a");
  EXPECT_EQ(newer->NextSequence(), 2);
}

TEST_F(DestinationsTest, ShutdownEndsStreamsWithUnavailable) {
  Start();
  Accept("a1", "patient-a");
  std::unique_ptr<Stream> stream = Subscribe();
  EXPECT_EQ(stream->NextSequence(), 1);
  service_->Shutdown();
  service_->Shutdown();
  EXPECT_FALSE(stream->Next());
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the gateway is shutting down: reconnect");
  std::unique_ptr<Stream> refused = Subscribe();
  EXPECT_FALSE(refused->Next());
  EXPECT_EQ(refused->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(DestinationsTest, RefusesUnknownDestinationsAndBadRequests) {
  Start();
  const auto subscribe_status = [this](const std::string& destination, int max_in_flight,
                                       int ack_timeout_seconds) {
    std::unique_ptr<Stream> stream = Subscribe(destination, max_in_flight, ack_timeout_seconds);
    EXPECT_FALSE(stream->Next());
    return stream->Finish();
  };
  grpc::Status status = subscribe_status("nowhere", 0, 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("nowhere"), std::string::npos);
  EXPECT_EQ(subscribe_status("", 0, 0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = subscribe_status(kRegio, 1025, 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("max_in_flight"), std::string::npos);
  status = subscribe_status(kRegio, 0, -1);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("ack_timeout_seconds"), std::string::npos);

  EXPECT_EQ(Acknowledge({}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Acknowledge({1}, "nowhere").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reject(1, "").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Replay(7).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(DestinationsTest, AcknowledgeIsIdempotentAndNotFoundForASequenceNeverSent) {
  Start();
  Accept("a1", "patient-a");
  EXPECT_TRUE(Acknowledge({1}).ok());
  EXPECT_TRUE(Acknowledge({1}).ok());
  grpc::Status status = Acknowledge({99});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("99"), std::string::npos);
  EXPECT_EQ(Reject(99, "broken").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(DestinationsTest, QueueStatsCountPendingAndDeadLetters) {
  Start({1, 1000, 1000});
  Accept("a1", "patient-a");
  now_ms_ += 10;
  Accept("b1", "patient-b");
  now_ms_ += 10;
  Accept("c1", "patient-c");
  ASSERT_TRUE(Acknowledge({1}).ok());
  bool dead = false;
  ASSERT_TRUE(Reject(2, std::string(2000, 'r'), &dead).ok());
  EXPECT_TRUE(dead);
  v1::ListDeadLettersResponse listed = DeadLetters(false);
  ASSERT_EQ(listed.dead_letters_size(), 1);
  EXPECT_LE(listed.dead_letters(0).reason().size(), 515u);  // 512 bytes and "..."

  grpc::ClientContext context;
  v1::GetQueueStatsResponse stats;
  ASSERT_TRUE(stub_->GetQueueStats(&context, {}, &stats).ok());
  ASSERT_EQ(stats.queues_size(), 2);
  EXPECT_EQ(stats.queues(0).destination(), kBihr);  // configured, no entries yet
  EXPECT_EQ(stats.queues(0).pending(), 0);
  EXPECT_EQ(stats.queues(1).destination(), kRegio);
  EXPECT_EQ(stats.queues(1).pending(), 1);
  EXPECT_EQ(stats.queues(1).dead_letters(), 1);
  EXPECT_EQ(stats.queues(1).oldest_pending_ms(), kStartMs + 20);
}

TEST(DestinationConfigs, ChecksNamesAndRoutesEvents) {
  const std::vector<DestinationConfig> destinations = {
      {"regio", "https://regio.example.be", {}},
      {"bihr", "https://bihr.example.be", {"bib-screening"}}};
  EXPECT_TRUE(CheckDestinationConfigs(destinations).ok());
  EXPECT_EQ(DestinationsFor(destinations, "bib-screening"),
            (std::vector<std::string>{"regio", "bihr"}));
  EXPECT_EQ(DestinationsFor(destinations, "epd-record"), (std::vector<std::string>{"regio"}));
  EXPECT_FALSE(IsDestinationName("Regio"));
  EXPECT_FALSE(IsDestinationName(""));
  EXPECT_FALSE(IsDestinationName(std::string(65, 'a')));
  using Configs = std::vector<DestinationConfig>;
  EXPECT_FALSE(CheckDestinationConfigs(Configs{{"regio", "x", {}}, {"regio", "y", {}}}).ok());
  EXPECT_FALSE(CheckDestinationConfigs(Configs{{"regio", "", {}}}).ok());
  EXPECT_FALSE(CheckDestinationConfigs(Configs{{"Regio", "x", {}}}).ok());
}

}  // namespace
}  // namespace zorgbrug::gateway
