#pragma once

// The audit trail of the SQLite store (issue #9): appended by the writer thread, queried on the
// read connections, never purged. Internal to gateway/store/.

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/store/message_store.h"
#include "gateway/store/sqlite_connection.h"

namespace zorgbrug::gateway::store::sqlite {

// Inserts `records` in the caller's transaction (their `sequence` is ignored).
absl::Status InsertAudit(Connection& db, const std::vector<AuditRecord>& records);

// The records matching `query`, oldest first; `query.limit` clamped to [1, 1000].
absl::StatusOr<std::vector<AuditRecord>> QueryAudit(Connection& db, const AuditQuery& query);

}  // namespace zorgbrug::gateway::store::sqlite
