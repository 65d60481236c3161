#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/commands.h"

namespace zorgbrug::gateway {
namespace {

std::string WriteTemp(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "cmd_validate_" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

struct CommandRun {
  int exit_code;
  std::string out;
  std::string err;
};

CommandRun Validate(ValidateCommand command) {
  std::ostringstream out, err;
  const int code = RunValidate(command, out, err);
  return {code, out.str(), err.str()};
}

ValidateCommand Files(std::vector<std::string> files, bool json = false,
                      size_t max_bytes = 1 << 20) {
  ValidateCommand command;
  command.files = std::move(files);
  command.json = json;
  command.max_bytes = max_bytes;
  return command;
}

const std::string kValid = R"({"resourceType":"Patient","id":"p1"})";
const std::string kBroken = R"({"resourceType":"Patient",})";

TEST(ValidateCommand, ExitsZeroWhenAllValid) {
  const CommandRun run = Validate(Files({WriteTemp("ok.json", kValid)}));
  EXPECT_EQ(run.exit_code, kExitValid);
  // dom-6 (a resource should have narrative) is a best-practice warning, not an error.
  EXPECT_NE(run.out.find(": valid Patient (0 errors, 1 warning)"), std::string::npos) << run.out;
}

TEST(ValidateCommand, ExitsOneWhenAnyInvalidAndPrintsTheIssue) {
  const CommandRun run =
      Validate(Files({WriteTemp("ok.json", kValid), WriteTemp("broken.json", kBroken)}));
  EXPECT_EQ(run.exit_code, kExitInvalid);
  EXPECT_NE(run.out.find("broken.json: INVALID (1 error, 0 warnings)"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("  error structure"), std::string::npos) << run.out;
}

TEST(ValidateCommand, ExitsTwoOnUnreadableFile) {
  const CommandRun run = Validate(Files({WriteTemp("ok.json", kValid), "/nonexistent/x.json"}));
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_NE(run.err.find("/nonexistent/x.json"), std::string::npos) << run.err;
}

TEST(ValidateCommand, FileOverMaxBytesIsAnIoError) {
  const CommandRun run = Validate(Files({WriteTemp("ok.json", kValid)}, false, 8));
  EXPECT_EQ(run.exit_code, kExitUsage);
}

TEST(ValidateCommand, JsonPrintsOneOperationOutcomePerLine) {
  const CommandRun run =
      Validate(Files({WriteTemp("ok.json", kValid), WriteTemp("broken.json", kBroken)}, true));
  EXPECT_EQ(run.exit_code, kExitInvalid);
  std::istringstream lines(run.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.rfind(R"({"resourceType":"OperationOutcome")", 0), 0u) << line;
    ++count;
  }
  EXPECT_EQ(count, 2);
}

}  // namespace
}  // namespace zorgbrug::gateway
