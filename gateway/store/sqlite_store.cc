#include "gateway/store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/store/sqlite_audit.h"
#include "gateway/store/sqlite_connection.h"
#include "gateway/store/sqlite_plans.h"

namespace zorgbrug::gateway::store {
namespace {

using sqlite::Connection;
using sqlite::SqliteError;
using sqlite::Statement;

// ---------------------------------------------------------------------------------------------
// Schema. `PRAGMA user_version` is the number of migrations applied; kMigrations[v] takes a
// database from version v to v + 1. Append to it, never edit a step that has shipped.

// 'zbrg': marks the file as ours, so that a wrong --store path is refused instead of written to.
constexpr int kApplicationId = 0x7a627267;

// outbox.state
constexpr int kPending = 0;
constexpr int kAcknowledged = 1;
constexpr int kDead = 2;
constexpr int kWithheld = 3;

constexpr const char* kMigrations[] = {
    // v1: messages (the payload stored once), the per-destination sequence counters, the outbox.
    // The partial indexes hold pending (state 0) or dead (state 2) entries only, so acknowledged
    // history costs Deliverable and Stats nothing; the literals must match the queries below. The
    // trailing columns let the hold rule's probe and the counts read the index alone.
    R"sql(
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  bundle_id TEXT NOT NULL,
  header_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  event TEXT NOT NULL,
  source TEXT NOT NULL,
  partition TEXT NOT NULL,
  request BLOB NOT NULL,
  response BLOB NOT NULL,
  payload BLOB NOT NULL,
  accepted_at_ms INTEGER NOT NULL,
  UNIQUE (bundle_id, header_id)
);
CREATE INDEX messages_by_accepted_at ON messages (accepted_at_ms);
CREATE TABLE sequences (
  destination TEXT PRIMARY KEY,
  last_sequence INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE outbox (
  destination TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  partition TEXT NOT NULL,
  state INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  reason TEXT,
  dead_since_ms INTEGER,
  PRIMARY KEY (destination, sequence)
) WITHOUT ROWID;
CREATE INDEX outbox_pending ON outbox (destination, sequence, partition, next_attempt_ms, state)
  WHERE state = 0;
CREATE INDEX outbox_pending_by_partition ON outbox (destination, partition, sequence, state)
  WHERE state = 0;
CREATE INDEX outbox_dead ON outbox (destination, sequence, state) WHERE state = 2;
CREATE INDEX outbox_by_message ON outbox (message_id);
)sql",
    // v2: the duplicate table's other rows look a message up by either id alone; the latest typed
    // view of each patient per kind (the engine's GetPatientView), written with its message.
    R"sql(
CREATE UNIQUE INDEX messages_by_header ON messages (header_id);
CREATE INDEX messages_by_bundle ON messages (bundle_id);
CREATE TABLE views (
  partition TEXT NOT NULL,
  kind TEXT NOT NULL,
  header_id TEXT NOT NULL,
  body BLOB NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (partition, kind)
) WITHOUT ROWID;
)sql",
    // v3 (issue #9): the content classes of each outbox entry and the withheld state (3, with
    // `reason` and `withheld_at_ms`; in no partial index, so it holds nothing back); the care plans
    // with their history and change feed (AUTOINCREMENT: a change's sequence is never reused, even
    // after the latest is purged); the audit trail, never purged.
    R"sql(
ALTER TABLE outbox ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN withheld_at_ms INTEGER;
CREATE TABLE plans (
  partition TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  body BLOB NOT NULL,
  header_id TEXT NOT NULL,
  cause TEXT NOT NULL,
  author TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE plan_versions (
  partition TEXT NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL,
  header_id TEXT NOT NULL,
  cause TEXT NOT NULL,
  author TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (partition, version)
);
CREATE INDEX plan_versions_by_at ON plan_versions (at_ms);
CREATE TABLE plan_changes (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  partition TEXT NOT NULL,
  version INTEGER NOT NULL,
  header_id TEXT NOT NULL,
  cause TEXT NOT NULL,
  author TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX plan_changes_by_partition ON plan_changes (partition, sequence);
CREATE INDEX plan_changes_by_at ON plan_changes (at_ms);
CREATE TABLE audit (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  client TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  partition TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  event_json TEXT NOT NULL
);
CREATE INDEX audit_by_partition ON audit (partition, sequence);
CREATE INDEX audit_by_client ON audit (client, sequence);
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// ---------------------------------------------------------------------------------------------
// Statements. Each is prepared once per connection and cached by the address of its text. The
// queries over pending or dead entries name their partial index (INDEXED BY): without statistics
// SQLite's planner prefers the primary key, which walks the acknowledged history too, and an
// index that cannot serve the query fails the prepare instead of silently scanning.

constexpr char kBegin[] = "BEGIN IMMEDIATE";
constexpr char kCommit[] = "COMMIT";
constexpr char kFindByHeader[] =
    "SELECT id, bundle_id, content_hash, response, partition FROM messages WHERE header_id = ?1";
constexpr char kFindByBundle[] = "SELECT id FROM messages WHERE bundle_id = ?1 LIMIT 1";
constexpr char kUpsertView[] =
    "INSERT INTO views (partition, kind, header_id, body, updated_at_ms) VALUES (?1, ?2, ?3, ?4, "
    "?5)"
    " ON CONFLICT (partition, kind) DO UPDATE SET header_id = excluded.header_id,"
    " body = excluded.body, updated_at_ms = excluded.updated_at_ms";
constexpr char kFindViews[] =
    "SELECT kind, header_id, body, updated_at_ms FROM views WHERE partition = ?1 ORDER BY kind";
constexpr char kInsertMessage[] =
    "INSERT INTO messages (bundle_id, header_id, content_hash, event, source, partition, request,"
    " response, payload, accepted_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
// The counter moves in the writer's transaction: a rolled-back batch takes its sequences back
// with it, a committed one never gives them back (purged entries included).
constexpr char kNextSequence[] =
    "INSERT INTO sequences (destination, last_sequence) VALUES (?1, 1) ON CONFLICT (destination)"
    " DO UPDATE SET last_sequence = last_sequence + 1 RETURNING last_sequence";
constexpr char kLastSequence[] = "SELECT last_sequence FROM sequences WHERE destination = ?1";
constexpr char kInsertOutbox[] =
    "INSERT INTO outbox (destination, sequence, message_id, partition, content, state, attempts,"
    " next_attempt_ms) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0)";
constexpr char kEntryState[] =
    "SELECT state, attempts FROM outbox WHERE destination = ?1 AND sequence = ?2";
constexpr char kAcknowledge[] =
    "UPDATE outbox SET state = 1, reason = NULL, dead_since_ms = NULL"
    " WHERE destination = ?1 AND sequence = ?2";
constexpr char kWithhold[] =
    "UPDATE outbox SET state = 3, reason = ?3, withheld_at_ms = ?4"
    " WHERE destination = ?1 AND sequence = ?2";
constexpr char kRetryLater[] =
    "UPDATE outbox SET attempts = ?3, next_attempt_ms = ?4, reason = ?5"
    " WHERE destination = ?1 AND sequence = ?2";
constexpr char kMakeDead[] =
    "UPDATE outbox SET state = 2, attempts = ?3, reason = ?4, dead_since_ms = ?5"
    " WHERE destination = ?1 AND sequence = ?2";
constexpr char kReplay[] =
    "UPDATE outbox SET state = 0, attempts = 0, next_attempt_ms = ?3, reason = NULL,"
    " dead_since_ms = NULL WHERE destination = ?1 AND sequence = ?2";
// Walks the destination's pending entries in sequence order (outbox_pending) and keeps the head
// of each partition: the NOT EXISTS is one probe of outbox_pending_by_partition per entry.
constexpr char kDeliverable[] =
    "SELECT o.sequence, o.partition, o.message_id, o.attempts, m.event, m.payload,"
    " m.accepted_at_ms, m.header_id, o.content FROM outbox AS o INDEXED BY outbox_pending"
    " JOIN messages AS m ON m.id = o.message_id"
    " WHERE o.destination = ?1 AND o.state = 0 AND o.sequence > ?2 AND o.next_attempt_ms <= ?3"
    " AND NOT EXISTS (SELECT 1 FROM outbox AS e INDEXED BY outbox_pending_by_partition"
    " WHERE e.destination = ?1"
    " AND e.partition = o.partition AND e.state = 0 AND e.sequence < o.sequence)"
    " ORDER BY o.sequence LIMIT ?4";
constexpr char kDeadLetters[] =
    "SELECT o.sequence, o.partition, o.message_id, o.attempts, m.event, m.payload,"
    " m.accepted_at_ms, m.header_id, o.content, o.reason, o.dead_since_ms FROM outbox AS o"
    " INDEXED BY outbox_dead"
    " JOIN messages AS m ON m.id = o.message_id WHERE o.destination = ?1 AND o.state = 2"
    " ORDER BY o.sequence";
// The oldest pending entry is the first in sequence order: sequences follow acceptance.
constexpr char kStats[] =
    "SELECT s.destination,"
    " (SELECT count(*) FROM outbox AS o INDEXED BY outbox_pending"
    "  WHERE o.destination = s.destination AND o.state = 0),"
    " (SELECT count(*) FROM outbox AS o INDEXED BY outbox_dead"
    "  WHERE o.destination = s.destination AND o.state = 2),"
    " (SELECT m.accepted_at_ms FROM outbox AS o INDEXED BY outbox_pending"
    "  JOIN messages AS m ON m.id = o.message_id"
    "  WHERE o.destination = s.destination AND o.state = 0 ORDER BY o.sequence LIMIT 1)"
    " FROM sequences AS s"
    " WHERE EXISTS (SELECT 1 FROM outbox AS o WHERE o.destination = s.destination)"
    " ORDER BY s.destination";
// One chunk of Purge: messages whose entries are all final (acknowledged or withheld); the outbox
// rows go with their message (ON DELETE CASCADE).
constexpr char kPurgeChunk[] =
    "DELETE FROM messages WHERE id IN (SELECT m.id FROM messages AS m"
    " WHERE m.accepted_at_ms < ?1 AND NOT EXISTS (SELECT 1 FROM outbox AS o"
    " WHERE o.message_id = m.id AND o.state NOT IN (1, 3)) LIMIT ?2)";
constexpr int kPurgeChunkSize = 1000;

// ---------------------------------------------------------------------------------------------
// Opening: the pragmas of the write connection and the schema.

int SynchronousLevel(Synchronous mode) {
  switch (mode) {
    case Synchronous::kFull:
      return 2;
    case Synchronous::kNormal:
      return 1;
    case Synchronous::kOff:
      return 0;
  }
  return 2;
}

// WAL (readers never wait for the writer), the requested synchronous level, foreign keys (for the
// cascade of Purge) and the page limit; each read back, so that options() tells the truth.
absl::Status ConfigureWriter(Connection& db, SqliteOptions& options) {
  absl::StatusOr<std::string> mode = db.QueryText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return absl::UnavailableError(absl::StrCat("message store: ", options.path,
                                               " cannot use WAL (journal mode ", *mode, ")"));
  }
  const int level = SynchronousLevel(options.synchronous);
  absl::Status status = db.Exec(absl::StrCat("PRAGMA synchronous = ", level));
  if (status.ok()) status = db.Exec("PRAGMA foreign_keys = ON");
  if (!status.ok()) return status;
  absl::StatusOr<int64_t> confirmed = db.QueryInt("PRAGMA synchronous");
  if (!confirmed.ok()) return confirmed.status();
  if (*confirmed != level) return absl::InternalError("message store: synchronous not applied");
  if (options.max_page_count > 0) {
    absl::StatusOr<int64_t> pages =
        db.QueryInt(absl::StrCat("PRAGMA max_page_count = ", options.max_page_count));
    if (!pages.ok()) return pages.status();
    options.max_page_count = *pages;  // never below the current size of the file
  }
  return absl::OkStatus();
}

// Refuses a file of another application or of a newer build before anything is written to it
// (WAL mode included). Returns the schema version of an acceptable file (0 when empty).
absl::StatusOr<int64_t> CheckFile(Connection& db, const std::string& path) {
  absl::StatusOr<int64_t> application = db.QueryInt("PRAGMA application_id");
  if (!application.ok()) return application.status();
  absl::StatusOr<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  absl::StatusOr<int64_t> objects = db.QueryInt("SELECT count(*) FROM sqlite_schema");
  if (!objects.ok()) return objects.status();
  const bool empty = *application == 0 && *version == 0 && *objects == 0;
  if (!empty && *application != kApplicationId) {
    return absl::FailedPreconditionError(
        absl::StrCat("message store: ", path, " is not a zorgbrug message store"));
  }
  if (*version > kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("message store: ", path, " has schema version ", *version,
                     ", newer than this build's ", kSchemaVersion));
  }
  return *version;
}

// Creates the schema in an empty file, or brings an older one up to kSchemaVersion, in the
// caller's transaction (checked again inside it: another process may have been first).
absl::Status MigrateLocked(Connection& db, const std::string& path) {
  absl::StatusOr<int64_t> version = CheckFile(db, path);
  if (!version.ok()) return version.status();
  for (int64_t v = *version; v < kSchemaVersion; ++v) {
    absl::Status status = db.Exec(kMigrations[v]);
    if (!status.ok()) return status;
  }
  absl::Status status = db.Exec(absl::StrCat("PRAGMA user_version = ", kSchemaVersion));
  if (status.ok()) status = db.Exec(absl::StrCat("PRAGMA application_id = ", kApplicationId));
  return status;
}

absl::Status Migrate(Connection& db, const std::string& path) {
  absl::Status status = db.Exec("BEGIN IMMEDIATE");
  if (status.ok()) status = MigrateLocked(db, path);
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok() && !sqlite3_get_autocommit(db.db())) db.Exec("ROLLBACK").IgnoreError();
  return status;
}

