#include "bench/load_loop.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

#include <grpcpp/impl/client_unary_call.h>

namespace zorgbrug::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Numbers handed to calls: unique across every point of the run.
std::atomic<uint64_t> next_call_number{0};

Clock::duration Seconds(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// CPU ticks used so far by the whole machine (busy, not idle or iowait) and by this process.
struct CpuSnapshot {
  int64_t machine = 0;
  int64_t own = 0;
};

CpuSnapshot TakeCpuSnapshot() {
  CpuSnapshot snapshot;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  int64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
  snapshot.machine = user + nice + system + irq + softirq;
  std::ifstream self("/proc/self/stat");
  std::string line;
  std::getline(self, line);
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string field;
  int64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtoll(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoll(field.c_str(), nullptr, 10);
  }
  snapshot.own = utime + stime;
  return snapshot;
}

// Fills the CPU figures of `stats` for a window of `seconds` between two snapshots.
void SetCpu(const CpuSnapshot& from, const CpuSnapshot& to, double seconds, LoadStats& stats) {
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double own = static_cast<double>(to.own - from.own);
  const double machine = static_cast<double>(to.machine - from.machine);
  stats.own_cpu_percent = 100.0 * own / ticks_per_second / seconds;
  stats.others_cpu_percent = std::max(0.0, 100.0 * (machine - own) / ticks_per_second / seconds);
}

// What one thread saw; merged after the run.
struct Recorder {
  std::vector<int64_t> latency_ns;
  int64_t errors = 0;
  int64_t late_starts = 0;
  std::map<std::string, int64_t> tags;
  std::vector<std::string> error_texts;

  void Add(const CallResult& result, Clock::duration latency) {
    latency_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
    if (!result.tag.empty()) ++tags[result.tag];
    if (result.status.ok()) return;
    ++errors;
    if (error_texts.size() < 5) {
      error_texts.push_back(std::to_string(result.status.error_code()) + " " +
                            result.status.error_message());
    }
  }
};

// Nearest-rank percentile of sorted values, in milliseconds.
double PercentileMs(const std::vector<int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

LoadStats Summarise(std::vector<Recorder>& recorders, double seconds) {
  LoadStats stats;
  stats.seconds = seconds;
  std::vector<int64_t> all;
  for (Recorder& recorder : recorders) {
    all.insert(all.end(), recorder.latency_ns.begin(), recorder.latency_ns.end());
    stats.errors += recorder.errors;
    stats.late_starts += recorder.late_starts;
    for (const auto& [tag, count] : recorder.tags) stats.tags[tag] += count;
    for (std::string& text : recorder.error_texts) {
      const bool known = std::find(stats.first_errors.begin(), stats.first_errors.end(), text) !=
                         stats.first_errors.end();
      if (!known && stats.first_errors.size() < 5) stats.first_errors.push_back(std::move(text));
    }
  }
  std::sort(all.begin(), all.end());
  stats.completed = static_cast<int64_t>(all.size());
  stats.per_second = static_cast<double>(stats.completed - stats.errors) / seconds;
  stats.p50_ms = PercentileMs(all, 0.50);
  stats.p99_ms = PercentileMs(all, 0.99);
  stats.max_ms = all.empty() ? 0 : static_cast<double>(all.back()) / 1e6;
  return stats;
}

// The echo: reads the one request message and writes it back with status OK.
class EchoReactor final : public grpc::ServerGenericBidiReactor {
 public:
  EchoReactor() { StartRead(&buffer_); }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    StartWriteAndFinish(&buffer_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer buffer_;
};

class EchoService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    if (context->method() == kEchoMethod) return new EchoReactor;
    return CallbackGenericService::CreateReactor(context);  // UNIMPLEMENTED
  }
};

}  // namespace

