#include "gateway/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/store/store_test_util.h"

namespace zorgbrug::gateway::store {
namespace {

class SqliteStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    options_.path = dir_.path() + "/messages.db";
    options_.retry.max_attempts = 3;
    options_.retry.initial_backoff_ms = 1000;
    options_.retry.max_backoff_ms = 3000;
    Reopen();
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = OpenSqliteStore(options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  AcceptResult MustAccept(const AcceptedMessage& message) {
    absl::StatusOr<AcceptResult> result = store_->Accept(message);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : AcceptResult{};
  }

  std::vector<Delivery> Deliverable(const std::string& destination, int64_t after = 0,
                                    int64_t now_ms = 0, int limit = 100) {
    absl::StatusOr<std::vector<Delivery>> deliveries =
        store_->Deliverable(destination, after, limit, now_ms);
    EXPECT_TRUE(deliveries.ok()) << deliveries.status();
    return deliveries.ok() ? *deliveries : std::vector<Delivery>();
  }

  int64_t Rows(const std::string& table) {
    return RawDb(options_.path).Int("SELECT count(*) FROM " + table);
  }

  ScratchDir dir_;
  SqliteOptions options_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, AcceptsThenFindsTheResponse) {
  const AcceptedMessage message = Message("1", "patient-a", {"regional", "epd"});
  const AcceptResult accepted = MustAccept(message);
  EXPECT_EQ(accepted.outcome, AcceptOutcome::kAccepted);
  EXPECT_GT(accepted.message_id, 0);
  EXPECT_EQ(accepted.response, message.response);

  absl::StatusOr<std::optional<AcceptResult>> found =
      store_->FindResponse(message.bundle_id, message.header_id, message.content_hash);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->outcome, AcceptOutcome::kDuplicate);
  EXPECT_EQ((*found)->message_id, accepted.message_id);
  EXPECT_EQ((*found)->response, message.response);

