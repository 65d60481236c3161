#include "gateway/audit_service.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {
namespace {

grpc::Status Invalid(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

// The pseudonym the request's patient filter names (empty: none), or the status refusing it.
grpc::Status PatientOf(const v1::ListAuditEventsRequest& request,
                       const PseudonymFunction& pseudonym, std::string& partition) {
  switch (request.patient_case()) {
    case v1::ListAuditEventsRequest::kPseudonym:
      if (!IsPseudonym(request.pseudonym())) {
        return Invalid("pseudonym must be \"p-\" and 32 lowercase hex digits");
      }
      partition = request.pseudonym();
      return grpc::Status::OK;
    case v1::ListAuditEventsRequest::kLocalKey: {
      const v1::PatientLocalKey& key = request.local_key();
      if (std::optional<fhir::Issue> issue = CheckKeySystemBase(key.local_key_system_base())) {
        return Invalid("local_key." + issue->diagnostics);
      }
      if (key.patient_local_key().empty()) {
        return Invalid("local_key.patient_local_key is required with local_key_system_base");
      }
      partition = pseudonym(key.local_key_system_base(), key.patient_local_key());
      return grpc::Status::OK;
    }
    case v1::ListAuditEventsRequest::PATIENT_NOT_SET:
      return grpc::Status::OK;
  }
  return grpc::Status::OK;
}

grpc::Status QueryOf(const v1::ListAuditEventsRequest& request, store::AuditQuery& query) {
  const std::string& outcome = request.outcome();
  if (!outcome.empty() && outcome != kAuditSuccess && outcome != kAuditDenied &&
      outcome != kAuditWithheld && outcome != kAuditFailed) {
    return Invalid("outcome must be success, denied, withheld or failed (or empty for any)");
  }
  if (request.after_sequence() < 0) return Invalid("after_sequence must not be negative");
  if (request.since_ms() < 0) return Invalid("since_ms must not be negative");
  if (request.page_size() < 0) return Invalid("page_size must not be negative");
  query.client = request.client();
  query.outcome = outcome;
  query.after_sequence = request.after_sequence();
  query.since_ms = request.since_ms();
  query.limit = request.page_size() == 0 ? kDefaultAuditPageSize
                                         : std::min(request.page_size(), kMaxAuditPageSize);
  return grpc::Status::OK;
}

void AddEntry(store::AuditRecord record, v1::ListAuditEventsResponse& response) {
  v1::AuditEntry* entry = response.add_entries();
  entry->set_sequence(record.sequence);
  entry->set_at_ms(record.at_ms);
  entry->set_client(std::move(record.client));
  entry->set_role(std::move(record.role));
  entry->set_action(std::move(record.action));
  entry->set_partition(std::move(record.partition));
  entry->set_outcome(std::move(record.outcome));
  entry->set_reason(std::move(record.reason));
  entry->set_audit_event_json(std::move(record.event_json));
}

}  // namespace

grpc::Status AuditEventService::ListAuditEvents(grpc::ServerContext* context,
                                                const v1::ListAuditEventsRequest* request,
                                                v1::ListAuditEventsResponse* response) {
  return Guarded("AuditEvents.ListAuditEvents", [&] {
    store::AuditQuery query;
    if (grpc::Status s = PatientOf(*request, pseudonym_, query.partition); !s.ok()) return s;
    if (trail_ != nullptr && !query.partition.empty()) trail_->Note(context, query.partition);
    if (grpc::Status s = QueryOf(*request, query); !s.ok()) return s;
    absl::StatusOr<std::vector<store::AuditRecord>> records = store_->Audit(query);
    if (!records.ok()) return ToGrpc(records.status());
    const bool full = static_cast<int>(records->size()) >= query.limit;
    for (store::AuditRecord& record : *records) AddEntry(std::move(record), *response);
    if (full && response->entries_size() > 0) {
      response->set_next_after_sequence(response->entries(response->entries_size() - 1).sequence());
    }
    return grpc::Status::OK;
  });
}

}  // namespace zorgbrug::gateway