LoadStats RunClosedLoop(const ClosedLoopOptions& options, const CallFn& call) {
  std::vector<Recorder> recorders(options.in_flight);
  const Clock::time_point measure_from = Clock::now() + Seconds(options.warmup_seconds);
  const Clock::time_point until = measure_from + Seconds(options.seconds);
  std::vector<std::thread> threads;
  for (int slot = 0; slot < options.in_flight; ++slot) {
    threads.emplace_back([&, slot] {
      Recorder& recorder = recorders[slot];
      recorder.latency_ns.reserve(1 << 16);
      for (;;) {
        const Clock::time_point begin = Clock::now();
        if (begin >= until) break;
        const CallResult result = call(slot, next_call_number.fetch_add(1));
        const Clock::time_point end = Clock::now();
        if (end >= measure_from && end < until) recorder.Add(result, end - begin);
      }
    });
  }
  std::this_thread::sleep_until(measure_from);
  const CpuSnapshot first = TakeCpuSnapshot();
  std::this_thread::sleep_until(until);
  const CpuSnapshot last = TakeCpuSnapshot();
  for (std::thread& thread : threads) thread.join();
  LoadStats stats = Summarise(recorders, options.seconds);
  SetCpu(first, last, options.seconds, stats);
  return stats;
}

LoadStats RunOpenLoop(const OpenLoopOptions& options, const CallFn& call) {
  std::mt19937_64 random(options.seed);
  std::exponential_distribution<double> gap(options.rate);
  std::vector<double> arrivals;  // seconds after the start
  for (double at = gap(random); at < options.warmup_seconds + options.seconds; at += gap(random)) {
    arrivals.push_back(at);
  }
  std::vector<Recorder> recorders(options.workers);
  std::atomic<size_t> next{0};
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int worker = 0; worker < options.workers; ++worker) {
    threads.emplace_back([&, worker] {
      Recorder& recorder = recorders[worker];
      for (size_t k = next.fetch_add(1); k < arrivals.size(); k = next.fetch_add(1)) {
        const Clock::time_point scheduled = start + Seconds(arrivals[k]);
        std::this_thread::sleep_until(scheduled);
        const Clock::time_point begin = Clock::now();
        const CallResult result = call(worker, next_call_number.fetch_add(1));
        const Clock::time_point end = Clock::now();
        if (arrivals[k] < options.warmup_seconds) continue;
        recorder.Add(result, end - scheduled);
        if (begin - scheduled > std::chrono::milliseconds(1)) ++recorder.late_starts;
      }
    });
  }
  std::this_thread::sleep_until(start + Seconds(options.warmup_seconds));
  const CpuSnapshot first = TakeCpuSnapshot();
  std::this_thread::sleep_until(start + Seconds(options.warmup_seconds + options.seconds));
  const CpuSnapshot last = TakeCpuSnapshot();
  for (std::thread& thread : threads) thread.join();
  LoadStats stats = Summarise(recorders, options.seconds);
  SetCpu(first, last, options.seconds, stats);
  return stats;
}

std::unique_ptr<EchoServer> EchoServer::Start(const std::string& cert_pem,
                                              const std::string& key_pem) {
  std::unique_ptr<EchoServer> server(new EchoServer);
  server->service_ = std::make_unique<EchoService>();
  grpc::SslServerCredentialsOptions tls;
  tls.pem_key_cert_pairs.push_back({key_pem, cert_pem});
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls), &port);
  builder.RegisterCallbackGenericService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) return nullptr;
  server->address_ = "127.0.0.1:" + std::to_string(port);
  return server;
}

EchoServer::~EchoServer() {
  if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
}

EchoClient::EchoClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)),
      method_(kEchoMethod, grpc::internal::RpcMethod::NORMAL_RPC, channel_) {}

grpc::Status EchoClient::Call(const grpc::ByteBuffer& request, size_t size) const {
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel_.get(), method_, &context, request, &response);
  if (status.ok() && response.Length() != size) {
    return grpc::Status(grpc::StatusCode::DATA_LOSS, "the echo returned another size");
  }
  return status;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target,
                                                         const std::string& ca_pem, int count) {
  static std::atomic<int> connection{0};
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_pem;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    arguments.SetInt("zorgbrug.bench.connection", connection.fetch_add(1));
    channels.push_back(grpc::CreateCustomChannel(target, grpc::SslCredentials(tls), arguments));
  }
  return channels;
}

}  // namespace zorgbrug::bench
