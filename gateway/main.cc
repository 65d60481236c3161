// `zorgbrug`: the gateway's single executable. Parses flags with CLI11 and runs a subcommand from
// commands.h; the only other catch-all besides the RPC boundary lives here.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "gateway/commands.h"
#include "gateway/json_log.h"

namespace zg = zorgbrug::gateway;

namespace {

struct Commands {
  zg::ServeCommand serve;
  std::string serve_state_dir = zg::DefaultStateDir().string();
  std::string log_level = "info";
  zg::ValidateCommand validate;
  zg::CallValidateCommand call;
  std::string call_state_dir = zg::DefaultStateDir().string();
  zg::SendCommand send;
  std::string send_kind = "auto";
  zg::TailCommand tail;
  zg::DeadLettersCommand dead_letters;
  zg::GatewayConnection queues;
  zg::AuditCommand audit;
  zg::CarePlanCommand care_plan;
  // --state-dir of the client command given (send, tail, dead-letters, queues, audit, care-plan).
  std::string client_state_dir = zg::DefaultStateDir().string();
};

void AddValidateFlags(CLI::App& app, zg::ValidateCommand& v) {
  app.add_option("files", v.files, "FHIR R4 JSON files (one resource or Bundle each)")->required();
  app.add_option(
      "--profile", v.profiles,
      "canonical URL of a profile to validate against, besides meta.profile (repeatable)");
  app.add_flag("--strict", v.strict,
               "unknown elements and unknown profiles are errors, not warnings");
  app.add_flag("--json", v.json, "print each OperationOutcome as one line of JSON");
}

void AddServe(CLI::App& app, Commands& c) {
  CLI::App* serve = app.add_subcommand("serve", "run the gRPC gateway until SIGTERM/SIGINT");
  serve->add_option("--listen", c.serve.listen, "host:port to listen on")->capture_default_str();
  serve->add_option("--state-dir", c.serve_state_dir, "state directory (dev TLS material)")
      ->capture_default_str();
  auto* cert = serve->add_option("--tls-cert", c.serve.tls_cert_file, "server certificate (PEM)");
  auto* key = serve->add_option("--tls-key", c.serve.tls_key_file, "server private key (PEM)");
  cert->needs(key);
  key->needs(cert);
  auto* client_ca = serve->add_option(
      "--client-ca", c.serve.client_ca_file,
      "mutual TLS: the CA bundle (PEM) client certificates must chain to (with --policy)");
  auto* policy = serve->add_option(
      "--policy", c.serve.policy_file,
      "mutual TLS: the access policy (JSON: which role may call which RPC and see which "
      "destination; deploy/policy.json)");
  client_ca->needs(policy);
  policy->needs(client_ca);
  serve
      ->add_option("--tls-refresh-seconds", c.serve.tls_refresh_seconds,
                   "how often --tls-cert/--tls-key are re-read (rotation without restart)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve
      ->add_flag("--plaintext-for-tests", c.serve.plaintext_for_tests,
                 "serve WITHOUT TLS (tests and local debugging only)")
      ->excludes(cert)
      ->excludes(key)
      ->excludes(client_ca);
  serve
      ->add_option("--max-message-bytes", c.serve.max_message_bytes,
                   "largest request accepted, in bytes")
      ->capture_default_str();
  serve
      ->add_option("--drain-seconds", c.serve.drain_seconds,
                   "how long calls in flight may finish after SIGTERM")
      ->capture_default_str();
  serve->add_option("--store", c.serve.store_path,
                    "message store file (default <state-dir>/zorgbrug.db)");
  serve
      ->add_option("--synchronous", c.serve.synchronous,
                   "store durability: full (default), normal or off (weaker is logged)")
      ->check(CLI::IsMember({"full", "normal", "off"}));
  serve
      ->add_option("--retention-hours", c.serve.retention_hours,
                   "how long delivered messages are remembered for duplicate detection")
      ->capture_default_str();
  serve
      ->add_option("--metrics-listen", c.serve.metrics_listen,
                   "host:port of the Prometheus /metrics endpoint (plain HTTP; empty: none)")
      ->capture_default_str();
  serve->add_flag("--json-logs", c.serve.json_logs, "log one JSON object per line");
  serve->add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
}

void AddValidate(CLI::App& app, Commands& c) {
  CLI::App* validate = app.add_subcommand(
      "validate", "validate FHIR JSON files offline (exit 0 valid, 1 invalid, 2 usage/IO error)");
  AddValidateFlags(*validate, c.validate);
  validate->add_option("--max-bytes", c.validate.max_bytes, "largest file accepted, in bytes")
      ->capture_default_str();
}

void AddCall(CLI::App& app, Commands& c) {
  CLI::App* call = app.add_subcommand("call", "call a running gateway");
  call->require_subcommand(1);
  CLI::App* validate = call->add_subcommand(
      "validate", "validate files on a gateway (exit 0 valid, 1 invalid, 2 usage, 3 unreachable)");
  AddValidateFlags(*validate, c.call.validate);
  validate->add_option("--target", c.call.target, "gateway host:port")->capture_default_str();
  auto* ca = validate->add_option("--ca-cert", c.call.ca_cert_file,
                                  "CA certificate to trust (default: <state-dir>/tls/ca.crt)");
  validate->add_flag("--plaintext", c.call.plaintext, "connect without TLS")->excludes(ca);
  validate->add_option("--state-dir", c.call_state_dir, "state directory of a local gateway")
      ->capture_default_str();
  validate->add_option("--timeout", c.call.timeout_seconds, "deadline per call, in seconds")
      ->capture_default_str();
}

void AddConnectionFlags(CLI::App& app, zg::GatewayConnection& connection, std::string& state_dir) {
  app.add_option("--target", connection.target, "gateway host:port")->capture_default_str();
  auto* ca = app.add_option("--ca-cert", connection.ca_cert_file,
                            "CA certificate to trust (default: <state-dir>/tls/ca.crt)");
  auto* plaintext =
      app.add_flag("--plaintext", connection.plaintext, "connect without TLS")->excludes(ca);
  auto* cert = app.add_option("--client-cert", connection.client_cert_file,
                              "mutual TLS: this client's certificate (PEM)");
  auto* key = app.add_option("--client-key", connection.client_key_file,
                             "mutual TLS: this client's private key (PEM)");
  cert->needs(key)->excludes(plaintext);
  key->needs(cert);
  app.add_option("--state-dir", state_dir, "state directory of a local gateway")
      ->capture_default_str();
  app.add_option("--timeout", connection.timeout_seconds, "deadline per call, in seconds")
      ->capture_default_str();
}

const std::map<std::string, zg::SubmissionKind>& SubmissionKinds() {
  static const auto* const kinds = new std::map<std::string, zg::SubmissionKind>{
      {"auto", zg::SubmissionKind::kAuto},
      {"epd-record", zg::SubmissionKind::kEpdRecord},
      {"bib-screening", zg::SubmissionKind::kBibScreening},
      {"consultation", zg::SubmissionKind::kConsultation},
      {"care-plan-contribution", zg::SubmissionKind::kCarePlanContribution},
      {"fhir-message", zg::SubmissionKind::kFhirMessage}};
  return *kinds;
}

void AddSend(CLI::App& app, Commands& c) {
  CLI::App* send = app.add_subcommand(
      "send",
      "submit files to a gateway: proto3 JSON submission requests or FHIR message Bundles "
      "(exit 0 accepted, 1 refused, 2 usage, 3 unreachable)");
  send->add_option("files", c.send.files, "files to submit, each sent as it is detected")
      ->required();
  send->add_option("--kind", c.send_kind,
                   "what the files hold: auto (default: a FHIR Bundle, else the one request type "
                   "that parses), epd-record, bib-screening, consultation, care-plan-contribution, "
                   "fhir-message")
      ->check(CLI::IsMember(SubmissionKinds(), CLI::ignore_case))
      ->option_text("KIND");
  send->add_flag("--dry-run", c.send.dry_run,
                 "translate and validate, store nothing; print the FHIR message");
  send->add_flag("--return-fhir", c.send.return_fhir, "print the FHIR message also when accepted");
  send->add_flag("--json", c.send.json, "print each response as one line of proto3 JSON");
  send->add_option("--local-key-system-base", c.send.local_key_system_base,
                   "FHIR messages: the namespace URI of your keys in the typed view (required for "
                   "them)");
  send->add_option("--submission-id", c.send.submission_id,
                   "the submission id to use (one file only; default: the file's, else one "
                   "derived from the file's content)");
  AddConnectionFlags(*send, c.send.connection, c.client_state_dir);
}

void AddTail(CLI::App& app, Commands& c) {
  CLI::App* tail = app.add_subcommand(
      "tail",
      "consume a destination's stream (taking it over from its subscriber), one line per "
      "delivery, acknowledging each after printing");
  tail->add_option("destination", c.tail.destination, "destination name, e.g. bihr")->required();
  tail->add_option("--count", c.tail.count, "stop after N deliveries")->check(CLI::PositiveNumber);
  tail->add_flag("--no-ack", c.tail.no_ack,
                 "look without consuming: nothing is acknowledged (the stream then shows each "
                 "patient's first pending message only)");
  tail->add_flag("--json", c.tail.json, "print each Delivery as one line of proto3 JSON");
  tail->add_option("--max-in-flight", c.tail.max_in_flight,
                   "unacknowledged deliveries the gateway may send ahead (1..1024; default 64)")
      ->check(CLI::Range(1, 1024));
  tail->add_option("--idle-exit", c.tail.idle_exit_seconds,
                   "stop when no delivery came for this many seconds (default: run until Ctrl-C)")
      ->check(CLI::PositiveNumber);
  AddConnectionFlags(*tail, c.tail.connection, c.client_state_dir);
}

void AddDeadLetters(CLI::App& app, Commands& c) {
  CLI::App* dead = app.add_subcommand("dead-letters", "list, show and replay dead letters");
  dead->require_subcommand(1);
  struct Action {
    const char* name;
    const char* help;
    bool sequence;
  };
  for (const Action& action :
       {Action{"list", "a destination's dead letters, then its queue", false},
        Action{"show", "one dead letter: its reason, times and message", true},
        Action{"replay", "put a dead letter back in its queue", true}}) {
    CLI::App* sub = dead->add_subcommand(action.name, action.help);
    sub->add_option("destination", c.dead_letters.destination, "destination name")->required();
    if (action.sequence) {
      sub->add_option("sequence", c.dead_letters.sequence, "the dead letter's sequence number")
          ->required();
    }
    if (!action.sequence || std::string(action.name) == "show") {
      sub->add_flag("--json", c.dead_letters.json, "print entries as proto3 JSON lines");
    }
    AddConnectionFlags(*sub, c.dead_letters.connection, c.client_state_dir);
  }
}

void AddQueues(CLI::App& app, Commands& c) {
  CLI::App* queues =
      app.add_subcommand("queues", "pending entries and dead letters per destination");
  AddConnectionFlags(*queues, c.queues, c.client_state_dir);
}

void AddAudit(CLI::App& app, Commands& c) {
  CLI::App* audit = app.add_subcommand(
      "audit", "the audit trail: who accessed which patient (by pseudonym), how it ended");
  auto* base = audit->add_option("--patient-key-system-base", c.audit.patient_key_system_base,
                                 "with --patient: the namespace URI of the patient's key");
  auto* patient = audit->add_option("--patient", c.audit.patient_key,
                                    "only this patient's accesses: her key (local_key)");
  base->needs(patient);
  patient->needs(base);
  audit
      ->add_option("--pseudonym", c.audit.pseudonym,
                   "only this patient's accesses: her pseudonym (p-...)")
      ->excludes(base)
      ->excludes(patient);
  audit->add_option("--client", c.audit.client, "only this client's accesses (certificate CN)");
  audit->add_option("--outcome", c.audit.outcome, "only accesses that ended so")
      ->check(CLI::IsMember({"success", "denied", "withheld", "failed"}));
  audit->add_option("--since", c.audit.since,
                    "only accesses at or after this instant (2026-03-02T10:00:00Z, or a date)");
  audit->add_option("--limit", c.audit.limit, "at most N records")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  audit->add_flag("--json", c.audit.json, "print each AuditEvent as one line of FHIR JSON");
  AddConnectionFlags(*audit, c.audit.connection, c.client_state_dir);
}

void AddCarePlan(CLI::App& app, Commands& c) {
  CLI::App* plan =
      app.add_subcommand("care-plan", "read, write and watch the care plans the gateway holds");
  plan->require_subcommand(1);
  zg::CarePlanCommand& p = c.care_plan;
  CLI::App* get = plan->add_subcommand(
      "get", "a patient's plan: version, author, cause, time, the plan (exit 1 when none)");
  get->add_option("--local-key-system-base", p.local_key_system_base,
                  "the namespace URI of the platform's keys")
      ->required();
  get->add_option("--patient", p.patient_local_key, "the patient's key (Patient.local_key)")
      ->required();
  get->add_flag("--fhir", p.fhir, "the FHIR R4 Bundle instead of the typed plan");
  get->add_flag("--json", p.json, "only the plan (or Bundle) as one line of JSON");
  CLI::App* put = plan->add_subcommand(
      "put", "write a plan (proto3 JSON) from its version: written, merged, or conflicts (exit 1)");
  put->add_option("file", p.file, "a CarePlan in proto3 JSON")->required();
  put->add_option("--local-key-system-base", p.local_key_system_base,
                  "the namespace URI of the platform's keys")
      ->required();
  put->add_option("--source-system", p.source_system, "the writer's endpoint URI")
      ->capture_default_str();
  put->add_option("--submission-id", p.submission_id,
                  "the submission id (default: derived from the file's content)");
  CLI::App* watch =
      plan->add_subcommand("watch", "one line per plan change after a cursor, then each new one");
  watch
      ->add_option("--after", p.after_cursor,
                   "the last cursor already processed (default: from the oldest kept)")
      ->check(CLI::NonNegativeNumber);
  watch->add_option("--count", p.count, "stop after N changes")->check(CLI::PositiveNumber);
  watch
      ->add_option("--idle-exit", p.idle_exit_seconds,
                   "stop when no change came for this many seconds")
      ->check(CLI::PositiveNumber);
  watch->add_flag("--json", p.json, "print each CarePlanChange as one line of proto3 JSON");
  for (CLI::App* sub : {get, put, watch})
    AddConnectionFlags(*sub, p.connection, c.client_state_dir);
}

// Runs the client command `app` got, if any; nullopt otherwise.
std::optional<int> RunClientCommand(CLI::App& app, Commands& c) {
  if (app.got_subcommand("send")) {
    c.send.connection.state_dir = c.client_state_dir;
    c.send.kind = SubmissionKinds().at(CLI::detail::to_lower(c.send_kind));
    return zg::RunSend(c.send, std::cout, std::cerr);
  }
  if (app.got_subcommand("tail")) {
    c.tail.connection.state_dir = c.client_state_dir;
    return zg::RunTail(c.tail, std::cout, std::cerr);
  }
  if (app.got_subcommand("queues")) {
    c.queues.state_dir = c.client_state_dir;
    return zg::RunQueues(c.queues, std::cout, std::cerr);
  }
  if (CLI::App* plan = app.get_subcommand("care-plan"); plan->parsed()) {
    c.care_plan.connection.state_dir = c.client_state_dir;
    c.care_plan.action = plan->got_subcommand("put")     ? zg::CarePlanAction::kPut
                         : plan->got_subcommand("watch") ? zg::CarePlanAction::kWatch
                                                         : zg::CarePlanAction::kGet;
    return zg::RunCarePlan(c.care_plan, std::cout, std::cerr);
  }
  if (app.got_subcommand("audit")) {
    c.audit.connection.state_dir = c.client_state_dir;
    return zg::RunAudit(c.audit, std::cout, std::cerr);
  }
  if (CLI::App* dead = app.get_subcommand("dead-letters"); dead->parsed()) {
    c.dead_letters.connection.state_dir = c.client_state_dir;
    c.dead_letters.action = dead->got_subcommand("show")     ? zg::DeadLetterAction::kShow
                            : dead->got_subcommand("replay") ? zg::DeadLetterAction::kReplay
                                                             : zg::DeadLetterAction::kList;
    return zg::RunDeadLetters(c.dead_letters, std::cout, std::cerr);
  }
  return std::nullopt;
}

int Main(int argc, char** argv) {
  Commands c;
  CLI::App app{"zorgbrug: FHIR/gRPC interoperability gateway for Belgian integrated care"};
  app.require_subcommand(1);
  AddServe(app, c);
  AddValidate(app, c);
  AddCall(app, c);
  AddSend(app, c);
  AddTail(app, c);
  AddDeadLetters(app, c);
  AddQueues(app, c);
  AddAudit(app, c);
  AddCarePlan(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : zg::kExitUsage;
  }
  // Logs go to stderr; stdout is for results and the serve banner.
  spdlog::set_default_logger(spdlog::stderr_color_mt("zorgbrug"));
  if (app.got_subcommand("serve") && c.serve.json_logs) zg::UseJsonLogs();
  spdlog::set_level(spdlog::level::from_str(c.log_level));

  if (app.got_subcommand("serve")) {
    c.serve.state_dir = c.serve_state_dir;
    return zg::RunServe(c.serve, std::cout, std::cerr);
  }
  if (app.got_subcommand("validate")) return zg::RunValidate(c.validate, std::cout, std::cerr);
  if (std::optional<int> exit_code = RunClientCommand(app, c)) return *exit_code;
  c.call.state_dir = c.call_state_dir;
  return zg::RunCallValidate(c.call, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "zorgbrug: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "zorgbrug: internal error\n";
  }
  return zg::kExitUsage;
}