  found = store_->FindResponse("bundle-other", "header-other", message.content_hash);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_EQ(Rows("outbox"), 2);
}

TEST_F(SqliteStoreTest, DuplicateReturnsTheOriginalResponseAndWritesNothing) {
  const AcceptedMessage original = Message("1", "patient-a", {"regional"});
  const AcceptResult accepted = MustAccept(original);
  AcceptedMessage retry = original;
  retry.response = "a response computed again, which must not be sent";
  retry.accepted_at_ms = 9999;

  const AcceptResult duplicate = MustAccept(retry);
  EXPECT_EQ(duplicate.outcome, AcceptOutcome::kDuplicate);
  EXPECT_EQ(duplicate.message_id, accepted.message_id);
  EXPECT_EQ(duplicate.response, original.response);  // byte for byte, NUL and 0xff included
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_EQ(Rows("outbox"), 1);
  EXPECT_EQ(store_->writer_stats().messages_accepted, 1);
}

TEST_F(SqliteStoreTest, IdsReusedWithOtherContentChangeNothing) {
  const AcceptedMessage original = Message("1", "patient-a", {"regional"});
  const AcceptResult accepted = MustAccept(original);
  AcceptedMessage other = Message("2", "patient-b", {"epd"});
  other.bundle_id = original.bundle_id;
  other.header_id = original.header_id;

  const AcceptResult reused = MustAccept(other);
  EXPECT_EQ(reused.outcome, AcceptOutcome::kIdsReused);
  EXPECT_EQ(reused.message_id, accepted.message_id);
  EXPECT_EQ(reused.response, original.response);
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_TRUE(Deliverable("epd").empty());
}

// The duplicate table's rows for one id alone (gateway/messaging/README.md).
TEST_F(SqliteStoreTest, OneIdAloneIsAResendOrAReusedBundleId) {
  const AcceptedMessage original = Message("1", "patient-a", {"regional"});
  const AcceptResult accepted = MustAccept(original);

  AcceptedMessage resent = Message("2", "patient-a", {"regional"});
  resent.header_id = original.header_id;  // the same message in a new Bundle
  const AcceptResult header = MustAccept(resent);
  EXPECT_EQ(header.outcome, AcceptOutcome::kHeaderResent);
  EXPECT_EQ(header.message_id, accepted.message_id);
  EXPECT_EQ(header.response, original.response);

  AcceptedMessage reused = Message("3", "patient-a", {"regional"});
  reused.bundle_id = original.bundle_id;  // a Bundle.id used again for another message
  const AcceptResult bundle = MustAccept(reused);
  EXPECT_EQ(bundle.outcome, AcceptOutcome::kBundleIdReused);
  EXPECT_TRUE(bundle.response.empty());

  absl::StatusOr<std::optional<AcceptResult>> found =
      store_->FindResponse(reused.bundle_id, reused.header_id, reused.content_hash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->outcome, AcceptOutcome::kBundleIdReused);
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_EQ(Rows("outbox"), 1);
}

TEST_F(SqliteStoreTest, ViewsAreReplacedByLaterMessagesOfTheirPartition) {
  AcceptedMessage first = Message("1", "patient-a", {"regional"}, 100);
  first.views = {{"bib-screening", "screening 1"}, {"patient", "record 1"}};
  MustAccept(first);
  AcceptedMessage second = Message("2", "patient-a", {"regional"}, 200);
  second.views = {{"bib-screening", std::string("screening\0 2", 12)}};
  MustAccept(second);
  AcceptedMessage other = Message("3", "patient-b", {"regional"}, 300);
  other.views = {{"care-plan", "plan b"}};
  MustAccept(other);
  // A duplicate writes no view.
  AcceptedMessage again = first;
  again.views = {{"patient", "not written"}};
  EXPECT_EQ(MustAccept(again).outcome, AcceptOutcome::kDuplicate);

  absl::StatusOr<std::vector<StoredView>> views = store_->Views("patient-a");
  ASSERT_TRUE(views.ok()) << views.status();
  ASSERT_EQ(views->size(), 2u);
  EXPECT_EQ((*views)[0].kind, "bib-screening");
  EXPECT_EQ((*views)[0].body, std::string("screening\0 2", 12));
  EXPECT_EQ((*views)[0].header_id, second.header_id);
  EXPECT_EQ((*views)[0].updated_at_ms, 200);
  EXPECT_EQ((*views)[1].kind, "patient");
  EXPECT_EQ((*views)[1].body, "record 1");
  views = store_->Views("patient-c");
  ASSERT_TRUE(views.ok());
  EXPECT_TRUE(views->empty());
}

TEST_F(SqliteStoreTest, PersistsAcrossReopen) {
  const AcceptedMessage first = Message("1", "patient-a", {"regional"});
  const AcceptResult accepted = MustAccept(first);
  Reopen();

  absl::StatusOr<std::optional<AcceptResult>> found =
      store_->FindResponse(first.bundle_id, first.header_id, first.content_hash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->response, first.response);
  EXPECT_EQ(MustAccept(first).outcome, AcceptOutcome::kDuplicate);
  MustAccept(Message("2", "patient-b", {"regional"}));
  EXPECT_EQ(Sequences(Deliverable("regional")), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Deliverable("regional")[0].message_id, accepted.message_id);
}

TEST_F(SqliteStoreTest, DeliversEachDestinationInSequenceOrderWithEveryField) {
  const AcceptedMessage first = Message("1", "patient-a", {"regional", "epd"}, 111);
  const AcceptedMessage second = Message("2", "patient-b", {"epd", "epd"}, 222);  // listed twice
  const int64_t first_id = MustAccept(first).message_id;
  const int64_t second_id = MustAccept(second).message_id;

  const std::vector<Delivery> epd = Deliverable("epd");
  ASSERT_EQ(Sequences(epd), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(epd[0].destination, "epd");
  EXPECT_EQ(epd[0].partition, "patient-a");
  EXPECT_EQ(epd[0].message_id, first_id);
  EXPECT_EQ(epd[0].event, "bib-screening");
  EXPECT_EQ(epd[0].payload, first.payload);
  EXPECT_EQ(epd[0].attempts, 0);
  EXPECT_EQ(epd[0].accepted_at_ms, 111);
  EXPECT_EQ(epd[1].message_id, second_id);
  EXPECT_EQ(epd[1].payload, second.payload);
  EXPECT_EQ(epd[1].accepted_at_ms, 222);
  EXPECT_EQ(Sequences(Deliverable("regional")), (std::vector<int64_t>{1}));
  EXPECT_TRUE(Deliverable("nobody").empty());
  EXPECT_EQ(Sequences(Deliverable("epd", 0, 0, 1)), (std::vector<int64_t>{1}));  // limit
  EXPECT_TRUE(Deliverable("epd", 0, 0, 0).empty());
  EXPECT_EQ(Rows("messages"), 2);  // the payload once per message, not per destination
}

TEST_F(SqliteStoreTest, AFailingEntryHoldsOnlyItsPartition) {
  MustAccept(Message("a1", "patient-a", {"d"}));  // 1
  MustAccept(Message("b1", "patient-b", {"d"}));  // 2
  MustAccept(Message("a2", "patient-a", {"d"}));  // 3
  MustAccept(Message("b2", "patient-b", {"d"}));  // 4
  MustAccept(Message("c1", "patient-c", {"d"}));  // 5
  // One entry per partition at a time: a later one waits for the earlier one's acknowledgement.
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{1, 2, 5}));

