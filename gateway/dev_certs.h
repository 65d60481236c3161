#pragma once

// Development TLS material made with the OpenSSL 3 C API: a throw-away CA and a server certificate
// it signs, both with EC P-256 keys and SHA-256 signatures. The gateway uses it when no certificate
// is configured, so that even a developer's first run speaks TLS; tests use it for in-process
// servers. Not for production: production certificates come from the operator
// (`--tls-cert/--tls-key`).
//
// The CA key is discarded after signing: nobody can issue further certificates under the dev CA,
// and clients that trust it trust exactly one server certificate.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zorgbrug::gateway {

// PEM texts for a TLS server and the CA its clients should trust.
struct TlsMaterial {
  std::string ca_cert_pem;      // the CA certificate (give this to clients); may be empty when the
                                // operator configured a certificate without telling us its CA
  std::string server_cert_pem;  // the server certificate (leaf first if it is a chain)
  std::string server_key_pem;   // the server's private key, PKCS#8, unencrypted
};

struct DevCertOptions {
  std::string ca_common_name = "zorgbrug development CA";
  std::string server_common_name = "localhost";
  // subjectAltName entries of the server certificate. Hostname checks use only SANs (RFC 6125).
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"};
  // Validity of both certificates from now (minus 5 minutes of clock-skew allowance). 397 days is
  // the longest server-certificate lifetime browsers accept.
  int valid_days = 397;
};

// Generates a new CA and a server certificate signed by it. Fails only when OpenSSL fails.
absl::StatusOr<TlsMaterial> GenerateDevTlsMaterial(const DevCertOptions& options = {});

// Verifies that `cert_pem` chains to `ca_pem` at the current time, is usable for TLS server
// authentication and matches `host` (a DNS name, or an IPv4/IPv6 address checked against IP SANs).
// Returns InvalidArgument naming the reason otherwise.
absl::Status VerifyServerCertificate(std::string_view cert_pem, std::string_view ca_pem,
                                     std::string_view host);

// The subjectAltName entries of `cert_pem` as "DNS:localhost", "IP:127.0.0.1", "IP:::1".
absl::StatusOr<std::vector<std::string>> SubjectAltNames(std::string_view cert_pem);

// OK when `key_pem` is the private key of `cert_pem`.
absl::Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem);

}  // namespace zorgbrug::gateway
