// `zorgbrug tail`, `zorgbrug dead-letters` and `zorgbrug queues`: a destination's side of the
// messaging engine (zorgbrug.v1.Destinations) from the command line.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gateway/cmd_client.h"
#include "gateway/commands.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

// With --no-ack, how long the gateway lets an entry stay unacknowledged before counting a failed
// attempt: longer than anyone looks, so looking never turns an entry into a dead letter. The
// entries are pending again for the next subscriber as soon as the stream ends.
constexpr int kLookAckTimeoutSeconds = 7 * 24 * 3600;
constexpr int kDefaultMaxInFlight = 64;

v1::SubscribeRequest SubscribeRequestOf(const TailCommand& command) {
  v1::SubscribeRequest request;
  request.set_destination(command.destination);
  int window = command.max_in_flight > 0 ? command.max_in_flight : kDefaultMaxInFlight;
  if (command.count > 0) window = std::min(window, command.count);
  request.set_max_in_flight(window);
  if (command.no_ack) request.set_ack_timeout_seconds(kLookAckTimeoutSeconds);
  return request;
}

void PrintDelivery(const v1::Delivery& delivery, bool json, std::ostream& out) {
  if (json) {
    out << ProtoJson(delivery) << std::endl;
    return;
  }
  out << "#" << delivery.sequence() << " " << delivery.event() << " message "
      << delivery.message_id() << " patient " << delivery.partition() << " attempt "
      << delivery.attempts() + 1 << " accepted " << FormatUtcMs(delivery.accepted_at_ms())
      << std::endl;
}

grpc::Status Acknowledge(v1::Destinations::Stub& stub, const TailCommand& command,
                         int64_t sequence) {
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::AcknowledgeRequest request;
  request.set_destination(command.destination);
  request.add_sequences(sequence);
  v1::AcknowledgeResponse response;
  return stub.Acknowledge(&context, request, &response);
}

// The destination's dead letters (with their messages when `with_message`).
grpc::Status ListDeadLetters(v1::Destinations::Stub& stub, const DeadLettersCommand& command,
                             bool with_message, v1::ListDeadLettersResponse& response) {
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::ListDeadLettersRequest request;
  request.set_destination(command.destination);
  request.set_include_message(with_message);
  return stub.ListDeadLetters(&context, request, &response);
}

grpc::Status QueueStats(v1::Destinations::Stub& stub, const GatewayConnection& connection,
                        v1::GetQueueStatsResponse& response) {
  grpc::ClientContext context;
  SetDeadline(context, connection);
  return stub.GetQueueStats(&context, v1::GetQueueStatsRequest(), &response);
}

std::string DeadLetterLine(const v1::DeadLetterEntry& entry) {
  const v1::Delivery& delivery = entry.delivery();
  return "#" + std::to_string(delivery.sequence()) + " " + delivery.event() + " message " +
         delivery.message_id() + " patient " + delivery.partition() + " attempts " +
         std::to_string(delivery.attempts()) + " dead since " + FormatUtcMs(entry.dead_since_ms()) +
         ": " + entry.reason();
}

void PrintQueueStat(const v1::QueueStat& stat, std::ostream& out) {
  out << stat.destination() << ": " << stat.pending() << " pending";
  if (stat.pending() > 0)
    out << " (oldest accepted " << FormatUtcMs(stat.oldest_pending_ms()) << ")";
  out << ", " << stat.dead_letters() << " dead letter(s)\n";
}

int ListCommand(v1::Destinations::Stub& stub, const DeadLettersCommand& command, std::ostream& out,
                std::ostream& err) {
  v1::ListDeadLettersResponse response;
  if (grpc::Status s = ListDeadLetters(stub, command, false, response); !s.ok()) {
    PrintStatus("zorgbrug: dead-letters list " + command.destination, s, err);
    return ExitCodeOf(s);
  }
  for (const v1::DeadLetterEntry& entry : response.dead_letters()) {
    out << (command.json ? ProtoJson(entry) : DeadLetterLine(entry)) << "\n";
  }
  if (command.json) return kExitValid;
  if (response.dead_letters().empty()) out << "no dead letters for " << command.destination << "\n";
  v1::GetQueueStatsResponse stats;
  if (QueueStats(stub, command.connection, stats).ok()) {
    for (const v1::QueueStat& stat : stats.queues()) {
      if (stat.destination() == command.destination) PrintQueueStat(stat, out);
    }
  }
  return kExitValid;
}

// The dead letter `command.sequence`, or nullopt after printing why there is none; `exit_code`
// says how it ended.
std::optional<v1::DeadLetterEntry> FindDeadLetter(v1::Destinations::Stub& stub,
                                                  const DeadLettersCommand& command,
                                                  bool with_message, int& exit_code,
                                                  std::ostream& err) {
  v1::ListDeadLettersResponse response;
  if (grpc::Status s = ListDeadLetters(stub, command, with_message, response); !s.ok()) {
    PrintStatus("zorgbrug: dead-letters " + command.destination, s, err);
    exit_code = ExitCodeOf(s);
    return std::nullopt;
  }
  for (const v1::DeadLetterEntry& entry : response.dead_letters()) {
    if (entry.delivery().sequence() == command.sequence) return entry;
  }
  err << "zorgbrug: " << command.destination << " has no dead letter #" << command.sequence
      << " (zorgbrug dead-letters list " << command.destination << " shows them)\n";
  exit_code = kExitInvalid;
  return std::nullopt;
}