// ---------------------------------------------------------------------------------------------
// The changes, each run by the writer inside a batch's transaction. A returned error is a fault
// of the database and fails the whole batch; the outcome for the caller (a duplicate, NOT_FOUND)
// goes to the out-parameter.

absl::StatusOr<int64_t> NextSequence(Connection& db, const std::string& destination) {
  Statement next = db.Prepare(kNextSequence);
  next.BindText(destination);
  absl::StatusOr<bool> row = next.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("message store: no sequence returned");
  const int64_t sequence = next.Int(0);
  absl::Status done = next.Run();  // RETURNING: finish the statement
  if (!done.ok()) return done;
  return sequence;
}

absl::Status InsertOutbox(Connection& db, const AcceptedMessage& message, int64_t message_id) {
  for (size_t i = 0; i < message.destinations.size(); ++i) {
    const std::string& destination = message.destinations[i];
    auto first = message.destinations.begin();
    if (std::find(first, first + i, destination) != first + i) continue;  // listed twice
    absl::StatusOr<int64_t> sequence = NextSequence(db, destination);
    if (!sequence.ok()) return sequence.status();
    Statement insert = db.Prepare(kInsertOutbox);
    insert.BindText(destination).Bind(*sequence).Bind(message_id).BindText(message.partition);
    insert.BindText(message.content);
    absl::Status status = insert.Run();
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// The message `bundle_id` / `header_id` would duplicate (the duplicate table of
// gateway/messaging/README.md), or nullopt when both ids are new.
absl::StatusOr<std::optional<AcceptResult>> LookUp(Connection& db, const std::string& bundle_id,
                                                   const std::string& header_id,
                                                   const std::string& content_hash) {
  {
    Statement find = db.Prepare(kFindByHeader);
    find.BindText(header_id);
    absl::StatusOr<bool> row = find.Step();
    if (!row.ok()) return row.status();
    if (*row) {
      AcceptResult result;
      result.message_id = find.Int(0);
      if (find.Bytes(1) != bundle_id) {
        result.outcome = AcceptOutcome::kHeaderResent;
      } else {
        result.outcome =
            find.Bytes(2) == content_hash ? AcceptOutcome::kDuplicate : AcceptOutcome::kIdsReused;
      }
      result.response = find.Bytes(3);
      result.partition = find.Bytes(4);
      return result;
    }
  }
  Statement find = db.Prepare(kFindByBundle);
  find.BindText(bundle_id);
  absl::StatusOr<bool> row = find.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  AcceptResult result;
  result.outcome = AcceptOutcome::kBundleIdReused;
  result.message_id = find.Int(0);
  return result;
}

absl::Status UpsertViews(Connection& db, const AcceptedMessage& message) {
  for (const View& view : message.views) {
    Statement upsert = db.Prepare(kUpsertView);
    upsert.BindText(message.partition).BindText(view.kind).BindText(message.header_id);
    upsert.BindBlob(view.body).Bind(message.accepted_at_ms);
    if (absl::Status status = upsert.Run(); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// The duplicate check, then the plan's version check, see the rows this transaction wrote before:
// two identical messages in one batch give one kAccepted and one kDuplicate, two plan writes of
// one partition expecting the same version one kAccepted and one kPlanMoved.
absl::Status InsertMessage(Connection& db, const AcceptedMessage& message, AcceptResult& result) {
  absl::StatusOr<std::optional<AcceptResult>> seen =
      LookUp(db, message.bundle_id, message.header_id, message.content_hash);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) {
    result = **std::move(seen);
    return absl::OkStatus();
  }
  if (message.plan.has_value()) {
    absl::StatusOr<int64_t> held = sqlite::PlanVersionHeld(db, message.partition);
    if (!held.ok()) return held.status();
    if (*held != message.plan->expected_version) {
      result.outcome = AcceptOutcome::kPlanMoved;
      result.plan_version = *held;
      return absl::OkStatus();
    }
  }
  Statement insert = db.Prepare(kInsertMessage);
  insert.BindText(message.bundle_id).BindText(message.header_id).BindText(message.content_hash);
  insert.BindText(message.event).BindText(message.source).BindText(message.partition);
  insert.BindBlob(message.request).BindBlob(message.response).BindBlob(message.payload);
  insert.Bind(message.accepted_at_ms);
  absl::Status status = insert.Run();
  if (!status.ok()) return status;
  result.outcome = AcceptOutcome::kAccepted;
  result.message_id = sqlite3_last_insert_rowid(db.db());
  result.response = message.response;
  if (status = UpsertViews(db, message); !status.ok()) return status;
  if (status = InsertOutbox(db, message, result.message_id); !status.ok()) return status;
  return message.plan.has_value() ? sqlite::WritePlan(db, message, result) : absl::OkStatus();
}

struct EntryState {
  int state = kPending;
  int attempts = 0;
};

// The entry's state, or nullopt when the outbox does not hold it.
absl::StatusOr<std::optional<EntryState>> FindEntry(Connection& db, const std::string& destination,
                                                    int64_t sequence) {
  Statement find = db.Prepare(kEntryState);
  find.BindText(destination).Bind(sequence);
  absl::StatusOr<bool> row = find.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return EntryState{static_cast<int>(find.Int(0)), static_cast<int>(find.Int(1))};
}

// Whether `sequence` was ever given to an entry of `destination`: an entry missing from the
// outbox below the counter was acknowledged and purged.
absl::StatusOr<bool> WasSent(Connection& db, const std::string& destination, int64_t sequence) {
  Statement last = db.Prepare(kLastSequence);
  last.BindText(destination);
  absl::StatusOr<bool> row = last.Step();
  if (!row.ok()) return row.status();
  return *row && sequence >= 1 && sequence <= last.Int(0);
}

absl::Status NotSent(const std::string& destination, int64_t sequence) {
  return absl::NotFoundError(
      absl::StrCat("message store: ", destination, " was never sent sequence ", sequence));
}

// A missing entry below the counter was acknowledged, then purged: another acknowledgement or a
// late failure of it is harmless; an entry never sent is NOT_FOUND.
absl::Status MissingEntry(Connection& db, const std::string& destination, int64_t sequence,
                          absl::Status& outcome) {
  absl::StatusOr<bool> sent = WasSent(db, destination, sequence);
  if (!sent.ok()) return sent.status();
  outcome = *sent ? absl::OkStatus() : NotSent(destination, sequence);
  return absl::OkStatus();
}

absl::Status AcknowledgeEntry(Connection& db, const std::string& destination, int64_t sequence,
                              absl::Status& outcome) {
  absl::StatusOr<std::optional<EntryState>> entry = FindEntry(db, destination, sequence);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return MissingEntry(db, destination, sequence, outcome);
  // Withheld is final: the destination acknowledging what it was handed before changes nothing.
  if ((*entry)->state == kAcknowledged || (*entry)->state == kWithheld) return absl::OkStatus();
  // A dead letter the destination confirms after all was delivered: it leaves the dead letters.
  Statement acknowledge = db.Prepare(kAcknowledge);
  acknowledge.BindText(destination).Bind(sequence);
  return acknowledge.Run();
}

// Backoff before attempt n (n >= 1): min(initial * 2^(n-1), max), without overflow.
int64_t BackoffMs(const RetryPolicy& policy, int attempt) {
  int64_t backoff = std::max<int64_t>(policy.initial_backoff_ms, 0);
  for (int i = 1; i < attempt && backoff < policy.max_backoff_ms; ++i) backoff *= 2;
  return std::min(backoff, policy.max_backoff_ms);
}

absl::Status FailEntry(Connection& db, const RetryPolicy& policy, const std::string& destination,
                       int64_t sequence, const std::string& reason, int64_t now_ms,
                       absl::Status& outcome, DeliveryState& state) {
  absl::StatusOr<std::optional<EntryState>> entry = FindEntry(db, destination, sequence);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return MissingEntry(db, destination, sequence, outcome);
  // Acknowledged (the acknowledgement won the race), already dead or withheld: nothing to retry.
  if ((*entry)->state != kPending) {
    state = (*entry)->state == kDead       ? DeliveryState::kDeadLetter
            : (*entry)->state == kWithheld ? DeliveryState::kWithheld
                                           : DeliveryState::kAcknowledged;
    return absl::OkStatus();
  }
  const int attempts = (*entry)->attempts + 1;
  state = DeliveryState::kPending;
  if (attempts >= policy.max_attempts) {
    state = DeliveryState::kDeadLetter;
    Statement dead = db.Prepare(kMakeDead);
    dead.BindText(destination).Bind(sequence).Bind(attempts).BindText(reason).Bind(now_ms);
    return dead.Run();
  }
  Statement later = db.Prepare(kRetryLater);
  later.BindText(destination).Bind(sequence).Bind(attempts);
  later.Bind(now_ms + BackoffMs(policy, attempts)).BindText(reason);
  return later.Run();
}

absl::Status ReplayEntry(Connection& db, const std::string& destination, int64_t sequence,
                         int64_t now_ms, absl::Status& outcome) {
  absl::StatusOr<std::optional<EntryState>> entry = FindEntry(db, destination, sequence);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value() || (*entry)->state != kDead) {
    absl::StatusOr<bool> sent = WasSent(db, destination, sequence);
    if (!sent.ok()) return sent.status();
    outcome = !*sent ? NotSent(destination, sequence)
                     : absl::FailedPreconditionError(absl::StrCat("message store: sequence ",
                                                                  sequence, " of ", destination,
                                                                  " is not a dead letter"));
    return absl::OkStatus();
  }
  Statement replay = db.Prepare(kReplay);
  replay.BindText(destination).Bind(sequence).Bind(now_ms);
  return replay.Run();
}

// A pending entry becomes withheld; withheld already is fine. Acknowledged or dead is
// FAILED_PRECONDITION, and so is an entry purged (it was acknowledged or withheld, which the store
// no longer knows).
absl::Status WithholdEntry(Connection& db, const std::string& destination, int64_t sequence,
                           const std::string& reason, int64_t now_ms, absl::Status& outcome) {
  absl::StatusOr<std::optional<EntryState>> entry = FindEntry(db, destination, sequence);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) {
    absl::StatusOr<bool> sent = WasSent(db, destination, sequence);
    if (!sent.ok()) return sent.status();
    outcome = !*sent ? NotSent(destination, sequence)
                     : absl::FailedPreconditionError(
                           absl::StrCat("message store: sequence ", sequence, " of ", destination,
                                        " was purged (acknowledged or withheld)"));
    return absl::OkStatus();
  }
  const int state = (*entry)->state;
  if (state == kWithheld) return absl::OkStatus();
  if (state != kPending) {
    outcome = absl::FailedPreconditionError(
        absl::StrCat("message store: sequence ", sequence, " of ", destination, " is ",
                     state == kDead ? "a dead letter" : "acknowledged"));
    return absl::OkStatus();
  }
  Statement withhold = db.Prepare(kWithhold);
  withhold.BindText(destination).Bind(sequence).BindText(reason).Bind(now_ms);
  return withhold.Run();
}

// ---------------------------------------------------------------------------------------------
// Reads.

// Columns 0-8 of kDeliverable and kDeadLetters.
Delivery ReadDelivery(const Statement& row, const std::string& destination) {
  Delivery delivery;
  delivery.sequence = row.Int(0);
  delivery.destination = destination;
  delivery.partition = row.Bytes(1);
  delivery.message_id = row.Int(2);
  delivery.attempts = static_cast<int>(row.Int(3));
  delivery.event = row.Bytes(4);
  delivery.payload = row.Bytes(5);
  delivery.accepted_at_ms = row.Int(6);
  delivery.header_id = row.Bytes(7);
  delivery.content = row.Bytes(8);
  return delivery;
}

absl::StatusOr<std::vector<Delivery>> QueryDeliverable(Connection& db,
                                                       const std::string& destination,
                                                       int64_t after_sequence, int limit,
                                                       int64_t now_ms) {
  std::vector<Delivery> deliveries;
  Statement query = db.Prepare(kDeliverable);
  query.BindText(destination).Bind(after_sequence).Bind(now_ms).Bind(limit);
  for (;;) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) return deliveries;
    deliveries.push_back(ReadDelivery(query, destination));
  }
}

