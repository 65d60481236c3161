#pragma once

// Verification of mutual-TLS client certificates with OpenSSL, apart from gRPC: the server asks
// for a client certificate without letting gRPC verify it, so that every refusal reaches
// client_auth.h where it is answered and audited. Nothing here logs or echoes certificate content
// other than the subject CN.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace zorgbrug::gateway {

// The outcome of checking one client certificate.
struct ClientCertificateCheck {
  // True when the certificate chains to the bundle, is valid at the time of the check and may be
  // used for TLS client authentication.
  bool trusted = false;
  // Why it is not trusted: a short phrase without certificate content, e.g. "certificate has
  // expired". Empty when trusted.
  std::string reason;
  // The subject CN (control characters replaced by '?'). Set when trusted, and when the only fault
  // is the validity period of a leaf whose signature did verify; empty otherwise.
  std::string common_name;
  // The subject OUs, in order. Set when trusted.
  std::vector<std::string> organizational_units;
  // Until when (ms since the Unix epoch) this outcome holds: the earliest notAfter in the chain for
  // a trusted certificate; for an untrusted one the time of the check plus one minute.
  int64_t valid_until_ms = 0;
};

class ClientCaBundle;

// Checks `leaf_pem` against `bundle` at `now_ms` (ms since the Unix epoch). `chain_pem` is the
// chain the client sent (leaf first; may be empty); its other certificates serve as untrusted
// intermediates.
ClientCertificateCheck CheckClientCertificate(const ClientCaBundle& bundle,
                                              std::string_view leaf_pem, std::string_view chain_pem,
                                              int64_t now_ms);

// A bundle of trusted client CAs (one PEM file with one or more CA certificates, e.g. the old
// and the new CA during a rotation). Every certificate in the bundle is a trust anchor: it may be
// a root or an issuing intermediate. Immutable and safe to share between threads.
class ClientCaBundle {
 public:
  // Parses the PEM certificates of `pem`; `source` names it in errors. Fails with InvalidArgument
  // when there is no certificate, a block is not a certificate or a certificate is not a CA.
  static absl::StatusOr<std::shared_ptr<const ClientCaBundle>> Parse(std::string_view pem,
                                                                     std::string_view source);
  // Reads and parses the file `path` (at most 1 MiB).
  static absl::StatusOr<std::shared_ptr<const ClientCaBundle>> Load(const std::string& path);

  ~ClientCaBundle();
  ClientCaBundle(const ClientCaBundle&) = delete;
  ClientCaBundle& operator=(const ClientCaBundle&) = delete;

  size_t size() const { return size_; }

 private:
  friend ClientCertificateCheck CheckClientCertificate(const ClientCaBundle&, std::string_view,
                                                       std::string_view, int64_t);
  struct Store;
  ClientCaBundle(std::unique_ptr<Store> store, size_t size);

  std::unique_ptr<Store> store_;
  size_t size_ = 0;
};

}  // namespace zorgbrug::gateway
