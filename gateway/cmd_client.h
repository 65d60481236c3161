#pragma once

// What the client commands of `zorgbrug` (send, tail, dead-letters, queues) share: the channel to a
// gateway, the exit code of a call's status, and how statuses, issues, times and JSON are printed.
// Output may quote the user's own content (issues, messages): it goes to the terminal, never to
// logs.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>
#include <grpcpp/grpcpp.h>

#include "gateway/commands.h"
#include "zorgbrug/v1/common.pb.h"

namespace zorgbrug::gateway {

// A channel to `connection.target` trusting its CA certificate (or plaintext). On a problem with
// the CA certificate, prints it to `err` and returns nullptr (exit kExitUsage).
std::shared_ptr<grpc::Channel> ConnectOrPrint(const GatewayConnection& connection,
                                              std::ostream& err);

// Sets the deadline of a unary call: now + connection.timeout_seconds.
void SetDeadline(grpc::ClientContext& context, const GatewayConnection& connection);

// The most serious of two exit codes: usage over unavailable over invalid over valid.
int WorseExit(int a, int b);

// The exit code of a failed call: kExitInvalid when the gateway refused the request
// (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS, OUT_OF_RANGE,
// RESOURCE_EXHAUSTED), kExitUnavailable for every other code (unreachable, failed, cancelled).
int ExitCodeOf(const grpc::Status& status);

// "<label>: <CODE>: <message>", plus what to do for a transient status.
void PrintStatus(std::string_view label, const grpc::Status& status, std::ostream& out);

// One line per issue, "  warning value at Patient.birthDate: <diagnostics>"; information issues
// only with `information`. Issues that differ only in their location print once, as "at <first>
// and N more".
void PrintIssues(const google::protobuf::RepeatedPtrField<v1::Issue>& issues, bool information,
                 std::ostream& out);

// "2026-03-02T10:00:00Z" (UTC, to the second) for milliseconds since the Unix epoch; "-" for 0.
std::string FormatUtcMs(int64_t ms);

// `message` as one line of proto3 JSON.
std::string ProtoJson(const google::protobuf::Message& message);

// `json` printed with two-space indentation (numbers keep their exact text); `json` itself when it
// is not JSON.
std::string PrettyJson(std::string_view json);

// "a, b, c" for a list of names; `none` when it is empty.
std::string JoinOr(const google::protobuf::RepeatedPtrField<std::string>& names,
                   std::string_view none);

// Cancels a call when nothing happened for `idle` (zero: never). Thread-safe.
class IdleCanceller {
 public:
  IdleCanceller(grpc::ClientContext* context, std::chrono::milliseconds idle)
      : context_(context), idle_(idle) {
    if (idle_.count() > 0) thread_ = std::thread([this] { Run(); });
  }
  ~IdleCanceller() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void Touch() {
    std::lock_guard<std::mutex> lock(mutex_);
    deadline_ = std::chrono::steady_clock::now() + idle_;
  }
  bool fired() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fired_;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    deadline_ = std::chrono::steady_clock::now() + idle_;
    while (!stopped_) {
      const auto deadline = deadline_;
      if (changed_.wait_until(lock, deadline, [&] { return stopped_; })) return;
      if (deadline_ <= std::chrono::steady_clock::now()) {
        fired_ = true;
        context_->TryCancel();
        return;
      }
    }
  }

  grpc::ClientContext* const context_;
  const std::chrono::milliseconds idle_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::chrono::steady_clock::time_point deadline_;  // guarded by mutex_
  bool stopped_ = false;                            // guarded by mutex_
  bool fired_ = false;                              // guarded by mutex_
  std::thread thread_;
};

}  // namespace zorgbrug::gateway