absl::StatusOr<std::vector<DeadLetter>> QueryDeadLetters(Connection& db,
                                                         const std::string& destination) {
  std::vector<DeadLetter> dead;
  Statement query = db.Prepare(kDeadLetters);
  query.BindText(destination);
  for (;;) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) return dead;
    dead.push_back(DeadLetter{ReadDelivery(query, destination), query.Bytes(9), query.Int(10)});
  }
}

absl::StatusOr<std::vector<QueueStats>> QueryStats(Connection& db) {
  std::vector<QueueStats> stats;
  Statement query = db.Prepare(kStats);
  for (;;) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) return stats;
    stats.push_back(
        QueueStats{query.Bytes(0), query.Int(1), query.Int(2), query.IsNull(3) ? 0 : query.Int(3)});
  }
}

absl::StatusOr<std::vector<StoredView>> QueryViews(Connection& db, const std::string& partition) {
  std::vector<StoredView> views;
  Statement query = db.Prepare(kFindViews);
  query.BindText(partition);
  for (;;) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) return views;
    views.push_back(StoredView{query.Bytes(0), query.Bytes(1), query.Bytes(2), query.Int(3)});
  }
}

// ---------------------------------------------------------------------------------------------
// The store: one writer thread with its queue (group commit), a pool of read connections.