int ShowCommand(v1::Destinations::Stub& stub, const DeadLettersCommand& command, std::ostream& out,
                std::ostream& err) {
  int exit_code = kExitValid;
  std::optional<v1::DeadLetterEntry> entry = FindDeadLetter(stub, command, true, exit_code, err);
  if (!entry) return exit_code;
  if (command.json) {
    out << ProtoJson(*entry) << "\n";
    return kExitValid;
  }
  const v1::Delivery& delivery = entry->delivery();
  out << "dead letter #" << delivery.sequence() << " of " << command.destination << "\n"
      << "  reason:     " << entry->reason() << "\n"
      << "  event:      " << delivery.event() << "\n"
      << "  message:    " << delivery.message_id() << "\n"
      << "  patient:    " << delivery.partition() << "\n"
      << "  attempts:   " << delivery.attempts() << "\n"
      << "  accepted:   " << FormatUtcMs(delivery.accepted_at_ms()) << "\n"
      << "  dead since: " << FormatUtcMs(entry->dead_since_ms()) << "\n"
      << "the message:\n"
      << PrettyJson(delivery.message_json()) << "\n";
  return kExitValid;
}

int ReplayCommand(v1::Destinations::Stub& stub, const DeadLettersCommand& command,
                  std::ostream& out, std::ostream& err) {
  int exit_code = kExitValid;
  std::optional<v1::DeadLetterEntry> entry = FindDeadLetter(stub, command, false, exit_code, err);
  if (!entry) return exit_code;
  grpc::ClientContext context;
  SetDeadline(context, command.connection);
  v1::ReplayDeadLetterRequest request;
  request.set_destination(command.destination);
  request.set_sequence(command.sequence);
  v1::ReplayDeadLetterResponse response;
  if (grpc::Status s = stub.ReplayDeadLetter(&context, request, &response); !s.ok()) {
    PrintStatus("zorgbrug: dead-letters replay " + command.destination, s, err);
    return ExitCodeOf(s);
  }
  out << "replayed dead letter #" << command.sequence << " of " << command.destination << ": "
      << entry->delivery().event() << " message " << entry->delivery().message_id()
      << " is pending again, with a fresh retry budget, for the destination's next subscriber\n";
  return kExitValid;
}

}  // namespace

int RunTail(const TailCommand& command, std::ostream& out, std::ostream& err) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrPrint(command.connection, err);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::Destinations::NewStub(channel);
  grpc::ClientContext context;
  auto reader = stub->Subscribe(&context, SubscribeRequestOf(command));
  IdleCanceller idle(
      &context, std::chrono::milliseconds(static_cast<int64_t>(command.idle_exit_seconds * 1000)));
  int received = 0;
  bool ended = false;  // the stream ended (else this command stops it)
  v1::Delivery delivery;
  while (command.count == 0 || received < command.count) {
    if (!reader->Read(&delivery)) {
      ended = true;
      break;
    }
    idle.Touch();
    PrintDelivery(delivery, command.json, out);
    ++received;
    if (command.no_ack) continue;
    if (grpc::Status s = Acknowledge(*stub, command, delivery.sequence()); !s.ok()) {
      PrintStatus("zorgbrug: acknowledging #" + std::to_string(delivery.sequence()), s, err);
      context.TryCancel();
      reader->Finish().IgnoreError();
      return ExitCodeOf(s);
    }
  }
  if (!ended) context.TryCancel();
  const grpc::Status status = reader->Finish();
  const bool idled = status.error_code() == grpc::StatusCode::CANCELLED && idle.fired();
  if (!ended || status.ok() || idled) return kExitValid;
  PrintStatus("zorgbrug: tail " + command.destination, status, err);
  return ExitCodeOf(status);
}

int RunDeadLetters(const DeadLettersCommand& command, std::ostream& out, std::ostream& err) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrPrint(command.connection, err);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::Destinations::NewStub(channel);
  switch (command.action) {
    case DeadLetterAction::kList:
      return ListCommand(*stub, command, out, err);
    case DeadLetterAction::kShow:
      return ShowCommand(*stub, command, out, err);
    case DeadLetterAction::kReplay:
      return ReplayCommand(*stub, command, out, err);
  }
  return kExitUsage;
}

int RunQueues(const GatewayConnection& connection, std::ostream& out, std::ostream& err) {
  std::shared_ptr<grpc::Channel> channel = ConnectOrPrint(connection, err);
  if (channel == nullptr) return kExitUsage;
  auto stub = v1::Destinations::NewStub(channel);
  v1::GetQueueStatsResponse stats;
  if (grpc::Status s = QueueStats(*stub, connection, stats); !s.ok()) {
    PrintStatus("zorgbrug: queues", s, err);
    return ExitCodeOf(s);
  }
  for (const v1::QueueStat& stat : stats.queues()) PrintQueueStat(stat, out);
  return kExitValid;
}

}  // namespace zorgbrug::gateway
