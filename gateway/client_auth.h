#pragma once

// Mutual-TLS client authentication and authorization for every call, before any handler runs.
// Installed as the server credentials' AuthMetadataProcessor (server_credentials.h). For each
// call it
//   1. verifies the client certificate gRPC received (requested but not verified by gRPC) against
//      the client CA bundle: missing, untrusted, expired or not-yet-valid -> UNAUTHENTICATED;
//   2. takes the identity from the subject CN and the role from the subject OU, and asks the access
//      policy whether the role may call the method (":path"): no role, an unknown role or a method
//      the role may not call -> PERMISSION_DENIED naming the role and the method;
//   3. on success puts the identity and role in the call's AuthContext (kClientProperty,
//      kRoleProperty; read them with CallerOf in caller.h).
// Every refused call is reported to the audit hook. Messages and audit records name at most the
// certificate's CN, never other certificate content.
//
// Verification outcomes are cached per certificate (SHA-256 of its PEM) until the certificate or a
// CA in its chain expires, or the CA bundle or the policy is reloaded. Both files are re-read when
// their modification time, size or inode changes (checked at most once per reload_check_ms, on the
// call path); a file that no longer loads keeps the previous good version in force and is logged
// once. Replace them by rename so that a reader never sees half a file.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include "absl/status/statusor.h"
#include "gateway/access_policy.h"
#include "gateway/caller.h"
#include "gateway/client_cert.h"

namespace zorgbrug::gateway {

// One refused call, as the audit trail records it.
struct AccessDecision {
  std::string client;  // the certificate's CN, or "unknown" when there is none to trust
  std::string role;    // the certificate's OU; empty when unknown
  std::string method;  // the ":path", e.g. "/zorgbrug.v1.Destinations/ListDeadLetters"
  std::string outcome = "denied";
  std::string reason;  // short, without certificate content, e.g. "certificate has expired"
  int64_t at_ms = 0;   // ms since the Unix epoch
};

// Called for every refused call, on a gRPC thread-pool thread, possibly concurrently; may block
// briefly (the call waits for it).
using AccessAuditHook = std::function<void(const AccessDecision&)>;

struct ClientAuthOptions {
  // PEM file of the CAs that issue client certificates (one or more). Required.
  std::string client_ca_file;
  // JSON access policy (access_policy.h). Required.
  std::string policy_file;
  AccessAuditHook on_denied;
  // ms since the Unix epoch: certificate validity, cache expiry, reload checks, audit times.
  // Default: the system clock.
  std::function<int64_t()> now_ms;
  // Least time between two checks of the files for changes.
  int64_t reload_check_ms = 1000;
};

class ClientAuthenticator final : public grpc::AuthMetadataProcessor {
 public:
  // Loads both files; fails (naming the file) when either does not load.
  static absl::StatusOr<std::shared_ptr<ClientAuthenticator>> Create(ClientAuthOptions options);

  // gRPC's entry point: reads ":path" and the peer certificate properties, calls Authorize and
  // records the caller in `context` on success.
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  struct Result {
    grpc::Status status;  // OK, UNAUTHENTICATED or PERMISSION_DENIED
    Caller caller;        // authenticated when status is OK and the role is known
  };
  // The decision for a call to `method` by a client presenting `cert_pem` (empty: none) with the
  // chain `chain_pem` (may be empty). Reports refusals to the audit hook.
  Result Authorize(std::string_view cert_pem, std::string_view chain_pem, std::string_view method);

  // True when `caller` may consume `destination` under the current policy (false for a caller
  // that mutual TLS did not authenticate).
  bool MayConsume(const Caller& caller, std::string_view destination) const;

  // The policy in force.
  std::shared_ptr<const AccessPolicy> policy() const;

  // Checks both files for changes now, whatever the time since the last check (e.g. on SIGHUP).
  void CheckForChanges();

 private:
  struct FileStamp {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
  };
  struct Watched {
    std::string path;
    FileStamp seen;  // the version last looked at, whether it loaded or not
  };

  explicit ClientAuthenticator(ClientAuthOptions options);
  static FileStamp Stamp(const std::string& path);
  void MaybeCheckForChanges(int64_t now_ms);
  void ReloadChanged();
  ClientCertificateCheck Check(std::string_view cert_pem, std::string_view chain_pem,
                               int64_t now_ms);
  Result Deny(grpc::StatusCode code, std::string client, std::string role, std::string_view method,
              std::string reason, std::string message, int64_t now_ms);

  ClientAuthOptions options_;

  // Serializes file checks and reloads; guards ca_file_ and policy_file_.
  std::mutex reload_mu_;
  Watched ca_file_;
  Watched policy_file_;

  mutable std::mutex mu_;  // guards everything below
  int64_t last_check_ms_ = 0;
  std::shared_ptr<const ClientCaBundle> bundle_;
  std::shared_ptr<const AccessPolicy> policy_;
  std::unordered_map<std::string, ClientCertificateCheck> cache_;  // by SHA-256 of cert + chain

  // Serializes reads and writes of AuthContexts: gRPC shares one per connection between calls.
  std::mutex context_mu_;
};

}  // namespace zorgbrug::gateway
