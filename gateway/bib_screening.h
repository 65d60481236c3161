#pragma once

// The core of zorgbrug.v1.BibScreenings (bib_screening_service.h is its gRPC face): check the
// screening and evaluate the programme's rules with adapters/bib, map to FHIR, validate what is
// emitted with fhir/validation, and fill the typed response. No I/O; ids and the clock come in
// through BibScreeningOptions. Issues never repeat patient data beyond what the adapter and the
// validator put in their diagnostics (which they keep free of it).
//
// Status: a refused request carries the issue that decides it in TranslationResult::rejection.
// Problems with the screening (CheckScreening, the mapping, bib::FromFhir) are bad input, decided
// on the request alone: their rejection is always INVALID_ARGUMENT, even for a rule the error table
// would map elsewhere (a business rule is FAILED_PRECONDITION there because such rules usually
// depend on stored state; these do not). The response's issues keep the type as reported. Parse
// limits keep the table's RESOURCE_EXHAUSTED; a Bundle the mapping emits that does not validate is
// the gateway's fault (INTERNAL), as in EpdTranslation.

#include <functional>
#include <optional>
#include <string>

#include "fhir/fhirpath/temporal.h"
#include "fhir/json/parser.h"
#include "gateway/epd_translation.h"
#include "zorgbrug/v1/bib_screening.pb.h"

namespace zorgbrug::gateway {

struct BibScreeningOptions {
  fhir::json::ParseLimits limits;               // for FromFhir input
  std::function<std::string()> new_uuid;        // random v4 UUIDs (NewUuid() in production)
  std::optional<fhir::fhirpath::Temporal> now;  // for invariants
};

// ToFhir: local_key_system_base, CheckScreening, Evaluate on as_of (the UTC date of performed_at
// when unset), Contribution, bib::ToFhir, then validation of the Bundle. `shared` is
// bib::Shareable; the contribution has no tasks when she refused to share.
TranslationResult<v1::BibToFhirResponse> BibToFhir(const v1::BibToFhirRequest& request,
                                                   const BibScreeningOptions& options);

// FromFhir: parse within options.limits, bib::FromFhir, then CheckScreening on the result.
TranslationResult<v1::BibFromFhirResponse> BibFromFhir(const v1::BibFromFhirRequest& request,
                                                       const BibScreeningOptions& options);

// Evaluate: CheckScreening, Evaluate, Contribution.
TranslationResult<v1::EvaluateResponse> BibEvaluate(const v1::EvaluateRequest& request);

// GetDefinitions: bib::PublishedResources().
v1::GetDefinitionsResponse BibDefinitions();

// The UTC date of `screening.performed_at`: the date the rules decide on when the request gives
// none.
v1::Date ScreeningDate(const v1::BibScreening& screening);

}  // namespace zorgbrug::gateway
