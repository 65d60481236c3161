#pragma once

// The `zorgbrug` subcommands, callable without a process (main.cc only parses flags). Each returns
// the process exit code and writes results to `out`, problems to `err`.

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/server.h"

namespace zorgbrug::gateway {

// Exit codes of `zorgbrug validate` and `zorgbrug call validate`.
inline constexpr int kExitValid = 0;        // every input is valid
inline constexpr int kExitInvalid = 1;      // at least one input is invalid or was rejected
inline constexpr int kExitUsage = 2;        // bad arguments, unreadable file, bad TLS setup
inline constexpr int kExitUnavailable = 3;  // the gateway could not be reached or failed

// The state directory when none is given: $ZORGBRUG_STATE_DIR, else $XDG_STATE_HOME/zorgbrug, else
// $HOME/.local/state/zorgbrug, else ./zorgbrug-state.
std::filesystem::path DefaultStateDir();

struct ValidateCommand {
  std::vector<std::string> files;
  std::vector<std::string> profiles;  // canonical URLs validated besides meta.profile
  bool strict = false;
  bool json = false;  // print each OperationOutcome (JSON Lines) instead of a summary
  size_t max_bytes = kDefaultMaxMessageBytes;  // offline: largest file accepted (parse max_bytes)
};

// `zorgbrug validate FILE...`: validates offline, in this process.
int RunValidate(const ValidateCommand& command, std::ostream& out, std::ostream& err);

struct CallValidateCommand {
  ValidateCommand validate;
  std::string target = "localhost:8443";
  std::string ca_cert_file;  // empty: <state_dir>/tls/ca.crt
  std::filesystem::path state_dir = DefaultStateDir();
  bool plaintext = false;
  double timeout_seconds = 30;
};

// `zorgbrug call validate FILE...`: sends each file to a running gateway.
int RunCallValidate(const CallValidateCommand& command, std::ostream& out, std::ostream& err);

struct ServeCommand {
  std::string listen = "127.0.0.1:8443";
  std::filesystem::path state_dir = DefaultStateDir();
  std::string tls_cert_file;  // with tls_key_file: operator-provided TLS; else dev TLS in state_dir
  std::string tls_key_file;
  bool plaintext_for_tests = false;
  size_t max_message_bytes = kDefaultMaxMessageBytes;
  double drain_seconds = 10;
};

// `zorgbrug serve`: runs until SIGTERM or SIGINT, then drains. Must be called before any other
// thread is started: it blocks those signals in the calling thread so that every thread gRPC
// creates inherits the mask and the signals are taken only by sigwait.
int RunServe(const ServeCommand& command, std::ostream& out, std::ostream& err);

}  // namespace zorgbrug::gateway
