#pragma once

// A throw-away PKI for mutual-TLS tests, made with the OpenSSL C API: CAs, a server certificate for
// 127.0.0.1/localhost, and client certificates with a chosen CN, OU and validity (also expired or
// not yet valid). EC P-256 keys, SHA-256 signatures.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace zorgbrug::testing {

// A certificate and its private key (PKCS#8), both PEM.
struct KeyAndCert {
  std::string cert_pem;
  std::string key_pem;
  // cert_pem followed by key_pem: one file for a server certificate that is replaced by one rename.
  std::string Combined() const { return cert_pem + key_pem; }
};

struct Validity {
  // Seconds relative to now.
  int64_t not_before_s = -300;
  int64_t not_after_s = 24 * 3600;
};

class TestCa {
 public:
  // A new self-signed CA named `common_name`, valid for 30 days (longer than what it issues).
  static absl::StatusOr<TestCa> Create(const std::string& common_name);

  const std::string& cert_pem() const { return ca_.cert_pem; }

  // A client certificate (extendedKeyUsage clientAuth) with subject CN=`common_name` and, unless
  // `role` is empty, OU=`role`.
  absl::StatusOr<KeyAndCert> IssueClient(const std::string& common_name, const std::string& role,
                                         Validity validity = {}) const;
  // A server certificate (serverAuth) for DNS:localhost and IP:127.0.0.1.
  absl::StatusOr<KeyAndCert> IssueServer() const;

 private:
  explicit TestCa(KeyAndCert ca) : ca_(std::move(ca)) {}
  KeyAndCert ca_;
};

}  // namespace zorgbrug::testing
