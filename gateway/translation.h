#pragma once

// What the stateless translation services (EpdTranslation, BibScreenings, Consultations) share in
// their cores: the options every call needs, the result with its optional rejection, the two ways
// of deciding a rejection's status, and the validation of what the gateway emits.
//
// Status: problems with the request's content that the adapters report (a check, the mapping, a
// FromFhir) are bad input decided on the request alone: FinishContent makes them INVALID_ARGUMENT,
// even for a rule the error table maps elsewhere (a business rule is FAILED_PRECONDITION there
// because such rules usually depend on stored state; these do not). Everything else (parse limits:
// RESOURCE_EXHAUSTED; a Bundle the gateway emits that does not validate: INTERNAL) goes by the
// table (FinishByTable). The response's issues keep the type as reported.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/mapping_context.h"
#include "fhir/fhirpath/temporal.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {

struct TranslationOptions {
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

// The decisive issue of `issues` (error_table.h DecisiveIssue), or nullopt; with `content`, made
// INVALID_ARGUMENT whatever its type.
std::optional<fhir::Issue> Rejection(std::span<const fhir::Issue> issues, bool content);

// `response` with `issues` filled in, refused when they hold an error: by the error table.
template <typename Response>
TranslationResult<Response> FinishByTable(std::span<const fhir::Issue> issues, Response response) {
  FillResponseIssues(issues, response);
  return {std::move(response), Rejection(issues, /*content=*/false)};
}

// The same, the rejection always INVALID_ARGUMENT: the issues are about the request's content.
template <typename Response>
TranslationResult<Response> FinishContent(std::span<const fhir::Issue> issues, Response response) {
  FillResponseIssues(issues, response);
  return {std::move(response), Rejection(issues, /*content=*/true)};
}

// Validates a Bundle the gateway emits (with `now` for invariants), appending the findings to
// `issues`: an error there is the gateway's fault (its type becomes exception: INTERNAL).
void ValidateEmitted(const fhir::json::Value& bundle, const TranslationOptions& options,
                     std::vector<fhir::Issue>& issues);

// The adapters' MappingContext for a call: the key namespace of the request, the options' UUIDs.
adapters::common::MappingContext MappingContextFor(const std::string& local_key_system_base,
                                                   const TranslationOptions& options);

// `options` with what changes per call: NewUuid as the UUID source and the clock's instant as
// `now`.
TranslationOptions ForCall(TranslationOptions options);

// A random (version 4) UUID from OpenSSL's generator, lowercase 8-4-4-4-12.
std::string NewUuid();

// A UUID derived from `name` (version 8, RFC 9562: the first 16 bytes of SHA-256(name)): the same
// name gives the same UUID, e.g. a message id from its sender's submission id.
std::string DerivedUuid(std::string_view name);

}  // namespace zorgbrug::gateway
