#pragma once

// The core of zorgbrug.v1.EpdTranslation (epd_translation_service.h is its gRPC face): map with
// adapters/epd, validate what is emitted with fhir/validation, and fill the typed response. No I/O;
// ids and the clock come in through EpdTranslationOptions.

#include <functional>
#include <optional>
#include <string>

#include "fhir/fhirpath/temporal.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "zorgbrug/v1/epd_translation.pb.h"

namespace zorgbrug::gateway {

struct EpdTranslationOptions {
  fhir::json::ParseLimits limits;               // for FromFhir input
  std::function<std::string()> new_uuid;        // random v4 UUIDs (NewUuid() in production)
  std::optional<fhir::fhirpath::Temporal> now;  // for invariants
};

template <typename Response>
struct TranslationResult {
  Response response;
  // Set when the request is refused: the issue that decides the status (error_table.h).
  std::optional<fhir::Issue> rejection;
};

TranslationResult<v1::ToFhirResponse> TranslateToFhir(const v1::ToFhirRequest& request,
                                                      const EpdTranslationOptions& options);
TranslationResult<v1::FromFhirResponse> TranslateFromFhir(const v1::FromFhirRequest& request,
                                                          const EpdTranslationOptions& options);

// A random (version 4) UUID from OpenSSL's generator, lowercase 8-4-4-4-12.
std::string NewUuid();

}  // namespace zorgbrug::gateway
