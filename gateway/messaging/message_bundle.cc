#include "gateway/messaging/message_bundle.h"

#include <string>
#include <utility>

#include "adapters/common/bundle_io.h"
#include "fhir/operation_outcome.h"
#include "fhir/resource.h"

namespace zorgbrug::gateway::messaging {
namespace {

namespace json = fhir::json;
using adapters::common::AppendObject;
using adapters::common::Cat;
using adapters::common::Error;
using adapters::common::Indexed;
using adapters::common::SetString;
using fhir::IssueType;

// Provenance.activity: the translation brings the target resources into existence
// (ValueSet provenance-activity-type includes v3-DataOperation CREATE; it has no "transform").
constexpr std::string_view kDataOperationSystem =
    "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
// Provenance.agent.type: "a device that operates independently of an author on custodian's
// algorithms for data extraction of existing information for purpose of generating a new
// artifact" — the gateway translating a message.
constexpr std::string_view kParticipantTypeSystem =
    "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

std::string Instant(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

// A generated narrative (dom-6). `text` is one of this file's constants or an event display: none
// holds a character XHTML would need escaped.
void SetNarrative(json::Document& doc, json::Value& resource, std::string_view text) {
  json::Value narrative = doc.Set(resource, "text", doc.MakeObject());
  SetString(doc, narrative, "status", "generated");
  SetString(doc, narrative, "div",
            Cat({"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>", text, "</p></div>"}));
}

json::Value NewResource(json::Document& doc, std::string_view type, std::string_view id) {
  json::Value resource = doc.MakeObject();
  SetString(doc, resource, "resourceType", type);
  SetString(doc, resource, "id", id);
  return resource;
}

void AddEntry(json::Document& doc, json::Value& entries, std::string_view full_url,
              json::Value resource) {
  json::Value entry = doc.MakeObject();
  SetString(doc, entry, "fullUrl", full_url);
  doc.Set(entry, "resource", resource);
  doc.Append(entries, entry);
}

json::Value ReferenceTo(json::Document& doc, std::string_view full_url) {
  json::Value reference = doc.MakeObject();
  SetString(doc, reference, "reference", full_url);
  return reference;
}

json::Value Concept(json::Document& doc, std::string_view system, std::string_view code,
                    std::string_view display) {
  json::Value concept_value = doc.MakeObject();
  json::Value codings = doc.Set(concept_value, "coding", doc.MakeArray());
  doc.Append(codings, adapters::common::Coding(doc, system, code, display));
  return concept_value;
}

void SetSource(json::Document& doc, json::Value& header, const GatewaySource& gateway) {
  json::Value source = doc.Set(header, "source", doc.MakeObject());
  SetString(doc, source, "name", gateway.name);
  SetString(doc, source, "software", kSoftwareName);
  SetString(doc, source, "version", gateway.version);
  SetString(doc, source, "endpoint", gateway.endpoint);
}

// What BuildMessage takes from the translation, checked.
struct Plan {
  std::vector<const BundleEntry*> focus;
  const BundleEntry* sender = nullptr;
};

bool CheckEndpoints(const MessageParts& parts, fhir::IssueSink& issues) {
  adapters::common::CountingSink sink(issues);
  if (parts.source.endpoint.empty()) {
    Error(sink, IssueType::kRequired, "MessageHeader.source.endpoint",
          "the gateway's endpoint is required: destinations answer there");
  }
  for (size_t i = 0; i < parts.destinations.size(); ++i) {
    if (parts.destinations[i].endpoint.empty()) {
      Error(sink, IssueType::kRequired,
            Cat({Indexed("MessageHeader", "destination", i), ".endpoint"}),
            "a destination needs an endpoint");
    }
  }
  if (parts.source_message.value.empty()) {
    Error(sink, IssueType::kRequired, "Provenance.entity[0].what.identifier.value",
          "the id of the message the translation came from is required");
  }
  if (!parts.new_uuid) {
    Error(sink, IssueType::kException, "Bundle.id", "no UUID source was given");
  }
  return sink.count() == 0;
}

// The focus: the override's entries, or every entry of the event's focus types.
bool ChooseFocus(const MessageParts& parts, const BundleEntries& entries, Plan& plan,
                 fhir::IssueSink& issues) {
  bool ok = true;
  for (size_t i = 0; i < parts.focus.size(); ++i) {
    const BundleEntry* entry = entries.Resolve(parts.focus[i]);
    if (entry == nullptr || entry->full_url != parts.focus[i] ||
        !IsFocusType(parts.event, entry->resource_type)) {
      Error(issues, IssueType::kInvalid, Indexed("MessageHeader", "focus", i),
            Cat({"the focus must be the fullUrl of an entry of a focus type of ",
                 EventCode(parts.event), " (events.h)"}));
      ok = false;
      continue;
    }
    plan.focus.push_back(entry);
  }
  if (!parts.focus.empty()) return ok;
  for (const BundleEntry& entry : entries.entries()) {
    if (IsFocusType(parts.event, entry.resource_type)) plan.focus.push_back(&entry);
  }
  if (plan.focus.empty()) {
    std::string types;
    for (std::string_view type : FocusTypes(parts.event)) {
      types += types.empty() ? std::string(type) : Cat({" or ", type});
    }
    Error(issues, IssueType::kRequired, "MessageHeader.focus",
          Cat({"a ", EventCode(parts.event), " message needs a ", types, " in the translation"}));
    return false;
  }
  return true;
}

bool CheckTranslation(const MessageParts& parts, const BundleEntries& entries, Plan& plan,
                      fhir::IssueSink& issues) {
  const json::Value& bundle = parts.translation;
  if (fhir::ResourceType(bundle) != "Bundle" || bundle.FindString("type") != "collection") {
    Error(issues, IssueType::kInvalid, "Bundle.type",
          "the translation is an adapter's collection Bundle");
    return false;
  }
  bool ok = true;
  const auto items = adapters::common::Items(bundle, "entry");
  for (size_t i = 0; i < items.size(); ++i) {
    const json::Value* resource = items[i].Find("resource");
    if (items[i].FindString("fullUrl").empty() || resource == nullptr || !resource->IsObject()) {
      Error(issues, IssueType::kRequired, Indexed("Bundle", "entry", i),
            "every entry of a translation has a fullUrl and a resource");
      ok = false;
    }
  }
  if (!parts.sender.empty()) {
    plan.sender = entries.Resolve(parts.sender);
    const std::string_view type = plan.sender == nullptr ? "" : plan.sender->resource_type;
    if (type != "Organization" && type != "Practitioner" && type != "PractitionerRole") {
      Error(issues, IssueType::kInvalid, "MessageHeader.sender",
            "the sender is the fullUrl of an Organization, Practitioner or PractitionerRole of "
            "the translation");
      ok = false;
    }
  }
  return ChooseFocus(parts, entries, plan, issues) && ok;
}

json::Value MessageHeader(json::Document& doc, const MessageParts& parts, const Plan& plan,
                          std::string_view id) {
  json::Value header = NewResource(doc, "MessageHeader", id);
  SetNarrative(doc, header, Cat({"zorgbrug message: ", EventDisplay(parts.event)}));
  doc.Set(header, "eventCoding",
          adapters::common::Coding(doc, kMessageEventSystem, EventCode(parts.event),
                                   EventDisplay(parts.event)));
  for (const Endpoint& destination : parts.destinations) {
    json::Value item = AppendObject(doc, header, "destination");
    SetString(doc, item, "name", destination.name);
    SetString(doc, item, "endpoint", destination.endpoint);
  }
  if (plan.sender != nullptr) doc.Set(header, "sender", ReferenceTo(doc, plan.sender->full_url));
  SetSource(doc, header, parts.source);
  json::Value focus = doc.Set(header, "focus", doc.MakeArray());
  for (const BundleEntry* entry : plan.focus) doc.Append(focus, ReferenceTo(doc, entry->full_url));
  return header;
}

json::Value Provenance(json::Document& doc, const MessageParts& parts, const Plan& plan,
                       std::string_view id, std::string_view device_url) {
  json::Value provenance = NewResource(doc, "Provenance", id);
  SetNarrative(doc, provenance, "Translated by the zorgbrug gateway from the source message");
  json::Value target = doc.Set(provenance, "target", doc.MakeArray());
  for (const BundleEntry* entry : plan.focus) doc.Append(target, ReferenceTo(doc, entry->full_url));
  SetString(doc, provenance, "recorded", Instant(parts.time));
  doc.Set(provenance, "activity", Concept(doc, kDataOperationSystem, "CREATE", "create"));
  json::Value agent = AppendObject(doc, provenance, "agent");
  doc.Set(agent, "type", Concept(doc, kParticipantTypeSystem, "assembler", "Assembler"));
  doc.Set(agent, "who", ReferenceTo(doc, device_url));
  if (plan.sender != nullptr) {
    doc.Set(agent, "onBehalfOf", ReferenceTo(doc, plan.sender->full_url));
  }
  json::Value entity = AppendObject(doc, provenance, "entity");
  SetString(doc, entity, "role", "derivation");
  json::Value what = doc.Set(entity, "what", doc.MakeObject());
  json::Value identifier = doc.Set(what, "identifier", doc.MakeObject());
  SetString(doc, identifier, "system", parts.source_message.system);
  SetString(doc, identifier, "value", parts.source_message.value);
  return provenance;
}

json::Value Device(json::Document& doc, const GatewaySource& gateway, std::string_view id) {
  json::Value device = NewResource(doc, "Device", id);
  SetNarrative(doc, device, "The zorgbrug gateway");
  SetString(doc, device, "status", "active");
  json::Value model = AppendObject(doc, device, "deviceName");
  SetString(doc, model, "name", kSoftwareName);
  SetString(doc, model, "type", "model-name");
  if (!gateway.name.empty()) {
    json::Value name = AppendObject(doc, device, "deviceName");
    SetString(doc, name, "name", gateway.name);
    SetString(doc, name, "type", "user-friendly-name");
  }
  if (!gateway.version.empty()) {
    json::Value version = AppendObject(doc, device, "version");
    SetString(doc, version, "value", gateway.version);
  }
  return device;
}

// An empty message Bundle with its id and timestamp; returns its entry array.
json::Value StartBundle(json::Document& doc, std::string_view id, absl::Time time) {
  json::Value& bundle = doc.root() = NewResource(doc, "Bundle", id);
  SetString(doc, bundle, "type", "message");
  SetString(doc, bundle, "timestamp", Instant(time));
  return doc.Set(bundle, "entry", doc.MakeArray());
}

}  // namespace

json::Document BuildMessage(const MessageParts& parts, fhir::IssueSink& issues) {
  const BundleEntries entries(parts.translation);
  Plan plan;
  const bool endpoints_ok = CheckEndpoints(parts, issues);
  if (!CheckTranslation(parts, entries, plan, issues) || !endpoints_ok) return json::Document();

  const std::string bundle_id = parts.new_uuid();
  const std::string header_id = parts.new_uuid();
  const std::string provenance_id = parts.new_uuid();
  const std::string device_id = parts.new_uuid();
  const std::string device_url = Cat({"urn:uuid:", device_id});
  json::Document doc;
  json::Value entry_array = StartBundle(doc, bundle_id, parts.time);
  AddEntry(doc, entry_array, Cat({"urn:uuid:", header_id}),
           MessageHeader(doc, parts, plan, header_id));
  for (const json::Value& entry : adapters::common::Items(parts.translation, "entry")) {
    doc.Append(entry_array, doc.Copy(entry));
  }
  AddEntry(doc, entry_array, Cat({"urn:uuid:", provenance_id}),
           Provenance(doc, parts, plan, provenance_id, device_url));
  AddEntry(doc, entry_array, device_url, Device(doc, parts.source, device_id));
  return doc;
}

std::string_view ResponseCodeText(ResponseCode code) {
  switch (code) {
    case ResponseCode::kOk:
      return "ok";
    case ResponseCode::kTransientError:
      return "transient-error";
    case ResponseCode::kFatalError:
      return "fatal-error";
  }
  return "fatal-error";
}

ResponseCode ResponseCodeFor(std::span<const fhir::Issue> issues) {
  bool transient = false;
  for (const fhir::Issue& issue : issues) {
    if (issue.severity != fhir::Severity::kError && issue.severity != fhir::Severity::kFatal) {
      continue;
    }
    if (issue.type != IssueType::kTransient && issue.type != IssueType::kTimeout) {
      return ResponseCode::kFatalError;
    }
    transient = true;
  }
  return transient ? ResponseCode::kTransientError : ResponseCode::kOk;
}

json::Document BuildResponse(const IncomingMessage& request, ResponseCode code,
                             std::span<const fhir::Issue> issues, const ResponseParts& parts) {
  const std::string bundle_id = parts.new_uuid();
  const std::string header_id = parts.new_uuid();
  json::Document doc;
  json::Value entry_array = StartBundle(doc, bundle_id, parts.time);

  json::Value header = NewResource(doc, "MessageHeader", header_id);
  SetNarrative(doc, header, Cat({"zorgbrug response: ", ResponseCodeText(code)}));
  if (!request.event_uri.empty()) {
    SetString(doc, header, "eventUri", request.event_uri);
  } else {
    doc.Set(header, "eventCoding",
            adapters::common::Coding(doc, request.event_system, request.event_code,
                                     request.event ? EventDisplay(*request.event) : ""));
  }
  json::Value destination = AppendObject(doc, header, "destination");
  SetString(doc, destination, "name", request.source.name);
  SetString(doc, destination, "endpoint", request.source.endpoint);
  SetSource(doc, header, parts.source);
  json::Value response = doc.Set(header, "response", doc.MakeObject());
  SetString(doc, response, "identifier", request.header_id);
  SetString(doc, response, "code", ResponseCodeText(code));
  AddEntry(doc, entry_array, Cat({"urn:uuid:", header_id}), header);
  if (issues.empty()) return doc;

  const std::string outcome_id = parts.new_uuid();
  const std::string outcome_url = Cat({"urn:uuid:", outcome_id});
  doc.Set(response, "details", ReferenceTo(doc, outcome_url));
  const json::Value built = fhir::BuildOperationOutcome(doc, issues);
  json::Value outcome = NewResource(doc, "OperationOutcome", outcome_id);
  SetNarrative(doc, outcome, "The outcome of processing the message");
  doc.Set(outcome, "issue", *built.Find("issue"));
  AddEntry(doc, entry_array, outcome_url, outcome);
  return doc;
}

}  // namespace zorgbrug::gateway::messaging
