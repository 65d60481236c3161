#pragma once

// Who is calling: the client identity and role that mutual TLS established for a call
// (client_auth.h puts them in the call's AuthContext before any handler runs). Without mutual TLS
// (development) every caller is "anonymous" with no role, and the policy is not enforced.

#include <string>
#include <string_view>

#include <grpcpp/grpcpp.h>

namespace zorgbrug::gateway {

// AuthContext properties set by the client authenticator.
inline constexpr std::string_view kClientProperty = "zorgbrug.client";
inline constexpr std::string_view kRoleProperty = "zorgbrug.role";
inline constexpr std::string_view kAnonymousClient = "anonymous";

struct Caller {
  // The certificate subject's CN; "anonymous" without mutual TLS.
  std::string client{kAnonymousClient};
  // The role ("epd-vendor", "regional-platform", "bihr-destination", "operator"); empty without
  // mutual TLS.
  std::string role;
  // True when mutual TLS verified the client (client and role come from its certificate).
  bool authenticated = false;
};

// The caller of the call `context` belongs to.
inline Caller CallerOf(const grpc::ServerContextBase& context) {
  Caller caller;
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (!auth) return caller;
  std::vector<grpc::string_ref> clients = auth->FindPropertyValues(std::string(kClientProperty));
  std::vector<grpc::string_ref> roles = auth->FindPropertyValues(std::string(kRoleProperty));
  if (clients.empty() || roles.empty()) return caller;
  caller.client.assign(clients.front().data(), clients.front().size());
  caller.role.assign(roles.front().data(), roles.front().size());
  caller.authenticated = true;
  return caller;
}

}  // namespace zorgbrug::gateway
