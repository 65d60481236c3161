// FHIR R4 -> ConsultationRecord (consultation.h FromFhir). The Encounter gives the key, kind,
// client and times; the CareTeam the participants; the Communication the decisions and care plan;
// the DocumentReference the report; the Tasks the actions; the Consent the consent. The ChargeItems
// are derived (the rules recompute them). The mapping table is in adapters/consultation/README.md.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/professional.h"
#include "adapters/common/related_person.h"
#include "adapters/consultation/consultation.h"
#include "adapters/consultation/fhir_shape.h"
#include "adapters/consultation/from_fhir_reader.h"
#include "fhir/identifiers.h"

namespace zorgbrug::adapters::consultation::internal {

namespace json = fhir::json;
using common::BundleReader;
using common::Cat;
using fhir::IssueType;
using fhir::Severity;

bool HasCoding(const json::Value& concept_value, std::string_view system, std::string_view code) {
  for (const json::Value& coding : Items(concept_value, "coding")) {
    if (coding.FindString("system") == system && coding.FindString("code") == code) return true;
  }
  return false;
}

std::string RecordReader::KeyOf(const json::Value& reference, std::string_view what,
                                const std::string& path) {
  const std::string system = KeySystem(context_, what);
  if (const json::Value* id = reference.Find("identifier")) {
    if (id->FindString("system") == system) return std::string(id->FindString("value"));
  }
  if (const BundleReader::Resource* target = in_.Resolve(reference.FindString("reference"))) {
    return common::LocalKeyOf(target->value, system, target->expression, issues_);
  }
  Error(issues_, IssueType::kValue, path,
        Cat({"the reference names neither an identifier with system ", system,
             " nor a resource in the Bundle"}));
  return {};
}

bool RecordReader::ReadPeriod(const json::Value& object, const std::string& path,
                              google::protobuf::Timestamp& start,
                              google::protobuf::Timestamp& end) {
  const json::Value* period = object.Find("period");
  if (period == nullptr) return false;
  bool ok = common::ParseInstant(period->FindString("start"), start);
  ok = common::ParseInstant(period->FindString("end"), end) && ok;
  if (!ok) {
    Error(issues_, IssueType::kValue, path + ".period",
          "the period needs a start and an end with seconds and a time zone");
  }
  common::ReportUnmapped(*period, path + ".period", {"start", "end"}, issues_);
  return ok;
}

void RecordReader::ReadEncounter(const BundleReader::Resource& encounter) {
  in_.MarkUsed(encounter);
  const json::Value& e = encounter.value;
  const std::string& path = encounter.expression;
  out_.set_local_key(common::LocalKeyOf(e, KeySystem(context_, kConsultationKey), path, issues_));
  std::span<const json::Value> types = Items(e, "type");
  for (size_t i = 0; i < types.size(); ++i) {
    for (const json::Value& coding : Items(types[i], "coding")) {
      if (coding.FindString("system") != kKindSystem || out_.kind() != 0) continue;
      if (auto kind = KindFromCode(coding.FindString("code"))) out_.set_kind(*kind);
    }
    if (i > 0 || out_.kind() == v1::CONSULTATION_KIND_UNSPECIFIED) {
      Info(issues_, Indexed(path, "type", i), "only one kind of consultation-kind maps");
    }
  }
  if (out_.kind() == v1::CONSULTATION_KIND_UNSPECIFIED) {
    Error(issues_, IssueType::kRequired, path + ".type",
          Cat({"the Encounter has no type of ", kKindSystem}));
  }
  if (const json::Value* subject = e.Find("subject")) {
    out_.set_patient_local_key(KeyOf(*subject, kPatientKey, path + ".subject"));
    ReadPatient(in_.Resolve(subject->FindString("reference")));
  } else {
    Error(issues_, IssueType::kRequired, path + ".subject", "the consultation names no client");
  }
  if (!ReadPeriod(e, path, *out_.mutable_start(), *out_.mutable_end())) {
    if (e.Find("period") == nullptr) {
      Error(issues_, IssueType::kRequired, path + ".period", "the consultation has no period");
    }
  }
  // status, class and participant are derived from the CareTeam.
  common::ReportUnmapped(
      e, path,
      {"id", "meta", "identifier", "status", "class", "type", "subject", "participant", "period"},
      issues_);
}

void RecordReader::ReadPatient(const BundleReader::Resource* patient) {
  if (patient == nullptr || patient->value.FindString("resourceType") != "Patient") return;
  in_.MarkUsed(*patient);
  const std::string key_system = KeySystem(context_, kPatientKey);
  std::span<const json::Value> ids = Items(patient->value, "identifier");
  for (size_t i = 0; i < ids.size(); ++i) {
    const fhir::SystemInfo info = fhir::ClassifySystem(ids[i].FindString("system"));
    if (info.kind == fhir::IdentifierKind::kSsin && out_.patient_ssin().empty()) {
      out_.set_patient_ssin(std::string(ids[i].FindString("value")));
    } else if (ids[i].FindString("system") != key_system) {
      Info(issues_, Cat({patient->expression, ".identifier[", std::to_string(i), "]"}),
           "this identifier has no counterpart in the consultation record");
    }
  }
  common::ReportUnmapped(patient->value, patient->expression, {"id", "meta", "identifier"},
                         issues_);
}

void RecordReader::ReadMember(const json::Value& member, const std::string& path,
                              v1::ConsultationParticipant& p) {
  if (const json::Value* id = member.Find("identifier");
      id != nullptr && id->FindString("system") == KeySystem(context_, kPatientKey)) {
    p.mutable_client();
    members_.push_back({nullptr, true});
    return;
  }
  const BundleReader::Resource* target = in_.Resolve(member.FindString("reference"));
  std::string_view type = target != nullptr ? target->value.FindString("resourceType") : "";
  members_.push_back({target, false});
  if (type == "Practitioner" || type == "PractitionerRole") {
    if (common::NamesProfessional(*target, in_)) {
      common::ProfessionalFromFhir(*target, in_, *p.mutable_professional(), issues_);
    } else {
      common::WelfareWorkerFromFhir(*target, in_, *p.mutable_welfare_worker(), issues_);
    }
  } else if (type == "RelatedPerson") {
    common::RelatedPersonFromFhir(*target, in_, *p.mutable_related_person(), issues_);
  } else {
    Error(issues_, IssueType::kValue, path,
          "the member is neither the client (by identifier) nor a Practitioner, PractitionerRole "
          "or RelatedPerson in the Bundle");
  }
}

void RecordReader::ReadRoles(const json::Value& participant, const std::string& path,
                             v1::ConsultationParticipant& p) {
  p.set_present(true);
  std::span<const json::Value> roles = Items(participant, "role");
  for (size_t i = 0; i < roles.size(); ++i) {
    std::span<const json::Value> codings = Items(roles[i], "coding");
    for (size_t j = 0; j < codings.size(); ++j) {
      std::string_view system = codings[j].FindString("system");
      std::string_view code = codings[j].FindString("code");
      auto function = system == kFunctionSystem ? FunctionFromCode(code) : std::nullopt;
      auto mode = system == kParticipationSystem ? ModeFromCode(code) : std::nullopt;
      if (function) {
        p.add_functions(*function);
      } else if (mode) {
        p.set_mode(*mode);
      } else if (system == kParticipationSystem && code == "absent") {
        p.set_present(false);
      } else if (system == kParticipationSystem && code == "designated-by-client") {
        p.set_designated_by_client(true);
      } else {
        Info(issues_, Indexed(Indexed(path, "role", i), "coding", j),
             "this role is not one of the consultation's functions or participation codes");
      }
    }
  }
}

void RecordReader::ReadCareTeam(const BundleReader::Resource& team) {
  in_.MarkUsed(team);
  const std::string& path = team.expression;
  std::span<const json::Value> participants = Items(team.value, "participant");
  for (size_t i = 0; i < participants.size(); ++i) {
    const std::string at = Indexed(path, "participant", i);
    v1::ConsultationParticipant& p = *out_.add_participants();
    if (const json::Value* member = participants[i].Find("member")) {
      ReadMember(*member, at + ".member", p);
    } else {
      members_.push_back({nullptr, false});
      Error(issues_, IssueType::kRequired, at + ".member", "the participant names nobody");
    }
    ReadRoles(participants[i], at, p);
    google::protobuf::Timestamp start, end;
    if (ReadPeriod(participants[i], at, start, end)) {
      p.set_minutes(static_cast<int32_t>((end.seconds() - start.seconds()) / 60));
    }
    common::ReportUnmapped(participants[i], at, {"role", "member", "period"}, issues_);
  }
  // identifier, subject, period and encounter repeat the Encounter's.
  common::ReportUnmapped(team.value, path,
                         {"id", "meta", "identifier", "status", "category", "subject", "encounter",
                          "period", "participant"},
                         issues_);
}

void RecordReader::ReadCommunication(const BundleReader::Resource& communication) {
  in_.MarkUsed(communication);
  const json::Value& c = communication.value;
  const std::string& path = communication.expression;
  std::span<const json::Value> based_on = Items(c, "basedOn");
  for (size_t i = 0; i < based_on.size(); ++i) {
    const json::Value* id = based_on[i].Find("identifier");
    if (i > 0 || id == nullptr || id->FindString("system") != KeySystem(context_, kCarePlanKey)) {
      Info(issues_, Indexed(path, "basedOn", i), "only the care plan, by its key, maps");
      continue;
    }
    out_.set_care_plan_local_key(std::string(id->FindString("value")));
  }
  std::span<const json::Value> payloads = Items(c, "payload");
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (payloads[i].Find("contentString") == nullptr) {
      Info(issues_, Indexed(path, "payload", i), "only text payloads (decisions) map");
      continue;
    }
    out_.add_decisions(std::string(payloads[i].FindString("contentString")));
  }
  // status, category, subject, encounter, sent and sender are derived from the record.
  common::ReportUnmapped(c, path,
                         {"id", "meta", "basedOn", "status", "category", "subject", "encounter",
                          "sent", "sender", "payload"},
                         issues_);
}

