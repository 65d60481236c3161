#pragma once

// zorgbrug.v1.AuditEvents on the gRPC sync API: the audit trail for operators. Thin: check the
// filters, query the AuditStore, encode. Who may call it is the access policy's business
// (access_policy.h; the operator role).

#include <functional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "gateway/audit_trail.h"
#include "gateway/store/message_store.h"
#include "zorgbrug/v1/audit.grpc.pb.h"

namespace zorgbrug::gateway {

// Page sizes of ListAuditEvents.
inline constexpr int kDefaultAuditPageSize = 100;
inline constexpr int kMaxAuditPageSize = 1000;

// A patient's pseudonym from her key namespace and key (MessagingEngine::Pseudonym).
using PseudonymFunction = std::function<std::string(const std::string& local_key_system_base,
                                                    const std::string& patient_local_key)>;

class AuditEventService final : public v1::AuditEvents::Service {
 public:
  // `store` must outlive the service. `trail`, when given, gets the patient asked about noted on
  // the call (AuditTrail::Note), so that listing a patient's trail is in her trail too.
  AuditEventService(store::AuditStore* store, PseudonymFunction pseudonym,
                    AuditTrail* trail = nullptr)
      : store_(store), pseudonym_(std::move(pseudonym)), trail_(trail) {}

  grpc::Status ListAuditEvents(grpc::ServerContext* context,
                               const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;

 private:
  store::AuditStore* const store_;
  const PseudonymFunction pseudonym_;
  AuditTrail* const trail_;
};

}  // namespace zorgbrug::gateway
