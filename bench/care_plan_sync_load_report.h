#pragma once

// The results of `care_plan_sync_load`: one row per measured point, printed as tables (and JSON),
// put-merge compared with put at the same number of writers, and the watch points with W watchers
// compared with those with 0 and 1.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/care_plan_sync_load_watch.h"
#include "bench/load_loop.h"
#include "bench/messaging_load_report.h"

namespace zorgbrug::bench {

struct SyncRow {
  std::string scenario;  // put, put-merge, watch
  int in_flight = 0;     // writers (closed loop)
  int watchers = 0;      // watch: the streams open during the point
  LoadStats stats;
  CommitStats commits;
  // Checks of the point: writes the writers saw committed, changes the store's feed gained, plans
  // read back that differ from the last answer, and the watchers' check.
  int64_t committed = 0;
  int64_t feed = 0;
  int64_t held_differ = 0;
  std::optional<WatchResult> watch;
  bool ok = true;
  std::string problem;
};

// OK answers the gateway merged, per second of the window.
double MergesPerSecond(const SyncRow& row);
// ABORTED answers (conflicts) in the window.
int64_t Aborted(const SyncRow& row);

// One line per point while the run goes on (stderr).
void PrintProgress(const SyncRow& row);

// The tables (writes, fan-out) and one check line per point.
void PrintSyncTables(const std::vector<SyncRow>& rows);

bool WriteSyncJson(const std::vector<SyncRow>& rows, const std::string& path);

}  // namespace zorgbrug::bench
