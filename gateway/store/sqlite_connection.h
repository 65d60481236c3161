#pragma once

// The sqlite3 C API behind two small RAII types, shared by the files of the SQLite store
// (sqlite_store.cc, sqlite_plans.cc). Internal to gateway/store/.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace zorgbrug::gateway::store::sqlite {

// What a retry may cure is UNAVAILABLE; damage is DATA_LOSS; anything else is a fault of ours.
inline absl::Status SqliteError(int code, sqlite3* db, std::string_view what) {
  std::string message = absl::StrCat("message store: ", std::string(what), ": ",
                                     db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

// A cached prepared statement while it is used: parameters are bound in order, and the
// statement is reset and unbound when this goes out of scope (bound strings are not copied and
// must outlive it). An error of preparation surfaces at the first Step().
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db, absl::Status status)
      : stmt_(stmt), db_(db), status_(std::move(status)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Statement& Bind(int64_t value) {
    Check(stmt_ == nullptr ? SQLITE_OK : sqlite3_bind_int64(stmt_, next_++, value));
    return *this;
  }
  Statement& BindText(const std::string& value) {
    Check(stmt_ == nullptr ? SQLITE_OK
                           : sqlite3_bind_text(stmt_, next_++, value.data(),
                                               static_cast<int>(value.size()), SQLITE_STATIC));
    return *this;
  }
  Statement& BindBlob(const std::string& value) {
    Check(stmt_ == nullptr ? SQLITE_OK
                           : sqlite3_bind_blob(stmt_, next_++, value.data(),
                                               static_cast<int>(value.size()), SQLITE_STATIC));
    return *this;
  }

  // True when a row is ready, false when the statement is done.
  absl::StatusOr<bool> Step() {
    if (!status_.ok()) return status_;
    const int code = sqlite3_step(stmt_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    return SqliteError(code, db_, sqlite3_sql(stmt_));
  }
  // Steps to the end, for statements whose rows do not matter.
  absl::Status Run() {
    for (;;) {
      absl::StatusOr<bool> row = Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
    }
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  // TEXT and BLOB columns alike, byte for byte.
  std::string Bytes(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
  }

 private:
  void Check(int code) {
    if (code != SQLITE_OK && status_.ok()) status_ = SqliteError(code, db_, "bind");
  }

  sqlite3_stmt* stmt_;
  sqlite3* db_;
  absl::Status status_;
  int next_ = 1;
};

// One connection and its prepared statements. Used by one thread at a time.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, int flags,
                                                          int busy_timeout_ms) {
    sqlite3* db = nullptr;
    const int code = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<Connection> connection(new Connection(db));  // closes `db` on failure too
    if (code != SQLITE_OK) return SqliteError(code, db, absl::StrCat("cannot open ", path));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    return connection;
  }
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // `sql` must be a string with static storage (a constant above): it is the cache key.
  Statement Prepare(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return Statement(it->second, db_, absl::OkStatus());
    sqlite3_stmt* stmt = nullptr;
    const int code = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (code != SQLITE_OK) return Statement(nullptr, db_, SqliteError(code, db_, sql));
    statements_.emplace(sql, stmt);
    return Statement(stmt, db_, absl::OkStatus());
  }

  // Runs statements whose results do not matter (pragmas, the schema); not cached.
  absl::Status Exec(const std::string& sql) {
    const int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    return code == SQLITE_OK ? absl::OkStatus() : SqliteError(code, db_, sql);
  }

  // The first column of the first row of `sql` as an integer or text.
  absl::StatusOr<int64_t> QueryInt(const std::string& sql) {
    return QueryOne<int64_t>(sql, [](sqlite3_stmt* s) { return sqlite3_column_int64(s, 0); });
  }
  absl::StatusOr<std::string> QueryText(const std::string& sql) {
    return QueryOne<std::string>(sql, [](sqlite3_stmt* s) {
      const unsigned char* text = sqlite3_column_text(s, 0);
      return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
    });
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  template <typename T, typename Read>
  absl::StatusOr<T> QueryOne(const std::string& sql, Read read) {
    sqlite3_stmt* stmt = nullptr;
    int code = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    if (code != SQLITE_OK) return SqliteError(code, db_, sql);
    code = sqlite3_step(stmt);
    absl::StatusOr<T> result =
        code == SQLITE_ROW ? absl::StatusOr<T>(read(stmt))
        : code == SQLITE_DONE
            ? absl::StatusOr<T>(absl::InternalError(absl::StrCat(sql, ": no row")))
            : absl::StatusOr<T>(SqliteError(code, db_, sql));
    sqlite3_finalize(stmt);
    return result;
  }

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace zorgbrug::gateway::store::sqlite
