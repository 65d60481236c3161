#include "gateway/store/sqlite_audit.h"

#include <algorithm>
#include <utility>

namespace zorgbrug::gateway::store::sqlite {
namespace {

constexpr char kInsertAudit[] =
    "INSERT INTO audit (at_ms, client, role, action, partition, outcome, reason, event_json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

// One query per index that serves the filters: a patient's trail (audit_by_partition), a client's
// (audit_by_client), or the whole trail in sequence order. Parameters: ?1 partition, ?2 client,
// ?3 outcome (empty: any), ?4 after_sequence, ?5 since_ms, ?6 limit.
constexpr char kAuditByPartition[] =
    "SELECT sequence, at_ms, client, role, action, partition, outcome, reason, event_json"
    " FROM audit INDEXED BY audit_by_partition WHERE partition = ?1 AND sequence > ?4"
    " AND (?2 = '' OR client = ?2) AND (?3 = '' OR outcome = ?3) AND at_ms >= ?5"
    " ORDER BY sequence LIMIT ?6";
constexpr char kAuditByClient[] =
    "SELECT sequence, at_ms, client, role, action, partition, outcome, reason, event_json"
    " FROM audit INDEXED BY audit_by_client WHERE client = ?2 AND sequence > ?4"
    " AND (?1 = '' OR partition = ?1) AND (?3 = '' OR outcome = ?3) AND at_ms >= ?5"
    " ORDER BY sequence LIMIT ?6";
constexpr char kAuditAll[] =
    "SELECT sequence, at_ms, client, role, action, partition, outcome, reason, event_json"
    " FROM audit WHERE sequence > ?4 AND (?1 = '' OR partition = ?1) AND (?2 = '' OR client = ?2)"
    " AND (?3 = '' OR outcome = ?3) AND at_ms >= ?5 ORDER BY sequence LIMIT ?6";

constexpr int kMaxAuditLimit = 1000;

AuditRecord ReadAudit(const Statement& row) {
  AuditRecord record;
  record.sequence = row.Int(0);
  record.at_ms = row.Int(1);
  record.client = row.Bytes(2);
  record.role = row.Bytes(3);
  record.action = row.Bytes(4);
  record.partition = row.Bytes(5);
  record.outcome = row.Bytes(6);
  record.reason = row.Bytes(7);
  record.event_json = row.Bytes(8);
  return record;
}

}  // namespace

absl::Status InsertAudit(Connection& db, const std::vector<AuditRecord>& records) {
  for (const AuditRecord& record : records) {
    Statement insert = db.Prepare(kInsertAudit);
    insert.Bind(record.at_ms).BindText(record.client).BindText(record.role);
    insert.BindText(record.action).BindText(record.partition).BindText(record.outcome);
    insert.BindText(record.reason).BindText(record.event_json);
    if (absl::Status status = insert.Run(); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AuditRecord>> QueryAudit(Connection& db, const AuditQuery& query) {
  const char* sql = !query.partition.empty() ? kAuditByPartition
                    : !query.client.empty()  ? kAuditByClient
                                             : kAuditAll;
  Statement select = db.Prepare(sql);
  select.BindText(query.partition).BindText(query.client).BindText(query.outcome);
  select.Bind(query.after_sequence).Bind(query.since_ms);
  select.Bind(std::clamp(query.limit, 1, kMaxAuditLimit));
  std::vector<AuditRecord> records;
  for (;;) {
    absl::StatusOr<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) return records;
    records.push_back(ReadAudit(select));
  }
}

}  // namespace zorgbrug::gateway::store::sqlite
