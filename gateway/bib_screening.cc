#include "gateway/bib_screening.h"

#include <span>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "adapters/bib/bib.h"
#include "adapters/bib/definitions.h"
#include "adapters/bib/rules.h"
#include "fhir/json/writer.h"
#include "fhir/resource.h"

namespace zorgbrug::gateway {
namespace {

using fhir::Issue;
using fhir::IssueType;
using fhir::Severity;

// A request's as_of, when given, must be a date (month and day may be 0 for a partial date).
void CheckAsOf(const v1::Date& as_of, fhir::IssueSink& issues) {
  if (as_of.year() < 1 || as_of.year() > 9999 || as_of.month() < 0 || as_of.month() > 12 ||
      as_of.day() < 0 || as_of.day() > 31 || (as_of.month() == 0 && as_of.day() != 0)) {
    issues.Report({Severity::kError, IssueType::kValue, "as_of",
                   "as_of must be a date: year 1..9999, month 0..12, day 0..31"});
  }
}

v1::Date AsOf(bool has_as_of, const v1::Date& as_of, const v1::BibScreening& screening) {
  return has_as_of ? as_of : ScreeningDate(screening);
}

}  // namespace

v1::Date ScreeningDate(const v1::BibScreening& screening) {
  const absl::CivilDay day = absl::ToCivilDay(
      absl::FromUnixSeconds(screening.performed_at().seconds()), absl::UTCTimeZone());
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

TranslationResult<v1::BibToFhirResponse> BibToFhir(const v1::BibToFhirRequest& request,
                                                   const BibScreeningOptions& options) {
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishContent<v1::BibToFhirResponse>({&*problem, 1}, {});
  }
  fhir::IssueCollector mapping;
  if (request.has_as_of()) CheckAsOf(request.as_of(), mapping);
  adapters::bib::CheckScreening(request.screening(), mapping);
  if (mapping.HasErrors()) return FinishContent<v1::BibToFhirResponse>(mapping.issues(), {});

  const v1::BibScreening& screening = request.screening();
  v1::BibToFhirResponse response;
  *response.mutable_eligibility() = adapters::bib::Evaluate(
      screening, request.history(), AsOf(request.has_as_of(), request.as_of(), screening));
  *response.mutable_contribution() = adapters::bib::Contribution(screening, response.eligibility());
  response.set_shared(adapters::bib::Shareable(screening));
  fhir::json::Document bundle =
      adapters::bib::ToFhir(screening, response.eligibility(),
                            MappingContextFor(request.local_key_system_base(), options), mapping);
  if (mapping.HasErrors()) return FinishContent<v1::BibToFhirResponse>(mapping.issues(), {});

  std::vector<Issue> issues = mapping.issues();
  ValidateEmitted(bundle.root(), options, issues);
  response.set_bundle_json(fhir::json::Write(bundle.root()));
  return FinishByTable(issues, std::move(response));
}

TranslationResult<v1::BibFromFhirResponse> BibFromFhir(const v1::BibFromFhirRequest& request,
                                                       const BibScreeningOptions& options) {
  if (std::optional<Issue> problem = CheckKeySystemBase(request.local_key_system_base())) {
    return FinishContent<v1::BibFromFhirResponse>({&*problem, 1}, {});
  }
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> fhir =
      fhir::ParseResource(request.fhir_json(), options.limits, issues);
  if (!fhir) return FinishByTable<v1::BibFromFhirResponse>(issues.issues(), {});
  v1::BibFromFhirResponse response;
  *response.mutable_screening() = adapters::bib::FromFhir(
      fhir->root(), MappingContextFor(request.local_key_system_base(), options), issues);
  // What was read must be a screening the other methods accept.
  if (!issues.HasErrors()) adapters::bib::CheckScreening(response.screening(), issues);
  return FinishContent(issues.issues(), std::move(response));
}

TranslationResult<v1::EvaluateResponse> BibEvaluate(const v1::EvaluateRequest& request) {
  fhir::IssueCollector issues;
  if (request.has_as_of()) CheckAsOf(request.as_of(), issues);
  adapters::bib::CheckScreening(request.screening(), issues);
  if (issues.HasErrors()) return FinishContent<v1::EvaluateResponse>(issues.issues(), {});
  const v1::BibScreening& screening = request.screening();
  v1::EvaluateResponse response;
  *response.mutable_eligibility() = adapters::bib::Evaluate(
      screening, request.history(), AsOf(request.has_as_of(), request.as_of(), screening));
  *response.mutable_contribution() = adapters::bib::Contribution(screening, response.eligibility());
  return FinishContent(issues.issues(), std::move(response));
}

v1::GetDefinitionsResponse BibDefinitions() {
  v1::GetDefinitionsResponse response;
  for (const std::string& resource : adapters::bib::PublishedResources()) {
    response.add_resources_json(resource);
  }
  return response;
}

}  // namespace zorgbrug::gateway
