#include "tests/gateway/grpc_probe.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>

namespace zorgbrug::testing {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// A completion queue that is shut down and drained before it is destroyed, as gRPC requires.
struct Queue {
  grpc::CompletionQueue cq;
  ~Queue() {
    cq.Shutdown();
    void* tag;
    bool ok;
    while (cq.Next(&tag, &ok)) {
    }
  }
};

// Waits for the next completion and requires it to be `tag` with ok == true.
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  return cq.Next(&got, &ok) && got == tag && ok;
}

// Parses `bytes` as wire format and returns the length-delimited fields numbered `number`.
std::vector<std::string> Fields(const std::string& bytes, int number) {
  UnknownFieldSet set;
  std::vector<std::string> out;
  if (!set.ParseFromString(bytes)) return out;
  for (int i = 0; i < set.field_count(); ++i) {
    if (set.field(i).number() == number &&
        set.field(i).type() == UnknownField::TYPE_LENGTH_DELIMITED) {
      out.push_back(set.field(i).length_delimited());
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<int> CheckHealth(grpc::Channel& channel, const std::string& service,
                                std::chrono::milliseconds timeout) {
  UnknownFieldSet request;  // HealthCheckRequest { string service = 1; }
  if (!service.empty()) request.AddLengthDelimited(1, service);
  std::string request_bytes;
  request.SerializeToString(&request_bytes);

  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  Queue queue;
  grpc::CompletionQueue& cq = queue.cq;
  grpc::ByteBuffer response;
  grpc::Status status;
  auto call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", ToBuffer(request_bytes), &cq);
  call->StartCall();
  call->Finish(&response, &status, &response);
  if (!Await(cq, &response)) return absl::InternalError("completion queue failed");
  if (!status.ok()) return ToAbsl(status);

  UnknownFieldSet reply;  // HealthCheckResponse { ServingStatus status = 1; }
  if (!reply.ParseFromString(FromBuffer(response))) return absl::DataLossError("bad response");
  for (int i = 0; i < reply.field_count(); ++i) {
    if (reply.field(i).number() == 1) return static_cast<int>(reply.field(i).varint());
  }
  return 0;  // UNKNOWN, the proto3 default, is not sent on the wire
}

absl::StatusOr<std::vector<std::string>> ListServices(grpc::Channel& channel,
                                                      std::chrono::milliseconds timeout) {
  UnknownFieldSet request;  // ServerReflectionRequest { string list_services = 7; }
  request.AddLengthDelimited(7, "*");
  std::string request_bytes;
  request.SerializeToString(&request_bytes);

  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  Queue queue;
  grpc::CompletionQueue& cq = queue.cq;
  auto stream = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  int tag = 0;
  grpc::ByteBuffer response;
  grpc::Status status;
  // One step at a time: start, write the request, half-close, read one response, finish.
  stream->StartCall(&tag);
  bool ok = Await(cq, &tag);
  if (ok) {
    stream->Write(ToBuffer(request_bytes), &tag);
    ok = Await(cq, &tag);
  }
  if (ok) {
    stream->WritesDone(&tag);
    ok = Await(cq, &tag);
  }
  if (ok) {
    stream->Read(&response, &tag);
    ok = Await(cq, &tag);
  }
  const bool read = ok;
  if (!read) context.TryCancel();
  stream->Finish(&status, &status);
  if (!Await(cq, &status)) return absl::InternalError("completion queue failed");
  if (!status.ok()) return ToAbsl(status);
  if (!read) return absl::DataLossError("no reflection response");

  // ServerReflectionResponse.list_services_response = 6 -> ListServiceResponse.service = 1 ->
  // ServiceResponse.name = 1.
  std::vector<std::string> names;
  for (const std::string& list : Fields(FromBuffer(response), 6)) {
    for (const std::string& service : Fields(list, 1)) {
      for (const std::string& name : Fields(service, 1)) names.push_back(name);
    }
  }
  return names;
}

}  // namespace zorgbrug::testing
