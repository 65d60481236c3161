#pragma once

// The embedded MessageStore: one SQLite database file in WAL mode (README.md beside this file has
// the schema, the durability contract and the figures).
//
// Writes (Accept, Acknowledge, Fail, Replay, Purge) go through one writer thread that owns the
// write connection and commits everything queued in one transaction (group commit): a caller
// returns once the batch holding its change is committed, with synchronous=FULL by default, so
// "accepted" means "on the disk". A batch commits entirely or not at all: when its transaction
// fails (the disk or max_page_count is full, the database stayed locked past busy_timeout_ms),
// every change of the batch fails with UNAVAILABLE and none is written. Reads (FindResponse,
// Deliverable, DeadLetters, Stats) run on a small pool of read connections, concurrently with the
// writer, and see every commit that returned before they started.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gateway/store/message_store.h"

namespace zorgbrug::gateway::store {

// SQLite's `PRAGMA synchronous` in WAL mode
// (https://www.sqlite.org/pragma.html#pragma_synchronous).
enum class Synchronous {
  // Every commit is synced before it returns: an acknowledged message survives a power cut.
  kFull,
  // Commits are synced at checkpoints only: safe against a crash of the process, but a power cut
  // or a crash of the operating system may lose the last acknowledged messages.
  kNormal,
  // Never synced: a power cut may lose acknowledged messages and corrupt the file. Tests only.
  kOff,
};

// "FULL", "NORMAL", "OFF": for the log line the caller writes at start.
std::string_view SynchronousName(Synchronous mode);

struct SqliteOptions {
  // The database file; created with its schema when missing (its directory must exist). The WAL
  // and shared-memory files live beside it (`<path>-wal`, `<path>-shm`).
  std::string path;
  // Anything weaker than kFull only by explicit configuration, logged by the caller at start.
  Synchronous synchronous = Synchronous::kFull;
  RetryPolicy retry;
  // The most changes one transaction of the writer takes from its queue.
  int max_batch = 256;
  // How long a connection waits for a lock held by another process before giving up
  // (UNAVAILABLE): another process writing the same file, or a checkpoint.
  int busy_timeout_ms = 5000;
  // A bound on the size of the database file in pages (`PRAGMA max_page_count`, pages of 4 KiB);
  // a write that would pass it fails with UNAVAILABLE, as on a full disk. 0: SQLite's own limit.
  int64_t max_page_count = 0;
  // Read connections kept open between reads; more are opened while readers overlap.
  int idle_read_connections = 4;
  // Called by the writer after each committed transaction with its duration (BEGIN to the end of
  // COMMIT) and its number of changes, e.g. for a latency histogram. Must not block or call the
  // store.
  std::function<void(int64_t micros, int64_t changes)> on_commit;
};

// What the writer did since the store was opened, for the metrics and the tests.
struct WriterStats {
  // Transactions committed, and batches whose transaction failed (every change in them failed).
  int64_t commits = 0;
  int64_t failed_batches = 0;
  // Changes committed: messages accepted (new rows), and every change of a committed batch.
  int64_t messages_accepted = 0;
  int64_t changes_committed = 0;
  // Sum and maximum of the time from BEGIN to the end of COMMIT, in microseconds.
  int64_t commit_micros_total = 0;
  int64_t commit_micros_max = 0;
  // Changes waiting for the writer now, and in the transaction it is running now.
  int64_t queued = 0;
  int64_t in_batch = 0;
};

class SqliteStore : public MessageStore, public AuditStore {
 public:
  // What the store runs with: the options it was opened with, as the database confirmed them.
  virtual const SqliteOptions& options() const = 0;
  virtual WriterStats writer_stats() const = 0;
};

// Opens (creating or migrating the schema when needed) the database at `options.path`. Fails with
// FAILED_PRECONDITION when the file belongs to another application or to a newer schema, and with
// UNAVAILABLE when it cannot be opened or locked. The returned store's destructor waits for the
// changes already queued, then closes the database.
absl::StatusOr<std::unique_ptr<SqliteStore>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace zorgbrug::gateway::store
