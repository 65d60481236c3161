#pragma once

// The gateway's gRPC server: zorgbrug.v1 services, the standard health service (grpc.health.v1) and
// server reflection, over TLS unless plaintext is asked for explicitly.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "fhir/json/parser.h"
#include "gateway/audit_service.h"
#include "gateway/audit_trail.h"
#include "gateway/bib_screening_service.h"
#include "gateway/care_plan_service.h"
#include "gateway/care_plan_sync_service.h"
#include "gateway/consultation_service.h"
#include "gateway/destinations.h"
#include "gateway/dev_certs.h"
#include "gateway/engine.h"
#include "gateway/epd_translation_service.h"
#include "gateway/messaging_service.h"
#include "gateway/metrics.h"
#include "gateway/metrics_http.h"
#include "gateway/server_credentials.h"
#include "gateway/store/sqlite_store.h"
#include "gateway/validation_service.h"

namespace zorgbrug::gateway {

inline constexpr size_t kDefaultMaxMessageBytes = 16u << 20;

// The destinations of a development gateway: a BIHR-side endpoint receiving every event, a
// regional platform receiving what concerns the care plan, and an EPD receiving care-plan news.
std::vector<DestinationConfig> DefaultDestinations();

// The messaging engine's configuration (issue #8).
struct MessagingOptions {
  // The SQLite file of the message store; created with its schema when missing. Required.
  std::string store_path;
  // kFull unless configured otherwise; anything weaker is logged at start.
  store::Synchronous synchronous = store::Synchronous::kFull;
  store::RetryPolicy retry;
  // How long a message is remembered for duplicate detection once every destination acknowledged
  // it (R4: "the duration period for caching does not need to be very long"); stated at start.
  int64_t retention_ms = int64_t{7} * 24 * 3600 * 1000;
  std::vector<DestinationConfig> destinations = DefaultDestinations();
  // The secret of the patients' pseudonyms (at least 16 bytes). Required.
  std::string pseudonym_key;
  // The gateway in the messages it builds; endpoint required.
  messaging::GatewaySource source{"zorgbrug", "https://zorgbrug.example.be/fhir", ""};
  // host:port of the Prometheus endpoint (plain HTTP, keep it on loopback); empty: none.
  std::string metrics_listen;
};

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see GatewayServer::port()).
  std::string listen_address = "127.0.0.1:8443";
  // Server certificate and key (PEM); required unless `plaintext` or the files below are set.
  // ca_cert_pem is not used.
  TlsMaterial tls;
  // The server certificate and key as files, re-read every tls_refresh_seconds (rotation without
  // restart); when set they replace `tls`.
  std::string tls_cert_file;
  std::string tls_key_file;
  unsigned tls_refresh_seconds = 60;
  // Mutual TLS with roles (server_credentials.h): the client CA bundle and the access policy, both
  // or neither; re-read within a second of a change. Neither: every caller is anonymous.
  std::string client_ca_file;
  std::string policy_file;
  // Serve without TLS. Only for tests and local debugging behind another TLS terminator.
  bool plaintext = false;
  // Largest request message accepted (gRPC max receive size); larger ones fail with
  // RESOURCE_EXHAUSTED before reaching a service. Also the JSON parse limit max_bytes.
  size_t max_message_bytes = kDefaultMaxMessageBytes;
  // Parse limits for FHIR JSON; max_bytes is replaced by max_message_bytes.
  fhir::json::ParseLimits limits;
  MessagingOptions messaging;
  // The clock of the engine and the destinations (ms since the Unix epoch); tests pass their own.
  std::function<int64_t()> now_ms;
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

  // The metrics endpoint's port (0 when none), the store and the engine (for tests and tools).
  int metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }
  store::SqliteStore& store() { return *store_; }
  const Metrics& metrics() const { return metrics_; }
  MessagingEngine& engine() { return *engine_; }
  AuditTrail& audit() { return *audit_; }
  // Null without mutual TLS.
  ClientAuthenticator* authenticator() { return authenticator_.get(); }

 private:
  GatewayServer() = default;
  absl::Status StartMessaging(const ServerOptions& options);
  void PurgeLoop(int64_t retention_ms);

  std::unique_ptr<ValidationService> validation_;
  std::unique_ptr<EpdTranslationService> epd_translation_;
  std::unique_ptr<BibScreeningService> bib_screenings_;
  std::unique_ptr<ConsultationService> consultations_;
  std::unique_ptr<CarePlanService> care_plans_;
  std::function<int64_t()> now_ms_;
  Metrics metrics_;
  std::unique_ptr<MetricsHttpServer> metrics_http_;
  std::unique_ptr<store::SqliteStore> store_;
  QueueSignal signal_;
  std::unique_ptr<MessagingEngine> engine_;
  std::unique_ptr<AuditTrail> audit_;
  std::unique_ptr<AuditEventService> audit_service_;
  std::shared_ptr<ClientAuthenticator> authenticator_;
  std::unique_ptr<EpdSubmissionService> submissions_;
  std::unique_ptr<FhirMessagingService> fhir_messaging_;
  std::unique_ptr<DestinationService> destinations_;
  std::unique_ptr<CarePlanSyncService> care_plan_sync_;
  std::mutex purge_mu_;
  std::condition_variable purge_cv_;
  bool stopping_ = false;
  std::thread purger_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
  std::once_flag drained_;
};

}  // namespace zorgbrug::gateway
