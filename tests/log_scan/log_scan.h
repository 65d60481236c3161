#pragma once

// The log scan of issue #9: which SSINs the test fixtures contain, and whether any of them appears
// in log output (the complete output of a ctest run). Depends on the standard library only, so that
// it builds while the code whose logs it checks does not.
//
// An SSIN (INSZ / NISS) is 11 digits YYMMDDSSSCC (docs/DOMAIN.md section 3), written raw
// ("85073003328") or with separators ("85.07.30-033.28", "850730-033-28", "850730 033 28").
//
// Privacy contract: nothing this library prints or returns for display (MaskSsin, Finding::masked,
// Finding::excerpt, FormatFinding) holds more than the first 2 and last 2 digits of an SSIN.

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zorgbrug::log_scan {

// True when `digits` is 11 ASCII digits whose month field (digits 3-4) is 00-12, 20-32 or 40-52
// (national register number, BIS number +20, BIS number +40) and whose last 2 digits C match the
// first 9 digits N: C == 97 - (N mod 97) (born before 2000) or C == 97 - ((2000000000 + N) mod 97)
// (born in 2000 or later).
bool IsSsin(std::string_view digits);

// "85*******28": the first 2 and last 2 characters of `ssin`, every other one replaced by '*'.
std::string MaskSsin(std::string_view ssin);

// Every SSIN written in `text`. A candidate is a sequence of digit groups joined by single
// separators ('.', '-', ' ') that starts and ends at a group boundary, has 11 digits, and breaks
// only where the SSIN layout YY MM DD SSS CC allows (after digit 2, 4, 6 or 9). So "85073003328",
// "85.07.30-033.28" and "x 850730 033 28" count; 11 digits inside a 12-digit number, or
// "8507-30033-28", do not. Only candidates passing IsSsin are returned, as 11 plain digits.
std::set<std::string> SsinsInText(std::string_view text);

// The file extensions FixtureSsins reads: fixture data, never code.
inline constexpr std::string_view kFixtureExtensions[] = {".json", ".ndjson", ".textproto", ".xml"};

struct FixtureStats {
  std::size_t files = 0;            // fixture files read
  std::size_t bytes = 0;            // their total size
  std::vector<std::string> errors;  // roots or files that could not be read, one sentence each
};

// SsinsInText over every file with an extension of kFixtureExtensions under `roots` (recursively;
// directories named node_modules or starting with '.' are skipped). `stats`, when given, receives
// what was read and what could not be.
std::set<std::string> FixtureSsins(const std::vector<std::filesystem::path>& roots,
                                   FixtureStats* stats = nullptr);

// One occurrence of a known SSIN in log text.
struct Finding {
  std::string file;      // the log file; empty when ScanLog was given text only
  std::size_t line = 0;  // 1-based
  // The ctest test whose output holds the line: the name in the last "<n>/<m> Test: <name>" header
  // of a LastTest.log above it; empty when there is none.
  std::string test;
  std::string masked;   // MaskSsin of the SSIN found
  std::string excerpt;  // up to ~120 bytes of the line around it, every SSIN in it masked
};

// Every occurrence in `text` of an SSIN of `ssins`. Separators ('.', '-', ' ') between digit
// groups are ignored and any 11 consecutive digits of the result count, so an SSIN is found raw,
// formatted, or glued to other digits ("5 85.07.30-033.28").
std::vector<Finding> ScanLog(std::string_view text, const std::set<std::string>& ssins);

// "file:line [test name] 85*******28: excerpt" on one line.
std::string FormatFinding(const Finding& finding);

}  // namespace zorgbrug::log_scan
