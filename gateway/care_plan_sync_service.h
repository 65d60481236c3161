#pragma once

// zorgbrug.v1.CarePlanSync (care_plan_sync.proto) on the gRPC sync API: thin over the messaging
// engine (GetCarePlan, PutCarePlan) and the store's plan change feed (WatchCarePlans). A watch
// stream polls the feed when the engine signals a plan write and at least every `poll_interval`
// (writes by another gateway replica on a shared store), and ends on Shutdown.

#include <atomic>
#include <chrono>
#include <functional>

#include <grpcpp/grpcpp.h>

#include "gateway/engine.h"
#include "gateway/store/message_store.h"
#include "zorgbrug/v1/care_plan_sync.grpc.pb.h"

namespace zorgbrug::gateway {

struct CarePlanSyncOptions {
  std::chrono::milliseconds poll_interval{500};
  // Changes read from the store per poll.
  int batch = 256;
  // Called for every change a watcher was sent (the audit trail: who saw which patient's plan).
  std::function<void(grpc::ServerContext&, const v1::CarePlanChange&)> on_sent;
  // Called with the partition a unary call concerned (the audit trail).
  std::function<void(grpc::ServerContext&, const std::string&)> on_patient;
};

class CarePlanSyncService final : public v1::CarePlanSync::Service {
 public:
  // `engine` and `store` must outlive the service.
  CarePlanSyncService(MessagingEngine* engine, store::MessageStore* store,
                      CarePlanSyncOptions options);
  ~CarePlanSyncService() override;

  grpc::Status GetCarePlan(grpc::ServerContext* context, const v1::GetCarePlanRequest* request,
                           v1::GetCarePlanResponse* response) override;
  grpc::Status PutCarePlan(grpc::ServerContext* context, const v1::PutCarePlanRequest* request,
                           v1::SubmissionResponse* response) override;
  grpc::Status WatchCarePlans(grpc::ServerContext* context,
                              const v1::WatchCarePlansRequest* request,
                              grpc::ServerWriter<v1::CarePlanChange>* writer) override;

  // Ends every watch stream with UNAVAILABLE (the client reconnects elsewhere or later).
  // Idempotent.
  void Shutdown();

 private:
  // Sends the changes after `cursor` until none is left; advances `cursor`.
  grpc::Status SendChanges(grpc::ServerContext& context, int64_t& cursor,
                           grpc::ServerWriter<v1::CarePlanChange>& writer);

  MessagingEngine* const engine_;
  store::MessageStore* const store_;
  const CarePlanSyncOptions options_;
  std::atomic<bool> stopping_{false};
};

}  // namespace zorgbrug::gateway
