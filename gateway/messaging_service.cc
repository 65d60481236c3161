#include "gateway/messaging_service.h"

#include <utility>

#include "gateway/caller.h"
#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {
namespace {

// Answers with an engine result: its response when not refused (marked when replayed), else the
// status of its refusal with the response as rich details.
template <typename Result, typename Response>
grpc::Status AnswerEngine(grpc::ServerContext* context, AuditTrail* audit, Result result,
                          Response* response) {
  if (audit != nullptr && !result.partition.empty()) audit->Note(context, result.partition);
  if (result.replayed) context->AddTrailingMetadata(kReplayedMetadata, "true");
  return Answer(std::move(result.result), response);
}

}  // namespace

grpc::Status EpdSubmissionService::SubmitEpdRecord(grpc::ServerContext* context,
                                                   const v1::SubmitEpdRecordRequest* request,
                                                   v1::SubmissionResponse* response) {
  return Guarded("EpdSubmissions.SubmitEpdRecord", [&] {
    return AnswerEngine(context, audit_, engine_->SubmitEpdRecord(*request), response);
  });
}

grpc::Status EpdSubmissionService::SubmitBibScreening(grpc::ServerContext* context,
                                                      const v1::SubmitBibScreeningRequest* request,
                                                      v1::SubmissionResponse* response) {
  return Guarded("EpdSubmissions.SubmitBibScreening", [&] {
    return AnswerEngine(context, audit_, engine_->SubmitBibScreening(*request), response);
  });
}

grpc::Status EpdSubmissionService::SubmitConsultation(grpc::ServerContext* context,
                                                      const v1::SubmitConsultationRequest* request,
                                                      v1::SubmissionResponse* response) {
  return Guarded("EpdSubmissions.SubmitConsultation", [&] {
    return AnswerEngine(context, audit_, engine_->SubmitConsultation(*request), response);
  });
}

grpc::Status EpdSubmissionService::SubmitCarePlanContribution(
    grpc::ServerContext* context, const v1::SubmitCarePlanContributionRequest* request,
    v1::SubmissionResponse* response) {
  return Guarded("EpdSubmissions.SubmitCarePlanContribution", [&] {
    return AnswerEngine(context, audit_,
                        engine_->SubmitCarePlanContribution(*request, CallerOf(*context).client),
                        response);
  });
}

grpc::Status EpdSubmissionService::GetPatientView(grpc::ServerContext* context,
                                                  const v1::GetPatientViewRequest* request,
                                                  v1::PatientView* response) {
  return Guarded("EpdSubmissions.GetPatientView", [&] {
    if (audit_ != nullptr && !request->local_key_system_base().empty() &&
        !request->patient_local_key().empty()) {
      audit_->Note(context, engine_->Pseudonym(request->local_key_system_base(),
                                               request->patient_local_key()));
    }
    absl::StatusOr<v1::PatientView> view = engine_->GetPatientView(*request);
    if (!view.ok()) return ToGrpc(view.status());
    *response = *std::move(view);
    return grpc::Status::OK;
  });
}

grpc::Status FhirMessagingService::ProcessMessage(grpc::ServerContext* context,
                                                  const v1::ProcessMessageRequest* request,
                                                  v1::ProcessMessageResponse* response) {
  return Guarded("FhirMessaging.ProcessMessage", [&] {
    return AnswerEngine(context, audit_, engine_->ProcessMessage(*request), response);
  });
}

}  // namespace zorgbrug::gateway
