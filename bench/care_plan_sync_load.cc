// `care_plan_sync_load`: CarePlanSync (issue #9) under load over gRPC with TLS (bench/README.md).
//
// One process: the real GatewayServer on 127.0.0.1:0 (TLS, a SQLite store in a fresh temporary
// directory with synchronous=FULL). Each point is a closed loop of N writers (one thread per
// call, one connection per 8 calls), each writer on its own patients:
//   put        PutCarePlan from the version held, one text field changed: the baseline;
//   put-merge  PutCarePlan from an older version whose edit (a field no write since that version
//              touched) merges cleanly with the plan held: three-way merged by the gateway;
//   watch      put at --watch-in-flight writers with 0, 1 and --watchers WatchCarePlans streams
//              open from the current cursor, each stream on its own connection.
// After each point the store's change feed is compared with the writes committed, the plans are
// read back and compared with the last answers, and every watcher's changes with the feed.

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/care_plan_sync_load_report.h"
#include "bench/care_plan_sync_load_watch.h"
#include "bench/care_plan_sync_load_writers.h"
#include "bench/load_loop.h"
#include "bench/messaging_load_report.h"
#include "gateway/dev_certs.h"
#include "gateway/server.h"

namespace zorgbrug::bench {
namespace {

using gateway::GatewayServer;

constexpr int kCallsPerConnection = 8;

struct Config {
  std::vector<std::string> scenarios{"put", "put-merge", "watch"};
  std::vector<int> in_flight{1, 4, 8};
  int watch_in_flight = 8;
  int watchers = 10;
  double seconds = 10;
  double warmup_seconds = 1;
  double initial_warmup_seconds = 3;
  int patients = 64;
  std::string plan_path = DefaultPlanPath();
  std::string json_path;
  std::string store_dir;
  bool keep_store = false;
};

struct Bench {
  Config config;
  gateway::TlsMaterial tls;
  std::unique_ptr<GatewayServer> gateway;
  std::unique_ptr<PlanWriters> writers;

