#pragma once

// The care plans of the SQLite store (issue #9): the version check and the writes that Accept runs
// in the writer's transaction, the reads, and the retention of the plan history. Internal to
// gateway/store/ (sqlite_store.cc calls these; README.md beside this file has the tables).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/store/message_store.h"
#include "gateway/store/sqlite_connection.h"

namespace zorgbrug::gateway::store::sqlite {

// The version of `partition`'s plan held now, in the caller's transaction (it sees the batch's
// earlier writes); 0 when none.
absl::StatusOr<int64_t> PlanVersionHeld(Connection& db, const std::string& partition);

// Writes `message.plan` (which must be set) as the partition's plan at version
// `expected_version + 1`, with its history row and its change; fills `result.plan_version` and
// `result.plan_sequence`. The caller checked the version first (PlanVersionHeld).
absl::Status WritePlan(Connection& db, const AcceptedMessage& message, AcceptResult& result);

// Deletes up to `limit` plan versions and up to `limit` plan changes older than `cutoff_ms`,
// never a partition's latest; returns the number of rows deleted.
absl::StatusOr<int64_t> PurgePlanHistory(Connection& db, int64_t cutoff_ms, int limit);

absl::StatusOr<std::optional<StoredPlan>> QueryPlan(Connection& db, const std::string& partition);
absl::StatusOr<std::optional<StoredPlan>> QueryPlanAt(Connection& db, const std::string& partition,
                                                      int64_t version);
absl::StatusOr<std::vector<PlanChange>> QueryPlanChanges(Connection& db, int64_t after_sequence,
                                                         int limit);
absl::StatusOr<int64_t> QueryFirstPlanChange(Connection& db);

}  // namespace zorgbrug::gateway::store::sqlite
