#pragma once

// The FHIR R4 AuditEvent of one access to the gateway (issue #9): who (the client of the mutual
// TLS certificate and its role), what (the RPC method, or a delivery to a destination), which
// patient (by keyed pseudonym, never a name or an SSIN) and how it ended. Pure: the instant and
// every value come from the caller. The shape, field by field, is in gateway/README.md ("Audit").
//
// Codes (http://hl7.org/fhir/R4/auditevent.html and its value sets):
//   type      DICOM (http://dicom.nema.org/resources/ontology/DCM) from audit-event-type:
//             110106 Export for a delivery, 110101 Audit Log Used for the AuditEvents service,
//             110113 Security Alert for a denied call, 110110 Patient Record for a call about a
//             patient, 110100 Application Activity otherwise.
//   subtype   the RPC method (or "deliver:<destination>") in kRpcMethodSystem; a denied call
//             also carries DICOM 110132 Use of Restricted Function.
//   action    AuditEventAction(): C, R, U, D or E.
//   outcome   audit-event-outcome: 0 success; 4 minor failure (the caller's request was refused:
//             denied, withheld, and failed with a status the caller causes); 8 serious failure
//             (the gateway could not do it: INTERNAL, UNAVAILABLE, DATA_LOSS, UNKNOWN,
//             DEADLINE_EXCEEDED). outcomeDesc: "<outcome>: <reason>".

#include <cstdint>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "fhir/json/value.h"
#include "gateway/store/message_store.h"

namespace zorgbrug::gateway {

// Identifier systems and code systems of our own.
inline constexpr char kClientSystem[] = "https://zorgbrug.be/fhir/NamingSystem/client";
inline constexpr char kClientRoleSystem[] = "https://zorgbrug.be/fhir/CodeSystem/client-role";
inline constexpr char kPatientPseudonymSystem[] =
    "https://zorgbrug.be/fhir/NamingSystem/patient-pseudonym";
inline constexpr char kDestinationSystem[] = "https://zorgbrug.be/fhir/NamingSystem/destination";
inline constexpr char kRpcMethodSystem[] = "https://zorgbrug.be/fhir/CodeSystem/rpc-method";

// The words of store::AuditRecord::outcome.
inline constexpr char kAuditSuccess[] = "success";
inline constexpr char kAuditDenied[] = "denied";
inline constexpr char kAuditWithheld[] = "withheld";
inline constexpr char kAuditFailed[] = "failed";

// The action of a delivery to `destination`: "deliver:<destination>".
std::string DeliveryAction(std::string_view destination);
// The destination of a DeliveryAction; empty for any other action.
std::string_view DeliveryDestination(std::string_view action);

// AuditEvent.action of an action (the RPC method's name decides): a delivery and
// Get*/List*/Watch*/Subscribe -> R; Submit*/ProcessMessage -> C; Put*/Update*/Acknowledge/Reject/
// Replay* -> U; Delete* -> D; everything else (translations, validation, rules) -> E.
std::string_view AuditEventAction(std::string_view action);

// AuditEvent.outcome (audit-event-outcome).
enum class AuditEventOutcome { kSuccess, kMinorFailure, kSeriousFailure };
// "0", "4", "8".
std::string_view AuditEventOutcomeCode(AuditEventOutcome outcome);
// The outcome of a record: success -> kSuccess; denied and withheld -> kMinorFailure; failed ->
// kSeriousFailure for a fault of the gateway (`code` INTERNAL, UNAVAILABLE, DATA_LOSS, UNKNOWN,
// DEADLINE_EXCEEDED), kMinorFailure for any other code. An unknown word is kSeriousFailure.
AuditEventOutcome AuditEventOutcomeOf(std::string_view outcome, grpc::StatusCode code);

// Whether `text` is a patient pseudonym: "p-" and 32 lowercase hex digits
// (MessagingEngine::Pseudonym).
bool IsPseudonym(std::string_view text);

// The AuditEvent of `record` (its event_json and sequence are not read), observed by the gateway
// called `observer` (source.observer.display). `record.at_ms` becomes `recorded`, to the
// millisecond in UTC.
fhir::json::Document BuildAuditEvent(const store::AuditRecord& record, AuditEventOutcome outcome,
                                     std::string_view observer);
// BuildAuditEvent written as compact JSON.
std::string AuditEventJson(const store::AuditRecord& record, AuditEventOutcome outcome,
                           std::string_view observer);

}  // namespace zorgbrug::gateway
