#pragma once

// RelatedPersonInfo <-> RelatedPerson, both directions; shared by every adapter that names a
// person related to the patient (the EPD's partner and informal carers, a consultation's informal
// carer or the person the client designates). The mapping table is in adapters/epd/README.md.

#include <string>

#include "adapters/common/bundle_io.h"
#include "fhir/issues.h"
#include "zorgbrug/v1/epd.pb.h"

namespace zorgbrug::adapters::common {

// A HumanName (use official/usual/maiden, family, given, prefix) appended to resource.name, and
// read back from one name object (other uses and elements reported as information at `path`).
// Shared by the patient, related-person and professional mappings.
void AddHumanName(fhir::json::Document& doc, fhir::json::Value& resource,
                  const v1::HumanName& name);
void ReadHumanName(const fhir::json::Value& name, const std::string& path, v1::HumanName& out,
                   fhir::IssueSink& issues);

// How a RelatedPerson names its patient (RelatedPerson.patient, 1..1): by the fullUrl of the
// Patient in the Bundle when `full_url` is set, else by the identifier {system, value}.
struct PatientLink {
  std::string full_url;
  std::string system;
  std::string value;
};

// Appends a RelatedPerson for `person` and returns its fullUrl. `field` is the proto field path of
// `person` ("patients[0].related_persons[1]"); a wrong SSIN is an error at `field`.ssin and the
// identifier is left out.
std::string RelatedPersonToFhir(const v1::RelatedPersonInfo& person, const std::string& field,
                                const PatientLink& patient, BundleWriter& out,
                                fhir::IssueSink& issues);

// Reads a RelatedPerson (marking it used): relationship, name, SSIN, phone; every other element is
// an information issue at its location. RelatedPerson.patient is the caller's business (it is
// counted as mapped here).
void RelatedPersonFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                           v1::RelatedPersonInfo& out, fhir::IssueSink& issues);

}  // namespace zorgbrug::adapters::common
