// The committed generated files of fhir/definitions/ must be exactly what
// zorgbrug_generate_definitions writes from the shared definitions (STYLE.md rule 7).

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace zorgbrug::fhir::definitions {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGeneratedFiles[] = {"core_structures.cc", "profiles.cc", "value_sets.cc"};

// shared/: $ZORGBRUG_SHARED_DIR when set, else the CMake cache variable compiled into the test.
std::string SharedDir() {
  const char* shared = std::getenv("ZORGBRUG_SHARED_DIR");
  return shared != nullptr ? shared : ZORGBRUG_SHARED_DIR;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the generator with `args`; returns its exit status, or -1 when it did not exit normally.
int RunGenerator(std::vector<std::string> args) {
  args.insert(args.begin(), ZORGBRUG_GENERATE_DEFINITIONS);
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
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "fhir_definitions_drift.XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Empty when equal, else the first differing line of each side.
std::string FirstDifference(const std::string& committed, const std::string& generated) {
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

TEST(GenerateDefinitionsTest, CommittedFilesMatchGeneratorOutput) {
  std::string r4 = SharedDir() + "/fhir-r4-examples";
  std::string be = SharedDir() + "/fhir-be";
  if (!fs::is_directory(r4) || !fs::is_directory(be)) {
    GTEST_SKIP() << "drift check skipped: " << r4 << " or " << be
                 << " not found (set ZORGBRUG_SHARED_DIR to the shared/ folder)";
  }
  TempDir out;
  ASSERT_FALSE(out.path().empty());
  ASSERT_EQ(RunGenerator({r4, be, out.path()}), 0);
  for (const char* file : kGeneratedFiles) {
    std::string committed = ReadFile(std::string(ZORGBRUG_DEFINITIONS_SOURCE_DIR) + "/" + file);
    std::string generated = ReadFile(out.path() + "/" + file);
    ASSERT_FALSE(generated.empty()) << file;
    EXPECT_EQ(FirstDifference(committed, generated), "")
        << "fhir/definitions/" << file << " differs from the generator output; rebuild the "
        << "regenerate_definitions target and commit the result";
  }
}

TEST(GenerateDefinitionsTest, FailsWithoutDefinitions) {
  TempDir out;
  ASSERT_FALSE(out.path().empty());
  EXPECT_EQ(RunGenerator({out.path() + "/absent", out.path() + "/absent", out.path()}), 1);
  for (const char* file : kGeneratedFiles) EXPECT_FALSE(fs::exists(out.path() + "/" + file));
}

TEST(GenerateDefinitionsTest, FailsOnUsage) { EXPECT_EQ(RunGenerator({}), 1); }

}  // namespace
}  // namespace zorgbrug::fhir::definitions
