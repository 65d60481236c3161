#pragma once

// Reading a FHIR R4 message Bundle before processing it (http://hl7.org/fhir/R4/messaging.html):
// what R4 messaging requires of a request, checked with every finding at its FHIRPath location;
// the message's identity (Bundle.id, MessageHeader.id), event, endpoints and focus entries; and
// the SHA-256 of the request bytes for duplicate detection (README.md, the duplicate table).
// Pure: no I/O, no clock.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/value.h"
#include "gateway/messaging/events.h"

namespace zorgbrug::gateway::messaging {

// MessageHeader.source / .destination: a name (optional) and an endpoint (a url).
struct Endpoint {
  std::string name;
  std::string endpoint;
};

// One entry of a Bundle, as a reference resolves to it.
struct BundleEntry {
  size_t index = 0;           // in Bundle.entry
  std::string_view full_url;  // empty when the entry has none
  std::string_view resource_type;
  fhir::json::Value resource;  // a handle into the Bundle's Document
};

// The entries of a Bundle with a resource, to resolve references inside it
// (http://hl7.org/fhir/R4/bundle.html#references) the way fhir/validation does: by fullUrl; a
// relative "Type/id[/_history/v]" by type and id; an absolute http(s) URL when an entry's fullUrl
// is its prefix and the type and id match. Views and handles point into the Bundle: it must
// outlive this object.
class BundleEntries {
 public:
  explicit BundleEntries(const fhir::json::Value& bundle);

  const std::vector<BundleEntry>& entries() const { return entries_; }
  // The entry `reference` stands for, or nullptr ("#id" and references elsewhere).
  const BundleEntry* Resolve(std::string_view reference) const;

 private:
  std::vector<BundleEntry> entries_;
  std::unordered_map<std::string_view, size_t> by_full_url_;
  std::unordered_map<std::string, size_t> by_type_id_;
};

// A request (or response) message as the engine processes it. Handles and views point into the
// Bundle that was read: it must outlive this object (ParseMessage keeps both together).
struct IncomingMessage {
  std::string bundle_id;
  std::string header_id;
  // The event, when it is one of kMessageEventSystem; nullopt for another event (reported as an
  // error unless ReadOptions::require_known_event is false).
  std::optional<MessageEvent> event;
  // The event as received: eventCoding's system and code, or eventUri. A response repeats it.
  std::string event_system;
  std::string event_code;
  std::string event_uri;
  Endpoint source;                     // source.endpoint is never empty
  std::vector<Endpoint> destinations;  // in order; endpoints as received
  std::vector<BundleEntry> focus;      // MessageHeader.focus, each resolved to its entry
  // MessageHeader.response when the message is itself a response (else empty).
  std::string response_identifier;
  std::string response_code;
  // ContentHash of the request bytes (ParseMessage); empty when read from a tree.
  std::string content_hash;
  // False when ReadMessage reported an error: do not process; answer fatal-error with the issues.
  bool valid = true;
};

struct ReadOptions {
  // An event outside kMessageEventSystem is an error (the engine cannot route it). False only to
  // read messages of other exchanges, e.g. the R4 examples.
  bool require_known_event = true;
};

// Checks `bundle` as an R4 message and reports every finding to `sink` at its FHIRPath location
// ("Bundle.entry[0].resource.focus[1]"):
//   - a Bundle (error at the resource's type), of type message (Bundle.type), with an id
//     (Bundle.id);
//   - a first entry that is a MessageHeader (Bundle.entry[0].resource) with a valid id (.id);
//   - an event: eventCoding or eventUri (.eventCoding); one of ours unless options say otherwise
//     (not-supported; code-invalid for an unknown code in our system);
//   - source.endpoint (.source.endpoint);
//   - each focus[i] references an entry of the Bundle (.focus[i]), of a type the event allows
//     (events.h FocusTypes); a request of one of our events has at least one focus (.focus);
//   - the focus closure: every reference from a focus resource, and from the entries those
//     reach, resolves to an entry. An unresolved urn: reference is an error (it can only mean an
//     entry); any other is a warning (R4: referenced resources "should be contained in the
//     bundle"), at the reference's location ("Bundle.entry[3].resource.subject").
// Returns std::nullopt when the message cannot be answered by a response message (no Bundle of
// type message, Bundle.id, MessageHeader with an id, event or source.endpoint): the caller answers
// with an OperationOutcome. Otherwise returns the message with `valid` false when an error was
// reported.
std::optional<IncomingMessage> ReadMessage(const fhir::json::Value& bundle, fhir::IssueSink& sink,
                                           const ReadOptions& options = {});

// A parsed message and its Document (the message's handles point into the document; moving a
// Document keeps them valid).
struct ReceivedMessage {
  fhir::json::Document document;
  IncomingMessage message;
};

// ParseResource within `limits`, then ReadMessage; content_hash is ContentHash(bytes). nullopt
// when the bytes are not a resource or ReadMessage returns nullopt (the issues say why).
std::optional<ReceivedMessage> ParseMessage(std::string_view bytes,
                                            const fhir::json::ParseLimits& limits,
                                            fhir::IssueSink& sink, const ReadOptions& options = {});

// SHA-256 of `bytes` (OpenSSL EVP) as 64 lowercase hex digits.
std::string ContentHash(std::string_view bytes);

}  // namespace zorgbrug::gateway::messaging
