#pragma once

// The access policy of mutual TLS: which role may call which RPC and consume which destination.
// A JSON file (deploy/policy.json is the default):
//
//   {"roles": {"epd-vendor": {"rpcs": ["zorgbrug.v1.EpdSubmissions/*", ...],
//                             "destinations": ["epd"]},
//              "operator": {"rpcs": ["*"], "destinations": ["*"]}}}
//
// Role names are the fixed set kRoles (a client certificate's subject OU names its role). An RPC
// pattern is "pkg.Service/Method", "pkg.Service/*" or "*"; a destination is a destination name or
// "*". Any other key, a malformed pattern or an unknown role is an error naming the file and the
// JSON path. Roles absent from the file may call nothing. Health checks (grpc.health.v1.Health) and
// server reflection (grpc.reflection.*) are allowed to every verified client whatever its role,
// so that probes need no special role: see IsAlwaysAllowed.

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace zorgbrug::gateway {

// The roles a client certificate may carry (its subject OU).
inline constexpr std::array<std::string_view, 4> kRoles = {"epd-vendor", "regional-platform",
                                                           "bihr-destination", "operator"};

// True for the methods every verified client may call: grpc.health.v1.Health/* and
// grpc.reflection.*. `method` is "pkg.Service/Method" with or without a leading '/'.
bool IsAlwaysAllowed(std::string_view method);

class AccessPolicy {
 public:
  struct Role {
    std::vector<std::string> rpcs;          // patterns, as in the file
    std::vector<std::string> destinations;  // names or "*"
  };

  // The empty policy: every role may call nothing but IsAlwaysAllowed methods.
  AccessPolicy() = default;

  // Parses policy JSON. `source` (usually the file name) prefixes every error, e.g.
  // "policy.json: $.roles.operator.rpcs[2]: ...". Errors are InvalidArgument.
  static absl::StatusOr<AccessPolicy> Parse(std::string_view json, std::string_view source);
  // Reads and parses the file `path` (at most 1 MiB).
  static absl::StatusOr<AccessPolicy> Load(const std::string& path);

  // True when `role` is one of the roles the policy lists.
  bool HasRole(std::string_view role) const { return roles_.find(role) != roles_.end(); }
  // True when `role` may call `method` ("pkg.Service/Method", with or without a leading '/'):
  // IsAlwaysAllowed, or a pattern of the role matches.
  bool MayCall(std::string_view role, std::string_view method) const;
  // True when `role` may consume (subscribe to, acknowledge, reject on) `destination`.
  bool MayConsume(std::string_view role, std::string_view destination) const;

  const std::map<std::string, Role, std::less<>>& roles() const { return roles_; }

 private:
  std::map<std::string, Role, std::less<>> roles_;
};

}  // namespace zorgbrug::gateway
