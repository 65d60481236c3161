// `zorgbrug care-plan get|put|watch`: the care plans the gateway holds (zorgbrug.v1.CarePlanSync)
// from the command line.

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "gateway/cmd_client.h"
#include "gateway/commands.h"
#include "gateway/files.h"
#include "gateway/messaging_service.h"
#include "gateway/rich_status.h"
#include "gateway/translation.h"
#include "zorgbrug/v1/care_plan_sync.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxPlanFileBytes = 64u << 20;

// "CONFLICT_KIND_BOTH_CHANGED" -> "both-changed".
std::string ConflictWord(v1::ConflictKind kind) {
  std::string word = v1::ConflictKind_Name(kind);
  constexpr std::string_view kPrefix = "CONFLICT_KIND_";
  if (word.rfind(kPrefix, 0) == 0) word = word.substr(kPrefix.size());
  absl::AsciiStrToLower(&word);
  return absl::StrReplaceAll(word, {{"_", "-"}});
}

std::string OrAbsent(const std::string& value) { return value.empty() ? "(absent)" : value; }

int Get(v1::CarePlanSync::Stub& stub, const CarePlanCommand& command, std::ostream& out,
        std::ostream& err) {
  if (command.local_key_system_base.empty() || command.patient_local_key.empty()) {
    err << "zorgbrug: care-plan get needs --local-key-system-base URI and --patient KEY\n";
    return kExitUsage;
  }
  v1::GetCarePlanRequest request;
  request.set_local_key_system_base(command.local_key_system_base);
  request.set_patient_local_key(command.patient_local_key);
  request.set_include_fhir(command.fhir);
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::GetCarePlanResponse response;
  if (grpc::Status s = stub.GetCarePlan(&context, request, &response); !s.ok()) {
    PrintStatus("zorgbrug: care-plan get " + command.patient_local_key, s, err);
    return ExitCodeOf(s);
  }
  if (command.json) {
    out << (command.fhir ? response.bundle_json() : ProtoJson(response.plan())) << "\n";
    return kExitValid;
  }
  const v1::CarePlan& plan = response.plan();
  out << "care plan " << plan.local_key() << " of " << plan.patient_local_key() << " version "
      << plan.version() << "\n"
      << "  author:  " << response.author() << "\n"
      << "  cause:   " << response.cause() << "\n"
      << "  updated: " << FormatUtcMs(response.updated_at_ms()) << "\n"
      << "  message: " << response.message_id() << "\n"
      << PrettyJson(command.fhir ? response.bundle_json() : ProtoJson(plan)) << "\n";
  return kExitValid;
}

// The request of `put`, or the exit code after printing why there is none.
std::variant<v1::PutCarePlanRequest, int> PutRequestOf(const CarePlanCommand& command,
                                                       std::ostream& out, std::ostream& err) {
  if (command.local_key_system_base.empty()) {
    err << "zorgbrug: care-plan put needs --local-key-system-base URI\n";
    return kExitUsage;
  }
  absl::StatusOr<std::string> bytes = ReadFileToString(command.file, kMaxPlanFileBytes);
  if (!bytes.ok()) {
    err << "zorgbrug: " << bytes.status().message() << "\n";
    return kExitUsage;
  }
  v1::PutCarePlanRequest request;
  google::protobuf::util::JsonParseOptions strict;
  strict.ignore_unknown_fields = false;
  if (auto parsed =
          google::protobuf::util::JsonStringToMessage(*bytes, request.mutable_plan(), strict);
      !parsed.ok()) {
    err << "zorgbrug: " << command.file << ": not a CarePlan in proto3 JSON: " << parsed.message()
        << "\n";
    return kExitUsage;
  }
  request.set_local_key_system_base(command.local_key_system_base);
  v1::SubmissionHeader& header = *request.mutable_submission();
  header.set_source_system(command.source_system);
  if (!command.submission_id.empty()) {
    header.set_submission_id(command.submission_id);
  } else {
    header.set_submission_id(
        DerivedUuid("zorgbrug care-plan put\n" + command.local_key_system_base + "\n" + *bytes));
    out << command.file << ": submission id " << header.submission_id()
        << " (derived from the file's content: resending the file is a safe retry)\n";
  }
  return request;
}

void PrintConflicts(const std::string& file, const v1::SubmissionResponse& details,
                    std::ostream& out) {
  out << file << ": ABORTED: " << details.conflicts_size() << " conflict(s) with what was written "
      << "since the plan's version; nothing written\n";
  for (const v1::CarePlanConflict& conflict : details.conflicts()) {
    out << "  conflict " << conflict.path() << " (" << ConflictWord(conflict.kind()) << "): ours "
        << OrAbsent(conflict.ours()) << ", theirs " << OrAbsent(conflict.theirs()) << "\n";
  }
  if (details.care_plan_version() > 0) {
    out << "  the gateway holds version " << details.care_plan_version()
        << ": read it with `zorgbrug care-plan get`, apply your change to it and put again\n";
  }
}

