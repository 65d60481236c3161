#include "tests/log_scan/cli.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "tests/log_scan/log_scan.h"

namespace zorgbrug::log_scan {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxFindingsShown = 100;
constexpr std::string_view kUsage =
    "usage: log_scan --fixtures DIR... --logs FILE_OR_DIR...\n"
    "  Collects every SSIN (11 digits passing the check digits, raw or formatted) in the fixture\n"
    "  data (*.json, *.ndjson, *.textproto, *.xml) under each DIR, then fails (exit 1) when any "
    "of\n"
    "  them appears in a log. Exit 2: usage error, unreadable input, or no SSIN in the fixtures.\n";

struct Args {
  std::vector<fs::path> fixtures;
  std::vector<fs::path> logs;
};

// Parses `args` into `parsed`; false (with a message on `out`) when they do not follow kUsage.
bool ParseArgs(const std::vector<std::string>& args, Args* parsed, std::ostream& out) {
  std::vector<fs::path>* target = nullptr;
  for (const std::string& arg : args) {
    if (arg == "--fixtures") {
      target = &parsed->fixtures;
    } else if (arg == "--logs") {
      target = &parsed->logs;
    } else if (arg.starts_with("-") || target == nullptr) {
      out << "log_scan: unexpected argument '" << arg << "'\n";
      return false;
    } else {
      target->emplace_back(arg);
    }
  }
  if (parsed->fixtures.empty() || parsed->logs.empty()) {
    out << "log_scan: both --fixtures and --logs need at least one path\n";
    return false;
  }
  return true;
}

// The log files named by `paths`: files as given, directories by their regular files (sorted).
// False, with a message on `out`, when a path is neither or a directory cannot be walked.
bool ListLogs(const std::vector<fs::path>& paths, std::vector<fs::path>* files, std::ostream& out) {
  for (const fs::path& path : paths) {
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
      files->push_back(path);
      continue;
    }
    if (!fs::is_directory(path, error)) {
      out << "log_scan: log " << path.string() << " is neither a file nor a directory\n";
      return false;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(path, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_regular_file(error)) found.push_back(it->path());
    }
    if (error) {
      out << "log_scan: cannot walk " << path.string() << ": " << error.message() << "\n";
      return false;
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  return true;
}

// Collects the fixture SSINs and reports them; false when the scan cannot prove anything.
bool LoadFixtures(const std::vector<fs::path>& roots, std::set<std::string>* ssins,
                  std::ostream& out) {
  FixtureStats stats;
  *ssins = FixtureSsins(roots, &stats);
  for (const std::string& error : stats.errors) out << "log_scan: " << error << "\n";
  out << "log_scan: " << ssins->size() << " fixture SSINs known, from " << stats.files
      << " fixture files (" << stats.bytes << " bytes) under:";
  for (const fs::path& root : roots) out << " " << root.string();
  out << "\n";
  if (!stats.errors.empty()) return false;
  if (ssins->empty()) {
    out << "log_scan: no SSIN in the fixtures: a scan that knows no SSIN proves nothing\n";
    return false;
  }
  return true;
}

// Scans every file of `files`; false when one cannot be read.
bool ScanFiles(const std::vector<fs::path>& files, const std::set<std::string>& ssins,
               std::vector<Finding>* findings, std::ostream& out) {
  std::size_t bytes = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      out << "log_scan: cannot read log " << file.string() << "\n";
      return false;
    }
    const std::string text(std::istreambuf_iterator<char>(in), {});
    bytes += text.size();
    for (Finding& finding : ScanLog(text, ssins)) {
      finding.file = file.string();
      findings->push_back(std::move(finding));
    }
  }
  out << "log_scan: scanned " << files.size() << " log file(s), " << bytes << " bytes:";
  for (std::size_t i = 0; i < files.size() && i < 10; ++i) out << " " << files[i].string();
  if (files.size() > 10) out << " ...";
  out << "\n";
  return true;
}

}  // namespace

int RunLogScan(const std::vector<std::string>& args, std::ostream& out) {
  Args parsed;
  if (!ParseArgs(args, &parsed, out)) {
    out << kUsage;
    return kExitUsage;
  }
  std::set<std::string> ssins;
  std::vector<fs::path> files;
  if (!LoadFixtures(parsed.fixtures, &ssins, out) || !ListLogs(parsed.logs, &files, out)) {
    return kExitUsage;
  }
  std::vector<Finding> findings;
  if (!ScanFiles(files, ssins, &findings, out)) return kExitUsage;
  if (findings.empty()) {
    out << "log_scan: OK: none of the " << ssins.size() << " fixture SSINs appears in the logs\n";
    return kExitClean;
  }
  out << "log_scan: FAIL: " << findings.size()
      << " occurrence(s) of fixture SSINs in the logs (SSINs masked):\n";
  for (std::size_t i = 0; i < findings.size() && i < kMaxFindingsShown; ++i) {
    out << "  " << FormatFinding(findings[i]) << "\n";
  }
  if (findings.size() > kMaxFindingsShown) {
    out << "  ... and " << findings.size() - kMaxFindingsShown << " more\n";
  }
  return kExitFindings;
}

}  // namespace zorgbrug::log_scan
