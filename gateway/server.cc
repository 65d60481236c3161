#include "gateway/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <climits>

#include "absl/strings/str_cat.h"
#include "zorgbrug/v1/validation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMinMessageBytes = 1024;

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& options) {
  if (options.plaintext) return grpc::InsecureServerCredentials();
  if (options.tls.server_cert_pem.empty() || options.tls.server_key_pem.empty()) {
    return absl::InvalidArgumentError("TLS needs a server certificate and key (or plaintext)");
  }
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({options.tls.server_key_pem, options.tls.server_cert_pem});
  return grpc::SslServerCredentials(ssl);
}

absl::Status CheckOptions(const ServerOptions& options) {
  if (options.max_message_bytes < kMinMessageBytes ||
      options.max_message_bytes > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrCat("max message bytes must be between ", kMinMessageBytes, " and ", INT_MAX));
  }
  if (options.listen_address.rfind(':') == std::string::npos) {
    return absl::InvalidArgumentError("listen address must be host:port");
  }
  return absl::OkStatus();
}

// `listen` ("host:port") with its port replaced by `port`.
std::string WithPort(const std::string& listen, int port) {
  return absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port);
}

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kMinPseudonymKeyBytes = 16;

}  // namespace

std::vector<DestinationConfig> DefaultDestinations() {
  return {
      {"bihr", "https://bihr.example.be/fhir", {}},
      {"regional-platform",
       "https://platform.example.be/fhir",
       {"bib-screening", "consultation-record", "care-plan-contribution", "care-plan-update"}},
      {"epd", "https://epd.example.be/fhir", {"care-plan-contribution", "care-plan-update"}},
  };
}

absl::Status GatewayServer::StartMessaging(const ServerOptions& options) {
  const MessagingOptions& messaging = options.messaging;
  if (messaging.store_path.empty()) {
    return absl::InvalidArgumentError("the message store needs a file (store path)");
  }
  if (messaging.pseudonym_key.size() < kMinPseudonymKeyBytes) {
    return absl::InvalidArgumentError("the pseudonym key must have at least 16 bytes");
  }
  if (absl::Status s = CheckDestinationConfigs(messaging.destinations); !s.ok()) return s;
  now_ms_ = options.now_ms ? options.now_ms : WallClockMs;
  store::SqliteOptions sqlite;
  sqlite.path = messaging.store_path;
  sqlite.synchronous = messaging.synchronous;
  sqlite.retry = messaging.retry;
  sqlite.on_commit = [this](int64_t micros, int64_t changes) {
    metrics_.RecordCommit(micros, changes);
  };
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened = store::OpenSqliteStore(sqlite);
  if (!opened.ok()) return opened.status();
  store_ = *std::move(opened);
  if (messaging.synchronous != store::Synchronous::kFull) {
    spdlog::warn(
        "message store synchronous={} by configuration: acknowledged messages may be "
        "lost on a power cut",
        store::SynchronousName(messaging.synchronous));
  }
  spdlog::info(
      "message store {}: synchronous={}, duplicates remembered {} h after delivery, {} "
      "destinations",
      messaging.store_path, store::SynchronousName(messaging.synchronous),
      messaging.retention_ms / 3'600'000, messaging.destinations.size());
  EngineOptions engine;
  engine.source = messaging.source;
  engine.destinations = messaging.destinations;
  engine.limits = options.limits;
  engine.limits.max_bytes = options.max_message_bytes;
  engine.pseudonym_key = messaging.pseudonym_key;
  engine.new_uuid = NewUuid;
  engine.now_ms = now_ms_;
  engine_ = std::make_unique<MessagingEngine>(store_.get(), &signal_, &metrics_, engine);
  submissions_ = std::make_unique<EpdSubmissionService>(engine_.get());
  fhir_messaging_ = std::make_unique<FhirMessagingService>(engine_.get());
  DestinationServiceOptions delivery;
  delivery.now_ms = now_ms_;
  delivery.metrics = &metrics_;
  destinations_ = std::make_unique<DestinationService>(store_.get(), messaging.destinations,
                                                       &signal_, delivery);
  metrics_.SetClock(now_ms_);
  metrics_.SetQueueSource([this]() -> absl::StatusOr<std::vector<QueueGauge>> {
    absl::StatusOr<std::vector<store::QueueStats>> stats = store_->Stats();
    if (!stats.ok()) return stats.status();
    std::vector<QueueGauge> gauges;
    for (const store::QueueStats& queue : *stats) {
      gauges.push_back(
          {queue.destination, queue.pending, queue.dead_letters, queue.oldest_pending_ms});
    }
    return gauges;
  });
  if (!messaging.metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> http =
        MetricsHttpServer::Start(&metrics_, messaging.metrics_listen);
    if (!http.ok()) return http.status();
    metrics_http_ = *std::move(http);
    spdlog::info("metrics on http://{}:{}/metrics",
                 messaging.metrics_listen.substr(0, messaging.metrics_listen.rfind(':')),
                 metrics_http_->port());
  }
  purger_ = std::thread([this, retention = messaging.retention_ms] { PurgeLoop(retention); });
  return absl::OkStatus();
}

