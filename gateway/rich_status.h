#pragma once

// The gRPC richer error model (https://grpc.io/docs/guides/error/#richer-error-model): a non-OK
// status carries, in the binary `grpc-status-details-bin` trailer, a serialized google.rpc.Status
// {code = 1, message = 2, repeated google.protobuf.Any details = 3}. Clients in every language
// unpack it with their standard status helpers. google/rpc/status.proto is not installed with
// Debian's gRPC, so the three fields are written and read directly; the wire format is the same.

#include <string>
#include <string_view>

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

namespace zorgbrug::gateway {

// A non-OK status with `message` whose details hold a google.rpc.Status with the same code and
// message and `detail` packed as google.protobuf.Any ("type.googleapis.com/<full message name>").
// Requires code != OK (gRPC drops details of OK statuses).
grpc::Status MakeRichStatus(grpc::StatusCode code, std::string message,
                            const google::protobuf::Message& detail);

// Serialized google.rpc.Status as described above.
std::string EncodeStatusDetails(grpc::StatusCode code, std::string_view message,
                                const google::protobuf::Message& detail);

// Unpacks into `out` the first detail in `details` (a serialized google.rpc.Status) whose type is
// out's type. Returns false when `details` is not a google.rpc.Status or holds no such detail.
bool UnpackStatusDetail(std::string_view details, google::protobuf::Message& out);

}  // namespace zorgbrug::gateway
