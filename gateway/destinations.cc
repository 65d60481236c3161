#include "gateway/destinations.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/error_table.h"
#include "gateway/metrics.h"

namespace zorgbrug::gateway {
namespace {

constexpr int kMaxInFlight = 1024;
constexpr int kDefaultMaxInFlight = 64;
constexpr int kDefaultAckTimeoutSeconds = 30;
constexpr size_t kMaxReasonBytes = 512;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

DestinationServiceOptions WithDefaults(DestinationServiceOptions options) {
  if (!options.now_ms) options.now_ms = SystemNowMs;
  return options;
}

grpc::Status InvalidArgument(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

// The gRPC status for a store failure on `sequence` (0: none) of `destination`. Store messages
// name destinations and sequences only; faults are logged, callers get a fixed text.
grpc::Status StoreStatus(const absl::Status& status, const std::string& destination,
                         int64_t sequence, const char* method) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return grpc::Status(
          grpc::StatusCode::NOT_FOUND,
          absl::StrCat("sequence ", sequence, " was never sent to destination ", destination));
    case absl::StatusCode::kFailedPrecondition:  // Replay only
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          absl::StrCat("sequence ", sequence, " of destination ", destination,
                                       " is not a dead letter"));
    case absl::StatusCode::kUnavailable:
      spdlog::warn("{} {}: store unavailable: {}", method, destination, status.ToString());
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the message store is unavailable: retry");
    default:
      spdlog::error("{} {}: store error: {}", method, destination, status.ToString());
      return grpc::Status(grpc::StatusCode::INTERNAL, "message store error");
  }
}

v1::Delivery ToProto(const store::Delivery& entry, bool with_message) {
  v1::Delivery delivery;
  delivery.set_sequence(entry.sequence);
  delivery.set_destination(entry.destination);
  delivery.set_partition(entry.partition);
  delivery.set_message_id(entry.header_id);
  delivery.set_event(entry.event);
  if (with_message) delivery.set_message_json(entry.payload);
  delivery.set_attempts(entry.attempts);
  delivery.set_accepted_at_ms(entry.accepted_at_ms);
  return delivery;
}

}  // namespace

bool IsDestinationName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

absl::Status CheckDestinationConfigs(std::span<const DestinationConfig> destinations) {
  std::set<std::string> names;
  for (const DestinationConfig& destination : destinations) {
    const std::string name = CutUtf8(destination.name, 64);
    if (!IsDestinationName(destination.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("destination \"", name, "\": the name must match [a-z0-9-]{1,64}"));
    }
    if (!names.insert(destination.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("destination \"", name, "\" is repeated"));
    }
    if (destination.endpoint.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("destination \"", name, "\" has no endpoint"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> DestinationsFor(std::span<const DestinationConfig> destinations,
                                         std::string_view event) {
  std::vector<std::string> names;
  for (const DestinationConfig& destination : destinations) {
    if (destination.events.empty() ||
        std::find(destination.events.begin(), destination.events.end(), event) !=
            destination.events.end()) {
      names.push_back(destination.name);
    }
  }
  return names;
}

void QueueSignal::Notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

uint64_t QueueSignal::generation() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return generation_;
}

uint64_t QueueSignal::WaitFor(uint64_t seen, std::chrono::milliseconds timeout) {
  return WaitFor(seen, timeout, nullptr);
}

uint64_t QueueSignal::WaitFor(uint64_t seen, std::chrono::milliseconds timeout,
                              const std::function<bool()>& stop) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return generation_ != seen || (stop && stop()); });
  return generation_;
}

void QueueSignal::Wake() {
  // Taking the lock orders this after a waiter's check of `stop`: the wake-up is not lost.
  { std::lock_guard<std::mutex> lock(mutex_); }
  changed_.notify_all();
}

// The state of one Subscribe stream shared with the unary RPCs.
struct DestinationService::Subscription {
  explicit Subscription(std::string name) : destination(std::move(name)) {}

  const std::string destination;
  // Guarded by DestinationService::mutex_:
  // Entries sent and not yet acknowledged, rejected or expired: sequence -> sent at (ms).
  std::map<int64_t, int64_t> in_flight;
  // Entries acknowledged or rejected since the stream's current store poll began: the poll may
  // still have read them as pending.
  std::set<int64_t> settled;
  // Set when the stream must end (replaced, shutting down).
  std::optional<grpc::Status> end;
  // Bumped after every change above, so that a waiting stream wakes (QueueSignal::Wake).
  std::atomic<uint64_t> changes{0};
};