// Forgets delivered messages past the retention period, at start and then every hour.
void GatewayServer::PurgeLoop(int64_t retention_ms) {
  std::unique_lock<std::mutex> lock(purge_mu_);
  while (!stopping_) {
    lock.unlock();
    absl::StatusOr<int64_t> purged = store_->Purge(now_ms_() - retention_ms);
    if (!purged.ok()) {
      spdlog::warn("purge of the message store failed: {}", purged.status().ToString());
    } else if (*purged > 0) {
      spdlog::info("purged {} delivered messages past the retention period", *purged);
    }
    lock.lock();
    purge_cv_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; });
  }
}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(const ServerOptions& options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = Credentials(options);
  if (!credentials.ok()) return credentials.status();

  ValidateOptions validate;
  validate.limits = options.limits;
  validate.limits.max_bytes = options.max_message_bytes;
  std::unique_ptr<GatewayServer> server(new GatewayServer());
  server->validation_ = std::make_unique<ValidationService>(validate);
  TranslationOptions translation;
  translation.limits = validate.limits;
  server->epd_translation_ = std::make_unique<EpdTranslationService>(translation);
  server->bib_screenings_ = std::make_unique<BibScreeningService>(translation);
  server->consultations_ = std::make_unique<ConsultationService>(translation);
  server->care_plans_ = std::make_unique<CarePlanService>(translation);
  if (absl::Status s = server->StartMessaging(options); !s.ok()) return s;

  // Both are process-wide switches read when a ServerBuilder is constructed.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, *credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  // Destination streams are long-lived: keepalive pings find a consumer whose connection went
  // half-open, so its unacknowledged entries go to the next subscriber.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.RegisterService(server->validation_.get());
  builder.RegisterService(server->epd_translation_.get());
  builder.RegisterService(server->bib_screenings_.get());
  builder.RegisterService(server->consultations_.get());
  builder.RegisterService(server->care_plans_.get());
  builder.RegisterService(server->submissions_.get());
  builder.RegisterService(server->fhir_messaging_.get());
  builder.RegisterService(server->destinations_.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(NewRpcInterceptorFactory(&server->metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  server->address_ = WithPort(options.listen_address, server->port_);
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(v1::Validation::service_full_name(), true);
  spdlog::info("listening on {} ({}), max message {} bytes", server->address_,
               options.plaintext ? "PLAINTEXT" : "TLS", options.max_message_bytes);
  return server;
}

GatewayServer::~GatewayServer() {
  if (server_) Drain(std::chrono::system_clock::now());
  {
    std::lock_guard<std::mutex> lock(purge_mu_);
    stopping_ = true;
  }
  purge_cv_.notify_all();
  if (purger_.joinable()) purger_.join();
}

void GatewayServer::Drain(std::chrono::system_clock::time_point deadline) {
  std::call_once(drained_, [&] {
    spdlog::info("draining {}", address_);
    server_->GetHealthCheckService()->SetServingStatus(false);
    if (destinations_) destinations_->Shutdown();  // streams would hold Shutdown to its deadline
    server_->Shutdown(deadline);
    server_->Wait();
    spdlog::info("stopped {}", address_);
  });
}

}  // namespace zorgbrug::gateway
