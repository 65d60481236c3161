// The messaging engine's shared core: partitions, routing, the in-progress guard, the commit and
// the duplicate table. The submissions are in engine_submit.cc, ProcessMessage in
// engine_process.cc.

#include "gateway/engine.h"

#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "gateway/engine_internal.h"
#include "gateway/metrics.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {

using store::AcceptOutcome;
using store::AcceptResult;

MessagingEngine::MessagingEngine(store::MessageStore* store, QueueSignal* signal, Metrics* metrics,
                                 EngineOptions options)
    : store_(store), signal_(signal), metrics_(metrics), options_(std::move(options)) {}

std::string MessagingEngine::Pseudonym(const std::string& local_key_system_base,
                                       const std::string& patient_local_key) const {
  const std::string name = local_key_system_base + "|" + patient_local_key;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), options_.pseudonym_key.data(), static_cast<int>(options_.pseudonym_key.size()),
       reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest, &length);
  std::string out = "p-";
  char hex[3];
  for (unsigned int i = 0; i < 16 && i < length; ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", digest[i]);
    out += hex;
  }
  return out;
}

std::vector<std::string> MessagingEngine::Route(std::string_view event,
                                                std::string_view source_endpoint) const {
  std::vector<std::string> names = DestinationsFor(options_.destinations, event);
  std::erase_if(names, [&](const std::string& name) {
    for (const DestinationConfig& destination : options_.destinations) {
      if (destination.name == name) return destination.endpoint == source_endpoint;
    }
    return false;
  });
  return names;
}

std::vector<messaging::Endpoint> MessagingEngine::Endpoints(
    const std::vector<std::string>& names) const {
  std::vector<messaging::Endpoint> endpoints;
  for (const std::string& name : names) {
    for (const DestinationConfig& destination : options_.destinations) {
      if (destination.name == name) endpoints.push_back({destination.name, destination.endpoint});
    }
  }
  return endpoints;
}

// ---------------------------------------------------------------------------------------------

MessagingEngine::InProgress::InProgress(MessagingEngine* engine, std::vector<std::string> ids)
    : engine_(engine) {
  std::lock_guard<std::mutex> lock(engine_->in_progress_mu_);
  for (const std::string& id : ids) {
    if (engine_->in_progress_.count(id) != 0) return;
  }
  for (std::string& id : ids) engine_->in_progress_.insert(id);
  ids_ = std::move(ids);
  held_ = true;
}

MessagingEngine::InProgress::~InProgress() {
  if (!held_) return;
  std::lock_guard<std::mutex> lock(engine_->in_progress_mu_);
  for (const std::string& id : ids_) engine_->in_progress_.erase(id);
}

// ---------------------------------------------------------------------------------------------

TranslationOptions MessagingEngine::CallOptions() const {
  TranslationOptions options;
  options.limits = options_.limits;
  options.new_uuid = options_.new_uuid;
  options.now = InstantAt(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(options_.now_ms())));
  return options;
}

void MessagingEngine::Count(std::string_view event, std::string_view outcome) const {
  if (metrics_ != nullptr) metrics_->CountMessage(event, outcome);
}

absl::StatusOr<std::optional<AcceptResult>> MessagingEngine::Seen(const Prepared& prepared) const {
  return store_->FindResponse(prepared.bundle_id, prepared.header_id, prepared.content_hash);
}

absl::StatusOr<AcceptResult> MessagingEngine::Commit(const Prepared& prepared,
                                                     std::string response) {
  store::AcceptedMessage message;
  message.bundle_id = prepared.bundle_id;
  message.header_id = prepared.header_id;
  message.content_hash = prepared.content_hash;
  message.event = std::string(messaging::EventCode(prepared.event));
  message.source = prepared.source;
  message.partition = prepared.partition;
  message.request = prepared.request;
  message.response = std::move(response);
  message.payload = prepared.payload;
  message.destinations = prepared.destinations;
  message.views = prepared.views;
  message.plan = prepared.plan;
  message.content = prepared.content;
  message.accepted_at_ms = prepared.accepted_at_ms;
  absl::StatusOr<AcceptResult> accepted = store_->Accept(message);
  if (accepted.ok() && accepted->outcome == AcceptOutcome::kAccepted) {
    if (!prepared.destinations.empty()) signal_->Notify();
    if (prepared.plan) plan_signal_.Notify();
  }
  return accepted;
}

namespace engine_internal {

absl::Time InstantOfMs(int64_t ms) { return absl::FromUnixMillis(ms); }

std::string ViewBody(v1::PatientView view, const std::string& header_id) {
  view.add_message_ids(header_id);
  return view.SerializeAsString();
}

fhir::Issue StoreIssue(const absl::Status& status) {
  const bool transient = status.code() == absl::StatusCode::kUnavailable ||
                         status.code() == absl::StatusCode::kDeadlineExceeded;
  return fhir::Issue{fhir::Severity::kError,
                     transient ? fhir::IssueType::kTransient : fhir::IssueType::kException, "",
                     transient ? "the message store cannot commit now; nothing was stored: send "
                                 "the same request again"
                               : "the message store failed; nothing was stored"};
}

fhir::Issue InProgressIssue(std::string_view expression) {
  return fhir::Issue{fhir::Severity::kError, fhir::IssueType::kTransient, std::string(expression),
                     "the same message is being processed by another call: send it again to get "
                     "its response"};
}

}  // namespace engine_internal
}  // namespace zorgbrug::gateway
