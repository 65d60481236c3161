#pragma once

// The EPD adapter (adapters/epd/README.md): pure mappings between the typed EPD messages of
// proto/zorgbrug/v1/epd.proto and BIHR-style FHIR R4 (HL7 Belgium profiles).

#include <functional>
#include <string>

#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/epd.pb.h"

namespace zorgbrug::adapters::epd {

// What a mapping needs from outside, passed in so that mappings stay pure (STYLE.md rule 3).
struct MappingContext {
  // A fresh random UUID per call, lowercase 8-4-4-4-12 ("6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0001"):
  // resource ids and the entries' fullUrl "urn:uuid:<uuid>". Tests pass a counter.
  std::function<std::string()> new_uuid;
  // The namespace URI of the EPD's own keys (Patient.local_key, Encounter.local_key, ...), e.g.
  // "https://epd.hospital.example.be/fhir/NamingSystem". The keys travel as identifiers with the
  // systems "<base>/patient", "<base>/encounter" and "<base>/pregnancy".
  std::string local_key_system_base;
};

// Maps `record` to a FHIR R4 Bundle of type "collection", one entry per resource with fullUrl
// "urn:uuid:...", references between them by those fullUrls. Bad input (an invalid SSIN, an
// unknown CD-HCPARTY code, a discharge before admission, a due date before the last period, a
// missing required field) is reported to `issues` as an error whose expression is the proto field
// path ("patients[0].ssin", "encounters[1].end"); what could be mapped is still returned.
fhir::json::Document ToFhir(const v1::EpdRecord& record, const MappingContext& context,
                            fhir::IssueSink& issues);

// Maps FHIR back to an EpdRecord: a Bundle (any type) or a single resource. Every element the
// EpdRecord cannot carry is reported as an information issue naming its FHIRPath location
// ("Bundle.entry[0].resource.telecom[0]"), never dropped silently; wrong data the mapping cannot
// read is an error at its location.
v1::EpdRecord FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                       fhir::IssueSink& issues);

}  // namespace zorgbrug::adapters::epd