// A change waiting for the writer; lives on the caller's stack until `done`.
struct WriteOp {
  std::function<absl::Status(Connection&)> apply;
  absl::Status status;
  bool done = false;
};

class SqliteStoreImpl final : public SqliteStore {
 public:
  SqliteStoreImpl(SqliteOptions options, std::unique_ptr<Connection> writer)
      : options_(std::move(options)), writer_(std::move(writer)) {
    thread_ = std::thread([this] { WriterLoop(); });
  }

  // Waits for what is queued, then stops the writer; the connections close after it.
  ~SqliteStoreImpl() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    work_cv_.notify_one();
    thread_.join();
  }

  const SqliteOptions& options() const override { return options_; }

  WriterStats writer_stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

  absl::StatusOr<AcceptResult> Accept(const AcceptedMessage& message) override {
    AcceptResult result;
    absl::Status status = Write([&](Connection& db) {
      absl::Status inserted = InsertMessage(db, message, result);
      if (inserted.ok() && result.outcome == AcceptOutcome::kAccepted) ++batch_accepted_;
      return inserted;
    });
    if (!status.ok()) return status;
    return result;
  }

  absl::StatusOr<std::optional<AcceptResult>> FindResponse(
      const std::string& bundle_id, const std::string& header_id,
      const std::string& content_hash) override {
    return Read<std::optional<AcceptResult>>(
        [&](Connection& db) { return LookUp(db, bundle_id, header_id, content_hash); });
  }

  absl::StatusOr<std::vector<StoredView>> Views(const std::string& partition) override {
    return Read<std::vector<StoredView>>([&](Connection& db) { return QueryViews(db, partition); });
  }

  absl::StatusOr<std::vector<Delivery>> Deliverable(const std::string& destination,
                                                    int64_t after_sequence, int limit,
                                                    int64_t now_ms) override {
    if (limit <= 0) return std::vector<Delivery>();
    return Read<std::vector<Delivery>>([&](Connection& db) {
      return QueryDeliverable(db, destination, after_sequence, limit, now_ms);
    });
  }

  absl::Status Acknowledge(const std::string& destination, int64_t sequence) override {
    absl::Status outcome;
    absl::Status status =
        Write([&](Connection& db) { return AcknowledgeEntry(db, destination, sequence, outcome); });
    return status.ok() ? outcome : status;
  }

  absl::StatusOr<DeliveryState> Fail(const std::string& destination, int64_t sequence,
                                     const std::string& reason, int64_t now_ms) override {
    absl::Status outcome;
    DeliveryState state = DeliveryState::kPending;
    absl::Status status = Write([&](Connection& db) {
      return FailEntry(db, options_.retry, destination, sequence, reason, now_ms, outcome, state);
    });
    if (!status.ok()) return status;
    if (!outcome.ok()) return outcome;
    return state;
  }

  absl::StatusOr<std::vector<DeadLetter>> DeadLetters(const std::string& destination) override {
    return Read<std::vector<DeadLetter>>(
        [&](Connection& db) { return QueryDeadLetters(db, destination); });
  }

  absl::Status Replay(const std::string& destination, int64_t sequence, int64_t now_ms) override {
    absl::Status outcome;
    absl::Status status = Write(
        [&](Connection& db) { return ReplayEntry(db, destination, sequence, now_ms, outcome); });
    return status.ok() ? outcome : status;
  }

  absl::StatusOr<std::vector<QueueStats>> Stats() override {
    return Read<std::vector<QueueStats>>([](Connection& db) { return QueryStats(db); });
  }

  // In chunks, one transaction each, so that accepts queued meanwhile wait for one chunk at most.
  absl::StatusOr<int64_t> Purge(int64_t cutoff_ms) override {
    int64_t removed = 0;
    for (;;) {
      int64_t messages = 0;
      int64_t plan_rows = 0;
      absl::Status status = Write([&](Connection& db) {
        Statement purge = db.Prepare(kPurgeChunk);
        purge.Bind(cutoff_ms).Bind(kPurgeChunkSize);
        absl::Status done = purge.Run();
        if (!done.ok()) return done;
        messages = sqlite3_changes(db.db());
        absl::StatusOr<int64_t> history = sqlite::PurgePlanHistory(db, cutoff_ms, kPurgeChunkSize);
        if (!history.ok()) return history.status();
        plan_rows = *history;
        return absl::OkStatus();
      });
      if (!status.ok()) return status;
      removed += messages;
      if (messages < kPurgeChunkSize && plan_rows < kPurgeChunkSize) return removed;
    }
  }

  absl::Status Withhold(const std::string& destination, int64_t sequence, const std::string& reason,
                        int64_t now_ms) override {
    absl::Status outcome;
    absl::Status status = Write([&](Connection& db) {
      return WithholdEntry(db, destination, sequence, reason, now_ms, outcome);
    });
    return status.ok() ? outcome : status;
  }

  absl::StatusOr<std::optional<StoredPlan>> Plan(const std::string& partition) override {
    return Read<std::optional<StoredPlan>>(
        [&](Connection& db) { return sqlite::QueryPlan(db, partition); });
  }

  absl::StatusOr<std::optional<StoredPlan>> PlanAt(const std::string& partition,
                                                   int64_t version) override {
    return Read<std::optional<StoredPlan>>(
        [&](Connection& db) { return sqlite::QueryPlanAt(db, partition, version); });
  }

  absl::StatusOr<std::vector<PlanChange>> PlanChanges(int64_t after_sequence, int limit) override {
    if (limit <= 0) return std::vector<PlanChange>();
    return Read<std::vector<PlanChange>>(
        [&](Connection& db) { return sqlite::QueryPlanChanges(db, after_sequence, limit); });
  }

  absl::StatusOr<int64_t> FirstPlanChange() override {
    return Read<int64_t>([](Connection& db) { return sqlite::QueryFirstPlanChange(db); });
  }

  absl::Status AppendAudit(std::vector<AuditRecord> records) override {
    if (records.empty()) return absl::OkStatus();
    return Write([&](Connection& db) { return sqlite::InsertAudit(db, records); });
  }

  absl::StatusOr<std::vector<AuditRecord>> Audit(const AuditQuery& query) override {
    return Read<std::vector<AuditRecord>>(
        [&](Connection& db) { return sqlite::QueryAudit(db, query); });
  }

 private:
  // Queues `apply` for the writer and waits until its batch is committed or has failed.
  absl::Status Write(std::function<absl::Status(Connection&)> apply) {
    WriteOp op;
    op.apply = std::move(apply);
    std::unique_lock<std::mutex> lock(mu_);
    if (closing_) return absl::UnavailableError("message store: closing");
    queue_.push_back(&op);
    stats_.queued = static_cast<int64_t>(queue_.size());
    work_cv_.notify_one();
    done_cv_.wait(lock, [&op] { return op.done; });
    return op.status;
  }

  void WriterLoop() {
    std::vector<WriteOp*> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [this] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;  // closing, and nothing left to write
        const size_t take = std::min<size_t>(queue_.size(), std::max(options_.max_batch, 1));
        batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        stats_.queued = static_cast<int64_t>(queue_.size());
        stats_.in_batch = static_cast<int64_t>(batch.size());
      }
      RunBatch(batch);
    }
  }

  // One transaction for the whole batch: all of it is committed, or none of it and every change
  // gets the error. Under synchronous=FULL the COMMIT is the batch's one sync.
  void RunBatch(const std::vector<WriteOp*>& batch) {
    const auto start = std::chrono::steady_clock::now();
    batch_accepted_ = 0;
    absl::Status status = writer_->Prepare(kBegin).Run();
    for (size_t i = 0; i < batch.size() && status.ok(); ++i) status = batch[i]->apply(*writer_);
    if (status.ok()) status = writer_->Prepare(kCommit).Run();
    if (!status.ok()) {
      if (!sqlite3_get_autocommit(writer_->db())) writer_->Exec("ROLLBACK").IgnoreError();
      status = absl::Status(status.code(),
                            absl::StrCat("nothing of a batch of ", batch.size(),
                                         " changes was written: ", std::string(status.message())));
    }
    const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (WriteOp* op : batch) {
        op->status = status;
        op->done = true;
      }
      stats_.in_batch = 0;
      if (status.ok()) {
        ++stats_.commits;
        stats_.messages_accepted += batch_accepted_;
        stats_.changes_committed += static_cast<int64_t>(batch.size());
        stats_.commit_micros_total += micros;
        stats_.commit_micros_max = std::max(stats_.commit_micros_max, micros);
      } else {
        ++stats_.failed_batches;
      }
    }
    done_cv_.notify_all();
    if (status.ok() && options_.on_commit) {
      options_.on_commit(micros, static_cast<int64_t>(batch.size()));
    }
  }

  // Runs `read` on an idle read connection (or a new one when all are busy).
  template <typename T>
  absl::StatusOr<T> Read(const std::function<absl::StatusOr<T>(Connection&)>& read) {
    std::unique_ptr<Connection> db;
    {
      std::lock_guard<std::mutex> lock(readers_mu_);
      if (!readers_.empty()) {
        db = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (db == nullptr) {
      absl::StatusOr<std::unique_ptr<Connection>> opened = OpenReader();
      if (!opened.ok()) return opened.status();
      db = std::move(*opened);
    }
    absl::StatusOr<T> result = read(*db);
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (static_cast<int>(readers_.size()) < options_.idle_read_connections) {
      readers_.push_back(std::move(db));
    }
    return result;
  }

  absl::StatusOr<std::unique_ptr<Connection>> OpenReader() {
    absl::StatusOr<std::unique_ptr<Connection>> db =
        Connection::Open(options_.path, SQLITE_OPEN_READWRITE, options_.busy_timeout_ms);
    if (!db.ok()) return db.status();
    absl::Status status = (*db)->Exec("PRAGMA query_only = ON");
    if (!status.ok()) return status;
    return db;
  }

  const SqliteOptions options_;
  std::unique_ptr<Connection> writer_;  // the writer thread's only
  int64_t batch_accepted_ = 0;          // the writer thread's only

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for changes
  std::condition_variable done_cv_;  // callers wait for their batch
  std::deque<WriteOp*> queue_;
  bool closing_ = false;
  WriterStats stats_;
  std::thread thread_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;  // idle
};

}  // namespace

std::string_view SynchronousName(Synchronous mode) {
  switch (mode) {
    case Synchronous::kFull:
      return "FULL";
    case Synchronous::kNormal:
      return "NORMAL";
    case Synchronous::kOff:
      return "OFF";
  }
  return "FULL";
}

absl::StatusOr<std::unique_ptr<SqliteStore>> OpenSqliteStore(const SqliteOptions& options) {
  SqliteOptions effective = options;
  absl::StatusOr<std::unique_ptr<Connection>> writer = Connection::Open(
      options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.busy_timeout_ms);
  if (!writer.ok()) return writer.status();
  absl::Status status = CheckFile(**writer, options.path).status();
  if (status.ok()) status = ConfigureWriter(**writer, effective);
  if (status.ok()) status = Migrate(**writer, options.path);
  if (!status.ok()) return status;
  return std::make_unique<SqliteStoreImpl>(std::move(effective), std::move(*writer));
}

}  // namespace zorgbrug::gateway::store
