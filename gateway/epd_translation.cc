#include "gateway/epd_translation.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <vector>

#include "adapters/epd/epd.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"
#include "fhir/validation/validator.h"
#include "gateway/error_table.h"
#include "gateway/rpc_util.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {
namespace {

using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;

adapters::epd::MappingContext Context(const std::string& base,
                                      const EpdTranslationOptions& options) {
  adapters::epd::MappingContext context;
  context.new_uuid = options.new_uuid;
  context.local_key_system_base = base;
  return context;
}

template <typename Response>
TranslationResult<Response> Finish(const std::vector<Issue>& issues, Response response) {
  TranslationResult<Response> result;
  FillIssues(issues, *response.mutable_issues(), *response.mutable_counts(),
             *response.mutable_operation_outcome_json());
  result.response = std::move(response);
  if (const Issue* decisive = DecisiveIssue(issues)) result.rejection = *decisive;
  return result;
}

}  // namespace

TranslationResult<v1::ToFhirResponse> TranslateToFhir(const v1::ToFhirRequest& request,
                                                      const EpdTranslationOptions& options) {
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return Finish<v1::ToFhirResponse>({*problem}, {});
  }
  fhir::IssueCollector mapping;
  fhir::json::Document bundle = adapters::epd::ToFhir(
      request.record(), Context(request.local_key_system_base(), options), mapping);
  if (mapping.HasErrors()) return Finish<v1::ToFhirResponse>(mapping.issues(), {});
  fhir::IssueCollector validation;
  fhir::validation::ValidationOptions validate;
  validate.now = options.now;
  fhir::validation::Validate(bundle.root(), validate, validation);
  std::vector<Issue> issues = mapping.issues();
  for (const Issue& issue : validation.issues()) {
    Issue emitted = issue;
    // The mapping promises valid FHIR: an error here is the gateway's fault, not the caller's.
    if (emitted.severity == Severity::kError) emitted.type = IssueType::kException;
    issues.push_back(std::move(emitted));
  }
  v1::ToFhirResponse response;
  response.set_bundle_json(fhir::json::Write(bundle.root()));
  return Finish(issues, std::move(response));
}

TranslationResult<v1::FromFhirResponse> TranslateFromFhir(const v1::FromFhirRequest& request,
                                                          const EpdTranslationOptions& options) {
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return Finish<v1::FromFhirResponse>({*problem}, {});
  }
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> fhir =
      fhir::ParseResource(request.fhir_json(), options.limits, issues);
  if (!fhir) return Finish<v1::FromFhirResponse>(issues.issues(), {});
  v1::FromFhirResponse response;
  *response.mutable_record() = adapters::epd::FromFhir(
      fhir->root(), Context(request.local_key_system_base(), options), issues);
  return Finish(issues.issues(), std::move(response));
}

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // OpenSSL's generator failing is an environment fault the process cannot work around.
    std::abort();
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace zorgbrug::gateway
