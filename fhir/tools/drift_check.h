#pragma once

// Test-only helpers shared by the drift tests of the generated tables (fhir/r4/,
// fhir/definitions/): run a generator into a temporary folder and report the first line where a
// committed file differs.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace zorgbrug::fhir::tools {

// Runs `program` with `args`; returns its exit status, or -1 when it did not exit normally.
inline int RunProgram(std::string program, std::vector<std::string> args) {
  args.insert(args.begin(), std::move(program));
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A fresh directory under the system temporary directory, removed with its content at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The whole file, or an empty string when it cannot be read.
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Empty when equal, else the first differing line of each side (each cut to 300 bytes).
inline std::string FirstDifference(const std::string& committed, const std::string& generated) {
  if (committed == generated) return "";
  size_t at = 0;
  while (at < committed.size() && at < generated.size() && committed[at] == generated[at]) ++at;
  size_t line = 1 + std::count(committed.begin(), committed.begin() + at, '\n');
  auto line_at = [at](const std::string& text) {
    size_t begin = text.rfind('\n', at == 0 ? 0 : at - 1);
    begin = begin == std::string::npos || at == 0 ? 0 : begin + 1;
    return text.substr(begin, std::min<size_t>(text.find('\n', begin) - begin, 300));
  };
  return "line " + std::to_string(line) + "\n  committed: " + line_at(committed) +
         "\n  generated: " + line_at(generated);
}

}  // namespace zorgbrug::fhir::tools
