#pragma once

// What the store's tests share: a scratch directory, a second connection to the database file,
// a message to accept, and a wait on a condition another thread brings about.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/store/message_store.h"

namespace zorgbrug::gateway::store {

// A fresh directory under the test's temporary directory, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::path(testing::TempDir()) / "store_test.XXXXXX");
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A second connection to the store's file, as an operator's sqlite3 shell would open it.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_busy_timeout(db_, 10000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  bool Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

inline AcceptedMessage Message(const std::string& id, const std::string& partition,
                               std::vector<std::string> destinations,
                               int64_t accepted_at_ms = 1000) {
  AcceptedMessage message;
  message.bundle_id = "bundle-" + id;
  message.header_id = "header-" + id;
  message.content_hash = "hash-" + id;
  message.event = "bib-screening";
  message.source = "epd-az-west";
  message.partition = partition;
  message.request = "request " + id;
  // Bytes a text round trip would damage: a NUL, a byte above 0x7f, a CR LF.
  message.response = std::string("response ") + id + std::string("\0\xff\r\n", 4);
  message.payload = "{\"resourceType\":\"Bundle\",\"id\":\"" + id + "\"}";
  message.destinations = std::move(destinations);
  message.accepted_at_ms = accepted_at_ms;
  return message;
}

inline std::vector<int64_t> Sequences(const std::vector<Delivery>& deliveries) {
  std::vector<int64_t> sequences;
  for (const Delivery& delivery : deliveries) sequences.push_back(delivery.sequence);
  return sequences;
}

// Waits for a state of the writer that another thread brings about (no fixed sleep: the
// condition decides).
inline void WaitUntil(const std::function<bool()>& condition) {
  while (!condition()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace zorgbrug::gateway::store
