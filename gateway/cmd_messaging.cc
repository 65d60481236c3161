// `zorgbrug send`: submits files of every kind (submission_file.h) to a running gateway.

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "gateway/client.h"
#include "gateway/cmd_client.h"
#include "gateway/commands.h"
#include "gateway/files.h"
#include "gateway/messaging_service.h"
#include "gateway/rich_status.h"
#include "gateway/submission_file.h"
#include "gateway/translation.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

// Files may be larger than the gateway's limit: the gateway names its own.
constexpr size_t kMaxSendFileBytes = 256u << 20;

struct Stubs {
  std::unique_ptr<v1::EpdSubmissions::Stub> submissions;
  std::unique_ptr<v1::FhirMessaging::Stub> messaging;
};

// "KCE_INDICATOR_FINANCIAL_PROBLEMS" with prefix "KCE_INDICATOR_" -> "financial-problems".
std::string EnumWord(const std::string& name, std::string_view prefix) {
  std::string word = name.substr(name.rfind(prefix, 0) == 0 ? prefix.size() : 0);
  absl::AsciiStrToLower(&word);
  return absl::StrReplaceAll(word, {{"_", "-"}});
}

void PrintEligibility(const v1::ProgrammeEligibility& eligibility, std::ostream& out) {
  out << "  eligibility: " << (eligibility.programme_entry() ? "programme entry" : "no entry");
  if (eligibility.positive_indicators_size() > 0) {
    out << ", " << eligibility.positive_indicators_size() << " positive KCE indicator(s) (";
    for (int i = 0; i < eligibility.positive_indicators_size(); ++i) {
      out << (i == 0 ? "" : ", ")
          << EnumWord(v1::KceIndicator_Name(eligibility.positive_indicators(i)), "KCE_INDICATOR_");
    }
    out << ")";
  }
  std::string reimbursable;
  for (const v1::ServiceDecision& service : eligibility.services()) {
    if (!service.reimbursable()) continue;
    reimbursable += (reimbursable.empty() ? "" : ", ") +
                    EnumWord(v1::ProgrammeService_Name(service.service()), "PROGRAMME_SERVICE_");
  }
  out << "; reimbursable: " << (reimbursable.empty() ? "none" : reimbursable) << "\n";
}

constexpr char kReplayedNote[] = " (replayed: a resend of an earlier submission)";

void PrintSubmission(const std::string& file, const v1::SubmissionResponse& response, bool replayed,
                     bool return_fhir, std::ostream& out) {
  const bool dry_run = response.outcome() == v1::SUBMISSION_OUTCOME_DRY_RUN;
  out << file << ": " << (dry_run ? "dry run ok: message " : "accepted message ")
      << response.message_id() << " event " << response.event()
      << (dry_run ? " would go to " : " -> ") << JoinOr(response.destinations(), "no destination")
      << (dry_run ? " (nothing stored)" : "") << (replayed ? kReplayedNote : "") << "\n";
  if (response.has_eligibility()) PrintEligibility(response.eligibility(), out);
  if (response.has_care_plan()) {
    out << "  care plan " << response.care_plan().local_key() << " "
        << (response.care_plan_changed() ? "changed" : "unchanged") << "\n";
  }
  PrintIssues(response.issues(), /*information=*/false, out);
  if (dry_run || return_fhir) out << PrettyJson(response.message_json()) << "\n";
}

void PrintProcessed(const std::string& file, const SubmissionFile& message,
                    const v1::ProcessMessageResponse& response, bool replayed, std::ostream& out) {
  out << file << ": " << response.response_code() << " message "
      << (message.message_id.empty() ? "?" : message.message_id) << " event "
      << (message.event.empty() ? "?" : message.event);
  if (response.response_code() == "ok")
    out << " -> " << JoinOr(response.destinations(), "no destination");
  out << (replayed ? kReplayedNote : "") << "\n";
  PrintIssues(response.issues(), /*information=*/false, out);
}

// Prints a failed call: a refusal (exit kExitInvalid) with the issues of its details to `out`,
// anything else to `err`. Returns the exit code.
template <typename Response>
int PrintFailure(const std::string& file, const grpc::Status& status, bool json, std::ostream& out,
                 std::ostream& err) {
  const int exit_code = ExitCodeOf(status);
  if (exit_code != kExitInvalid) {
    PrintStatus("zorgbrug: " + file, status, err);
    return exit_code;
  }
  Response details;
  const bool has_details = UnpackStatusDetail(status.error_details(), details);
  if (json) {
    PrintStatus("zorgbrug: " + file + ": refused", status, err);
    if (has_details) out << ProtoJson(details) << "\n";
    return exit_code;
  }
  PrintStatus(file + ": refused", status, out);
  if (has_details) PrintIssues(details.issues(), /*information=*/false, out);
  return exit_code;
}

grpc::Status Submit(v1::EpdSubmissions::Stub& stub, grpc::ClientContext& context,
                    const SubmitRequest& request, v1::SubmissionResponse& response) {
  struct Call {
    v1::EpdSubmissions::Stub& stub;
    grpc::ClientContext& context;
    v1::SubmissionResponse& response;
    grpc::Status operator()(const v1::SubmitEpdRecordRequest& r) {
      return stub.SubmitEpdRecord(&context, r, &response);
    }
    grpc::Status operator()(const v1::SubmitBibScreeningRequest& r) {
      return stub.SubmitBibScreening(&context, r, &response);
    }
    grpc::Status operator()(const v1::SubmitConsultationRequest& r) {
      return stub.SubmitConsultation(&context, r, &response);
    }
    grpc::Status operator()(const v1::SubmitCarePlanContributionRequest& r) {
      return stub.SubmitCarePlanContribution(&context, r, &response);
    }
  };
  return std::visit(Call{stub, context, response}, request);
}

