#include "gateway/audit_event.h"

#include "absl/time/time.h"
#include "adapters/common/bundle_io.h"
#include "fhir/json/writer.h"

namespace zorgbrug::gateway {
namespace {

namespace json = fhir::json;
using adapters::common::Coding;
using adapters::common::SetString;

constexpr std::string_view kDicomSystem = "http://dicom.nema.org/resources/ontology/DCM";
constexpr std::string_view kEntityTypeSystem =
    "http://terminology.hl7.org/CodeSystem/audit-entity-type";
constexpr std::string_view kObjectRoleSystem = "http://terminology.hl7.org/CodeSystem/object-role";
constexpr std::string_view kSourceTypeSystem =
    "http://terminology.hl7.org/CodeSystem/security-source-type";
constexpr std::string_view kDeliveryPrefix = "deliver:";
constexpr std::string_view kAuditService = "/zorgbrug.v1.AuditEvents/";

struct Code {
  std::string_view code;
  std::string_view display;
};

// DICOM audit event IDs (audit-event-type) and the participant role (participation-role-type).
constexpr Code kApplicationActivity = {"110100", "Application Activity"};
constexpr Code kAuditLogUsed = {"110101", "Audit Log Used"};
constexpr Code kExport = {"110106", "Export"};
constexpr Code kPatientRecord = {"110110", "Patient Record"};
constexpr Code kSecurityAlert = {"110113", "Security Alert"};
constexpr Code kRestrictedFunction = {"110132", "Use of Restricted Function"};
constexpr Code kApplication = {"110150", "Application"};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The method's name: the path after its last '/'.
std::string_view MethodName(std::string_view action) {
  const size_t slash = action.rfind('/');
  return slash == std::string_view::npos ? action : action.substr(slash + 1);
}

Code EventType(const store::AuditRecord& record) {
  if (StartsWith(record.action, kDeliveryPrefix)) return kExport;
  if (StartsWith(record.action, kAuditService)) return kAuditLogUsed;
  if (record.outcome == kAuditDenied) return kSecurityAlert;
  if (!record.partition.empty()) return kPatientRecord;
  return kApplicationActivity;
}

std::string Instant(int64_t at_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(at_ms), absl::UTCTimeZone());
}

// {"coding": [{system, code, display}]}
json::Value Concept(json::Document& doc, std::string_view system, std::string_view code,
                    std::string_view display = {}) {
  json::Value concept_value = doc.MakeObject();
  json::Value codings = doc.Set(concept_value, "coding", doc.MakeArray());
  doc.Append(codings, Coding(doc, system, code, display));
  return concept_value;
}

// A Reference by identifier: {"identifier": {system, value}} with an optional type.
json::Value IdentifierReference(json::Document& doc, std::string_view system,
                                std::string_view value) {
  json::Value reference = doc.MakeObject();
  json::Value identifier = doc.Set(reference, "identifier", doc.MakeObject());
  SetString(doc, identifier, "system", system);
  SetString(doc, identifier, "value", value);
  return reference;
}

void AddRequestor(json::Document& doc, json::Value& event, const store::AuditRecord& record) {
  json::Value agents = doc.Set(event, "agent", doc.MakeArray());
  json::Value agent = doc.MakeObject();
  doc.Set(agent, "type", Concept(doc, kDicomSystem, kApplication.code, kApplication.display));
  if (!record.role.empty()) {
    json::Value roles = doc.Set(agent, "role", doc.MakeArray());
    doc.Append(roles, Concept(doc, kClientRoleSystem, record.role));
  }
  doc.Set(agent, "who", IdentifierReference(doc, kClientSystem, record.client));
  doc.Set(agent, "requestor", json::Document::MakeBool(true));
  doc.Append(agents, agent);
}

void AddSource(json::Document& doc, json::Value& event, std::string_view observer) {
  json::Value source = doc.Set(event, "source", doc.MakeObject());
  json::Value who = doc.Set(source, "observer", doc.MakeObject());
  SetString(doc, who, "type", "Device");
  SetString(doc, who, "display", observer);
  json::Value types = doc.Set(source, "type", doc.MakeArray());
  doc.Append(types, Coding(doc, kSourceTypeSystem, "4", "Application Server"));
}

// An entity identified by `system`|`value`, of audit-entity-type `type` and object-role `role`.
json::Value Entity(json::Document& doc, std::string_view system, std::string_view value, Code type,
                   Code role) {
  json::Value entity = doc.MakeObject();
  doc.Set(entity, "what", IdentifierReference(doc, system, value));
  doc.Set(entity, "type", Coding(doc, kEntityTypeSystem, type.code, type.display));
  doc.Set(entity, "role", Coding(doc, kObjectRoleSystem, role.code, role.display));
  return entity;
}

void AddEntities(json::Document& doc, json::Value& event, const store::AuditRecord& record) {
  const std::string_view destination = DeliveryDestination(record.action);
  if (record.partition.empty() && destination.empty()) return;
  json::Value entities = doc.Set(event, "entity", doc.MakeArray());
  if (!record.partition.empty()) {
    doc.Append(entities, Entity(doc, kPatientPseudonymSystem, record.partition, {"1", "Person"},
                                {"1", "Patient"}));
  }
  if (!destination.empty()) {
    doc.Append(entities, Entity(doc, kDestinationSystem, destination, {"2", "System Object"},
                                {"16", "Data Destination"}));
  }
}

}  // namespace

