// Mutual TLS with roles (issue #9): a real gRPC server on 127.0.0.1 port 0 with the gateway's
// credentials (gateway/server_credentials.h) and a generic service that counts handler runs, so
// that each refusal is shown to run no handler. Certificates are made per test (test_pki.h).

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/caller.h"
#include "gateway/files.h"
#include "gateway/server_credentials.h"
#include "tests/gateway/grpc_probe.h"
#include "tests/gateway/test_pki.h"

namespace zorgbrug::gateway {
namespace {

using ::zorgbrug::testing::KeyAndCert;
using ::zorgbrug::testing::TestCa;
using ::zorgbrug::testing::Validity;
using Clock = std::chrono::steady_clock;

constexpr char kValidate[] = "/zorgbrug.v1.Validation/Validate";
constexpr char kListDeadLetters[] = "/zorgbrug.v1.Destinations/ListDeadLetters";
constexpr char kTestPolicy[] = R"({"roles": {
    "epd-vendor": {"rpcs": ["zorgbrug.v1.Validation/*"], "destinations": ["epd"]},
    "operator": {"rpcs": ["*"], "destinations": ["*"]}}})";
constexpr auto kReloadDeadline = std::chrono::seconds(30);

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

// Answers every method with "<client>/<role>" as CallerOf sees it, and counts the handler runs.
class CountingService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    calls_.fetch_add(1);
    const Caller caller = CallerOf(*ctx);
    return new Reactor(caller.client + "/" + caller.role);
  }
  int calls() const { return calls_.load(); }

 private:
  class Reactor final : public grpc::ServerGenericBidiReactor {
   public:
    explicit Reactor(const std::string& answer) : response_(ToBuffer(answer)) {
      StartRead(&request_);
    }
    void OnReadDone(bool) override {
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
    void OnDone() override { delete this; }

   private:
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_;
  };
  std::atomic<int> calls_{0};
};

struct CallResult {
  grpc::Status status;
  std::string body;         // the service's answer on OK
  std::string server_cert;  // the certificate the server presented on this connection
};

// Calls `method` with an empty request and waits for the answer.
CallResult Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const grpc::ByteBuffer request = ToBuffer("");
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  CallResult result;
  result.status = done.get_future().get();
  if (result.status.ok()) result.body = FromBuffer(response);
  if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context()) {
    std::vector<grpc::string_ref> certs = auth->FindPropertyValues("x509_pem_cert");
    if (!certs.empty()) result.server_cert.assign(certs.front().data(), certs.front().size());
  }
  return result;
}

