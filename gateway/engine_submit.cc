// The typed EPD submissions: check the submission header, translate with the adapter's core,
// wrap in a message Bundle, commit; duplicates answered from the store.

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "fhir/json/writer.h"
#include "gateway/bib_screening.h"
#include "gateway/care_plan.h"
#include "gateway/consultation.h"
#include "gateway/engine.h"
#include "gateway/engine_internal.h"
#include "gateway/epd_translation.h"
#include "gateway/messaging/process.h"

namespace zorgbrug::gateway {
namespace {

using engine_internal::CopyIssues;
using engine_internal::Refused;
using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;
using messaging::MessageEvent;
using store::AcceptOutcome;

constexpr size_t kMaxIdLength = 64;

// http://hl7.org/fhir/R4/datatypes.html#id
bool IsFhirId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void CheckHeader(const v1::SubmissionHeader& header, std::vector<Issue>& issues) {
  if (header.submission_id().empty()) {
    issues.push_back({Severity::kError, IssueType::kRequired, "submission.submission_id",
                      "a submission needs its sender's id (a UUID is best)"});
  } else if (!IsFhirId(header.submission_id())) {
    issues.push_back({Severity::kError, IssueType::kValue, "submission.submission_id",
                      "submission_id must be an FHIR id: 1 to 64 of A-Z a-z 0-9 - ."});
  }
  if (header.source_system().empty()) {
    issues.push_back({Severity::kError, IssueType::kRequired, "submission.source_system",
                      "a submission needs the URI of its sending system"});
  }
}

// The request as a resend must repeat it: without its dry_run and return_fhir flags, serialized
// deterministically.
std::string CanonicalRequest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::FieldDescriptor* field =
      copy->GetDescriptor()->FindFieldByName("submission");
  google::protobuf::Message* header = copy->GetReflection()->MutableMessage(copy.get(), field);
  for (const char* flag : {"dry_run", "return_fhir"}) {
    header->GetReflection()->ClearField(header, header->GetDescriptor()->FindFieldByName(flag));
  }
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return out;
}

EngineResult<v1::SubmissionResponse> ReplaySubmission(const store::AcceptResult& seen) {
  if (seen.outcome == AcceptOutcome::kIdsReused || seen.outcome == AcceptOutcome::kBundleIdReused) {
    return {Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kDuplicate, "submission.submission_id",
         "this submission_id was used before by this source system for other content: a new "
         "submission needs a new submission_id"})};
  }
  v1::SubmissionResponse original;
  if (!original.ParseFromString(seen.response)) {
    return {Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kException, "", "the stored response cannot be read"})};
  }
  return {{std::move(original), std::nullopt}, /*replayed=*/true};
}

}  // namespace

EngineResult<v1::SubmissionResponse> MessagingEngine::Submit(
    const v1::SubmissionHeader& header, const google::protobuf::Message& request,
    const Translate& translate) {
  std::string partition;
  EngineResult<v1::SubmissionResponse> result =
      SubmitOnce(header, request, [&](Prepared& prepared) {
        TranslationResult<v1::SubmissionResponse> translated = translate(prepared);
        partition = prepared.partition;
        return translated;
      });
  if (result.partition.empty()) result.partition = std::move(partition);
  return result;
}

