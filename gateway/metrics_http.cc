#include "gateway/metrics_http.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstring>
#include <mutex>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace zorgbrug::gateway {
namespace {

constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// civetweb's own messages (bind failures, malformed requests) go to spdlog at debug level instead
// of stderr; they carry addresses and request lines, never message content.
int LogCivetweb(const mg_connection*, const char* message) {
  spdlog::debug("metrics http: {}", message);
  return 1;
}

// Checks "a.b.c.d:port" strictly: civetweb would also read lists, "s"/"r" suffixes and bare ports.
absl::Status CheckListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("metrics listen address must be ipv4-address:port");
  }
  const std::string host = listen.substr(0, colon);
  const std::string_view port = std::string_view(listen).substr(colon + 1);
  in_addr address;
  int number = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (inet_pton(AF_INET, host.c_str(), &address) != 1 || port.empty() || ec != std::errc() ||
      end != port.data() + port.size() || number < 0 || number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics listen address must be ipv4-address:port, not \"", listen, "\""));
  }
  return absl::OkStatus();
}

void Respond(mg_connection* connection, int status, std::string_view reason,
             std::string_view content_type, std::string_view body, bool send_body,
             std::string_view extra_headers = {}) {
  const std::string head = absl::StrCat(
      "HTTP/1.1 ", status, " ", std::string(reason),
      "\r\nContent-Type: ", std::string(content_type), "\r\nContent-Length: ", body.size(),
      "\r\nCache-Control: no-store\r\nConnection: close\r\n", std::string(extra_headers), "\r\n");
  mg_write(connection, head.data(), head.size());
  if (send_body) mg_write(connection, body.data(), body.size());
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(const Metrics* metrics,
                                                                            std::string listen) {
  if (absl::Status s = CheckListen(listen); !s.ok()) return s;
  static std::once_flag library_initialized;
  std::call_once(library_initialized, [] { mg_init_library(0); });

  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(metrics));
  // No document_root: nothing but the handler below is served.
  const char* options[] = {"listening_ports",
                           listen.c_str(),
                           "num_threads",
                           "2",
                           "request_timeout_ms",
                           "10000",
                           "access_control_allow_origin",
                           "",
                           nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = LogCivetweb;
  mg_init_data init{&callbacks, server.get(), options};
  char error_text[256] = "";
  unsigned error_code = 0;
  mg_error_data error{&error_code, error_text, sizeof error_text};
  server->context_ = mg_start2(&init, &error);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", listen, ": ", error_text));
  }
  mg_set_request_handler(server->context_, "/", &MetricsHttpServer::Handle, server.get());
  mg_server_port port{};
  if (mg_get_server_ports(server->context_, 1, &port) != 1 || port.port <= 0) {
    return absl::UnavailableError(absl::StrCat("metrics: no port bound for ", listen));
  }
  server->port_ = port.port;
  server->address_ = absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port.port);
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

int MetricsHttpServer::Handle(mg_connection* connection, void* self) {
  const mg_request_info* request = mg_get_request_info(connection);
  const std::string_view method = request->request_method ? request->request_method : "";
  const std::string_view path = request->local_uri ? request->local_uri : "";
  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    Respond(connection, 405, "Method Not Allowed", "text/plain; charset=utf-8",
            "method not allowed\n", true, "Allow: GET, HEAD\r\n");
    return 405;
  }
  if (path != "/metrics") {
    Respond(connection, 404, "Not Found", "text/plain; charset=utf-8", "not found\n", !head);
    return 404;
  }
  const std::string body = static_cast<const MetricsHttpServer*>(self)->metrics_->Render();
  Respond(connection, 200, "OK", kContentType, body, !head);
  return 200;
}

}  // namespace zorgbrug::gateway
