#pragma once

// The core of zorgbrug.v1.EpdTranslation (epd_translation_service.h is its gRPC face): map with
// adapters/epd, validate what is emitted with fhir/validation, and fill the typed response. No I/O;
// ids and the clock come in through EpdTranslationOptions.

#include "gateway/translation.h"
#include "zorgbrug/v1/epd_translation.pb.h"

namespace zorgbrug::gateway {

using EpdTranslationOptions = TranslationOptions;

TranslationResult<v1::ToFhirResponse> TranslateToFhir(const v1::ToFhirRequest& request,
                                                      const EpdTranslationOptions& options);
TranslationResult<v1::FromFhirResponse> TranslateFromFhir(const v1::FromFhirRequest& request,
                                                          const EpdTranslationOptions& options);

}  // namespace zorgbrug::gateway
