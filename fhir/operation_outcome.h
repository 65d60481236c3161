#pragma once

// Builds FHIR R4 OperationOutcome resources from issues
// (http://hl7.org/fhir/R4/operationoutcome.html).

#include <span>

#include "fhir/issues.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir {

// Builds an OperationOutcome in `doc` (not attached to doc.root()) with one `issue` per element of
// `issues`, in order: severity, code, diagnostics (when non-empty) and expression[0] (when
// non-empty). With no issues, returns an OperationOutcome with a single information/informational
// issue whose diagnostics say that no issues were found (R4 requires at least one issue).
json::Value BuildOperationOutcome(json::Document& doc, std::span<const Issue> issues);

// A Document whose root is BuildOperationOutcome(issues).
json::Document MakeOperationOutcome(std::span<const Issue> issues);

// Reads the issues back from an OperationOutcome resource (for clients and tests). Unknown severity
// or code values map to kError / kInvalid.
std::vector<Issue> IssuesFromOperationOutcome(const json::Value& outcome);

}  // namespace zorgbrug::fhir
