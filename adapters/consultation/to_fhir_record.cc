// ConsultationRecord -> FHIR R4, continued: what the consultation produced (the Communication of
// its decisions, the DocumentReference of its report, a Task per agreed action), the person's
// Consent and the ChargeItems of its billing. The mapping table is in
// adapters/consultation/README.md.

#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "adapters/common/tariff.h"
#include "adapters/consultation/fhir_shape.h"
#include "adapters/consultation/to_fhir_writer.h"

namespace zorgbrug::adapters::consultation::internal {
namespace {}  // namespace

namespace json = fhir::json;
using common::AppendObject;
using common::BundleWriter;
using common::Cat;
using common::SetString;

void RecordWriter::AddCommunication() {
  BundleWriter::Entry entry = out_.Add("Communication", {});
  json::Value& communication = entry.resource;
  if (!r_.care_plan_local_key().empty()) {
    doc_.Append(doc_.Set(communication, "basedOn", doc_.MakeArray()),
                KeyReference(kCarePlanKey, r_.care_plan_local_key()));
  }
  SetString(doc_, communication, "status", "completed");
  doc_.Append(doc_.Set(communication, "category", doc_.MakeArray()),
              Concept(kRecordSystem, kDecisionsCode, "Decisions of the consultation"));
  doc_.Set(communication, "subject", KeyReference(kPatientKey, r_.patient_local_key()));
  doc_.Set(communication, "encounter", Reference(encounter_));
  SetString(doc_, communication, "sent", common::InstantText(r_.end()));
  if (json::Value sender = MemberReference(organiser_); sender.IsObject()) {
    doc_.Set(communication, "sender", sender);
  }
  for (const std::string& decision : r_.decisions()) {
    json::Value payload = AppendObject(doc_, communication, "payload");
    SetString(doc_, payload, "contentString", decision);
  }
}

void RecordWriter::AddReport() {
  if (r_.report().empty()) return;
  BundleWriter::Entry entry = out_.Add("DocumentReference", {});
  json::Value& document = entry.resource;
  SetString(doc_, document, "status", "current");
  doc_.Set(document, "type", Concept(kLoincSystem, "11488-4", "Consult note"));
  doc_.Append(doc_.Set(document, "category", doc_.MakeArray()),
              Concept(kRecordSystem, kReportCode, "Report of the consultation"));
  doc_.Set(document, "subject", KeyReference(kPatientKey, r_.patient_local_key()));
  SetString(doc_, document, "date", common::InstantText(r_.end()));
  if (json::Value author = MemberReference(organiser_); author.IsObject()) {
    doc_.Append(doc_.Set(document, "author", doc_.MakeArray()), author);
  }
  json::Value content = AppendObject(doc_, document, "content");
  json::Value attachment = doc_.Set(content, "attachment", doc_.MakeObject());
  SetString(doc_, attachment, "contentType", kReportContentType);
  std::string data;
  absl::Base64Escape(r_.report(), &data);
  SetString(doc_, attachment, "data", data);
  json::Value context = doc_.Set(document, "context", doc_.MakeObject());
  doc_.Append(doc_.Set(context, "encounter", doc_.MakeArray()), Reference(encounter_));
}

void RecordWriter::AddTasks() {
  for (const v1::AgreedAction& action : r_.actions()) {
    BundleWriter::Entry entry = out_.Add("Task", kTaskProfile);
    json::Value& task = entry.resource;
    // BeTask requires a candidate: the owner, or the organiser while nobody took the action on.
    json::Value candidate = PersonReference(action.owner() >= 0 ? action.owner() : organiser_);
    if (!candidate.IsObject()) candidate = KeyReference(kPatientKey, r_.patient_local_key());
    json::Value extension = AppendObject(doc_, task, "extension");
    SetString(doc_, extension, "url", kCandidateListExtension);
    doc_.Set(extension, "valueReference", candidate);
    AddIdentifier(task, kActionKey, action.local_key());
    if (!r_.care_plan_local_key().empty()) {
      doc_.Append(doc_.Set(task, "basedOn", doc_.MakeArray()),
                  KeyReference(kCarePlanKey, r_.care_plan_local_key()));
    }
    SetString(doc_, task, "status", action.owner() >= 0 ? "accepted" : "requested");
    SetString(doc_, task, "intent", "plan");
    SetString(doc_, task, "description", action.description());
    doc_.Set(task, "for", KeyReference(kPatientKey, r_.patient_local_key()));
    doc_.Set(task, "encounter", Reference(encounter_));
    SetString(doc_, task, "authoredOn", common::InstantText(r_.end()));
    if (json::Value requester = MemberReference(organiser_); requester.IsObject()) {
      doc_.Set(task, "requester", requester);
    }
    if (json::Value owner = MemberReference(action.owner()); owner.IsObject()) {
      doc_.Set(task, "owner", owner);
    }
    if (std::string due = common::DateText(action.due()); !due.empty()) {
      json::Value restriction = doc_.Set(task, "restriction", doc_.MakeObject());
      json::Value period = doc_.Set(restriction, "period", doc_.MakeObject());
      SetString(doc_, period, "end", due);
    }
  }
}

void RecordWriter::AddConsent() {
  if (r_.consent() == v1::CONSULTATION_CONSENT_UNSPECIFIED) return;
  BundleWriter::Entry entry = out_.Add("Consent", {});
  json::Value& consent = entry.resource;
  const bool given = r_.consent() == v1::CONSULTATION_CONSENT_GIVEN;
  SetString(doc_, consent, "status", given ? "active" : "rejected");
  doc_.Set(consent, "scope", Concept(kConsentScopeSystem, "patient-privacy", "Privacy Consent"));
  doc_.Append(doc_.Set(consent, "category", doc_.MakeArray()),
              Concept(kLoincSystem, "59284-0", "Patient Consent"));
  doc_.Set(consent, "patient", KeyReference(kPatientKey, r_.patient_local_key()));
  SetString(doc_, consent, "dateTime", common::InstantText(r_.start()));
  // The consultation and its sharing, under an opt-in policy (ppc-1 requires a policy rule).
  doc_.Set(consent, "policyRule", Concept(kActCodeSystem, "OPTIN", "opt-in"));
  json::Value provision = doc_.Set(consent, "provision", doc_.MakeObject());
  json::Value data = AppendObject(doc_, provision, "data");
  SetString(doc_, data, "meaning", "related");
  doc_.Set(data, "reference", Reference(encounter_));
}

void RecordWriter::AddCharges(const v1::ConsultationBilling& billing) {
  for (int i = 0; i < billing.lines_size(); ++i) {
    const v1::BillingLine& line = billing.lines(i);
    BundleWriter::Entry entry = out_.Add("ChargeItem", {});
    json::Value& charge = entry.resource;
    AddIdentifier(charge, kChargeKey, Cat({r_.local_key(), "/", std::to_string(i)}));
    SetString(doc_, charge, "status", line.accepted() ? "billable" : "not-billable");
    doc_.Set(charge, "code", Concept(line.system(), line.code(), {}));
    doc_.Set(charge, "subject", KeyReference(kPatientKey, r_.patient_local_key()));
    doc_.Set(charge, "context", Reference(encounter_));
    SetString(doc_, charge, "occurrenceDateTime", common::InstantText(r_.start()));
    if (json::Value actor = MemberReference(line.participant()); actor.IsObject()) {
      json::Value performer = AppendObject(doc_, charge, "performer");
      doc_.Set(performer, "actor", actor);
    }
    json::Value quantity = doc_.Set(charge, "quantity", doc_.MakeObject());
    doc_.Set(quantity, "value", doc_.MakeInteger(line.quantity()));
    if (line.amount_cents() != 0) {
      json::Value price = doc_.Set(charge, "priceOverride", doc_.MakeObject());
      doc_.Set(price, "value", doc_.MakeNumber(common::EuroText(line.amount_cents())));
      SetString(doc_, price, "currency", "EUR");
    }
    for (const v1::RuleReason& reason : line.reasons()) {
      json::Value note = AppendObject(doc_, charge, "note");
      SetString(doc_, note, "text", Cat({reason.rule(), ": ", reason.text()}));
    }
  }
}

}  // namespace zorgbrug::adapters::consultation::internal