  std::vector<std::shared_ptr<grpc::Channel>> Channels(int count) const {
    return MakeChannels(gateway->address(), tls.ca_cert_pem, count);
  }
};

// The last cursor of the change feed (0 when empty); -1 when the store fails. PlanChanges(x, 1)
// is empty exactly when x >= the last cursor: searched without reading the feed.
int64_t LastCursor(gateway::store::SqliteStore& store) {
  auto empty_after = [&store](int64_t x) -> std::optional<bool> {
    absl::StatusOr<std::vector<gateway::store::PlanChange>> changes = store.PlanChanges(x, 1);
    if (!changes.ok()) return std::nullopt;
    return changes->empty();
  };
  std::optional<bool> none = empty_after(0);
  if (!none) return -1;
  if (*none) return 0;
  int64_t low = 0;  // a change follows it
  int64_t high = 1;
  for (;;) {
    std::optional<bool> empty = empty_after(high);
    if (!empty) return -1;
    if (*empty) break;
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const int64_t middle = low + (high - low) / 2;
    std::optional<bool> empty = empty_after(middle);
    if (!empty) return -1;
    (*empty ? high : low) = middle;
  }
  return high;
}

// The cursors of the feed in (after, last], in order.
std::vector<int64_t> FeedCursors(gateway::store::SqliteStore& store, int64_t after, int64_t last) {
  std::vector<int64_t> cursors;
  for (;;) {
    absl::StatusOr<std::vector<gateway::store::PlanChange>> changes = store.PlanChanges(after, 512);
    if (!changes.ok() || changes->empty()) return cursors;
    for (const gateway::store::PlanChange& change : *changes) {
      if (change.sequence > last) return cursors;
      cursors.push_back(change.sequence);
      after = change.sequence;
    }
  }
}

void Fail(SyncRow& row, const std::string& problem) {
  if (!row.ok) return;
  row.ok = false;
  row.problem = problem;
}

// The checks that need only the closed loop's figures.
void CheckCalls(SyncRow& row) {
  const LoadStats& s = row.stats;
  const int64_t aborted = Aborted(row);
  const int64_t other_errors = s.errors - aborted;
  if (other_errors > 0) Fail(row, std::to_string(other_errors) + " calls failed");
  // The edits never collide: any conflict is the bench's or the merge's fault.
  if (aborted * 100 > s.completed) {
    Fail(row, std::to_string(aborted) + " of " + std::to_string(s.completed) +
                  " writes conflicted (ABORTED): the edits were meant to merge cleanly");
  }
  for (const char* tag : {kTagLostEdit, kTagWrongKind}) {
    auto found = s.tags.find(tag);
    if (found != s.tags.end()) {
      Fail(row, std::string(tag) + " in " + std::to_string(found->second) + " answers");
    }
  }
  const double ok_calls = static_cast<double>(s.completed - s.errors);
  if (row.scenario == "put-merge" && MergesPerSecond(row) * s.seconds < 0.9 * ok_calls) {
    Fail(row, "fewer than 90% of the writes were merged");
  }
  if (row.scenario != "put-merge" && MergesPerSecond(row) > 0) Fail(row, "a plain put was merged");
}

SteadyClock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
}

// The checks after the closed loop of a point whose feed started after `first`: the feed against
// the writes, the watchers (stopped here) against the feed, the plans held against the answers.
void CheckPoint(Bench& bench, SyncRow& row, int64_t first, PlanWatchers* watch,
                SteadyClock::time_point from, SteadyClock::time_point until,
                const std::shared_ptr<grpc::Channel>& channel) {
  gateway::store::SqliteStore& store = bench.gateway->store();
  const int64_t last = LastCursor(store);
  const std::vector<int64_t> feed = FeedCursors(store, first, last);
  row.committed = bench.writers->committed();
  row.feed = static_cast<int64_t>(feed.size());
  CheckCalls(row);
  if (first < 0 || last < 0) Fail(row, "the store's change feed cannot be read");
  if (row.feed != row.committed) {
    Fail(row, "the feed gained " + std::to_string(row.feed) + " changes for " +
                  std::to_string(row.committed) + " writes committed");
  }
  if (watch != nullptr) {
    const bool caught_up = watch->WaitFor(last, std::chrono::seconds(60));
    watch->Stop();
    row.watch = CheckWatchers(*watch, feed, bench.writers->TakeRecords(), from, until);
    if (!caught_up) Fail(row, "the watchers did not reach the last cursor within 60 s");
    if (!row.watch->ok) Fail(row, row.watch->problem);
  }
  std::string problem;
  row.held_differ = bench.writers->CheckHeld(channel, &problem);
  if (row.held_differ > 0) Fail(row, "plan read back differs from the last answer: " + problem);
}

SyncRow Measure(Bench& bench, const std::string& scenario, int in_flight, int watchers) {
  SyncRow row;
  row.scenario = scenario;
  row.in_flight = in_flight;
  row.watchers = watchers;
  const gateway::store::WriterStats before = bench.gateway->store().writer_stats();
  const int64_t first = LastCursor(bench.gateway->store());
  bench.writers->BeginPoint(in_flight, watchers > 0);
  std::unique_ptr<PlanWatchers> watch;
  if (watchers > 0) watch = std::make_unique<PlanWatchers>(bench.Channels(watchers), first);
  const auto channels = bench.Channels((in_flight + kCallsPerConnection - 1) / kCallsPerConnection);
  const CallFn calls =
      bench.writers->Calls(scenario == "put-merge" ? WriteMode::kMerge : WriteMode::kPut, channels);
  const ClosedLoopOptions options{in_flight, bench.config.warmup_seconds, bench.config.seconds};
  // The window RunClosedLoop measures, for the watchers' arrivals (it starts microseconds later).
  const SteadyClock::time_point from = SteadyClock::now() + Seconds(options.warmup_seconds);
  const SteadyClock::time_point until = from + Seconds(options.seconds);
  row.stats = RunClosedLoop(options, calls);
  row.commits = Delta(before, bench.gateway->store().writer_stats());
  CheckPoint(bench, row, first, watch.get(), from, until, channels[0]);
  PrintProgress(row);
  return row;
}

bool StartServer(Bench& bench, const std::string& store_path) {
  absl::StatusOr<gateway::TlsMaterial> tls = gateway::GenerateDevTlsMaterial();
  if (!tls.ok()) return false;
  bench.tls = *std::move(tls);
  gateway::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls = bench.tls;
  options.messaging.store_path = store_path;
  options.messaging.synchronous = gateway::store::Synchronous::kFull;
  options.messaging.pseudonym_key = "care_plan_sync_load pseudonym key";
  absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "gateway: %s\n", server.status().ToString().c_str());
    return false;
  }
  bench.gateway = *std::move(server);
  return true;
}

// Creates the plans and says how large one is.
bool Prepare(Bench& bench) {
  const auto channel = bench.Channels(1)[0];
  const grpc::Status created = bench.writers->CreatePlans(channel);
  if (!created.ok()) {
    std::fprintf(stderr, "PutCarePlan (creating the plans): %d %s\n", created.error_code(),
                 created.error_message().c_str());
    return false;
  }
  v1::GetCarePlanRequest request;
  request.set_local_key_system_base(kPlatformKeys);
  request.set_patient_local_key(PatientKey(0));
  request.set_include_fhir(true);
  grpc::ClientContext context;
  v1::GetCarePlanResponse plan;
  const grpc::Status read =
      v1::CarePlanSync::NewStub(channel)->GetCarePlan(&context, request, &plan);
  if (!read.ok()) {
    std::fprintf(stderr, "GetCarePlan: %s\n", read.error_message().c_str());
    return false;
  }
  std::printf(
      "plan: %s, %d patients; %zu B as protobuf, its FHIR Bundle %zu B of JSON; %d goals, %d "
      "tasks, %d team members, %d messages; %d edit slots\n",
      bench.config.plan_path.c_str(), bench.writers->patients(), plan.plan().ByteSizeLong(),
      plan.bundle_json().size(), plan.plan().life_goals_size() + plan.plan().care_goals_size(),
      plan.plan().tasks_size(), plan.plan().team_size(), plan.plan().messages_size(),
      bench.writers->edit_slots());
  return true;
}

