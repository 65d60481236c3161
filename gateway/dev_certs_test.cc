#include "gateway/dev_certs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "gateway/dev_tls_store.h"

namespace zorgbrug::gateway {
namespace {

using ::testing::TempDir;

const TlsMaterial& Material() {
  static const TlsMaterial* material = [] {
    absl::StatusOr<TlsMaterial> m = GenerateDevTlsMaterial();
    EXPECT_TRUE(m.ok()) << m.status();
    return new TlsMaterial(m.ok() ? *m : TlsMaterial{});
  }();
  return *material;
}

// A fresh empty directory under the test's temporary directory, removed with its contents at scope
// exit.
class FreshDir {
 public:
  FreshDir() {
    std::string pattern = TempDir() + "dev_certs_XXXXXX";
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  ~FreshDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(DevCerts, ProducesPemCertificatesAndPkcs8Key) {
  const TlsMaterial& m = Material();
  EXPECT_EQ(m.ca_cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(m.server_cert_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_EQ(m.server_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_TRUE(CheckKeyMatchesCertificate(m.server_cert_pem, m.server_key_pem).ok());
}

TEST(DevCerts, ServerCertificateVerifiesAgainstItsCaForLocalNames) {
  const TlsMaterial& m = Material();
  for (const char* host : {"localhost", "127.0.0.1", "::1"}) {
    EXPECT_TRUE(VerifyServerCertificate(m.server_cert_pem, m.ca_cert_pem, host).ok()) << host;
  }
}

TEST(DevCerts, RejectsOtherHostsAndOtherCas) {
  const TlsMaterial& m = Material();
  EXPECT_FALSE(VerifyServerCertificate(m.server_cert_pem, m.ca_cert_pem, "example.com").ok());
  EXPECT_FALSE(VerifyServerCertificate(m.server_cert_pem, m.ca_cert_pem, "10.0.0.1").ok());
  absl::StatusOr<TlsMaterial> other = GenerateDevTlsMaterial();
  ASSERT_TRUE(other.ok());
  const absl::Status status =
      VerifyServerCertificate(m.server_cert_pem, other->ca_cert_pem, "localhost");
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(CheckKeyMatchesCertificate(m.server_cert_pem, other->server_key_pem).ok());
  // The CA certificate is not a server certificate.
  EXPECT_FALSE(VerifyServerCertificate(m.ca_cert_pem, m.ca_cert_pem, "localhost").ok());
}

TEST(DevCerts, HasSubjectAltNamesForLocalhostAndLoopbackAddresses) {
  absl::StatusOr<std::vector<std::string>> sans = SubjectAltNames(Material().server_cert_pem);
  ASSERT_TRUE(sans.ok()) << sans.status();
  EXPECT_EQ(*sans, (std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"}));
}

TEST(DevCerts, HonoursOptions) {
  DevCertOptions options;
  options.dns_names = {"gateway.test"};
  options.ip_addresses = {};
  absl::StatusOr<TlsMaterial> m = GenerateDevTlsMaterial(options);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(VerifyServerCertificate(m->server_cert_pem, m->ca_cert_pem, "gateway.test").ok());
  EXPECT_FALSE(VerifyServerCertificate(m->server_cert_pem, m->ca_cert_pem, "127.0.0.1").ok());
}

TEST(DevCerts, RejectsGarbage) {
  EXPECT_FALSE(SubjectAltNames("not a certificate").ok());
  EXPECT_FALSE(CheckKeyMatchesCertificate(Material().server_cert_pem, "not a key").ok());
  EXPECT_FALSE(VerifyServerCertificate("x", Material().ca_cert_pem, "localhost").ok());
}

TEST(DevTlsStore, CreatesPrivateKeyFileAndReusesMaterial) {
  const FreshDir dir;
  const std::filesystem::path state = dir.path() / "state";
  absl::StatusOr<DevTls> first = LoadOrCreateDevTls(state);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);

  const DevTlsPaths paths = DevTlsPathsIn(state);
  struct stat st;
  ASSERT_EQ(stat(paths.server_key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(paths.dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);

  absl::StatusOr<DevTls> second = LoadOrCreateDevTls(state);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->material.ca_cert_pem, first->material.ca_cert_pem);
  EXPECT_EQ(second->material.server_key_pem, first->material.server_key_pem);
}

TEST(DevTlsStore, RefusesIncompleteOrMismatchedMaterial) {
  const FreshDir dir;
  const std::filesystem::path& state = dir.path();
  ASSERT_TRUE(LoadOrCreateDevTls(state).ok());
  const DevTlsPaths paths = DevTlsPathsIn(state);

  // A CA from another run: the stored certificate no longer verifies.
  absl::StatusOr<TlsMaterial> other = GenerateDevTlsMaterial();
  ASSERT_TRUE(other.ok());
  FILE* f = fopen(paths.ca_cert.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(other->ca_cert_pem.c_str(), f);
  fclose(f);
  absl::StatusOr<DevTls> mismatched = LoadOrCreateDevTls(state);
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(mismatched.status().message().find(paths.dir.string()), std::string::npos);

  std::filesystem::remove(paths.server_key);
  EXPECT_EQ(LoadOrCreateDevTls(state).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace zorgbrug::gateway
