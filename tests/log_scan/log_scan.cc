#include "tests/log_scan/log_scan.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

namespace zorgbrug::log_scan {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSsinDigits = 11;
constexpr std::size_t kExcerptContext = 50;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == '.' || c == '-' || c == ' '; }

// A maximal sequence of digit groups joined by single separators, e.g. "85.07.30-033.28".
struct DigitRun {
  std::string digits;                     // the digits without separators
  std::vector<std::size_t> offsets;       // offset in the text of each digit
  std::vector<std::size_t> group_starts;  // index in `digits` where each group starts; [0] == 0
};

// Calls visit(run) for every digit run of `text`, left to right.
template <typename Visit>
void ForEachDigitRun(std::string_view text, Visit visit) {
  DigitRun run;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    run.digits.clear();
    run.offsets.clear();
    run.group_starts.assign(1, 0);
    while (true) {
      for (; i < text.size() && IsDigit(text[i]); ++i) {
        run.digits.push_back(text[i]);
        run.offsets.push_back(i);
      }
      if (i + 1 >= text.size() || !IsSeparator(text[i]) || !IsDigit(text[i + 1])) break;
      ++i;
      run.group_starts.push_back(run.digits.size());
    }
    visit(run);
  }
}

// True when the SSIN candidate of `run` starting at group `first` is 11 digits ending at a group
// boundary, with inner breaks only where YY MM DD SSS CC allows.
bool IsSsinShaped(const DigitRun& run, std::size_t first) {
  const std::size_t begin = run.group_starts[first];
  const std::size_t end = begin + kSsinDigits;
  if (end > run.digits.size()) return false;
  for (std::size_t g = first + 1; g < run.group_starts.size(); ++g) {
    const std::size_t at = run.group_starts[g] - begin;
    if (at == kSsinDigits) return true;
    if (at > kSsinDigits) return false;
    if (at != 2 && at != 4 && at != 6 && at != 9) return false;
  }
  return end == run.digits.size();
}

bool ReadFile(const fs::path& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  content->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool IsFixtureFile(const fs::path& path) {
  const std::string extension = path.extension().string();
  return std::find(std::begin(kFixtureExtensions), std::end(kFixtureExtensions), extension) !=
         std::end(kFixtureExtensions);
}

void AddFixtureFile(const fs::path& path, std::set<std::string>* ssins, FixtureStats* stats) {
  std::string content;
  if (!ReadFile(path, &content)) {
    stats->errors.push_back("cannot read fixture file " + path.string());
    return;
  }
  ++stats->files;
  stats->bytes += content.size();
  ssins->merge(SsinsInText(content));
}

void AddFixtureRoot(const fs::path& root, std::set<std::string>* ssins, FixtureStats* stats) {
  std::error_code error;
  if (fs::is_regular_file(root, error)) {
    AddFixtureFile(root, ssins, stats);
    return;
  }
  if (!fs::is_directory(root, error)) {
    stats->errors.push_back("fixture root is not a directory: " + root.string());
    return;
  }
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(error)) {
      if (name == "node_modules" || name.starts_with('.')) it.disable_recursion_pending();
    } else if (it->is_regular_file(error) && IsFixtureFile(it->path())) {
      AddFixtureFile(it->path(), ssins, stats);
    }
  }
  if (error) stats->errors.push_back("cannot walk " + root.string() + ": " + error.message());
}

// The test name of a LastTest.log header line "<n>/<m> Test: <name>"; empty for any other line.
std::string_view TestHeaderName(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && IsDigit(line[i])) ++i;
  if (i == 0 || i >= line.size() || line[i] != '/') return {};
  const std::size_t second = ++i;
  while (i < line.size() && IsDigit(line[i])) ++i;
  constexpr std::string_view kTest = " Test: ";
  if (i == second || line.substr(i, kTest.size()) != kTest) return {};
  return line.substr(i + kTest.size());
}

// `line` with the middle digits of every SSIN in it (known or merely valid) replaced by '*'.
std::string MaskedLine(std::string_view line, const std::set<std::string>& ssins) {
  std::string masked(line);
  ForEachDigitRun(line, [&](const DigitRun& run) {
    for (std::size_t i = 0; i + kSsinDigits <= run.digits.size(); ++i) {
      const std::string_view window = std::string_view(run.digits).substr(i, kSsinDigits);
      if (!IsSsin(window) && !ssins.contains(std::string(window))) continue;
      for (std::size_t d = i + 2; d < i + kSsinDigits - 2; ++d) masked[run.offsets[d]] = '*';
    }
  });
  for (char& c : masked) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return masked;
}