// Applies the command's flags to the request's header. A missing submission id is derived from
// the file's bytes and announced.
void PrepareHeader(const SendCommand& command, const std::string& file, const std::string& bytes,
                   SubmitRequest& request, std::ostream& note) {
  v1::SubmissionHeader& header = HeaderOf(request);
  if (!command.submission_id.empty()) {
    header.set_submission_id(command.submission_id);
  } else if (header.submission_id().empty()) {
    header.set_submission_id(DerivedUuid("zorgbrug send\n" + bytes));
    note << file << ": submission id " << header.submission_id()
         << " (derived from the file's content: resending the file is a safe retry)\n";
  }
  if (command.dry_run) header.set_dry_run(true);
  if (command.return_fhir) header.set_return_fhir(true);
}

int SendSubmission(const SendCommand& command, Stubs& stubs, const std::string& file,
                   const std::string& bytes, SubmissionFile& parsed, std::ostream& out,
                   std::ostream& err) {
  PrepareHeader(command, file, bytes, parsed.request, command.json ? err : out);
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::SubmissionResponse response;
  const grpc::Status status = Submit(*stubs.submissions, context, parsed.request, response);
  if (!status.ok()) {
    return PrintFailure<v1::SubmissionResponse>(file, status, command.json, out, err);
  }
  const bool replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
  if (command.json) {
    out << ProtoJson(response) << "\n";
  } else {
    PrintSubmission(file, response, replayed, command.return_fhir, out);
  }
  return kExitValid;
}

int SendFhirMessage(const SendCommand& command, Stubs& stubs, const std::string& file,
                    const SubmissionFile& message, std::ostream& out, std::ostream& err) {
  if (command.dry_run || command.return_fhir || !command.submission_id.empty()) {
    err << "zorgbrug: " << file
        << ": a FHIR message is sent as it is: --dry-run, --return-fhir and --submission-id "
           "apply to submissions only\n";
    return kExitUsage;
  }
  if (command.local_key_system_base.empty()) {
    err << "zorgbrug: " << file
        << ": a FHIR message needs --local-key-system-base URI (the namespace of your keys in "
           "the typed view the gateway returns)\n";
    return kExitUsage;
  }
  v1::ProcessMessageRequest request;
  request.set_bundle_json(message.bundle_json);
  request.set_local_key_system_base(command.local_key_system_base);
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::ProcessMessageResponse response;
  const grpc::Status status = stubs.messaging->ProcessMessage(&context, request, &response);
  if (!status.ok()) {
    return PrintFailure<v1::ProcessMessageResponse>(file, status, command.json, out, err);
  }
  const bool replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
  if (command.json) {
    out << ProtoJson(response) << "\n";
  } else {
    PrintProcessed(file, message, response, replayed, out);
  }
  return response.response_code() == "ok" ? kExitValid : kExitInvalid;
}

int SendOne(const SendCommand& command, Stubs& stubs, const std::string& file, std::ostream& out,
            std::ostream& err) {
  absl::StatusOr<std::string> bytes = ReadFileToString(file, kMaxSendFileBytes);
  if (!bytes.ok()) {
    err << "zorgbrug: " << bytes.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<SubmissionFile> parsed = ParseSubmissionFile(*bytes, command.kind);
  if (!parsed.ok()) {
    err << "zorgbrug: " << file << ": " << parsed.status().message() << "\n";
    return kExitUsage;
  }
  if (parsed->kind == SubmissionKind::kFhirMessage) {
    return SendFhirMessage(command, stubs, file, *parsed, out, err);
  }
  return SendSubmission(command, stubs, file, *bytes, *parsed, out, err);
}

// Flag combinations CLI11 cannot check; prints the problem.
bool CheckSendFlags(const SendCommand& command, std::ostream& err) {
  if (command.files.empty()) {
    err << "zorgbrug: send: no file given\n";
    return false;
  }
  if (!command.submission_id.empty() && command.files.size() > 1) {
    err << "zorgbrug: send: --submission-id names one submission: give one file\n";
    return false;
  }
  if (!command.local_key_system_base.empty() && command.kind != SubmissionKind::kAuto &&
      command.kind != SubmissionKind::kFhirMessage) {
    err << "zorgbrug: send: --local-key-system-base applies to FHIR messages (a submission "
           "carries its own)\n";
    return false;
  }
  return true;
}

}  // namespace

int RunSend(const SendCommand& command, std::ostream& out, std::ostream& err) {
  if (!CheckSendFlags(command, err)) return kExitUsage;
  std::shared_ptr<grpc::Channel> channel = ConnectOrPrint(command.connection, err);
  if (channel == nullptr) return kExitUsage;
  Stubs stubs{v1::EpdSubmissions::NewStub(channel), v1::FhirMessaging::NewStub(channel)};
  int exit_code = kExitValid;
  for (const std::string& file : command.files) {
    exit_code = WorseExit(exit_code, SendOne(command, stubs, file, out, err));
  }
  return exit_code;
}

}  // namespace zorgbrug::gateway
