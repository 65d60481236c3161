// The store's additions of issue #9: care plans with their version check, history and change
// feed; withheld outbox entries and their content classes; the audit trail; the migration of a
// version 2 file.

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/store/sqlite_store.h"
#include "gateway/store/store_test_util.h"

// GCC 12 warns about the members a designated initializer leaves to their defaults (AuditQuery).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace zorgbrug::gateway::store {
namespace {

class PlanStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    options_.path = dir_.path() + "/messages.db";
    options_.retry.max_attempts = 2;
    options_.synchronous =
        Synchronous::kNormal;  // durability is store_test's other tests' business
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

  // Message `id` writing `partition`'s plan as `body`, expecting `expected` to be held.
  static AcceptedMessage PlanMessage(const std::string& id, const std::string& partition,
                                     int64_t expected, const std::string& body,
                                     int64_t accepted_at_ms = 1000) {
    AcceptedMessage message = Message(id, partition, {}, accepted_at_ms);
    message.plan = PlanWrite{expected, body, "put", "client-" + id};
    return message;
  }

  std::optional<StoredPlan> PlanAt(const std::string& partition, int64_t version) {
    absl::StatusOr<std::optional<StoredPlan>> plan = store_->PlanAt(partition, version);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : std::nullopt;
  }

  std::vector<PlanChange> Changes(int64_t after = 0, int limit = 100) {
    absl::StatusOr<std::vector<PlanChange>> changes = store_->PlanChanges(after, limit);
    EXPECT_TRUE(changes.ok()) << changes.status();
    return changes.ok() ? *changes : std::vector<PlanChange>();
  }

  int64_t FirstPlanChange() {
    absl::StatusOr<int64_t> first = store_->FirstPlanChange();
    EXPECT_TRUE(first.ok()) << first.status();
    return first.ok() ? *first : -1;
  }

