#pragma once

// Calls to the standard gRPC services the gateway exposes (grpc.health.v1.Health and
// grpc.reflection.v1alpha.ServerReflection) through the generic stub. Their .proto files are not
// installed with Debian's gRPC and libgrpc++_reflection already registers the reflection messages,
// so the few fields needed are written and read as raw protobuf wire format.

#include <chrono>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace zorgbrug::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
inline constexpr int kServing = 1;
inline constexpr int kNotServing = 2;

// Health.Check for `service` ("" = the whole server); the ServingStatus value or the call's error.
absl::StatusOr<int> CheckHealth(grpc::Channel& channel, const std::string& service,
                                std::chrono::milliseconds timeout);

// ServerReflectionInfo with list_services; the full names of the services the server lists.
absl::StatusOr<std::vector<std::string>> ListServices(grpc::Channel& channel,
                                                      std::chrono::milliseconds timeout);

}  // namespace zorgbrug::testing
