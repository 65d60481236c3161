#include "gateway/messaging/events.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/common/bundle_io.h"
#include "fhir/json/value.h"
#include "fhir/json/writer.h"

namespace zorgbrug::gateway::messaging {
namespace {

namespace json = fhir::json;
using adapters::common::AppendObject;
using adapters::common::SetString;

constexpr std::array<std::string_view, 3> kEpdFocus = {"Patient", "Encounter", "Observation"};
constexpr std::array<std::string_view, 1> kBibFocus = {"QuestionnaireResponse"};
constexpr std::array<std::string_view, 1> kConsultationFocus = {"Encounter"};
constexpr std::array<std::string_view, 1> kContributionFocus = {"Task"};
constexpr std::array<std::string_view, 1> kCarePlanFocus = {"CarePlan"};

struct EventRow {
  MessageEvent event;
  std::string_view code;
  std::string_view display;
  std::string_view definition;
  std::span<const std::string_view> focus;
};

// One row per event, in enum order (the order of the published code system).
constexpr std::array<EventRow, 5> kEvents = {{
    {MessageEvent::kEpdRecord, "epd-record", "EPD record",
     "Patients, encounters and pregnancies submitted by a hospital or practice EPD. Focus: every "
     "Patient, Encounter and pregnancy Observation of the record.",
     kEpdFocus},
    {MessageEvent::kBibScreening, "bib-screening", "Born in Belgium screening",
     "A Born in Belgium psychosocial screening with its indicators, the programme's eligibility "
     "result and the care-plan contributions it leads to. Focus: the QuestionnaireResponse.",
     kBibFocus},
    {MessageEvent::kConsultationRecord, "consultation-record", "Consultation record",
     "A multidisciplinary consultation (perinatal consultation, MDO, oncological MOC) with its "
     "participants, decisions, agreed actions and billing lines. Focus: the Encounter.",
     kConsultationFocus},
    {MessageEvent::kCarePlanContribution, "care-plan-contribution", "Care plan contribution",
     "Tasks contributed to a person's care and support plan by a screening or a consultation. "
     "Focus: every contributed Task.",
     kContributionFocus},
    {MessageEvent::kCarePlanUpdate, "care-plan-update", "Care plan update",
     "A new version of a person's digital care and support plan. Focus: the CarePlan.",
     kCarePlanFocus},
}};

constexpr std::array<MessageEvent, 5> kAllEvents = {
    MessageEvent::kEpdRecord, MessageEvent::kBibScreening, MessageEvent::kConsultationRecord,
    MessageEvent::kCarePlanContribution, MessageEvent::kCarePlanUpdate};

constexpr bool RowsInEnumOrder() {
  for (size_t i = 0; i < kEvents.size(); ++i) {
    if (static_cast<size_t>(kEvents[i].event) != i) return false;
  }
  return true;
}
static_assert(RowsInEnumOrder(), "kEvents is indexed by MessageEvent");

const EventRow& Row(MessageEvent event) { return kEvents[static_cast<size_t>(event)]; }

std::string BuildCodeSystem() {
  constexpr std::string_view kTitle = "zorgbrug message events";
  json::Document doc;
  json::Value& cs = doc.root() = doc.MakeObject();
  SetString(doc, cs, "resourceType", "CodeSystem");
  SetString(doc, cs, "id", "message-event");
  json::Value text = doc.Set(cs, "text", doc.MakeObject());
  SetString(doc, text, "status", "generated");
  SetString(doc, text, "div",
            adapters::common::Cat(
                {"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>", kTitle, "</p></div>"}));
  SetString(doc, cs, "url", kMessageEventSystem);
  SetString(doc, cs, "version", kMessageEventVersion);
  SetString(doc, cs, "name", "ZorgbrugMessageEvent");
  SetString(doc, cs, "title", kTitle);
  SetString(doc, cs, "status", "active");
  SetString(doc, cs, "publisher", "zorgbrug");
  SetString(doc, cs, "description",
            "The events of zorgbrug's FHIR messages (MessageHeader.eventCoding): what a message "
            "Bundle carries and which of its resources are the message's focus.");
  doc.Set(cs, "caseSensitive", json::Document::MakeBool(true));
  SetString(doc, cs, "content", "complete");
  doc.Set(cs, "count", doc.MakeInteger(static_cast<int64_t>(kEvents.size())));
  for (const EventRow& row : kEvents) {
    json::Value concept_value = AppendObject(doc, cs, "concept");
    SetString(doc, concept_value, "code", row.code);
    SetString(doc, concept_value, "display", row.display);
    SetString(doc, concept_value, "definition", row.definition);
  }
  return json::Write(doc.root());
}

}  // namespace

std::span<const MessageEvent> AllEvents() { return kAllEvents; }

std::string_view EventCode(MessageEvent event) { return Row(event).code; }
std::string_view EventDisplay(MessageEvent event) { return Row(event).display; }
std::string_view EventDefinition(MessageEvent event) { return Row(event).definition; }

std::optional<MessageEvent> EventFromCode(std::string_view code) {
  for (const EventRow& row : kEvents) {
    if (row.code == code) return row.event;
  }
  return std::nullopt;
}

std::span<const std::string_view> FocusTypes(MessageEvent event) { return Row(event).focus; }

bool IsFocusType(MessageEvent event, std::string_view resource_type) {
  for (std::string_view type : FocusTypes(event)) {
    if (type == resource_type) return true;
  }
  return false;
}

const std::string& EventCodeSystem() {
  // Constant: built once, never destroyed (no static destructor, Google style).
  static const std::string* const kCodeSystem = new std::string(BuildCodeSystem());
  return *kCodeSystem;
}

}  // namespace zorgbrug::gateway::messaging