  std::vector<Delivery> Deliverable(const std::string& destination) {
    absl::StatusOr<std::vector<Delivery>> deliveries = store_->Deliverable(destination, 0, 100, 0);
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

std::vector<int64_t> ChangeSequences(const std::vector<PlanChange>& changes) {
  std::vector<int64_t> sequences;
  for (const PlanChange& change : changes) sequences.push_back(change.sequence);
  return sequences;
}

TEST_F(PlanStoreTest, EachPlanWriteIsTheNextVersionAndOldVersionsStayReadable) {
  EXPECT_FALSE(store_->Plan("plan-a")->has_value());
  AcceptedMessage first = PlanMessage("1", "plan-a", 0, std::string("v1\0\xff", 4), 1000);
  const AcceptResult one = MustAccept(first);
  EXPECT_EQ(one.outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(one.plan_version, 1);
  EXPECT_EQ(one.plan_sequence, 1);
  const AcceptResult two = MustAccept(PlanMessage("2", "plan-a", 1, "v2", 2000));
  EXPECT_EQ(two.outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(two.plan_version, 2);
  EXPECT_EQ(two.plan_sequence, 2);

  absl::StatusOr<std::optional<StoredPlan>> latest = store_->Plan("plan-a");
  ASSERT_TRUE(latest.ok() && latest->has_value()) << latest.status();
  EXPECT_EQ((*latest)->partition, "plan-a");
  EXPECT_EQ((*latest)->version, 2);
  EXPECT_EQ((*latest)->body, "v2");
  EXPECT_EQ((*latest)->header_id, "header-2");
  EXPECT_EQ((*latest)->cause, "put");
  EXPECT_EQ((*latest)->author, "client-2");
  EXPECT_EQ((*latest)->updated_at_ms, 2000);

  const std::optional<StoredPlan> old = PlanAt("plan-a", 1);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->body, first.plan->body);  // byte for byte
  EXPECT_EQ(old->header_id, "header-1");
  EXPECT_EQ(old->author, "client-1");
  EXPECT_EQ(old->updated_at_ms, 1000);
  EXPECT_FALSE(PlanAt("plan-a", 3).has_value());
  EXPECT_FALSE(PlanAt("plan-b", 1).has_value());
  EXPECT_EQ(Rows("messages"), 2);
}

TEST_F(PlanStoreTest, AStalePlanWriteIsPlanMovedAndWritesNothing) {
  MustAccept(PlanMessage("1", "plan-a", 0, "v1"));
  AcceptedMessage stale = PlanMessage("2", "plan-a", 0, "lost update");
  stale.destinations = {"regional"};
  stale.views = {View{"care-plan", "stale view"}};
  const AcceptResult moved = MustAccept(stale);
  EXPECT_EQ(moved.outcome, AcceptOutcome::kPlanMoved);
  EXPECT_EQ(moved.plan_version, 1);
  EXPECT_EQ(moved.plan_sequence, 0);
  EXPECT_EQ(moved.message_id, 0);
  EXPECT_TRUE(moved.response.empty());

  // Nothing of the message: not stored (a retry with the right version is a new message), no
  // outbox entry, no view, no plan version, no change.
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_EQ(Rows("outbox"), 0);
  EXPECT_TRUE(store_->Views("plan-a")->empty());
  EXPECT_FALSE(
      store_->FindResponse(stale.bundle_id, stale.header_id, stale.content_hash)->has_value());
  EXPECT_EQ(store_->Plan("plan-a").value()->body, "v1");
  EXPECT_EQ(Changes().size(), 1u);
  EXPECT_EQ(store_->writer_stats().messages_accepted, 1);

  // Expecting a version when none is held: moved, held version 0.
  EXPECT_EQ(MustAccept(PlanMessage("3", "plan-b", 4, "x")).outcome, AcceptOutcome::kPlanMoved);
  EXPECT_EQ(MustAccept(PlanMessage("4", "plan-b", 4, "x")).plan_version, 0);
  // The caller re-reads and retries: accepted.
  stale.plan->expected_version = 1;
  const AcceptResult retried = MustAccept(stale);
  EXPECT_EQ(retried.outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(retried.plan_version, 2);
  EXPECT_EQ(Rows("outbox"), 1);
  EXPECT_EQ(store_->Views("plan-a")->size(), 1u);
}

TEST_F(PlanStoreTest, TheDuplicateCheckComesBeforeThePlanCheck) {
  const AcceptedMessage first = PlanMessage("1", "plan-a", 0, "v1");
  const AcceptResult accepted = MustAccept(first);
  MustAccept(PlanMessage("2", "plan-a", 1, "v2"));
  // The same message again: its version is stale now, but it is a duplicate first.
  const AcceptResult again = MustAccept(first);
  EXPECT_EQ(again.outcome, AcceptOutcome::kDuplicate);
  EXPECT_EQ(again.message_id, accepted.message_id);
  EXPECT_EQ(again.response, first.response);
}

// The write lock held from a second connection blocks the writer in BEGIN, so that what is
// queued meanwhile forms the next batch, exactly.
TEST_F(PlanStoreTest, TwoWritersOfOnePlanInOneBatchGiveOneWinner) {
  options_.busy_timeout_ms = 60'000;  // the writer waits for the lock below, however slow the run
  Reopen();
  MustAccept(PlanMessage("0", "plan-a", 0, "v1"));
  RawDb lock(options_.path);
  ASSERT_TRUE(lock.Exec("BEGIN IMMEDIATE"));
  absl::StatusOr<AcceptResult> blocked, first, second, other;
  auto later = [this](AcceptedMessage message, absl::StatusOr<AcceptResult>* result) {
    return std::thread(
        [this, message = std::move(message), result] { *result = store_->Accept(message); });
  };
  std::thread t0 = later(Message("x", "patient-x", {"d"}), &blocked);
  WaitUntil([&] { return store_->writer_stats().in_batch == 1; });
  std::thread t1 = later(PlanMessage("1", "plan-a", 1, "from one"), &first);
  std::thread t2 = later(PlanMessage("2", "plan-a", 1, "from two"), &second);
  std::thread t3 = later(Message("y", "patient-y", {"d"}), &other);
  WaitUntil([&] { return store_->writer_stats().queued == 3; });
  ASSERT_TRUE(lock.Exec("ROLLBACK"));
  for (std::thread* thread : {&t0, &t1, &t2, &t3}) thread->join();

  ASSERT_TRUE(blocked.ok() && first.ok() && second.ok() && other.ok());
  EXPECT_EQ(store_->writer_stats().commits, 3);  // the v1, the blocked one, the batch of three
  const AcceptResult& winner = first->outcome == AcceptOutcome::kAccepted ? *first : *second;
  const AcceptResult& loser = first->outcome == AcceptOutcome::kAccepted ? *second : *first;
  EXPECT_EQ(winner.outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(winner.plan_version, 2);
  EXPECT_EQ(loser.outcome, AcceptOutcome::kPlanMoved);
  EXPECT_EQ(loser.plan_version, 2);  // the winner's write, earlier in the same transaction
  EXPECT_EQ(other->outcome, AcceptOutcome::kAccepted);  // the rest of the batch committed
  EXPECT_EQ(Rows("messages"), 4);
  EXPECT_EQ(Rows("plan_versions"), 2);
  const std::string body = store_->Plan("plan-a").value()->body;
  EXPECT_EQ(body, first->outcome == AcceptOutcome::kAccepted ? "from one" : "from two");
}

TEST_F(PlanStoreTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kThreads = 6;
  constexpr int kWritesEach = 15;
  std::vector<absl::Status> errors(kThreads);
  std::vector<int> moved(kThreads, 0);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int done = 0, attempt = 0; done < kWritesEach; ++attempt) {
        absl::StatusOr<std::optional<StoredPlan>> held = store_->Plan("plan-a");
        if (!held.ok()) {
          errors[t] = held.status();
          return;
        }
        const int64_t version = held->has_value() ? (*held)->version : 0;
        absl::StatusOr<AcceptResult> result = store_->Accept(PlanMessage(
            absl::StrCat(t, "-", attempt), "plan-a", version, absl::StrCat("t", t, "#", done)));
        if (!result.ok()) {
          errors[t] = result.status();
          return;
        }
        if (result->outcome == AcceptOutcome::kPlanMoved) {
          EXPECT_GT(result->plan_version, version);
          ++moved[t];
          continue;
        }
        EXPECT_EQ(result->plan_version, version + 1);
        ++done;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& error : errors) ASSERT_TRUE(error.ok()) << error;

  // Every version exactly once, in the order of the feed; every write of every thread is in it.
  const std::vector<PlanChange> changes = Changes(0, 1000);
  ASSERT_EQ(changes.size(), static_cast<size_t>(kThreads * kWritesEach));
  std::set<std::string> bodies;
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].version, static_cast<int64_t>(i) + 1);
    bodies.insert(changes[i].body);
  }
  EXPECT_EQ(bodies.size(), changes.size());
  EXPECT_EQ(store_->Plan("plan-a").value()->version, kThreads * kWritesEach);
}

TEST_F(PlanStoreTest, TheChangeFeedIsInOrderAndResumableAcrossReopen) {
  EXPECT_EQ(FirstPlanChange(), 1);
  EXPECT_TRUE(Changes().empty());
  MustAccept(PlanMessage("1", "plan-a", 0, "a1", 100));
  MustAccept(PlanMessage("2", "plan-b", 0, "b1", 200));
  MustAccept(PlanMessage("3", "plan-a", 1, "a2", 300));

  const std::vector<PlanChange> head = Changes(0, 2);
  ASSERT_EQ(ChangeSequences(head), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(head[1].partition, "plan-b");
  EXPECT_EQ(head[1].version, 1);
  EXPECT_EQ(head[1].body, "b1");
  EXPECT_EQ(head[1].header_id, "header-2");
  EXPECT_EQ(head[1].cause, "put");
  EXPECT_EQ(head[1].author, "client-2");
  EXPECT_EQ(head[1].at_ms, 200);
  EXPECT_TRUE(Changes(0, 0).empty());

  Reopen();
  const std::vector<PlanChange> rest = Changes(head.back().sequence);
  ASSERT_EQ(ChangeSequences(rest), (std::vector<int64_t>{3}));
  EXPECT_EQ(rest[0].partition, "plan-a");
  EXPECT_EQ(rest[0].version, 2);
  EXPECT_EQ(rest[0].body, "a2");
  EXPECT_EQ(FirstPlanChange(), 1);
  EXPECT_EQ(MustAccept(PlanMessage("4", "plan-b", 1, "b2")).plan_sequence, 4);
}

TEST_F(PlanStoreTest, PurgeKeepsEachPartitionsLatestVersionAndChange) {
  MustAccept(PlanMessage("1", "plan-a", 0, "a1", 100));   // change 1
  MustAccept(PlanMessage("2", "plan-b", 0, "b1", 100));   // change 2
  MustAccept(PlanMessage("3", "plan-a", 1, "a2", 200));   // change 3
  MustAccept(PlanMessage("4", "plan-a", 2, "a3", 200));   // change 4
  MustAccept(PlanMessage("5", "plan-a", 3, "a4", 5000));  // change 5, after the cutoff

  ASSERT_EQ(store_->Purge(1000).value(), 4);  // the messages before the cutoff (no entries)
  EXPECT_FALSE(PlanAt("plan-a", 1).has_value());
  EXPECT_FALSE(PlanAt("plan-a", 3).has_value());
  EXPECT_EQ(PlanAt("plan-a", 4)->body, "a4");
  EXPECT_EQ(PlanAt("plan-b", 1)->body, "b1");  // old, but the latest of plan-b
  const std::vector<PlanChange> kept = Changes();
  ASSERT_EQ(ChangeSequences(kept), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(kept[0].body, "b1");
  EXPECT_EQ(kept[1].body, "a4");
  EXPECT_EQ(FirstPlanChange(), 2);  // a cursor below 1 has missed changes
  EXPECT_EQ(store_->Plan("plan-a").value()->version, 4);

  // Purging everything keeps the latest of each; sequences are not reused.
  ASSERT_TRUE(store_->Purge(1'000'000).ok());
  EXPECT_EQ(ChangeSequences(Changes()), (std::vector<int64_t>{2, 5}));
  Reopen();
  EXPECT_EQ(MustAccept(PlanMessage("6", "plan-b", 1, "b2", 6000)).plan_sequence, 6);
  ASSERT_TRUE(store_->Purge(1'000'000).ok());
  EXPECT_EQ(ChangeSequences(Changes()), (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(FirstPlanChange(), 5);
}

// ---------------------------------------------------------------------------------------------
// Withheld entries and content classes.

TEST_F(PlanStoreTest, ContentIsCopiedToEveryDelivery) {
  AcceptedMessage message = Message("1", "patient-a", {"regional", "epd"});
  message.content = "clinical,care-organisation";
  MustAccept(message);
  for (const std::string destination : {"regional", "epd"}) {
    const std::vector<Delivery> deliveries = Deliverable(destination);
    ASSERT_EQ(deliveries.size(), 1u);
    EXPECT_EQ(deliveries[0].content, "clinical,care-organisation");
  }
  ASSERT_EQ(store_->Fail("epd", 1, "refused", 0).value(), DeliveryState::kPending);
  ASSERT_EQ(store_->Fail("epd", 1, "refused", 5000).value(), DeliveryState::kDeadLetter);
  const std::vector<DeadLetter> dead = store_->DeadLetters("epd").value();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].delivery.content, "clinical,care-organisation");
  EXPECT_EQ(dead[0].reason, "refused");
}

TEST_F(PlanStoreTest, AWithheldEntryIsFinalAndReleasesItsPartition) {
  MustAccept(Message("1", "patient-a", {"d"}));
  MustAccept(Message("2", "patient-a", {"d"}));
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{1}));  // 2 held behind 1

  ASSERT_TRUE(store_->Withhold("d", 1, "no consent for clinical", 100).ok());
  ASSERT_TRUE(store_->Withhold("d", 1, "no consent for clinical", 200).ok());  // idempotent
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{2}));
  const std::vector<QueueStats> stats = store_->Stats().value();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].pending, 1);
  EXPECT_EQ(stats[0].dead_letters, 0);
  EXPECT_EQ(RawDb(options_.path).Text("SELECT reason FROM outbox WHERE sequence = 1"),
            "no consent for clinical");

  // Nothing brings it back.
  EXPECT_EQ(store_->Fail("d", 1, "late failure", 0).value(), DeliveryState::kWithheld);
  EXPECT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_EQ(store_->Replay("d", 1, 0).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sequences(Deliverable("d")), (std::vector<int64_t>{2}));
  EXPECT_TRUE(store_->DeadLetters("d")->empty());
}