// Prints a failed put: conflicts and refusals (exit kExitInvalid) to `out`, anything else to
// `err`. Returns the exit code.
int PrintPutFailure(const std::string& file, const grpc::Status& status, std::ostream& out,
                    std::ostream& err) {
  v1::SubmissionResponse details;
  const bool has_details = UnpackStatusDetail(status.error_details(), details);
  if (status.error_code() == grpc::StatusCode::ABORTED && has_details &&
      details.conflicts_size() > 0) {
    PrintConflicts(file, details, out);
    return kExitInvalid;
  }
  const int exit_code = ExitCodeOf(status);
  if (exit_code != kExitInvalid) {
    PrintStatus("zorgbrug: " + file, status, err);
    return exit_code;
  }
  PrintStatus(file + ": refused", status, out);
  if (has_details) PrintIssues(details.issues(), /*information=*/false, out);
  return exit_code;
}

int Put(v1::CarePlanSync::Stub& stub, const CarePlanCommand& command, std::ostream& out,
        std::ostream& err) {
  std::variant<v1::PutCarePlanRequest, int> request = PutRequestOf(command, out, err);
  if (const int* exit_code = std::get_if<int>(&request)) return *exit_code;
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::SubmissionResponse response;
  const grpc::Status status =
      stub.PutCarePlan(&context, std::get<v1::PutCarePlanRequest>(request), &response);
  if (!status.ok()) return PrintPutFailure(command.file, status, out, err);
  const bool replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
  out << command.file << ": ";
  if (response.outcome() == v1::SUBMISSION_OUTCOME_UNCHANGED) {
    out << "UNCHANGED version " << response.care_plan_version()
        << ": the gateway holds this plan already, nothing written";
  } else {
    out << "ACCEPTED version " << response.care_plan_version()
        << (response.care_plan_merged() ? " merged" : " not merged") << " message "
        << response.message_id() << " -> " << JoinOr(response.destinations(), "no destination");
  }
  out << (replayed ? " (replayed: a resend of an earlier submission)" : "") << "\n";
  PrintIssues(response.issues(), /*information=*/false, out);
  return kExitValid;
}

void PrintChange(const v1::CarePlanChange& change, bool json, std::ostream& out) {
  if (json) {
    out << ProtoJson(change) << std::endl;
    return;
  }
  out << "#" << change.cursor() << " patient " << change.partition() << " version "
      << change.version() << " " << change.cause() << " by " << change.author() << " at "
      << FormatUtcMs(change.at_ms()) << std::endl;
}

int Watch(v1::CarePlanSync::Stub& stub, const CarePlanCommand& command, std::ostream& out,
          std::ostream& err) {
  grpc::ClientContext context;
  v1::WatchCarePlansRequest request;
  request.set_after_cursor(command.after_cursor);
  auto reader = stub.WatchCarePlans(&context, request);
  IdleCanceller idle(
      &context, std::chrono::milliseconds(static_cast<int64_t>(command.idle_exit_seconds * 1000)));
  int64_t last = command.after_cursor;
  int received = 0;
  bool ended = false;  // the stream ended (else this command stops it)
  v1::CarePlanChange change;
  while (command.count == 0 || received < command.count) {
    if (!reader->Read(&change)) {
      ended = true;
      break;
    }
    idle.Touch();
    PrintChange(change, command.json, out);
    last = change.cursor();
    ++received;
  }
  if (!ended) context.TryCancel();
  const grpc::Status status = reader->Finish();
  const bool idled = status.error_code() == grpc::StatusCode::CANCELLED && idle.fired();
  int exit_code = kExitValid;
  if (ended && !status.ok() && !idled) {
    PrintStatus("zorgbrug: care-plan watch", status, err);
    exit_code = ExitCodeOf(status);
  }
  err << "zorgbrug: care-plan watch: " << received << " change(s); resume with --after " << last
      << "\n";
  return exit_code;
}

}  // namespace

int RunCarePlan(const CarePlanCommand& command, std::ostream& out, std::ostream& err) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrPrint(command.connection, err);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::CarePlanSync::NewStub(channel);
  switch (command.action) {
    case CarePlanAction::kGet:
      return Get(*stub, command, out, err);
    case CarePlanAction::kPut:
      return Put(*stub, command, out, err);
    case CarePlanAction::kWatch:
      return Watch(*stub, command, out, err);
  }
  return kExitUsage;
}

}  // namespace zorgbrug::gateway
