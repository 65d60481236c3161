#pragma once

// The `log_scan` command line, callable from a test:
//   log_scan --fixtures DIR... --logs FILE_OR_DIR...
// It collects the SSINs of the fixtures under every DIR (log_scan.h FixtureSsins), scans every log
// FILE (every regular file under a DIR) for them, and reports what it read and what it found, with
// every SSIN masked.

#include <ostream>
#include <string>
#include <vector>

namespace zorgbrug::log_scan {

inline constexpr int kExitClean = 0;     // the fixtures hold SSINs and no log contains one
inline constexpr int kExitFindings = 1;  // a log contains a fixture SSIN
// Usage error, an unreadable fixture root or log, or no SSIN in the fixtures at all (a scan that
// knows no SSIN proves nothing).
inline constexpr int kExitUsage = 2;

// Runs the command with `args` (without the program name), writing the report to `out`; returns
// the exit status above.
int RunLogScan(const std::vector<std::string>& args, std::ostream& out);

}  // namespace zorgbrug::log_scan