int Run(Bench& bench, const std::string& store_path) {
  const Config& config = bench.config;
  std::optional<v1::CarePlan> plan = LoadPlanTemplate(config.plan_path);
  if (!plan) {
    std::fprintf(stderr, "cannot read %s\n", config.plan_path.c_str());
    return 1;
  }
  bench.writers = std::make_unique<PlanWriters>(*std::move(plan), config.patients);
  if (!StartServer(bench, store_path) || !Prepare(bench)) return 1;
  std::printf("store %s (synchronous FULL); load average at start: %s\n", store_path.c_str(),
              LoadAverage().c_str());
  if (config.initial_warmup_seconds > 0) {
    const int in_flight =
        std::max(config.watch_in_flight,
                 *std::max_element(config.in_flight.begin(), config.in_flight.end()));
    bench.writers->BeginPoint(in_flight, false);
    RunClosedLoop({in_flight, 0, config.initial_warmup_seconds},
                  bench.writers->Calls(WriteMode::kPut, bench.Channels(1)));
  }
  std::vector<SyncRow> rows;
  for (const std::string& scenario : config.scenarios) {
    if (scenario == "watch") {
      for (int watchers : std::set<int>{0, 1, config.watchers}) {
        rows.push_back(Measure(bench, scenario, config.watch_in_flight, watchers));
      }
      continue;
    }
    for (int in_flight : config.in_flight) rows.push_back(Measure(bench, scenario, in_flight, 0));
  }
  std::printf("load average at the end: %s\n\n", LoadAverage().c_str());
  PrintSyncTables(rows);
  if (!config.json_path.empty() && !WriteSyncJson(rows, config.json_path)) return 1;
  bench.gateway->Drain(std::chrono::system_clock::now() + std::chrono::seconds(2));
  for (const SyncRow& row : rows) {
    if (!row.ok) {
      std::fprintf(stderr, "FAILED: %s %d writers %d watchers: %s\n", row.scenario.c_str(),
                   row.in_flight, row.watchers, row.problem.c_str());
      return 1;
    }
  }
  return 0;
}

// An error text for bad options; empty when they are usable.
std::string CheckConfig(const Config& config) {
  for (const std::string& scenario : config.scenarios) {
    if (scenario != "put" && scenario != "put-merge" && scenario != "watch") {
      return "unknown scenario " + scenario;
    }
  }
  if (config.in_flight.empty() || config.watch_in_flight < 1 || config.watchers < 0) {
    return "--in-flight, --watch-in-flight and --watchers must be positive";
  }
  const int most = std::max(config.watch_in_flight,
                            *std::max_element(config.in_flight.begin(), config.in_flight.end()));
  if (*std::min_element(config.in_flight.begin(), config.in_flight.end()) < 1 ||
      config.patients < most) {
    return "every writer needs a patient of its own: --patients >= the most writers in flight";
  }
  return "";
}

}  // namespace
}  // namespace zorgbrug::bench

int main(int argc, char** argv) {
  zorgbrug::bench::Bench bench;
  zorgbrug::bench::Config& config = bench.config;
  CLI::App app{"CarePlanSync under load over gRPC/TLS: put, put with merge, watch fan-out"};
  app.add_option("--scenarios", config.scenarios, "put, put-merge, watch")->delimiter(',');
  app.add_option("--in-flight", config.in_flight, "writers of the put and put-merge points")
      ->delimiter(',');
  app.add_option("--watch-in-flight", config.watch_in_flight, "writers of the watch points");
  app.add_option("--watchers", config.watchers, "watchers of the fan-out point (also 0 and 1)");
  app.add_option("--seconds", config.seconds, "measured seconds per point");
  app.add_option("--warmup", config.warmup_seconds, "warm-up seconds per point");
  app.add_option("--initial-warmup", config.initial_warmup_seconds,
                 "seconds of puts before the first point (not measured)");
  app.add_option("--patients", config.patients, "patients (one plan each), >= writers");
  app.add_option("--plan", config.plan_path, "the plan (zorgbrug.v1.CarePlan, text format)");
  app.add_option("--json", config.json_path, "also write the results as JSON to this file");
  app.add_option("--store-dir", config.store_dir,
                 "where the temporary store goes (default TMPDIR)");
  app.add_flag("--keep-store", config.keep_store, "keep the store's directory");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // the tables between the progress lines, in order
  if (const std::string problem = zorgbrug::bench::CheckConfig(config); !problem.empty()) {
    std::fprintf(stderr, "%s\n", problem.c_str());
    return 2;
  }
  std::string dir =
      config.store_dir.empty() ? std::filesystem::temp_directory_path().string() : config.store_dir;
  dir += "/zorgbrug-plan-sync-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    std::fprintf(stderr, "cannot create %s\n", dir.c_str());
    return 1;
  }
  const int code = zorgbrug::bench::Run(bench, dir + "/zorgbrug.db");
  bench.gateway.reset();
  if (!config.keep_store) std::filesystem::remove_all(dir);
  return code;
}
