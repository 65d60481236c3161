#pragma once

// The gRPC richer error model (https://grpc.io/docs/guides/error/#richer-error-model): a non-OK
// status carries, in the binary `grpc-status-details-bin` trailer, a serialized google.rpc.Status
// {code = 1, message = 2, repeated google.protobuf.Any details = 3}. Clients in every language
// unpack it with their standard status helpers. google/rpc/status.proto is not installed with
// Debian's gRPC, so the three fields are written and read directly; the wire format is the same.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include "fhir/issues.h"

namespace zorgbrug::gateway {

// A non-OK status with `message` whose details hold a google.rpc.Status with the same code and
// message and `detail` packed as google.protobuf.Any ("type.googleapis.com/<full message name>").
// Requires code != OK (gRPC drops details of OK statuses).
grpc::Status MakeRichStatus(grpc::StatusCode code, std::string message,
                            const google::protobuf::Message& detail);

// Serialized google.rpc.Status as described above.
std::string EncodeStatusDetails(grpc::StatusCode code, std::string_view message,
                                const google::protobuf::Message& detail);

// Bound on the serialized google.rpc.Status in the grpc-status-details-bin trailer. It is sent
// base64-encoded, and common clients refuse trailers over 8 KiB (grpc-java's default).
inline constexpr size_t kMaxStatusDetailsBytes = 4096;

// The status of a refused request: the error table's code for `rejection`'s issue type
// (INVALID_ARGUMENT when the table says OK), ShortIssueMessage(rejection) as the message, and
// `response` as rich details; when those exceed kMaxStatusDetailsBytes, what `compact` returns is
// attached instead.
grpc::Status RejectionStatus(
    const fhir::Issue& rejection, const google::protobuf::Message& response,
    const std::function<std::unique_ptr<google::protobuf::Message>()>& compact);

// Unpacks into `out` the first detail in `details` (a serialized google.rpc.Status) whose type is
// out's type. Returns false when `details` is not a google.rpc.Status or holds no such detail.
bool UnpackStatusDetail(std::string_view details, google::protobuf::Message& out);

}  // namespace zorgbrug::gateway