// Up to kExcerptContext bytes of `masked` either side of [begin, end).
std::string Excerpt(const std::string& masked, std::size_t begin, std::size_t end) {
  const std::size_t from = begin > kExcerptContext ? begin - kExcerptContext : 0;
  const std::size_t to = std::min(masked.size(), end + kExcerptContext);
  std::string excerpt = from > 0 ? "..." : "";
  excerpt += masked.substr(from, to - from);
  if (to < masked.size()) excerpt += "...";
  return excerpt;
}

// Appends to `findings` every SSIN of `ssins` in `line` (line number `number`).
void ScanLine(std::string_view line, std::size_t number, const std::string& test,
              const std::set<std::string>& ssins, std::vector<Finding>* findings) {
  const std::size_t first_new = findings->size();
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // text offsets of each finding
  ForEachDigitRun(line, [&](const DigitRun& run) {
    for (std::size_t i = 0; i + kSsinDigits <= run.digits.size(); ++i) {
      const std::string window = run.digits.substr(i, kSsinDigits);
      if (!ssins.contains(window)) continue;
      findings->push_back({"", number, test, MaskSsin(window), ""});
      spans.emplace_back(run.offsets[i], run.offsets[i + kSsinDigits - 1] + 1);
    }
  });
  if (spans.empty()) return;
  const std::string masked = MaskedLine(line, ssins);
  for (std::size_t f = 0; f < spans.size(); ++f) {
    (*findings)[first_new + f].excerpt = Excerpt(masked, spans[f].first, spans[f].second);
  }
}

}  // namespace

bool IsSsin(std::string_view digits) {
  if (digits.size() != kSsinDigits || !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return false;
  }
  const int month = (digits[2] - '0') * 10 + (digits[3] - '0');
  if (month % 20 > 12 || month > 52) return false;
  long long base = 0;
  for (std::size_t i = 0; i < 9; ++i) base = base * 10 + (digits[i] - '0');
  const int check = (digits[9] - '0') * 10 + (digits[10] - '0');
  return check == 97 - base % 97 || check == 97 - (2000000000LL + base) % 97;
}

std::string MaskSsin(std::string_view ssin) {
  std::string masked(ssin);
  for (std::size_t i = 2; i + 2 < masked.size(); ++i) masked[i] = '*';
  return masked;
}

std::set<std::string> SsinsInText(std::string_view text) {
  std::set<std::string> ssins;
  ForEachDigitRun(text, [&](const DigitRun& run) {
    for (std::size_t g = 0; g < run.group_starts.size(); ++g) {
      if (!IsSsinShaped(run, g)) continue;
      std::string candidate = run.digits.substr(run.group_starts[g], kSsinDigits);
      if (IsSsin(candidate)) ssins.insert(std::move(candidate));
    }
  });
  return ssins;
}

std::set<std::string> FixtureSsins(const std::vector<std::filesystem::path>& roots,
                                   FixtureStats* stats) {
  FixtureStats local;
  FixtureStats* sink = stats != nullptr ? stats : &local;
  std::set<std::string> ssins;
  for (const fs::path& root : roots) AddFixtureRoot(root, &ssins, sink);
  return ssins;
}

std::vector<Finding> ScanLog(std::string_view text, const std::set<std::string>& ssins) {
  std::vector<Finding> findings;
  std::string test;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    ++number;
    if (const std::string_view name = TestHeaderName(line); !name.empty()) {
      test = MaskedLine(name, ssins);
    }
    ScanLine(line, number, test, ssins, &findings);
    start = end + 1;
  }
  return findings;
}

std::string FormatFinding(const Finding& finding) {
  std::string text = finding.file.empty() ? "<text>" : finding.file;
  text += ":" + std::to_string(finding.line);
  if (!finding.test.empty()) text += " [" + finding.test + "]";
  text += " " + finding.masked + ": " + finding.excerpt;
  return text;
}

}  // namespace zorgbrug::log_scan
