#pragma once

// The `zorgbrug` subcommands, callable without a process (main.cc only parses flags). Each returns
// the process exit code and writes results to `out`, problems to `err`.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/server.h"

namespace zorgbrug::gateway {

// Exit codes of `zorgbrug validate` and `zorgbrug call validate`.
inline constexpr int kExitValid = 0;        // every input is valid
inline constexpr int kExitInvalid = 1;      // at least one input is invalid or was rejected
inline constexpr int kExitUsage = 2;        // bad arguments, unreadable file, bad TLS setup
inline constexpr int kExitUnavailable = 3;  // the gateway could not be reached or failed

// The state directory when none is given: $ZORGBRUG_STATE_DIR, else $XDG_STATE_HOME/zorgbrug, else
// $HOME/.local/state/zorgbrug, else ./zorgbrug-state.
std::filesystem::path DefaultStateDir();

struct ValidateCommand {
  std::vector<std::string> files;
  std::vector<std::string> profiles;  // canonical URLs validated besides meta.profile
  bool strict = false;
  bool json = false;  // print each OperationOutcome (JSON Lines) instead of a summary
  size_t max_bytes = kDefaultMaxMessageBytes;  // offline: largest file accepted (parse max_bytes)
};

// `zorgbrug validate FILE...`: validates offline, in this process.
int RunValidate(const ValidateCommand& command, std::ostream& out, std::ostream& err);

struct CallValidateCommand {
  ValidateCommand validate;
  std::string target = "localhost:8443";
  std::string ca_cert_file;  // empty: <state_dir>/tls/ca.crt
  std::filesystem::path state_dir = DefaultStateDir();
  bool plaintext = false;
  double timeout_seconds = 30;
};

// `zorgbrug call validate FILE...`: sends each file to a running gateway.
int RunCallValidate(const CallValidateCommand& command, std::ostream& out, std::ostream& err);

// How a client command reaches a running gateway (as `zorgbrug call validate`).
struct GatewayConnection {
  std::string target = "localhost:8443";
  std::string ca_cert_file;  // empty: <state_dir>/tls/ca.crt
  // Mutual TLS: this client's certificate and key (PEM files); empty: none presented.
  std::string client_cert_file;
  std::string client_key_file;
  std::filesystem::path state_dir = DefaultStateDir();
  bool plaintext = false;
  double timeout_seconds = 30;  // deadline of each unary call
};

// What a file given to `zorgbrug send` holds.
enum class SubmissionKind {
  kAuto,                  // detected: a FHIR message Bundle, else the one request type that parses
  kEpdRecord,             // SubmitEpdRecordRequest (proto3 JSON)
  kBibScreening,          // SubmitBibScreeningRequest
  kConsultation,          // SubmitConsultationRequest
  kCarePlanContribution,  // SubmitCarePlanContributionRequest
  kFhirMessage,           // a FHIR R4 message Bundle (FhirMessaging.ProcessMessage)
};

// "auto", "epd-record", "bib-screening", "consultation", "care-plan-contribution", "fhir-message".
std::string_view SubmissionKindName(SubmissionKind kind);

struct SendCommand {
  std::vector<std::string> files;
  SubmissionKind kind = SubmissionKind::kAuto;
  bool dry_run = false;      // submissions only
  bool return_fhir = false;  // submissions only: print the FHIR message also when accepted
  bool json = false;         // print each response as one line of proto3 JSON
  // FHIR messages: the namespace URI of the keys of the typed view. Required for them.
  std::string local_key_system_base;
  // Replaces the file's submission.submission_id; only with one file. A file without one gets an
  // id derived from its bytes (the same file is the same submission: resending it is safe).
  std::string submission_id;
  GatewayConnection connection;
};

// `zorgbrug send FILE...`: submits each file to a running gateway. Exit kExitValid when every file
// was accepted (or answered ok), kExitInvalid when one was refused (or answered fatal-error),
// kExitUsage for unreadable or unrecognised files and bad flags, kExitUnavailable when the gateway
// could not be reached or failed.
int RunSend(const SendCommand& command, std::ostream& out, std::ostream& err);

struct TailCommand {
  std::string destination;
  int count = 0;                 // stop after this many deliveries; 0: no limit
  bool no_ack = false;           // look without consuming
  bool json = false;             // each Delivery as one line of proto3 JSON
  int max_in_flight = 0;         // 0: the gateway's default (64)
  double idle_exit_seconds = 0;  // stop when nothing came for this long; 0: never
  GatewayConnection connection;
};

// `zorgbrug tail DESTINATION`: consumes the destination's stream (taking it over from its current
// subscriber) and prints one line per delivery, acknowledging each after printing unless no_ack.
// Runs until `count` deliveries, `idle_exit_seconds` without one, or the process is interrupted.
// Exit kExitValid, kExitInvalid when the gateway refused the request (an unknown destination),
// kExitUnavailable when it could not be reached or ended the stream.
int RunTail(const TailCommand& command, std::ostream& out, std::ostream& err);

enum class DeadLetterAction { kList, kShow, kReplay };

struct DeadLettersCommand {
  DeadLetterAction action = DeadLetterAction::kList;
  std::string destination;
  int64_t sequence = 0;  // kShow, kReplay
  bool json = false;     // kList, kShow: each DeadLetterEntry as one line of proto3 JSON
  GatewayConnection connection;
};

// `zorgbrug dead-letters list|show|replay DESTINATION [SEQUENCE]`. Exit kExitValid, kExitInvalid
// when there is no such dead letter or the gateway refused the request, kExitUnavailable as above.
int RunDeadLetters(const DeadLettersCommand& command, std::ostream& out, std::ostream& err);

// `zorgbrug queues`: pending entries and dead letters per destination.
int RunQueues(const GatewayConnection& connection, std::ostream& out, std::ostream& err);

struct AuditCommand {
  // The patient: her pseudonym, or her key with its namespace URI (both). Empty: every access.
  std::string pseudonym;
  std::string patient_key_system_base;
  std::string patient_key;
  std::string client;   // only this client's accesses
  std::string outcome;  // success, denied, withheld or failed
  std::string since;    // RFC 3339 date-time with a zone, or a date (midnight UTC)
  int limit = 100;      // at most this many records (paged 1000 at a time)
  bool json = false;    // each AuditEvent as one line of JSON
  GatewayConnection connection;
};

// `zorgbrug audit`: the audit trail, oldest first, one line per record (time, sequence, client,
// role, action, patient pseudonym, outcome: reason). Exit kExitValid, kExitUsage for bad flags,
// kExitInvalid when the gateway refused the filters, kExitUnavailable as above.
int RunAudit(const AuditCommand& command, std::ostream& out, std::ostream& err);

enum class CarePlanAction { kGet, kPut, kWatch };

struct CarePlanCommand {
  CarePlanAction action = CarePlanAction::kGet;
  // kGet, kPut: the namespace URI of the platform's keys.
  std::string local_key_system_base;
  std::string patient_local_key;  // kGet
  bool fhir = false;              // kGet: the FHIR R4 Bundle instead of the typed plan
  // kGet: only the plan (or Bundle) as one line of JSON; kWatch: each CarePlanChange as one line.
  bool json = false;
  // kPut: a CarePlan in proto3 JSON; its `version` is the version the edit started from.
  std::string file;
  std::string source_system = "urn:zorgbrug:cli";
  // kPut: empty: derived from the file's content and the key namespace (resending is safe).
  std::string submission_id;
  int64_t after_cursor = 0;      // kWatch: the last cursor already processed
  int count = 0;                 // kWatch: stop after this many changes; 0: no limit
  double idle_exit_seconds = 0;  // kWatch: stop when nothing came for this long; 0: never
  GatewayConnection connection;
};

// `zorgbrug care-plan get|put|watch` (zorgbrug.v1.CarePlanSync). Exit kExitValid; kExitInvalid
// when the gateway holds no plan (get), refused the plan or found conflicting edits (put, with the
// issues or conflicts printed), or refused the cursor (watch); kExitUsage for bad flags and
// unreadable files; kExitUnavailable as above. `watch` prints the last cursor to `err` at the end.
int RunCarePlan(const CarePlanCommand& command, std::ostream& out, std::ostream& err);

struct ServeCommand {
  std::string listen = "127.0.0.1:8443";
  std::filesystem::path state_dir = DefaultStateDir();
  std::string tls_cert_file;  // with tls_key_file: operator-provided TLS; else dev TLS in state_dir
  std::string tls_key_file;
  // Mutual TLS with roles: the client CA bundle and the access policy (both or neither).
  std::string client_ca_file;
  std::string policy_file;
  unsigned tls_refresh_seconds = 60;
  bool plaintext_for_tests = false;
  size_t max_message_bytes = kDefaultMaxMessageBytes;
  double drain_seconds = 10;
  // The message store: empty means <state_dir>/zorgbrug.db.
  std::string store_path;
  // "full" (default), "normal" or "off" (SQLite's synchronous; weaker than full is logged).
  std::string synchronous = "full";
  double retention_hours = 7 * 24;
  // Prometheus endpoint, plain HTTP on loopback; empty: none.
  std::string metrics_listen = "127.0.0.1:9464";
  // Log lines as JSON objects (one per line) instead of text.
  bool json_logs = false;
};

// `zorgbrug serve`: runs until SIGTERM or SIGINT, then drains. Must be called before any other
// thread is started: it blocks those signals in the calling thread so that every thread gRPC
// creates inherits the mask and the signals are taken only by sigwait.
int RunServe(const ServeCommand& command, std::ostream& out, std::ostream& err);

}  // namespace zorgbrug::gateway
