#pragma once

// The messaging engine (issue #8) behind zorgbrug.v1.EpdSubmissions and FhirMessaging: each
// submission or message is translated by its adapter, wrapped in an R4 message Bundle, committed
// to the store with its response, the patient's views and one outbox entry per destination, and
// only then answered. Duplicates follow the table of gateway/messaging/README.md; a message is
// processed by one call at a time (a concurrent resend is answered transient-error).
//
// Results are TranslationResult (translation.h): a refusal is an issue whose type decides the
// status by the error table (content: INVALID_ARGUMENT; a state the gateway holds:
// FAILED_PRECONDITION; the store unavailable or the message in progress: a `transient` issue,
// UNAVAILABLE). Thread-safe. No content is logged: patients appear as partitions (keyed
// pseudonyms, Pseudonym()).

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

#include "fhir/json/parser.h"
#include "gateway/destinations.h"
#include "gateway/messaging/message_bundle.h"
#include "gateway/store/message_store.h"
#include "gateway/translation.h"
#include "zorgbrug/v1/care_plan_sync.pb.h"
#include "zorgbrug/v1/messaging.pb.h"

namespace zorgbrug::gateway {

class Metrics;

struct EngineOptions {
  // The gateway in the messages it builds (MessageHeader.source, the Provenance's Device).
  messaging::GatewaySource source;
  // Where each event goes (DestinationConfig::events).
  std::vector<DestinationConfig> destinations;
  // For FHIR input (ProcessMessage, FromFhir).
  fhir::json::ParseLimits limits;
  // The secret of the partition pseudonyms (HMAC-SHA-256): at least 16 bytes.
  std::string pseudonym_key;
  // Random UUIDs and the wall clock in ms since the Unix epoch (tests pass their own).
  std::function<std::string()> new_uuid;
  std::function<int64_t()> now_ms;
};

template <typename Response>
struct EngineResult {
  TranslationResult<Response> result;
  // The response is the stored original of an earlier call (a duplicate).
  bool replayed = false;
  // The patient the call concerned (keyed pseudonym), when the engine got that far: for the audit.
  std::string partition{};
};

class MessagingEngine {
 public:
  // `store` and `signal` must outlive the engine; `metrics` may be null.
  MessagingEngine(store::MessageStore* store, QueueSignal* signal, Metrics* metrics,
                  EngineOptions options);

  EngineResult<v1::SubmissionResponse> SubmitEpdRecord(const v1::SubmitEpdRecordRequest& request);
  EngineResult<v1::SubmissionResponse> SubmitBibScreening(
      const v1::SubmitBibScreeningRequest& request);
  EngineResult<v1::SubmissionResponse> SubmitConsultation(
      const v1::SubmitConsultationRequest& request);
  // `author`: the client identity that wrote (CallerOf), kept with the plan version it writes.
  EngineResult<v1::SubmissionResponse> SubmitCarePlanContribution(
      const v1::SubmitCarePlanContributionRequest& request, const std::string& author = "");
  EngineResult<v1::ProcessMessageResponse> ProcessMessage(const v1::ProcessMessageRequest& request);

  // CarePlanSync.PutCarePlan (care_plan_sync.proto): a plan written with optimistic concurrency,
  // three-way merged from an older version, as a care-plan-update message. A plan that moved
  // between reading and committing is read again and the write decided again (up to
  // kPlanAttempts times, then a transient issue).
  EngineResult<v1::SubmissionResponse> PutCarePlan(const v1::PutCarePlanRequest& request,
                                                   const std::string& author);

  // CarePlanSync.GetCarePlan: NOT_FOUND when no plan is held, INVALID_ARGUMENT without the
  // patient's key, the store's status when it fails.
  absl::StatusOr<v1::GetCarePlanResponse> GetCarePlan(const v1::GetCarePlanRequest& request);

  // Notified after every committed plan write (watch streams wait on it).
  QueueSignal& plan_signal() { return plan_signal_; }

  // What the gateway holds for the patient: NOT_FOUND when nothing, INVALID_ARGUMENT without
  // the patient's key, the store's status when it fails.
  absl::StatusOr<v1::PatientView> GetPatientView(const v1::GetPatientViewRequest& request);

