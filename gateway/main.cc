// `zorgbrug`: the gateway's single executable. Parses flags with CLI11 and runs a subcommand from
// commands.h; the only other catch-all besides the RPC boundary lives here.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "gateway/commands.h"

namespace zg = zorgbrug::gateway;

namespace {

struct Commands {
  zg::ServeCommand serve;
  std::string serve_state_dir = zg::DefaultStateDir().string();
  std::string log_level = "info";
  zg::ValidateCommand validate;
  zg::CallValidateCommand call;
  std::string call_state_dir = zg::DefaultStateDir().string();
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
  serve
      ->add_flag("--plaintext-for-tests", c.serve.plaintext_for_tests,
                 "serve WITHOUT TLS (tests and local debugging only)")
      ->excludes(cert)
      ->excludes(key);
  serve
      ->add_option("--max-message-bytes", c.serve.max_message_bytes,
                   "largest request accepted, in bytes")
      ->capture_default_str();
  serve
      ->add_option("--drain-seconds", c.serve.drain_seconds,
                   "how long calls in flight may finish after SIGTERM")
      ->capture_default_str();
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

int Main(int argc, char** argv) {
  Commands c;
  CLI::App app{"zorgbrug: FHIR/gRPC interoperability gateway for Belgian integrated care"};
  app.require_subcommand(1);
  AddServe(app, c);
  AddValidate(app, c);
  AddCall(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : zg::kExitUsage;
  }
  // Logs go to stderr; stdout is for results and the serve banner.
  spdlog::set_default_logger(spdlog::stderr_color_mt("zorgbrug"));
  spdlog::set_level(spdlog::level::from_str(c.log_level));

  if (app.got_subcommand("serve")) {
    c.serve.state_dir = c.serve_state_dir;
    return zg::RunServe(c.serve, std::cout, std::cerr);
  }
  if (app.got_subcommand("validate")) return zg::RunValidate(c.validate, std::cout, std::cerr);
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
