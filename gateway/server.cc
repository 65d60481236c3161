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

}  // namespace

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

  // Both are process-wide switches read when a ServerBuilder is constructed.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, *credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.RegisterService(server->validation_.get());
  builder.RegisterService(server->epd_translation_.get());
  builder.RegisterService(server->bib_screenings_.get());
  builder.RegisterService(server->consultations_.get());
  builder.RegisterService(server->care_plans_.get());
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
}

void GatewayServer::Drain(std::chrono::system_clock::time_point deadline) {
  std::call_once(drained_, [&] {
    spdlog::info("draining {}", address_);
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(deadline);
    server_->Wait();
    spdlog::info("stopped {}", address_);
  });
}

}  // namespace zorgbrug::gateway
