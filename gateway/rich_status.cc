#include "gateway/rich_status.h"

#include "gateway/error_table.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/unknown_field_set.h>

namespace zorgbrug::gateway {
namespace {

// Field numbers of google.rpc.Status (googleapis google/rpc/status.proto).
constexpr int kStatusCodeField = 1;
constexpr int kStatusMessageField = 2;
constexpr int kStatusDetailsField = 3;

}  // namespace

std::string EncodeStatusDetails(grpc::StatusCode code, std::string_view message,
                                const google::protobuf::Message& detail) {
  google::protobuf::Any any;
  any.PackFrom(detail);
  google::protobuf::UnknownFieldSet status;
  status.AddVarint(kStatusCodeField, static_cast<uint64_t>(code));
  status.AddLengthDelimited(kStatusMessageField, std::string(message));
  status.AddLengthDelimited(kStatusDetailsField, any.SerializeAsString());
  std::string out;
  status.SerializeToString(&out);
  return out;
}

grpc::Status MakeRichStatus(grpc::StatusCode code, std::string message,
                            const google::protobuf::Message& detail) {
  std::string details = EncodeStatusDetails(code, message, detail);
  return grpc::Status(code, std::move(message), std::move(details));
}

bool UnpackStatusDetail(std::string_view details, google::protobuf::Message& out) {
  google::protobuf::UnknownFieldSet status;
  if (!status.ParseFromArray(details.data(), static_cast<int>(details.size()))) return false;
  for (int i = 0; i < status.field_count(); ++i) {
    const google::protobuf::UnknownField& field = status.field(i);
    if (field.number() != kStatusDetailsField ||
        field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    google::protobuf::Any any;
    if (any.ParseFromString(field.length_delimited()) && any.UnpackTo(&out)) return true;
  }
  return false;
}

grpc::Status RejectionStatus(
    const fhir::Issue& rejection, const google::protobuf::Message& response,
    const std::function<std::unique_ptr<google::protobuf::Message>()>& compact) {
  grpc::StatusCode code = MappingFor(rejection.type).grpc_code;
  if (code == grpc::StatusCode::OK) code = grpc::StatusCode::INVALID_ARGUMENT;
  std::string message = ShortIssueMessage(rejection);
  std::string details = EncodeStatusDetails(code, message, response);
  if (details.size() > kMaxStatusDetailsBytes) {
    details = EncodeStatusDetails(code, message, *compact());
  }
  return grpc::Status(code, std::move(message), std::move(details));
}

}  // namespace zorgbrug::gateway
