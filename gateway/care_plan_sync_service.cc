#include "gateway/care_plan_sync_service.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/caller.h"
#include "gateway/messaging_service.h"
#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {

CarePlanSyncService::CarePlanSyncService(MessagingEngine* engine, store::MessageStore* store,
                                         CarePlanSyncOptions options)
    : engine_(engine), store_(store), options_(std::move(options)) {}

CarePlanSyncService::~CarePlanSyncService() { Shutdown(); }

void CarePlanSyncService::Shutdown() {
  stopping_ = true;
  engine_->plan_signal().Wake();
}

grpc::Status CarePlanSyncService::GetCarePlan(grpc::ServerContext* context,
                                              const v1::GetCarePlanRequest* request,
                                              v1::GetCarePlanResponse* response) {
  return Guarded("CarePlanSync.GetCarePlan", [&] {
    if (options_.on_patient && !request->local_key_system_base().empty() &&
        !request->patient_local_key().empty()) {
      options_.on_patient(*context, engine_->Pseudonym(request->local_key_system_base(),
                                                       request->patient_local_key()));
    }
    absl::StatusOr<v1::GetCarePlanResponse> plan = engine_->GetCarePlan(*request);
    if (!plan.ok()) return ToGrpc(plan.status());
    *response = *std::move(plan);
    return grpc::Status::OK;
  });
}

grpc::Status CarePlanSyncService::PutCarePlan(grpc::ServerContext* context,
                                              const v1::PutCarePlanRequest* request,
                                              v1::SubmissionResponse* response) {
  return Guarded("CarePlanSync.PutCarePlan", [&] {
    if (options_.on_patient && !request->local_key_system_base().empty() &&
        !request->plan().patient_local_key().empty()) {
      options_.on_patient(*context, engine_->Pseudonym(request->local_key_system_base(),
                                                       request->plan().patient_local_key()));
    }
    EngineResult<v1::SubmissionResponse> result =
        engine_->PutCarePlan(*request, CallerOf(*context).client);
    if (result.replayed) context->AddTrailingMetadata(kReplayedMetadata, "true");
    return Answer(std::move(result.result), response);
  });
}

grpc::Status CarePlanSyncService::WatchCarePlans(grpc::ServerContext* context,
                                                 const v1::WatchCarePlansRequest* request,
                                                 grpc::ServerWriter<v1::CarePlanChange>* writer) {
  return Guarded("CarePlanSync.WatchCarePlans", [&] {
    int64_t cursor = request->after_cursor();
    if (cursor < 0) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "after_cursor must not be negative");
    }
    absl::StatusOr<int64_t> first = store_->FirstPlanChange();
    if (!first.ok()) return ToGrpc(first.status());
    if (cursor != 0 && cursor < *first - 1) {
      return grpc::Status(
          grpc::StatusCode::OUT_OF_RANGE,
          absl::StrCat("the changes after cursor ", cursor, " up to ", *first - 1,
                       " are no longer kept: read each plan with GetCarePlan, then watch with "
                       "after_cursor ",
                       *first - 1, " (resume_cursor=", *first - 1, ")"));
    }
    QueueSignal& signal = engine_->plan_signal();
    while (true) {
      const uint64_t generation = signal.generation();
      if (stopping_) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "the gateway is shutting down: watch again from your last cursor");
      }
      if (context->IsCancelled()) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled");
      }
      if (grpc::Status sent = SendChanges(*context, cursor, *writer); !sent.ok()) return sent;
      signal.WaitFor(generation, options_.poll_interval, [this] { return stopping_.load(); });
    }
  });
}

grpc::Status CarePlanSyncService::SendChanges(grpc::ServerContext& context, int64_t& cursor,
                                              grpc::ServerWriter<v1::CarePlanChange>& writer) {
  while (!stopping_) {
    absl::StatusOr<std::vector<store::PlanChange>> changes =
        store_->PlanChanges(cursor, options_.batch);
    if (!changes.ok()) return ToGrpc(changes.status());
    for (const store::PlanChange& stored : *changes) {
      v1::CarePlanChange change;
      change.set_cursor(stored.sequence);
      change.set_partition(stored.partition);
      change.set_version(stored.version);
      if (!change.mutable_plan()->ParseFromString(stored.body)) {
        return grpc::Status(grpc::StatusCode::INTERNAL, "a stored care plan cannot be read");
      }
      change.mutable_plan()->set_version(stored.version);
      change.set_cause(stored.cause);
      change.set_author(stored.author);
      change.set_at_ms(stored.at_ms);
      change.set_message_id(stored.header_id);
      if (!writer.Write(change)) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away");
      }
      if (options_.on_sent) options_.on_sent(context, change);
      cursor = stored.sequence;
    }
    if (static_cast<int>(changes->size()) < options_.batch) return grpc::Status::OK;
  }
  return grpc::Status::OK;
}

}  // namespace zorgbrug::gateway
