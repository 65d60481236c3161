#pragma once

// The validation core shared by the Validation service and `zorgbrug validate`: read the FHIR JSON,
// collect findings, build the OperationOutcome and the typed response. No I/O and no gRPC status
// here; the caller turns a rejection into a status through the error table (error_table.h).

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/fhirpath/temporal.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "zorgbrug/v1/validation.pb.h"

namespace zorgbrug::gateway {

struct ValidateOptions {
  fhir::json::ParseLimits limits;
  // Unknown elements and unknown profiles are errors rather than warnings.
  bool strict = false;
  // The instant now()/today() mean in invariants; the caller reads the clock (CurrentInstant()).
  std::optional<fhir::fhirpath::Temporal> now;
  // At most this many issues per resource (fhir/validation/validator.h).
  size_t max_issues = 1000;
};

// The current instant from the system clock, in UTC, to millisecond precision.
fhir::fhirpath::Temporal CurrentInstant();
// `now` as a UTC dateTime with milliseconds.
fhir::fhirpath::Temporal InstantAt(std::chrono::system_clock::time_point now);

// At most this many profiles per request; each at most kMaxProfileBytes long.
inline constexpr size_t kMaxProfiles = 32;
inline constexpr size_t kMaxProfileBytes = 1024;

struct ValidationResult {
  // Always complete: valid, resource_type, issues, counts and operation_outcome_json.
  v1::ValidateResponse response;
  // The findings behind response.issues (without the "no issues" information issue).
  std::vector<fhir::Issue> issues;
  // Set when the input could not be read as a FHIR resource or the request itself is unacceptable
  // (too many profiles): the issue that decided it. The caller must then answer with a non-OK
  // status (and response.valid() is false). Unset when a resource was read; response.valid() tells
  // whether it conforms.
  std::optional<fhir::Issue> rejection;
};

// Validates `fhir_json` (UTF-8 JSON of one FHIR R4 resource) as documented for
// zorgbrug.v1.Validation.Validate: parse limits, then fhir::validation::Validate against the R4
// base, the resource's meta.profile and `profiles` (canonical URLs).
ValidationResult ValidateFhirJson(std::string_view fhir_json, std::span<const std::string> profiles,
                                  const ValidateOptions& options);

// Fills response.issues, counts, operation_outcome_json and valid from `issues`. `readable` is
// whether a resource was read; valid means readable without fatal or error issues. `strict` is
// kept for callers and does not change the verdict (the validator already made strict findings
// errors).
void FillResponse(std::span<const fhir::Issue> issues, bool readable, bool strict,
                  v1::ValidateResponse& response);

v1::Severity ToProto(fhir::Severity severity);

// Fills typed issues, their counts and the OperationOutcome JSON from `issues` (shared by every
// service that answers with findings).
void FillIssues(std::span<const fhir::Issue> issues,
                google::protobuf::RepeatedPtrField<v1::Issue>& typed_issues,
                v1::IssueCounts& counts, std::string& operation_outcome_json);

}  // namespace zorgbrug::gateway
