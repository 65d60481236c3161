#pragma once

// How `zorgbrug validate` and `zorgbrug call validate` print a result. The output contains what the
// user's own file contains (diagnostics may quote locations), so it goes to the terminal only,
// never to logs.

#include <ostream>
#include <string_view>

#include "zorgbrug/v1/validation.pb.h"

namespace zorgbrug::gateway {

// "fatal", "error", "warning", "information" (how issues are printed).
std::string_view SeverityWord(v1::Severity severity);

// Human-readable: "<label>: valid Patient (0 errors, 0 warnings)" or "<label>: INVALID (...)", then
// one indented line per issue: "  error structure at Patient.name[0]: <diagnostics>".
void PrintSummary(std::string_view label, const v1::ValidateResponse& response, std::ostream& out);

// The OperationOutcome JSON on one line (JSON Lines: one line per input, in argument order).
void PrintOperationOutcome(const v1::ValidateResponse& response, std::ostream& out);

}  // namespace zorgbrug::gateway
