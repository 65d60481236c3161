#include "gateway/translation.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "fhir/validation/validator.h"
#include "gateway/error_table.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {

std::optional<fhir::Issue> Rejection(std::span<const fhir::Issue> issues, bool content) {
  const fhir::Issue* decisive = DecisiveIssue(issues);
  if (decisive == nullptr) return std::nullopt;
  fhir::Issue rejection = *decisive;
  if (content && MappingFor(rejection.type).grpc_code != grpc::StatusCode::INVALID_ARGUMENT) {
    rejection.type = fhir::IssueType::kInvalid;
  }
  return rejection;
}

void ValidateEmitted(const fhir::json::Value& bundle, const TranslationOptions& options,
                     std::vector<fhir::Issue>& issues) {
  fhir::IssueCollector validation;
  fhir::validation::ValidationOptions validate;
  validate.now = options.now;
  fhir::validation::Validate(bundle, validate, validation);
  for (const fhir::Issue& issue : validation.issues()) {
    fhir::Issue emitted = issue;
    // The mappings promise valid FHIR: an error here is the gateway's fault, not the caller's.
    if (emitted.severity == fhir::Severity::kError) emitted.type = fhir::IssueType::kException;
    issues.push_back(std::move(emitted));
  }
}

adapters::common::MappingContext MappingContextFor(const std::string& local_key_system_base,
                                                   const TranslationOptions& options) {
  adapters::common::MappingContext context;
  context.new_uuid = options.new_uuid;
  context.local_key_system_base = local_key_system_base;
  return context;
}

TranslationOptions ForCall(TranslationOptions options) {
  options.new_uuid = NewUuid;
  options.now = CurrentInstant();
  return options;
}

namespace {

// RFC 4122 text of 16 bytes, with the version nibble and the variant bits set.
std::string FormatUuid(std::array<unsigned char, 16> b, int version) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // OpenSSL's generator failing is an environment fault the process cannot work around.
    std::abort();
  }
  return FormatUuid(b, 4);
}

std::string DerivedUuid(std::string_view name) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  std::array<unsigned char, 16> b{};
  std::copy(digest, digest + b.size(), b.begin());
  return FormatUuid(b, 8);
}

}  // namespace zorgbrug::gateway
