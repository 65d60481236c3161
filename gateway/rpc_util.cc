#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {

std::optional<fhir::Issue> CheckKeySystemBase(const std::string& base) {
  if (base.starts_with("https://") || base.starts_with("http://")) return std::nullopt;
  return fhir::Issue{fhir::Severity::kError, fhir::IssueType::kRequired, "local_key_system_base",
                     "local_key_system_base must be an absolute http(s) URI naming the sender's "
                     "key namespace"};
}

}  // namespace zorgbrug::gateway
