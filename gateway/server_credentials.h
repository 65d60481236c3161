#pragma once

// The gateway's gRPC server credentials: TLS with a server certificate that is re-read from disk
// without restart, and optionally mutual TLS with roles (client_auth.h).
//
// Mutual TLS asks every client for a certificate but leaves its verification to the
// ClientAuthenticator, so that each refusal (no certificate, another CA, expired, wrong role) is
// answered with a precise status and audited, before any handler runs.
//
// Certificate rotation: the server's certificate and key files are re-read every refresh_seconds
// and used for new connections; replace both by rename (or keep both in one file, naming it as
// cert_file and key_file, so that one rename replaces the pair). The client CA bundle and the
// policy are re-read within a second of a change. Clients keep their established connections.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "absl/status/statusor.h"
#include "gateway/client_auth.h"
#include "gateway/dev_certs.h"

namespace zorgbrug::gateway {

struct ServerTlsOptions {
  // PEM files of the server certificate chain (leaf first) and its unencrypted private key; they
  // may be one file holding both. When both are empty, `pem` is used and never reloaded.
  std::string cert_file;
  std::string key_file;
  TlsMaterial pem;  // server_cert_pem and server_key_pem; ca_cert_pem is not used
  // Mutual TLS: the client CA bundle and the access policy, both or neither. Neither: server-only
  // TLS, where every caller is anonymous (caller.h).
  std::string client_ca_file;
  std::string policy_file;
  // How often the server certificate files are checked for changes (seconds, at least 1).
  unsigned refresh_seconds = 60;
  // Receives every refused call (mutual TLS only).
  AccessAuditHook on_denied;
  // The clock of certificate checks and audit records; default the system clock.
  std::function<int64_t()> now_ms;
};

struct ServerTls {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // The authenticator installed in `credentials`; null without mutual TLS. Handlers use it for
  // MayConsume; operators' tools for policy().
  std::shared_ptr<ClientAuthenticator> authenticator;
};

// Builds the credentials. Checks at once that the certificate and key load and belong together,
// and that the CA bundle and the policy load; fails with InvalidArgument / NotFound naming the file
// otherwise.
absl::StatusOr<ServerTls> MakeServerTls(const ServerTlsOptions& options);

}  // namespace zorgbrug::gateway
