#pragma once

// Internal: the reader of one record (consultation.h FromFhir), shared by from_fhir.cc (Encounter,
// CareTeam, Communication, DocumentReference, Consent) and from_fhir_actions.cc (the Tasks and
// FromFhir itself). Each Read* marks what it reads as used and reports what it cannot carry.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/bundle_io.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "google/protobuf/timestamp.pb.h"
#include "zorgbrug/v1/consultation.pb.h"

namespace zorgbrug::adapters::consultation::internal {

using common::Error;
using common::Indexed;
using common::Info;
using common::Items;
bool HasCoding(const fhir::json::Value& concept_value, std::string_view system,
               std::string_view code);

class RecordReader {
 public:
  RecordReader(const common::BundleReader& in, const common::MappingContext& context,
               v1::ConsultationRecord& out, fhir::IssueSink& issues)
      : in_(in), context_(context), out_(out), issues_(issues) {}

  void ReadEncounter(const common::BundleReader::Resource& encounter);
  // The participants, in order; remembers what each member is for the Tasks' owners.
  void ReadCareTeam(const common::BundleReader::Resource& team);
  void ReadCommunication(const common::BundleReader::Resource& communication);
  void ReadReport(const common::BundleReader::Resource& document);
  // After ReadCareTeam.
  void ReadTask(const common::BundleReader::Resource& task);
  void ReadConsent(const common::BundleReader::Resource& consent);

 private:
  struct MemberRef {
    const common::BundleReader::Resource* resource;  // what the member reference points to
    bool client;                                     // the client, by identifier
  };

  // The key a reference carries: its identifier with "<base>/<what>", or the key of the resource
  // in the Bundle it points to. Empty (with an error at `path`) when neither.
  std::string KeyOf(const fhir::json::Value& reference, std::string_view what,
                    const std::string& path);
  // object.period's start and end; false when absent or (with an error) not instants.
  bool ReadPeriod(const fhir::json::Value& object, const std::string& path,
                  google::protobuf::Timestamp& start, google::protobuf::Timestamp& end);
  // Reads the SSIN of the Patient the Encounter names (when it is one in the Bundle).
  void ReadPatient(const common::BundleReader::Resource* patient);
  void ReadMember(const fhir::json::Value& member, const std::string& path,
                  v1::ConsultationParticipant& p);
  void ReadRoles(const fhir::json::Value& participant, const std::string& path,
                 v1::ConsultationParticipant& p);
  // The participant index a reference names (a member of the CareTeam), or -1.
  int ParticipantOf(const fhir::json::Value& reference) const;

  const common::BundleReader& in_;
  const common::MappingContext& context_;
  v1::ConsultationRecord& out_;
  fhir::IssueSink& issues_;
  std::vector<MemberRef> members_;
};

}  // namespace zorgbrug::adapters::consultation::internal