std::string DeliveryAction(std::string_view destination) {
  return std::string(kDeliveryPrefix) + std::string(destination);
}

std::string_view DeliveryDestination(std::string_view action) {
  return StartsWith(action, kDeliveryPrefix) ? action.substr(kDeliveryPrefix.size())
                                             : std::string_view();
}

std::string_view AuditEventAction(std::string_view action) {
  if (StartsWith(action, kDeliveryPrefix)) return "R";
  const std::string_view name = MethodName(action);
  for (std::string_view read : {"Get", "List", "Watch", "Subscribe"}) {
    if (StartsWith(name, read)) return "R";
  }
  for (std::string_view create : {"Submit", "ProcessMessage"}) {
    if (StartsWith(name, create)) return "C";
  }
  for (std::string_view update : {"Put", "Update", "Acknowledge", "Reject", "Replay"}) {
    if (StartsWith(name, update)) return "U";
  }
  if (StartsWith(name, "Delete")) return "D";
  return "E";
}

std::string_view AuditEventOutcomeCode(AuditEventOutcome outcome) {
  switch (outcome) {
    case AuditEventOutcome::kSuccess:
      return "0";
    case AuditEventOutcome::kMinorFailure:
      return "4";
    case AuditEventOutcome::kSeriousFailure:
      return "8";
  }
  return "8";
}

AuditEventOutcome AuditEventOutcomeOf(std::string_view outcome, grpc::StatusCode code) {
  if (outcome == kAuditSuccess) return AuditEventOutcome::kSuccess;
  if (outcome == kAuditDenied || outcome == kAuditWithheld) return AuditEventOutcome::kMinorFailure;
  if (outcome != kAuditFailed) return AuditEventOutcome::kSeriousFailure;
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return AuditEventOutcome::kSeriousFailure;
    default:
      return AuditEventOutcome::kMinorFailure;
  }
}

bool IsPseudonym(std::string_view text) {
  if (text.size() != 34 || !StartsWith(text, "p-")) return false;
  for (char c : text.substr(2)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

json::Document BuildAuditEvent(const store::AuditRecord& record, AuditEventOutcome outcome,
                               std::string_view observer) {
  json::Document doc;
  json::Value& event = doc.root() = doc.MakeObject();
  SetString(doc, event, "resourceType", "AuditEvent");
  const Code type = EventType(record);
  doc.Set(event, "type", Coding(doc, kDicomSystem, type.code, type.display));
  json::Value subtypes = doc.Set(event, "subtype", doc.MakeArray());
  if (record.outcome == kAuditDenied) {
    doc.Append(subtypes,
               Coding(doc, kDicomSystem, kRestrictedFunction.code, kRestrictedFunction.display));
  }
  doc.Append(subtypes, Coding(doc, kRpcMethodSystem, record.action));
  SetString(doc, event, "action", AuditEventAction(record.action));
  SetString(doc, event, "recorded", Instant(record.at_ms));
  SetString(doc, event, "outcome", AuditEventOutcomeCode(outcome));
  if (outcome != AuditEventOutcome::kSuccess || !record.reason.empty()) {
    std::string description = record.outcome;
    if (!record.reason.empty()) description += ": " + record.reason;
    SetString(doc, event, "outcomeDesc", description);
  }
  AddRequestor(doc, event, record);
  AddSource(doc, event, observer);
  AddEntities(doc, event, record);
  return doc;
}

std::string AuditEventJson(const store::AuditRecord& record, AuditEventOutcome outcome,
                           std::string_view observer) {
  return json::Write(BuildAuditEvent(record, outcome, observer).root());
}

}  // namespace zorgbrug::gateway
