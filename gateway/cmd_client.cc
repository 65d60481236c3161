#include "gateway/cmd_client.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "gateway/client.h"
#include "gateway/error_table.h"
#include "gateway/files.h"
#include "gateway/report.h"

namespace zorgbrug::gateway {
namespace {

// What to do about a status the gateway may stop giving later.
std::string_view HintFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return " (is the gateway running at --target? a retry of the same command is safe)";
    case grpc::StatusCode::ABORTED:
      return " (another consumer took the destination's stream over)";
    default:
      return "";
  }
}

}  // namespace

std::shared_ptr<grpc::Channel> ConnectOrPrint(const GatewayConnection& connection,
                                              std::ostream& err) {
  ClientOptions client{connection.target, "", connection.plaintext};
  if (!connection.plaintext) {
    const std::filesystem::path ca = connection.ca_cert_file.empty()
                                         ? connection.state_dir / "tls" / "ca.crt"
                                         : std::filesystem::path(connection.ca_cert_file);
    absl::StatusOr<std::string> pem = ReadFileToString(ca, 1 << 20);
    if (!pem.ok()) {
      err << "zorgbrug: CA certificate: " << pem.status().message()
          << " (use --ca-cert FILE, or --plaintext for a plaintext gateway)\n";
      return nullptr;
    }
    client.ca_cert_pem = *std::move(pem);
    if (!connection.client_cert_file.empty()) {
      absl::StatusOr<std::string> cert = ReadFileToString(connection.client_cert_file, 1 << 20);
      absl::StatusOr<std::string> key = ReadFileToString(connection.client_key_file, 1 << 20);
      if (!cert.ok() || !key.ok()) {
        err << "zorgbrug: client certificate: "
            << (cert.ok() ? key.status() : cert.status()).message() << "\n";
        return nullptr;
      }
      client.client_cert_pem = *std::move(cert);
      client.client_key_pem = *std::move(key);
    }
  }
  return MakeChannel(client);
}

void SetDeadline(grpc::ClientContext& context, const GatewayConnection& connection) {
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(connection.timeout_seconds * 1000)));
}

int WorseExit(int a, int b) {
  auto rank = [](int code) {
    return code == kExitUsage ? 3 : code == kExitUnavailable ? 2 : code == kExitInvalid ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

int ExitCodeOf(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kExitValid;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return kExitInvalid;
    default:
      return kExitUnavailable;
  }
}

void PrintStatus(std::string_view label, const grpc::Status& status, std::ostream& out) {
  out << label << ": " << GrpcCodeName(status.error_code()) << ": " << status.error_message()
      << HintFor(status.error_code()) << "\n";
}

void PrintIssues(const google::protobuf::RepeatedPtrField<v1::Issue>& issues, bool information,
                 std::ostream& out) {
  // Issues alike but for their location (the same constraint on every resource) print once.
  std::vector<std::pair<const v1::Issue*, int>> groups;
  for (const v1::Issue& issue : issues) {
    if (!information && issue.severity() == v1::SEVERITY_INFORMATION) continue;
    auto alike = std::find_if(groups.begin(), groups.end(), [&](const auto& group) {
      return group.first->severity() == issue.severity() && group.first->code() == issue.code() &&
             group.first->diagnostics() == issue.diagnostics();
    });
    if (alike != groups.end()) {
      ++alike->second;
    } else {
      groups.emplace_back(&issue, 1);
    }
  }
  for (const auto& [issue, count] : groups) {
    out << "  " << SeverityWord(issue->severity()) << " " << issue->code();
    if (!issue->expression().empty()) out << " at " << issue->expression();
    if (count > 1) out << " and " << count - 1 << " more";
    if (!issue->diagnostics().empty()) out << ": " << issue->diagnostics();
    out << "\n";
  }
}

std::string FormatUtcMs(int64_t ms) {
  if (ms == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

std::string ProtoJson(const google::protobuf::Message& message) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) return "{}";
  return json;
}

std::string PrettyJson(std::string_view json) {
  fhir::json::ParseLimits limits;
  limits.max_bytes = json.size();
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> document = fhir::json::Parse(json, limits, issues);
  if (!document) return std::string(json);
  return fhir::json::Write(document->root(), {.pretty = true});
}

std::string JoinOr(const google::protobuf::RepeatedPtrField<std::string>& names,
                   std::string_view none) {
  if (names.empty()) return std::string(none);
  std::string joined;
  for (const std::string& name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

}  // namespace zorgbrug::gateway
