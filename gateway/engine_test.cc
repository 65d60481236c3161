// MessagingEngine without gRPC: the in-progress guard, a store that cannot commit, the content
// hash of a submission, pseudonyms and routing. The services end to end are in
// tests/gateway/messaging_test.cc.

#include "gateway/engine.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>

#include "adapters/common/test_util.h"
#include "gateway/server.h"
#include "gateway/store/sqlite_store.h"

namespace zorgbrug::gateway {
namespace {

using store::AcceptedMessage;
using store::AcceptResult;
using store::MessageStore;

constexpr char kBase[] = "https://epd.example.be/keys";

// A SqliteStore whose Accept can be held at a gate or made to fail.
class GatedStore final : public MessageStore {
 public:
  explicit GatedStore(std::unique_ptr<store::SqliteStore> inner) : inner_(std::move(inner)) {}

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void WaitUntilHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return held_ > 0; });
  }
  absl::Status failure;

  absl::StatusOr<AcceptResult> Accept(const AcceptedMessage& message) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++held_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return open_; });
      --held_;
    }
    if (!failure.ok()) return failure;
    return inner_->Accept(message);
  }
  absl::StatusOr<std::optional<AcceptResult>> FindResponse(const std::string& b,
                                                           const std::string& h,
                                                           const std::string& c) override {
    if (!failure.ok()) return failure;
    return inner_->FindResponse(b, h, c);
  }
  absl::StatusOr<std::vector<store::StoredView>> Views(const std::string& p) override {
    return inner_->Views(p);
  }
  absl::StatusOr<std::vector<store::Delivery>> Deliverable(const std::string& d, int64_t a, int l,
                                                           int64_t n) override {
    return inner_->Deliverable(d, a, l, n);
  }
  absl::Status Acknowledge(const std::string& d, int64_t s) override {
    return inner_->Acknowledge(d, s);
  }
  absl::StatusOr<store::DeliveryState> Fail(const std::string& d, int64_t s, const std::string& r,
                                            int64_t n) override {
    return inner_->Fail(d, s, r, n);
  }
  absl::StatusOr<std::vector<store::DeadLetter>> DeadLetters(const std::string& d) override {
    return inner_->DeadLetters(d);
  }
  absl::Status Replay(const std::string& d, int64_t s, int64_t n) override {
    return inner_->Replay(d, s, n);
  }
  absl::StatusOr<std::vector<store::QueueStats>> Stats() override { return inner_->Stats(); }
  absl::StatusOr<int64_t> Purge(int64_t c) override { return inner_->Purge(c); }
  absl::Status Withhold(const std::string& d, int64_t s, const std::string& r, int64_t n) override {
    return inner_->Withhold(d, s, r, n);
  }
  absl::StatusOr<std::optional<store::StoredPlan>> Plan(const std::string& p) override {
    return inner_->Plan(p);
  }
  absl::StatusOr<std::optional<store::StoredPlan>> PlanAt(const std::string& p,
                                                          int64_t v) override {
    return inner_->PlanAt(p, v);
  }
  absl::StatusOr<std::vector<store::PlanChange>> PlanChanges(int64_t a, int l) override {
    return inner_->PlanChanges(a, l);
  }
  absl::StatusOr<int64_t> FirstPlanChange() override { return inner_->FirstPlanChange(); }

 private:
  std::unique_ptr<store::SqliteStore> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int held_ = 0;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "engine-XXXXXX";
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    store::SqliteOptions sqlite;
    sqlite.path = dir_ + "/store.db";
    sqlite.synchronous = store::Synchronous::kOff;
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened = store::OpenSqliteStore(sqlite);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::make_unique<GatedStore>(*std::move(opened));
    EngineOptions options;
    options.destinations = DefaultDestinations();
    options.pseudonym_key = "engine test key, 32 bytes long!!";
    options.source = {"zorgbrug test", "https://zorgbrug.test.example.be/fhir", "test"};
    options.new_uuid = NewUuid;
    options.now_ms = [] { return int64_t{1'790'000'000'000}; };
    engine_ = std::make_unique<MessagingEngine>(store_.get(), &signal_, nullptr, options);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static v1::SubmitBibScreeningRequest Screening(const std::string& id) {
    v1::SubmitBibScreeningRequest request;
    request.mutable_submission()->set_submission_id(id);
    request.mutable_submission()->set_source_system("https://epd.example.be");
    const auto golden = adapters::common::testutil::LoadTextProto<v1::EvaluateRequest>(
        std::string(ZORGBRUG_SOURCE_DIR) +
        "/adapters/bib/testdata/golden/all_kce_positive.textproto");
    *request.mutable_translation()->mutable_screening() = golden.screening();
    *request.mutable_translation()->mutable_history() = golden.history();
    request.mutable_translation()->set_local_key_system_base(kBase);
    return request;
  }

  std::string dir_;
  std::unique_ptr<GatedStore> store_;
  QueueSignal signal_;
  std::unique_ptr<MessagingEngine> engine_;
};

TEST_F(EngineTest, ASubmissionInProgressIsTransientAndItsResendGetsTheResponse) {
  store_->Close();
  auto first =
      std::async(std::launch::async, [&] { return engine_->SubmitBibScreening(Screening("s-1")); });
  store_->WaitUntilHeld();
  // The same submission while the first is in the store's hands: retry later.
  EngineResult<v1::SubmissionResponse> second = engine_->SubmitBibScreening(Screening("s-1"));
  ASSERT_TRUE(second.result.rejection.has_value());
  EXPECT_EQ(second.result.rejection->type, fhir::IssueType::kTransient);
  store_->Open();
  EngineResult<v1::SubmissionResponse> original = first.get();
  ASSERT_FALSE(original.result.rejection.has_value());
  EXPECT_FALSE(original.replayed);
  EngineResult<v1::SubmissionResponse> resend = engine_->SubmitBibScreening(Screening("s-1"));
  EXPECT_TRUE(resend.replayed);
  EXPECT_EQ(resend.result.response.SerializeAsString(),
            original.result.response.SerializeAsString());
}

