// `zorgbrug serve`.

#include <pthread.h>
#include <signal.h>
#include <filesystem>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "gateway/commands.h"
#include "gateway/dev_tls_store.h"
#include "gateway/files.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxPemBytes = 1 << 20;

struct ResolvedTls {
  TlsMaterial material;
  std::string ca_cert_file;  // what clients should trust; empty when unknown
};

// Operator-provided certificate and key, or the development material in the state directory.
absl::StatusOr<ResolvedTls> ResolveTls(const ServeCommand& command) {
  ResolvedTls tls;
  if (!command.tls_cert_file.empty() || !command.tls_key_file.empty()) {
    if (command.tls_cert_file.empty() || command.tls_key_file.empty()) {
      return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
    }
    absl::StatusOr<std::string> cert = ReadFileToString(command.tls_cert_file, kMaxPemBytes);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFileToString(command.tls_key_file, kMaxPemBytes);
    if (!key.ok()) return key.status();
    if (absl::Status s = CheckKeyMatchesCertificate(*cert, *key); !s.ok()) return s;
    tls.material.server_cert_pem = *std::move(cert);
    tls.material.server_key_pem = *std::move(key);
    return tls;
  }
  absl::StatusOr<DevTls> dev = LoadOrCreateDevTls(command.state_dir);
  if (!dev.ok()) return dev.status();
  const DevTlsPaths paths = DevTlsPathsIn(command.state_dir);
  spdlog::info("{} development TLS material in {}", dev->created ? "generated" : "using",
               paths.dir.string());
  tls.material = std::move(dev->material);
  std::error_code ignored;
  tls.ca_cert_file = std::filesystem::absolute(paths.ca_cert, ignored).string();
  return tls;
}

// The pseudonym secret in <state_dir>/pseudonym.key: 32 random bytes made on first run, readable
// by the owner only.
absl::StatusOr<std::string> LoadOrCreatePseudonymKey(const std::filesystem::path& state_dir) {
  const std::filesystem::path path = state_dir / "pseudonym.key";
  std::error_code error;
  if (std::filesystem::exists(path, error)) return ReadFileToString(path, 1024);
  if (absl::Status s = EnsurePrivateDirectory(state_dir); !s.ok()) return s;
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return absl::InternalError("no random bytes for the pseudonym key");
  }
  if (absl::Status s = WriteFileAtomically(path, key, 0600); !s.ok()) return s;
  spdlog::info("generated the pseudonym key in {}", path.string());
  return key;
}

absl::StatusOr<store::Synchronous> ParseSynchronous(const std::string& name) {
  if (name == "full") return store::Synchronous::kFull;
  if (name == "normal") return store::Synchronous::kNormal;
  if (name == "off") return store::Synchronous::kOff;
  return absl::InvalidArgumentError("--synchronous must be full, normal or off");
}

absl::Status ConfigureMessaging(const ServeCommand& command, MessagingOptions& messaging) {
  absl::StatusOr<store::Synchronous> synchronous = ParseSynchronous(command.synchronous);
  if (!synchronous.ok()) return synchronous.status();
  messaging.synchronous = *synchronous;
  if (absl::Status s = EnsurePrivateDirectory(command.state_dir); !s.ok()) return s;
  messaging.store_path = command.store_path.empty() ? (command.state_dir / "zorgbrug.db").string()
                                                    : command.store_path;
  absl::StatusOr<std::string> key = LoadOrCreatePseudonymKey(command.state_dir);
  if (!key.ok()) return key.status();
  messaging.pseudonym_key = *std::move(key);
  messaging.retention_ms = static_cast<int64_t>(command.retention_hours * 3'600'000);
  messaging.metrics_listen = command.metrics_listen;
  return absl::OkStatus();
}

// The target a local client should use: wildcard hosts become "localhost".
std::string ClientTarget(const GatewayServer& server) {
  const std::string& address = server.address();
  const std::string host = address.substr(0, address.rfind(':'));
  if (host.empty() || host == "0.0.0.0" || host == "[::]") {
    return "localhost:" + std::to_string(server.port());
  }
  return address;
}

// The path of this executable, so the printed command works from any directory.
std::string ExecutablePath() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "zorgbrug" : self.string();
}

void PrintHowToCall(const GatewayServer& server, const ServeCommand& command,
                    const ResolvedTls& tls, std::ostream& out) {
  out << "zorgbrug serving on " << server.address() << " ("
      << (command.plaintext_for_tests ? "PLAINTEXT, for tests only" : "TLS") << ")\n"
      << "call it with:\n  " << ExecutablePath() << " call validate --target "
      << ClientTarget(server);
  if (command.plaintext_for_tests) {
    out << " --plaintext";
  } else {
    out << " --ca-cert " << (tls.ca_cert_file.empty() ? "<CA of --tls-cert>" : tls.ca_cert_file);
    if (!command.client_ca_file.empty()) out << " --client-cert CERT.pem --client-key KEY.pem";
  }
  out << " FILE.json" << std::endl;
}

}  // namespace

int RunServe(const ServeCommand& command, std::ostream& out, std::ostream& err) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ResolvedTls tls;
  if (!command.plaintext_for_tests) {
    absl::StatusOr<ResolvedTls> resolved = ResolveTls(command);
    if (!resolved.ok()) {
      err << "zorgbrug: TLS: " << resolved.status().message() << "\n";
      return kExitUsage;
    }
    tls = *std::move(resolved);
  }
  ServerOptions options;
  options.listen_address = command.listen;
  options.tls = tls.material;
  // Operator files are re-read for rotation; the development material is not.
  options.tls_cert_file = command.tls_cert_file;
  options.tls_key_file = command.tls_key_file;
  options.tls_refresh_seconds = command.tls_refresh_seconds;
  options.client_ca_file = command.client_ca_file;
  options.policy_file = command.policy_file;
  options.plaintext = command.plaintext_for_tests;
  options.max_message_bytes = command.max_message_bytes;
  if (absl::Status s = ConfigureMessaging(command, options.messaging); !s.ok()) {
    err << "zorgbrug: " << s.message() << "\n";
    return s.code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitUnavailable;
  }
  absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
  if (!server.ok()) {
    err << "zorgbrug: " << server.status().message() << "\n";
    return server.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage
                                                                        : kExitUnavailable;
  }
  if (!command.plaintext_for_tests && command.client_ca_file.empty()) {
    spdlog::warn(
        "no --client-ca/--policy: clients are not authenticated and every caller may call every "
        "RPC (development only; production runs mutual TLS with roles, deploy/README.md)");
  }
  PrintHowToCall(**server, command, tls, out);

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("received {}, draining for up to {} s", signal == SIGTERM ? "SIGTERM" : "SIGINT",
               command.drain_seconds);
  (*server)->Drain(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(static_cast<long>(command.drain_seconds * 1000)));
  return 0;
}

}  // namespace zorgbrug::gateway
