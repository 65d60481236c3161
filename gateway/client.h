#pragma once

// A small client for a running gateway (used by `zorgbrug call` and by tests).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "zorgbrug/v1/validation.grpc.pb.h"

namespace zorgbrug::gateway {

struct ClientOptions {
  // host:port of the gateway, e.g. "localhost:8443".
  std::string target;
  // PEM of the CA that signed the gateway's certificate. Empty: the system trust store.
  std::string ca_cert_pem;
  // Connect without TLS (only to a gateway started with --plaintext-for-tests).
  bool plaintext = false;
  // Mutual TLS: the client's certificate chain and private key (PEM); empty: none presented.
  std::string client_cert_pem{};
  std::string client_key_pem{};
};

// A channel to `options.target`. Does not connect until the first call.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

struct ValidateCall {
  grpc::Status status;
  // The response: on OK, the reply; on a non-OK status, the ValidateResponse attached as rich
  // status details when there is one (rejected content); otherwise absent.
  std::optional<v1::ValidateResponse> response;
};

// Calls Validation.Validate with a deadline of now + `timeout`.
ValidateCall CallValidate(v1::Validation::StubInterface& stub, const v1::ValidateRequest& request,
                          std::chrono::milliseconds timeout);

}  // namespace zorgbrug::gateway
