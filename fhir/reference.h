#pragma once

// The forms of a FHIR Reference.reference string (http://hl7.org/fhir/R4/references.html):
// shared by the FHIRPath resolve(), the validator's Bundle index and the messaging engine.

#include <string_view>

namespace zorgbrug::fhir {

// The "Type/id" part of a RESTful reference ("Patient/p1", "https://x.be/fhir/Patient/p1",
// "Patient/p1/_history/2" all give "Patient/p1"); empty when the reference has no such form.
std::string_view TypeAndId(std::string_view reference);

// Whether `reference` is an absolute http(s) URL (a server elsewhere may resolve it); urn: is not.
bool IsAbsoluteUrl(std::string_view reference);

}  // namespace zorgbrug::fhir
