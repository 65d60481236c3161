#include "gateway/client_auth.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>

#include "absl/strings/str_cat.h"

namespace zorgbrug::gateway {
namespace {

// Bounds the verification cache; it is emptied when full.
constexpr size_t kMaxCachedCertificates = 4096;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// SHA-256 of the leaf and the chain (raw bytes), the key of the verification cache.
std::string CacheKey(std::string_view cert_pem, std::string_view chain_pem) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const unsigned char separator = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), cert_pem.data(), cert_pem.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), &separator, 1) != 1 ||
      EVP_DigestUpdate(ctx.get(), chain_pem.data(), chain_pem.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    // Without a digest, key by the content itself: correct, only larger.
    return absl::StrCat(std::string(cert_pem), std::string(1, '\0'), std::string(chain_pem));
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string FirstValue(const grpc::AuthContext& context, const char* name) {
  std::vector<grpc::string_ref> values = context.FindPropertyValues(name);
  return values.empty() ? std::string() : std::string(values.front().data(), values.front().size());
}

}  // namespace

ClientAuthenticator::ClientAuthenticator(ClientAuthOptions options) : options_(std::move(options)) {
  ca_file_.path = options_.client_ca_file;
  policy_file_.path = options_.policy_file;
}

absl::StatusOr<std::shared_ptr<ClientAuthenticator>> ClientAuthenticator::Create(
    ClientAuthOptions options) {
  if (options.client_ca_file.empty() || options.policy_file.empty()) {
    return absl::InvalidArgumentError("mutual TLS needs a client CA file and a policy file");
  }
  if (!options.now_ms) options.now_ms = WallClockMs;
  std::shared_ptr<ClientAuthenticator> auth(new ClientAuthenticator(std::move(options)));
  const FileStamp ca_stamp = Stamp(auth->ca_file_.path);
  const FileStamp policy_stamp = Stamp(auth->policy_file_.path);
  absl::StatusOr<std::shared_ptr<const ClientCaBundle>> bundle =
      ClientCaBundle::Load(auth->ca_file_.path);
  if (!bundle.ok()) return bundle.status();
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Load(auth->policy_file_.path);
  if (!policy.ok()) return policy.status();
  auth->ca_file_.seen = ca_stamp;
  auth->policy_file_.seen = policy_stamp;
  auth->bundle_ = *std::move(bundle);
  auth->policy_ = std::make_shared<const AccessPolicy>(*std::move(policy));
  auth->last_check_ms_ = auth->options_.now_ms();
  spdlog::info("mutual TLS: {} client CA certificates from {}, {} roles from {}",
               auth->bundle_->size(), auth->ca_file_.path, auth->policy_->roles().size(),
               auth->policy_file_.path);
  return auth;
}

grpc::Status ClientAuthenticator::Process(const InputMetadata& auth_metadata,
                                          grpc::AuthContext* context, OutputMetadata*,
                                          OutputMetadata*) {
  std::string method = "unknown";
  if (auto path = auth_metadata.find(":path"); path != auth_metadata.end()) {
    method.assign(path->second.data(), path->second.size());
  }
  std::string cert;
  std::string chain;
  if (context != nullptr) {
    std::lock_guard<std::mutex> lock(context_mu_);
    cert = FirstValue(*context, GRPC_X509_PEM_CERT_PROPERTY_NAME);
    chain = FirstValue(*context, GRPC_X509_PEM_CERT_CHAIN_PROPERTY_NAME);
  }
  Result result = Authorize(cert, chain, method);
  if (!result.status.ok() || !result.caller.authenticated) return result.status;
  // The context belongs to the connection: the first allowed call records the caller, whose
  // certificate cannot change on that connection.
  std::lock_guard<std::mutex> lock(context_mu_);
  if (context->FindPropertyValues(std::string(kClientProperty)).empty()) {
    context->AddProperty(std::string(kClientProperty), result.caller.client);
    context->AddProperty(std::string(kRoleProperty), result.caller.role);
  }
  return grpc::Status::OK;
}