DestinationService::DestinationService(store::MessageStore* store,
                                       std::vector<DestinationConfig> destinations,
                                       QueueSignal* signal, DestinationServiceOptions options)
    : store_(store),
      destinations_(std::move(destinations)),
      signal_(signal),
      options_(WithDefaults(std::move(options))) {}

DestinationService::~DestinationService() { Shutdown(); }

void DestinationService::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!shutting_down_) spdlog::info("Destinations: shutting down, ending every stream");
    shutting_down_ = true;
    for (auto& [name, subscription] : subscriptions_) {
      if (!subscription->end) {
        subscription->end =
            grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is shutting down: reconnect");
      }
      ++subscription->changes;
    }
  }
  signal_->Wake();
}

grpc::Status DestinationService::CheckDestination(const grpc::ServerContext& context,
                                                  const std::string& name) const {
  if (options_.authorize) {
    if (grpc::Status allowed = options_.authorize(context, name); !allowed.ok()) return allowed;
  }
  if (name.empty()) return InvalidArgument("destination is required");
  for (const DestinationConfig& destination : destinations_) {
    if (destination.name == name) return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::NOT_FOUND,
                      absl::StrCat("unknown destination \"", CutUtf8(name, 64), "\""));
}

grpc::Status DestinationService::Register(const std::string& destination,
                                          std::shared_ptr<Subscription>& added) {
  std::shared_ptr<Subscription> replaced;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutting_down_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is shutting down: reconnect");
    }
    std::shared_ptr<Subscription>& slot = subscriptions_[destination];
    replaced = std::move(slot);
    if (replaced) {
      replaced->end = grpc::Status(grpc::StatusCode::ABORTED, "replaced by a newer subscriber");
      ++replaced->changes;
    }
    slot = added = std::make_shared<Subscription>(destination);
  }
  if (replaced) {
    spdlog::info("Subscribe {}: a newer stream replaces the open one", destination);
    signal_->Wake();
  }
  return grpc::Status::OK;
}

void DestinationService::Unregister(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = subscriptions_.find(subscription->destination);
  if (it != subscriptions_.end() && it->second == subscription) subscriptions_.erase(it);
}

void DestinationService::Settle(const std::string& destination,
                                std::span<const int64_t> sequences) {
  if (sequences.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = subscriptions_.find(destination);
    if (it == subscriptions_.end()) return;
    Subscription& subscription = *it->second;
    for (int64_t sequence : sequences) {
      subscription.in_flight.erase(sequence);
      subscription.settled.insert(sequence);
    }
    ++subscription.changes;
  }
  signal_->Wake();
}

grpc::Status DestinationService::Subscribe(grpc::ServerContext* context,
                                           const v1::SubscribeRequest* request,
                                           grpc::ServerWriter<v1::Delivery>* writer) {
  const std::string& destination = request->destination();
  grpc::Status status = CheckDestination(*context, destination);
  if (!status.ok()) return status;
  if (request->max_in_flight() < 0 || request->max_in_flight() > kMaxInFlight) {
    return InvalidArgument(absl::StrCat("max_in_flight must be 0..", kMaxInFlight,
                                        " (0 = 64), got ", request->max_in_flight()));
  }
  if (request->ack_timeout_seconds() < 0) {
    return InvalidArgument("ack_timeout_seconds must not be negative (0 = 30)");
  }
  StreamLimits limits;
  if (request->max_in_flight() > 0) limits.max_in_flight = request->max_in_flight();
  if (request->ack_timeout_seconds() > 0) {
    limits.ack_timeout_seconds = request->ack_timeout_seconds();
  }
  std::shared_ptr<Subscription> subscription;
  status = Register(destination, subscription);
  if (!status.ok()) return status;
  spdlog::info("Subscribe {}: stream opened (max_in_flight {}, ack timeout {} s)", destination,
               limits.max_in_flight, limits.ack_timeout_seconds);
  status = Stream(*context, limits, *subscription, *writer);
  Unregister(subscription);
  spdlog::info("Subscribe {}: stream ended: {} {}", destination, GrpcCodeName(status.error_code()),
               status.error_message());
  return status;
}

grpc::Status DestinationService::Stream(grpc::ServerContext& context, const StreamLimits& limits,
                                        Subscription& subscription,
                                        grpc::ServerWriter<v1::Delivery>& writer) {
  while (true) {
    // Taken before looking at anything: a change after this point ends the wait below at once.
    const uint64_t generation = signal_->generation();
    const uint64_t changes = subscription.changes.load();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (subscription.end) return *subscription.end;
    }
    if (context.IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled");
    grpc::Status status = ExpireUnacknowledged(limits, subscription);
    if (status.ok()) status = SendDeliverable(context, limits, subscription, writer);
    if (!status.ok()) return status;
    signal_->WaitFor(generation, options_.poll_interval,
                     [&subscription, changes] { return subscription.changes.load() != changes; });
  }
}

