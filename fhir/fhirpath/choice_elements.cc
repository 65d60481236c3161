// The R4 choice elements (`value[x]`) and the types they take, as JSON member names show them
// (http://hl7.org/fhir/R4/formats.html#choice).

#include <algorithm>
#include <iterator>

#include "fhir/fhirpath/navigation.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

// Types a choice element can take in R4 (http://hl7.org/fhir/R4/datatypes.html#open), as they
// appear capitalized in JSON member names.
constexpr std::string_view kChoiceTypes[] = {"Base64Binary",
                                             "Boolean",
                                             "Canonical",
                                             "Code",
                                             "Date",
                                             "DateTime",
                                             "Decimal",
                                             "Id",
                                             "Instant",
                                             "Integer",
                                             "Markdown",
                                             "Oid",
                                             "PositiveInt",
                                             "String",
                                             "Time",
                                             "UnsignedInt",
                                             "Uri",
                                             "Url",
                                             "Uuid",
                                             "Address",
                                             "Age",
                                             "Annotation",
                                             "Attachment",
                                             "CodeableConcept",
                                             "Coding",
                                             "ContactPoint",
                                             "Count",
                                             "Distance",
                                             "Duration",
                                             "HumanName",
                                             "Identifier",
                                             "Money",
                                             "Period",
                                             "Quantity",
                                             "Range",
                                             "Ratio",
                                             "Reference",
                                             "SampledData",
                                             "Signature",
                                             "Timing",
                                             "ContactDetail",
                                             "Contributor",
                                             "DataRequirement",
                                             "Expression",
                                             "ParameterDefinition",
                                             "RelatedArtifact",
                                             "TriggerDefinition",
                                             "UsageContext",
                                             "Dosage",
                                             "Meta"};

// Names of the choice elements (`value[x]`) of R4, sorted. conformance_test.cc checks that every
// `[x]` element of the R4 StructureDefinitions is listed.
constexpr std::string_view kChoiceElements[] = {"abatement",
                                                "additive",
                                                "age",
                                                "allowed",
                                                "amount",
                                                "answer",
                                                "asNeeded",
                                                "author",
                                                "born",
                                                "bounds",
                                                "characteristic",
                                                "chargeItem",
                                                "code",
                                                "collected",
                                                "content",
                                                "created",
                                                "date",
                                                "deceased",
                                                "defaultValue",
                                                "definingSubstance",
                                                "definition",
                                                "detail",
                                                "diagnosis",
                                                "done",
                                                "dose",
                                                "doseNumber",
                                                "due",
                                                "effective",
                                                "entity",
                                                "event",
                                                "example",
                                                "fastingStatus",
                                                "fixed",
                                                "identified",
                                                "indication",
                                                "item",
                                                "legallyBinding",
                                                "location",
                                                "manufacturer",
                                                "maxValue",
                                                "medication",
                                                "minValue",
                                                "minimumVolume",
                                                "module",
                                                "multipleBirth",
                                                "name",
                                                "occurred",
                                                "occurrence",
                                                "offset",
                                                "onset",
                                                "participantEffective",
                                                "pattern",
                                                "performed",
                                                "probability",
                                                "procedure",
                                                "product",
                                                "quantity",
                                                "rate",
                                                "reported",
                                                "scheduled",
                                                "seriesDoses",
                                                "serviced",
                                                "source",
                                                "start",
                                                "statusReason",
                                                "studyEffective",
                                                "subject",
                                                "substance",
                                                "target",
                                                "time",
                                                "timing",
                                                "topic",
                                                "used",
                                                "value",
                                                "what",
                                                "when",
                                                "where",
                                                "why"};

// Primitive type codes in the form element definitions use.
constexpr std::string_view kPrimitiveTypes[] = {
    "base64Binary", "boolean",     "canonical", "code",     "date", "dateTime",    "decimal",
    "id",           "instant",     "integer",   "markdown", "oid",  "positiveInt", "string",
    "time",         "unsignedInt", "uri",       "url",      "uuid", "xhtml"};

}  // namespace

std::string_view ChoiceType(std::string_view suffix) {
  for (size_t i = 0; i < std::size(kChoiceTypes); ++i) {
    if (kChoiceTypes[i] == suffix) {
      if (i < std::size(kPrimitiveTypes) - 1) return kPrimitiveTypes[i];
      return kChoiceTypes[i];
    }
  }
  return {};
}

bool IsChoiceElement(std::string_view name) {
  return std::binary_search(std::begin(kChoiceElements), std::end(kChoiceElements), name);
}

}  // namespace zorgbrug::fhir::fhirpath::internal
