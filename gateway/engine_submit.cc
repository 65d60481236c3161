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

template <typename Response>
void CopyIssues(const Response& from, v1::SubmissionResponse& to) {
  *to.mutable_issues() = from.issues();
  *to.mutable_counts() = from.counts();
  to.set_operation_outcome_json(from.operation_outcome_json());
}

// The fullUrls of the Tasks of `bundle_json` whose identifier value is one of `keys`.
std::vector<std::string> TaskEntries(std::string_view bundle_json,
                                     const std::set<std::string>& keys,
                                     const fhir::json::ParseLimits& limits) {
  std::vector<std::string> urls;
  fhir::IssueCollector ignored;
  std::optional<fhir::json::Document> bundle = fhir::json::Parse(bundle_json, limits, ignored);
  if (!bundle) return urls;
  const fhir::json::Value* entries = bundle->root().Find("entry");
  if (entries == nullptr) return urls;
  for (const fhir::json::Value& entry : entries->items()) {
    const fhir::json::Value* resource = entry.Find("resource");
    if (resource == nullptr || resource->FindString("resourceType") != "Task") continue;
    const fhir::json::Value* identifiers = resource->Find("identifier");
    if (identifiers == nullptr) continue;
    for (const fhir::json::Value& identifier : identifiers->items()) {
      if (keys.count(std::string(identifier.FindString("value"))) != 0) {
        urls.emplace_back(entry.FindString("fullUrl"));
        break;
      }
    }
  }
  return urls;
}

}  // namespace

EngineResult<v1::SubmissionResponse> MessagingEngine::Submit(
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
  if (seen->has_value()) return ReplaySubmission(**seen);

  TranslationResult<v1::SubmissionResponse> result = translate(prepared);
  const std::string_view event = messaging::EventCode(prepared.event);
  if (result.rejection) {
    Count(event, "rejected");
    return {std::move(result)};
  }
  v1::SubmissionResponse& response = result.response;
  response.set_outcome(v1::SUBMISSION_OUTCOME_ACCEPTED);
  response.set_accepted_at_ms(prepared.accepted_at_ms);
  if (header.return_fhir()) response.set_message_json(prepared.payload);
  absl::StatusOr<store::AcceptResult> accepted = Commit(prepared, response.SerializeAsString());
  if (!accepted.ok()) {
    return {Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(accepted.status()))};
  }
  if (accepted->outcome != AcceptOutcome::kAccepted) return ReplaySubmission(*accepted);
  Count(event, "accepted");
  return {std::move(result)};
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
    v1::PatientView view;
    *view.mutable_latest_consultation() = record;
    prepared.views.push_back({std::string(engine_internal::kViewConsultation),
                              engine_internal::ViewBody(std::move(view), prepared.header_id)});
    prepared.destinations = Route(messaging::EventCode(prepared.event), "");
    return Wrap(prepared, translated.response.bundle_json(), {}, std::move(response));
  });
}

EngineResult<v1::SubmissionResponse> MessagingEngine::SubmitCarePlanContribution(
    const v1::SubmitCarePlanContributionRequest& request) {
  return Submit(request.submission(), request, [&](Prepared& prepared) {
    prepared.event = MessageEvent::kCarePlanContribution;
    return Contribute(prepared, request);
  });
}

TranslationResult<v1::SubmissionResponse> MessagingEngine::Contribute(
    Prepared& prepared, const v1::SubmitCarePlanContributionRequest& request) {
  const std::string& base = request.local_key_system_base();
  v1::ContributeRequest contribute = request.contribution();
  std::string patient_key;
  std::string source;
  if (contribute.has_bib_screening()) {
    patient_key = contribute.bib_screening().patient_local_key();
    source = contribute.bib_screening().source();
  } else if (contribute.has_consultation()) {
    patient_key = contribute.consultation().patient_local_key();
    source = "consultation/" + contribute.consultation().local_key();
  }
  if (base.empty() || patient_key.empty()) {
    return Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kRequired,
         base.empty() ? "local_key_system_base" : "contribution.contribution",
         base.empty() ? "the namespace URI of the sender's keys is required"
                      : "a contribution (bib_screening or consultation) naming the patient is "
                        "required"});
  }
  prepared.partition = Pseudonym(base, patient_key);
  if (!contribute.has_plan()) {
    absl::StatusOr<std::optional<v1::CarePlan>> held = HeldPlan(prepared.partition);
    if (!held.ok())
      return Refused<v1::SubmissionResponse>(engine_internal::StoreIssue(held.status()));
    if (!held->has_value()) {
      return Refused<v1::SubmissionResponse>(
          {Severity::kError, IssueType::kBusinessRule, "contribution.plan",
           "the gateway holds no care plan for this patient: send the plan with the "
           "contribution, or let her platform send a care-plan-update first"});
    }
    *contribute.mutable_plan() = **held;
  }
  TranslationResult<v1::ContributeResponse> merged = CarePlanContribute(contribute);
  v1::SubmissionResponse response;
  *response.mutable_issues() = merged.response.issues();
  *response.mutable_counts() = merged.response.counts();
  if (merged.rejection) return {response, merged.rejection};
  const v1::CarePlan& plan = merged.response.plan();
  v1::CarePlanToFhirRequest to_fhir;
  *to_fhir.mutable_plan() = plan;
  to_fhir.set_local_key_system_base(base);
  TranslationResult<v1::CarePlanToFhirResponse> translated = CarePlanToFhir(to_fhir, CallOptions());
  if (translated.rejection) {
    CopyIssues(translated.response, response);
    return {response, translated.rejection};
  }
  std::set<std::string> contributed;
  for (const v1::CarePlanTask& task : plan.tasks()) {
    if (task.source() == source) contributed.insert(task.local_key());
  }
  if (plan.tasks_size() == 0) {
    return Refused<v1::SubmissionResponse>(
        {Severity::kError, IssueType::kBusinessRule, "contribution",
         "the plan has no task after this contribution: there is nothing to send"});
  }
  *response.mutable_care_plan() = plan;
  response.set_care_plan_changed(merged.response.changed());
  v1::PatientView view;
  *view.mutable_care_plan() = plan;
  prepared.views.push_back({std::string(engine_internal::kViewCarePlan),
                            engine_internal::ViewBody(std::move(view), prepared.header_id)});
  prepared.destinations = Route(messaging::EventCode(prepared.event), "");
  return Wrap(prepared, translated.response.bundle_json(),
              TaskEntries(translated.response.bundle_json(), contributed, options_.limits),
              std::move(response));
}

}  // namespace zorgbrug::gateway