TEST_F(EngineTest, AStoreThatCannotCommitIsTransientAndLosesNothing) {
  store_->failure = absl::UnavailableError("disk full");
  EngineResult<v1::SubmissionResponse> refused = engine_->SubmitBibScreening(Screening("s-2"));
  ASSERT_TRUE(refused.result.rejection.has_value());
  EXPECT_EQ(refused.result.rejection->type, fhir::IssueType::kTransient);
  store_->failure = absl::InternalError("corrupt");
  refused = engine_->SubmitBibScreening(Screening("s-2"));
  ASSERT_TRUE(refused.result.rejection.has_value());
  EXPECT_EQ(refused.result.rejection->type, fhir::IssueType::kException);
  store_->failure = absl::OkStatus();
  EngineResult<v1::SubmissionResponse> accepted = engine_->SubmitBibScreening(Screening("s-2"));
  ASSERT_FALSE(accepted.result.rejection.has_value());
  EXPECT_FALSE(accepted.replayed);
  absl::StatusOr<std::vector<store::Delivery>> bihr = store_->Deliverable("bihr", 0, 10, 0);
  ASSERT_TRUE(bihr.ok());
  EXPECT_EQ(bihr->size(), 1u);
}

TEST_F(EngineTest, AMessageInProgressGetsTransientError) {
  v1::SubmitBibScreeningRequest dry = Screening("s-3");
  dry.mutable_submission()->set_dry_run(true);
  v1::ProcessMessageRequest request;
  request.set_bundle_json(engine_->SubmitBibScreening(dry).result.response.message_json());
  request.set_local_key_system_base(kBase);
  store_->Close();
  auto first = std::async(std::launch::async, [&] { return engine_->ProcessMessage(request); });
  store_->WaitUntilHeld();
  EngineResult<v1::ProcessMessageResponse> second = engine_->ProcessMessage(request);
  ASSERT_TRUE(second.result.rejection.has_value());
  EXPECT_EQ(second.result.rejection->type, fhir::IssueType::kTransient);
  EXPECT_EQ(second.result.response.response_code(), "transient-error");
  EXPECT_NE(second.result.response.response_json().find("transient-error"), std::string::npos);
  store_->Open();
  EXPECT_EQ(first.get().result.response.response_code(), "ok");
  EXPECT_TRUE(engine_->ProcessMessage(request).replayed);
}

TEST_F(EngineTest, FlagsDoNotChangeTheSubmissionButContentDoes) {
  ASSERT_FALSE(engine_->SubmitBibScreening(Screening("s-4")).result.rejection.has_value());
  v1::SubmitBibScreeningRequest flagged = Screening("s-4");
  flagged.mutable_submission()->set_return_fhir(true);
  EXPECT_TRUE(engine_->SubmitBibScreening(flagged).replayed);
  v1::SubmitBibScreeningRequest other = Screening("s-4");
  other.mutable_translation()->mutable_screening()->set_local_key("BIB-other");
  EngineResult<v1::SubmissionResponse> refused = engine_->SubmitBibScreening(other);
  ASSERT_TRUE(refused.result.rejection.has_value());
  EXPECT_EQ(refused.result.rejection->type, fhir::IssueType::kDuplicate);
  EXPECT_EQ(refused.result.rejection->expression, "submission.submission_id");
  // Another source may use the same submission_id: its own message.
  v1::SubmitBibScreeningRequest elsewhere = Screening("s-4");
  elsewhere.mutable_submission()->set_source_system("https://epd.elsewhere.example.be");
  EngineResult<v1::SubmissionResponse> own = engine_->SubmitBibScreening(elsewhere);
  ASSERT_FALSE(own.result.rejection.has_value());
  EXPECT_FALSE(own.replayed);
}

TEST_F(EngineTest, PseudonymsAreKeyedAndHideTheKey) {
  const std::string a = engine_->Pseudonym(kBase, "85073100328");
  EXPECT_EQ(a, engine_->Pseudonym(kBase, "85073100328"));
  EXPECT_NE(a, engine_->Pseudonym(kBase, "85073100329"));
  EXPECT_NE(a, engine_->Pseudonym("https://other.example.be/keys", "85073100328"));
  EXPECT_EQ(a.size(), 2u + 32u);
  EXPECT_EQ(a.find("85073100328"), std::string::npos);
  EngineOptions options = engine_->options();
  options.pseudonym_key = "another key of at least 16 bytes";
  MessagingEngine other(store_.get(), &signal_, nullptr, options);
  EXPECT_NE(other.Pseudonym(kBase, "85073100328"), a);
}

TEST_F(EngineTest, RoutesByEventAndNeverBackToTheSender) {
  EXPECT_EQ(engine_->Route("epd-record", ""), (std::vector<std::string>{"bihr"}));
  EXPECT_EQ(engine_->Route("care-plan-update", ""),
            (std::vector<std::string>{"bihr", "regional-platform", "epd"}));
  EXPECT_EQ(engine_->Route("care-plan-update", "https://platform.example.be/fhir"),
            (std::vector<std::string>{"bihr", "epd"}));
}

}  // namespace
}  // namespace zorgbrug::gateway
