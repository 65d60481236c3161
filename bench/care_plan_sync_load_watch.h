#pragma once

// The watchers of `care_plan_sync_load`: CarePlanSync.WatchCarePlans streams, each on its own
// connection (as distinct platforms would be), that record every change they receive; and the
// check that each received every change committed during a point exactly once, in cursor order,
// with the fan-out figures (changes delivered per second, lag from the writer's call).

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/care_plan_sync_load_writers.h"

namespace zorgbrug::bench {

// One change as a watcher received it.
struct Arrival {
  int64_t cursor = 0;
  int patient = -1;  // PatientOf the plan's patient_local_key
  int64_t version = 0;
  SteadyClock::time_point arrived;
};

class PlanWatchers {
 public:
  // Opens one stream per channel, each from after `cursor`; they run until Stop.
  PlanWatchers(const std::vector<std::shared_ptr<grpc::Channel>>& channels, int64_t cursor);
  ~PlanWatchers();

  // Waits until every stream has received `cursor` or ended; false after `timeout`.
  bool WaitFor(int64_t cursor, std::chrono::milliseconds timeout) const;
  // Cancels the streams and joins their threads. Idempotent.
  void Stop();

  size_t size() const { return streams_.size(); }
  // After Stop: what stream `i` received, and how it ended (CANCELLED by Stop is the normal end).
  const std::vector<Arrival>& arrivals(size_t i) const;
  const grpc::Status& status(size_t i) const;

 private:
  struct Stream;
  std::vector<std::unique_ptr<Stream>> streams_;
};

struct WatchResult {
  int watchers = 0;
  // Changes delivered inside the measured window, summed over the watchers, and per second.
  int64_t delivered_in_window = 0;
  double delivered_per_second = 0;
  // From the writer's call to the arrival at a watcher (every arrival in the window), and from
  // the writer's answer to the arrival (negative when the watcher got it first).
  double lag_from_send_p50_ms = 0;
  double lag_from_send_p99_ms = 0;
  double lag_after_answer_p50_ms = 0;
  double lag_after_answer_p99_ms = 0;
  // What each watcher received during the whole point.
  std::vector<int64_t> received;
  bool ok = true;
  std::string problem;  // the first failed check
};

// Checks every watcher against `feed` (the cursors committed during the point, in order, from
// the store) and joins its arrivals with `writes` for the lag; counts the arrivals inside
// [from, until).
WatchResult CheckWatchers(const PlanWatchers& watchers, const std::vector<int64_t>& feed,
                          const std::vector<WriteRecord>& writes, SteadyClock::time_point from,
                          SteadyClock::time_point until);

}  // namespace zorgbrug::bench
