#pragma once

// Professional -> Practitioner (BePractitioner) + PractitionerRole (BePractitionerRole), and
// Organisation -> Organization (BeOrganization), both directions; shared by every adapter that
// names a professional (the EPD's attending staff, a screening's performer, a consultation's
// participants). The mapping table is in adapters/epd/README.md. `field` is the proto field path
// of the message being mapped ("patients[0].general_practitioner"), the prefix of every issue's
// expression for bad input.

#include <string>

#include "adapters/common/bundle_io.h"
#include "fhir/issues.h"
#include "zorgbrug/v1/epd.pb.h"

namespace zorgbrug::adapters::common {

// Practitioner once per NIHDI number, and a PractitionerRole when a role or organisation is given;
// Organization once per NIHDI/CBE number. Each returns the fullUrl to refer to (the
// PractitionerRole when one was made), or empty when the input was refused.
std::string ProfessionalToFhir(const v1::Professional& professional, const std::string& field,
                               BundleWriter& out, fhir::IssueSink& issues);
std::string OrganisationToFhir(const v1::Organisation& organisation, const std::string& field,
                               BundleWriter& out, fhir::IssueSink& issues);
// `resource` is a Practitioner or a PractitionerRole (whose practitioner and organization are
// followed).
void ProfessionalFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                          v1::Professional& out, fhir::IssueSink& issues);
// A welfare worker without NIHDI number: a Practitioner known by the worker's local identifier
// (once per identifier), with a PractitionerRole as for a professional.
std::string WelfareWorkerToFhir(const v1::WelfareWorker& worker, const std::string& field,
                                BundleWriter& out, fhir::IssueSink& issues);
void WelfareWorkerFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                           v1::WelfareWorker& out, fhir::IssueSink& issues);
// Whether `resource` (a Practitioner, or a PractitionerRole naming one) has a NIHDI number: a
// health professional to read with ProfessionalFromFhir; else a welfare worker.
bool NamesProfessional(const BundleReader::Resource& resource, const BundleReader& in);
void OrganisationFromFhir(const BundleReader::Resource& organization, const BundleReader& in,
                          v1::Organisation& out, fhir::IssueSink& issues);

}  // namespace zorgbrug::adapters::common
