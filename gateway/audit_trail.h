#pragma once

// The audit trail (issue #9): every access to the gateway, allowed or denied, becomes an
// AuditRecord with its FHIR AuditEvent (audit_event.h) in the store, queryable with
// zorgbrug.v1.AuditEvents (audit_service.h). Patients appear only as keyed pseudonyms.
//
// Three ways in:
//   - the server interceptor (NewInterceptorFactory): one record per completed RPC, with the
//     caller (CallerOf), the method, the final status and the patients a handler attached with
//     Note while the call ran; streams are recorded once, at their end;
//   - RecordDenied: the mutual-TLS processor's hook for calls refused before any handler runs;
//   - Record: what a handler records itself (a delivery to a destination, a withheld message).
//
// One record per patient: an access that concerns several patients gives one record (and one
// AuditEvent with one patient entity) per patient, so a patient's trail is one indexed query; an
// access that concerns none gives one record without a patient.
//
// Writing is asynchronous: records are queued in memory and a background thread appends them in
// batches (AuditStore::AppendAudit, one transaction each). The queue is bounded: when it is full,
// Record blocks until the writer has made room; nothing is ever dropped. A failed append is
// retried with exponential backoff and logged with counts only; its records stay in memory until
// written. Flush waits until everything recorded before it is durable. A crash (or a store that
// stays unavailable past the destructor's shutdown_timeout) loses what was queued and not yet
// written: at most max_queued records plus one batch.
//
// Nothing here logs content: logs carry counts and status codes.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include "gateway/audit_event.h"
#include "gateway/store/message_store.h"

namespace grpc {
class ServerContextBase;
}  // namespace grpc

namespace zorgbrug::gateway {

// One access, as a handler or the TLS processor reports it.
struct AuditAccess {
  // The client identity (certificate CN, or kAnonymousClient) and its role (empty without one).
  std::string client;
  std::string role;
  // The full RPC method ("/zorgbrug.v1.CarePlanSync/PutCarePlan") or DeliveryAction(destination).
  std::string action;
  // The patients concerned, by keyed pseudonym; empty when none (duplicates are recorded once).
  std::vector<std::string> patients;
  // kAuditSuccess, kAuditDenied, kAuditWithheld or kAuditFailed.
  std::string outcome = kAuditSuccess;
  // For kAuditFailed: the status code, which decides the AuditEvent's outcome (minor or serious).
  grpc::StatusCode code = grpc::StatusCode::OK;
  // Why, in the gateway's own words (a status code name, a policy rule); never content. Empty
  // for a failure or denial: the code's name.
  std::string reason{};
};

struct AuditTrailOptions {
  // Records queued and not yet written beyond which Record blocks (an access with several patients
  // may pass the bound by its own records).
  size_t max_queued = 10'000;
  // Records per append (one transaction).
  size_t max_batch = 512;
  // Backoff before retry n of a failed append: min(initial * 2^(n-1), max).
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{10'000};
  // How long the destructor waits for the queue to be written before it gives up (logged, with
  // the count of records lost).
  std::chrono::milliseconds shutdown_timeout{30'000};
  // AuditEvent.source.observer.display.
  std::string observer = "zorgbrug";
  // Which methods the interceptor records (full path "/pkg.Service/Method"). Default: those of
  // package zorgbrug.* (health checks and reflection are not accesses to patient data). Calls
  // answered UNIMPLEMENTED are recorded under the action "unknown" whatever the path.
  std::function<bool(std::string_view method)> audited;
};

struct AuditTrailStats {
  int64_t recorded = 0;          // records queued since construction
  int64_t written = 0;           // records the store confirmed
  int64_t failed_appends = 0;    // appends that failed (each retried)
  int64_t queued = 0;            // recorded and not yet written (including a batch in flight)
  int64_t unattached_notes = 0;  // Note calls for a call the interceptor did not see
  int64_t blocked = 0;           // Record calls waiting for room in the queue now
};

class AuditTrail {
 public:
  // Waits forever in Flush.
  static constexpr std::chrono::milliseconds kForever = std::chrono::milliseconds::max();

  // `store` must outlive the trail; `now_ms` is the clock of AuditRecord::at_ms (milliseconds
  // since the Unix epoch). Starts the writer thread.
  AuditTrail(store::AuditStore* store, std::function<int64_t()> now_ms,
             AuditTrailOptions options = {});
  // Flushes (for at most options.shutdown_timeout) and stops the writer. No call of Record,
  // RecordDenied or Note may run or follow.
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  // Queues one record per patient of `access` (one when it has none), stamped now. Blocks while
  // the queue is full. Thread-safe.
  void Record(AuditAccess access);

  // The TLS processor's hook: a call to `method` refused before any handler ran (outcome denied,
  // reason as given: the policy's words, never content; a method longer than 256 bytes is cut).
  // Thread-safe.
  void RecordDenied(std::string client, std::string role, std::string method, std::string reason);

  // Attaches the patient `pseudonym` to the call of `context`, which the interceptor records when
  // the call completes. Call it from a handler as soon as the patient is known (before the call
  // may fail), once per patient; repeats are harmless. Ignored (and counted in
  // stats().unattached_notes) when the interceptor is not installed. Thread-safe.
  void Note(const grpc::ServerContextBase* context, std::string pseudonym);

  // Waits until every record queued before the call is durable in the store, at most `timeout`.
  // Returns whether it is.
  bool Flush(std::chrono::milliseconds timeout = kForever);

  AuditTrailStats stats() const;

  // The server interceptor (ServerBuilder::experimental().SetInterceptorCreators) that records
  // each completed RPC. The trail must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

 private:
  class Interceptor;

  // The calls in flight the interceptor sees, and the patients noted for each.
  void BeginCall(const grpc::ServerContextBase* context);
  std::vector<std::string> EndCall(const grpc::ServerContextBase* context);
  bool Audited(std::string_view method) const;

  store::AuditRecord RecordOf(const AuditAccess& access, std::string partition, int64_t at_ms,
                              AuditEventOutcome outcome) const;
  void Run();
  // Appends `batch` until it is written or the trail gives up (shutdown); returns whether written.
  bool Append(const std::vector<store::AuditRecord>& batch, std::unique_lock<std::mutex>& lock);

  store::AuditStore* const store_;
  const std::function<int64_t()> now_ms_;
  const AuditTrailOptions options_;

  mutable std::mutex calls_mu_;
  std::unordered_map<const grpc::ServerContextBase*, std::vector<std::string>> calls_;
  int64_t unattached_notes_ = 0;  // guarded by calls_mu_

  mutable std::mutex mu_;
  std::condition_variable work_;          // the writer: records queued, or stopping
  std::condition_variable room_;          // producers: room in the queue
  std::condition_variable written_;       // Flush: records written
  std::deque<store::AuditRecord> queue_;  // guarded by mu_
  size_t in_flight_ = 0;                  // records of the batch being appended; guarded by mu_
  int64_t recorded_ = 0;                  // guarded by mu_
  int64_t written_count_ = 0;             // guarded by mu_
  int64_t failed_appends_ = 0;            // guarded by mu_
  int64_t blocked_ = 0;                   // guarded by mu_
  bool stopping_ = false;                 // guarded by mu_: exit once the queue is empty
  bool abandon_ = false;                  // guarded by mu_: exit now, unwritten records lost
  std::thread writer_;
};

}  // namespace zorgbrug::gateway
