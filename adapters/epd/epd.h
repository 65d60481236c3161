#pragma once

// The EPD adapter (adapters/epd/README.md): pure mappings between the typed EPD messages of
// proto/zorgbrug/v1/epd.proto and BIHR-style FHIR R4 (HL7 Belgium profiles).

#include "adapters/common/mapping_context.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/epd.pb.h"

namespace zorgbrug::adapters::epd {

// What a mapping needs from outside (adapters/common/mapping_context.h): the UUID source and the
// namespace of the EPD's own keys.
using MappingContext = common::MappingContext;

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
