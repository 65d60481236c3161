#pragma once

// zorgbrug.v1.Destinations (issue #8, delivery to destinations) on the gRPC sync API: each
// destination consumes its outbox (store/message_store.h) over a server stream with explicit
// acknowledgements. The cursor is the store's state, never the stream's: a stream sends what the
// store says is deliverable (per partition in acceptance order, one failing entry holding only its
// own partition), so a consumer that reconnects receives every entry it did not acknowledge and
// nothing it did. Retries, backoff and dead letters are the store's RetryPolicy.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/store/message_store.h"
#include "zorgbrug/v1/care_plan.pb.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {

class Metrics;

struct DestinationConfig {
  // [a-z0-9-]{1,64}: the name consumers subscribe with, and the store's destination.
  std::string name;
  // The URL put in MessageHeader.destination.endpoint.
  std::string endpoint;
  // Event codes (message-event code system) routed to it; empty = every event.
  std::vector<std::string> events;
  // Who reads what the destination receives, for the person's consent at delivery (consent.h):
  // the kind of care-team member behind it (UNSPECIFIED: the platform that holds her plan, which
  // consent does not restrict), and the team member keys that stand for it in care plans (a
  // decision about one of them applies; empty: the destination's name).
  v1::MemberKind member_kind = v1::MEMBER_KIND_UNSPECIFIED;
  std::vector<std::string> member_keys{};
};

// Whether `name` is a destination name: [a-z0-9-]{1,64}.
bool IsDestinationName(std::string_view name);

// OK when every name is a destination name, unique, and every endpoint is set; else
// INVALID_ARGUMENT naming the first offending destination.
absl::Status CheckDestinationConfigs(std::span<const DestinationConfig> destinations);

// The names of the destinations `event` is routed to, in configuration order.
std::vector<std::string> DestinationsFor(std::span<const DestinationConfig> destinations,
                                         std::string_view event);

// Wakes waiting streams when the engine commits new outbox entries or an operator replays one.
// Thread-safe.
class QueueSignal {
 public:
  // A new generation: every waiter returns.
  void Notify();
  uint64_t generation() const;
  // Returns the generation once it differs from `seen`, or after `timeout`.
  uint64_t WaitFor(uint64_t seen, std::chrono::milliseconds timeout);
  // As above, and also once `stop()` is true; `stop` is called under the signal's lock (it must
  // not call the signal) before waiting and after every Notify or Wake.
  uint64_t WaitFor(uint64_t seen, std::chrono::milliseconds timeout,
                   const std::function<bool()>& stop);
  // Wakes every waiter to re-check its `stop`, without a new generation. Call it after making
  // `stop` true.
  void Wake();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;
};

struct DestinationServiceOptions {
  // Wall clock in milliseconds since the Unix epoch (acceptance, backoff and ack deadlines use
  // it); tests pass a fake. Empty: the system clock.
  std::function<int64_t()> now_ms;
  // The longest wait between two store polls of a stream: how late it sees entries that became
  // due after a backoff, an expired ack deadline, or a consumer that went away.
  std::chrono::milliseconds poll_interval{200};
  // Counts deliveries (sent, acknowledged, rejected, timed_out, withheld) per destination; may be
  // null.
  Metrics* metrics = nullptr;
  // Whether the caller of `context` may see `destination` (the access policy): OK, or the
  // refusal (PERMISSION_DENIED) every RPC naming the destination answers. Empty: everyone may.
  std::function<grpc::Status(const grpc::ServerContext& context, const std::string& destination)>
      authorize;
  // Why the person's consent keeps `entry` from its destination, or nullopt when it may go. A
  // refused entry is withheld in the store (never sent, its partition released); an error (the
  // store could not say) leaves it pending for the next poll. Empty: all go.
  std::function<absl::StatusOr<std::optional<std::string>>(const store::Delivery& entry)> consent;
  // Every entry sent ("success") or withheld ("withheld", with the reason), for the audit trail.
  std::function<void(const grpc::ServerContext& context, const store::Delivery& entry,
                     std::string_view outcome, std::string_view reason)>
      on_delivery;
};

class DestinationService final : public v1::Destinations::Service {
 public:
  // `store` and `signal` must outlive the service; `destinations` must pass
  // CheckDestinationConfigs.
  DestinationService(store::MessageStore* store, std::vector<DestinationConfig> destinations,
                     QueueSignal* signal, DestinationServiceOptions options);
  ~DestinationService() override;

  // Ends every open Subscribe stream promptly (UNAVAILABLE "the gateway is shutting down:
  // reconnect") and refuses new ones. Call it before the gRPC server shuts down. Idempotent.
  void Shutdown();

  const std::vector<DestinationConfig>& destinations() const { return destinations_; }

  // One active stream per destination: a newer Subscribe replaces it (the older one ends with
  // ABORTED) and starts from the store's state. A stream that ends leaves its unacknowledged
  // entries pending for the next subscriber (a disconnect is not the message's fault).
  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::Delivery>* writer) override;
  grpc::Status Acknowledge(grpc::ServerContext* context, const v1::AcknowledgeRequest* request,
                           v1::AcknowledgeResponse* response) override;
  grpc::Status Reject(grpc::ServerContext* context, const v1::RejectRequest* request,
                      v1::RejectResponse* response) override;
  grpc::Status ListDeadLetters(grpc::ServerContext* context,
                               const v1::ListDeadLettersRequest* request,
                               v1::ListDeadLettersResponse* response) override;
  grpc::Status ReplayDeadLetter(grpc::ServerContext* context,
                                const v1::ReplayDeadLetterRequest* request,
                                v1::ReplayDeadLetterResponse* response) override;
  // One row per configured destination (zeros when it has no entries), and per other destination
  // the store has entries for, by name.
  grpc::Status GetQueueStats(grpc::ServerContext* context, const v1::GetQueueStatsRequest* request,
                             v1::GetQueueStatsResponse* response) override;

 private:
  struct Subscription;
  struct StreamLimits {
    int max_in_flight = 64;
    int ack_timeout_seconds = 30;
  };

  // A configured destination the caller may see (options_.authorize), else the refusal.
  grpc::Status CheckDestination(const grpc::ServerContext& context, const std::string& name) const;
  void CountDelivery(const std::string& destination, std::string_view what);
  grpc::Status Register(const std::string& destination, std::shared_ptr<Subscription>& added);
  void Unregister(const std::shared_ptr<Subscription>& subscription);
  // Frees the slots of `sequences` on the destination's active stream and wakes it.
  void Settle(const std::string& destination, std::span<const int64_t> sequences);
  grpc::Status Stream(grpc::ServerContext& context, const StreamLimits& limits,
                      Subscription& subscription, grpc::ServerWriter<v1::Delivery>& writer);
  grpc::Status ExpireUnacknowledged(const StreamLimits& limits, Subscription& subscription);
  grpc::Status SendDeliverable(grpc::ServerContext& context, const StreamLimits& limits,
                               Subscription& subscription,
                               grpc::ServerWriter<v1::Delivery>& writer);

  store::MessageStore* const store_;
  const std::vector<DestinationConfig> destinations_;
  QueueSignal* const signal_;
  const DestinationServiceOptions options_;

  std::mutex mutex_;
  bool shutting_down_ = false;                                          // guarded by mutex_
  std::map<std::string, std::shared_ptr<Subscription>> subscriptions_;  // guarded by mutex_
};

}  // namespace zorgbrug::gateway
