#pragma once

// The results of `messaging_load`: one row per measured point, printed as tables (and JSON),
// engine rows compared with the echo of the same payload size at the same number in flight.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/load_loop.h"
#include "gateway/store/sqlite_store.h"

namespace zorgbrug::bench {

// What the store's writer did during a point (group commit).
struct CommitStats {
  int64_t commits = 0;
  int64_t changes = 0;
  double mean_commit_ms = 0;  // BEGIN to the end of COMMIT (the fsync included)
};

struct Row {
  std::string scenario;  // echo-bib, bib, echo-15k, process
  int in_flight = 0;     // closed loop: calls in flight; open loop: its workers
  bool open_loop = false;
  double target_rate = 0;  // open loop: the mean arrival rate asked for
  LoadStats stats;
  size_t payload_bytes = 0;  // the serialized request (the echo's payload is the same size)
  CommitStats commits;
};

CommitStats Delta(const gateway::store::WriterStats& before,
                  const gateway::store::WriterStats& after);

// "0.52 0.61 0.70" from /proc/loadavg.
std::string LoadAverage();

// One line per point while the run goes on (stderr).
void PrintProgress(const Row& row);

// The closed-loop table with ratios against the echo, the half-rate table, the tags, the errors.
void PrintTables(const std::vector<Row>& rows);

bool WriteJson(const std::vector<Row>& rows, const std::string& path);

}  // namespace zorgbrug::bench
