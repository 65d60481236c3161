#pragma once

// The messaging engine's durable state (issue #8), behind one interface: the messages accepted
// (for duplicate detection with a byte-identical replay of the original response) and the
// transactional outbox from which each destination consumes, in order per partition (a patient, a
// care plan), with acknowledgements, bounded retries and dead letters. SqliteStore
// (sqlite_store.h) is the embedded implementation; a PostgreSQL one shared by several gateway
// replicas fills the same interface next, so nothing here assumes a single process: sequences come
// from the database, claims are leases with an owner and an expiry.
//
// Every method is thread-safe. absl::Status reports what a retry may cure (UNAVAILABLE: the
// database is locked, the disk is full, the store is closing) or a fault of the store (INTERNAL,
// DATA_LOSS); wrong input is the caller's business and is checked before it reaches the store.
// No method logs content: the store never sees a name or an SSIN it would have to hide, because
// partitions are keyed pseudonyms chosen by the caller.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zorgbrug::gateway::store {

// The latest typed view of a patient of one kind ("bib-screening", "care-plan", ...), replaced by
// every message that carries one (the engine's GetPatientView). `body` is opaque to the store.
struct View {
  std::string kind;
  std::string body;
};

struct StoredView {
  std::string kind;
  std::string header_id;  // the message that wrote it
  std::string body;
  int64_t updated_at_ms = 0;
};

// A partition's care plan as the gateway holds it (issue #9, CarePlanSync). `body` is opaque to
// the store (a serialized zorgbrug.v1.CarePlan).
struct StoredPlan {
  std::string partition;
  // 1 for the first write, one more for each later write of the partition.
  int64_t version = 0;
  std::string body;
  // The message that wrote it, why ("put", "merge", "contribution"), and who (a client identity).
  std::string header_id;
  std::string cause;
  std::string author;
  int64_t updated_at_ms = 0;
};

// A plan written with a message (AcceptedMessage::plan): the partition's plan becomes `body` at
// version `expected_version + 1`, only when the version held is `expected_version` (0: none held);
// otherwise nothing of the message is written and Accept answers kPlanMoved.
struct PlanWrite {
  int64_t expected_version = 0;
  std::string body;
  std::string cause;
  std::string author;
};

// One entry of the care plans' change feed: every plan write, in commit order.
struct PlanChange {
  // Increases in commit order, never reused: the watch stream's resumable cursor.
  int64_t sequence = 0;
  std::string partition;
  int64_t version = 0;
  std::string header_id;
  std::string cause;
  std::string author;
  int64_t at_ms = 0;
  // The plan at that version.
  std::string body;
};

// One message the engine accepted, with everything its processing produced, written in one
// transaction: the message and its response (for duplicates), the patient's views it replaces,
// and one outbox entry per destination.
struct AcceptedMessage {
  // R4 duplicate detection (DOMAIN.md section 4): the request's Bundle.id and MessageHeader.id.
  std::string bundle_id;
  std::string header_id;
  // SHA-256 (hex) of the request as received: the same ids with other content is not a duplicate
  // but a conflicting reuse of the ids (the README's duplicate table).
  std::string content_hash;
  // The event code (our event code system) and the sender, for operators and metrics.
  std::string event;
  std::string source;
  // What is delivered in order: the keyed pseudonym of the patient (or the care plan) the message
  // is about. Messages of one partition are delivered to each destination in acceptance order.
  std::string partition;
  // The request and the response exactly as sent: a duplicate gets `response` back byte for byte.
  std::string request;
  std::string response;
  // The payload each destination receives (the FHIR message Bundle as JSON), and to whom.
  std::string payload;
  std::vector<std::string> destinations;
  // Views of the partition this message replaces (kinds unique).
  std::vector<View> views;
  // The partition's care plan this message writes, if any (the plan's version check decides
  // whether anything of the message is written).
  std::optional<PlanWrite> plan;
  // The content classes the payload reveals (care-plan ContentClass codes, comma-separated, e.g.
  // "clinical,care-organisation"), copied to every outbox entry for consent at delivery.
  std::string content;
  // Milliseconds since the Unix epoch; the caller's clock (tests pass their own).
  int64_t accepted_at_ms = 0;
};

