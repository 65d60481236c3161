#include "gateway/client_cert.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <limits>

#include "absl/strings/str_cat.h"
#include "gateway/files.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxBundleBytes = 1u << 20;
constexpr int64_t kUntrustedRecheckMs = 60'000;

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;

void FreeCertStack(STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }
using CertStackPtr = std::unique_ptr<STACK_OF(X509), Deleter<FreeCertStack>>;

void FreeChars(char* p) { OPENSSL_free(p); }
void FreeBytes(unsigned char* p) { OPENSSL_free(p); }

// A PEM password callback that refuses: nothing here is encrypted.
int NoPassword(char*, int, int, void*) { return 0; }

BioPtr MemoryBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// The certificates of `pem` in order; stops at the first block that is not a certificate.
CertStackPtr ReadCertificates(std::string_view pem) {
  CertStackPtr certs(sk_X509_new_null());
  BioPtr bio = MemoryBio(pem);
  while (certs && bio) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr));
    if (!cert || sk_X509_push(certs.get(), cert.get()) == 0) break;
    cert.release();
  }
  ERR_clear_error();
  return certs;
}

// ms since the Unix epoch of `time`; INT64_MAX when it cannot be read.
int64_t EpochMs(const ASN1_TIME* time) {
  struct tm tm = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    ERR_clear_error();
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// The UTF-8 values of the `nid` entries of `name`, control characters replaced by '?'.
std::vector<std::string> NameEntries(const X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    unsigned char* utf8 = nullptr;
    const int length =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    std::unique_ptr<unsigned char, Deleter<FreeBytes>> owned(utf8);
    if (length < 0) {
      ERR_clear_error();
      values.emplace_back("?");
      continue;
    }
    std::string value(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
    std::replace_if(
        value.begin(), value.end(), [](char c) { return c >= 0 && c < 0x20; }, '?');
    std::replace(value.begin(), value.end(), '\x7f', '?');
    values.push_back(std::move(value));
  }
  return values;
}

std::string ReasonFor(int error, int depth) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "certificate not issued by a trusted CA";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return depth == 0 ? "certificate has expired" : "issuing CA certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return depth == 0 ? "certificate is not yet valid"
                        : "issuing CA certificate is not yet valid";
    case X509_V_ERR_INVALID_PURPOSE:
      return "certificate is not for TLS client authentication";
    default:
      return absl::StrCat("certificate does not verify: ", X509_verify_cert_error_string(error));
  }
}

// Fills the identity fields of `check` from the verified chain of `ctx`.
void ReadVerifiedIdentity(X509_STORE_CTX* ctx, X509* leaf, ClientCertificateCheck& check) {
  std::vector<std::string> names = NameEntries(X509_get_subject_name(leaf), NID_commonName);
  if (names.size() != 1 || names.front().empty()) {
    check.reason = names.empty() ? "certificate subject has no CN" : "certificate has several CNs";
    return;
  }
  check.trusted = true;
  check.common_name = std::move(names.front());
  check.organizational_units = NameEntries(X509_get_subject_name(leaf), NID_organizationalUnitName);
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  check.valid_until_ms = std::numeric_limits<int64_t>::max();
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    check.valid_until_ms =
        std::min(check.valid_until_ms, EpochMs(X509_get0_notAfter(sk_X509_value(chain, i))));
  }
}

}  // namespace

struct ClientCaBundle::Store {
  ~Store() { X509_STORE_free(store); }
  X509_STORE* store = nullptr;
};

ClientCaBundle::ClientCaBundle(std::unique_ptr<Store> store, size_t size)
    : store_(std::move(store)), size_(size) {}

ClientCaBundle::~ClientCaBundle() = default;

absl::StatusOr<std::shared_ptr<const ClientCaBundle>> ClientCaBundle::Parse(
    std::string_view pem, std::string_view source) {
  auto fail = [source](std::string_view what) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": ", std::string(what)));
  };
  auto store = std::make_unique<Store>();
  store->store = X509_STORE_new();
  if (store->store == nullptr) return fail("cannot create a certificate store");
  BioPtr bio = MemoryBio(pem);
  size_t count = 0;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (!bio || PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) break;
    std::unique_ptr<char, Deleter<FreeChars>> owned_name(name), owned_header(header);
    std::unique_ptr<unsigned char, Deleter<FreeBytes>> owned_data(data);
    ++count;
    if (std::string_view(name) != PEM_STRING_X509) {
      return fail(absl::StrCat("PEM block ", count, " is not a CERTIFICATE"));
    }
    const unsigned char* cursor = data;
    X509Ptr cert(d2i_X509(nullptr, &cursor, length));
    if (!cert) return fail(absl::StrCat("certificate ", count, " cannot be parsed"));
    if (X509_check_ca(cert.get()) == 0) {
      return fail(absl::StrCat("certificate ", count, " is not a CA certificate"));
    }
    if (X509_STORE_add_cert(store->store, cert.get()) != 1) {
      return fail(absl::StrCat("certificate ", count, " cannot be added"));
    }
  }
  ERR_clear_error();  // PEM_read_bio reports the end of input as an error
  if (count == 0) return fail("no PEM certificate");
  return std::shared_ptr<const ClientCaBundle>(new ClientCaBundle(std::move(store), count));
}

absl::StatusOr<std::shared_ptr<const ClientCaBundle>> ClientCaBundle::Load(
    const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFileToString(path, kMaxBundleBytes);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(),
                        absl::StrCat("client CA bundle ", path, ": ", pem.status().message()));
  }
  return Parse(*pem, path);
}

ClientCertificateCheck CheckClientCertificate(const ClientCaBundle& bundle,
                                              std::string_view leaf_pem, std::string_view chain_pem,
                                              int64_t now_ms) {
  ClientCertificateCheck check;
  check.valid_until_ms = now_ms + kUntrustedRecheckMs;
  CertStackPtr leaf_stack = ReadCertificates(leaf_pem);
  if (!leaf_stack || sk_X509_num(leaf_stack.get()) == 0) {
    check.reason = "client certificate cannot be parsed";
    return check;
  }
  X509* leaf = sk_X509_value(leaf_stack.get(), 0);
  CertStackPtr chain = ReadCertificates(chain_pem);
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), bundle.store_->store, leaf, chain.get()) != 1) {
    ERR_clear_error();
    check.reason = "certificate verification could not start";
    return check;
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now_ms / 1000));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    ERR_clear_error();
    check.reason = ReasonFor(error, depth);
    const bool dates_only =
        error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID;
    if (depth == 0 && dates_only) {
      std::vector<std::string> names = NameEntries(X509_get_subject_name(leaf), NID_commonName);
      if (names.size() == 1) check.common_name = std::move(names.front());
    }
    return check;
  }
  ReadVerifiedIdentity(ctx.get(), leaf, check);
  return check;
}

}  // namespace zorgbrug::gateway
