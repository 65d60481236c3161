// CheckRecord (rules.h): what the rules and the mapping rely on, each problem reported at its proto
// field path under "record". RULES.md ("CheckRecord") lists the checks.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/cd_hcparty.h"
#include "adapters/consultation/rules.h"
#include "fhir/identifiers.h"

namespace zorgbrug::adapters::consultation {
namespace {

using common::Error;
using fhir::IssueType;

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;
constexpr int32_t kMaxNanos = 999999999;

void Required(fhir::IssueSink& issues, std::string expression, std::string_view what) {
  Error(issues, IssueType::kRequired, std::move(expression),
        absl::StrCat(std::string(what), " is required"));
}

// Checks a required timestamp; true when it is set and in range.
bool CheckInstant(const v1::ConsultationRecord& r, bool end, fhir::IssueSink& issues) {
  const std::string path = end ? "record.end" : "record.start";
  if (!(end ? r.has_end() : r.has_start())) {
    Required(issues, path, end ? "the end" : "the start");
    return false;
  }
  const google::protobuf::Timestamp& t = end ? r.end() : r.start();
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > kMaxNanos) {
    Error(issues, IssueType::kValue, path, "not a timestamp of the years 0001 to 9999");
    return false;
  }
  return true;
}

// The consultation's length in whole minutes, or -1 when the start or end is missing, invalid or
// not before the end (each reported).
int64_t CheckTimes(const v1::ConsultationRecord& r, fhir::IssueSink& issues) {
  const bool start = CheckInstant(r, false, issues);
  const bool end = CheckInstant(r, true, issues);
  if (!start || !end) return -1;
  const bool after =
      r.end().seconds() > r.start().seconds() ||
      (r.end().seconds() == r.start().seconds() && r.end().nanos() > r.start().nanos());
  if (!after) {
    Error(issues, IssueType::kInvariant, "record.end", "the end must be after the start");
    return -1;
  }
  const int64_t seconds =
      r.end().seconds() - r.start().seconds() - (r.end().nanos() < r.start().nanos() ? 1 : 0);
  return seconds / 60;
}

void CheckProfessional(const v1::Professional& p, const std::string& at, fhir::IssueSink& issues) {
  if (p.nihdi().empty()) {
    Required(issues, at + ".nihdi", "the NIHDI number");
  } else if (fhir::NihdiResult r = fhir::CheckNihdi(p.nihdi()); !r.ok()) {
    Error(issues, IssueType::kValue, at + ".nihdi",
          fhir::IdentifierErrorMessage(fhir::IdentifierKind::kNihdiProfessional, r.error));
  }
  if (p.role().code().empty()) {
    Required(issues, at + ".role.code", "the CD-HCPARTY role");
  } else if (!common::IsKnownCdHcpartyCode(p.role().code())) {
    Error(issues, IssueType::kCodeInvalid, at + ".role.code",
          "the role is not a CD-HCPARTY code the adapter knows");
  }
}

void CheckWelfareWorker(const v1::WelfareWorker& w, const std::string& at,
                        fhir::IssueSink& issues) {
  if (w.identifier().system().empty()) Required(issues, at + ".identifier.system", "the system");
  if (w.identifier().value().empty()) Required(issues, at + ".identifier.value", "the value");
  if (w.name().family().empty()) Required(issues, at + ".name.family", "the family name");
  if (!w.role().code().empty() && !common::IsKnownCdHcpartyCode(w.role().code())) {
    Error(issues, IssueType::kCodeInvalid, at + ".role.code",
          "the role is not a CD-HCPARTY code the adapter knows");
  }
}

void CheckRelatedPerson(const v1::RelatedPersonInfo& person, const std::string& at,
                        fhir::IssueSink& issues) {
  if (person.ssin().empty()) return;
  // Printed forms ("85.07.30-033.28") are accepted, as for the EPD's related persons.
  if (fhir::SsinResult r = fhir::CheckSsin(fhir::NormalizeSsin(person.ssin())); !r.ok()) {
    Error(issues, IssueType::kValue, at + ".ssin",
          fhir::IdentifierErrorMessage(fhir::IdentifierKind::kSsin, r.error));
  }
}

void CheckMinutes(const v1::ConsultationParticipant& p, const std::string& at, int64_t length,
                  fhir::IssueSink& issues) {
  if (p.minutes() < 0) {
    Error(issues, IssueType::kValue, at + ".minutes", "minutes present cannot be negative");
  } else if (!p.present() && p.minutes() != 0) {
    Error(issues, IssueType::kInvariant, at + ".minutes", "an absent participant has 0 minutes");
  } else if (length >= 0 && p.minutes() > length) {
    Error(issues, IssueType::kValue, at + ".minutes",
          absl::StrCat("minutes present exceed the consultation's length (", length, " minutes)"));
  }
}

// Checks participant `i`; counts the clients seen so far in `clients`.
void CheckParticipant(const v1::ConsultationRecord& r, int i, int64_t length, int& clients,
                      fhir::IssueSink& issues) {
  const v1::ConsultationParticipant& p = r.participants(i);
  const std::string at = absl::StrCat("record.participants[", i, "]");
  switch (p.who_case()) {
    case v1::ConsultationParticipant::kProfessional:
      CheckProfessional(p.professional(), at + ".professional", issues);
      break;
    case v1::ConsultationParticipant::kWelfareWorker:
      CheckWelfareWorker(p.welfare_worker(), at + ".welfare_worker", issues);
      break;
    case v1::ConsultationParticipant::kRelatedPerson:
      CheckRelatedPerson(p.related_person(), at + ".related_person", issues);
      break;
    case v1::ConsultationParticipant::kClient:
      if (++clients > 1) {
        Error(issues, IssueType::kDuplicate, at + ".client",
              "the client appears more than once among the participants");
      }
      break;
    default:
      Required(issues, at + ".who",
               "who takes part (professional, welfare_worker, related_person or client)");
  }
  if (p.designated_by_client() && !p.has_related_person()) {
    Error(issues, IssueType::kInvariant, at + ".designated_by_client",
          "only a related person can be the person the client designates");
  }
  CheckMinutes(p, at, length, issues);
}

void CheckActions(const v1::ConsultationRecord& r, fhir::IssueSink& issues) {
  for (int i = 0; i < r.actions_size(); ++i) {
    const v1::AgreedAction& a = r.actions(i);
    const std::string at = absl::StrCat("record.actions[", i, "]");
    if (a.local_key().empty()) Required(issues, at + ".local_key", "the action's local_key");
    if (a.description().empty()) Required(issues, at + ".description", "the description");
    if (a.owner() < -1 || a.owner() >= r.participants_size()) {
      Error(issues, IssueType::kValue, at + ".owner",
            absl::StrCat("the owner must be a participant's index (0 to ",
                         r.participants_size() - 1, ") or -1 for nobody"));
    }
  }
}

void CheckHeader(const v1::ConsultationRecord& r, fhir::IssueSink& issues) {
  if (r.local_key().empty()) Required(issues, "record.local_key", "local_key");
  if (r.kind() == v1::CONSULTATION_KIND_UNSPECIFIED) {
    Required(issues, "record.kind", "the kind (PERINATAL, MDO or ONCOLOGICAL_MOC)");
  } else if (!v1::ConsultationKind_IsValid(r.kind())) {
    Error(issues, IssueType::kValue, "record.kind", "not a known consultation kind");
  }
  if (r.patient_local_key().empty()) {
    Required(issues, "record.patient_local_key", "patient_local_key");
  }
  if (!r.patient_ssin().empty()) {
    if (fhir::SsinResult check = fhir::CheckSsin(fhir::NormalizeSsin(r.patient_ssin()));
        !check.ok()) {
      Error(issues, IssueType::kValue, "record.patient_ssin",
            fhir::IdentifierErrorMessage(fhir::IdentifierKind::kSsin, check.error));
    }
  }
}

}  // namespace

bool CheckRecord(const v1::ConsultationRecord& record, fhir::IssueSink& issues) {
  // Counts this call's errors only (it reports nothing else): the sink may hold earlier findings.
  common::CountingSink sink(issues);
  CheckHeader(record, sink);
  const int64_t length = CheckTimes(record, sink);
  int clients = 0;
  for (int i = 0; i < record.participants_size(); ++i) {
    CheckParticipant(record, i, length, clients, sink);
  }
  CheckActions(record, sink);
  if (record.consent() != v1::CONSULTATION_CONSENT_GIVEN &&
      record.consent() != v1::CONSULTATION_CONSENT_REFUSED) {
    Required(sink, "record.consent", "the consent (GIVEN or REFUSED)");
  }
  return sink.count() == 0;
}

}  // namespace zorgbrug::adapters::consultation
