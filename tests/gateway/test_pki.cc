#include "tests/gateway/test_pki.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace zorgbrug::testing {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

absl::Status OpenSslError(std::string_view what) {
  char text[256] = "no OpenSSL error recorded";
  if (unsigned long code = ERR_peek_last_error(); code != 0) {
    ERR_error_string_n(code, text, sizeof text);
  }
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(std::string(what), ": ", text));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

absl::StatusOr<KeyAndCert> ToPem(X509* cert, EVP_PKEY* key) {
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("writing PEM");
  }
  return KeyAndCert{BioText(cert_bio.get()), BioText(key_bio.get())};
}

// Adds extension `nid` with OpenSSL config syntax `value`.
absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("adding extension");
  return absl::OkStatus();
}

struct Name {
  std::string common_name;
  std::string unit;  // OU; none when empty
};

// A signed v3 certificate for `key` named `name`, issued by `issuer` (itself when null) with
// `issuer_key`, carrying `extensions` (nid, value).
absl::StatusOr<X509Ptr> MakeCertificate(
    EVP_PKEY* key, const Name& name, Validity validity, X509* issuer, EVP_PKEY* issuer_key,
    const std::vector<std::pair<int, std::string>>& extensions) {
  X509Ptr cert(X509_new());
  BnPtr serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), validity.not_before_s) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity.not_after_s) ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError("creating certificate");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  auto add = [subject](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if (!add("O", "zorgbrug tests") || (!name.unit.empty() && !add("OU", name.unit)) ||
      !add("CN", name.common_name) ||
      X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject) != 1) {
    return OpenSslError("setting names");
  }
  for (const auto& [nid, value] : extensions) {
    if (absl::Status s = AddExtension(cert.get(), issuer ? issuer : cert.get(), nid, value);
        !s.ok()) {
      return s;
    }
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return OpenSslError("signing");
  return cert;
}

absl::StatusOr<std::pair<X509Ptr, KeyPtr>> ParsePair(const KeyAndCert& pem) {
  BioPtr cert_bio(BIO_new_mem_buf(pem.cert_pem.data(), static_cast<int>(pem.cert_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(pem.key_pem.data(), static_cast<int>(pem.key_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) return OpenSslError("reading the CA");
  return std::pair{std::move(cert), std::move(key)};
}

absl::StatusOr<KeyAndCert> Issue(const KeyAndCert& ca, const Name& name, Validity validity,
                                 const std::vector<std::pair<int, std::string>>& extensions) {
  absl::StatusOr<std::pair<X509Ptr, KeyPtr>> issuer = ParsePair(ca);
  if (!issuer.ok()) return issuer.status();
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generating key");
  absl::StatusOr<X509Ptr> cert = MakeCertificate(key.get(), name, validity, issuer->first.get(),
                                                 issuer->second.get(), extensions);
  if (!cert.ok()) return cert.status();
  return ToPem(cert->get(), key.get());
}

}  // namespace

absl::StatusOr<TestCa> TestCa::Create(const std::string& common_name) {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generating key");
  absl::StatusOr<X509Ptr> cert =
      MakeCertificate(key.get(), {common_name, ""}, {-300, 30 * 24 * 3600}, nullptr, key.get(),
                      {{NID_basic_constraints, "critical,CA:TRUE"},
                       {NID_key_usage, "critical,keyCertSign,cRLSign"},
                       {NID_subject_key_identifier, "hash"}});
  if (!cert.ok()) return cert.status();
  absl::StatusOr<KeyAndCert> pem = ToPem(cert->get(), key.get());
  if (!pem.ok()) return pem.status();
  return TestCa(*std::move(pem));
}

absl::StatusOr<KeyAndCert> TestCa::IssueClient(const std::string& common_name,
                                               const std::string& role, Validity validity) const {
  return Issue(ca_, {common_name, role}, validity,
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "clientAuth"},
                {NID_authority_key_identifier, "keyid:always"}});
}

absl::StatusOr<KeyAndCert> TestCa::IssueServer() const {
  return Issue(ca_, {"localhost", ""}, {},
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "serverAuth"},
                {NID_authority_key_identifier, "keyid:always"},
                {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"}});
}

}  // namespace zorgbrug::testing
