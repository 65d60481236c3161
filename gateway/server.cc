#include "gateway/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>

#include "absl/strings/str_cat.h"
#include "gateway/audit_event.h"
#include "gateway/caller.h"
#include "gateway/consent.h"
#include "zorgbrug/v1/validation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMinMessageBytes = 1024;

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
  std::vector<DestinationConfig> destinations = {
      {"bihr", "https://bihr.example.be/fhir", {}},
      {"regional-platform",
       "https://platform.example.be/fhir",
       {"bib-screening", "consultation-record", "care-plan-contribution", "care-plan-update"}},
      {"epd", "https://epd.example.be/fhir", {"care-plan-contribution", "care-plan-update"}},
  };
  // BIHR and the EPD are read by health professionals; the platform holds the plan.
  destinations[0].member_kind = v1::MEMBER_KIND_PROFESSIONAL;
  destinations[2].member_kind = v1::MEMBER_KIND_PROFESSIONAL;
  return destinations;
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
  audit_ = std::make_unique<AuditTrail>(store_.get(), now_ms_);
  audit_service_ = std::make_unique<AuditEventService>(
      store_.get(),
      [this](const std::string& base, const std::string& key) {
        return engine_->Pseudonym(base, key);
      },
      audit_.get());
  submissions_ = std::make_unique<EpdSubmissionService>(engine_.get(), audit_.get());
  fhir_messaging_ = std::make_unique<FhirMessagingService>(engine_.get(), audit_.get());
  CarePlanSyncOptions sync;
  sync.on_patient = [this](grpc::ServerContext& context, const std::string& partition) {
    audit_->Note(&context, partition);
  };
  sync.on_sent = [this](grpc::ServerContext& context, const v1::CarePlanChange& change) {
    const Caller caller = CallerOf(context);
    audit_->Record({caller.client,
                    caller.role,
                    "/zorgbrug.v1.CarePlanSync/WatchCarePlans",
                    {change.partition()}});
  };
  care_plan_sync_ = std::make_unique<CarePlanSyncService>(engine_.get(), store_.get(), sync);
  DestinationServiceOptions delivery;
  delivery.now_ms = now_ms_;
  delivery.metrics = &metrics_;
  delivery.consent =
      [this, destinations = messaging.destinations](
          const store::Delivery& entry) -> absl::StatusOr<std::optional<std::string>> {
    auto destination = std::find_if(
        destinations.begin(), destinations.end(),
        [&](const DestinationConfig& config) { return config.name == entry.destination; });
    // Most deliveries need no plan: an unrestricted destination, or an entry revealing nothing.
    if (destination == destinations.end() || !ConsentRestricts(*destination) ||
        entry.content.empty()) {
      return std::nullopt;
    }
    absl::StatusOr<std::optional<MessagingEngine::HeldPlanRecord>> held =
        engine_->HeldPlan(entry.partition);
    if (!held.ok()) return held.status();
    return ConsentRefusal(held->has_value() ? &(*held)->plan : nullptr, *destination,
                          entry.content);
  };
  delivery.authorize = [this](const grpc::ServerContext& context,
                              const std::string& destination) -> grpc::Status {
    if (authenticator_ == nullptr) return grpc::Status::OK;
    const Caller caller = CallerOf(context);
    if (authenticator_->MayConsume(caller, destination)) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        absl::StrCat("role ", caller.role.empty() ? "(none)" : caller.role,
                                     " may not see destination ", destination));
  };
  delivery.on_delivery = [this](const grpc::ServerContext& context, const store::Delivery& entry,
                                std::string_view outcome, std::string_view reason) {
    const Caller caller = CallerOf(context);
    audit_->Record({caller.client,
                    caller.role,
                    DeliveryAction(entry.destination),
                    {entry.partition},
                    std::string(outcome),
                    grpc::StatusCode::OK,
                    std::string(reason)});
  };
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
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.plaintext) {
    credentials = grpc::InsecureServerCredentials();
  } else {
    ServerTlsOptions tls;
    tls.cert_file = options.tls_cert_file;
    tls.key_file = options.tls_key_file;
    tls.pem = options.tls;
    if (tls.cert_file.empty() &&
        (tls.pem.server_cert_pem.empty() || tls.pem.server_key_pem.empty())) {
      return absl::InvalidArgumentError("TLS needs a server certificate and key (or plaintext)");
    }
    tls.client_ca_file = options.client_ca_file;
    tls.policy_file = options.policy_file;
    tls.refresh_seconds = options.tls_refresh_seconds;
    tls.now_ms = server->now_ms_;
    AuditTrail* audit = server->audit_.get();
    tls.on_denied = [audit](const AccessDecision& decision) {
      audit->RecordDenied(decision.client, decision.role, decision.method, decision.reason);
    };
    absl::StatusOr<ServerTls> made = MakeServerTls(tls);
    if (!made.ok()) return made.status();
    credentials = std::move(made->credentials);
    server->authenticator_ = std::move(made->authenticator);
  }

  // Both are process-wide switches read when a ServerBuilder is constructed.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
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
  builder.RegisterService(server->care_plan_sync_.get());
  builder.RegisterService(server->audit_service_.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(NewRpcInterceptorFactory(&server->metrics_));
  interceptors.push_back(server->audit_->NewInterceptorFactory());
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
               options.plaintext                   ? "PLAINTEXT"
               : server->authenticator_ != nullptr ? "mutual TLS with roles"
                                                   : "TLS, clients anonymous",
               options.max_message_bytes);
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
    // Streams would hold Shutdown to its deadline.
    if (destinations_) destinations_->Shutdown();
    if (care_plan_sync_) care_plan_sync_->Shutdown();
    server_->Shutdown(deadline);
    server_->Wait();
    spdlog::info("stopped {}", address_);
  });
}

}  // namespace zorgbrug::gateway
