#include "gateway/audit_trail.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>

#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "gateway/caller.h"
#include "gateway/error_table.h"
#include "gateway/metrics.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxDeniedAction = 256;

bool IsZorgbrugMethod(std::string_view method) { return method.substr(0, 10) == "/zorgbrug."; }

AuditTrailOptions WithDefaults(AuditTrailOptions options) {
  if (!options.audited) options.audited = IsZorgbrugMethod;
  options.max_queued = std::max<size_t>(options.max_queued, 1);
  options.max_batch = std::max<size_t>(options.max_batch, 1);
  return options;
}

// The outcome word of a call's final status.
std::string_view OutcomeOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kAuditSuccess;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return kAuditDenied;
    default:
      return kAuditFailed;
  }
}

// `patients` without repeats, in their first order.
std::vector<std::string> Unique(std::vector<std::string> patients) {
  std::vector<std::string> unique;
  for (std::string& patient : patients) {
    if (std::find(unique.begin(), unique.end(), patient) == unique.end()) {
      unique.push_back(std::move(patient));
    }
  }
  return unique;
}

std::chrono::milliseconds Backoff(const AuditTrailOptions& options, int failures) {
  std::chrono::milliseconds backoff = options.initial_backoff;
  for (int i = 1; i < failures && backoff < options.max_backoff; ++i) backoff *= 2;
  return std::min(backoff, options.max_backoff);
}

}  // namespace

// Records its call once, when the server sends the final status (or, should a call end without
// one, when gRPC destroys the call). `info` owns this interceptor, so it outlives it.
class AuditTrail::Interceptor : public grpc::experimental::Interceptor {
 public:
  Interceptor(AuditTrail* trail, grpc::experimental::ServerRpcInfo* info)
      : trail_(trail),
        info_(info),
        context_(info->server_context()),
        audited_(info->method() != nullptr && trail->Audited(info->method())) {
    if (audited_) trail_->BeginCall(context_);
  }

