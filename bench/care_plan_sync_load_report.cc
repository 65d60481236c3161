#include "bench/care_plan_sync_load_report.h"

#include <cstdio>
#include <fstream>

#include "bench/care_plan_sync_load_writers.h"

namespace zorgbrug::bench {
namespace {

int64_t Tag(const SyncRow& row, const std::string& tag) {
  auto found = row.stats.tags.find(tag);
  return found == row.stats.tags.end() ? 0 : found->second;
}

const SyncRow* Find(const std::vector<SyncRow>& rows, const std::string& scenario, int in_flight,
                    int watchers) {
  for (const SyncRow& row : rows) {
    if (row.scenario == scenario && row.in_flight == in_flight && row.watchers == watchers) {
      return &row;
    }
  }
  return nullptr;
}

// `value` over the rate of `other`, or 0 without it.
double Over(double value, const SyncRow* other) {
  if (other == nullptr || other->stats.per_second == 0) return 0;
  return value / other->stats.per_second;
}

// put-merge: merges/s over the puts/s at the same number of writers.
double MergeRatio(const std::vector<SyncRow>& rows, const SyncRow& row) {
  return Over(MergesPerSecond(row), Find(rows, "put", row.in_flight, 0));
}

// Delivered over watchers x committed: 1.0 when every watcher keeps up.
double KeepUp(const SyncRow& row) {
  if (!row.watch || row.stats.per_second == 0 || row.watchers == 0) return 0;
  return row.watch->delivered_per_second / (row.watchers * row.stats.per_second);
}

double CpuMsPerCall(const LoadStats& stats) {
  if (stats.completed == 0) return 0;
  return stats.own_cpu_percent / 100.0 * stats.seconds * 1000.0 /
         static_cast<double>(stats.completed);
}

void PrintWrites(const std::vector<SyncRow>& rows) {
  std::printf("%-10s %9s %8s %9s %8s %8s %8s %7s %8s %8s %9s %7s %13s %10s\n", "writes",
              "in flight", "ops/s", "merges/s", "p50 ms", "p99 ms", "max ms", "errors", "aborted",
              "vs put", "CPU/op", "others", "writes/commit", "commit ms");
  for (const SyncRow& row : rows) {
    if (row.scenario == "watch") continue;
    const LoadStats& s = row.stats;
    char ratio[32] = "";
    if (row.scenario == "put-merge" && Find(rows, "put", row.in_flight, 0) != nullptr) {
      std::snprintf(ratio, sizeof(ratio), "%.2fx", MergeRatio(rows, row));
    }
    const double batch = row.commits.commits > 0
                             ? static_cast<double>(row.commits.changes) / row.commits.commits
                             : 0;
    std::printf(
        "%-10s %9d %8.0f %9.0f %8.2f %8.2f %8.1f %7lld %8lld %8s %7.2fms %6.0f%% %13.1f %10.2f\n",
        row.scenario.c_str(), row.in_flight, s.per_second, MergesPerSecond(row), s.p50_ms, s.p99_ms,
        s.max_ms, static_cast<long long>(s.errors), static_cast<long long>(Aborted(row)), ratio,
        CpuMsPerCall(s), s.others_cpu_percent, batch, row.commits.mean_commit_ms);
  }
}

void PrintWatch(const std::vector<SyncRow>& rows) {
  std::printf("\n%-8s %9s %11s %8s %8s %12s %8s %14s %16s %8s %8s %7s\n", "watchers", "in flight",
              "committed/s", "p50 ms", "p99 ms", "delivered/s", "keep-up", "lag p50/p99 ms",
              "after answer ms", "vs 0", "vs 1", "others");
  for (const SyncRow& row : rows) {
    if (row.scenario != "watch") continue;
    const LoadStats& s = row.stats;
    const WatchResult none;
    const WatchResult& w = row.watch ? *row.watch : none;
    char lag[48] = "";
    char after[48] = "";
    if (row.watch) {
      std::snprintf(lag, sizeof(lag), "%.2f/%.2f", w.lag_from_send_p50_ms, w.lag_from_send_p99_ms);
      std::snprintf(after, sizeof(after), "%.2f/%.2f", w.lag_after_answer_p50_ms,
                    w.lag_after_answer_p99_ms);
    }
    std::printf("%-8d %9d %11.0f %8.2f %8.2f %12.0f %8.3f %14s %16s %7.2fx %7.2fx %6.0f%%\n",
                row.watchers, row.in_flight, s.per_second, s.p50_ms, s.p99_ms,
                w.delivered_per_second, KeepUp(row), lag, after,
                Over(s.per_second, Find(rows, "watch", row.in_flight, 0)),
                Over(s.per_second, Find(rows, "watch", row.in_flight, 1)), s.others_cpu_percent);
  }
}

void PrintChecks(const std::vector<SyncRow>& rows) {
  std::printf("\nchecks\n");
  for (const SyncRow& row : rows) {
    std::printf("%-9s %d writers", row.scenario.c_str(), row.in_flight);
    if (row.scenario == "watch") std::printf(", %d watchers", row.watchers);
    std::printf(": %lld writes committed, feed +%lld changes, %lld plans read back differ",
                static_cast<long long>(row.committed), static_cast<long long>(row.feed),
                static_cast<long long>(row.held_differ));
    if (row.watch) {
      std::printf("; received per watcher:");
      for (int64_t received : row.watch->received)
        std::printf(" %lld", static_cast<long long>(received));
    }
    std::printf(" -> %s%s\n", row.ok ? "OK" : "FAILED: ", row.problem.c_str());
    for (const auto& [tag, count] : row.stats.tags) {
      std::printf("    %s %lld\n", tag.c_str(), static_cast<long long>(count));
    }
    for (const std::string& error : row.stats.first_errors)
      std::printf("    error: %s\n", error.c_str());
  }
}

}  // namespace

double MergesPerSecond(const SyncRow& row) {
  return row.stats.seconds > 0 ? static_cast<double>(Tag(row, kTagMerge)) / row.stats.seconds : 0;
}

int64_t Aborted(const SyncRow& row) { return Tag(row, kTagAborted); }

void PrintProgress(const SyncRow& row) {
  std::fprintf(
      stderr,
      "%-9s writers %d watchers %2d: %7.0f ops/s  merges %7.0f/s  p50 %7.2f ms  p99 %7.2f ms",
      row.scenario.c_str(), row.in_flight, row.watchers, row.stats.per_second, MergesPerSecond(row),
      row.stats.p50_ms, row.stats.p99_ms);
  if (row.watch) {
    std::fprintf(stderr, "  delivered %7.0f/s  keep-up %.3f", row.watch->delivered_per_second,
                 KeepUp(row));
  }
  std::fprintf(stderr, "  others %.0f%%  %s\n", row.stats.others_cpu_percent,
               row.ok ? "ok" : row.problem.c_str());
}

void PrintSyncTables(const std::vector<SyncRow>& rows) {
  PrintWrites(rows);
  PrintWatch(rows);
  PrintChecks(rows);
}

bool WriteSyncJson(const std::vector<SyncRow>& rows, const std::string& path) {
  std::ofstream out(path);
  out << "[\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const SyncRow& row = rows[i];
    const LoadStats& s = row.stats;
    out << "  {\"scenario\": \"" << row.scenario << "\", \"in_flight\": " << row.in_flight
        << ", \"watchers\": " << row.watchers << ", \"seconds\": " << s.seconds
        << ", \"completed\": " << s.completed << ", \"errors\": " << s.errors
        << ", \"aborted\": " << Aborted(row) << ", \"ops_per_s\": " << s.per_second
        << ", \"merges_per_s\": " << MergesPerSecond(row) << ", \"p50_ms\": " << s.p50_ms
        << ", \"p99_ms\": " << s.p99_ms << ", \"max_ms\": " << s.max_ms
        << ", \"cpu_ms_per_op\": " << CpuMsPerCall(s)
        << ", \"others_cpu_percent\": " << s.others_cpu_percent
        << ", \"merge_ratio_vs_put\": " << (row.scenario == "put-merge" ? MergeRatio(rows, row) : 0)
        << ", \"commits\": " << row.commits.commits << ", \"changes\": " << row.commits.changes
        << ", \"mean_commit_ms\": " << row.commits.mean_commit_ms
        << ", \"committed\": " << row.committed << ", \"feed\": " << row.feed
        << ", \"held_differ\": " << row.held_differ << ", \"ok\": " << (row.ok ? "true" : "false");
    if (row.scenario == "watch") {
      out << ", \"vs_0_watchers\": " << Over(s.per_second, Find(rows, "watch", row.in_flight, 0))
          << ", \"vs_1_watcher\": " << Over(s.per_second, Find(rows, "watch", row.in_flight, 1));
    }
    if (row.watch) {
      const WatchResult& w = *row.watch;
      out << ", \"delivered_in_window\": " << w.delivered_in_window
          << ", \"delivered_per_s\": " << w.delivered_per_second << ", \"keep_up\": " << KeepUp(row)
          << ", \"lag_from_send_p50_ms\": " << w.lag_from_send_p50_ms
          << ", \"lag_from_send_p99_ms\": " << w.lag_from_send_p99_ms
          << ", \"lag_after_answer_p50_ms\": " << w.lag_after_answer_p50_ms
          << ", \"lag_after_answer_p99_ms\": " << w.lag_after_answer_p99_ms << ", \"received\": [";
      for (size_t k = 0; k < w.received.size(); ++k) out << (k ? ", " : "") << w.received[k];
      out << "]";
    }
    out << "}" << (i + 1 < rows.size() ? "," : "") << "\n";
  }
  out << "]\n";
  return static_cast<bool>(out);
}

}  // namespace zorgbrug::bench
