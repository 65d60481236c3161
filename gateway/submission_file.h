#pragma once

// A file `zorgbrug send` submits: a FHIR R4 message Bundle (for FhirMessaging.ProcessMessage) or
// the proto3 JSON of one of the EpdSubmissions requests, recognised by its content.

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "gateway/commands.h"
#include "zorgbrug/v1/messaging.pb.h"

namespace zorgbrug::gateway {

// A request of one of the four submission kinds.
using SubmitRequest =
    std::variant<v1::SubmitEpdRecordRequest, v1::SubmitBibScreeningRequest,
                 v1::SubmitConsultationRequest, v1::SubmitCarePlanContributionRequest>;

struct SubmissionFile {
  SubmissionKind kind = SubmissionKind::kAuto;  // never kAuto once parsed
  // kFhirMessage: the Bundle exactly as read (duplicates are recognised byte for byte), and the id
  // and event code of its MessageHeader (empty when it has none: the gateway says why).
  std::string bundle_json;
  std::string message_id;
  std::string event;
  // The submission kinds: the parsed request.
  SubmitRequest request;
};

// Reads `text` as `kind`. kAuto recognises it: a JSON object whose resourceType is "Bundle" is a
// FHIR message; otherwise it must parse as exactly one request type, strictly (unknown fields are
// errors). InvalidArgument naming the problem: not JSON, a FHIR resource other than a Bundle, no
// kind or several kinds parse (with each kind's error, and a hint to use --kind), or the parse
// error of the kind asked for.
absl::StatusOr<SubmissionFile> ParseSubmissionFile(std::string text, SubmissionKind kind);

// The submission header of any request.
v1::SubmissionHeader& HeaderOf(SubmitRequest& request);

}  // namespace zorgbrug::gateway
