#pragma once

// The load generator of `messaging_load`: a closed loop (N calls in flight, one thread each doing
// blocking calls), an open loop (Poisson arrivals at a fixed mean rate, latency counted from the
// scheduled arrival so that queueing behind a slow call is not hidden), latency statistics, and the
// raw gRPC echo over TLS that is the baseline.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/rpc_method.h>

namespace zorgbrug::bench {

// What one call did: its status (anything but OK counts as an error) and a tag counted per value
// (e.g. the response code), empty for none.
struct CallResult {
  grpc::Status status;
  std::string tag;
};

// One call of a scenario. `slot` is the caller's index (0..in_flight-1 or the worker's), `n` a
// number unique across the whole run (for unique ids). Must be thread-safe.
using CallFn = std::function<CallResult(int slot, uint64_t n)>;

struct LoadStats {
  double seconds = 0;     // the measured window
  int64_t completed = 0;  // calls completed inside the window (errors included)
  int64_t errors = 0;     // calls inside the window that did not return OK
  double per_second = 0;  // successful calls per second of the window
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  int64_t late_starts = 0;  // open loop: calls that started > 1 ms after their arrival time
  // CPU time during the window, in percent of one core: this process (clients, servers and the
  // store together) and every other process of the machine (a quiet machine shows near 0).
  double own_cpu_percent = 0;
  double others_cpu_percent = 0;
  std::map<std::string, int64_t> tags;
  std::vector<std::string> first_errors;  // up to 5 distinct error texts
};

struct ClosedLoopOptions {
  int in_flight = 8;
  double warmup_seconds = 1;
  double seconds = 10;
};

// Runs `call` in a closed loop; counts the calls that complete within the window after warm-up.
LoadStats RunClosedLoop(const ClosedLoopOptions& options, const CallFn& call);

struct OpenLoopOptions {
  double rate = 100;  // mean arrivals per second (Poisson)
  int workers = 64;   // threads available to carry calls; arrivals wait when all are busy
  double warmup_seconds = 1;
  double seconds = 10;
  uint64_t seed = 42;
};

// Runs `call` at Poisson arrivals; latency is from the scheduled arrival to the response.
LoadStats RunOpenLoop(const OpenLoopOptions& options, const CallFn& call);

// A gRPC server over TLS whose only behaviour is to answer any method with the request's bytes
// (the callback generic API: no protobuf parsing, no application work).
class EchoServer {
 public:
  static std::unique_ptr<EchoServer> Start(const std::string& cert_pem, const std::string& key_pem);
  ~EchoServer();
  const std::string& address() const { return address_; }

 private:
  EchoServer() = default;
  std::unique_ptr<grpc::CallbackGenericService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

// The method the echo clients call.
inline constexpr char kEchoMethod[] = "/zorgbrug.bench.Echo/Echo";

// A client of the echo: blocking unary calls through the same path as the generated synchronous
// stubs of the gateway's services (grpc::internal::BlockingUnaryCall with a method registered on
// the channel), so that the two differ only in what the server does.
class EchoClient {
 public:
  explicit EchoClient(std::shared_ptr<grpc::Channel> channel);
  // One call with `request`; an error unless `size` bytes come back.
  grpc::Status Call(const grpc::ByteBuffer& request, size_t size) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::internal::RpcMethod method_;
};

// `count` TLS channels to `target` trusting `ca_pem`, each with a distinct channel argument so
// that each has its own connection.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target,
                                                         const std::string& ca_pem, int count);

}  // namespace zorgbrug::bench
