#pragma once

// The events zorgbrug's messaging engine carries, as the project's own published code system
// https://zorgbrug.be/fhir/CodeSystem/message-event (R4 defines no events of its own:
// http://hl7.org/fhir/R4/messaging.html#events), with the resource types that are the focus of
// each event (MessageHeader.focus). See gateway/messaging/README.md.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace zorgbrug::gateway::messaging {

inline constexpr std::string_view kMessageEventSystem =
    "https://zorgbrug.be/fhir/CodeSystem/message-event";
inline constexpr std::string_view kMessageEventVersion = "1.0.0";

// The events, in the order of the published code system. No proto enum: events travel as FHIR
// codes, the gRPC API names its submission kinds by RPC.
enum class MessageEvent {
  kEpdRecord,             // "epd-record": patients, encounters and pregnancies from an EPD
  kBibScreening,          // "bib-screening": a Born in Belgium screening
  kConsultationRecord,    // "consultation-record": a multidisciplinary consultation
  kCarePlanContribution,  // "care-plan-contribution": tasks contributed to a care plan
  kCarePlanUpdate,        // "care-plan-update": a new version of a care and support plan
};

// Every event, in code system order.
std::span<const MessageEvent> AllEvents();

std::string_view EventCode(MessageEvent event);
std::string_view EventDisplay(MessageEvent event);
std::string_view EventDefinition(MessageEvent event);
// The event of `code` in kMessageEventSystem; nullopt for any other code.
std::optional<MessageEvent> EventFromCode(std::string_view code);

// The resource types whose entries are the event's focus (MessageHeader.focus): every entry of
// these types in the translation's Bundle is a focus, and a focus of another type is an error.
//   epd-record              Patient, Encounter, Observation (the record's three families:
//                           patients, encounters, pregnancies)
//   bib-screening           QuestionnaireResponse (the screening; its Observations derive from it)
//   consultation-record     Encounter (the consultation; CareTeam, Communication, Task, Consent,
//                           ChargeItem all point to it)
//   care-plan-contribution  Task (each contribution is a BeTask)
//   care-plan-update        CarePlan
std::span<const std::string_view> FocusTypes(MessageEvent event);
bool IsFocusType(MessageEvent event, std::string_view resource_type);

// The CodeSystem resource (R4 JSON, version kMessageEventVersion, status active, content
// complete), as the project publishes it. Validates against R4 without error.
const std::string& EventCodeSystem();

}  // namespace zorgbrug::gateway::messaging