void RecordReader::ReadReport(const BundleReader::Resource& document) {
  in_.MarkUsed(document);
  const json::Value& d = document.value;
  const std::string& path = document.expression;
  std::span<const json::Value> contents = Items(d, "content");
  for (size_t i = 0; i < contents.size(); ++i) {
    const std::string at = Indexed(path, "content", i);
    const json::Value* attachment = contents[i].Find("attachment");
    if (i > 0 || attachment == nullptr) {
      Info(issues_, at, "only the first content's attachment maps to the report");
      continue;
    }
    std::string_view type = attachment->FindString("contentType");
    if (!type.starts_with("text/plain")) {
      Info(issues_, at + ".attachment.contentType", "only a text/plain report maps");
      continue;
    }
    if (!absl::Base64Unescape(std::string(attachment->FindString("data")), out_.mutable_report())) {
      Error(issues_, IssueType::kValue, at + ".attachment.data", "the data is not base64");
    }
    common::ReportUnmapped(*attachment, at + ".attachment", {"contentType", "data"}, issues_);
  }
  common::ReportUnmapped(d, path,
                         {"id", "meta", "status", "type", "category", "subject", "date", "author",
                          "content", "context"},
                         issues_);
}

void RecordReader::ReadConsent(const BundleReader::Resource& consent) {
  in_.MarkUsed(consent);
  std::string_view status = consent.value.FindString("status");
  if (status == "active") {
    out_.set_consent(v1::CONSULTATION_CONSENT_GIVEN);
  } else if (status == "rejected") {
    out_.set_consent(v1::CONSULTATION_CONSENT_REFUSED);
  } else {
    Error(issues_, IssueType::kCodeInvalid, consent.expression + ".status",
          "the consent is neither active (given) nor rejected (refused)");
  }
  common::ReportUnmapped(consent.value, consent.expression,
                         {"id", "meta", "status", "scope", "category", "patient", "dateTime",
                          "policyRule", "provision"},
                         issues_);
}

}  // namespace zorgbrug::adapters::consultation::internal
