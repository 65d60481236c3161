#include "gateway/server_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/files.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxPemBytes = 1u << 20;

using grpc::experimental::CertificateProviderInterface;

absl::StatusOr<std::shared_ptr<CertificateProviderInterface>> FileProvider(
    const ServerTlsOptions& options) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate file and a key file");
  }
  absl::StatusOr<std::string> cert = ReadFileToString(options.cert_file, kMaxPemBytes);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFileToString(options.key_file, kMaxPemBytes);
  if (!key.ok()) return key.status();
  if (absl::Status s = CheckKeyMatchesCertificate(*cert, *key); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("server certificate ", options.cert_file,
                                                   " and key ", options.key_file, ": ",
                                                   s.message()));
  }
  return std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.refresh_seconds);
}

absl::StatusOr<std::shared_ptr<CertificateProviderInterface>> StaticProvider(
    const TlsMaterial& pem) {
  if (pem.server_cert_pem.empty() || pem.server_key_pem.empty()) {
    return absl::InvalidArgumentError("TLS needs a server certificate and key");
  }
  if (absl::Status s = CheckKeyMatchesCertificate(pem.server_cert_pem, pem.server_key_pem);
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("server certificate: ", s.message()));
  }
  std::vector<grpc::experimental::IdentityKeyCertPair> pairs = {
      {pem.server_key_pem, pem.server_cert_pem}};
  return std::make_shared<grpc::experimental::StaticDataCertificateProvider>(pairs);
}

}  // namespace

absl::StatusOr<ServerTls> MakeServerTls(const ServerTlsOptions& options) {
  if (options.refresh_seconds < 1) {
    return absl::InvalidArgumentError("the TLS refresh interval must be at least 1 second");
  }
  if (options.client_ca_file.empty() != options.policy_file.empty()) {
    return absl::InvalidArgumentError(
        "mutual TLS needs both a client CA file and an access policy file");
  }
  ServerTls tls;
  if (!options.client_ca_file.empty()) {
    ClientAuthOptions auth;
    auth.client_ca_file = options.client_ca_file;
    auth.policy_file = options.policy_file;
    auth.on_denied = options.on_denied;
    auth.now_ms = options.now_ms;
    absl::StatusOr<std::shared_ptr<ClientAuthenticator>> authenticator =
        ClientAuthenticator::Create(std::move(auth));
    if (!authenticator.ok()) return authenticator.status();
    tls.authenticator = *std::move(authenticator);
  }
  const bool from_files = !options.cert_file.empty() || !options.key_file.empty();
  absl::StatusOr<std::shared_ptr<CertificateProviderInterface>> provider =
      from_files ? FileProvider(options) : StaticProvider(options.pem);
  if (!provider.ok()) return provider.status();
  // Nothing may fail from here on: gRPC 1.51 releases the options (and the provider's file
  // watcher thread) only through the credentials they make.
  grpc::experimental::TlsServerCredentialsOptions credentials(*provider);
  credentials.watch_identity_key_cert_pairs();
  if (tls.authenticator) {
    // gRPC only asks for the certificate: ClientAuthenticator verifies it, so that refusals are
    // answered per call and audited instead of failing the handshake.
    credentials.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  }
  tls.credentials = grpc::experimental::TlsServerCredentials(credentials);
  if (!tls.credentials) return absl::InternalError("gRPC refused the TLS server options");
  if (tls.authenticator) tls.credentials->SetAuthMetadataProcessor(tls.authenticator);
  return tls;
}

}  // namespace zorgbrug::gateway
