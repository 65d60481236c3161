#include "gateway/metrics.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <iterator>
#include <type_traits>
#include <utility>

#include "gateway/error_table.h"

namespace zorgbrug::gateway {
namespace {

// 0.5 ms .. 10 s: RPCs answered from memory up to calls that wait on the store or a peer.
constexpr double kRpcBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
// 0.1 ms .. 1 s: a WAL commit with fsync, including group commits that wait for a batch.
constexpr double kCommitBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                    0.025,  0.05,    0.1,    0.25,  0.5,    1};

std::span<const std::string_view> AsSpan(std::initializer_list<std::string_view> values) {
  return {values.begin(), values.size()};
}

// HELP text escaping: backslash and line feed only (the format's rule for docstrings).
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendHeader(std::string& out, const std::string& name, std::string_view help,
                  std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(EscapeHelp(help)).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// `{a="x",b="y"` plus `extra` (e.g. `le="0.5"`) and `}`; nothing when there are no labels.
void AppendLabels(std::string& out, std::span<const std::string> names,
                  std::span<const std::string> values, std::string_view extra = {}) {
  if (names.empty() && extra.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out.append(names[i]).append("=\"").append(EscapeLabelValue(values[i])).append("\"");
  }
  if (!extra.empty()) {
    if (!names.empty()) out += ',';
    out.append(extra);
  }
  out += '}';
}

template <typename Number>
void AppendSample(std::string& out, std::string_view name, std::span<const std::string> names,
                  std::span<const std::string> values, Number value, std::string_view extra = {}) {
  out.append(name);
  AppendLabels(out, names, values, extra);
  out += ' ';
  if constexpr (std::is_integral_v<Number>) {
    out.append(std::to_string(value));
  } else {
    out.append(FormatSampleValue(value));
  }
  out += '\n';
}

template <typename A, typename B>
bool LexicographicallyLess(std::span<const A> a, std::span<const B> b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](std::string_view x, std::string_view y) { return x < y; });
}

// The series for `key`, created with `make()` when new; once `series` holds `max_series` entries a
// new key is replaced by the overflow key (all label values kOverflowLabelValue).
template <typename Map, typename Make>
typename Map::iterator FindOrAdd(Map& series, std::span<const std::string_view> key,
                                 size_t max_series, const std::string& name, Make make) {
  auto it = series.find(key);
  if (it != series.end()) return it;
  std::vector<std::string> values(key.begin(), key.end());
  if (series.size() >= max_series) {
    values.assign(key.size(), kOverflowLabelValue);
    it = series.find(values);
    if (it != series.end()) return it;
    spdlog::warn("metrics: {} has {} series; new label values are counted under \"{}\"", name,
                 series.size(), kOverflowLabelValue);
  }
  return series.emplace(std::move(values), make()).first;
}

// `rows` ordered by destination, one row per destination (the first one given).
std::vector<QueueGauge> SortedByDestination(std::vector<QueueGauge> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const QueueGauge& a, const QueueGauge& b) {
    return a.destination < b.destination;
  });
  auto same = [](const QueueGauge& a, const QueueGauge& b) {
    return a.destination == b.destination;
  };
  rows.erase(std::unique(rows.begin(), rows.end(), same), rows.end());
  return rows;
}

