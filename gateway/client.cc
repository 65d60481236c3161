#include "gateway/client.h"

#include "gateway/rich_status.h"

namespace zorgbrug::gateway {

namespace {
// Responses carry OperationOutcomes that may be larger than gRPC's 4 MiB receive default.
constexpr int kMaxResponseBytes = 64 << 20;
}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.plaintext) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.ca_cert_pem;
    ssl.pem_cert_chain = options.client_cert_pem;
    ssl.pem_private_key = options.client_key_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxResponseBytes);
  return grpc::CreateCustomChannel(options.target, credentials, arguments);
}

ValidateCall CallValidate(v1::Validation::StubInterface& stub, const v1::ValidateRequest& request,
                          std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  v1::ValidateResponse response;
  ValidateCall call;
  call.status = stub.Validate(&context, request, &response);
  if (call.status.ok()) {
    call.response = std::move(response);
  } else if (v1::ValidateResponse detail; UnpackStatusDetail(call.status.error_details(), detail)) {
    call.response = std::move(detail);
  }
  return call;
}

}  // namespace zorgbrug::gateway
