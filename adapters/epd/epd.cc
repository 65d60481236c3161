#include "adapters/epd/epd.h"

#include "absl/strings/str_cat.h"
#include "adapters/common/bundle_io.h"
#include "adapters/epd/families.h"

namespace zorgbrug::adapters::epd {

using internal::BundleReader;
using internal::BundleWriter;

fhir::json::Document ToFhir(const v1::EpdRecord& record, const MappingContext& context,
                            fhir::IssueSink& issues) {
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  // Patients first: encounters and pregnancies refer to them by local key.
  for (int i = 0; i < record.patients_size(); ++i) {
    internal::PatientToFhir(record.patients(i), absl::StrCat("patients[", i, "]"), out, issues);
  }
  for (int i = 0; i < record.encounters_size(); ++i) {
    internal::EncounterToFhir(record.encounters(i), absl::StrCat("encounters[", i, "]"), out,
                              issues);
  }
  for (int i = 0; i < record.pregnancies_size(); ++i) {
    internal::PregnancyToFhir(record.pregnancies(i), absl::StrCat("pregnancies[", i, "]"), out,
                              issues);
  }
  return doc;
}

v1::EpdRecord FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                       fhir::IssueSink& issues) {
  v1::EpdRecord record;
  BundleReader in(fhir);
  const auto& resources = in.resources();
  for (const BundleReader::Resource& r : resources) {
    std::string_view type = r.value.FindString("resourceType");
    if (type == "Patient") {
      internal::PatientFromFhir(r, in, context, *record.add_patients(), issues);
    } else if (type == "Encounter") {
      internal::EncounterFromFhir(r, in, context, *record.add_encounters(), issues);
    } else if (type == "Observation" && internal::IsPregnancyStatus(r.value)) {
      internal::PregnancyFromFhir(r, in, context, *record.add_pregnancies(), issues);
    } else {
      continue;
    }
    in.MarkUsed(r);
  }
  // Practitioners, organisations and related persons are read through the references above; what
  // nothing referred to has no place in the record.
  for (size_t i = 0; i < resources.size(); ++i) {
    if (in.used(i)) continue;
    internal::Report(issues, fhir::Severity::kInformation, fhir::IssueType::kInformational,
                     resources[i].expression,
                     "a " + std::string(resources[i].value.FindString("resourceType")) +
                         " the EPD record does not refer to was not mapped");
  }
  return record;
}

}  // namespace zorgbrug::adapters::epd
