// FhirMessaging.ProcessMessage (R4 $process-message) and the patient views: read the message,
// apply the duplicate table, map the event back to its typed view with the adapter's FromFhir,
// commit with the response, answer.

#include <algorithm>
#include <optional>
#include <utility>

#include "fhir/json/writer.h"
#include "fhir/operation_outcome.h"
#include "gateway/bib_screening.h"
#include "gateway/care_plan.h"
#include "gateway/consultation.h"
#include "gateway/engine.h"
#include "gateway/engine_internal.h"
#include "gateway/epd_translation.h"
#include "gateway/messaging/message_bundle.h"
#include "gateway/messaging/process.h"

namespace zorgbrug::gateway {
namespace {

using engine_internal::Refused;
using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;
using messaging::MessageEvent;
using messaging::ResponseCode;
using store::AcceptOutcome;

// The findings of a core's response, read back from its OperationOutcome (without R4's "no
// issues" information issue).
std::vector<Issue> IssuesOf(const std::string& operation_outcome_json) {
  std::vector<Issue> issues;
  fhir::IssueCollector ignored;
  fhir::json::ParseLimits limits;
  limits.max_bytes = operation_outcome_json.size() + 1;
  std::optional<fhir::json::Document> outcome =
      fhir::json::Parse(operation_outcome_json, limits, ignored);
  if (!outcome) return issues;
  for (Issue& issue : fhir::IssuesFromOperationOutcome(outcome->root())) {
    if (issue.severity != Severity::kInformation) issues.push_back(std::move(issue));
  }
  return issues;
}

template <typename Result>
bool Take(const Result& result, std::vector<Issue>& issues) {
  std::vector<Issue> found = IssuesOf(result.response.operation_outcome_json());
  issues.insert(issues.end(), found.begin(), found.end());
  return !result.rejection;
}

// What a message's event reads back as: the typed view part, its kind and the patient's key.
struct TypedView {
  v1::PatientView view;
  std::string_view kind;
  std::string patient_key;
};

// The FromFhir request of an adapter for the message's bytes.
template <typename FromRequest>
FromRequest FromFhirRequest(const v1::ProcessMessageRequest& request) {
  FromRequest from;
  from.set_fhir_json(request.bundle_json());
  from.set_local_key_system_base(request.local_key_system_base());
  return from;
}

bool ReadEpdRecord(const v1::ProcessMessageRequest& request, const TranslationOptions& options,
                   v1::ProcessMessageResponse& response, std::vector<Issue>& issues,
                   TypedView& typed) {
  TranslationResult<v1::FromFhirResponse> read =
      TranslateFromFhir(FromFhirRequest<v1::FromFhirRequest>(request), options);
  if (!Take(read, issues)) return false;
  if (read.response.record().patients_size() > 0) {
    *typed.view.mutable_patient() = read.response.record().patients(0);
    typed.patient_key = typed.view.patient().local_key();
  }
  typed.kind = engine_internal::kViewPatient;
  *response.mutable_epd_record() = read.response.record();
  return true;
}

bool ReadScreening(const v1::ProcessMessageRequest& request, const TranslationOptions& options,
                   v1::ProcessMessageResponse& response, std::vector<Issue>& issues,
                   TypedView& typed) {
  TranslationResult<v1::BibFromFhirResponse> read =
      BibFromFhir(FromFhirRequest<v1::BibFromFhirRequest>(request), options);
  if (!Take(read, issues)) return false;
  v1::EvaluateRequest evaluate;
  *evaluate.mutable_screening() = read.response.screening();
  TranslationResult<v1::EvaluateResponse> rules = BibEvaluate(evaluate);
  *typed.view.mutable_latest_screening() = read.response.screening();
  *typed.view.mutable_eligibility() = rules.response.eligibility();
  *typed.view.mutable_contribution() = rules.response.contribution();
  typed.patient_key = read.response.screening().patient_local_key();
  typed.kind = engine_internal::kViewScreening;
  *response.mutable_bib_screening() = read.response.screening();
  return true;
}

bool ReadConsultation(const v1::ProcessMessageRequest& request, const TranslationOptions& options,
                      v1::ProcessMessageResponse& response, std::vector<Issue>& issues,
                      TypedView& typed) {
  TranslationResult<v1::ConsultationFromFhirResponse> read =
      ConsultationFromFhir(FromFhirRequest<v1::ConsultationFromFhirRequest>(request), options);
  if (!Take(read, issues)) return false;
  *typed.view.mutable_latest_consultation() = read.response.record();
  typed.patient_key = read.response.record().patient_local_key();
  typed.kind = engine_internal::kViewConsultation;
  *response.mutable_consultation() = read.response.record();
  return true;
}

bool ReadCarePlan(const v1::ProcessMessageRequest& request, const TranslationOptions& options,
                  v1::ProcessMessageResponse& response, std::vector<Issue>& issues,
                  TypedView& typed) {
  TranslationResult<v1::CarePlanFromFhirResponse> read =
      CarePlanFromFhir(FromFhirRequest<v1::CarePlanFromFhirRequest>(request), options);
  if (!Take(read, issues)) return false;
  *typed.view.mutable_care_plan() = read.response.plan();
  typed.patient_key = read.response.plan().patient_local_key();
  typed.kind = engine_internal::kViewCarePlan;
  *response.mutable_care_plan() = read.response.plan();
  return true;
}

}  // namespace

EngineResult<v1::ProcessMessageResponse> MessagingEngine::ProcessMessage(
    const v1::ProcessMessageRequest& request) {
  fhir::IssueCollector sink;
  std::optional<messaging::ReceivedMessage> received =
      messaging::ParseMessage(request.bundle_json(), options_.limits, sink);
  if (!received) return {FinishByTable(sink.issues(), v1::ProcessMessageResponse())};
  if (request.local_key_system_base().empty()) {
    return {Refused<v1::ProcessMessageResponse>(
        {Severity::kError, IssueType::kRequired, "local_key_system_base",
         "the namespace URI for the keys of the typed view is required"})};
  }
  const messaging::IncomingMessage& incoming = received->message;
  Prepared prepared;
  prepared.header_id = incoming.header_id;
  prepared.bundle_id = incoming.bundle_id;
  prepared.content_hash = incoming.content_hash;
  prepared.event = incoming.event.value_or(MessageEvent::kEpdRecord);
  prepared.source = incoming.source.endpoint;
  prepared.request = request.bundle_json();
  prepared.payload = request.bundle_json();  // delivered exactly as received: nothing is lost
  prepared.accepted_at_ms = options_.now_ms();

  InProgress guard(this, {"h:" + prepared.header_id, "b:" + prepared.bundle_id});
  if (!guard.held()) {
    return Answer(incoming, prepared, {engine_internal::InProgressIssue("Bundle.id")}, {});
  }
  absl::StatusOr<std::optional<store::AcceptResult>> seen = Seen(prepared);
  if (!seen.ok())
    return Answer(incoming, prepared, {engine_internal::StoreIssue(seen.status())}, {});
  if (seen->has_value()) return Replay(incoming, prepared, **seen);

  std::vector<Issue> issues = sink.issues();
  v1::ProcessMessageResponse response;
  if (incoming.valid) MapBack(prepared, request, response, issues);
  std::string partition = prepared.partition;
  EngineResult<v1::ProcessMessageResponse> result =
      Answer(incoming, prepared, std::move(issues), std::move(response));
  result.partition = std::move(partition);
  return result;
}

void MessagingEngine::MapBack(Prepared& prepared, const v1::ProcessMessageRequest& request,
                              v1::ProcessMessageResponse& response, std::vector<Issue>& issues) {
  const TranslationOptions options = CallOptions();
  TypedView typed;
  bool read = false;
  switch (prepared.event) {
    case MessageEvent::kEpdRecord:
      read = ReadEpdRecord(request, options, response, issues, typed);
      break;
    case MessageEvent::kBibScreening:
      read = ReadScreening(request, options, response, issues, typed);
      break;
    case MessageEvent::kConsultationRecord:
      read = ReadConsultation(request, options, response, issues, typed);
      break;
    case MessageEvent::kCarePlanContribution:
    case MessageEvent::kCarePlanUpdate:
      read = ReadCarePlan(request, options, response, issues, typed);
      break;
  }
  if (!read) return;
  if (typed.patient_key.empty()) {
    issues.push_back({Severity::kError, IssueType::kRequired, "Bundle.entry[0].resource.focus",
                      "the message names no patient: it cannot be ordered or delivered"});
    return;
  }
  prepared.partition = Pseudonym(request.local_key_system_base(), typed.patient_key);
  prepared.content = typed.view.has_care_plan()
                         ? engine_internal::PlanContent(typed.view.care_plan())
                         : std::string(engine_internal::kClinicalContent);
  prepared.views.push_back({std::string(typed.kind),
                            engine_internal::ViewBody(std::move(typed.view), prepared.header_id)});
}

EngineResult<v1::ProcessMessageResponse> MessagingEngine::Answer(
    const messaging::IncomingMessage& incoming, Prepared& prepared, std::vector<Issue> issues,
    v1::ProcessMessageResponse response) {
  const ResponseCode code = messaging::ResponseCodeFor(issues);
  if (code == ResponseCode::kOk) {
    prepared.destinations = Route(messaging::EventCode(prepared.event), prepared.source);
  } else {
    // Nothing of a refused message is applied or delivered; a fatal-error response is kept for
    // its resends.
    response.clear_view();
    prepared.destinations.clear();
    prepared.views.clear();
    prepared.partition.clear();
  }
  Respond(incoming, code, issues, prepared.accepted_at_ms, response);
  for (const std::string& name : prepared.destinations) response.add_destinations(name);
  const std::string_view event = messaging::EventCode(prepared.event);
  if (code == ResponseCode::kTransientError) {
    // Not stored: the sender resends and is then processed. UNAVAILABLE, the response in the
    // status details.
    Count(event, "transient-error");
    const Issue decisive = *std::find_if(issues.begin(), issues.end(), [](const Issue& issue) {
      return issue.type == IssueType::kTransient || issue.type == IssueType::kTimeout;
    });
    return {{std::move(response), decisive}};
  }
  absl::StatusOr<store::AcceptResult> accepted = Commit(prepared, response.SerializeAsString());
  if (!accepted.ok()) {
    return Answer(incoming, prepared, {engine_internal::StoreIssue(accepted.status())}, {});
  }
  if (accepted->outcome != AcceptOutcome::kAccepted) return Replay(incoming, prepared, *accepted);
  Count(event, code == ResponseCode::kOk ? "accepted" : "fatal-error");
  return {{std::move(response), std::nullopt}};
}

EngineResult<v1::ProcessMessageResponse> MessagingEngine::Replay(
    const messaging::IncomingMessage& incoming, Prepared& prepared,
    const store::AcceptResult& seen) {
  const std::string_view event = messaging::EventCode(prepared.event);
  if (seen.outcome == AcceptOutcome::kDuplicate || seen.outcome == AcceptOutcome::kHeaderResent) {
    v1::ProcessMessageResponse original;
    if (!original.ParseFromString(seen.response)) {
      return {Refused<v1::ProcessMessageResponse>(
          {Severity::kError, IssueType::kException, "", "the stored response cannot be read"})};
    }
    Count(event, "duplicate");
    return {{std::move(original), std::nullopt}, /*replayed=*/true};
  }
  // Ids reused for other content, or a Bundle.id reused: fatal-error, not stored (the stored
  // response stays the answer to the original).
  Count(event, "ids-reused");
  const std::vector<Issue> issues{
      {Severity::kError, IssueType::kDuplicate, "Bundle.id",
       seen.outcome == AcceptOutcome::kIdsReused
           ? "this Bundle.id and MessageHeader.id were received before with other content: a new "
             "message needs new ids"
           : "this Bundle.id was received before with another MessageHeader.id: Bundle.id values "
             "are never reused"}};
  v1::ProcessMessageResponse response;
  Respond(incoming, ResponseCode::kFatalError, issues, prepared.accepted_at_ms, response);
  return {{std::move(response), std::nullopt}};
}

void MessagingEngine::Respond(const messaging::IncomingMessage& incoming,
                              messaging::ResponseCode code, const std::vector<Issue>& issues,
                              int64_t at_ms, v1::ProcessMessageResponse& response) const {
  messaging::ResponseParts parts;
  parts.new_uuid = options_.new_uuid;
  parts.time = engine_internal::InstantOfMs(at_ms);
  parts.source = options_.source;
  fhir::json::Document bundle = messaging::BuildResponse(incoming, code, issues, parts);
  response.set_response_json(fhir::json::Write(bundle.root()));
  response.set_response_code(std::string(messaging::ResponseCodeText(code)));
  std::string unused;
  FillIssues(issues, *response.mutable_issues(), *response.mutable_counts(), unused);
}

// ---------------------------------------------------------------------------------------------

absl::StatusOr<v1::PatientView> MessagingEngine::GetPatientView(
    const v1::GetPatientViewRequest& request) {
  if (request.local_key_system_base().empty() || request.patient_local_key().empty()) {
    return absl::InvalidArgumentError(request.local_key_system_base().empty()
                                          ? "local_key_system_base is required"
                                          : "patient_local_key is required");
  }
  absl::StatusOr<std::vector<store::StoredView>> views =
      store_->Views(Pseudonym(request.local_key_system_base(), request.patient_local_key()));
  if (!views.ok()) return views.status();
  if (views->empty()) {
    return absl::NotFoundError("the gateway holds nothing for this patient_local_key");
  }
  v1::PatientView merged;
  for (const store::StoredView& stored : *views) {
    v1::PatientView part;
    if (!part.ParseFromString(stored.body)) {
      return absl::InternalError("a stored patient view cannot be read");
    }
    merged.MergeFrom(part);
    merged.set_updated_at_ms(std::max(merged.updated_at_ms(), stored.updated_at_ms));
  }
  return merged;
}

}  // namespace zorgbrug::gateway
