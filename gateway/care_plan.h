#pragma once

// The core of zorgbrug.v1.CarePlans (care_plan_service.h is its gRPC face): check the plan with
// adapters/careplan, map to FHIR for an audience and validate what is emitted, read FHIR back,
// merge contributions and concurrent edits; fill the typed responses. No I/O; ids and the clock
// come in through TranslationOptions. Status: as gateway/translation.h says.

#include "gateway/translation.h"
#include "zorgbrug/v1/care_plan_translation.pb.h"

namespace zorgbrug::gateway {

// ToFhir: local_key_system_base, CheckPlan, careplan::ToFhir for the audience, validation.
TranslationResult<v1::CarePlanToFhirResponse> CarePlanToFhir(
    const v1::CarePlanToFhirRequest& request, const TranslationOptions& options);

// FromFhir: parse within options.limits, careplan::FromFhir, then CheckPlan on the result.
TranslationResult<v1::CarePlanFromFhirResponse> CarePlanFromFhir(
    const v1::CarePlanFromFhirRequest& request, const TranslationOptions& options);

// Contribute: CheckPlan, then careplan::Contribute; refusals by the error table (a closed plan is
// FAILED_PRECONDITION).
TranslationResult<v1::ContributeResponse> CarePlanContribute(const v1::ContributeRequest& request);

// Merge: CheckPlan on each side (issues at "base.", "ours.", "theirs." paths), then
// careplan::Merge.
TranslationResult<v1::MergeResponse> CarePlanMerge(const v1::MergeRequest& request);

}  // namespace zorgbrug::gateway
