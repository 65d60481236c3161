#pragma once

// Internal: the mapping of each family of EPD messages, both directions. `field` is the proto
// field path of the message being mapped ("patients[0]"), the prefix of every issue's expression
// for bad input; a FromFhir function reports at the resource's expression
// (`BundleReader::Resource::expression`) and marks what it reads as used.

#include <string>

#include "adapters/common/bundle_io.h"
#include "adapters/common/professional.h"
#include "adapters/epd/epd.h"
#include "fhir/issues.h"
#include "zorgbrug/v1/epd.pb.h"

namespace zorgbrug::adapters::epd::internal {

// The shared Bundle I/O and professional mapping (adapters/common/).
using common::AppendObject;
using common::BundleReader;
using common::BundleWriter;
using common::Coding;
using common::DateText;
using common::Error;
using common::Indexed;
using common::Info;
using common::InstantText;
using common::Items;
using common::LocalKeyOf;
using common::OrganisationFromFhir;
using common::OrganisationToFhir;
using common::ParseDate;
using common::ParseInstant;
using common::ProfessionalFromFhir;
using common::ProfessionalToFhir;
using common::Report;
using common::ReportUnmapped;
using common::SetString;

// patient.cc — Patient (BePatient) with its RelatedPersons; registers "Patient|<local_key>". The
// general practitioner goes through ProfessionalToFhir.
void PatientToFhir(const v1::Patient& patient, const std::string& field, BundleWriter& out,
                   fhir::IssueSink& issues);
void PatientFromFhir(const BundleReader::Resource& patient, const BundleReader& in,
                     const MappingContext& context, v1::Patient& out, fhir::IssueSink& issues);

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
