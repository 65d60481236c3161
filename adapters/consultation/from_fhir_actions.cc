// FHIR R4 -> ConsultationRecord, continued: the agreed actions (Tasks) and FromFhir itself, which
// finds each resource of the record in the Bundle. The mapping table is in
// adapters/consultation/README.md.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/bundle_io.h"
#include "adapters/consultation/consultation.h"
#include "adapters/consultation/fhir_shape.h"
#include "adapters/consultation/from_fhir_reader.h"

namespace zorgbrug::adapters::consultation {
namespace internal {

namespace json = fhir::json;
using common::BundleReader;
using common::Cat;
using fhir::IssueType;

int RecordReader::ParticipantOf(const json::Value& reference) const {
  const json::Value* id = reference.Find("identifier");
  const bool client = id != nullptr && id->FindString("system") == KeySystem(context_, kPatientKey);
  const BundleReader::Resource* target = in_.Resolve(reference.FindString("reference"));
  for (size_t i = 0; i < members_.size(); ++i) {
    if (client ? members_[i].client : (target != nullptr && members_[i].resource == target)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void RecordReader::ReadTask(const BundleReader::Resource& task) {
  in_.MarkUsed(task);
  const json::Value& t = task.value;
  const std::string& path = task.expression;
  v1::AgreedAction& action = *out_.add_actions();
  action.set_local_key(common::LocalKeyOf(t, KeySystem(context_, kActionKey), path, issues_));
  action.set_description(std::string(t.FindString("description")));
  if (action.description().empty()) {
    Error(issues_, IssueType::kRequired, path + ".description", "the action has no description");
  }
  action.set_owner(-1);
  if (const json::Value* owner = t.Find("owner")) {
    action.set_owner(ParticipantOf(*owner));
    if (action.owner() < 0) {
      Error(issues_, IssueType::kValue, path + ".owner",
            "the owner is not a participant of the consultation's CareTeam");
    }
  }
  if (const json::Value* restriction = t.Find("restriction")) {
    const json::Value* period = restriction->Find("period");
    if (period != nullptr && !period->FindString("end").empty()) {
      std::string_view end = period->FindString("end");
      if (!common::ParseDate(end.substr(0, std::min<size_t>(end.size(), 10)),
                             *action.mutable_due())) {
        Error(issues_, IssueType::kValue, path + ".restriction.period.end", "not a date");
      } else if (end.size() > 10) {
        Info(issues_, path + ".restriction.period.end", "only the date of the due time maps");
      }
      common::ReportUnmapped(*period, path + ".restriction.period", {"end"}, issues_);
    }
    common::ReportUnmapped(*restriction, path + ".restriction", {"period"}, issues_);
  }
  // The candidate list, status, care plan, subject, encounter, authoredOn and requester are
  // derived from the record.
  common::ReportUnmapped(
      t, path,
      {"id", "meta", "extension", "identifier", "basedOn", "status", "intent", "description", "for",
       "encounter", "authoredOn", "requester", "owner", "restriction"},
      issues_);
}

namespace {

bool HasIdentifier(const json::Value& resource, const std::string& system) {
  for (const json::Value& id : Items(resource, "identifier")) {
    if (id.FindString("system") == system) return true;
  }
  return false;
}

bool HasCategory(const json::Value& resource, std::string_view code) {
  for (const json::Value& category : Items(resource, "category")) {
    if (HasCoding(category, kRecordSystem, code)) return true;
  }
  return false;
}

// The resources of one record, found by type and by the identifiers and categories ToFhir gives
// them.
struct Found {
  const BundleReader::Resource* encounter = nullptr;
  const BundleReader::Resource* team = nullptr;
  const BundleReader::Resource* communication = nullptr;
  const BundleReader::Resource* report = nullptr;
  const BundleReader::Resource* consent = nullptr;
  std::vector<const BundleReader::Resource*> tasks;
  std::vector<const BundleReader::Resource*> derived;  // the ChargeItems
};

Found Find(const BundleReader& in, const MappingContext& context) {
  Found found;
  const std::string key = KeySystem(context, kConsultationKey);
  for (const BundleReader::Resource& r : in.resources()) {
    std::string_view type = r.value.FindString("resourceType");
    if (type == "Encounter" && found.encounter == nullptr && HasIdentifier(r.value, key)) {
      found.encounter = &r;
    } else if (type == "CareTeam" && found.team == nullptr && HasIdentifier(r.value, key)) {
      found.team = &r;
    } else if (type == "Communication" && found.communication == nullptr &&
               HasCategory(r.value, kDecisionsCode)) {
      found.communication = &r;
    } else if (type == "DocumentReference" && found.report == nullptr &&
               HasCategory(r.value, kReportCode)) {
      found.report = &r;
    } else if (type == "Consent" && found.consent == nullptr) {
      found.consent = &r;
    } else if (type == "Task" && HasIdentifier(r.value, KeySystem(context, kActionKey))) {
      found.tasks.push_back(&r);
    } else if (type == "ChargeItem" && HasIdentifier(r.value, KeySystem(context, kChargeKey))) {
      found.derived.push_back(&r);
    }
  }
  // FHIR from another system has no key identifier: its first Encounter and CareTeam stand in.
  for (const BundleReader::Resource& r : in.resources()) {
    std::string_view type = r.value.FindString("resourceType");
    if (type == "Encounter" && found.encounter == nullptr) found.encounter = &r;
    if (type == "CareTeam" && found.team == nullptr) found.team = &r;
  }
  return found;
}

}  // namespace
}  // namespace internal

v1::ConsultationRecord FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                                fhir::IssueSink& issues) {
  v1::ConsultationRecord record;
  common::BundleReader in(fhir);
  internal::Found found = internal::Find(in, context);
  const std::string where = fhir.IsObject() && fhir.FindString("resourceType") == "Bundle"
                                ? "Bundle.entry"
                                : std::string(fhir.FindString("resourceType"));
  if (found.encounter == nullptr || found.team == nullptr) {
    internal::Error(issues, fhir::IssueType::kRequired, where,
                    "a consultation needs its Encounter and its CareTeam");
    return record;
  }
  internal::RecordReader reader(in, context, record, issues);
  reader.ReadEncounter(*found.encounter);
  reader.ReadCareTeam(*found.team);
  if (found.communication != nullptr) reader.ReadCommunication(*found.communication);
  if (found.report != nullptr) reader.ReadReport(*found.report);
  for (const auto* task : found.tasks) reader.ReadTask(*task);
  if (found.consent != nullptr) {
    reader.ReadConsent(*found.consent);
  } else {
    internal::Error(issues, fhir::IssueType::kRequired, where, "the consultation has no Consent");
  }
  for (const auto* charge : found.derived) in.MarkUsed(*charge);
  for (size_t i = 0; i < in.resources().size(); ++i) {
    if (in.used(i)) continue;
    internal::Info(issues, in.resources()[i].expression,
                   "this resource is not part of a consultation record and was not mapped");
  }
  return record;
}

}  // namespace zorgbrug::adapters::consultation
