#pragma once

// The metrics endpoint: GET /metrics answers Metrics::Render() as
// "text/plain; version=0.0.4; charset=utf-8" on its own port, apart from the gRPC port.
//
// Plain HTTP/1.1 without TLS or authentication, meant for a Prometheus scraper (or an agent) on the
// same host: bind it to loopback, as the default does. The series carry counts, durations and
// destination ids, never patient data. Served by civetweb (C API) on two worker threads; any other
// path is 404, any other method 405. IPv4 addresses only (Debian's civetweb is built without IPv6).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/metrics.h"

struct mg_connection;
struct mg_context;

namespace zorgbrug::gateway {

inline constexpr char kDefaultMetricsListen[] = "127.0.0.1:9464";

class MetricsHttpServer {
 public:
  // Listens on `listen` ("ipv4-address:port"; port 0 picks a free port, see port()) and serves
  // `metrics`, which must outlive the server. InvalidArgument for a malformed address, Unavailable
  // when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const Metrics* metrics, std::string listen = kDefaultMetricsListen);

  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;
  // Stops listening and waits for requests in progress to finish; takes up to 2 s (civetweb's
  // accept loop polls in 2 s steps).
  ~MetricsHttpServer();

  // The port actually bound.
  int port() const { return port_; }
  // The listen address with the bound port, e.g. "127.0.0.1:41234".
  const std::string& address() const { return address_; }

 private:
  explicit MetricsHttpServer(const Metrics* metrics) : metrics_(metrics) {}

  // civetweb request handler; `self` is the server.
  static int Handle(mg_connection* connection, void* self);

  const Metrics* const metrics_;
  mg_context* context_ = nullptr;
  int port_ = 0;
  std::string address_;
};

}  // namespace zorgbrug::gateway
