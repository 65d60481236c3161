#include "bench/messaging_load_report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string_view>

namespace zorgbrug::bench {
namespace {

constexpr double kHalfRateP99TargetMs = 20;
constexpr double kRatioTarget = 0.5;

std::string Label(const std::string& scenario) {
  if (scenario == "echo-bib") return "echo (BiB size)";
  if (scenario == "bib") return "BiB submissions";
  if (scenario == "echo-15k") return "echo (15 KB)";
  if (scenario == "process") return "ProcessMessage 15 KB";
  if (scenario == "process-ok") return "ProcessMessage 15 KB ok";
  return scenario;
}

// The echo scenario an engine scenario is compared with; empty for the echoes.
std::string EchoOf(const std::string& scenario) {
  if (scenario == "bib") return "echo-bib";
  if (scenario == "process" || scenario == "process-ok") return "echo-15k";
  return "";
}

const Row* Find(const std::vector<Row>& rows, const std::string& scenario, int in_flight) {
  for (const Row& row : rows) {
    if (row.scenario == scenario && row.in_flight == in_flight && !row.open_loop) return &row;
  }
  return nullptr;
}

double MaxRate(const std::vector<Row>& rows, const std::string& scenario) {
  double best = 0;
  for (const Row& row : rows) {
    if (row.scenario == scenario && !row.open_loop) best = std::max(best, row.stats.per_second);
  }
  return best;
}

// The engine row's rate over the echo's at the same number in flight; 0 when there is none.
double Ratio(const std::vector<Row>& rows, const Row& row) {
  const Row* echo = Find(rows, EchoOf(row.scenario), row.in_flight);
  if (echo == nullptr || echo->stats.per_second == 0) return 0;
  return row.stats.per_second / echo->stats.per_second;
}

// CPU time of this process (clients, servers, store) per completed call, in ms.
double CpuMsPerCall(const LoadStats& stats) {
  if (stats.completed == 0) return 0;
  return stats.own_cpu_percent / 100.0 * stats.seconds * 1000.0 /
         static_cast<double>(stats.completed);
}

std::string Tags(const LoadStats& stats) {
  std::string text;
  for (const auto& [tag, count] : stats.tags) {
    text += (text.empty() ? "" : ", ") + tag + " " + std::to_string(count);
  }
  return text;
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void PrintClosedLoop(const std::vector<Row>& rows) {
  std::printf("%-24s %8s %9s %9s %8s %8s %8s %7s %8s %8s %8s %12s %10s\n", "closed loop", "payload",
              "in flight", "msgs/s", "p50 ms", "p99 ms", "max ms", "errors", "vs echo", "CPU/msg",
              "others", "msgs/commit", "commit ms");
  for (const Row& row : rows) {
    if (row.open_loop) continue;
    const LoadStats& s = row.stats;
    std::string ratio = "";
    std::string batch = "";
    std::string commit = "";
    if (!EchoOf(row.scenario).empty()) {
      char text[64];
      std::snprintf(text, sizeof(text), "%.2fx", Ratio(rows, row));
      ratio = text;
      if (row.commits.commits > 0) {
        std::snprintf(text, sizeof(text), "%.1f",
                      static_cast<double>(row.commits.changes) / row.commits.commits);
        batch = text;
        std::snprintf(text, sizeof(text), "%.2f", row.commits.mean_commit_ms);
        commit = text;
      }
    }
    std::printf("%-24s %7zuB %9d %9.0f %8.2f %8.2f %8.1f %7lld %8s %6.2fms %7.0f%% %12s %10s\n",
                Label(row.scenario).c_str(), row.payload_bytes, row.in_flight, s.per_second,
                s.p50_ms, s.p99_ms, s.max_ms, static_cast<long long>(s.errors), ratio.c_str(),
                CpuMsPerCall(s), s.others_cpu_percent, batch.c_str(), commit.c_str());
  }
}

void PrintSummary(const std::vector<Row>& rows) {
  std::printf("\n%-24s %12s %12s %8s %14s\n", "best of the points", "msgs/s", "echo msgs/s",
              "ratio", "target >= 0.5x");
  for (const Row& row : rows) {
    if (row.open_loop || EchoOf(row.scenario).empty()) continue;
    if (MaxRate(rows, row.scenario) != row.stats.per_second) continue;
    const double echo = MaxRate(rows, EchoOf(row.scenario));
    const double ratio = echo > 0 ? row.stats.per_second / echo : 0;
    std::printf("%-24s %12.0f %12.0f %7.2fx %14s\n", Label(row.scenario).c_str(),
                row.stats.per_second, echo, ratio, ratio >= kRatioTarget ? "met" : "missed");
  }
}

void PrintHalfRate(const std::vector<Row>& rows) {
  bool header = false;
  for (const Row& row : rows) {
    if (!row.open_loop) continue;
    if (!header) {
      std::printf("\n%-24s %10s %10s %8s %8s %8s %7s %7s %8s %8s %14s\n", "open loop, half max",
                  "rate asked", "achieved", "p50 ms", "p99 ms", "max ms", "late", "errors",
                  "CPU/msg", "others", "p99 < 20 ms");
      header = true;
    }
    const LoadStats& s = row.stats;
    std::printf("%-24s %10.0f %10.0f %8.2f %8.2f %8.1f %7lld %7lld %6.2fms %7.0f%% %14s\n",
                Label(row.scenario).c_str(), row.target_rate, s.per_second, s.p50_ms, s.p99_ms,
                s.max_ms, static_cast<long long>(s.late_starts), static_cast<long long>(s.errors),
                CpuMsPerCall(s), s.others_cpu_percent,
                s.p99_ms < kHalfRateP99TargetMs ? "met" : "missed");
  }
}

void PrintTagsAndErrors(const std::vector<Row>& rows) {
  std::printf("\n");
  for (const Row& row : rows) {
    const std::string tags = Tags(row.stats);
    if (!tags.empty()) {
      std::printf("%s, %s %d: %s\n", Label(row.scenario).c_str(),
                  row.open_loop ? "open loop, workers" : "in flight", row.in_flight, tags.c_str());
    }
    for (const std::string& error : row.stats.first_errors) {
      std::printf("  error: %s\n", error.c_str());
    }
  }
}

}  // namespace

CommitStats Delta(const gateway::store::WriterStats& before,
                  const gateway::store::WriterStats& after) {
  CommitStats stats;
  stats.commits = after.commits - before.commits;
  stats.changes = after.changes_committed - before.changes_committed;
  if (stats.commits > 0) {
    stats.mean_commit_ms =
        static_cast<double>(after.commit_micros_total - before.commit_micros_total) / 1000.0 /
        static_cast<double>(stats.commits);
  }
  return stats;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void PrintProgress(const Row& row) {
  std::fprintf(
      stderr,
      "%-24s %s %3d: %8.0f msgs/s  p50 %7.2f ms  p99 %7.2f ms  errors %lld  others %.0f%%\n",
      Label(row.scenario).c_str(), row.open_loop ? "open" : "in flight", row.in_flight,
      row.stats.per_second, row.stats.p50_ms, row.stats.p99_ms,
      static_cast<long long>(row.stats.errors), row.stats.others_cpu_percent);
}

void PrintTables(const std::vector<Row>& rows) {
  PrintClosedLoop(rows);
  PrintSummary(rows);
  PrintHalfRate(rows);
  PrintTagsAndErrors(rows);
}

bool WriteJson(const std::vector<Row>& rows, const std::string& path) {
  std::ofstream out(path);
  out << "[\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const LoadStats& s = row.stats;
    out << "  {\"scenario\": " << JsonString(row.scenario)
        << ", \"loop\": " << (row.open_loop ? "\"open\"" : "\"closed\"")
        << ", \"in_flight\": " << row.in_flight << ", \"target_rate\": " << row.target_rate
        << ", \"payload_bytes\": " << row.payload_bytes << ", \"seconds\": " << s.seconds
        << ", \"completed\": " << s.completed << ", \"errors\": " << s.errors
        << ", \"msgs_per_s\": " << s.per_second << ", \"p50_ms\": " << s.p50_ms
        << ", \"p99_ms\": " << s.p99_ms << ", \"max_ms\": " << s.max_ms
        << ", \"late_starts\": " << s.late_starts << ", \"cpu_ms_per_msg\": " << CpuMsPerCall(s)
        << ", \"others_cpu_percent\": " << s.others_cpu_percent << ", \"ratio_vs_echo\": "
        << (row.open_loop || EchoOf(row.scenario).empty() ? 0 : Ratio(rows, row))
        << ", \"commits\": " << row.commits.commits << ", \"changes\": " << row.commits.changes
        << ", \"mean_commit_ms\": " << row.commits.mean_commit_ms << ", \"tags\": {";
    bool first = true;
    for (const auto& [tag, count] : s.tags) {
      out << (first ? "" : ", ") << JsonString(tag) << ": " << count;
      first = false;
    }
    out << "}}" << (i + 1 < rows.size() ? "," : "") << "\n";
  }
  out << "]\n";
  return static_cast<bool>(out);
}

}  // namespace zorgbrug::bench