EngineResult<v1::SubmissionResponse> MessagingEngine::SubmitOnce(
    const v1::SubmissionHeader& header, const google::protobuf::Message& request,
    const Translate& translate) {
  std::vector<Issue> issues;
  CheckHeader(header, issues);
  if (!issues.empty()) return {FinishContent(issues, v1::SubmissionResponse())};
  Prepared prepared;
  const std::string name = header.source_system() + "\n" + header.submission_id();
  prepared.header_id = DerivedUuid(name + "\nMessageHeader");
  prepared.bundle_id = DerivedUuid(name + "\nBundle");
  prepared.request = CanonicalRequest(request);
  prepared.content_hash = messaging::ContentHash(prepared.request);
  prepared.source = header.source_system();
  prepared.submission_id = header.submission_id();
  prepared.accepted_at_ms = options_.now_ms();
  if (header.dry_run()) {
    TranslationResult<v1::SubmissionResponse> result = translate(prepared);
    if (!result.rejection) {
      result.response.set_outcome(v1::SUBMISSION_OUTCOME_DRY_RUN);
      result.response.set_message_json(prepared.payload);
    }
    Count(messaging::EventCode(prepared.event), result.rejection ? "rejected" : "dry_run");
    return {std::move(result)};
  }
  InProgress guard(this, {"h:" + prepared.header_id, "b:" + prepared.bundle_id});
  if (!guard.held()) {
    return {Refused<v1::SubmissionResponse>(
        engine_internal::InProgressIssue("submission.submission_id"))};
  }
  absl::StatusOr<std::optional<store::AcceptResult>> seen = Seen(prepared);
  if (!seen.ok())
    return {Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(seen.status()))};
  if (seen->has_value()) {
    prepared.partition = (*seen)->partition;
    EngineResult<v1::SubmissionResponse> replay = ReplaySubmission(**seen);
    replay.partition = (*seen)->partition;
    return replay;
  }

  // A care-plan write whose plan moved before it committed is decided again on the new plan.
  const Prepared received = prepared;
  for (int attempt = 1;; ++attempt) {
    TranslationResult<v1::SubmissionResponse> result = translate(prepared);
    const std::string_view event = messaging::EventCode(prepared.event);
    if (result.rejection) {
      Count(event, "rejected");
      return {std::move(result)};
    }
    v1::SubmissionResponse& response = result.response;
    if (prepared.unchanged) {
      response.set_outcome(v1::SUBMISSION_OUTCOME_UNCHANGED);
      Count(event, "unchanged");
      return {std::move(result)};
    }
    response.set_outcome(v1::SUBMISSION_OUTCOME_ACCEPTED);
    response.set_accepted_at_ms(prepared.accepted_at_ms);
    if (header.return_fhir()) response.set_message_json(prepared.payload);
    absl::StatusOr<store::AcceptResult> accepted = Commit(prepared, response.SerializeAsString());
    if (!accepted.ok()) {
      return {Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(accepted.status()))};
    }
    if (accepted->outcome == AcceptOutcome::kPlanMoved) {
      if (attempt < kPlanAttempts) {
        prepared = received;
        continue;
      }
      Count(event, "transient-error");
      return {Refused<v1::SubmissionResponse>(
          {Severity::kError, IssueType::kTransient, "submission",
           "the care plan kept changing while this submission was applied: send it again"})};
    }
    if (accepted->outcome != AcceptOutcome::kAccepted) {
      EngineResult<v1::SubmissionResponse> replay = ReplaySubmission(*accepted);
      replay.partition = accepted->partition;
      return replay;
    }
    Count(event, "accepted");
    return {std::move(result)};
  }
}

// Wraps the adapter's collection Bundle in the message of `prepared.event` and fills the parts of
// `response` every submission has. A failure is the gateway's fault (exception).
TranslationResult<v1::SubmissionResponse> MessagingEngine::Wrap(Prepared& prepared,
                                                                std::string_view translation_json,
                                                                std::vector<std::string> focus,
                                                                v1::SubmissionResponse response) {
  fhir::IssueCollector sink;
  fhir::json::ParseLimits limits = options_.limits;
  limits.max_bytes = translation_json.size() + 1;  // the gateway's own output
  std::optional<fhir::json::Document> translation =
      fhir::json::Parse(translation_json, limits, sink);
  fhir::json::Document message;
  if (translation) {
    messaging::MessageParts parts;
    parts.event = prepared.event;
    parts.translation = translation->root();
    int calls = 0;
    parts.new_uuid = [&]() -> std::string {
      switch (calls++) {
        case 0:
          return prepared.bundle_id;
        case 1:
          return prepared.header_id;
        default:
          return options_.new_uuid();
      }
    };
    parts.time = engine_internal::InstantOfMs(prepared.accepted_at_ms);
    parts.source = options_.source;
    parts.destinations = Endpoints(prepared.destinations);
    parts.source_message = {prepared.source, prepared.submission_id};
    parts.focus = std::move(focus);
    message = messaging::BuildMessage(parts, sink);
  }
  if (sink.HasErrors() || message.root().IsNull()) {
    std::vector<Issue> issues = sink.issues();
    for (Issue& issue : issues) issue.type = IssueType::kException;
    return FinishByTable(issues, v1::SubmissionResponse());
  }
  prepared.payload = fhir::json::Write(message.root());
  response.set_message_id(prepared.header_id);
  response.set_bundle_id(prepared.bundle_id);
  response.set_event(std::string(messaging::EventCode(prepared.event)));
  for (const std::string& name : prepared.destinations) response.add_destinations(name);
  return {std::move(response), std::nullopt};
}

