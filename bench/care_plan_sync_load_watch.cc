#include "bench/care_plan_sync_load_watch.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>

namespace zorgbrug::bench {
namespace {

// Nearest-rank percentile of sorted values (ns), in milliseconds.
double PercentileMs(const std::vector<int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

int64_t Nanos(SteadyClock::duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

uint64_t WriteKey(int patient, int64_t version) {
  return (static_cast<uint64_t>(patient) << 40) ^ static_cast<uint64_t>(version);
}

// Empty when `arrivals` are exactly `feed`, else what differs first.
std::string CompareWithFeed(const std::vector<Arrival>& arrivals,
                            const std::vector<int64_t>& feed) {
  for (size_t i = 0; i < arrivals.size() && i < feed.size(); ++i) {
    if (arrivals[i].cursor == feed[i]) continue;
    return "change " + std::to_string(i) + " has cursor " + std::to_string(arrivals[i].cursor) +
           ", the feed's is " + std::to_string(feed[i]) +
           (i > 0 && arrivals[i].cursor <= arrivals[i - 1].cursor ? " (out of order or twice)"
                                                                  : " (one missed)");
  }
  if (arrivals.size() != feed.size()) {
    return "received " + std::to_string(arrivals.size()) + " changes of the " +
           std::to_string(feed.size()) + " committed";
  }
  return "";
}

}  // namespace

struct PlanWatchers::Stream {
  grpc::ClientContext context;
  std::unique_ptr<v1::CarePlanSync::Stub> stub;
  std::vector<Arrival> arrivals;
  std::atomic<int64_t> last{0};
  std::atomic<bool> ended{false};
  grpc::Status status;
  std::thread thread;

  void Run(int64_t cursor) {
    v1::WatchCarePlansRequest request;
    request.set_after_cursor(cursor);
    std::unique_ptr<grpc::ClientReader<v1::CarePlanChange>> reader =
        stub->WatchCarePlans(&context, request);
    v1::CarePlanChange change;
    while (reader->Read(&change)) {
      arrivals.push_back({change.cursor(), PatientOf(change.plan().patient_local_key()),
                          change.version(), SteadyClock::now()});
      last = change.cursor();
    }
    status = reader->Finish();
    ended = true;
  }
};

PlanWatchers::PlanWatchers(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                           int64_t cursor) {
  for (const auto& channel : channels) {
    auto stream = std::make_unique<Stream>();
    stream->stub = v1::CarePlanSync::NewStub(channel);
    stream->last = cursor;
    stream->arrivals.reserve(1 << 16);
    streams_.push_back(std::move(stream));
  }
  for (auto& stream : streams_) {
    Stream* s = stream.get();
    s->thread = std::thread([s, cursor] { s->Run(cursor); });
  }
}

PlanWatchers::~PlanWatchers() { Stop(); }

bool PlanWatchers::WaitFor(int64_t cursor, std::chrono::milliseconds timeout) const {
  const SteadyClock::time_point until = SteadyClock::now() + timeout;
  for (;;) {
    bool all = true;
    for (const auto& stream : streams_) all = all && (stream->ended || stream->last >= cursor);
    if (all) return true;
    if (SteadyClock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void PlanWatchers::Stop() {
  for (auto& stream : streams_) stream->context.TryCancel();
  for (auto& stream : streams_) {
    if (stream->thread.joinable()) stream->thread.join();
  }
}

const std::vector<Arrival>& PlanWatchers::arrivals(size_t i) const { return streams_[i]->arrivals; }

const grpc::Status& PlanWatchers::status(size_t i) const { return streams_[i]->status; }

WatchResult CheckWatchers(const PlanWatchers& watchers, const std::vector<int64_t>& feed,
                          const std::vector<WriteRecord>& writes, SteadyClock::time_point from,
                          SteadyClock::time_point until) {
  WatchResult result;
  result.watchers = static_cast<int>(watchers.size());
  std::unordered_map<uint64_t, const WriteRecord*> by_key;
  for (const WriteRecord& write : writes) by_key[WriteKey(write.patient, write.version)] = &write;
  std::vector<int64_t> from_send;
  std::vector<int64_t> after_answer;
  for (size_t w = 0; w < watchers.size(); ++w) {
    const std::vector<Arrival>& arrivals = watchers.arrivals(w);
    result.received.push_back(static_cast<int64_t>(arrivals.size()));
    const grpc::StatusCode code = watchers.status(w).error_code();
    std::string problem = CompareWithFeed(arrivals, feed);
    if (problem.empty() && code != grpc::StatusCode::CANCELLED) {
      problem = "the stream ended with " + watchers.status(w).error_message();
    }
    for (const Arrival& arrival : arrivals) {
      auto write = by_key.find(WriteKey(arrival.patient, arrival.version));
      if (write == by_key.end()) {
        if (problem.empty()) {
          problem = "a change no writer made: cursor " + std::to_string(arrival.cursor);
        }
        continue;
      }
      if (arrival.arrived < from || arrival.arrived >= until) continue;
      ++result.delivered_in_window;
      from_send.push_back(Nanos(arrival.arrived - write->second->sent));
      after_answer.push_back(Nanos(arrival.arrived - write->second->answered));
    }
    if (!problem.empty() && result.ok) {
      result.ok = false;
      result.problem = "watcher " + std::to_string(w) + ": " + problem;
    }
  }
  std::sort(from_send.begin(), from_send.end());
  std::sort(after_answer.begin(), after_answer.end());
  const double seconds = std::chrono::duration<double>(until - from).count();
  result.delivered_per_second = static_cast<double>(result.delivered_in_window) / seconds;
  result.lag_from_send_p50_ms = PercentileMs(from_send, 0.50);
  result.lag_from_send_p99_ms = PercentileMs(from_send, 0.99);
  result.lag_after_answer_p50_ms = PercentileMs(after_answer, 0.50);
  result.lag_after_answer_p99_ms = PercentileMs(after_answer, 0.99);
  return result;
}

}  // namespace zorgbrug::bench
