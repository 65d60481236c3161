// `zorgbrug audit`: the gateway's audit trail (zorgbrug.v1.AuditEvents) from the command line.

#include <algorithm>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gateway/audit_service.h"
#include "gateway/cmd_client.h"
#include "gateway/commands.h"
#include "zorgbrug/v1/audit.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

// `text` as milliseconds since the Unix epoch: an RFC 3339 date-time with a zone
// ("2026-03-02T10:00:00Z", "2026-03-02T11:00+01:00", fractions allowed) or a date ("2026-03-02",
// midnight UTC); nullopt when it is neither.
std::optional<int64_t> ParseSince(const std::string& text) {
  for (const char* format : {"%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d"}) {
    absl::Time time;
    std::string unused;
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &time, &unused)) {
      return absl::ToUnixMillis(time);
    }
  }
  return std::nullopt;
}

// The request of the command's filters, or nullopt after printing what is wrong with them.
std::optional<v1::ListAuditEventsRequest> RequestOf(const AuditCommand& command,
                                                    std::ostream& err) {
  v1::ListAuditEventsRequest request;
  const bool by_key = !command.patient_key.empty() || !command.patient_key_system_base.empty();
  if (by_key && !command.pseudonym.empty()) {
    err << "zorgbrug: audit: give --pseudonym or --patient with --patient-key-system-base, not "
           "both\n";
    return std::nullopt;
  }
  if (by_key && (command.patient_key.empty() || command.patient_key_system_base.empty())) {
    err << "zorgbrug: audit: --patient and --patient-key-system-base go together\n";
    return std::nullopt;
  }
  if (!command.pseudonym.empty()) request.set_pseudonym(command.pseudonym);
  if (by_key) {
    request.mutable_local_key()->set_local_key_system_base(command.patient_key_system_base);
    request.mutable_local_key()->set_patient_local_key(command.patient_key);
  }
  if (!command.since.empty()) {
    std::optional<int64_t> since = ParseSince(command.since);
    if (!since || *since < 0) {
      err << "zorgbrug: audit: --since must be a date (2026-03-02) or an RFC 3339 date-time with "
             "a zone (2026-03-02T10:00:00Z)\n";
      return std::nullopt;
    }
    request.set_since_ms(*since);
  }
  if (command.limit <= 0) {
    err << "zorgbrug: audit: --limit must be positive\n";
    return std::nullopt;
  }
  request.set_client(command.client);
  request.set_outcome(command.outcome);
  return request;
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

void PrintEntry(const v1::AuditEntry& entry, bool json, std::ostream& out) {
  if (json) {
    out << entry.audit_event_json() << "\n";
    return;
  }
  out << FormatUtcMs(entry.at_ms()) << " #" << entry.sequence() << " " << entry.client() << " "
      << OrDash(entry.role()) << " " << entry.action() << " " << OrDash(entry.partition()) << " "
      << entry.outcome();
  if (!entry.reason().empty()) out << ": " << entry.reason();
  out << "\n";
}

}  // namespace

int RunAudit(const AuditCommand& command, std::ostream& out, std::ostream& err) {
  std::optional<v1::ListAuditEventsRequest> request = RequestOf(command, err);
  if (!request) return kExitUsage;
  std::shared_ptr<grpc::Channel> channel = ConnectOrPrint(command.connection, err);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::AuditEvents::NewStub(channel);
  int printed = 0;
  while (printed < command.limit) {
    request->set_page_size(std::min(command.limit - printed, kMaxAuditPageSize));
    grpc::ClientContext context;
    SetDeadline(context, command.connection);
    v1::ListAuditEventsResponse response;
    if (grpc::Status s = stub->ListAuditEvents(&context, *request, &response); !s.ok()) {
      PrintStatus("zorgbrug: audit", s, err);
      return ExitCodeOf(s);
    }
    for (const v1::AuditEntry& entry : response.entries()) PrintEntry(entry, command.json, out);
    printed += response.entries_size();
    if (response.next_after_sequence() == 0) break;
    request->set_after_sequence(response.next_after_sequence());
  }
  if (printed == 0 && !command.json) out << "no audit records match\n";
  out.flush();
  return kExitValid;
}

}  // namespace zorgbrug::gateway
