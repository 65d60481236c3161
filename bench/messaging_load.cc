// `messaging_load`: the messaging engine (issue #8) under load over gRPC with TLS, beside a raw
// gRPC TLS echo of the same payload size measured in the same run (bench/README.md).
//
// One process: the real GatewayServer on 127.0.0.1:0 (TLS, a SQLite store in a fresh temporary
// directory with synchronous=FULL) and a generic echo server over TLS with the same certificate.
// Each scenario runs closed loops of N calls in flight (one thread per call, one connection per 8
// calls); then each engine scenario runs an open loop of Poisson arrivals at half the highest rate
// it reached, for the latency at half of the maximum rate.

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/load_loop.h"
#include "bench/messaging_load_inputs.h"
#include "bench/messaging_load_report.h"
#include "gateway/dev_certs.h"
#include "gateway/server.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::bench {
namespace {

using gateway::GatewayServer;

constexpr int kCallsPerConnection = 8;

struct Config {
  std::vector<int> in_flight{8, 16, 32};
  double seconds = 10;
  double warmup_seconds = 1;
  double half_rate_seconds = 10;
  double initial_warmup_seconds = 5;
  int workers = 64;
  int patients = 1000;
  std::vector<std::string> scenarios{"echo-bib", "bib", "echo-15k", "process", "process-ok"};
  std::string json_path;
  std::string store_dir;
  bool keep_store = false;
};

// What the scenarios share: the servers, the inputs, the CA to trust.
struct Bench {
  Config config;
  gateway::TlsMaterial tls;
  std::unique_ptr<GatewayServer> gateway;
  std::unique_ptr<EchoServer> echo;
  v1::SubmitBibScreeningRequest bib_template;
  std::optional<BundleFactory> bundles;     // as given, with our event
  std::optional<BundleFactory> ok_bundles;  // the same with the CarePlan as the only focus

  v1::SubmitBibScreeningRequest BibRequest(uint64_t n) const {
    return BibSubmission(bib_template, n, config.patients);
  }

  v1::ProcessMessageRequest ProcessRequest(uint64_t n, bool ok = false) const {
    v1::ProcessMessageRequest request;
    request.set_bundle_json(ok ? ok_bundles->Make(n) : bundles->Make(n));
    request.set_local_key_system_base(kKeySystemBase);
    return request;
  }
};

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(60);
}

CallFn EchoCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels, std::string payload) {
  auto clients = std::make_shared<std::vector<EchoClient>>();
  for (const auto& channel : channels) clients->emplace_back(channel);
  auto bytes = std::make_shared<const std::string>(std::move(payload));
  return [clients, bytes](int slot, uint64_t) {
    grpc::Slice slice(bytes->data(), bytes->size());  // a copy per call, as serializing is
    grpc::ByteBuffer request(&slice, 1);
    return CallResult{(*clients)[slot % clients->size()].Call(request, bytes->size()), ""};
  };
}

CallFn BibCalls(const Bench& bench, const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<v1::EpdSubmissions::Stub>>>();
  for (const auto& channel : channels) stubs->push_back(v1::EpdSubmissions::NewStub(channel));
  return [stubs, &bench](int slot, uint64_t n) {
    const v1::SubmitBibScreeningRequest request = bench.BibRequest(n);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::SubmissionResponse response;
    CallResult result;
    result.status =
        (*stubs)[slot % stubs->size()]->SubmitBibScreening(&context, request, &response);
    if (result.status.ok()) result.tag = v1::SubmissionOutcome_Name(response.outcome());
    return result;
  };
}

CallFn ProcessCalls(const Bench& bench, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                    bool ok) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<v1::FhirMessaging::Stub>>>();
  for (const auto& channel : channels) stubs->push_back(v1::FhirMessaging::NewStub(channel));
  return [stubs, &bench, ok](int slot, uint64_t n) {
    const v1::ProcessMessageRequest request = bench.ProcessRequest(n, ok);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::ProcessMessageResponse response;
    CallResult result;
    result.status = (*stubs)[slot % stubs->size()]->ProcessMessage(&context, request, &response);
    if (result.status.ok()) result.tag = response.response_code();
    return result;
  };
}

// The scenario's calls on `connections` new connections.
CallFn CallsOf(const Bench& bench, const std::string& scenario, int connections) {
  const bool to_echo = scenario.rfind("echo-", 0) == 0;
  const std::string& address = to_echo ? bench.echo->address() : bench.gateway->address();
  const auto channels = MakeChannels(address, bench.tls.ca_cert_pem, connections);
  if (scenario == "echo-bib") return EchoCalls(channels, bench.BibRequest(0).SerializeAsString());
  if (scenario == "echo-15k") {
    return EchoCalls(channels, bench.ProcessRequest(0).SerializeAsString());
  }
  if (scenario == "bib") return BibCalls(bench, channels);
  return ProcessCalls(bench, channels, scenario == "process-ok");
}

