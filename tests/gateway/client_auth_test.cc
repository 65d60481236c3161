// The client-certificate checks and the authenticator's decisions without a server: CA bundle
// parsing, chain/date/purpose checks, the verification cache and the reload interval, on a fake
// clock.

#include "gateway/client_auth.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>

#include "gateway/files.h"
#include "tests/gateway/test_pki.h"

namespace zorgbrug::gateway {
namespace {

using ::zorgbrug::testing::KeyAndCert;
using ::zorgbrug::testing::TestCa;

constexpr char kValidate[] = "/zorgbrug.v1.Validation/Validate";
constexpr int64_t kDayMs = 24 * 3600 * 1000;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The message of `status` (absl::string_view is not std::string_view in Debian's Abseil).
std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

::testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

class ClientAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "client-auth-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    absl::StatusOr<TestCa> ca = TestCa::Create("zorgbrug test CA");
    ASSERT_TRUE(ca.ok());
    ca_.emplace(*std::move(ca));
    absl::StatusOr<KeyAndCert> client = ca_->IssueClient("ops-1", "operator");
    ASSERT_TRUE(client.ok());
    client_ = *std::move(client);
    Write("ca.pem", ca_->cert_pem());
    Write("policy.json", R"({"roles": {"operator": {"rpcs": ["*"]}}})");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& contents) {
    ASSERT_TRUE(WriteFileAtomically(dir_ / name, contents, 0600).ok());
  }

  std::shared_ptr<ClientAuthenticator> Create() {
    ClientAuthOptions options;
    options.client_ca_file = (dir_ / "ca.pem").string();
    options.policy_file = (dir_ / "policy.json").string();
    options.now_ms = [this] { return now_ms_; };
    options.on_denied = [this](const AccessDecision& decision) { denials_.push_back(decision); };
    absl::StatusOr<std::shared_ptr<ClientAuthenticator>> auth =
        ClientAuthenticator::Create(std::move(options));
    EXPECT_TRUE(auth.ok()) << auth.status();
    return auth.ok() ? *auth : nullptr;
  }

  std::filesystem::path dir_;
  std::optional<TestCa> ca_;
  KeyAndCert client_;
  int64_t now_ms_ = WallClockMs();
  std::vector<AccessDecision> denials_;
};

TEST_F(ClientAuthTest, BundleRefusesNonCaCertificatesAndOtherPemBlocks) {
  absl::StatusOr<TestCa> second = TestCa::Create("second CA");
  ASSERT_TRUE(second.ok());
  absl::StatusOr<std::shared_ptr<const ClientCaBundle>> bundle =
      ClientCaBundle::Parse(ca_->cert_pem() + second->cert_pem(), "ca.pem");
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ((*bundle)->size(), 2u);
  EXPECT_TRUE(Contains(MessageOf(ClientCaBundle::Parse(client_.cert_pem, "ca.pem").status()),
                       "ca.pem: certificate 1 is not a CA certificate"));
  const std::string with_key = ca_->cert_pem() + client_.key_pem;
  EXPECT_TRUE(Contains(MessageOf(ClientCaBundle::Parse(with_key, "ca.pem").status()),
                       "ca.pem: PEM block 2 is not a CERTIFICATE"));
  EXPECT_TRUE(Contains(MessageOf(ClientCaBundle::Parse("", "ca.pem").status()), "no PEM"));
}

TEST_F(ClientAuthTest, CertificateCheckCoversChainDatesAndPurpose) {
  absl::StatusOr<std::shared_ptr<const ClientCaBundle>> bundle =
      ClientCaBundle::Parse(ca_->cert_pem(), "ca.pem");
  ASSERT_TRUE(bundle.ok());
  ClientCertificateCheck check = CheckClientCertificate(**bundle, client_.cert_pem, "", now_ms_);
  EXPECT_TRUE(check.trusted) << check.reason;
  EXPECT_EQ(check.common_name, "ops-1");
  EXPECT_EQ(check.organizational_units, std::vector<std::string>{"operator"});
  EXPECT_GT(check.valid_until_ms, now_ms_ + kDayMs / 2);
  EXPECT_LE(check.valid_until_ms, now_ms_ + kDayMs);

  check = CheckClientCertificate(**bundle, client_.cert_pem, "", now_ms_ + 2 * kDayMs);
  EXPECT_FALSE(check.trusted);
  EXPECT_EQ(check.reason, "certificate has expired");
  EXPECT_EQ(check.common_name, "ops-1");

  absl::StatusOr<KeyAndCert> server = ca_->IssueServer();
  ASSERT_TRUE(server.ok());
  check = CheckClientCertificate(**bundle, server->cert_pem, "", now_ms_);
  EXPECT_FALSE(check.trusted);
  EXPECT_EQ(check.reason, "certificate is not for TLS client authentication");

  check = CheckClientCertificate(**bundle, "garbage", "", now_ms_);
  EXPECT_FALSE(check.trusted);
  EXPECT_EQ(check.reason, "client certificate cannot be parsed");
}

TEST_F(ClientAuthTest, CachedVerificationEndsWhenTheCertificateExpires) {
  std::shared_ptr<ClientAuthenticator> auth = Create();
  ASSERT_NE(auth, nullptr);
  ClientAuthenticator::Result result = auth->Authorize(client_.cert_pem, "", kValidate);
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.caller.client, "ops-1");
  EXPECT_EQ(result.caller.role, "operator");
  EXPECT_TRUE(result.caller.authenticated);
  EXPECT_TRUE(auth->Authorize(client_.cert_pem, "", kValidate).status.ok());  // cached

  now_ms_ += 2 * kDayMs;
  result = auth->Authorize(client_.cert_pem, "", kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(denials_.size(), 1u);
  EXPECT_EQ(denials_[0].client, "ops-1");
  EXPECT_EQ(denials_[0].at_ms, now_ms_);
  EXPECT_EQ(denials_[0].reason, "certificate has expired");
}

TEST_F(ClientAuthTest, FilesAreCheckedAtMostOncePerInterval) {
  std::shared_ptr<ClientAuthenticator> auth = Create();
  ASSERT_NE(auth, nullptr);
  ASSERT_TRUE(auth->Authorize(client_.cert_pem, "", kValidate).status.ok());
  Write("policy.json", R"({"roles": {"operator": {"rpcs": ["zorgbrug.v1.Destinations/*"]}}})");
  now_ms_ += 999;
  EXPECT_TRUE(auth->Authorize(client_.cert_pem, "", kValidate).status.ok());
  now_ms_ += 1;
  ClientAuthenticator::Result result = auth->Authorize(client_.cert_pem, "", kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(result.status.error_message(),
            "role \"operator\" may not call /zorgbrug.v1.Validation/Validate");
}

TEST_F(ClientAuthTest, HealthNeedsAVerifiedCertificateButNoRole) {
  std::shared_ptr<ClientAuthenticator> auth = Create();
  ASSERT_NE(auth, nullptr);
  absl::StatusOr<KeyAndCert> no_role = ca_->IssueClient("probe", "");
  ASSERT_TRUE(no_role.ok());
  const char* health = "/grpc.health.v1.Health/Check";
  ClientAuthenticator::Result result = auth->Authorize(no_role->cert_pem, "", health);
  EXPECT_TRUE(result.status.ok());
  EXPECT_FALSE(result.caller.authenticated);  // no role: CallerOf stays anonymous
  EXPECT_EQ(auth->Authorize("", "", health).status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(auth->Authorize(no_role->cert_pem, "", kValidate).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace zorgbrug::gateway
