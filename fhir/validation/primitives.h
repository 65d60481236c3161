#pragma once

// Format checks for the values of the FHIR R4 primitive types, as the profile validator applies
// them to every primitive of every resource. The rules are those of
// http://hl7.org/fhir/R4/datatypes.html#primitive (the regex on each <type>.value element of the R4
// StructureDefinitions, plus the SHALL rules the regexes cannot express, such as calendar validity
// and value ranges) and of http://hl7.org/fhir/R4/json.html (which JSON type carries each
// primitive; strings are never empty). primitives_test.cc lists, with reasons, every place where a
// verdict deliberately differs from the official regex.
//
// The checks are hand-written scanners: no regex engine, no heap allocation, one pass over the
// text.

#include <cstddef>
#include <string_view>

#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation {

// datatypes.html, string: "strings SHALL NOT exceed 1MB (1024*1024 characters)"; counted in Unicode
// code points. Applies to string and to markdown and code, which specialise it.
inline constexpr size_t kMaxStringCharacters = 1024 * 1024;

// Checks the JSON value of a FHIR R4 primitive of type `type_code` ("date", "positiveInt", "uuid",
// ...). Returns an empty view when the value is valid or when `type_code` is not one of the R4
// primitives (IsPrimitiveType); otherwise a static diagnostic naming the type and the expected
// format, e.g. "not a valid date: expected YYYY, YYYY-MM or YYYY-MM-DD with a real calendar day".
// A diagnostic never contains the value itself (values may be personal data such as a national
// number). The view refers to static storage.
//
// `value` is the JSON value of the property ("birthDate": "1970-01-01"), never the "_birthDate"
// object. The null placeholders that json.html allows inside arrays of primitives (when the
// matching "_name" array carries the id or extensions) are the caller's business: a null passed
// here is reported as the wrong JSON type.
std::string_view CheckPrimitive(std::string_view type_code, const json::Value& value);

// Whether `type_code` is one of the 20 R4 primitive types handled by CheckPrimitive: base64Binary,
// boolean, canonical, code, date, dateTime, decimal, id, instant, integer, markdown, oid,
// positiveInt, string, time, unsignedInt, uri, url, uuid, xhtml.
bool IsPrimitiveType(std::string_view type_code);

}  // namespace zorgbrug::fhir::validation
