#pragma once

// Internal: the writer of one record's Bundle (consultation.h ToFhir), shared by to_fhir.cc (the
// participants, CareTeam, Encounter) and to_fhir_record.cc (Communication, DocumentReference,
// Tasks, Consent, ChargeItems). Call the Add* functions in the order ToFhir lists.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/bundle_io.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "google/protobuf/timestamp.pb.h"
#include "zorgbrug/v1/consultation.pb.h"

namespace zorgbrug::adapters::consultation::internal {

// `start` + `minutes`.
google::protobuf::Timestamp After(const google::protobuf::Timestamp& start, int minutes);

class RecordWriter {
 public:
  RecordWriter(const v1::ConsultationRecord& record, common::BundleWriter& out)
      : r_(record), out_(out), doc_(out.doc()) {}

  // One resource per participant (Practitioner + PractitionerRole, RelatedPerson; none for the
  // client); errors at "record.participants[i]...".
  // The Patient, when the record gives her SSIN: identifiers "<base>/patient" and the SSIN.
  void AddPatient();
  void AddParticipants(fhir::IssueSink& issues);
  void AddCareTeam();
  void AddEncounter();
  void AddCommunication();
  void AddReport();
  void AddTasks();
  void AddConsent();
  void AddCharges(const v1::ConsultationBilling& billing);

 private:
  struct Member {
    std::string url;  // the CareTeam member: PractitionerRole (or Practitioner), RelatedPerson
    std::string person_url;  // the person: Practitioner, RelatedPerson (task-candidateList)
    bool client = false;     // the Patient, by identifier
  };

  int FindOrganiser() const;
  fhir::json::Value Reference(std::string_view url);
  fhir::json::Value KeyReference(std::string_view what, std::string_view key);
  fhir::json::Value Concept(std::string_view system, std::string_view code,
                            std::string_view display);
  void AddIdentifier(fhir::json::Value& resource, std::string_view what, std::string_view value);
  void SetPeriod(fhir::json::Value& object, const google::protobuf::Timestamp& start,
                 const google::protobuf::Timestamp& end);
  fhir::json::Value* RoleArray(fhir::json::Value& participant);
  // A reference to participant `i` as CareTeam member, and as a person (Practitioner rather than
  // PractitionerRole); null when `i` is not a participant or was refused.
  fhir::json::Value MemberReference(int participant);
  fhir::json::Value PersonReference(int participant);

  const v1::ConsultationRecord& r_;
  common::BundleWriter& out_;
  fhir::json::Document& doc_;
  std::vector<Member> members_;
  int organiser_ = -1;      // the participant index of the organiser, or -1
  fhir::json::Value team_;  // the CareTeam, linked to the Encounter once that exists
  std::string encounter_;   // the Encounter's fullUrl
  std::string patient_;     // the Patient's fullUrl, when there is one
};

}  // namespace zorgbrug::adapters::consultation::internal