ClientAuthenticator::Result ClientAuthenticator::Authorize(std::string_view cert_pem,
                                                           std::string_view chain_pem,
                                                           std::string_view method) {
  const int64_t now = options_.now_ms();
  MaybeCheckForChanges(now);
  if (cert_pem.empty()) {
    return Deny(grpc::StatusCode::UNAUTHENTICATED, "unknown", "", method, "no client certificate",
                "a client certificate is required", now);
  }
  ClientCertificateCheck check = Check(cert_pem, chain_pem, now);
  if (!check.trusted) {
    std::string client = check.common_name.empty() ? "unknown" : check.common_name;
    return Deny(grpc::StatusCode::UNAUTHENTICATED, std::move(client), "", method, check.reason,
                absl::StrCat("client certificate refused: ", check.reason), now);
  }
  const std::string& client = check.common_name;
  const std::vector<std::string>& roles = check.organizational_units;
  Result result;
  if (roles.size() == 1) result.caller = Caller{client, roles.front(), true};
  if (IsAlwaysAllowed(method)) return result;
  const std::string what = absl::StrCat(" may not call ", std::string(method));
  if (roles.size() != 1) {
    std::string reason =
        roles.empty() ? "certificate names no role" : "certificate names several roles";
    return Deny(grpc::StatusCode::PERMISSION_DENIED, client, "", method, reason,
                absl::StrCat("client \"", client, "\": ", reason, "; it", what), now);
  }
  const std::string& role = roles.front();
  std::shared_ptr<const AccessPolicy> current = policy();
  if (!current->HasRole(role)) {
    return Deny(grpc::StatusCode::PERMISSION_DENIED, client, role, method,
                "role not in the access policy",
                absl::StrCat("role \"", role, "\" is not in the access policy and", what), now);
  }
  if (!current->MayCall(role, method)) {
    return Deny(grpc::StatusCode::PERMISSION_DENIED, client, role, method,
                "method not allowed for the role", absl::StrCat("role \"", role, "\"", what), now);
  }
  return result;
}

ClientAuthenticator::Result ClientAuthenticator::Deny(grpc::StatusCode code, std::string client,
                                                      std::string role, std::string_view method,
                                                      std::string reason, std::string message,
                                                      int64_t now_ms) {
  spdlog::debug("refused {} for client {} (role {}): {}", method, client, role, reason);
  if (options_.on_denied) {
    AccessDecision decision;
    decision.client = std::move(client);
    decision.role = std::move(role);
    decision.method = std::string(method);
    decision.reason = std::move(reason);
    decision.at_ms = now_ms;
    options_.on_denied(decision);
  }
  return Result{grpc::Status(code, std::move(message)), Caller{}};
}

ClientCertificateCheck ClientAuthenticator::Check(std::string_view cert_pem,
                                                  std::string_view chain_pem, int64_t now_ms) {
  const std::string key = CacheKey(cert_pem, chain_pem);
  std::shared_ptr<const ClientCaBundle> bundle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && now_ms < it->second.valid_until_ms) return it->second;
    bundle = bundle_;
  }
  ClientCertificateCheck check = CheckClientCertificate(*bundle, cert_pem, chain_pem, now_ms);
  std::lock_guard<std::mutex> lock(mu_);
  if (bundle == bundle_) {  // else a reload happened meanwhile: do not cache a stale outcome
    if (cache_.size() >= kMaxCachedCertificates) cache_.clear();
    cache_[key] = check;
  }
  return check;
}

bool ClientAuthenticator::MayConsume(const Caller& caller, std::string_view destination) const {
  return caller.authenticated && policy()->MayConsume(caller.role, destination);
}

std::shared_ptr<const AccessPolicy> ClientAuthenticator::policy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_;
}

ClientAuthenticator::FileStamp ClientAuthenticator::Stamp(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return FileStamp{};
  return FileStamp{int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                   static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino)};
}

void ClientAuthenticator::MaybeCheckForChanges(int64_t now_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now_ms - last_check_ms_ < options_.reload_check_ms) return;
    last_check_ms_ = now_ms;
  }
  CheckForChanges();
}

void ClientAuthenticator::CheckForChanges() {
  std::lock_guard<std::mutex> reload(reload_mu_);
  ReloadChanged();
}

void ClientAuthenticator::ReloadChanged() {
  std::shared_ptr<const ClientCaBundle> bundle;
  std::shared_ptr<const AccessPolicy> policy;
  if (const FileStamp stamp = Stamp(ca_file_.path); !(stamp == ca_file_.seen)) {
    ca_file_.seen = stamp;
    absl::StatusOr<std::shared_ptr<const ClientCaBundle>> loaded =
        ClientCaBundle::Load(ca_file_.path);
    if (loaded.ok()) {
      bundle = *std::move(loaded);
      spdlog::info("client CA bundle {} reloaded: {} CA certificates", ca_file_.path,
                   bundle->size());
    } else {
      spdlog::warn("client CA bundle changed but does not load; the previous one stays: {}",
                   loaded.status().ToString());
    }
  }
  if (const FileStamp stamp = Stamp(policy_file_.path); !(stamp == policy_file_.seen)) {
    policy_file_.seen = stamp;
    absl::StatusOr<AccessPolicy> loaded = AccessPolicy::Load(policy_file_.path);
    if (loaded.ok()) {
      policy = std::make_shared<const AccessPolicy>(*std::move(loaded));
      spdlog::info("access policy {} reloaded: {} roles", policy_file_.path,
                   policy->roles().size());
    } else {
      spdlog::warn("access policy changed but does not load; the previous one stays: {}",
                   loaded.status().ToString());
    }
  }
  if (!bundle && !policy) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (bundle) bundle_ = std::move(bundle);
  if (policy) policy_ = std::move(policy);
  cache_.clear();
}

}  // namespace zorgbrug::gateway