grpc::Status DestinationService::ExpireUnacknowledged(const StreamLimits& limits,
                                                      Subscription& subscription) {
  const int64_t now = options_.now_ms();
  const int64_t timeout_ms = int64_t{limits.ack_timeout_seconds} * 1000;
  std::vector<int64_t> expired;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = subscription.in_flight.begin(); it != subscription.in_flight.end();) {
      if (now - it->second < timeout_ms) {
        ++it;
        continue;
      }
      expired.push_back(it->first);
      it = subscription.in_flight.erase(it);
    }
  }
  const std::string& destination = subscription.destination;
  const std::string reason =
      absl::StrCat("not acknowledged within ", limits.ack_timeout_seconds, " s");
  for (int64_t sequence : expired) {
    absl::StatusOr<store::DeliveryState> state = store_->Fail(destination, sequence, reason, now);
    if (!state.ok()) return StoreStatus(state.status(), destination, sequence, "Subscribe");
    CountDelivery(destination, "timed_out");
    spdlog::warn("Subscribe {}: sequence {} not acknowledged within {} s{}", destination, sequence,
                 limits.ack_timeout_seconds,
                 *state == store::DeliveryState::kDeadLetter ? ": now a dead letter" : "");
  }
  return grpc::Status::OK;
}

grpc::Status DestinationService::SendDeliverable(grpc::ServerContext& context,
                                                 const StreamLimits& limits,
                                                 Subscription& subscription,
                                                 grpc::ServerWriter<v1::Delivery>& writer) {
  int free = 0;
  int limit = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    subscription.settled.clear();
    free = limits.max_in_flight - static_cast<int>(subscription.in_flight.size());
    limit = limits.max_in_flight + static_cast<int>(subscription.in_flight.size());
  }
  if (free <= 0) return grpc::Status::OK;
  const std::string& destination = subscription.destination;
  const int64_t now = options_.now_ms();
  absl::StatusOr<std::vector<store::Delivery>> deliverable =
      store_->Deliverable(destination, 0, limit, now);
  if (!deliverable.ok()) return StoreStatus(deliverable.status(), destination, 0, "Subscribe");
  for (const store::Delivery& entry : *deliverable) {
    if (free == 0) break;
    if (options_.consent) {
      absl::StatusOr<std::optional<std::string>> refusal = options_.consent(entry);
      if (!refusal.ok()) {
        spdlog::warn("Subscribe {}: consent for sequence {} could not be decided, retried: {}",
                     destination, entry.sequence, refusal.status().ToString());
        continue;
      }
      if (refusal->has_value()) {
        absl::Status withheld = store_->Withhold(destination, entry.sequence, **refusal, now);
        if (!withheld.ok()) return StoreStatus(withheld, destination, entry.sequence, "Subscribe");
        CountDelivery(destination, "withheld");
        signal_->Notify();  // the partition's next entry is deliverable now
        if (options_.on_delivery) options_.on_delivery(context, entry, "withheld", **refusal);
        continue;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (subscription.end) return grpc::Status::OK;  // the stream's loop returns it
      if (subscription.in_flight.contains(entry.sequence) ||
          subscription.settled.contains(entry.sequence)) {
        continue;
      }
      subscription.in_flight.emplace(entry.sequence, now);
    }
    --free;
    if (!writer.Write(ToProto(entry, /*with_message=*/true))) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the consumer is gone");
    }
    CountDelivery(destination, "sent");
    if (options_.on_delivery) options_.on_delivery(context, entry, "success", "");
    spdlog::debug("Subscribe {}: sent sequence {} (attempt {})", destination, entry.sequence,
                  entry.attempts + 1);
  }
  return grpc::Status::OK;
}

void DestinationService::CountDelivery(const std::string& destination, std::string_view what) {
  if (options_.metrics != nullptr) options_.metrics->CountDelivery(destination, what);
}