// Repeats `attempt` until it returns true or the reload deadline passes; returns the last result.
bool Eventually(const std::function<bool()>& attempt) {
  const Clock::time_point deadline = Clock::now() + kReloadDeadline;
  while (!attempt()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

template <typename T>
T Ok(absl::StatusOr<T> value) {
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *std::move(value) : T{};
}

class MtlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "mtls-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    absl::StatusOr<TestCa> ca = TestCa::Create("zorgbrug test CA");
    absl::StatusOr<TestCa> other = TestCa::Create("another CA");
    ASSERT_TRUE(ca.ok() && other.ok());
    ca_.emplace(*std::move(ca));
    other_ca_.emplace(*std::move(other));
    server_pair_ = Ok(ca_->IssueServer());
    Write("server.crt", server_pair_.cert_pem);
    Write("server.key", server_pair_.key_pem);
    Write("client-ca.pem", ca_->cert_pem());
    Write("policy.json", kTestPolicy);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    std::filesystem::remove_all(dir_);
  }

  // Replaces the file `name` of the test directory by rename.
  void Write(const std::string& name, const std::string& contents) {
    ASSERT_TRUE(WriteFileAtomically(dir_ / name, contents, 0600).ok()) << name;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  ServerTlsOptions Options() {
    ServerTlsOptions options;
    options.cert_file = Path("server.crt");
    options.key_file = Path("server.key");
    options.client_ca_file = Path("client-ca.pem");
    options.policy_file = Path("policy.json");
    options.refresh_seconds = 1;
    options.on_denied = [this](const AccessDecision& decision) {
      std::lock_guard<std::mutex> lock(mu_);
      denials_.push_back(decision);
    };
    return options;
  }

  void StartServer(const ServerTlsOptions& options) {
    absl::StatusOr<ServerTls> tls = MakeServerTls(options);
    ASSERT_TRUE(tls.ok()) << tls.status();
    authenticator_ = tls->authenticator;
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", tls->credentials, &port);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr && port != 0);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void StartServer() { StartServer(Options()); }

  // A new channel (its own connection) presenting `client` (none when null), trusting `roots`
  // (default: the test CA).
  std::shared_ptr<grpc::Channel> Channel(const KeyAndCert* client, std::string roots = "") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = roots.empty() ? ca_->cert_pem() : roots;
    if (client != nullptr) {
      ssl.pem_private_key = client->key_pem;
      ssl.pem_cert_chain = client->cert_pem;
    }
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address_, grpc::SslCredentials(ssl), args);
  }

  std::vector<AccessDecision> Denials() {
    std::lock_guard<std::mutex> lock(mu_);
    return denials_;
  }

  // Expects exactly one audited denial, of `method`, by `client` with `role`, for a reason
  // containing `reason`.
  void ExpectOneDenial(const std::string& method, const std::string& client,
                       const std::string& role, const std::string& reason) {
    std::vector<AccessDecision> denials = Denials();
    ASSERT_EQ(denials.size(), 1u);
    EXPECT_EQ(denials[0].method, method);
    EXPECT_EQ(denials[0].client, client);
    EXPECT_EQ(denials[0].role, role);
    EXPECT_EQ(denials[0].outcome, "denied");
    EXPECT_NE(denials[0].reason.find(reason), std::string::npos) << denials[0].reason;
    EXPECT_GT(denials[0].at_ms, 0);
  }

  std::filesystem::path dir_;
  std::optional<TestCa> ca_;
  std::optional<TestCa> other_ca_;
  KeyAndCert server_pair_;
  CountingService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<ClientAuthenticator> authenticator_;
  std::string address_;
  std::mutex mu_;
  std::vector<AccessDecision> denials_;
};

TEST_F(MtlsTest, NoCertificateIsUnauthenticatedAuditedAndRunsNoHandler) {
  StartServer();
  CallResult result = Call(Channel(nullptr), kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "a client certificate is required");
  EXPECT_EQ(service_.calls(), 0);
  ExpectOneDenial(kValidate, "unknown", "", "no client certificate");
}

