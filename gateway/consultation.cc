#include "gateway/consultation.h"

#include <utility>
#include <vector>

#include "adapters/consultation/consultation.h"
#include "adapters/consultation/rules.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"

namespace zorgbrug::gateway {

using fhir::Issue;

TranslationResult<v1::ConsultationToFhirResponse> ConsultationToFhir(
    const v1::ConsultationToFhirRequest& request, const TranslationOptions& options) {
  using Response = v1::ConsultationToFhirResponse;
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishContent<Response>({&*problem, 1}, {});
  }
  fhir::IssueCollector mapping;
  if (!adapters::consultation::CheckRecord(request.record(), mapping)) {
    return FinishContent<Response>(mapping.issues(), {});
  }
  Response response;
  *response.mutable_billing() = adapters::consultation::Bill(request.record(), request.context());
  fhir::json::Document bundle = adapters::consultation::ToFhir(
      request.record(), response.billing(),
      MappingContextFor(request.local_key_system_base(), options), mapping);
  if (mapping.HasErrors()) return FinishContent<Response>(mapping.issues(), {});
  std::vector<Issue> issues = mapping.issues();
  ValidateEmitted(bundle.root(), options, issues);
  response.set_bundle_json(fhir::json::Write(bundle.root()));
  return FinishByTable(issues, std::move(response));
}

TranslationResult<v1::ConsultationFromFhirResponse> ConsultationFromFhir(
    const v1::ConsultationFromFhirRequest& request, const TranslationOptions& options) {
  using Response = v1::ConsultationFromFhirResponse;
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishContent<Response>({&*problem, 1}, {});
  }
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> fhir =
      fhir::ParseResource(request.fhir_json(), options.limits, issues);
  if (!fhir) return FinishByTable<Response>(issues.issues(), {});
  Response response;
  *response.mutable_record() = adapters::consultation::FromFhir(
      fhir->root(), MappingContextFor(request.local_key_system_base(), options), issues);
  // What was read must be a record the other methods accept.
  if (!issues.HasErrors()) adapters::consultation::CheckRecord(response.record(), issues);
  return FinishContent(issues.issues(), std::move(response));
}

TranslationResult<v1::BillResponse> ConsultationBill(const v1::BillRequest& request) {
  fhir::IssueCollector issues;
  if (!adapters::consultation::CheckRecord(request.record(), issues)) {
    return FinishContent<v1::BillResponse>(issues.issues(), {});
  }
  v1::BillResponse response;
  *response.mutable_billing() = adapters::consultation::Bill(request.record(), request.context());
  return FinishContent(issues.issues(), std::move(response));
}

}  // namespace zorgbrug::gateway
