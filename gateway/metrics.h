#pragma once

// The gateway's metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): a small thread-safe registry
// written for the series the gateway exports (no Prometheus client library ships in Debian 12).
// Series are created on first use and never removed; label values come from the gateway's own
// vocabulary (method names, status codes, event codes, destination ids), never from message
// content, so the number of series stays bounded. Served by MetricsHttpServer (metrics_http.h).

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include "absl/status/statusor.h"

namespace zorgbrug::gateway {

// `value` as a label value: backslash, double quote and line feed escaped as the format requires.
std::string EscapeLabelValue(std::string_view value);

// `value` as a sample value or `le` bound: the shortest digits that read back exactly, in printf
// %g style (0.0005, 2.5, 10, 1e-05), or "+Inf", "-Inf", "NaN".
std::string FormatSampleValue(double value);

// Orders label-value tuples; compares stored tuples with lookup spans without copying them.
struct LabelValuesLess {
  using is_transparent = void;
  bool operator()(std::span<const std::string> a, std::span<const std::string> b) const;
  bool operator()(std::span<const std::string> a, std::span<const std::string_view> b) const;
  bool operator()(std::span<const std::string_view> a, std::span<const std::string> b) const;
};

// Series per family beyond which new label values are counted under kOverflowLabelValue: a bound
// on memory and scrape size should a label ever take values from outside the gateway.
inline constexpr size_t kDefaultMaxSeries = 1000;
inline constexpr char kOverflowLabelValue[] = "_overflow";

// A counter with a fixed list of label names. An unlabelled family renders its one series (0)
// from the start; a labelled family renders HELP and TYPE and the series seen so far, ordered by
// label values. Once it holds `max_series` series, new label values all go to one series whose
// label values are all kOverflowLabelValue (a warning is logged once). Thread-safe.
class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names,
                size_t max_series = kDefaultMaxSeries);

  // Adds `n` to the series with `label_values` (as many as label names; otherwise a no-op).
  void Add(std::initializer_list<std::string_view> label_values, uint64_t n = 1);
  // The current value of a series, 0 when it does not exist.
  uint64_t Value(std::initializer_list<std::string_view> label_values) const;
  // Appends the family's exposition text to `out`.
  void Render(std::string& out) const;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const size_t max_series_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, uint64_t, LabelValuesLess> series_;
};

// A histogram with fixed upper bounds (ascending, without +Inf) and label names; rendered with
// cumulative `_bucket{le=...}` series, `le="+Inf"`, `_sum` and `_count`. NaN observations are
// ignored. Bounded by `max_series` as CounterFamily. Thread-safe.
class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds, size_t max_series = kDefaultMaxSeries);

  // Records `value` in the series with `label_values` (as many as label names; else a no-op).
  void Observe(std::initializer_list<std::string_view> label_values, double value);
  // The number of observations of a series, 0 when it does not exist.
  uint64_t Count(std::initializer_list<std::string_view> label_values) const;
  void Render(std::string& out) const;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // per bound, not cumulative; the last one is +Inf
    double sum = 0;
    uint64_t count = 0;
  };

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  const size_t max_series_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, Series, LabelValuesLess> series_;
};

// One destination's outbox at scrape time (from the message store).
struct QueueGauge {
  std::string destination;
  int64_t pending = 0;
  int64_t dead_letters = 0;
  // When the oldest pending message was enqueued: Unix epoch milliseconds, on the clock of
  // Metrics::SetClock. Not read when `pending` is 0.
  int64_t oldest_pending_ms = 0;
};

// Every series the gateway exports. Thread-safe; recording costs a map lookup under a per-family
// mutex. Counters and histograms live here; queue gauges are read from a source at scrape time.
class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished RPC: zorgbrug_rpc_requests_total{method,code} and
  // zorgbrug_rpc_duration_seconds{method}. `method` is the full gRPC path, e.g.
  // "/zorgbrug.v1.FhirMessaging/ProcessMessage"; `code` is rendered by its gRPC name ("OK").
  void RecordRpc(std::string_view method, grpc::StatusCode code, double seconds);

  // One store commit (a group commit counts once): zorgbrug_store_commit_duration_seconds,
  // zorgbrug_store_commits_total and zorgbrug_store_committed_changes_total (negative ignored).
  void RecordCommit(int64_t micros, int64_t changes);

  // zorgbrug_messages_total{event,outcome}; outcome e.g. accepted, duplicate, rejected, dry_run.
  void CountMessage(std::string_view event, std::string_view outcome);

  // zorgbrug_deliveries_total{destination,result}; `what` e.g. sent, acknowledged, rejected,
  // timed_out.
  void CountDelivery(std::string_view destination, std::string_view what);

  // Read at every Render (outside the registry's locks; it may query the store):
  // zorgbrug_queue_pending, zorgbrug_queue_oldest_age_seconds (0 when nothing is pending) and
  // zorgbrug_dead_letters per destination, and zorgbrug_queue_source_up (0 when `source` fails,
  // the queue series are then left out). No source: none of these series.
  void SetQueueSource(std::function<absl::StatusOr<std::vector<QueueGauge>>()> source);
  // The clock for queue ages, Unix epoch milliseconds; the system clock by default.
  void SetClock(std::function<int64_t()> now_ms);

  // The whole exposition text (Content-Type text/plain; version=0.0.4).
  std::string Render() const;

  // For tests and checks in code: the current value of a series.
  uint64_t RpcCount(std::string_view method, grpc::StatusCode code) const;
  uint64_t MessageCount(std::string_view event, std::string_view outcome) const;
  uint64_t DeliveryCount(std::string_view destination, std::string_view what) const;

 private:
  void RenderQueues(std::string& out) const;

  CounterFamily rpc_requests_;
  HistogramFamily rpc_duration_;
  HistogramFamily commit_duration_;
  CounterFamily commits_;
  CounterFamily committed_changes_;
  CounterFamily messages_;
  CounterFamily deliveries_;

  mutable std::mutex sources_mu_;
  std::function<absl::StatusOr<std::vector<QueueGauge>>()> queue_source_;
  std::function<int64_t()> now_ms_;
};

// The method label of calls answered UNIMPLEMENTED (see NewRpcInterceptorFactory).
inline constexpr char kUnknownRpcMethod[] = "unknown";

// A server interceptor factory (ServerBuilder::experimental().SetInterceptorCreators) that calls
// `metrics->RecordRpc` once per RPC — sync, async and callback services alike — with the status
// the server sends and the time from the call's arrival at the server to that status. Streaming
// RPCs record once, at their end. Calls answered UNIMPLEMENTED are recorded under method
// kUnknownRpcMethod: gRPC runs interceptors for methods no service has (the path is whatever the
// client sent), which must not create series. `metrics` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewRpcInterceptorFactory(
    Metrics* metrics);

}  // namespace zorgbrug::gateway