EngineResult<v1::SubmissionResponse> MessagingEngine::SubmitEpdRecord(
    const v1::SubmitEpdRecordRequest& request) {
  return Submit(request.submission(), request, [&](Prepared& prepared) {
    prepared.event = MessageEvent::kEpdRecord;
    TranslationResult<v1::ToFhirResponse> translated =
        TranslateToFhir(request.translation(), CallOptions());
    v1::SubmissionResponse response;
    CopyIssues(translated.response, response);
    if (translated.rejection)
      return TranslationResult<v1::SubmissionResponse>{response, translated.rejection};
    const v1::ToFhirRequest& translation = request.translation();
    const v1::Patient& patient = translation.record().patients(0);  // CheckRecord requires one
    prepared.content = engine_internal::kClinicalContent;
    prepared.partition = Pseudonym(translation.local_key_system_base(), patient.local_key());
    v1::PatientView view;
    *view.mutable_patient() = patient;
    prepared.views.push_back({std::string(engine_internal::kViewPatient),
                              engine_internal::ViewBody(std::move(view), prepared.header_id)});
    prepared.destinations = Route(messaging::EventCode(prepared.event), "");
    return Wrap(prepared, translated.response.bundle_json(), {}, std::move(response));
  });
}

EngineResult<v1::SubmissionResponse> MessagingEngine::SubmitBibScreening(
    const v1::SubmitBibScreeningRequest& request) {
  return Submit(request.submission(), request, [&](Prepared& prepared) {
    prepared.event = MessageEvent::kBibScreening;
    TranslationResult<v1::BibToFhirResponse> translated =
        BibToFhir(request.translation(), CallOptions());
    v1::SubmissionResponse response;
    CopyIssues(translated.response, response);
    if (translated.rejection)
      return TranslationResult<v1::SubmissionResponse>{response, translated.rejection};
    const v1::BibToFhirRequest& translation = request.translation();
    const v1::BibScreening& screening = translation.screening();
    prepared.partition =
        Pseudonym(translation.local_key_system_base(), screening.patient_local_key());
    prepared.content = engine_internal::kClinicalContent;
    *response.mutable_eligibility() = translated.response.eligibility();
    *response.mutable_contribution() = translated.response.contribution();
    v1::PatientView view;
    *view.mutable_latest_screening() = screening;
    *view.mutable_eligibility() = translated.response.eligibility();
    *view.mutable_contribution() = translated.response.contribution();
    prepared.views.push_back({std::string(engine_internal::kViewScreening),
                              engine_internal::ViewBody(std::move(view), prepared.header_id)});
    // She did not agree to share: kept for her own EPD's view, sent to nobody.
    if (translated.response.shared()) {
      prepared.destinations = Route(messaging::EventCode(prepared.event), "");
    }
    return Wrap(prepared, translated.response.bundle_json(), {}, std::move(response));
  });
}

EngineResult<v1::SubmissionResponse> MessagingEngine::SubmitConsultation(
    const v1::SubmitConsultationRequest& request) {
  return Submit(request.submission(), request, [&](Prepared& prepared) {
    prepared.event = MessageEvent::kConsultationRecord;
    TranslationResult<v1::ConsultationToFhirResponse> translated =
        ConsultationToFhir(request.translation(), CallOptions());
    v1::SubmissionResponse response;
    CopyIssues(translated.response, response);
    if (translated.rejection)
      return TranslationResult<v1::SubmissionResponse>{response, translated.rejection};
    const v1::ConsultationToFhirRequest& translation = request.translation();
    const v1::ConsultationRecord& record = translation.record();
    prepared.partition = Pseudonym(translation.local_key_system_base(), record.patient_local_key());
    prepared.content = engine_internal::kClinicalContent;
    v1::PatientView view;
    *view.mutable_latest_consultation() = record;
    prepared.views.push_back({std::string(engine_internal::kViewConsultation),
                              engine_internal::ViewBody(std::move(view), prepared.header_id)});
    prepared.destinations = Route(messaging::EventCode(prepared.event), "");
    return Wrap(prepared, translated.response.bundle_json(), {}, std::move(response));
  });
}

EngineResult<v1::SubmissionResponse> MessagingEngine::SubmitCarePlanContribution(
    const v1::SubmitCarePlanContributionRequest& request, const std::string& author) {
  return Submit(request.submission(), request, [&](Prepared& prepared) {
    prepared.event = MessageEvent::kCarePlanContribution;
    return Contribute(prepared, request, author);
  });
}

EngineResult<v1::SubmissionResponse> MessagingEngine::PutCarePlan(
    const v1::PutCarePlanRequest& request, const std::string& author) {
  return Submit(request.submission(), request, [&](Prepared& prepared) {
    prepared.event = MessageEvent::kCarePlanUpdate;
    return WritePlan(prepared, request, author);
  });
}

}  // namespace zorgbrug::gateway
