#pragma once

// Test support: an in-memory AuditStore that can fail appends and hold them at a gate, and that
// remembers the queries it answered. Header-only, for gateway_test.

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/store/message_store.h"

namespace zorgbrug::gateway::testing {

class FakeAuditStore : public store::AuditStore {
 public:
  absl::Status AppendAudit(std::vector<store::AuditRecord> records) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++appends_entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    if (failures_left_ > 0) {
      --failures_left_;
      return absl::UnavailableError("the fake store is down");
    }
    max_batch_ = std::max(max_batch_, records.size());
    for (store::AuditRecord& record : records) {
      record.sequence = static_cast<int64_t>(records_.size()) + 1;
      records_.push_back(std::move(record));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<store::AuditRecord>> Audit(const store::AuditQuery& query) override {
    std::lock_guard<std::mutex> lock(mu_);
    queries_.push_back(query);
    std::vector<store::AuditRecord> found;
    for (const store::AuditRecord& record : records_) {
      if (static_cast<int>(found.size()) >= query.limit) break;
      if (record.sequence <= query.after_sequence || record.at_ms < query.since_ms) continue;
      if (!query.partition.empty() && record.partition != query.partition) continue;
      if (!query.client.empty() && record.client != query.client) continue;
      if (!query.outcome.empty() && record.outcome != query.outcome) continue;
      found.push_back(record);
    }
    return found;
  }

  // The next `n` appends fail with UNAVAILABLE.
  void FailNext(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_left_ = n;
  }
  // Closed: appends wait until it opens again.
  void SetGate(bool open) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = open;
    }
    changed_.notify_all();
  }
  // Waits until `n` appends have been entered (written, failed or waiting at the gate).
  void WaitForAppends(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return appends_entered_ >= n; });
  }

  std::vector<store::AuditRecord> records() const {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }
  std::vector<store::AuditQuery> queries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queries_;
  }
  size_t max_batch() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_batch_;
  }
  // Adds records directly (sequences follow).
  void Add(std::vector<store::AuditRecord> records) {
    std::lock_guard<std::mutex> lock(mu_);
    for (store::AuditRecord& record : records) {
      record.sequence = static_cast<int64_t>(records_.size()) + 1;
      records_.push_back(std::move(record));
    }
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<store::AuditRecord> records_;
  std::vector<store::AuditQuery> queries_;
  int failures_left_ = 0;
  bool open_ = true;
  int appends_entered_ = 0;
  size_t max_batch_ = 0;
};

}  // namespace zorgbrug::gateway::testing
