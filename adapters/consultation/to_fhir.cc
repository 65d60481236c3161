// ConsultationRecord -> FHIR R4 (consultation.h ToFhir): the participants, the CareTeam and the
// Encounter here; the record's other resources in to_fhir_record.cc. The mapping table is in
// adapters/consultation/README.md.

#include <string>
#include <string_view>

#include "adapters/common/professional.h"
#include "adapters/common/related_person.h"
#include "adapters/consultation/consultation.h"
#include "adapters/consultation/fhir_shape.h"
#include "adapters/consultation/to_fhir_writer.h"
#include "fhir/identifiers.h"

namespace zorgbrug::adapters::consultation::internal {

namespace json = fhir::json;
using common::AppendObject;
using common::BundleWriter;
using common::Cat;
using common::Coding;
using common::SetString;

json::Value RecordWriter::Reference(std::string_view url) {
  json::Value ref = doc_.MakeObject();
  SetString(doc_, ref, "reference", url);
  return ref;
}

json::Value RecordWriter::KeyReference(std::string_view what, std::string_view key) {
  json::Value ref = doc_.MakeObject();
  json::Value id = doc_.Set(ref, "identifier", doc_.MakeObject());
  SetString(doc_, id, "system", KeySystem(out_.context(), what));
  SetString(doc_, id, "value", key);
  return ref;
}

json::Value RecordWriter::Concept(std::string_view system, std::string_view code,
                                  std::string_view display) {
  json::Value concept_value = doc_.MakeObject();
  doc_.Append(doc_.Set(concept_value, "coding", doc_.MakeArray()),
              Coding(doc_, system, code, display));
  return concept_value;
}

void RecordWriter::AddIdentifier(json::Value& resource, std::string_view what,
                                 std::string_view value) {
  json::Value identifier = AppendObject(doc_, resource, "identifier");
  SetString(doc_, identifier, "system", KeySystem(out_.context(), what));
  SetString(doc_, identifier, "value", value);
}

void RecordWriter::SetPeriod(json::Value& object, const google::protobuf::Timestamp& start,
                             const google::protobuf::Timestamp& end) {
  json::Value period = doc_.Set(object, "period", doc_.MakeObject());
  SetString(doc_, period, "start", common::InstantText(start));
  SetString(doc_, period, "end", common::InstantText(end));
}

json::Value RecordWriter::MemberReference(int participant) {
  if (participant < 0 || participant >= static_cast<int>(members_.size())) return json::Value();
  const Member& member = members_[static_cast<size_t>(participant)];
  if (member.client) return KeyReference(kPatientKey, r_.patient_local_key());
  return member.url.empty() ? json::Value() : Reference(member.url);
}

json::Value RecordWriter::PersonReference(int participant) {
  if (participant < 0 || participant >= static_cast<int>(members_.size())) return json::Value();
  const Member& member = members_[static_cast<size_t>(participant)];
  if (member.client) return KeyReference(kPatientKey, r_.patient_local_key());
  return member.person_url.empty() ? json::Value() : Reference(member.person_url);
}

void RecordWriter::AddPatient() {
  if (r_.patient_ssin().empty()) return;
  common::BundleWriter::Entry patient = out_.Add("Patient");
  patient_ = patient.full_url;
  AddIdentifier(patient.resource, kPatientKey, r_.patient_local_key());
  json::Value ssin = common::AppendObject(doc_, patient.resource, "identifier");
  SetString(doc_, ssin, "system", fhir::kSsinSystem);
  SetString(doc_, ssin, "value", fhir::NormalizeSsin(r_.patient_ssin()));
}

void RecordWriter::AddParticipants(fhir::IssueSink& issues) {
  for (int i = 0; i < r_.participants_size(); ++i) {
    const v1::ConsultationParticipant& p = r_.participants(i);
    const std::string field = Cat({"record.participants[", std::to_string(i), "]"});
    Member member;
    if (p.has_professional()) {
      member.url =
          common::ProfessionalToFhir(p.professional(), field + ".professional", out_, issues);
      if (const std::string* person = out_.Find("Practitioner|" + p.professional().nihdi())) {
        member.person_url = *person;
      }
    } else if (p.has_welfare_worker()) {
      const v1::WelfareWorker& worker = p.welfare_worker();
      member.url = common::WelfareWorkerToFhir(worker, field + ".welfare_worker", out_, issues);
      if (const std::string* person = out_.Find(Cat(
              {"Practitioner|", worker.identifier().system(), "|", worker.identifier().value()}))) {
        member.person_url = *person;
      }
    } else if (p.has_related_person()) {
      common::PatientLink patient;
      patient.system = KeySystem(out_.context(), kPatientKey);
      patient.value = r_.patient_local_key();
      member.url = common::RelatedPersonToFhir(p.related_person(), field + ".related_person",
                                               patient, out_, issues);
      member.person_url = member.url;
    } else if (p.has_client()) {
      member.client = true;
    } else {
      common::Report(issues, fhir::Severity::kError, fhir::IssueType::kRequired, field + ".who",
                     "the participant is neither a professional, a welfare worker, a related "
                     "person nor the client");
    }
    members_.push_back(std::move(member));
  }
  organiser_ = FindOrganiser();
}

// The organiser (function organiser), else the coordinator, else the first professional or welfare
// worker who took part; -1 when there is none.
int RecordWriter::FindOrganiser() const {
  for (v1::ConsultationFunction wanted :
       {v1::CONSULTATION_FUNCTION_ORGANISER, v1::CONSULTATION_FUNCTION_COORDINATOR}) {
    for (int i = 0; i < r_.participants_size(); ++i) {
      for (int f : r_.participants(i).functions()) {
        if (f == wanted && !members_[static_cast<size_t>(i)].url.empty()) return i;
      }
    }
  }
  for (int i = 0; i < r_.participants_size(); ++i) {
    const v1::ConsultationParticipant& p = r_.participants(i);
    if ((p.has_professional() || p.has_welfare_worker()) && p.present() &&
        !members_[static_cast<size_t>(i)].url.empty()) {
      return i;
    }
  }
  return -1;
}

void RecordWriter::AddCareTeam() {
  BundleWriter::Entry entry = out_.Add("CareTeam", kCareTeamProfile);
  json::Value& team = entry.resource;
  team_ = team;
  AddIdentifier(team, kConsultationKey, r_.local_key());
  SetString(doc_, team, "status", "inactive");
  doc_.Append(doc_.Set(team, "category", doc_.MakeArray()),
              Concept(kLoincSystem, "LA27976-2", "Encounter-focused care team"));
  doc_.Set(team, "subject", KeyReference(kPatientKey, r_.patient_local_key()));
  SetPeriod(team, r_.start(), r_.end());
  for (int i = 0; i < r_.participants_size(); ++i) {
    const v1::ConsultationParticipant& p = r_.participants(i);
    json::Value participant = AppendObject(doc_, team, "participant");
    for (int f : p.functions()) {
      auto function = static_cast<v1::ConsultationFunction>(f);
      doc_.Append(*RoleArray(participant),
                  Concept(kFunctionSystem, FunctionCode(function), FunctionDisplay(function)));
    }
    if (p.mode() != v1::PARTICIPATION_MODE_UNSPECIFIED) {
      doc_.Append(*RoleArray(participant),
                  Concept(kParticipationSystem, ModeCode(p.mode()), ModeDisplay(p.mode())));
    }
    if (!p.present()) {
      doc_.Append(*RoleArray(participant), Concept(kParticipationSystem, "absent", "Absent"));
    }
    if (p.designated_by_client()) {
      doc_.Append(*RoleArray(participant), Concept(kParticipationSystem, "designated-by-client",
                                                   "Designated by the client to represent her"));
    }
    if (json::Value member = MemberReference(i); member.IsObject()) {
      doc_.Set(participant, "member", member);
    }
    if (p.present()) SetPeriod(participant, r_.start(), After(r_.start(), p.minutes()));
  }
}

json::Value* RecordWriter::RoleArray(json::Value& participant) {
  if (participant.Find("role") == nullptr) doc_.Set(participant, "role", doc_.MakeArray());
  return participant.Find("role");
}

google::protobuf::Timestamp After(const google::protobuf::Timestamp& start, int minutes) {
  google::protobuf::Timestamp end = start;
  end.set_seconds(start.seconds() + int64_t{60} * minutes);
  return end;
}

void RecordWriter::AddEncounter() {
  BundleWriter::Entry entry = out_.Add("Encounter", {});
  json::Value& encounter = entry.resource;
  AddIdentifier(encounter, kConsultationKey, r_.local_key());
  SetString(doc_, encounter, "status", "finished");
  bool physical = false;
  for (const v1::ConsultationParticipant& p : r_.participants()) {
    physical = physical || (p.present() && p.mode() == v1::PARTICIPATION_MODE_PHYSICAL);
  }
  doc_.Set(encounter, "class",
           physical ? Coding(doc_, kActCodeSystem, "AMB", "ambulatory")
                    : Coding(doc_, kActCodeSystem, "VR", "virtual"));
  doc_.Append(doc_.Set(encounter, "type", doc_.MakeArray()),
              Concept(kKindSystem, KindCode(r_.kind()), KindDisplay(r_.kind())));
  doc_.Set(
      encounter, "subject",
      patient_.empty() ? KeyReference(kPatientKey, r_.patient_local_key()) : Reference(patient_));
  for (int i = 0; i < r_.participants_size(); ++i) {
    const v1::ConsultationParticipant& p = r_.participants(i);
    json::Value individual = MemberReference(i);
    if (!p.present() || p.has_client() || !individual.IsObject()) continue;
    json::Value participant = AppendObject(doc_, encounter, "participant");
    for (int f : p.functions()) {
      auto function = static_cast<v1::ConsultationFunction>(f);
      json::Value* types = participant.Find("type");
      json::Value target =
          types != nullptr ? *types : doc_.Set(participant, "type", doc_.MakeArray());
      doc_.Append(target,
                  Concept(kFunctionSystem, FunctionCode(function), FunctionDisplay(function)));
    }
    SetPeriod(participant, r_.start(), After(r_.start(), p.minutes()));
    doc_.Set(participant, "individual", individual);
  }
  SetPeriod(encounter, r_.start(), r_.end());
  encounter_ = entry.full_url;
  doc_.Set(team_, "encounter", Reference(encounter_));
}

}  // namespace zorgbrug::adapters::consultation::internal

namespace zorgbrug::adapters::consultation {

fhir::json::Document ToFhir(const v1::ConsultationRecord& record,
                            const v1::ConsultationBilling& billing, const MappingContext& context,
                            fhir::IssueSink& issues) {
  fhir::json::Document doc;
  common::BundleWriter out(doc, context);
  internal::RecordWriter writer(record, out);
  writer.AddPatient();
  writer.AddParticipants(issues);
  writer.AddCareTeam();
  writer.AddEncounter();
  writer.AddCommunication();
  writer.AddReport();
  writer.AddTasks();
  writer.AddConsent();
  writer.AddCharges(billing);
  return doc;
}

}  // namespace zorgbrug::adapters::consultation