void AppendQueueGauges(const std::vector<QueueGauge>& rows, int64_t now_ms, std::string& out) {
  const std::vector<std::string> names = {"destination"};
  auto family = [&](const std::string& name, std::string_view help, auto value) {
    AppendHeader(out, name, help, "gauge");
    for (const QueueGauge& row : rows) {
      AppendSample(out, name, names, {&row.destination, 1}, value(row));
    }
  };
  family("zorgbrug_queue_pending", "Messages waiting for delivery per destination.",
         [](const QueueGauge& row) { return row.pending; });
  family("zorgbrug_queue_oldest_age_seconds",
         "Age of the oldest pending message per destination (0 when none is pending).",
         [now_ms](const QueueGauge& row) {
           if (row.pending <= 0) return 0.0;
           return static_cast<double>(std::max<int64_t>(0, now_ms - row.oldest_pending_ms)) / 1000;
         });
  family("zorgbrug_dead_letters", "Messages given up on (dead letters) per destination.",
         [](const QueueGauge& row) { return row.dead_letters; });
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  // General format with the shortest exact digits: 0.0005, 2.5, 10, 1e-05.
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

bool LabelValuesLess::operator()(std::span<const std::string> a,
                                 std::span<const std::string> b) const {
  return LexicographicallyLess(a, b);
}

bool LabelValuesLess::operator()(std::span<const std::string> a,
                                 std::span<const std::string_view> b) const {
  return LexicographicallyLess(a, b);
}

bool LabelValuesLess::operator()(std::span<const std::string_view> a,
                                 std::span<const std::string> b) const {
  return LexicographicallyLess(a, b);
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names, size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      max_series_(max_series) {
  if (label_names_.empty()) series_.emplace(std::vector<std::string>{}, 0);
}

void CounterFamily::Add(std::initializer_list<std::string_view> label_values, uint64_t n) {
  if (label_values.size() != label_names_.size()) return;
  std::lock_guard lock(mu_);
  FindOrAdd(series_, AsSpan(label_values), max_series_, name_, [] { return 0; })->second += n;
}

uint64_t CounterFamily::Value(std::initializer_list<std::string_view> label_values) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(AsSpan(label_values));
  return it == series_.end() ? 0 : it->second;
}

void CounterFamily::Render(std::string& out) const {
  AppendHeader(out, name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [values, value] : series_) {
    AppendSample(out, name_, label_names_, values, value);
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds,
                                 size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)),
      max_series_(max_series) {
  if (label_names_.empty()) {
    series_.emplace(std::vector<std::string>{},
                    Series{.buckets = std::vector<uint64_t>(bounds_.size() + 1)});
  }
}

void HistogramFamily::Observe(std::initializer_list<std::string_view> label_values, double value) {
  if (label_values.size() != label_names_.size() || std::isnan(value)) return;
  // The first bound >= value: Prometheus buckets are "less than or equal" (le).
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  std::lock_guard lock(mu_);
  Series& series = FindOrAdd(series_, AsSpan(label_values), max_series_, name_, [this] {
                     return Series{.buckets = std::vector<uint64_t>(bounds_.size() + 1)};
                   })->second;
  ++series.buckets[bucket];
  series.sum += value;
  ++series.count;
}

uint64_t HistogramFamily::Count(std::initializer_list<std::string_view> label_values) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(AsSpan(label_values));
  return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::Render(std::string& out) const {
  AppendHeader(out, name_, help_, "histogram");
  const std::string bucket_name = name_ + "_bucket";
  std::lock_guard lock(mu_);
  for (const auto& [values, series] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      const std::string le = "le=\"" + FormatSampleValue(bounds_[i]) + "\"";
      AppendSample(out, bucket_name, label_names_, values, cumulative, le);
    }
    AppendSample(out, bucket_name, label_names_, values, series.count, "le=\"+Inf\"");
    AppendSample(out, name_ + "_sum", label_names_, values, series.sum);
    AppendSample(out, name_ + "_count", label_names_, values, series.count);
  }
}

Metrics::Metrics()
    : rpc_requests_("zorgbrug_rpc_requests_total",
                    "Finished gRPC calls by full method name and status code.", {"method", "code"}),
      rpc_duration_("zorgbrug_rpc_duration_seconds",
                    "Time from a call's arrival to its status, by full method name.", {"method"},
                    {std::begin(kRpcBounds), std::end(kRpcBounds)}),
      commit_duration_("zorgbrug_store_commit_duration_seconds",
                       "Duration of message store commits (a group commit counts once).", {},
                       {std::begin(kCommitBounds), std::end(kCommitBounds)}),
      commits_("zorgbrug_store_commits_total", "Message store commits.", {}),
      committed_changes_("zorgbrug_store_committed_changes_total",
                         "Changes written by message store commits.", {}),
      messages_("zorgbrug_messages_total", "Incoming FHIR messages by event code and outcome.",
                {"event", "outcome"}),
      deliveries_("zorgbrug_deliveries_total", "Outbox delivery steps by destination and result.",
                  {"destination", "result"}),
      now_ms_(SystemNowMs) {}

