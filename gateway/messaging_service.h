#pragma once

// zorgbrug.v1.EpdSubmissions and zorgbrug.v1.FhirMessaging on the gRPC sync API (a submission
// blocks until its commit reached the disk: the sync server's thread pool is made for handlers
// that block, the callback API's executor is not). Thin: decode, MessagingEngine, encode. A
// replayed duplicate carries the trailing metadata `zorgbrug-replayed: true`.

#include <grpcpp/grpcpp.h>

#include "gateway/audit_trail.h"
#include "gateway/engine.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {

inline constexpr char kReplayedMetadata[] = "zorgbrug-replayed";

class EpdSubmissionService final : public v1::EpdSubmissions::Service {
 public:
  // `audit` (may be null) is told the patient of each call.
  EpdSubmissionService(MessagingEngine* engine, AuditTrail* audit)
      : engine_(engine), audit_(audit) {}

  grpc::Status SubmitEpdRecord(grpc::ServerContext* context,
                               const v1::SubmitEpdRecordRequest* request,
                               v1::SubmissionResponse* response) override;
  grpc::Status SubmitBibScreening(grpc::ServerContext* context,
                                  const v1::SubmitBibScreeningRequest* request,
                                  v1::SubmissionResponse* response) override;
  grpc::Status SubmitConsultation(grpc::ServerContext* context,
                                  const v1::SubmitConsultationRequest* request,
                                  v1::SubmissionResponse* response) override;
  grpc::Status SubmitCarePlanContribution(grpc::ServerContext* context,
                                          const v1::SubmitCarePlanContributionRequest* request,
                                          v1::SubmissionResponse* response) override;
  grpc::Status GetPatientView(grpc::ServerContext* context,
                              const v1::GetPatientViewRequest* request,
                              v1::PatientView* response) override;

 private:
  MessagingEngine* const engine_;
  AuditTrail* const audit_;
};

class FhirMessagingService final : public v1::FhirMessaging::Service {
 public:
  FhirMessagingService(MessagingEngine* engine, AuditTrail* audit)
      : engine_(engine), audit_(audit) {}

  grpc::Status ProcessMessage(grpc::ServerContext* context,
                              const v1::ProcessMessageRequest* request,
                              v1::ProcessMessageResponse* response) override;

 private:
  MessagingEngine* const engine_;
  AuditTrail* const audit_;
};

}  // namespace zorgbrug::gateway