enum class AcceptOutcome {
  // Stored now, durably (the commit reached the disk before Accept returned).
  kAccepted,
  // The same ids and the same content were stored before: nothing written; `response` is the
  // original response.
  kDuplicate,
  // The same ids with other content: nothing written; `response` is the original response.
  kIdsReused,
  // The same MessageHeader.id in another Bundle (a resubmission): nothing written; `response` is
  // the response to that MessageHeader.id.
  kHeaderResent,
  // The same Bundle.id with a new MessageHeader.id (Bundle.id values are never reused): nothing
  // written; `response` is empty.
  kBundleIdReused,
  // The message writes a plan (AcceptedMessage::plan) whose expected_version is not the version
  // held: nothing written; `plan_version` is the version held (0: none). The caller re-reads the
  // plan and tries again.
  kPlanMoved,
};

struct AcceptResult {
  AcceptOutcome outcome = AcceptOutcome::kAccepted;
  // The store's id of the message (new or original), and the response to send.
  int64_t message_id = 0;
  std::string response;
  // kAccepted with a plan: the version written and its change's sequence. kPlanMoved: the version
  // held.
  int64_t plan_version = 0;
  int64_t plan_sequence = 0;
  // A message found by its MessageHeader.id (kDuplicate, kIdsReused, kHeaderResent): the
  // partition it was stored under, for the audit of whoever receives its response again.
  std::string partition;
};

// An outbox entry as a destination receives it.
struct Delivery {
  // Increases in acceptance order within a destination, never reused: the stream's resumable
  // cursor. A consumer that saw sequence s has seen every deliverable entry below s of the
  // partitions it was sent, in order.
  int64_t sequence = 0;
  std::string destination;
  std::string partition;
  int64_t message_id = 0;
  std::string event;
  std::string payload;
  // Delivery attempts made so far (0 for the first).
  int attempts = 0;
  int64_t accepted_at_ms = 0;
  std::string header_id;  // the message's MessageHeader.id
  std::string content;    // AcceptedMessage::content
};

// kWithheld: never to be delivered, because the person's consent does not let the destination see
// it (Withhold); final, like kAcknowledged, and it releases the partition's later entries.
enum class DeliveryState { kPending, kAcknowledged, kDeadLetter, kWithheld };

struct DeadLetter {
  Delivery delivery;
  std::string reason;
  int64_t dead_since_ms = 0;
};

// How a destination's queue looks, for the metrics.
struct QueueStats {
  std::string destination;
  int64_t pending = 0;
  int64_t dead_letters = 0;
  // Acceptance time of the oldest pending entry; 0 when none.
  int64_t oldest_pending_ms = 0;
};

struct RetryPolicy {
  // After this many failed attempts an entry becomes a dead letter, with the last reason.
  int max_attempts = 8;
  // Backoff before attempt n (n >= 1): min(initial * 2^(n-1), max), no jitter in the store (the
  // caller's clock decides when "now" is).
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 5 * 60 * 1000;
};

class MessageStore {
 public:
  virtual ~MessageStore() = default;

  // Records `message`, its views and one pending outbox entry per destination in one transaction
  // and returns once it is durable; or, when either id is stored, what the duplicate table says
  // without writing anything: kDuplicate (same ids, same content_hash), kIdsReused (same ids,
  // other content), kHeaderResent (the header id in another Bundle), kBundleIdReused (the Bundle
  // id with another header id). Concurrent callers are committed together (group commit):
  // durability costs one sync per batch, not per message.
  virtual absl::StatusOr<AcceptResult> Accept(const AcceptedMessage& message) = 0;

  // What Accept would answer for these ids without writing: nullopt when both are new.
  virtual absl::StatusOr<std::optional<AcceptResult>> FindResponse(
      const std::string& bundle_id, const std::string& header_id,
      const std::string& content_hash) = 0;

  // The partition's latest views, by kind.
  virtual absl::StatusOr<std::vector<StoredView>> Views(const std::string& partition) = 0;

  // Up to `limit` entries of `destination` to deliver now, in sequence order, each after
  // `after_sequence` and due (`now_ms` past its backoff), and never an entry whose partition has
  // an earlier entry that is neither acknowledged nor dead: one failing message holds only its own
  // partition. An entry already handed out and not acknowledged is handed out again (at-least-once
  // towards the consumer, who acknowledges by sequence; acknowledging twice is harmless).
  virtual absl::StatusOr<std::vector<Delivery>> Deliverable(const std::string& destination,
                                                            int64_t after_sequence, int limit,
                                                            int64_t now_ms) = 0;

