// Encounter <-> FHIR Encounter, both directions. The mapping table is in adapters/epd/README.md;
// the department travels as Encounter.serviceType.text (free text, the hospital's own name of the
// service), the only R4 Encounter element that holds a service name without a Location resource.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/fhir_terms.h"
#include "adapters/epd/families.h"

namespace zorgbrug::adapters::epd::internal {
namespace {

namespace json = fhir::json;
using common::kActCodeSystem;
using fhir::IssueType;
using fhir::Severity;

struct ClassCode {
  v1::EncounterClass value;
  std::string_view code;
  std::string_view display;
};
// v3 ActCode codes of epd.proto EncounterClass (http://terminology.hl7.org/CodeSystem/v3-ActCode).
constexpr ClassCode kClassCodes[] = {
    {v1::ENCOUNTER_CLASS_INPATIENT, "IMP", "inpatient encounter"},
    {v1::ENCOUNTER_CLASS_AMBULATORY, "AMB", "ambulatory"},
    {v1::ENCOUNTER_CLASS_EMERGENCY, "EMER", "emergency"},
    {v1::ENCOUNTER_CLASS_HOME, "HH", "home health"},
    {v1::ENCOUNTER_CLASS_VIRTUAL, "VR", "virtual"},
};

struct StatusCode {
  v1::EncounterStatus value;
  std::string_view code;
};
// http://hl7.org/fhir/R4/valueset-encounter-status.html, the subset of epd.proto EncounterStatus.
constexpr StatusCode kStatusCodes[] = {
    {v1::ENCOUNTER_STATUS_PLANNED, "planned"},
    {v1::ENCOUNTER_STATUS_IN_PROGRESS, "in-progress"},
    {v1::ENCOUNTER_STATUS_FINISHED, "finished"},
    {v1::ENCOUNTER_STATUS_CANCELLED, "cancelled"},
};

void Unmapped(fhir::IssueSink& issues, std::string expression, std::string_view what) {
  Report(issues, Severity::kInformation, IssueType::kInformational, std::move(expression),
         std::string(what) + " has no counterpart in the EPD record and was not mapped");
}

void SetReference(json::Document& doc, json::Value& object, std::string_view name,
                  std::string_view full_url) {
  json::Value reference = doc.Set(object, name, doc.MakeObject());
  SetString(doc, reference, "reference", full_url);
}

// Checks what EncounterToFhir needs from the encounter itself; reports at the field paths.
bool CheckEncounter(const v1::Encounter& encounter, const std::string& field, BundleWriter& out,
                    fhir::IssueSink& issues) {
  bool ok = true;
  if (encounter.local_key().empty()) {
    Error(issues, IssueType::kRequired, field + ".local_key", "the encounter key is required");
    ok = false;
  }
  if (out.Find("Patient|" + encounter.patient_local_key()) == nullptr) {
    Error(issues, IssueType::kRequired, field + ".patient_local_key",
          "the patient key does not name a patient of the record");
    ok = false;
  }
  if (encounter.status() == v1::ENCOUNTER_STATUS_UNSPECIFIED) {
    Error(issues, IssueType::kRequired, field + ".status", "the status is required");
    ok = false;
  }
  if (encounter.encounter_class() == v1::ENCOUNTER_CLASS_UNSPECIFIED) {
    Error(issues, IssueType::kRequired, field + ".encounter_class", "the class is required");
    ok = false;
  }
  const bool has_start = encounter.has_start() && !InstantText(encounter.start()).empty();
  if (!has_start && encounter.status() != v1::ENCOUNTER_STATUS_PLANNED) {
    Error(issues, IssueType::kRequired, field + ".start",
          "the start is required unless the encounter is planned");
    ok = false;
  }
  if (has_start && encounter.has_end() &&
      (encounter.end().seconds() < encounter.start().seconds() ||
       (encounter.end().seconds() == encounter.start().seconds() &&
        encounter.end().nanos() < encounter.start().nanos()))) {
    Error(issues, IssueType::kInvariant, field + ".end", "the end is before the start");
    ok = false;
  }
  return ok;
}

void SetCodes(json::Document& doc, json::Value& resource, const v1::Encounter& encounter) {
  for (const StatusCode& s : kStatusCodes) {
    if (s.value == encounter.status()) SetString(doc, resource, "status", s.code);
  }
  for (const ClassCode& c : kClassCodes) {
    if (c.value == encounter.encounter_class()) {
      doc.Set(resource, "class", Coding(doc, kActCodeSystem, c.code, c.display));
    }
  }
}

void SetPeriod(json::Document& doc, json::Value& resource, const v1::Encounter& encounter) {
  std::string start = InstantText(encounter.start());
  std::string end = InstantText(encounter.end());
  if (start.empty() && end.empty()) return;
  json::Value period = doc.Set(resource, "period", doc.MakeObject());
  SetString(doc, period, "start", start);
  SetString(doc, period, "end", end);
}

}  // namespace

void EncounterToFhir(const v1::Encounter& encounter, const std::string& field, BundleWriter& out,
                     fhir::IssueSink& issues) {
  if (!CheckEncounter(encounter, field, out, issues)) return;
  // The organisation and professionals first, so that a bad one refuses the encounter before it
  // is written; the full organisation before the professionals that may name it by number.
  std::string provider;
  if (encounter.has_service_provider()) {
    provider =
        OrganisationToFhir(encounter.service_provider(), field + ".service_provider", out, issues);
    if (provider.empty()) return;
  }
  std::vector<std::string> attending;
  for (int i = 0; i < encounter.attending_size(); ++i) {
    attending.push_back(ProfessionalToFhir(
        encounter.attending(i), field + ".attending[" + std::to_string(i) + "]", out, issues));
    if (attending.back().empty()) return;
  }
  json::Document& doc = out.doc();
  BundleWriter::Entry entry = out.Add("Encounter");
  json::Value identifier = AppendObject(doc, entry.resource, "identifier");
  SetString(doc, identifier, "system", out.context().local_key_system_base + "/encounter");
  SetString(doc, identifier, "value", encounter.local_key());
  SetCodes(doc, entry.resource, encounter);
  if (!encounter.department().empty()) {
    json::Value service_type = doc.Set(entry.resource, "serviceType", doc.MakeObject());
    SetString(doc, service_type, "text", encounter.department());
  }
  SetReference(doc, entry.resource, "subject",
               *out.Find("Patient|" + encounter.patient_local_key()));
  for (const std::string& url : attending) {
    json::Value participant = AppendObject(doc, entry.resource, "participant");
    SetReference(doc, participant, "individual", url);
  }
  SetPeriod(doc, entry.resource, encounter);
  if (!provider.empty()) SetReference(doc, entry.resource, "serviceProvider", provider);
}

namespace {

// The resource value.<member>.reference points to when it has `type`; else nullptr with an error.
const BundleReader::Resource* Follow(const json::Value& reference, const std::string& at,
                                     std::string_view type, const BundleReader& in,
                                     fhir::IssueSink& issues) {
  ReportUnmapped(reference, at, {"reference"}, issues);
  const BundleReader::Resource* target = in.Resolve(reference.FindString("reference"));
  if (target == nullptr || target->value.FindString("resourceType") != type) {
    Error(issues, IssueType::kValue, at + ".reference",
          "the reference does not point to a " + std::string(type) + " in the Bundle");
    return nullptr;
  }
  return target;
}

void ReadLocalKey(const json::Value& encounter, const std::string& path,
                  const MappingContext& context, v1::Encounter& out, fhir::IssueSink& issues) {
  const std::string system = context.local_key_system_base + "/encounter";
  std::span<const json::Value> identifiers = Items(encounter, "identifier");
  for (size_t i = 0; i < identifiers.size(); ++i) {
    if (identifiers[i].FindString("system") == system && out.local_key().empty()) {
      out.set_local_key(std::string(identifiers[i].FindString("value")));
    } else {
      Unmapped(issues, Indexed(path, "identifier", i), "this identifier");
    }
  }
  if (out.local_key().empty()) out.set_local_key(LocalKeyOf(encounter, system, path, issues));
}

void ReadCodes(const json::Value& encounter, const std::string& path, v1::Encounter& out,
               fhir::IssueSink& issues) {
  std::string_view status = encounter.FindString("status");
  for (const StatusCode& s : kStatusCodes) {
    if (s.code == status) out.set_status(s.value);
  }
  if (out.status() == v1::ENCOUNTER_STATUS_UNSPECIFIED) {
    Error(issues, IssueType::kCodeInvalid, path + ".status",
          "the status is not one the EPD record carries");
  }
  const json::Value* coding = encounter.Find("class");
  if (coding != nullptr && coding->FindString("system") == kActCodeSystem) {
    for (const ClassCode& c : kClassCodes) {
      if (c.code == coding->FindString("code")) out.set_encounter_class(c.value);
    }
    ReportUnmapped(*coding, path + ".class", {"system", "code", "display"}, issues);
  }
  if (out.encounter_class() == v1::ENCOUNTER_CLASS_UNSPECIFIED) {
    Error(issues, IssueType::kCodeInvalid, path + ".class",
          "the class is not a v3 ActCode the EPD record carries");
  }
}

void ReadPeriod(const json::Value& encounter, const std::string& path, v1::Encounter& out,
                fhir::IssueSink& issues) {
  const json::Value* period = encounter.Find("period");
  if (period == nullptr) return;
  for (std::string_view name : {"start", "end"}) {
    std::string_view text = period->FindString(name);
    if (text.empty()) continue;
    google::protobuf::Timestamp* target = name == "start" ? out.mutable_start() : out.mutable_end();
    if (!ParseInstant(text, *target)) {
      Error(issues, IssueType::kValue, path + ".period." + std::string(name),
            "not a dateTime with seconds and a time zone");
    }
  }
  ReportUnmapped(*period, path + ".period", {"start", "end"}, issues);
}

void ReadServiceType(const json::Value& encounter, const std::string& path, v1::Encounter& out,
                     fhir::IssueSink& issues) {
  const json::Value* service_type = encounter.Find("serviceType");
  if (service_type == nullptr) return;
  out.set_department(std::string(service_type->FindString("text")));
  ReportUnmapped(*service_type, path + ".serviceType", {"text"}, issues);
}

void ReadSubject(const json::Value& encounter, const std::string& path, const BundleReader& in,
                 const MappingContext& context, v1::Encounter& out, fhir::IssueSink& issues) {
  const json::Value* subject = encounter.Find("subject");
  if (subject == nullptr) {
    Error(issues, IssueType::kRequired, path + ".subject", "the encounter has no subject");
    return;
  }
  const BundleReader::Resource* patient =
      Follow(*subject, path + ".subject", "Patient", in, issues);
  if (patient == nullptr) return;
  // The same key PatientFromFhir gives that Patient (its resource id when it has no EPD key).
  fhir::IssueCollector already_reported;  // PatientFromFhir reports the fallback once
  out.set_patient_local_key(LocalKeyOf(patient->value, context.local_key_system_base + "/patient",
                                       patient->expression, already_reported));
}

void ReadParticipants(const json::Value& encounter, const std::string& path, const BundleReader& in,
                      v1::Encounter& out, fhir::IssueSink& issues) {
  std::span<const json::Value> participants = Items(encounter, "participant");
  for (size_t i = 0; i < participants.size(); ++i) {
    const std::string at = Indexed(path, "participant", i);
    ReportUnmapped(participants[i], at, {"individual"}, issues);
    const json::Value* individual = participants[i].Find("individual");
    if (individual == nullptr) continue;
    const BundleReader::Resource* target = in.Resolve(individual->FindString("reference"));
    std::string_view type = target ? target->value.FindString("resourceType") : "";
    if (type != "Practitioner" && type != "PractitionerRole") {
      Error(issues, IssueType::kValue, at + ".individual.reference",
            "the participant is not a Practitioner or PractitionerRole in the Bundle");
      continue;
    }
    ReportUnmapped(*individual, at + ".individual", {"reference"}, issues);
    ProfessionalFromFhir(*target, in, *out.add_attending(), issues);
  }
}

}  // namespace

void EncounterFromFhir(const BundleReader::Resource& encounter, const BundleReader& in,
                       const MappingContext& context, v1::Encounter& out, fhir::IssueSink& issues) {
  in.MarkUsed(encounter);
  const json::Value& value = encounter.value;
  const std::string& path = encounter.expression;
  ReadLocalKey(value, path, context, out, issues);
  ReadCodes(value, path, out, issues);
  ReadServiceType(value, path, out, issues);
  ReadSubject(value, path, in, context, out, issues);
  ReadParticipants(value, path, in, out, issues);
  ReadPeriod(value, path, out, issues);
  if (const json::Value* provider = value.Find("serviceProvider")) {
    if (const BundleReader::Resource* org =
            Follow(*provider, path + ".serviceProvider", "Organization", in, issues)) {
      OrganisationFromFhir(*org, in, *out.mutable_service_provider(), issues);
    }
  }
  ReportUnmapped(value, path,
                 {"id", "meta", "identifier", "status", "class", "serviceType", "subject",
                  "participant", "period", "serviceProvider"},
                 issues);
}

}  // namespace zorgbrug::adapters::epd::internal
