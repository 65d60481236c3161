#pragma once

// The gateway's gRPC server: zorgbrug.v1 services, the standard health service (grpc.health.v1) and
// server reflection, over TLS unless plaintext is asked for explicitly.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "fhir/json/parser.h"
#include "gateway/bib_screening_service.h"
#include "gateway/care_plan_service.h"
#include "gateway/consultation_service.h"
#include "gateway/dev_certs.h"
#include "gateway/epd_translation_service.h"
#include "gateway/validation_service.h"

namespace zorgbrug::gateway {

inline constexpr size_t kDefaultMaxMessageBytes = 16u << 20;

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see GatewayServer::port()).
  std::string listen_address = "127.0.0.1:8443";
  // Server certificate and key (PEM); required unless `plaintext`. ca_cert_pem is not used.
  TlsMaterial tls;
  // Serve without TLS. Only for tests and local debugging behind another TLS terminator.
  bool plaintext = false;
  // Largest request message accepted (gRPC max receive size); larger ones fail with
  // RESOURCE_EXHAUSTED before reaching a service. Also the JSON parse limit max_bytes.
  size_t max_message_bytes = kDefaultMaxMessageBytes;
  // Parse limits for FHIR JSON; max_bytes is replaced by max_message_bytes.
  fhir::json::ParseLimits limits;
};

class GatewayServer {
 public:
  // Builds and starts the server. Fails with InvalidArgument for bad options and Unavailable when
  // the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(const ServerOptions& options);

  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;
  // Drains with an immediate deadline if Drain was not called.
  ~GatewayServer();

  // The port actually bound.
  int port() const { return port_; }
  // listen_address with the bound port, e.g. "127.0.0.1:41234".
  const std::string& address() const { return address_; }

  // Graceful stop: health becomes NOT_SERVING, no new calls are accepted, calls in flight may
  // finish until `deadline` and are cancelled after it. Returns when the server has stopped.
  // Idempotent and thread-safe.
  void Drain(std::chrono::system_clock::time_point deadline);

  // Blocks until the server has stopped (after Drain from another thread).
  void Wait() { server_->Wait(); }

 private:
  GatewayServer() = default;

  std::unique_ptr<ValidationService> validation_;
  std::unique_ptr<EpdTranslationService> epd_translation_;
  std::unique_ptr<BibScreeningService> bib_screenings_;
  std::unique_ptr<ConsultationService> consultations_;
  std::unique_ptr<CarePlanService> care_plans_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
  std::once_flag drained_;
};

}  // namespace zorgbrug::gateway
