#include "gateway/epd_translation.h"

#include <vector>

#include "adapters/epd/epd.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"

namespace zorgbrug::gateway {

using fhir::Issue;

TranslationResult<v1::ToFhirResponse> TranslateToFhir(const v1::ToFhirRequest& request,
                                                      const EpdTranslationOptions& options) {
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishByTable<v1::ToFhirResponse>({&*problem, 1}, {});
  }
  fhir::IssueCollector mapping;
  fhir::json::Document bundle = adapters::epd::ToFhir(
      request.record(), MappingContextFor(request.local_key_system_base(), options), mapping);
  if (mapping.HasErrors()) return FinishByTable<v1::ToFhirResponse>(mapping.issues(), {});
  std::vector<Issue> issues = mapping.issues();
  ValidateEmitted(bundle.root(), options, issues);
  v1::ToFhirResponse response;
  response.set_bundle_json(fhir::json::Write(bundle.root()));
  return FinishByTable(issues, std::move(response));
}

TranslationResult<v1::FromFhirResponse> TranslateFromFhir(const v1::FromFhirRequest& request,
                                                          const EpdTranslationOptions& options) {
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishByTable<v1::FromFhirResponse>({&*problem, 1}, {});
  }
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> fhir =
      fhir::ParseResource(request.fhir_json(), options.limits, issues);
  if (!fhir) return FinishByTable<v1::FromFhirResponse>(issues.issues(), {});
  v1::FromFhirResponse response;
  *response.mutable_record() = adapters::epd::FromFhir(
      fhir->root(), MappingContextFor(request.local_key_system_base(), options), issues);
  return FinishByTable(issues.issues(), std::move(response));
}

}  // namespace zorgbrug::gateway