  // The destination confirmed `sequence`. Idempotent; NOT_FOUND for a sequence it was never sent.
  virtual absl::Status Acknowledge(const std::string& destination, int64_t sequence) = 0;

  // Delivery of `sequence` failed (the destination said so, or its deadline passed): one more
  // attempt, due after the policy's backoff; past max_attempts a dead letter with `reason`, which
  // releases the partition's later entries. Returns the entry's state after the call (kPending:
  // it will be retried; kDeadLetter; kAcknowledged when the acknowledgement came first).
  virtual absl::StatusOr<DeliveryState> Fail(const std::string& destination, int64_t sequence,
                                             const std::string& reason, int64_t now_ms) = 0;

  virtual absl::StatusOr<std::vector<DeadLetter>> DeadLetters(const std::string& destination) = 0;

  // An operator puts a dead letter back in the queue, attempts reset, due now. It is delivered
  // after what its partition accepted before it, and before what came later and is not yet
  // acknowledged.
  virtual absl::Status Replay(const std::string& destination, int64_t sequence, int64_t now_ms) = 0;

  // One row per destination that has entries.
  virtual absl::StatusOr<std::vector<QueueStats>> Stats() = 0;

  // Forgets the duplicate-detection records of messages accepted before `cutoff_ms` whose every
  // outbox entry is acknowledged or withheld (the retention period), and the plan versions and
  // plan changes older than `cutoff_ms` except each partition's latest; returns how many messages
  // were removed. The audit trail is never purged.
  virtual absl::StatusOr<int64_t> Purge(int64_t cutoff_ms) = 0;

  // The destination may not see `sequence` (the person's consent): it becomes kWithheld with
  // `reason`, and is never handed out again. Idempotent; NOT_FOUND for an unknown sequence;
  // FAILED_PRECONDITION when the entry is already acknowledged or a dead letter.
  virtual absl::Status Withhold(const std::string& destination, int64_t sequence,
                                const std::string& reason, int64_t now_ms) = 0;

  // The partition's latest plan; nullopt when none was written.
  virtual absl::StatusOr<std::optional<StoredPlan>> Plan(const std::string& partition) = 0;
  // The partition's plan at `version`; nullopt when unknown (never written, or purged).
  virtual absl::StatusOr<std::optional<StoredPlan>> PlanAt(const std::string& partition,
                                                           int64_t version) = 0;
  // Up to `limit` plan changes after `after_sequence`, in sequence order.
  virtual absl::StatusOr<std::vector<PlanChange>> PlanChanges(int64_t after_sequence,
                                                              int limit) = 0;
  // The oldest sequence PlanChanges can still return (1 when nothing was purged; the next
  // sequence when the feed is empty): a cursor below it - 1 has missed purged changes.
  virtual absl::StatusOr<int64_t> FirstPlanChange() = 0;
};

// One access to the gateway (issue #9): who did what to which patient, and how it ended.
struct AuditRecord {
  // Assigned by the store, increasing in commit order (0 when appending).
  int64_t sequence = 0;
  int64_t at_ms = 0;
  // The client identity (certificate subject CN, or "anonymous" without mutual TLS) and its role.
  std::string client;
  std::string role;
  // What was done: the full RPC method ("/zorgbrug.v1.CarePlanSync/PutCarePlan"), or a delivery
  // ("deliver:<destination>").
  std::string action;
  // The patient by keyed pseudonym; empty when the access concerned no patient.
  std::string partition;
  // "success", "denied", "withheld", "failed"; and the reason (a status message, never content).
  std::string outcome;
  std::string reason;
  // The FHIR R4 AuditEvent as JSON.
  std::string event_json;
};

struct AuditQuery {
  // Empty: any.
  std::string partition;
  std::string client;
  std::string outcome;
  // Records with sequence > after_sequence and at_ms >= since_ms, oldest first, at most `limit`.
  int64_t after_sequence = 0;
  int64_t since_ms = 0;
  int limit = 100;
};

// The audit trail, append-only. Thread-safe.
class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Appends `records` (their sequence is ignored) in one transaction, durable when it returns;
  // concurrent callers are committed together.
  virtual absl::Status AppendAudit(std::vector<AuditRecord> records) = 0;
  virtual absl::StatusOr<std::vector<AuditRecord>> Audit(const AuditQuery& query) = 0;
};

}  // namespace zorgbrug::gateway::store