TEST_F(MtlsTest, CertificateOfAnotherCaIsUnauthenticated) {
  StartServer();
  KeyAndCert intruder = Ok(other_ca_->IssueClient("intruder", "operator"));
  CallResult result = Call(Channel(&intruder), kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(result.status.error_message().find("not issued by a trusted CA"), std::string::npos)
      << result.status.error_message();
  EXPECT_EQ(result.status.error_message().find("intruder"), std::string::npos);
  EXPECT_EQ(service_.calls(), 0);
  ExpectOneDenial(kValidate, "unknown", "", "not issued by a trusted CA");
}

TEST_F(MtlsTest, ExpiredCertificateIsUnauthenticated) {
  StartServer();
  const Validity last_week{-7 * 24 * 3600, -24 * 3600};
  KeyAndCert expired = Ok(ca_->IssueClient("epd-old", "epd-vendor", last_week));
  CallResult result = Call(Channel(&expired), kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "client certificate refused: certificate has expired");
  EXPECT_EQ(service_.calls(), 0);
  // The signature verified, so the audit names the client whose certificate expired.
  ExpectOneDenial(kValidate, "epd-old", "", "certificate has expired");
}

TEST_F(MtlsTest, NotYetValidCertificateIsUnauthenticated) {
  StartServer();
  KeyAndCert future = Ok(ca_->IssueClient("epd-new", "epd-vendor", {3600, 7200}));
  CallResult result = Call(Channel(&future), kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service_.calls(), 0);
  ExpectOneDenial(kValidate, "epd-new", "", "not yet valid");
}

TEST_F(MtlsTest, WrongRoleIsPermissionDeniedNamingRoleAndMethod) {
  StartServer();
  KeyAndCert vendor = Ok(ca_->IssueClient("epd-1", "epd-vendor"));
  CallResult result = Call(Channel(&vendor), kListDeadLetters);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(result.status.error_message(),
            "role \"epd-vendor\" may not call /zorgbrug.v1.Destinations/ListDeadLetters");
  EXPECT_EQ(service_.calls(), 0);
  ExpectOneDenial(kListDeadLetters, "epd-1", "epd-vendor", "method not allowed for the role");
}

TEST_F(MtlsTest, MissingOrUnlistedRoleIsPermissionDenied) {
  StartServer();
  KeyAndCert no_role = Ok(ca_->IssueClient("nobody", ""));
  KeyAndCert platform = Ok(ca_->IssueClient("platform-1", "regional-platform"));  // not listed
  EXPECT_EQ(Call(Channel(&no_role), kValidate).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  CallResult result = Call(Channel(&platform), kValidate);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(result.status.error_message().find("\"regional-platform\" is not in the access policy"),
            std::string::npos)
      << result.status.error_message();
  EXPECT_EQ(service_.calls(), 0);
  EXPECT_EQ(Denials().size(), 2u);
}

TEST_F(MtlsTest, AllowedRoleReachesTheHandlerWhichSeesTheCaller) {
  StartServer();
  KeyAndCert vendor = Ok(ca_->IssueClient("epd-1", "epd-vendor"));
  KeyAndCert op = Ok(ca_->IssueClient("ops-1", "operator"));
  std::shared_ptr<grpc::Channel> vendor_channel = Channel(&vendor);
  for (int i = 0; i < 3; ++i) {  // later calls on the connection see the same caller
    CallResult result = Call(vendor_channel, kValidate);
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    EXPECT_EQ(result.body, "epd-1/epd-vendor");
  }
  CallResult result = Call(Channel(&op), kListDeadLetters);
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.body, "ops-1/operator");
  EXPECT_EQ(service_.calls(), 4);
  EXPECT_TRUE(Denials().empty());
  EXPECT_TRUE(authenticator_->MayConsume({"epd-1", "epd-vendor", true}, "epd"));
  EXPECT_FALSE(authenticator_->MayConsume({"epd-1", "epd-vendor", true}, "bihr"));
  EXPECT_TRUE(authenticator_->MayConsume({"ops-1", "operator", true}, "bihr"));
  EXPECT_FALSE(authenticator_->MayConsume(Caller{}, "epd"));
}

TEST_F(MtlsTest, HealthIsAllowedToEveryVerifiedClientOnly) {
  StartServer();
  KeyAndCert destination = Ok(ca_->IssueClient("bihr-1", "bihr-destination"));  // not listed
  absl::StatusOr<int> health =
      testing::CheckHealth(*Channel(&destination), "", std::chrono::seconds(10));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, testing::kServing);
  health = testing::CheckHealth(*Channel(nullptr), "", std::chrono::seconds(10));
  EXPECT_EQ(health.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Denials().size(), 1u);
}

