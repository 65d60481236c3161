// `zorgbrug validate` (offline) and `zorgbrug call validate` (against a running gateway).

#include <cstdlib>

#include "gateway/client.h"
#include "gateway/commands.h"
#include "gateway/error_table.h"
#include "gateway/files.h"
#include "gateway/report.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {
namespace {

void Print(const std::string& file, const v1::ValidateResponse& response, bool json,
           std::ostream& out) {
  if (json) {
    PrintOperationOutcome(response, out);
  } else {
    PrintSummary(file, response, out);
  }
}

// Files sent to a gateway may be larger than the local default: the gateway names its own limit.
constexpr size_t kMaxCallFileBytes = 256u << 20;

// Combines per-file exit codes: the most serious wins (usage/IO over unavailable over invalid).
int Worse(int a, int b) {
  auto rank = [](int code) {
    return code == kExitUsage ? 3 : code == kExitUnavailable ? 2 : code == kExitInvalid ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

absl::StatusOr<std::string> ReadCaCertificate(const CallValidateCommand& command) {
  const std::filesystem::path ca = command.ca_cert_file.empty()
                                       ? command.state_dir / "tls" / "ca.crt"
                                       : std::filesystem::path(command.ca_cert_file);
  return ReadFileToString(ca, 1 << 20);
}

// Sends `file` to the gateway and prints the result; returns the file's exit code.
int CallOne(v1::Validation::Stub& stub, const CallValidateCommand& command, const std::string& file,
            std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::string> text = ReadFileToString(file, kMaxCallFileBytes);
  if (!text.ok()) {
    err << "zorgbrug: " << text.status().message() << "\n";
    return kExitUsage;
  }
  v1::ValidateRequest request;
  request.set_fhir_json(*std::move(text));
  for (const std::string& profile : command.validate.profiles) request.add_profiles(profile);
  request.set_strict(command.validate.strict);
  const auto timeout = std::chrono::milliseconds(static_cast<long>(command.timeout_seconds * 1000));
  const ValidateCall call = CallValidate(stub, request, timeout);
  if (!call.response) {
    // No ValidateResponse: the transport refused the request (too large) or the call failed.
    err << "zorgbrug: " << file << ": " << GrpcCodeName(call.status.error_code()) << ": "
        << call.status.error_message() << "\n";
    return call.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ? kExitInvalid
                                                                            : kExitUnavailable;
  }
  Print(file, *call.response, command.validate.json, out);
  return call.response->valid() ? kExitValid : kExitInvalid;
}

}  // namespace

std::filesystem::path DefaultStateDir() {
  if (const char* dir = std::getenv("ZORGBRUG_STATE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "zorgbrug";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".local" / "state" / "zorgbrug";
  }
  return "zorgbrug-state";
}

int RunValidate(const ValidateCommand& command, std::ostream& out, std::ostream& err) {
  ValidateOptions options;
  options.limits.max_bytes = command.max_bytes;
  options.strict = command.strict;
  options.now = CurrentInstant();
  int exit_code = kExitValid;
  for (const std::string& file : command.files) {
    absl::StatusOr<std::string> text = ReadFileToString(file, command.max_bytes);
    if (!text.ok()) {
      err << "zorgbrug: " << text.status().message() << "\n";
      exit_code = Worse(exit_code, kExitUsage);
      continue;
    }
    const ValidationResult result = ValidateFhirJson(*text, command.profiles, options);
    Print(file, result.response, command.json, out);
    if (!result.response.valid()) exit_code = Worse(exit_code, kExitInvalid);
  }
  return exit_code;
}

int RunCallValidate(const CallValidateCommand& command, std::ostream& out, std::ostream& err) {
  ClientOptions client{command.target, "", command.plaintext};
  if (!command.plaintext) {
    absl::StatusOr<std::string> pem = ReadCaCertificate(command);
    if (!pem.ok()) {
      err << "zorgbrug: CA certificate: " << pem.status().message()
          << " (use --ca-cert FILE, or --plaintext for a plaintext gateway)\n";
      return kExitUsage;
    }
    client.ca_cert_pem = *std::move(pem);
  }
  auto stub = v1::Validation::NewStub(MakeChannel(client));
  int exit_code = kExitValid;
  for (const std::string& file : command.validate.files) {
    exit_code = Worse(exit_code, CallOne(*stub, command, file, out, err));
  }
  return exit_code;
}

}  // namespace zorgbrug::gateway