grpc::Status DestinationService::Acknowledge(grpc::ServerContext* context,
                                             const v1::AcknowledgeRequest* request,
                                             v1::AcknowledgeResponse*) {
  const std::string& destination = request->destination();
  grpc::Status status = CheckDestination(*context, destination);
  if (!status.ok()) return status;
  if (request->sequences().empty()) return InvalidArgument("sequences is empty");
  // Acknowledging is idempotent: after a failure the caller resends the whole list.
  std::vector<int64_t> acknowledged;
  for (int64_t sequence : request->sequences()) {
    absl::Status stored = store_->Acknowledge(destination, sequence);
    if (!stored.ok()) {
      status = StoreStatus(stored, destination, sequence, "Acknowledge");
      break;
    }
    acknowledged.push_back(sequence);
  }
  Settle(destination, acknowledged);
  for (size_t i = 0; i < acknowledged.size(); ++i) CountDelivery(destination, "acknowledged");
  spdlog::debug("Acknowledge {}: {} of {} sequences: {}", destination, acknowledged.size(),
                request->sequences_size(), GrpcCodeName(status.error_code()));
  return status;
}

grpc::Status DestinationService::Reject(grpc::ServerContext* context,
                                        const v1::RejectRequest* request,
                                        v1::RejectResponse* response) {
  const std::string& destination = request->destination();
  grpc::Status status = CheckDestination(*context, destination);
  if (!status.ok()) return status;
  if (request->reason().empty()) return InvalidArgument("reason is required");
  const int64_t sequence = request->sequence();
  absl::StatusOr<store::DeliveryState> state = store_->Fail(
      destination, sequence, CutUtf8(request->reason(), kMaxReasonBytes), options_.now_ms());
  if (!state.ok()) return StoreStatus(state.status(), destination, sequence, "Reject");
  response->set_dead_letter(*state == store::DeliveryState::kDeadLetter);
  Settle(destination, {&sequence, 1});
  CountDelivery(destination, "rejected");
  // The reason is the consumer's text: not logged.
  spdlog::info("Reject {}: sequence {} rejected{}", destination, sequence,
               response->dead_letter() ? ": now a dead letter" : "");
  return grpc::Status::OK;
}

grpc::Status DestinationService::ListDeadLetters(grpc::ServerContext* context,
                                                 const v1::ListDeadLettersRequest* request,
                                                 v1::ListDeadLettersResponse* response) {
  const std::string& destination = request->destination();
  grpc::Status status = CheckDestination(*context, destination);
  if (!status.ok()) return status;
  absl::StatusOr<std::vector<store::DeadLetter>> dead = store_->DeadLetters(destination);
  if (!dead.ok()) return StoreStatus(dead.status(), destination, 0, "ListDeadLetters");
  for (const store::DeadLetter& letter : *dead) {
    v1::DeadLetterEntry* entry = response->add_dead_letters();
    *entry->mutable_delivery() = ToProto(letter.delivery, request->include_message());
    entry->set_reason(letter.reason);
    entry->set_dead_since_ms(letter.dead_since_ms);
  }
  return grpc::Status::OK;
}

grpc::Status DestinationService::ReplayDeadLetter(grpc::ServerContext* context,
                                                  const v1::ReplayDeadLetterRequest* request,
                                                  v1::ReplayDeadLetterResponse*) {
  const std::string& destination = request->destination();
  grpc::Status status = CheckDestination(*context, destination);
  if (!status.ok()) return status;
  absl::Status replayed = store_->Replay(destination, request->sequence(), options_.now_ms());
  if (!replayed.ok()) {
    return StoreStatus(replayed, destination, request->sequence(), "ReplayDeadLetter");
  }
  spdlog::info("ReplayDeadLetter {}: sequence {} is pending again", destination,
               request->sequence());
  signal_->Notify();
  return grpc::Status::OK;
}

grpc::Status DestinationService::GetQueueStats(grpc::ServerContext* context,
                                               const v1::GetQueueStatsRequest*,
                                               v1::GetQueueStatsResponse* response) {
  absl::StatusOr<std::vector<store::QueueStats>> stats = store_->Stats();
  if (!stats.ok()) return StoreStatus(stats.status(), "(all)", 0, "GetQueueStats");
  std::map<std::string, v1::QueueStat> rows;
  for (const DestinationConfig& destination : destinations_) {
    rows[destination.name].set_destination(destination.name);
  }
  for (const store::QueueStats& queue : *stats) {
    v1::QueueStat& row = rows[queue.destination];
    row.set_destination(queue.destination);
    row.set_pending(queue.pending);
    row.set_dead_letters(queue.dead_letters);
    row.set_oldest_pending_ms(queue.oldest_pending_ms);
  }
  for (auto& [name, row] : rows) *response->add_queues() = std::move(row);
  return grpc::Status::OK;
}

}  // namespace zorgbrug::gateway