  ASSERT_TRUE(store_->Fail("d", 1, "HTTP 503", 10'000).ok());
  ASSERT_TRUE(store_->Acknowledge("d", 2).ok());
  // patient-a waits for the retry of 1; patient-b and patient-c flow.
  EXPECT_EQ(Sequences(Deliverable("d", 0, 10'000)), (std::vector<int64_t>{4, 5}));
  ASSERT_TRUE(store_->Acknowledge("d", 4).ok());
  ASSERT_TRUE(store_->Acknowledge("d", 5).ok());
  EXPECT_TRUE(Deliverable("d", 0, 10'000).empty());
  // Once 1 is due again it comes first; 3 still waits for it.
  EXPECT_EQ(Sequences(Deliverable("d", 0, 11'000)), (std::vector<int64_t>{1}));
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_EQ(Sequences(Deliverable("d", 0, 11'000)), (std::vector<int64_t>{3}));
}

TEST_F(SqliteStoreTest, AfterSequenceIsTheConsumersCursor) {
  MustAccept(Message("a1", "patient-a", {"d"}));  // 1
  MustAccept(Message("b1", "patient-b", {"d"}));  // 2
  MustAccept(Message("a2", "patient-a", {"d"}));  // 3
  MustAccept(Message("c1", "patient-c", {"d"}));  // 4
  // Past the cursor, and still never ahead of an unacknowledged entry of the same partition.
  EXPECT_EQ(Sequences(Deliverable("d", 1)), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(Sequences(Deliverable("d", 2)), (std::vector<int64_t>{4}));
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_EQ(Sequences(Deliverable("d", 2)), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(Deliverable("d", 4).empty());
}

TEST_F(SqliteStoreTest, BackoffDoublesUpToTheMaximum) {
  options_.retry.max_attempts = 10;
  Reopen();
  MustAccept(Message("1", "patient-a", {"d"}));
  // initial 1000, max 3000: due after 1000, 2000, 3000, 3000.
  int64_t now = 50'000;
  for (int64_t backoff : {1000, 2000, 3000, 3000}) {
    ASSERT_TRUE(store_->Fail("d", 1, "timeout", now).ok());
    EXPECT_TRUE(Deliverable("d", 0, now + backoff - 1).empty()) << backoff;
    const std::vector<Delivery> due = Deliverable("d", 0, now + backoff);
    ASSERT_EQ(Sequences(due), (std::vector<int64_t>{1})) << backoff;
    now += backoff;
  }
  EXPECT_EQ(Deliverable("d", 0, now)[0].attempts, 4);
}

TEST_F(SqliteStoreTest, DeadLetterAfterMaxAttemptsReleasesThePartition) {
  MustAccept(Message("a1", "patient-a", {"d"}, 100));  // 1
  MustAccept(Message("a2", "patient-a", {"d"}, 200));  // 2
  ASSERT_TRUE(store_->Fail("d", 1, "first", 1000).ok());
  ASSERT_TRUE(store_->Fail("d", 1, "second", 5000).ok());
  absl::StatusOr<std::vector<DeadLetter>> dead = store_->DeadLetters("d");
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(dead->empty());
  EXPECT_FALSE(Deliverable("d", 0, 1'000'000).empty());

  ASSERT_TRUE(store_->Fail("d", 1, "HTTP 422: rejected by the receiver", 9000).ok());  // 3rd
  dead = store_->DeadLetters("d");
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].delivery.sequence, 1);
  EXPECT_EQ((*dead)[0].delivery.attempts, 3);
  EXPECT_EQ((*dead)[0].delivery.accepted_at_ms, 100);
  EXPECT_EQ((*dead)[0].reason, "HTTP 422: rejected by the receiver");
  EXPECT_EQ((*dead)[0].dead_since_ms, 9000);
  // The partition moves on; a dead letter is never delivered, and failing it again changes nothing.
  EXPECT_EQ(Sequences(Deliverable("d", 0, 9000)), (std::vector<int64_t>{2}));
  EXPECT_TRUE(store_->Fail("d", 1, "again", 9001).ok());
  EXPECT_EQ(store_->DeadLetters("d")->at(0).reason, "HTTP 422: rejected by the receiver");
}

TEST_F(SqliteStoreTest, ReplayQueuesTheDeadLetterBeforeWhatCameLater) {
  options_.retry.max_attempts = 1;
  Reopen();
  MustAccept(Message("a1", "patient-a", {"d"}));            // 1
  MustAccept(Message("a2", "patient-a", {"d"}));            // 2
  MustAccept(Message("a3", "patient-a", {"d"}));            // 3
  ASSERT_TRUE(store_->Fail("d", 1, "rejected", 100).ok());  // dead at once
  EXPECT_EQ(Sequences(Deliverable("d", 0, 100)), (std::vector<int64_t>{2}));
  ASSERT_TRUE(store_->Acknowledge("d", 2).ok());

  ASSERT_TRUE(store_->Replay("d", 1, 200).ok());
  EXPECT_TRUE(store_->DeadLetters("d")->empty());
  const std::vector<Delivery> replayed = Deliverable("d", 0, 200);
  ASSERT_EQ(Sequences(replayed), (std::vector<int64_t>{1}));  // 3 waits behind it
  EXPECT_EQ(replayed[0].attempts, 0);
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_EQ(Sequences(Deliverable("d", 0, 200)), (std::vector<int64_t>{3}));
}

TEST_F(SqliteStoreTest, ReplayRefusesWhatIsNotADeadLetter) {
  MustAccept(Message("1", "patient-a", {"d"}));
  EXPECT_EQ(store_->Replay("d", 1, 0).code(), absl::StatusCode::kFailedPrecondition);  // pending
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_EQ(store_->Replay("d", 1, 0).code(), absl::StatusCode::kFailedPrecondition);  // acked
  EXPECT_EQ(store_->Replay("d", 2, 0).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Replay("other", 1, 0).code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, AcknowledgeIsIdempotentAndNotFoundForWhatWasNeverSent) {
  MustAccept(Message("1", "patient-a", {"d"}));
  EXPECT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_TRUE(Deliverable("d").empty());
  EXPECT_EQ(store_->Acknowledge("d", 2).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Acknowledge("d", 0).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Acknowledge("other", 1).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Fail("d", 2, "x", 0).status().code(), absl::StatusCode::kNotFound);
  // A failure reported after the acknowledgement changes nothing.
  absl::StatusOr<DeliveryState> late = store_->Fail("d", 1, "late", 0);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(*late, DeliveryState::kAcknowledged);
  EXPECT_TRUE(Deliverable("d").empty());
}

TEST_F(SqliteStoreTest, AcknowledgingADeadLetterTakesItOutOfTheDeadLetters) {
  options_.retry.max_attempts = 1;
  Reopen();
  MustAccept(Message("1", "patient-a", {"d"}));
  ASSERT_TRUE(store_->Fail("d", 1, "deadline passed", 0).ok());
  ASSERT_EQ(store_->DeadLetters("d")->size(), 1u);
  // The destination had received it after all.
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_TRUE(store_->DeadLetters("d")->empty());
  EXPECT_EQ(store_->Replay("d", 1, 0).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, SequencesAreNeverReusedAfterPurgeOrReopen) {
  for (const char* id : {"1", "2", "3"}) MustAccept(Message(id, "patient-a", {"d"}, 100));
  for (int64_t sequence : {1, 2, 3}) ASSERT_TRUE(store_->Acknowledge("d", sequence).ok());
  absl::StatusOr<int64_t> purged = store_->Purge(1000);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 3);
  EXPECT_EQ(Rows("messages"), 0);
  EXPECT_EQ(Rows("outbox"), 0);
  // A late acknowledgement of a purged entry is still harmless.
  EXPECT_TRUE(store_->Acknowledge("d", 2).ok());

  MustAccept(Message("4", "patient-a", {"d"}, 2000));
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{4}));
  Reopen();
  MustAccept(Message("5", "patient-b", {"d", "e"}, 2000));
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(Sequences(Deliverable("e")), (std::vector<int64_t>{1}));
}

TEST_F(SqliteStoreTest, StatsCountPendingDeadAndTheOldestPending) {
  options_.retry.max_attempts = 1;
  Reopen();
  MustAccept(Message("1", "patient-a", {"d", "e"}, 100));
  MustAccept(Message("2", "patient-b", {"d"}, 200));
  MustAccept(Message("3", "patient-c", {"d"}, 300));
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  ASSERT_TRUE(store_->Acknowledge("e", 1).ok());
  ASSERT_TRUE(store_->Fail("d", 2, "rejected", 400).ok());

  absl::StatusOr<std::vector<QueueStats>> stats = store_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->size(), 2u);
  EXPECT_EQ((*stats)[0].destination, "d");
  EXPECT_EQ((*stats)[0].pending, 1);
  EXPECT_EQ((*stats)[0].dead_letters, 1);
  EXPECT_EQ((*stats)[0].oldest_pending_ms, 300);
  EXPECT_EQ((*stats)[1].destination, "e");
  EXPECT_EQ((*stats)[1].pending, 0);
  EXPECT_EQ((*stats)[1].dead_letters, 0);
  EXPECT_EQ((*stats)[1].oldest_pending_ms, 0);
}

TEST_F(SqliteStoreTest, PurgeKeepsMessagesWithUnacknowledgedEntries) {
  options_.retry.max_attempts = 1;
  Reopen();
  const AcceptedMessage done = Message("done", "patient-a", {"d", "e"}, 500);  // d1 e1
  const AcceptedMessage half = Message("half", "patient-b", {"d", "e"}, 500);  // d2 e2
  const AcceptedMessage dead = Message("dead", "patient-c", {"d"}, 500);       // d3
  const AcceptedMessage recent = Message("recent", "patient-d", {"d"}, 1500);  // d4
  const AcceptedMessage nowhere = Message("nowhere", "patient-e", {}, 500);
  for (const AcceptedMessage* m : {&done, &half, &dead, &recent, &nowhere}) MustAccept(*m);
  for (auto [destination, sequence] :
       std::vector<std::pair<std::string, int64_t>>{{"d", 1}, {"e", 1}, {"d", 2}, {"d", 4}}) {
    ASSERT_TRUE(store_->Acknowledge(destination, sequence).ok());
  }
  ASSERT_TRUE(store_->Fail("d", 3, "rejected", 600).ok());

  absl::StatusOr<int64_t> purged = store_->Purge(1000);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);  // done and nowhere
  auto stored = [&](const AcceptedMessage& m) {
    absl::StatusOr<std::optional<AcceptResult>> found =
        store_->FindResponse(m.bundle_id, m.header_id, m.content_hash);
    return found.ok() && found->has_value();
  };
  EXPECT_FALSE(stored(done));
  EXPECT_FALSE(stored(nowhere));
  EXPECT_TRUE(stored(half));
  EXPECT_TRUE(stored(dead));
  EXPECT_TRUE(stored(recent));
  EXPECT_EQ(Rows("outbox"), 4);  // d2 e2 d3 d4; done's entries went with it
  // Past the retention period the same ids are a new message.
  EXPECT_EQ(MustAccept(done).outcome, AcceptOutcome::kAccepted);
}

TEST_F(SqliteStoreTest, ConcurrentAcceptsAreAnsweredCorrectlyAndCommittedTogether) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  // Every fifth message of each thread is one that all threads send (a retry racing the original);
  // each thread computes its own response for it, and only the first stored may be answered.
  struct Answer {
    AcceptOutcome outcome;
    int64_t message_id;
    std::string response;
  };
  std::vector<std::vector<Answer>> answers(kThreads);
  std::vector<absl::Status> errors(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const bool shared = i % 5 == 0;
        AcceptedMessage message =
            Message(shared ? absl::StrCat("shared-", i) : absl::StrCat("t", t, "-", i),
                    absl::StrCat("patient-", i % 7), {"d"});
        message.response = absl::StrCat("response of thread ", t, " to ", i);
        absl::StatusOr<AcceptResult> result = store_->Accept(message);
        if (!result.ok()) {
          errors[t] = result.status();
          return;
        }
        answers[t].push_back({result->outcome, result->message_id, result->response});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& error : errors) ASSERT_TRUE(error.ok()) << error;

  for (int i = 0; i < kPerThread; ++i) {
    if (i % 5 != 0) {
      for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(answers[t][i].outcome, AcceptOutcome::kAccepted);
        EXPECT_EQ(answers[t][i].response, absl::StrCat("response of thread ", t, " to ", i));
      }
      continue;
    }
    int winners = 0;
    std::string winner_response;
    for (int t = 0; t < kThreads; ++t) {
      if (answers[t][i].outcome != AcceptOutcome::kAccepted) continue;
      ++winners;
      winner_response = answers[t][i].response;
    }
    ASSERT_EQ(winners, 1) << "shared message " << i;
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(answers[t][i].message_id, answers[0][i].message_id);
      EXPECT_EQ(answers[t][i].response, winner_response);
    }
  }
  const int64_t distinct = kThreads * (kPerThread - kPerThread / 5) + kPerThread / 5;
  EXPECT_EQ(Rows("messages"), distinct);
  EXPECT_EQ(Rows("outbox"), distinct);
  const WriterStats stats = store_->writer_stats();
  EXPECT_EQ(stats.messages_accepted, distinct);
  EXPECT_EQ(stats.failed_batches, 0);
  // Group commit: eight writers share transactions (and syncs).
  RecordProperty("commits", static_cast<int>(stats.commits));
  EXPECT_LT(stats.commits, kThreads * kPerThread / 2) << "commits: " << stats.commits;
}

// The tests below hold the database's write lock from a second connection, so that the writer
// blocks in BEGIN and what callers queue meanwhile forms the next batch, exactly.
class SqliteStoreBatchTest : public SqliteStoreTest {
 protected:
  // Starts Accept(message) on a thread of its own; its result lands in `*result`.
  std::thread AcceptLater(AcceptedMessage message, absl::StatusOr<AcceptResult>* result) {
    return std::thread(
        [this, message = std::move(message), result] { *result = store_->Accept(message); });
  }
};

TEST_F(SqliteStoreBatchTest, TwoIdenticalMessagesInOneBatchAreStoredOnce) {
  RawDb lock(options_.path);
  ASSERT_TRUE(lock.Exec("BEGIN IMMEDIATE"));
  absl::StatusOr<AcceptResult> first, second, third;
  std::thread blocked = AcceptLater(Message("x", "patient-x", {"d"}), &first);
  WaitUntil([&] { return store_->writer_stats().in_batch == 1; });
  std::thread one = AcceptLater(Message("same", "patient-a", {"d"}), &second);
  std::thread two = AcceptLater(Message("same", "patient-a", {"d"}), &third);
  WaitUntil([&] { return store_->writer_stats().queued == 2; });
  ASSERT_TRUE(lock.Exec("ROLLBACK"));
  for (std::thread* thread : {&blocked, &one, &two}) thread->join();

  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(store_->writer_stats().commits, 2);
  std::vector<AcceptOutcome> outcomes = {second->outcome, third->outcome};
  std::sort(outcomes.begin(), outcomes.end());
  EXPECT_EQ(outcomes,
            (std::vector<AcceptOutcome>{AcceptOutcome::kAccepted, AcceptOutcome::kDuplicate}));
  EXPECT_EQ(second->message_id, third->message_id);
  EXPECT_EQ(second->response, third->response);
  EXPECT_EQ(Rows("messages"), 2);
}

TEST_F(SqliteStoreBatchTest, AFailedBatchFailsEveryChangeInItAndWritesNothing) {
  options_.busy_timeout_ms = 60'000;  // the writer waits for the lock below, however slow the run
  options_.max_page_count = 64;       // 256 KiB, a legitimate production bound
  Reopen();
  RawDb lock(options_.path);
  ASSERT_TRUE(lock.Exec("BEGIN IMMEDIATE"));
  absl::StatusOr<AcceptResult> x, small, large;
  std::thread blocked = AcceptLater(Message("x", "patient-x", {"d"}), &x);
  WaitUntil([&] { return store_->writer_stats().in_batch == 1; });
  AcceptedMessage too_large = Message("large", "patient-b", {"d"});
  too_large.payload.assign(1 << 20, 'p');  // cannot fit in 256 KiB
  std::thread one = AcceptLater(Message("small", "patient-a", {"d"}), &small);
  std::thread two = AcceptLater(too_large, &large);
  WaitUntil([&] { return store_->writer_stats().queued == 2; });
  ASSERT_TRUE(lock.Exec("ROLLBACK"));
  for (std::thread* thread : {&blocked, &one, &two}) thread->join();

  ASSERT_TRUE(x.ok()) << x.status();
  // The small message fits, but shared its batch with one that did not: neither was written.
  EXPECT_EQ(small.status().code(), absl::StatusCode::kUnavailable) << small.status();
  EXPECT_EQ(large.status().code(), absl::StatusCode::kUnavailable) << large.status();
  const WriterStats stats = store_->writer_stats();
  EXPECT_EQ(stats.commits, 1);
  EXPECT_EQ(stats.failed_batches, 1);
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{1}));
  // The store goes on: the small message is accepted on retry, with the next sequence.
  EXPECT_EQ(MustAccept(Message("small", "patient-a", {"d"})).outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{1, 2}));
}

TEST_F(SqliteStoreTest, AFullStoreRefusesThenAcceptsAgainAfterPurge) {
  options_.max_page_count = 48;
  Reopen();
  EXPECT_EQ(store_->options().max_page_count, 48);
  int accepted = 0;
  absl::StatusOr<AcceptResult> result;
  for (;; ++accepted) {
    AcceptedMessage message = Message(absl::StrCat(accepted), "patient-a", {"d"}, 100);
    message.payload.assign(16 * 1024, 'p');
    result = store_->Accept(message);
    if (!result.ok() || accepted > 100) break;
  }
  ASSERT_EQ(result.status().code(), absl::StatusCode::kUnavailable) << result.status();
  ASSERT_GT(accepted, 0);
  EXPECT_EQ(Rows("messages"), accepted);

  for (int64_t sequence = 1; sequence <= accepted; ++sequence) {
    ASSERT_TRUE(store_->Acknowledge("d", sequence).ok());
  }
  ASSERT_TRUE(store_->Purge(1000).ok());
  AcceptedMessage again = Message("again", "patient-a", {"d"});
  again.payload.assign(16 * 1024, 'p');
  EXPECT_EQ(MustAccept(again).outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(Deliverable("d")[0].sequence, accepted + 1);
}

TEST_F(SqliteStoreTest, ADatabaseLockedPastTheBusyTimeoutIsUnavailable) {
  options_.busy_timeout_ms = 50;
  Reopen();
  const AcceptedMessage before = Message("before", "patient-a", {"d"});
  MustAccept(before);
  RawDb lock(options_.path);
  ASSERT_TRUE(lock.Exec("BEGIN IMMEDIATE"));
  EXPECT_EQ(store_->Accept(Message("1", "patient-a", {"d"})).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->Acknowledge("d", 1).code(), absl::StatusCode::kUnavailable);
  // Readers are not blocked by a writer (WAL).
  absl::StatusOr<std::optional<AcceptResult>> found =
      store_->FindResponse(before.bundle_id, before.header_id, before.content_hash);
  EXPECT_TRUE(found.ok() && found->has_value());
  ASSERT_TRUE(lock.Exec("ROLLBACK"));
  EXPECT_EQ(MustAccept(Message("1", "patient-a", {"d"})).outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(store_->writer_stats().failed_batches, 2);
}

TEST_F(SqliteStoreTest, TheSchemaIsVersionedAndOtherFilesAreRefused) {
  {
    RawDb raw(options_.path);
    EXPECT_EQ(raw.Int("PRAGMA user_version"), 3);
    EXPECT_EQ(raw.Int("PRAGMA application_id"), 0x7a627267);
    EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
  }
  store_.reset();
  ASSERT_TRUE(RawDb(options_.path).Exec("PRAGMA user_version = 99"));
  EXPECT_EQ(OpenSqliteStore(options_).status().code(), absl::StatusCode::kFailedPrecondition);

  SqliteOptions other = options_;
  other.path = dir_.path() + "/someone-else.db";
  ASSERT_TRUE(RawDb(other.path).Exec("CREATE TABLE patients (name TEXT)"));
  EXPECT_EQ(OpenSqliteStore(other).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RawDb(other.path).Text("PRAGMA journal_mode"), "delete");  // left untouched

  other.path = dir_.path() + "/not-a-database";
  std::ofstream(other.path) << std::string(8192, 'x');
  EXPECT_FALSE(OpenSqliteStore(other).ok());
  other.path = dir_.path() + "/missing/messages.db";
  EXPECT_EQ(OpenSqliteStore(other).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(SqliteStoreTest, TellsWhatItRunsWith) {
  EXPECT_EQ(store_->options().synchronous, Synchronous::kFull);
  EXPECT_EQ(SynchronousName(store_->options().synchronous), "FULL");
  options_.synchronous = Synchronous::kNormal;
  Reopen();
  EXPECT_EQ(store_->options().synchronous, Synchronous::kNormal);
  EXPECT_EQ(SynchronousName(Synchronous::kOff), "OFF");
  MustAccept(Message("1", "patient-a", {"d"}));
  EXPECT_EQ(store_->writer_stats().commits, 1);
}

}  // namespace
}  // namespace zorgbrug::gateway::store
