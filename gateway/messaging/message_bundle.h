#pragma once

// Building FHIR R4 message Bundles (http://hl7.org/fhir/R4/messaging.html): a request message from
// the resources of a translation (the collection Bundle an adapter produced), and the response
// message to a request. Pure: ids and the time come in as parameters. Everything built validates
// against R4 without error (messaging_test.cc). Field by field: gateway/messaging/README.md.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "gateway/messaging/events.h"
#include "gateway/messaging/process.h"

namespace zorgbrug::gateway::messaging {

// MessageHeader.source.software of everything the gateway sends.
inline constexpr std::string_view kSoftwareName = "zorgbrug";

// The gateway as the source of the messages it builds (MessageHeader.source) and as the Device
// that assembled a translation (Provenance.agent).
struct GatewaySource {
  std::string name;      // this installation, e.g. "zorgbrug AZ Oost" (optional)
  std::string endpoint;  // where answers go, e.g. "https://zorgbrug.az-oost.example.be/fhir"
  std::string version;   // the zorgbrug version (MessageHeader.source.version, Device.version)
};

// The message a translation came from, identified in its sender's namespace (Provenance.entity):
// e.g. system "https://epd.hospital.example.be/fhir/NamingSystem/message" and the request id.
struct SourceMessage {
  std::string system;
  std::string value;
};

struct MessageParts {
  MessageEvent event = MessageEvent::kEpdRecord;
  // The adapter's collection Bundle (a handle: its Document must outlive the call). Its entries
  // are copied unchanged, fullUrls kept.
  fhir::json::Value translation;
  // Fresh UUIDs, called in this order: Bundle.id, MessageHeader, Provenance, Device.
  std::function<std::string()> new_uuid;
  absl::Time time;  // Bundle.timestamp and Provenance.recorded
  GatewaySource source;
  std::vector<Endpoint> destinations;  // MessageHeader.destination, in order (endpoint required)
  // Optional: the fullUrl of the translation's Organization, Practitioner or PractitionerRole
  // responsible for the content (MessageHeader.sender, Provenance.agent.onBehalfOf).
  std::string sender;
  SourceMessage source_message;  // required
  // Optional: the fullUrls of the focus entries, instead of every entry of the event's focus
  // types (events.h FocusTypes), e.g. only the contributed Tasks of a care plan. Each must be of
  // a focus type of the event.
  std::vector<std::string> focus;
};

// The message Bundle: type message, id, timestamp (no identifier: R4 identifies a message by
// Bundle.id and MessageHeader.id); first entry the MessageHeader (eventCoding, destination[],
// sender, source, focus[]), then the translation's entries unchanged, then the Provenance of the
// translation (target = the focus, recorded = time, activity v3-DataOperation#CREATE, agent = the
// gateway's Device as assembler, entity = the source message with role derivation) and that
// Device. Reports each problem with `parts` as an error and returns a Document with a null root.
fhir::json::Document BuildMessage(const MessageParts& parts, fhir::IssueSink& issues);

// MessageHeader.response.code (http://hl7.org/fhir/R4/codesystem-response-code.html).
enum class ResponseCode {
  kOk,              // processed (the response may carry warnings)
  kTransientError,  // not processed for a transient reason (the store was unavailable): the
                    // sender may resend the same message
  kFatalError,      // not processed: the content is wrong; do not resend it unchanged
};
std::string_view ResponseCodeText(ResponseCode code);

// The code for the issues found while processing: fatal-error with an error or fatal issue other
// than a transient or timeout one, transient-error with only those, ok otherwise.
ResponseCode ResponseCodeFor(std::span<const fhir::Issue> issues);

struct ResponseParts {
  // Fresh UUIDs, called in this order: Bundle.id, MessageHeader, OperationOutcome (when issues).
  std::function<std::string()> new_uuid;
  absl::Time time;  // Bundle.timestamp
  GatewaySource source;
};

// The response message to `request`: a message Bundle whose MessageHeader repeats the request's
// event, has the request's source as destination and the gateway as source, and `response`
// {identifier = request.header_id, code, details → an OperationOutcome entry of `issues` when
// there are any}.
fhir::json::Document BuildResponse(const IncomingMessage& request, ResponseCode code,
                                   std::span<const fhir::Issue> issues, const ResponseParts& parts);

}  // namespace zorgbrug::gateway::messaging
