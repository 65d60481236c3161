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
};

struct AcceptResult {
  AcceptOutcome outcome = AcceptOutcome::kAccepted;
  // The store's id of the message (new or original), and the response to send.
  int64_t message_id = 0;
  std::string response;
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
};

enum class DeliveryState { kPending, kAcknowledged, kDeadLetter };

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
  // outbox entry is acknowledged (the retention period); returns how many were removed.
  virtual absl::StatusOr<int64_t> Purge(int64_t cutoff_ms) = 0;
};

}  // namespace zorgbrug::gateway::store
