#pragma once

// A test suite base that runs the real gateway server in-process for the whole suite: 127.0.0.1,
// port 0, TLS with fresh dev_certs material. Each suite derives from it; `Channel()` connects a
// client that trusts the development CA.

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <memory>

#include "gateway/client.h"
#include "gateway/dev_certs.h"
#include "gateway/server.h"
#include "tests/gateway/scratch_store.h"

namespace zorgbrug::gateway {

class TlsServerSuite : public ::testing::Test {
 protected:
  // Starts the server; `max_message_bytes` 0 keeps the default.
  static void StartServer(size_t max_message_bytes = 0) {
    StartServer([max_message_bytes](ServerOptions& options) {
      if (max_message_bytes != 0) options.max_message_bytes = max_message_bytes;
    });
  }
  // Starts the server with the options `configure` adjusts (a scratch message store is set).
  static void StartServer(const std::function<void(ServerOptions&)>& configure) {
    absl::StatusOr<TlsMaterial> tls = GenerateDevTlsMaterial();
    ASSERT_TRUE(tls.ok()) << tls.status();
    tls_ = new TlsMaterial(*std::move(tls));
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls = *tls_;
    UseScratchStore(options);
    configure(options);
    absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void SetUpTestSuite() { StartServer(); }
  static void TearDownTestSuite() {
    delete server_;  // drains
    server_ = nullptr;
    delete tls_;
    tls_ = nullptr;
  }

  static std::shared_ptr<grpc::Channel> Channel() {
    return MakeChannel({server_->address(), tls_->ca_cert_pem, false});
  }

  static inline TlsMaterial* tls_ = nullptr;
  static inline GatewayServer* server_ = nullptr;
};

}  // namespace zorgbrug::gateway
