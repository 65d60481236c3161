#pragma once

// What engine.cc, engine_submit.cc and engine_process.cc share; not part of the engine's API.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fhir/issues.h"
#include "gateway/engine.h"
#include "gateway/messaging/events.h"
#include "gateway/store/message_store.h"

namespace zorgbrug::gateway {

// A message ready to be committed: its ids, what it is about, and what the store keeps of it.
struct MessagingEngine::Prepared {
  std::string header_id;
  std::string bundle_id;
  std::string content_hash;
  messaging::MessageEvent event = messaging::MessageEvent::kEpdRecord;
  // The sender: a submission's source_system, a message's source endpoint.
  std::string source;
  // A submission's own id (the Provenance's source message).
  std::string submission_id;
  std::string partition;
  std::string request;  // as received (a submission: its deterministic serialization)
  std::string payload;  // the message Bundle the destinations receive
  std::vector<std::string> destinations;
  std::vector<store::View> views;
  // A care-plan write, and the content classes the payload reveals (consent at delivery).
  std::optional<store::PlanWrite> plan;
  std::string content;
  // The submission changes nothing (PutCarePlan of the plan held): answered, not committed.
  bool unchanged = false;
  int64_t accepted_at_ms = 0;
};

// Marks ids as in progress for its lifetime (one call per message at a time).
class MessagingEngine::InProgress {
 public:
  InProgress(MessagingEngine* engine, std::vector<std::string> ids);
  ~InProgress();
  InProgress(const InProgress&) = delete;
  InProgress& operator=(const InProgress&) = delete;
  // False when another call holds one of the ids: nothing is marked.
  bool held() const { return held_; }

 private:
  MessagingEngine* engine_;
  std::vector<std::string> ids_;
  bool held_ = false;
};

namespace engine_internal {

absl::Time InstantOfMs(int64_t ms);
// A store failure as the issue that decides the answer: transient (UNAVAILABLE) when a retry may
// cure it, exception (INTERNAL) otherwise.
fhir::Issue StoreIssue(const absl::Status& status);
fhir::Issue InProgressIssue(std::string_view expression);

// `response` refused by `issue` (its status by the error table).
template <typename Response>
TranslationResult<Response> Refused(fhir::Issue issue, Response response = Response()) {
  std::vector<fhir::Issue> issues{std::move(issue)};
  return FinishByTable(issues, std::move(response));
}

// The issues of an adapter's response, copied into a submission's response.
template <typename Response>
void CopyIssues(const Response& from, v1::SubmissionResponse& to) {
  *to.mutable_issues() = from.issues();
  *to.mutable_counts() = from.counts();
  to.set_operation_outcome_json(from.operation_outcome_json());
}

// A view part for the store: `view` with the message it came from.
std::string ViewBody(v1::PatientView view, const std::string& header_id);

// The care-plan ContentClass codes `plan` reveals, comma-separated ("care-organisation",
// "life-goals", "clinical"), for AcceptedMessage::content. Every other event reveals "clinical".
std::string PlanContent(const v1::CarePlan& plan);
inline constexpr std::string_view kClinicalContent = "clinical";

// View kinds (store::View::kind), one per part of v1::PatientView.
inline constexpr std::string_view kViewPatient = "patient";
inline constexpr std::string_view kViewScreening = "bib-screening";
inline constexpr std::string_view kViewConsultation = "consultation";
inline constexpr std::string_view kViewCarePlan = "care-plan";

}  // namespace engine_internal
}  // namespace zorgbrug::gateway
