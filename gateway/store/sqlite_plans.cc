#include "gateway/store/sqlite_plans.h"

#include <utility>

namespace zorgbrug::gateway::store::sqlite {
namespace {

constexpr char kPlanVersion[] = "SELECT version FROM plans WHERE partition = ?1";
constexpr char kUpsertPlan[] =
    "INSERT INTO plans (partition, version, body, header_id, cause, author, updated_at_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (partition) DO UPDATE SET"
    " version = excluded.version, body = excluded.body, header_id = excluded.header_id,"
    " cause = excluded.cause, author = excluded.author, updated_at_ms = excluded.updated_at_ms";
constexpr char kInsertPlanVersion[] =
    "INSERT INTO plan_versions (partition, version, body, header_id, cause, author, at_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kInsertPlanChange[] =
    "INSERT INTO plan_changes (partition, version, header_id, cause, author, at_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kFindPlan[] =
    "SELECT partition, version, body, header_id, cause, author, updated_at_ms FROM plans"
    " WHERE partition = ?1";
constexpr char kFindPlanAt[] =
    "SELECT partition, version, body, header_id, cause, author, at_ms FROM plan_versions"
    " WHERE partition = ?1 AND version = ?2";
// A change and its version are kept or purged together (same partition, same time, and the
// latest change is the latest version's), so the join finds every change's body.
constexpr char kPlanChanges[] =
    "SELECT c.sequence, c.partition, c.version, c.header_id, c.cause, c.author, c.at_ms, v.body"
    " FROM plan_changes AS c LEFT JOIN plan_versions AS v"
    " ON v.partition = c.partition AND v.version = c.version"
    " WHERE c.sequence > ?1 ORDER BY c.sequence LIMIT ?2";
// The oldest change held; with none, the next sequence AUTOINCREMENT gives (1 on a new file).
constexpr char kFirstPlanChange[] =
    "SELECT coalesce((SELECT min(sequence) FROM plan_changes),"
    " (SELECT seq + 1 FROM sqlite_sequence WHERE name = 'plan_changes'), 1)";
constexpr char kPurgePlanVersions[] =
    "DELETE FROM plan_versions WHERE rowid IN (SELECT v.rowid FROM plan_versions AS v"
    " JOIN plans AS p ON p.partition = v.partition"
    " WHERE v.at_ms < ?1 AND v.version < p.version LIMIT ?2)";
constexpr char kPurgePlanChanges[] =
    "DELETE FROM plan_changes WHERE sequence IN (SELECT c.sequence FROM plan_changes AS c"
    " WHERE c.at_ms < ?1 AND EXISTS (SELECT 1 FROM plan_changes AS l"
    " WHERE l.partition = c.partition AND l.sequence > c.sequence) LIMIT ?2)";

// Columns 0-6 of kFindPlan and kFindPlanAt.
StoredPlan ReadPlan(const Statement& row) {
  StoredPlan plan;
  plan.partition = row.Bytes(0);
  plan.version = row.Int(1);
  plan.body = row.Bytes(2);
  plan.header_id = row.Bytes(3);
  plan.cause = row.Bytes(4);
  plan.author = row.Bytes(5);
  plan.updated_at_ms = row.Int(6);
  return plan;
}

absl::StatusOr<std::optional<StoredPlan>> QueryOnePlan(Statement& query) {
  absl::StatusOr<bool> row = query.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return ReadPlan(query);
}

absl::StatusOr<int64_t> RunDelete(Connection& db, const char* sql, int64_t cutoff_ms, int limit) {
  Statement purge = db.Prepare(sql);
  purge.Bind(cutoff_ms).Bind(limit);
  absl::Status status = purge.Run();
  if (!status.ok()) return status;
  return static_cast<int64_t>(sqlite3_changes(db.db()));
}

}  // namespace

absl::StatusOr<int64_t> PlanVersionHeld(Connection& db, const std::string& partition) {
  Statement find = db.Prepare(kPlanVersion);
  find.BindText(partition);
  absl::StatusOr<bool> row = find.Step();
  if (!row.ok()) return row.status();
  return *row ? find.Int(0) : 0;
}

absl::Status WritePlan(Connection& db, const AcceptedMessage& message, AcceptResult& result) {
  const PlanWrite& plan = *message.plan;
  const int64_t version = plan.expected_version + 1;
  for (const char* sql : {kUpsertPlan, kInsertPlanVersion}) {
    Statement write = db.Prepare(sql);
    write.BindText(message.partition).Bind(version).BindBlob(plan.body);
    write.BindText(message.header_id).BindText(plan.cause).BindText(plan.author);
    write.Bind(message.accepted_at_ms);
    if (absl::Status status = write.Run(); !status.ok()) return status;
  }
  Statement change = db.Prepare(kInsertPlanChange);
  change.BindText(message.partition).Bind(version).BindText(message.header_id);
  change.BindText(plan.cause).BindText(plan.author).Bind(message.accepted_at_ms);
  if (absl::Status status = change.Run(); !status.ok()) return status;
  result.plan_version = version;
  result.plan_sequence = sqlite3_last_insert_rowid(db.db());
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PurgePlanHistory(Connection& db, int64_t cutoff_ms, int limit) {
  absl::StatusOr<int64_t> versions = RunDelete(db, kPurgePlanVersions, cutoff_ms, limit);
  if (!versions.ok()) return versions.status();
  absl::StatusOr<int64_t> changes = RunDelete(db, kPurgePlanChanges, cutoff_ms, limit);
  if (!changes.ok()) return changes.status();
  return *versions + *changes;
}

absl::StatusOr<std::optional<StoredPlan>> QueryPlan(Connection& db, const std::string& partition) {
  Statement query = db.Prepare(kFindPlan);
  query.BindText(partition);
  return QueryOnePlan(query);
}

absl::StatusOr<std::optional<StoredPlan>> QueryPlanAt(Connection& db, const std::string& partition,
                                                      int64_t version) {
  Statement query = db.Prepare(kFindPlanAt);
  query.BindText(partition).Bind(version);
  return QueryOnePlan(query);
}

absl::StatusOr<std::vector<PlanChange>> QueryPlanChanges(Connection& db, int64_t after_sequence,
                                                         int limit) {
  std::vector<PlanChange> changes;
  Statement query = db.Prepare(kPlanChanges);
  query.Bind(after_sequence).Bind(limit);
  for (;;) {
    absl::StatusOr<bool> row = query.Step();
    if (!row.ok()) return row.status();
    if (!*row) return changes;
    PlanChange change;
    change.sequence = query.Int(0);
    change.partition = query.Bytes(1);
    change.version = query.Int(2);
    change.header_id = query.Bytes(3);
    change.cause = query.Bytes(4);
    change.author = query.Bytes(5);
    change.at_ms = query.Int(6);
    change.body = query.Bytes(7);
    changes.push_back(std::move(change));
  }
}

absl::StatusOr<int64_t> QueryFirstPlanChange(Connection& db) {
  Statement query = db.Prepare(kFirstPlanChange);
  absl::StatusOr<bool> row = query.Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("message store: no first plan change");
  return query.Int(0);
}

}  // namespace zorgbrug::gateway::store::sqlite