void ProbeProcess(const Bench& bench, const std::shared_ptr<grpc::Channel>& channel, bool ok) {
  grpc::ClientContext context;
  v1::ProcessMessageResponse processed;
  const v1::ProcessMessageRequest request = bench.ProcessRequest((uint64_t{1} << 40) + ok, ok);
  const grpc::Status status =
      v1::FhirMessaging::NewStub(channel)->ProcessMessage(&context, request, &processed);
  std::printf("probe %s: %s, response_code %s, %d destinations, %zu B request, %zu B response\n",
              ok ? "process-ok" : "process", status.ok() ? "OK" : status.error_message().c_str(),
              processed.response_code().c_str(), processed.destinations_size(),
              request.ByteSizeLong(), processed.ByteSizeLong());
  for (const v1::Issue& issue : processed.issues()) {
    std::printf("  issue %s at %s: %s\n", v1::Severity_Name(issue.severity()).c_str(),
                issue.expression().c_str(), issue.diagnostics().c_str());
  }
}

// One call of each engine scenario, to say what the engine does with the inputs.
void Probe(const Bench& bench) {
  const auto channels = MakeChannels(bench.gateway->address(), bench.tls.ca_cert_pem, 1);
  grpc::ClientContext bib_context;
  v1::SubmissionResponse submitted;
  const grpc::Status bib =
      v1::EpdSubmissions::NewStub(channels[0])
          ->SubmitBibScreening(&bib_context, bench.BibRequest(uint64_t{1} << 40), &submitted);
  std::printf(
      "probe bib: %s, outcome %s, event %s, %d destinations, %zu B request, %zu B response "
      "(issues: %d warnings, %d information; %zu B OperationOutcome)\n",
      bib.ok() ? "OK" : bib.error_message().c_str(),
      v1::SubmissionOutcome_Name(submitted.outcome()).c_str(), submitted.event().c_str(),
      submitted.destinations_size(), bench.BibRequest(0).ByteSizeLong(), submitted.ByteSizeLong(),
      submitted.counts().warning(), submitted.counts().information(),
      submitted.operation_outcome_json().size());
  ProbeProcess(bench, channels[0], false);
  ProbeProcess(bench, channels[0], true);
}

bool IsEngine(const std::string& scenario) { return scenario.rfind("echo-", 0) != 0; }

// The serialized request's size; the echo of a scenario's payload has the same.
size_t PayloadBytes(const Bench& bench, const std::string& scenario) {
  if (scenario == "echo-bib" || scenario == "bib") return bench.BibRequest(0).ByteSizeLong();
  return bench.ProcessRequest(0, scenario == "process-ok").ByteSizeLong();
}

Row Measure(Bench& bench, const std::string& scenario, int in_flight) {
  const gateway::store::WriterStats before = bench.gateway->store().writer_stats();
  const int connections = (in_flight + kCallsPerConnection - 1) / kCallsPerConnection;
  ClosedLoopOptions options{in_flight, bench.config.warmup_seconds, bench.config.seconds};
  Row row;
  row.scenario = scenario;
  row.in_flight = in_flight;
  row.payload_bytes = PayloadBytes(bench, scenario);
  row.stats = RunClosedLoop(options, CallsOf(bench, scenario, connections));
  if (IsEngine(scenario)) row.commits = Delta(before, bench.gateway->store().writer_stats());
  PrintProgress(row);
  return row;
}

Row MeasureHalfRate(Bench& bench, const std::string& scenario, const std::vector<Row>& rows) {
  double max_rate = 0;
  for (const Row& row : rows) {
    if (row.scenario == scenario && !row.open_loop) {
      max_rate = std::max(max_rate, row.stats.per_second);
    }
  }
  const gateway::store::WriterStats before = bench.gateway->store().writer_stats();
  OpenLoopOptions options;
  options.rate = max_rate / 2;
  options.workers = bench.config.workers;
  options.warmup_seconds = bench.config.warmup_seconds;
  options.seconds = bench.config.half_rate_seconds;
  const int connections = (options.workers + kCallsPerConnection - 1) / kCallsPerConnection;
  Row row;
  row.scenario = scenario;
  row.in_flight = options.workers;
  row.open_loop = true;
  row.target_rate = options.rate;
  row.payload_bytes = PayloadBytes(bench, scenario);
  row.stats = RunOpenLoop(options, CallsOf(bench, scenario, connections));
  row.commits = Delta(before, bench.gateway->store().writer_stats());
  PrintProgress(row);
  return row;
}