  // The partition of a patient: "p-" and 32 hex digits of HMAC-SHA-256(pseudonym_key,
  // local_key_system_base "|" patient_local_key). Stable across restarts for the same key.
  std::string Pseudonym(const std::string& local_key_system_base,
                        const std::string& patient_local_key) const;

  // The names of the destinations `event` goes to, without the one whose endpoint is
  // `source_endpoint` (a message never goes back to its sender).
  std::vector<std::string> Route(std::string_view event, std::string_view source_endpoint) const;

  const EngineOptions& options() const { return options_; }

  // How often a plan write is decided again because the plan moved before it committed.
  static constexpr int kPlanAttempts = 8;

  // The plan held for a partition, with the store's record of it; nullopt when none.
  struct HeldPlanRecord {
    v1::CarePlan plan;  // plan.version() == stored.version
    store::StoredPlan stored;
  };
  absl::StatusOr<std::optional<HeldPlanRecord>> HeldPlan(const std::string& partition);

 private:
  struct Prepared;
  class InProgress;
  using Translate = std::function<TranslationResult<v1::SubmissionResponse>(Prepared&)>;

  // engine_submit.cc
  // Submit is SubmitOnce with the partition in the result.
  EngineResult<v1::SubmissionResponse> Submit(const v1::SubmissionHeader& header,
                                              const google::protobuf::Message& request,
                                              const Translate& translate);
  EngineResult<v1::SubmissionResponse> SubmitOnce(const v1::SubmissionHeader& header,
                                                  const google::protobuf::Message& request,
                                                  const Translate& translate);
  TranslationResult<v1::SubmissionResponse> Wrap(Prepared& prepared,
                                                 std::string_view translation_json,
                                                 std::vector<std::string> focus,
                                                 v1::SubmissionResponse response);

  // engine_plan.cc
  TranslationResult<v1::SubmissionResponse> Contribute(
      Prepared& prepared, const v1::SubmitCarePlanContributionRequest& request,
      const std::string& author);
  TranslationResult<v1::SubmissionResponse> WritePlan(Prepared& prepared,
                                                      const v1::PutCarePlanRequest& request,
                                                      const std::string& author);
  // The plan `plan` as the message of `prepared` (views, content, destinations, payload).
  TranslationResult<v1::SubmissionResponse> PlanMessage(Prepared& prepared, const std::string& base,
                                                        const v1::CarePlan& plan,
                                                        std::string_view sender,
                                                        const std::set<std::string>& focus_tasks,
                                                        v1::SubmissionResponse response);

  // engine_process.cc
  void MapBack(Prepared& prepared, const v1::ProcessMessageRequest& request,
               v1::ProcessMessageResponse& response, std::vector<fhir::Issue>& issues);
  EngineResult<v1::ProcessMessageResponse> Answer(const messaging::IncomingMessage& incoming,
                                                  Prepared& prepared,
                                                  std::vector<fhir::Issue> issues,
                                                  v1::ProcessMessageResponse response);
  EngineResult<v1::ProcessMessageResponse> Replay(const messaging::IncomingMessage& incoming,
                                                  Prepared& prepared,
                                                  const store::AcceptResult& seen);
  // The response message to `incoming` with `code` and `issues`, in `response`.
  void Respond(const messaging::IncomingMessage& incoming, messaging::ResponseCode code,
               const std::vector<fhir::Issue>& issues, int64_t at_ms,
               v1::ProcessMessageResponse& response) const;

  // engine.cc
  std::vector<messaging::Endpoint> Endpoints(const std::vector<std::string>& names) const;
  absl::StatusOr<std::optional<store::AcceptResult>> Seen(const Prepared& prepared) const;
  absl::StatusOr<store::AcceptResult> Commit(const Prepared& prepared, std::string response);
  TranslationOptions CallOptions() const;
  void Count(std::string_view event, std::string_view outcome) const;

  store::MessageStore* const store_;
  QueueSignal* const signal_;
  Metrics* const metrics_;
  const EngineOptions options_;

  QueueSignal plan_signal_;
  std::mutex in_progress_mu_;
  std::set<std::string> in_progress_;
};

}  // namespace zorgbrug::gateway
