#pragma once

// Development TLS material kept in the gateway's state directory, so that a developer's clients
// keep trusting the same CA across restarts:
//   <state_dir>/tls/ca.crt       the dev CA certificate (0644): give it to clients (--ca-cert)
//   <state_dir>/tls/server.crt   the server certificate for localhost, 127.0.0.1, ::1 (0644)
//   <state_dir>/tls/server.key   its private key (0600)
// The CA key is never stored (see dev_certs.h). Delete the tls/ folder to start over.

#include <filesystem>

#include "absl/status/statusor.h"
#include "gateway/dev_certs.h"

namespace zorgbrug::gateway {

struct DevTlsPaths {
  std::filesystem::path dir;
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;
  std::filesystem::path server_key;
};

DevTlsPaths DevTlsPathsIn(const std::filesystem::path& state_dir);

struct DevTls {
  TlsMaterial material;
  bool created = false;  // true when this call generated the files
};

// Returns the material stored under `state_dir`, generating and storing it when none of the three
// files exists. Fails with FailedPrecondition, naming the folder to delete, when only some files
// exist or the stored certificate no longer verifies against the stored CA for "localhost"
// (expired, or files from different runs); it never silently replaces a CA clients may trust.
absl::StatusOr<DevTls> LoadOrCreateDevTls(const std::filesystem::path& state_dir);

}  // namespace zorgbrug::gateway
