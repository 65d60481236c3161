#pragma once

// Internal: the mapping of each family of EPD messages, both directions. `field` is the proto
// field path of the message being mapped ("patients[0]"), the prefix of every issue's expression
// for bad input; a FromFhir function reports at the resource's expression
// (`BundleReader::Resource::expression`) and marks what it reads as used.

#include <string>

#include "adapters/epd/bundle_io.h"
#include "fhir/issues.h"
#include "zorgbrug/v1/epd.pb.h"

namespace zorgbrug::adapters::epd::internal {

// patient.cc — Patient (BePatient) with its RelatedPersons; registers "Patient|<local_key>". The
// general practitioner goes through ProfessionalToFhir.
void PatientToFhir(const v1::Patient& patient, const std::string& field, BundleWriter& out,
                   fhir::IssueSink& issues);
void PatientFromFhir(const BundleReader::Resource& patient, const BundleReader& in,
                     const MappingContext& context, v1::Patient& out, fhir::IssueSink& issues);

// professional.cc — Practitioner (BePractitioner), once per NIHDI number, and a PractitionerRole
// (BePractitionerRole) when a role or organisation is given; Organization (BeOrganization), once
// per NIHDI/CBE number. Each returns the fullUrl to refer to (the PractitionerRole when one was
// made), or empty when the input was refused.
std::string ProfessionalToFhir(const v1::Professional& professional, const std::string& field,
                               BundleWriter& out, fhir::IssueSink& issues);
std::string OrganisationToFhir(const v1::Organisation& organisation, const std::string& field,
                               BundleWriter& out, fhir::IssueSink& issues);
// `resource` is a Practitioner or a PractitionerRole (whose practitioner and organization are
// followed).
void ProfessionalFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                          v1::Professional& out, fhir::IssueSink& issues);
void OrganisationFromFhir(const BundleReader::Resource& organization, const BundleReader& in,
                          v1::Organisation& out, fhir::IssueSink& issues);

// encounter.cc — Encounter; its subject is the registered "Patient|<patient_local_key>".
void EncounterToFhir(const v1::Encounter& encounter, const std::string& field, BundleWriter& out,
                     fhir::IssueSink& issues);
void EncounterFromFhir(const BundleReader::Resource& encounter, const BundleReader& in,
                       const MappingContext& context, v1::Encounter& out, fhir::IssueSink& issues);

// pregnancy.cc — the pregnancy-status Observation (LOINC 82810-3, due date 11778-8, number of
// fetuses 11878-6) and what the pregnancy's end and births need.
void PregnancyToFhir(const v1::Pregnancy& pregnancy, const std::string& field, BundleWriter& out,
                     fhir::IssueSink& issues);
// Whether `resource` is the pregnancy-status Observation PregnancyFromFhir reads.
bool IsPregnancyStatus(const fhir::json::Value& resource);
void PregnancyFromFhir(const BundleReader::Resource& observation, const BundleReader& in,
                       const MappingContext& context, v1::Pregnancy& out, fhir::IssueSink& issues);

}  // namespace zorgbrug::adapters::epd::internal