bool StartServers(Bench& bench, const std::string& store_path) {
  absl::StatusOr<gateway::TlsMaterial> tls = gateway::GenerateDevTlsMaterial();
  if (!tls.ok()) return false;
  bench.tls = *std::move(tls);
  gateway::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls = bench.tls;
  options.messaging.store_path = store_path;
  options.messaging.synchronous = gateway::store::Synchronous::kFull;
  options.messaging.pseudonym_key = "messaging_load pseudonym key, 32+";
  absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "gateway: %s\n", server.status().ToString().c_str());
    return false;
  }
  bench.gateway = *std::move(server);
  bench.echo = EchoServer::Start(bench.tls.server_cert_pem, bench.tls.server_key_pem);
  return bench.echo != nullptr;
}

int Run(Bench& bench, const std::string& store_path) {
  std::optional<v1::SubmitBibScreeningRequest> bib = LoadBibTemplate();
  bench.bundles = BundleFactory::Load(false, bench.config.patients);
  bench.ok_bundles = BundleFactory::Load(true, bench.config.patients);
  if (!bib || !bench.bundles || !bench.ok_bundles) {
    std::fprintf(stderr, "cannot read the inputs (%s)\n", InputPaths().c_str());
    return 1;
  }
  bench.bib_template = *std::move(bib);
  if (!StartServers(bench, store_path)) return 1;
  std::printf(
      "store %s (synchronous FULL); load average at start: %s (the \"others\" columns "
      "say what other processes used while measuring)\n",
      store_path.c_str(), LoadAverage().c_str());
  Probe(bench);
  if (bench.config.initial_warmup_seconds > 0) {
    // Without it the first point of a process measured up to 2x below the same point repeated.
    const int in_flight =
        *std::max_element(bench.config.in_flight.begin(), bench.config.in_flight.end());
    RunClosedLoop(
        {in_flight, 0, bench.config.initial_warmup_seconds},
        CallsOf(bench, "echo-15k", (in_flight + kCallsPerConnection - 1) / kCallsPerConnection));
  }
  std::vector<Row> rows;
  for (const std::string& scenario : bench.config.scenarios) {
    for (int in_flight : bench.config.in_flight) {
      rows.push_back(Measure(bench, scenario, in_flight));
    }
  }
  for (const std::string& scenario : bench.config.scenarios) {
    if (IsEngine(scenario) && bench.config.half_rate_seconds > 0) {
      rows.push_back(MeasureHalfRate(bench, scenario, rows));
    }
  }
  std::printf("load average at the end: %s\n\n", LoadAverage().c_str());
  PrintTables(rows);
  if (!bench.config.json_path.empty() && !WriteJson(rows, bench.config.json_path)) return 1;
  bench.gateway->Drain(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

}  // namespace
}  // namespace zorgbrug::bench

int main(int argc, char** argv) {
  zorgbrug::bench::Bench bench;
  zorgbrug::bench::Config& config = bench.config;
  CLI::App app{"The messaging engine under load over gRPC/TLS beside a raw gRPC TLS echo"};
  app.add_option("--in-flight", config.in_flight, "calls in flight per point")->delimiter(',');
  app.add_option("--seconds", config.seconds, "measured seconds per point");
  app.add_option("--warmup", config.warmup_seconds, "warm-up seconds per point");
  app.add_option("--half-rate-seconds", config.half_rate_seconds,
                 "seconds of the open loop at half the maximum rate (0: skip)");
  app.add_option("--initial-warmup", config.initial_warmup_seconds,
                 "seconds of echo calls before the first point (not measured)");
  app.add_option("--workers", config.workers, "threads of the open loop");
  app.add_option("--patients", config.patients, "distinct patients of the BiB submissions");
  app.add_option("--scenarios", config.scenarios, "echo-bib, bib, echo-15k, process, process-ok")
      ->delimiter(',');
  app.add_option("--json", config.json_path, "also write the results as JSON to this file");
  app.add_option("--store-dir", config.store_dir,
                 "where the temporary store goes (default TMPDIR)");
  app.add_flag("--keep-store", config.keep_store, "keep the store's directory");
  CLI11_PARSE(app, argc, argv);
  for (const std::string& scenario : config.scenarios) {
    if (scenario != "echo-bib" && scenario != "bib" && scenario != "echo-15k" &&
        scenario != "process" && scenario != "process-ok") {
      std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
      return 2;
    }
  }
  std::string dir =
      config.store_dir.empty() ? std::filesystem::temp_directory_path().string() : config.store_dir;
  dir += "/zorgbrug-load-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    std::fprintf(stderr, "cannot create %s\n", dir.c_str());
    return 1;
  }
  const int code = zorgbrug::bench::Run(bench, dir + "/zorgbrug.db");
  bench.gateway.reset();
  bench.echo.reset();
  if (!config.keep_store) std::filesystem::remove_all(dir);
  return code;
}