TEST_F(PlanStoreTest, WithholdRefusesWhatIsUnknownDeliveredOrDead) {
  MustAccept(Message("1", "patient-a", {"d"}));
  MustAccept(Message("2", "patient-b", {"d"}));
  EXPECT_EQ(store_->Withhold("d", 3, "r", 0).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Withhold("other", 1, "r", 0).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->Acknowledge("d", 1).ok());
  EXPECT_EQ(store_->Withhold("d", 1, "r", 0).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_EQ(store_->Fail("d", 2, "down", 0).value(), DeliveryState::kPending);
  ASSERT_EQ(store_->Fail("d", 2, "down", 0).value(), DeliveryState::kDeadLetter);
  EXPECT_EQ(store_->Withhold("d", 2, "r", 0).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->DeadLetters("d")->size(), 1u);  // unchanged
}

TEST_F(PlanStoreTest, PurgeTreatsWithheldAsDone) {
  MustAccept(Message("done", "patient-a", {"d", "e"}, 100));
  MustAccept(Message("waiting", "patient-b", {"d", "e"}, 100));
  ASSERT_TRUE(store_->Withhold("d", 1, "r", 0).ok());
  ASSERT_TRUE(store_->Acknowledge("e", 1).ok());
  ASSERT_TRUE(store_->Withhold("d", 2, "r", 0).ok());  // e's entry of "waiting" is pending
  EXPECT_EQ(store_->Purge(1000).value(), 1);
  EXPECT_EQ(Rows("messages"), 1);
  EXPECT_EQ(Rows("outbox"), 2);
  // A purged withheld entry is no longer known as such.
  EXPECT_EQ(store_->Withhold("d", 1, "r", 0).code(), absl::StatusCode::kFailedPrecondition);
}

// ---------------------------------------------------------------------------------------------
// The audit trail.

AuditRecord Record(int64_t at_ms, const std::string& client, const std::string& partition,
                   const std::string& outcome) {
  AuditRecord record;
  record.sequence = 999;  // ignored
  record.at_ms = at_ms;
  record.client = client;
  record.role = "midwife";
  record.action = "/zorgbrug.v1.CarePlanSync/PutCarePlan";
  record.partition = partition;
  record.outcome = outcome;
  record.reason = outcome == "success" ? "" : "PERMISSION_DENIED: role";
  record.event_json = absl::StrCat("{\"resourceType\":\"AuditEvent\",\"recorded\":", at_ms, "}");
  return record;
}

std::vector<int64_t> AuditSequences(const std::vector<AuditRecord>& records) {
  std::vector<int64_t> sequences;
  for (const AuditRecord& record : records) sequences.push_back(record.sequence);
  return sequences;
}

class AuditStoreTest : public PlanStoreTest {
 protected:
  void SetUp() override {
    PlanStoreTest::SetUp();
    ASSERT_TRUE(store_
                    ->AppendAudit({Record(10, "epd-a", "patient-1", "success"),  // 1
                                   Record(20, "epd-b", "patient-1", "denied"),   // 2
                                   Record(30, "epd-a", "patient-2", "success"),  // 3
                                   Record(40, "epd-a", "", "success")})          // 4
                    .ok());
    ASSERT_TRUE(store_->AppendAudit({Record(50, "epd-b", "patient-1", "success")}).ok());  // 5
  }

  std::vector<int64_t> Query(const AuditQuery& query) {
    absl::StatusOr<std::vector<AuditRecord>> records = store_->Audit(query);
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? AuditSequences(*records) : std::vector<int64_t>{-1};
  }
};

TEST_F(AuditStoreTest, RecordsRoundTripInCommitOrder) {
  const std::vector<AuditRecord> all = store_->Audit(AuditQuery{}).value();
  ASSERT_EQ(AuditSequences(all), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  const AuditRecord expected = Record(20, "epd-b", "patient-1", "denied");
  EXPECT_EQ(all[1].at_ms, 20);
  EXPECT_EQ(all[1].client, expected.client);
  EXPECT_EQ(all[1].role, expected.role);
  EXPECT_EQ(all[1].action, expected.action);
  EXPECT_EQ(all[1].partition, expected.partition);
  EXPECT_EQ(all[1].outcome, expected.outcome);
  EXPECT_EQ(all[1].reason, expected.reason);
  EXPECT_EQ(all[1].event_json, expected.event_json);
  EXPECT_TRUE(all[3].partition.empty());
  EXPECT_TRUE(store_->AppendAudit({}).ok());
}

TEST_F(AuditStoreTest, QueriesFilterByEachFieldAndTheirCombinations) {
  EXPECT_EQ(Query({.partition = "patient-1"}), (std::vector<int64_t>{1, 2, 5}));
  EXPECT_EQ(Query({.client = "epd-a"}), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(Query({.outcome = "denied"}), (std::vector<int64_t>{2}));
  EXPECT_EQ(Query({.partition = "patient-1", .client = "epd-b"}), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(Query({.partition = "patient-1", .client = "epd-b", .outcome = "success"}),
            (std::vector<int64_t>{5}));
  EXPECT_EQ(Query({.client = "epd-a", .outcome = "denied"}), (std::vector<int64_t>{}));
  EXPECT_EQ(Query({.after_sequence = 3}), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(Query({.partition = "patient-1", .after_sequence = 1}), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(Query({.client = "epd-a", .after_sequence = 1}), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(Query({.since_ms = 30}), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(Query({.partition = "patient-1", .since_ms = 30}), (std::vector<int64_t>{5}));
  EXPECT_EQ(Query({.limit = 2}), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Query({.partition = "patient-1", .limit = 1}), (std::vector<int64_t>{1}));
  EXPECT_EQ(Query({.partition = "patient-9"}), (std::vector<int64_t>{}));
}

TEST_F(AuditStoreTest, TheLimitIsClampedToOneThousand) {
  EXPECT_EQ(Query({.limit = 0}), (std::vector<int64_t>{1}));
  EXPECT_EQ(Query({.limit = -5}), (std::vector<int64_t>{1}));
  std::vector<AuditRecord> many(1000, Record(60, "bulk", "patient-3", "success"));
  ASSERT_TRUE(store_->AppendAudit(std::move(many)).ok());
  const std::vector<int64_t> page = Query({.limit = 5000});
  ASSERT_EQ(page.size(), 1000u);
  EXPECT_EQ(page.back(), 1000);
  EXPECT_EQ(Query({.after_sequence = 1000, .limit = 5000}).size(), 5u);
}

TEST_F(AuditStoreTest, SurvivesReopenAndIsNeverPurged) {
  ASSERT_TRUE(store_->Purge(1'000'000).ok());
  Reopen();
  EXPECT_EQ(Query({}), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  ASSERT_TRUE(store_->AppendAudit({Record(60, "epd-a", "patient-1", "success")}).ok());
  EXPECT_EQ(Query({.partition = "patient-1"}), (std::vector<int64_t>{1, 2, 5, 6}));
}

TEST_F(AuditStoreTest, AnAppendThatCannotCommitIsUnavailable) {
  options_.busy_timeout_ms = 50;
  Reopen();
  RawDb lock(options_.path);
  ASSERT_TRUE(lock.Exec("BEGIN IMMEDIATE"));
  EXPECT_EQ(store_->AppendAudit({Record(60, "epd-a", "patient-1", "success")}).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Query({}).size(), 5u);  // readers are not blocked
  ASSERT_TRUE(lock.Exec("ROLLBACK"));
  EXPECT_EQ(Query({}).size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Migration.

// Schema versions 1 and 2 as they shipped (kMigrations[0] and [1] of sqlite_store.cc), with one
// message stored by a version 2 build.
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE messages (
  id INTEGER PRIMARY KEY, bundle_id TEXT NOT NULL, header_id TEXT NOT NULL,
  content_hash TEXT NOT NULL, event TEXT NOT NULL, source TEXT NOT NULL, partition TEXT NOT NULL,
  request BLOB NOT NULL, response BLOB NOT NULL, payload BLOB NOT NULL,
  accepted_at_ms INTEGER NOT NULL, UNIQUE (bundle_id, header_id));
CREATE INDEX messages_by_accepted_at ON messages (accepted_at_ms);
CREATE TABLE sequences (destination TEXT PRIMARY KEY, last_sequence INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE outbox (
  destination TEXT NOT NULL, sequence INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  partition TEXT NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL, reason TEXT, dead_since_ms INTEGER,
  PRIMARY KEY (destination, sequence)) WITHOUT ROWID;
CREATE INDEX outbox_pending ON outbox (destination, sequence, partition, next_attempt_ms, state)
  WHERE state = 0;
CREATE INDEX outbox_pending_by_partition ON outbox (destination, partition, sequence, state)
  WHERE state = 0;
CREATE INDEX outbox_dead ON outbox (destination, sequence, state) WHERE state = 2;
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE UNIQUE INDEX messages_by_header ON messages (header_id);
CREATE INDEX messages_by_bundle ON messages (bundle_id);
CREATE TABLE views (
  partition TEXT NOT NULL, kind TEXT NOT NULL, header_id TEXT NOT NULL, body BLOB NOT NULL,
  updated_at_ms INTEGER NOT NULL, PRIMARY KEY (partition, kind)) WITHOUT ROWID;
INSERT INTO messages VALUES (1, 'bundle-old', 'header-old', 'hash-old', 'bib-screening', 'epd',
  'patient-a', 'request', 'response old', 'payload old', 500);
INSERT INTO sequences VALUES ('d', 1);
INSERT INTO outbox VALUES ('d', 1, 1, 'patient-a', 0, 0, 0, NULL, NULL);
INSERT INTO views VALUES ('patient-a', 'bib-screening', 'header-old', 'view old', 500);
PRAGMA application_id = 2053272167;
PRAGMA user_version = 2;
)sql";

TEST(StoreMigrationTest, AVersionTwoFileMigratesAndKeepsItsMessages) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  SqliteOptions options;
  options.path = dir.path() + "/v2.db";
  ASSERT_TRUE(RawDb(options.path).Exec(kSchemaV2));
  ASSERT_EQ(RawDb(options.path).Int("PRAGMA user_version"), 2);
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = OpenSqliteStore(options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(RawDb(options.path).Int("PRAGMA user_version"), 3);

  absl::StatusOr<std::optional<AcceptResult>> found =
      (*store)->FindResponse("bundle-old", "header-old", "hash-old");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->response, "response old");
  EXPECT_EQ((*store)->Views("patient-a").value().at(0).body, "view old");
  std::vector<Delivery> deliveries = (*store)->Deliverable("d", 0, 10, 0).value();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].payload, "payload old");
  EXPECT_EQ(deliveries[0].content, "");  // unknown before v3

  // The new parts work on the migrated file; sequences go on.
  AcceptedMessage message = Message("new", "patient-a", {"d"});
  message.plan = PlanWrite{0, "plan v1", "put", "epd"};
  const AcceptResult accepted = (*store)->Accept(message).value();
  EXPECT_EQ(accepted.outcome, AcceptOutcome::kAccepted);
  EXPECT_EQ(accepted.plan_version, 1);
  ASSERT_TRUE((*store)->Withhold("d", 1, "no consent", 0).ok());
  EXPECT_EQ(Sequences((*store)->Deliverable("d", 0, 10, 0).value()), (std::vector<int64_t>{2}));
  ASSERT_TRUE((*store)->AppendAudit({Record(1, "epd", "patient-a", "success")}).ok());
  EXPECT_EQ((*store)->Audit({}).value().size(), 1u);
  store->reset();
  EXPECT_EQ(RawDb(options.path).Text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace zorgbrug::gateway::store