void Metrics::RecordRpc(std::string_view method, grpc::StatusCode code, double seconds) {
  rpc_requests_.Add({method, GrpcCodeName(code)});
  rpc_duration_.Observe({method}, seconds);
}

void Metrics::RecordCommit(int64_t micros, int64_t changes) {
  commit_duration_.Observe({}, static_cast<double>(micros) / 1e6);
  commits_.Add({});
  if (changes > 0) committed_changes_.Add({}, static_cast<uint64_t>(changes));
}

void Metrics::CountMessage(std::string_view event, std::string_view outcome) {
  messages_.Add({event, outcome});
}

void Metrics::CountDelivery(std::string_view destination, std::string_view what) {
  deliveries_.Add({destination, what});
}

void Metrics::SetQueueSource(std::function<absl::StatusOr<std::vector<QueueGauge>>()> source) {
  std::lock_guard lock(sources_mu_);
  queue_source_ = std::move(source);
}

void Metrics::SetClock(std::function<int64_t()> now_ms) {
  std::lock_guard lock(sources_mu_);
  now_ms_ = std::move(now_ms);
}

std::string Metrics::Render() const {
  std::string out;
  rpc_requests_.Render(out);
  rpc_duration_.Render(out);
  messages_.Render(out);
  deliveries_.Render(out);
  commits_.Render(out);
  committed_changes_.Render(out);
  commit_duration_.Render(out);
  RenderQueues(out);
  return out;
}

void Metrics::RenderQueues(std::string& out) const {
  std::function<absl::StatusOr<std::vector<QueueGauge>>()> source;
  std::function<int64_t()> now_ms;
  {
    std::lock_guard lock(sources_mu_);
    source = queue_source_;
    now_ms = now_ms_;
  }
  if (!source) return;
  absl::StatusOr<std::vector<QueueGauge>> queues = source();
  AppendHeader(out, "zorgbrug_queue_source_up",
               "1 when the queue gauges could be read at this scrape, else 0.", "gauge");
  out.append("zorgbrug_queue_source_up ").append(queues.ok() ? "1" : "0").append("\n");
  if (!queues.ok()) {
    spdlog::warn("metrics: queue gauges unavailable: {}", queues.status().ToString());
    return;
  }
  AppendQueueGauges(SortedByDestination(*std::move(queues)), now_ms(), out);
}

uint64_t Metrics::RpcCount(std::string_view method, grpc::StatusCode code) const {
  return rpc_requests_.Value({method, GrpcCodeName(code)});
}

uint64_t Metrics::MessageCount(std::string_view event, std::string_view outcome) const {
  return messages_.Value({event, outcome});
}

uint64_t Metrics::DeliveryCount(std::string_view destination, std::string_view what) const {
  return deliveries_.Value({destination, what});
}

namespace {

class RpcInterceptor : public grpc::experimental::Interceptor {
 public:
  // `info` owns this interceptor, so it outlives it.
  RpcInterceptor(Metrics* metrics, grpc::experimental::ServerRpcInfo* info)
      : metrics_(metrics), info_(info), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
      const grpc::StatusCode code = methods->GetSendStatus().error_code();
      const char* method = code == grpc::StatusCode::UNIMPLEMENTED || info_->method() == nullptr
                               ? kUnknownRpcMethod
                               : info_->method();
      metrics_->RecordRpc(method, code, elapsed.count());
    }
    methods->Proceed();
  }

 private:
  Metrics* const metrics_;
  grpc::experimental::ServerRpcInfo* const info_;
  const std::chrono::steady_clock::time_point start_;
};

class RpcInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcInterceptorFactory(Metrics* metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcInterceptor(metrics_, info);
  }

 private:
  Metrics* const metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewRpcInterceptorFactory(
    Metrics* metrics) {
  return std::make_unique<RpcInterceptorFactory>(metrics);
}

}  // namespace zorgbrug::gateway
