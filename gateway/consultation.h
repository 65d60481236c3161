#pragma once

// The core of zorgbrug.v1.Consultations (consultation_service.h is its gRPC face): check the record
// and apply the billing rules with adapters/consultation, map to FHIR, validate what is emitted,
// and fill the typed response. No I/O; ids and the clock come in through TranslationOptions.
// Status: as gateway/translation.h says (FinishContent for the record's problems). A record that
// breaks a programme rule is not refused: its billing lines are.

#include "gateway/translation.h"
#include "zorgbrug/v1/consultation_translation.pb.h"

namespace zorgbrug::gateway {

// ToFhir: local_key_system_base, CheckRecord, Bill, consultation::ToFhir, validation of the Bundle.
TranslationResult<v1::ConsultationToFhirResponse> ConsultationToFhir(
    const v1::ConsultationToFhirRequest& request, const TranslationOptions& options);

// FromFhir: parse within options.limits, consultation::FromFhir, then CheckRecord on the result.
TranslationResult<v1::ConsultationFromFhirResponse> ConsultationFromFhir(
    const v1::ConsultationFromFhirRequest& request, const TranslationOptions& options);

// Bill: CheckRecord, Bill.
TranslationResult<v1::BillResponse> ConsultationBill(const v1::BillRequest& request);

}  // namespace zorgbrug::gateway