TEST_F(MtlsTest, PolicyAndCaEditsTakeEffectWithoutRestart) {
  StartServer();
  KeyAndCert vendor = Ok(ca_->IssueClient("epd-1", "epd-vendor"));
  ASSERT_EQ(Call(Channel(&vendor), kListDeadLetters).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  Write("policy.json", R"({"roles": {"epd-vendor": {"rpcs": ["zorgbrug.v1.Destinations/*"]}}})");
  std::shared_ptr<grpc::Channel> channel = Channel(&vendor);  // the established connection too
  EXPECT_TRUE(Eventually([&] { return Call(channel, kListDeadLetters).status.ok(); }));
  EXPECT_EQ(Call(channel, kValidate).status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Broken files keep the previous good versions in force.
  Write("policy.json", R"({"roles": {"epd-vendor": {"rpcs": ["zorgbrug.v1.Destinations/*"]}},)");
  Write("client-ca.pem", "not a certificate");
  authenticator_->CheckForChanges();
  EXPECT_TRUE(Call(channel, kListDeadLetters).status.ok());
  EXPECT_TRUE(Call(Channel(&vendor), kListDeadLetters).status.ok());

  // A CA bundle without the test CA refuses its clients, on established connections too.
  Write("client-ca.pem", other_ca_->cert_pem());
  EXPECT_TRUE(Eventually([&] {
    return Call(channel, kListDeadLetters).status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  }));
}

TEST_F(MtlsTest, StartFailsNamingABrokenFile) {
  Write("policy.json", R"({"roles": {"operator": {"rpc": ["*"]}}})");
  absl::StatusOr<ServerTls> tls = MakeServerTls(Options());
  ASSERT_FALSE(tls.ok());
  EXPECT_NE(tls.status().message().find(Path("policy.json") + ": $.roles.operator.rpc"),
            std::string::npos)
      << tls.status();
  Write("policy.json", kTestPolicy);
  ServerTlsOptions mismatched = Options();
  mismatched.key_file = Path("other.key");
  Write("other.key", Ok(ca_->IssueServer()).key_pem);
  tls = MakeServerTls(mismatched);
  ASSERT_FALSE(tls.ok());
  EXPECT_NE(tls.status().message().find("does not belong"), std::string::npos) << tls.status();
}

// The server certificate moves to a new CA and clients move to certificates of a new client CA
// while a client calls without pause: no call fails, and new connections get the new server
// certificate. The server certificate and key are one file, so one rename replaces the pair.
TEST_F(MtlsTest, CertificateRotationFailsNoCall) {
  absl::StatusOr<TestCa> created = TestCa::Create("zorgbrug test CA 2");
  ASSERT_TRUE(created.ok());
  const TestCa& new_ca = *created;
  const KeyAndCert new_server = Ok(new_ca.IssueServer());
  const KeyAndCert old_client = Ok(ca_->IssueClient("ops-1", "operator"));
  const KeyAndCert new_client = Ok(new_ca.IssueClient("ops-1", "operator"));
  const std::string both_cas = ca_->cert_pem() + new_ca.cert_pem();
  Write("server.pem", server_pair_.Combined());
  ServerTlsOptions options = Options();
  options.cert_file = options.key_file = Path("server.pem");
  StartServer(options);

  std::atomic<bool> use_new_client{false};
  std::atomic<bool> stop{false};
  std::atomic<int> ok_calls{0};
  std::atomic<int> failed_calls{0};
  std::string first_failure;
  std::thread client([&] {
    for (int i = 0; !stop.load(); ++i) {  // a new connection every 10 calls
      const bool fresh = use_new_client.load();
      std::shared_ptr<grpc::Channel> channel = Channel(fresh ? &new_client : &old_client, both_cas);
      for (int j = 0; j < 10 && !stop.load() && fresh == use_new_client.load(); ++j) {
        CallResult result = Call(channel, kListDeadLetters);
        if (result.status.ok()) {
          ok_calls.fetch_add(1);
        } else if (failed_calls.fetch_add(1) == 0) {
          first_failure = result.status.error_message();
        }
      }
    }
  });
  auto calls_go_on = [&] {
    const int before = ok_calls.load();
    return Eventually([&] { return ok_calls.load() >= before + 20; });
  };
  EXPECT_TRUE(calls_go_on());

  // 1. The client CA bundle gains the new CA: certificates of both CAs are accepted.
  Write("client-ca.pem", both_cas);
  EXPECT_TRUE(
      Eventually([&] { return Call(Channel(&new_client, both_cas), kValidate).status.ok(); }));
  // 2. The server certificate is replaced: new connections get it.
  Write("server.pem", new_server.Combined());
  EXPECT_TRUE(Eventually([&] {
    CallResult result = Call(Channel(&old_client, both_cas), kValidate);
    return result.status.ok() && result.server_cert == new_server.cert_pem;
  }));
  EXPECT_TRUE(calls_go_on());
  // 3. The client moves to its new certificate; then the old CA is withdrawn.
  use_new_client.store(true);
  EXPECT_TRUE(calls_go_on());
  Write("client-ca.pem", new_ca.cert_pem());
  EXPECT_TRUE(Eventually([&] {
    return Call(Channel(&old_client, both_cas), kValidate).status.error_code() ==
           grpc::StatusCode::UNAUTHENTICATED;
  }));
  EXPECT_TRUE(calls_go_on());
  stop.store(true);
  client.join();
  EXPECT_EQ(failed_calls.load(), 0) << first_failure;
  EXPECT_GT(ok_calls.load(), 80);
}

}  // namespace
}  // namespace zorgbrug::gateway
