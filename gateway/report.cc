#include "gateway/report.h"

#include <string>

namespace zorgbrug::gateway {
namespace {

std::string Plural(int n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

std::string_view SeverityWord(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_FATAL:
      return "fatal";
    case v1::SEVERITY_ERROR:
      return "error";
    case v1::SEVERITY_WARNING:
      return "warning";
    case v1::SEVERITY_INFORMATION:
      return "information";
    default:
      return "unspecified";
  }
}

void PrintSummary(std::string_view label, const v1::ValidateResponse& response, std::ostream& out) {
  const v1::IssueCounts& counts = response.counts();
  out << label << ": " << (response.valid() ? "valid" : "INVALID");
  if (!response.resource_type().empty()) out << " " << response.resource_type();
  out << " (" << Plural(counts.fatal() + counts.error(), "error") << ", "
      << Plural(counts.warning(), "warning") << ")\n";
  for (const v1::Issue& issue : response.issues()) {
    out << "  " << SeverityWord(issue.severity()) << " " << issue.code();
    if (!issue.expression().empty()) out << " at " << issue.expression();
    if (!issue.diagnostics().empty()) out << ": " << issue.diagnostics();
    out << "\n";
  }
}

void PrintOperationOutcome(const v1::ValidateResponse& response, std::ostream& out) {
  out << response.operation_outcome_json() << "\n";
}

}  // namespace zorgbrug::gateway