  ~Interceptor() override {
    if (!recorded_) Finish(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // The first hook point comes after the call is set up: its AuthContext is readable. A stream's
    // reads and writes may reach here concurrently.
    std::call_once(caller_once_, [this] { caller_ = CallerOf(*info_->server_context()); });
    if (!recorded_ && methods->QueryInterceptionHookPoint(
                          grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Finish(grpc::StatusCode code) {
    recorded_ = true;
    std::vector<std::string> patients;
    if (audited_) patients = trail_->EndCall(context_);
    const bool unknown = code == grpc::StatusCode::UNIMPLEMENTED;
    if (!audited_ && !unknown) return;
    AuditAccess access;
    const Caller caller = caller_.value_or(Caller());
    access.client = caller.client;
    access.role = caller.role;
    access.action = unknown ? kUnknownRpcMethod : info_->method();
    access.patients = std::move(patients);
    access.outcome = OutcomeOf(code);
    access.code = code;
    trail_->Record(std::move(access));
  }

  AuditTrail* const trail_;
  grpc::experimental::ServerRpcInfo* const info_;
  const grpc::ServerContextBase* const context_;
  const bool audited_;
  std::once_flag caller_once_;
  std::optional<Caller> caller_;  // set once, by the first hook point
  bool recorded_ = false;         // only the status's hook point and the destructor touch it
};

namespace {

class InterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  using Create =
      std::function<grpc::experimental::Interceptor*(grpc::experimental::ServerRpcInfo* info)>;
  explicit InterceptorFactory(Create create) : create_(std::move(create)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return create_(info);
  }

 private:
  const Create create_;
};

}  // namespace

AuditTrail::AuditTrail(store::AuditStore* store, std::function<int64_t()> now_ms,
                       AuditTrailOptions options)
    : store_(store), now_ms_(std::move(now_ms)), options_(WithDefaults(std::move(options))) {
  writer_ = std::thread([this] { Run(); });
}

AuditTrail::~AuditTrail() {
  const bool flushed = Flush(options_.shutdown_timeout);
  int64_t lost = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    abandon_ = !flushed;
    lost = static_cast<int64_t>(queue_.size() + in_flight_);
  }
  work_.notify_all();
  writer_.join();
  if (!flushed) {
    spdlog::error("audit trail: {} audit records could not be written before shutdown", lost);
  }
}

bool AuditTrail::Audited(std::string_view method) const { return options_.audited(method); }

store::AuditRecord AuditTrail::RecordOf(const AuditAccess& access, std::string partition,
                                        int64_t at_ms, AuditEventOutcome outcome) const {
  store::AuditRecord record;
  record.at_ms = at_ms;
  record.client = access.client.empty() ? std::string(kAnonymousClient) : access.client;
  record.role = access.role;
  record.action = access.action;
  record.partition = std::move(partition);
  record.outcome = access.outcome;
  record.reason = access.reason;
  if (record.reason.empty() && access.outcome != kAuditSuccess) {
    record.reason = std::string(GrpcCodeName(access.code));
  }
  record.event_json = AuditEventJson(record, outcome, options_.observer);
  return record;
}

void AuditTrail::Record(AuditAccess access) {
  const int64_t at_ms = now_ms_();
  const AuditEventOutcome outcome = AuditEventOutcomeOf(access.outcome, access.code);
  std::vector<std::string> patients = Unique(std::move(access.patients));
  if (patients.empty()) patients.emplace_back();
  std::vector<store::AuditRecord> records;
  records.reserve(patients.size());
  for (std::string& patient : patients) {
    records.push_back(RecordOf(access, std::move(patient), at_ms, outcome));
  }
  std::unique_lock<std::mutex> lock(mu_);
  auto has_room = [this] { return queue_.size() + in_flight_ < options_.max_queued; };
  if (!has_room()) {
    ++blocked_;
    room_.wait(lock, has_room);
    --blocked_;
  }
  for (store::AuditRecord& record : records) queue_.push_back(std::move(record));
  recorded_ += static_cast<int64_t>(records.size());
  lock.unlock();
  work_.notify_one();
}

void AuditTrail::RecordDenied(std::string client, std::string role, std::string method,
                              std::string reason) {
  AuditAccess access;
  access.client = std::move(client);
  access.role = std::move(role);
  // The path the client sent, which need not be a method of ours: bounded.
  access.action = CutUtf8(method, kMaxDeniedAction);
  access.outcome = kAuditDenied;
  access.code = grpc::StatusCode::PERMISSION_DENIED;
  access.reason = std::move(reason);
  Record(std::move(access));
}

void AuditTrail::Note(const grpc::ServerContextBase* context, std::string pseudonym) {
  if (pseudonym.empty()) return;
  std::lock_guard<std::mutex> lock(calls_mu_);
  auto call = calls_.find(context);
  if (call == calls_.end()) {
    ++unattached_notes_;
    return;
  }
  std::vector<std::string>& patients = call->second;
  if (std::find(patients.begin(), patients.end(), pseudonym) == patients.end()) {
    patients.push_back(std::move(pseudonym));
  }
}

void AuditTrail::BeginCall(const grpc::ServerContextBase* context) {
  std::lock_guard<std::mutex> lock(calls_mu_);
  calls_[context].clear();
}

std::vector<std::string> AuditTrail::EndCall(const grpc::ServerContextBase* context) {
  std::lock_guard<std::mutex> lock(calls_mu_);
  auto call = calls_.find(context);
  if (call == calls_.end()) return {};
  std::vector<std::string> patients = std::move(call->second);
  calls_.erase(call);
  return patients;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
AuditTrail::NewInterceptorFactory() {
  return std::make_unique<InterceptorFactory>(
      [this](grpc::experimental::ServerRpcInfo* info) { return new Interceptor(this, info); });
}

bool AuditTrail::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t target = recorded_;
  auto done = [&] { return written_count_ >= target; };
  if (timeout == kForever) {
    written_.wait(lock, done);
    return true;
  }
  return written_.wait_for(lock, timeout, done);
}

AuditTrailStats AuditTrail::stats() const {
  AuditTrailStats stats;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats.recorded = recorded_;
    stats.written = written_count_;
    stats.failed_appends = failed_appends_;
    stats.blocked = blocked_;
    stats.queued = static_cast<int64_t>(queue_.size() + in_flight_);
  }
  std::lock_guard<std::mutex> lock(calls_mu_);
  stats.unattached_notes = unattached_notes_;
  return stats;
}

void AuditTrail::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() || abandon_) return;
    const size_t n = std::min(queue_.size(), options_.max_batch);
    std::vector<store::AuditRecord> batch(std::make_move_iterator(queue_.begin()),
                                          std::make_move_iterator(queue_.begin() + n));
    queue_.erase(queue_.begin(), queue_.begin() + n);
    in_flight_ = n;
    if (!Append(batch, lock)) return;
    in_flight_ = 0;
    written_count_ += static_cast<int64_t>(n);
    written_.notify_all();
    room_.notify_all();
  }
}

bool AuditTrail::Append(const std::vector<store::AuditRecord>& batch,
                        std::unique_lock<std::mutex>& lock) {
  for (int failures = 0;;) {
    lock.unlock();
    const absl::Status status = store_->AppendAudit(batch);
    lock.lock();
    if (status.ok()) {
      if (failures > 0) {
        spdlog::info("audit trail: {} records written after {} failed attempts", batch.size(),
                     failures);
      }
      return true;
    }
    ++failed_appends_;
    ++failures;
    const std::chrono::milliseconds backoff = Backoff(options_, failures);
    // The code only: a store's message could name a file or a value.
    spdlog::warn(
        "audit trail: appending {} records failed ({}, attempt {}), {} queued; retry in {} ms",
        batch.size(), absl::StatusCodeToString(status.code()), failures,
        queue_.size() + batch.size(), backoff.count());
    if (work_.wait_for(lock, backoff, [this] { return abandon_; })) return false;
  }
}

}  // namespace zorgbrug::gateway
