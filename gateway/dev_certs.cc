#include "gateway/dev_certs.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zorgbrug::gateway {
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
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

// An error naming `what` and the most recent OpenSSL error; clears OpenSSL's error queue.
absl::Status OpenSslError(std::string_view what) {
  unsigned long code = ERR_peek_last_error();
  char text[256] = "no OpenSSL error recorded";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(std::string(what), ": ", text));
}

// A PEM password callback that refuses: encrypted keys fail instead of prompting on a terminal.
int NoPassword(char*, int, int, void*) { return 0; }

absl::StatusOr<X509Ptr> ParseCertificate(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  if (!cert) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM certificate");
  }
  return cert;
}

absl::StatusOr<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size < 0) return OpenSslError("reading memory BIO");
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> CertificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return OpenSslError("writing certificate");
  return BioContents(bio.get());
}

absl::StatusOr<std::string> PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("writing private key");
  }
  return BioContents(bio.get());
}

// Adds extension `nid` with OpenSSL config syntax `value`, e.g. "critical,CA:TRUE".
absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(absl::StrCat("adding extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

// A v3 certificate for `subject_key` with a random 127-bit serial, validity [now - 5 min, now +
// days], subject CN=`common_name`, O=zorgbrug development, issuer `issuer` (itself when null).
absl::StatusOr<X509Ptr> NewCertificate(EVP_PKEY* subject_key, const std::string& common_name,
                                       X509* issuer, int days) {
  X509Ptr cert(X509_new());
  BnPtr serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return OpenSslError("creating certificate");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());
  const auto* org = reinterpret_cast<const unsigned char*>("zorgbrug development");
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, org, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) != 1) {
    return OpenSslError("setting certificate names");
  }
  return cert;
}

absl::StatusOr<KeyPtr> NewP256Key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generating EC P-256 key");
  return key;
}

absl::Status Sign(X509* cert, EVP_PKEY* issuer_key) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) return OpenSslError("signing certificate");
  return absl::OkStatus();
}

absl::StatusOr<X509Ptr> MakeCa(EVP_PKEY* ca_key, const DevCertOptions& options) {
  absl::StatusOr<X509Ptr> ca =
      NewCertificate(ca_key, options.ca_common_name, nullptr, options.valid_days);
  if (!ca.ok()) return ca.status();
  X509* c = ca->get();
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (absl::Status s = AddExtension(c, c, nid, value); !s.ok()) return s;
  }
  if (absl::Status s = Sign(c, ca_key); !s.ok()) return s;
  return ca;
}

std::string SanValue(const DevCertOptions& options) {
  std::vector<std::string> entries;
  for (const std::string& dns : options.dns_names) entries.push_back("DNS:" + dns);
  for (const std::string& ip : options.ip_addresses) entries.push_back("IP:" + ip);
  return absl::StrJoin(entries, ",");
}

absl::StatusOr<X509Ptr> MakeServerCertificate(EVP_PKEY* key, X509* ca, EVP_PKEY* ca_key,
                                              const DevCertOptions& options) {
  absl::StatusOr<X509Ptr> cert =
      NewCertificate(key, options.server_common_name, ca, options.valid_days);
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  for (auto [nid, value] : {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
                            std::pair{NID_key_usage, std::string("critical,digitalSignature")},
                            std::pair{NID_ext_key_usage, std::string("serverAuth")},
                            std::pair{NID_subject_key_identifier, std::string("hash")},
                            std::pair{NID_authority_key_identifier, std::string("keyid:always")},
                            std::pair{NID_subject_alt_name, SanValue(options)}}) {
    if (absl::Status s = AddExtension(c, ca, nid, value); !s.ok()) return s;
  }
  if (absl::Status s = Sign(c, ca_key); !s.ok()) return s;
  return cert;
}

std::string GeneralNameText(const GENERAL_NAME* name) {
  if (name->type == GEN_DNS) {
    const ASN1_STRING* s = name->d.dNSName;
    return absl::StrCat("DNS:", std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                            ASN1_STRING_length(s)));
  }
  if (name->type == GEN_IPADD) {
    const ASN1_OCTET_STRING* s = name->d.iPAddress;
    const int length = ASN1_STRING_length(s);
    char text[INET6_ADDRSTRLEN] = "";
    if (length == 4 || length == 16) {
      inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), text, sizeof text);
    }
    return absl::StrCat("IP:", text);
  }
  return "OTHER";
}

}  // namespace

absl::StatusOr<TlsMaterial> GenerateDevTlsMaterial(const DevCertOptions& options) {
  absl::StatusOr<KeyPtr> ca_key = NewP256Key();
  if (!ca_key.ok()) return ca_key.status();
  absl::StatusOr<X509Ptr> ca = MakeCa(ca_key->get(), options);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<KeyPtr> key = NewP256Key();
  if (!key.ok()) return key.status();
  absl::StatusOr<X509Ptr> cert =
      MakeServerCertificate(key->get(), ca->get(), ca_key->get(), options);
  if (!cert.ok()) return cert.status();

  absl::StatusOr<std::string> ca_pem = CertificatePem(ca->get());
  absl::StatusOr<std::string> cert_pem = CertificatePem(cert->get());
  absl::StatusOr<std::string> key_pem = PrivateKeyPem(key->get());
  if (!ca_pem.ok()) return ca_pem.status();
  if (!cert_pem.ok()) return cert_pem.status();
  if (!key_pem.ok()) return key_pem.status();
  return TlsMaterial{*std::move(ca_pem), *std::move(cert_pem), *std::move(key_pem)};
}

absl::Status VerifyServerCertificate(std::string_view cert_pem, std::string_view ca_pem,
                                     std::string_view host) {
  absl::StatusOr<X509Ptr> cert = ParseCertificate(cert_pem);
  absl::StatusOr<X509Ptr> ca = ParseCertificate(ca_pem);
  if (!cert.ok() || !ca.ok()) return absl::InvalidArgumentError("certificate or CA is not PEM");
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca->get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert->get(), nullptr) != 1) {
    return OpenSslError("preparing certificate verification");
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  const std::string host_text(host);
  const int set = X509_VERIFY_PARAM_set1_ip_asc(param, host_text.c_str()) == 1
                      ? 1
                      : X509_VERIFY_PARAM_set1_host(param, host_text.c_str(), host_text.size());
  ERR_clear_error();  // set1_ip_asc fails for DNS names, as intended
  if (set != 1) return absl::InvalidArgumentError(absl::StrCat("bad host name ", host_text));
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("certificate does not verify for ", host_text,
                                                   ": ", X509_verify_cert_error_string(error)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SubjectAltNames(std::string_view cert_pem) {
  absl::StatusOr<X509Ptr> cert = ParseCertificate(cert_pem);
  if (!cert.ok()) return cert.status();
  NamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert->get(), NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    out.push_back(GeneralNameText(sk_GENERAL_NAME_value(names.get(), i)));
  }
  return out;
}

absl::Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem) {
  absl::StatusOr<X509Ptr> cert = ParseCertificate(cert_pem);
  if (!cert.ok()) return cert.status();
  BioPtr bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  if (!key) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM private key");
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("private key does not belong to the certificate");
  }
  return absl::OkStatus();
}

}  // namespace zorgbrug::gateway
