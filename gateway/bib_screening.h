#pragma once

// The core of zorgbrug.v1.BibScreenings (bib_screening_service.h is its gRPC face): check the
// screening and evaluate the programme's rules with adapters/bib, map to FHIR, validate what is
// emitted with fhir/validation, and fill the typed response. No I/O; ids and the clock come in
// through BibScreeningOptions. Issues never repeat patient data beyond what the adapter and the
// validator put in their diagnostics (which they keep free of it).
// Status: as gateway/translation.h says (FinishContent for the screening's problems).

#include "gateway/translation.h"
#include "zorgbrug/v1/bib_screening.pb.h"

namespace zorgbrug::gateway {

using BibScreeningOptions = TranslationOptions;

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
