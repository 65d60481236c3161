// `zorgbrug serve` as a separate process: first run generates dev TLS material in a fresh state
// directory, the banner's client command line works verbatim, and SIGTERM drains and exits 0.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef ZORGBRUG_BINARY
#error "ZORGBRUG_BINARY must name the zorgbrug executable"
#endif

namespace zorgbrug {
namespace {

using std::chrono::steady_clock;

struct Child {
  pid_t pid = -1;
  int stdout_fd = -1;  // read end of the child's stdout, or -1
};

// Starts ZORGBRUG_BINARY with `args`; stdout goes to a pipe when `capture`, else to /dev/null.
// stderr (logs) is left to the test's stderr.
Child Spawn(const std::vector<std::string>& args, bool capture) {
  // Everything the child needs is prepared here: after fork() in a threaded process only
  // async-signal-safe calls are allowed.
  std::string binary = ZORGBRUG_BINARY;
  std::vector<char*> argv = {binary.data()};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  int fds[2] = {-1, -1};
  if (capture && pipe2(fds, O_CLOEXEC) != 0) return {};
  const int devnull = capture ? -1 : open("/dev/null", O_WRONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(capture ? fds[1] : devnull, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (capture) close(fds[1]);
  if (devnull >= 0) close(devnull);
  return {pid, capture ? fds[0] : -1};
}

// Waits up to `timeout` for `pid`; returns its exit status (or nullopt, after killing it).
std::optional<int> WaitExit(pid_t pid, std::chrono::seconds timeout) {
  const auto end = steady_clock::now() + timeout;
  while (steady_clock::now() < end) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return std::nullopt;
}

// Reads `fd` until a line containing `marker` arrives or `timeout` passes.
std::optional<std::string> ReadLineWith(int fd, const std::string& marker,
                                        std::chrono::seconds timeout) {
  std::string text;
  const auto end = steady_clock::now() + timeout;
  while (steady_clock::now() < end) {
    const size_t at = text.find(marker);
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      const size_t begin = text.rfind('\n', at) + 1;  // npos + 1 == 0
      return text.substr(begin, text.find('\n', at) - begin);
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    text.append(buffer, static_cast<size_t>(n));
  }
  return std::nullopt;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string TempFile(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "serve_process_" + name;
  std::ofstream(path) << contents;
  return path;
}

TEST(ServeProcess, PrintsAWorkingClientCommandAndDrainsOnSigterm) {
  std::string state = ::testing::TempDir() + "serve_state_XXXXXX";
  ASSERT_NE(mkdtemp(state.data()), nullptr);
  const Child server = Spawn({"serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
                              "--state-dir", state + "/s"},
                             /*capture=*/true);
  ASSERT_GT(server.pid, 0);

  const std::optional<std::string> banner =
      ReadLineWith(server.stdout_fd, " call validate --target ", std::chrono::seconds(30));
  ASSERT_TRUE(banner) << "no client command line printed";
  std::vector<std::string> words = Words(*banner);
  ASSERT_GE(words.size(), 4u);
  // The banner names this executable by its absolute path, so it works from any directory.
  ASSERT_TRUE(std::filesystem::path(words.front()).is_absolute()) << *banner;
  ASSERT_EQ(std::filesystem::path(words.front()).filename(), "zorgbrug") << *banner;
  ASSERT_EQ(words.back(), "FILE.json");
  words.erase(words.begin());

  const std::string patient = TempFile("patient.json", R"({"resourceType":"Patient"})");
  const std::string broken = TempFile("broken.json", R"({"resourceType":"Patient")");
  words.back() = patient;
  EXPECT_EQ(WaitExit(Spawn(words, false).pid, std::chrono::seconds(30)), 0) << *banner;
  words.back() = broken;
  EXPECT_EQ(WaitExit(Spawn(words, false).pid, std::chrono::seconds(30)), 1) << *banner;

  EXPECT_EQ(access((state + "/s/tls/ca.crt").c_str(), R_OK), 0);
  kill(server.pid, SIGTERM);
  EXPECT_EQ(WaitExit(server.pid, std::chrono::seconds(30)), 0);
  close(server.stdout_fd);
  std::filesystem::remove_all(state);
}

TEST(ServeProcess, RefusesHalfATlsConfiguration) {
  const Child child = Spawn({"serve", "--listen", "127.0.0.1:0", "--tls-cert", "x.pem"}, false);
  EXPECT_EQ(WaitExit(child.pid, std::chrono::seconds(30)), 2);
}

}  // namespace
}  // namespace zorgbrug
