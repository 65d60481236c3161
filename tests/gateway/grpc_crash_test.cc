// The messaging engine's crash test over gRPC (issue #8, "How we will know"): client threads
// submit BiB screenings, retrying the same request after any transient failure (one first attempt
// in ten has a deadline of a few ms, so that its retry may meet the original still in progress),
// while `zorgbrug serve` is killed with SIGKILL at random moments, now and then once more while
// it starts, and started again on the same state directory (on a new port each time); a consumer
// subscribed to "bihr" acknowledges what it receives and reconnects after every kill. Then: every
// acknowledged submission is delivered, in one queue entry (exactly once per destination), in its
// patient's submission order; every retry of an acknowledged submission got the original response
// byte for byte (a resend right after some acknowledgements, and of many after the last restart);
// no entry whose acknowledgement the consumer saw succeed came back; no dead letters; nothing
// pending for "bihr" and one entry per message pending for the unconsumed "regional-platform";
// SIGTERM still drains and exits 0.
//
// Small by default (400 messages, 4 kills). Opt-in long run: ZORGBRUG_GRPC_CRASH_MESSAGES=10000
// (one kill per 100 messages unless ZORGBRUG_GRPC_CRASH_KILLS says otherwise). The kill schedule
// comes from a seed, printed; ZORGBRUG_GRPC_CRASH_SEED repeats it (thread timing still varies).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "adapters/common/test_util.h"
#include "gateway/messaging_service.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

#ifndef ZORGBRUG_BINARY
#error "ZORGBRUG_BINARY must name the zorgbrug executable"
#endif

namespace zorgbrug::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr char kBase[] = "https://epd.az-oost.example.be/keys";
constexpr char kSource[] = "https://epd.az-oost.example.be";
constexpr char kDestination[] = "bihr";
constexpr int kClients = 4;
constexpr int kPatients = 20;
constexpr milliseconds kCallDeadline(2000);
constexpr seconds kStartTimeout(30);

struct Config {
  int messages = 400;
  int kills = 4;
  uint64_t seed = 0;
};

std::optional<int64_t> EnvInt(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::strtoll(value, nullptr, 10);
}

Config ConfigFromEnv() {
  Config config;
  config.messages = static_cast<int>(EnvInt("ZORGBRUG_GRPC_CRASH_MESSAGES").value_or(400));
  config.kills = static_cast<int>(
      EnvInt("ZORGBRUG_GRPC_CRASH_KILLS").value_or(std::max(4, config.messages / 100)));
  config.seed = static_cast<uint64_t>(
      EnvInt("ZORGBRUG_GRPC_CRASH_SEED").value_or(std::random_device{}() & 0x7fffffff));
  return config;
}

// ---------------------------------------------------------------------------------------------
// The gateway process.

// `zorgbrug serve` on one state directory, on a new port each start; its logs appended to one
// file. Spawned, killed and reaped by one thread only, which outlives it: PR_SET_PDEATHSIG
// follows the thread that forked, and kills it if the test dies.
class GatewayProcess {
 public:
  GatewayProcess(std::string state_dir, const std::string& log_path)
      : state_dir_(std::move(state_dir)),
        log_fd_(open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) {}
  ~GatewayProcess() {
    Kill();
    if (log_fd_ >= 0) close(log_fd_);
  }

  // Starts it without waiting for it to serve.
  bool Spawn() {
    std::vector<std::string> args = {
        ZORGBRUG_BINARY,    "serve",       "--listen",    "127.0.0.1:0",
        "--metrics-listen", "127.0.0.1:0", "--state-dir", state_dir_};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int fds[2];
    if (log_fd_ < 0 || pipe2(fds, O_CLOEXEC) != 0) return false;
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {  // async-signal-safe calls only
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(fds[1], STDOUT_FILENO);
      dup2(log_fd_, STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    stdout_fd_ = fds[0];
    return pid_ > 0;
  }

  // The address of the banner "zorgbrug serving on HOST:PORT (TLS)", or nullopt when it exits
  // or takes longer than `timeout`.
  std::optional<std::string> WaitServing(seconds timeout) {
    const std::string marker = "zorgbrug serving on ";
    std::string text;
    for (const auto end = steady_clock::now() + timeout; steady_clock::now() < end;) {
      const size_t at = text.find(marker);
      const size_t eol = at == std::string::npos ? at : text.find(' ', at + marker.size());
      if (eol != std::string::npos) {
        return text.substr(at + marker.size(), eol - at - marker.size());
      }
      pollfd p{stdout_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buffer[4096];
      const ssize_t n = read(stdout_fd_, buffer, sizeof buffer);
      if (n <= 0) return std::nullopt;
      text.append(buffer, static_cast<size_t>(n));
    }
    return std::nullopt;
  }

  // SIGKILL, and reaped. Nothing when it is not running.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    Reap(seconds(30));
  }

  // SIGTERM; its exit code once it exits within `timeout` (else it is killed: nullopt).
  std::optional<int> Terminate(seconds timeout) {
    if (pid_ <= 0) return std::nullopt;
    kill(pid_, SIGTERM);
    std::optional<int> status = Reap(timeout);
    if (!status) Kill();
    return status && WIFEXITED(*status) ? std::optional<int>(WEXITSTATUS(*status)) : std::nullopt;
  }

 private:
  std::optional<int> Reap(seconds timeout) {
    for (const auto end = steady_clock::now() + timeout; steady_clock::now() < end;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        close(stdout_fd_);
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
    return std::nullopt;
  }

  const std::string state_dir_;
  const int log_fd_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

// ---------------------------------------------------------------------------------------------
// What the threads share.

// Where the gateway listens now: a new generation each time it goes away or comes back; an empty
// address while it is down.
class Target {
 public:
  struct View {
    uint64_t generation = 0;
    std::string address;
  };
  void Set(std::string address) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      view_.address = std::move(address);
      ++view_.generation;
    }
    changed_.notify_all();
  }
  View Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return view_;
  }
  // The view once its generation differs from `seen`, or after `timeout`.
  View WaitChange(uint64_t seen, milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, timeout, [&] { return view_.generation != seen; });
    return view_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  View view_;
};

// Acknowledged submissions, finished clients, and the first reason to give up.
class Progress {
 public:
  void Acknowledged() {
    Update([this] { ++acked_; });
  }
  void ClientDone() {
    Update([this] { ++clients_done_; });
  }
  void Abort(const std::string& why) {
    Update([&] {
      if (!aborted_) ADD_FAILURE() << "giving up: " << why;
      aborted_ = true;
    });
  }
  bool aborted() {
    std::lock_guard<std::mutex> lock(mu_);
    return aborted_;
  }
  // Until `count` submissions are acknowledged (true), or every client finished or gave up.
  bool WaitAcknowledged(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return acked_ >= count || clients_done_ == kClients || aborted_; });
    return acked_ >= count;
  }

 private:
  void Update(const std::function<void()>& change) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      change();
    }
    changed_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable changed_;
  int acked_ = 0;
  int clients_done_ = 0;
  bool aborted_ = false;
};

// A thread's channel to the gateway; after a failed call the next one connects afresh to
// wherever the gateway then is.
class Connection {
 public:
  Connection(Target& target, std::string ca_pem, std::function<bool()> give_up)
      : target_(target), ca_pem_(std::move(ca_pem)), give_up_(std::move(give_up)) {}

  // The channel to the current address, waiting while the gateway is down; null to give up.
  std::shared_ptr<grpc::Channel> Get() {
    Target::View view = target_.Get();
    while (view.address.empty()) {
      if (give_up_()) return nullptr;
      view = target_.WaitChange(view.generation, milliseconds(100));
    }
    if (channel_ == nullptr || generation_ != view.generation) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = ca_pem_;
      grpc::ChannelArguments arguments;
      arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
      arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
      arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
      arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      channel_ = grpc::CreateCustomChannel(view.address, grpc::SslCredentials(ssl), arguments);
      generation_ = view.generation;
    }
    return channel_;
  }

  // After a failed call: forgets the channel and waits a little for the gateway to change.
  void Failed() {
    channel_ = nullptr;
    target_.WaitChange(generation_, milliseconds(100));
  }

 private:
  Target& target_;
  const std::string ca_pem_;
  const std::function<bool()> give_up_;
  std::shared_ptr<grpc::Channel> channel_;
  uint64_t generation_ = 0;
};

// What a dead gateway, a gateway starting, a message in progress or a deadline make of a call,
// and what a client answers by sending the same request again. Any other code fails the test.
bool Transient(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    default:
      return "code " + std::to_string(code);
  }
}

std::string Describe(const grpc::Status& status) {
  return CodeName(status.error_code()) + " " + status.error_message();
}

// ---------------------------------------------------------------------------------------------
// The clients: submission i is patient i % kPatients's, sent by client (i % kPatients) % kClients,
// each client in increasing i, so each patient's submissions are acknowledged in increasing i.

int PatientOf(int index) { return index % kPatients; }
int ClientOf(int index) { return PatientOf(index) % kClients; }

struct Submission {
  std::string message_id;
  std::string response;  // the first OK answer, serialized
  int attempts = 0;      // calls until that answer
};

struct Answer {
  grpc::Status status;
  v1::SubmissionResponse response;
  bool replayed = false;
};

class Clients {
 public:
  Clients(const Config& config, Target& target, Progress& progress, std::string ca_pem)
      : config_(config),
        target_(target),
        progress_(progress),
        ca_pem_(std::move(ca_pem)),
        golden_(adapters::common::testutil::LoadTextProto<v1::EvaluateRequest>(
            std::string(ZORGBRUG_SOURCE_DIR) +
            "/adapters/bib/testdata/golden/all_kce_positive.textproto")),
        submissions_(config.messages) {}

  v1::SubmitBibScreeningRequest Request(int index) const {
    v1::SubmitBibScreeningRequest request;
    request.mutable_submission()->set_submission_id("crash-" + std::to_string(index));
    request.mutable_submission()->set_source_system(kSource);
    v1::BibToFhirRequest& translation = *request.mutable_translation();
    *translation.mutable_screening() = golden_.screening();
    *translation.mutable_history() = golden_.history();
    *translation.mutable_as_of() = golden_.as_of();
    translation.mutable_screening()->set_patient_local_key("P-crash-" +
                                                           std::to_string(PatientOf(index)));
    translation.mutable_screening()->set_local_key("BIB-crash-" + std::to_string(index));
    translation.set_local_key_system_base(kBase);
    return request;
  }

  // Sends `request` until it is answered OK: that answer, or nullopt when giving up. Counts the
  // failed attempts in `failed`. The first attempt's deadline is `first_deadline`, the others'
  // kCallDeadline.
  std::optional<Answer> SendUntilOk(Connection& connection,
                                    const v1::SubmitBibScreeningRequest& request, int& failed,
                                    milliseconds first_deadline = kCallDeadline) {
    for (milliseconds deadline = first_deadline; !progress_.aborted(); deadline = kCallDeadline) {
      std::shared_ptr<grpc::Channel> channel = connection.Get();
      if (channel == nullptr) return std::nullopt;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + deadline);
      Answer answer;
      answer.status = v1::EpdSubmissions::NewStub(channel)->SubmitBibScreening(&context, request,
                                                                               &answer.response);
      if (answer.status.ok()) {
        answer.replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
        return answer;
      }
      if (!Transient(answer.status.error_code())) {
        progress_.Abort(request.submission().submission_id() + ": " + Describe(answer.status));
        return std::nullopt;
      }
      ++failed;
      ++retries_[answer.status.error_code()];
      connection.Failed();
    }
    return std::nullopt;
  }

  void Run(int client) {
    Connection connection(target_, ca_pem_, [this] { return progress_.aborted(); });
    std::mt19937_64 random(config_.seed * 31 + client);
    for (int index = client; index < config_.messages && !progress_.aborted(); ++index) {
      if (ClientOf(index) != client) continue;
      const v1::SubmitBibScreeningRequest request = Request(index);
      int failed = 0;
      // One in ten first attempts with a deadline so short that the retry may meet the original
      // still being processed.
      const milliseconds deadline =
          random() % 10 == 0 ? milliseconds(1 + random() % 30) : kCallDeadline;
      const std::optional<Answer> first = SendUntilOk(connection, request, failed, deadline);
      if (!first) break;
      Submission& submission = submissions_[index];
      submission.message_id = first->response.message_id();
      submission.response = first->response.SerializeAsString();
      submission.attempts = failed + 1;
      EXPECT_TRUE(failed > 0 || !first->replayed) << index << ": a first call answered as a replay";
      if (first->replayed) ++unanswered_;  // an earlier attempt committed, its answer lost
      progress_.Acknowledged();
      if (random() % 10 == 0) ExpectOriginal(connection, index);
    }
    progress_.ClientDone();
  }

  // Sends acknowledged submission `index` again: OK, a replay, the original response.
  void ExpectOriginal(Connection& connection, int index) {
    int failed = 0;
    const std::optional<Answer> again = SendUntilOk(connection, Request(index), failed);
    if (!again) return;
    ++resends_;
    EXPECT_TRUE(again->replayed) << index;
    EXPECT_EQ(again->response.SerializeAsString(), submissions_[index].response)
        << "submission " << index << " answered otherwise when sent again";
  }

  // Valid once every Run returned.
  const std::vector<Submission>& submissions() const { return submissions_; }
  // The failed attempts, by status code.
  std::map<grpc::StatusCode, int64_t> retries() const {
    std::map<grpc::StatusCode, int64_t> counts;
    for (int code = 0; code < kCodes; ++code) {
      if (retries_[code] > 0) counts[static_cast<grpc::StatusCode>(code)] = retries_[code];
    }
    return counts;
  }
  int64_t unanswered() const { return unanswered_; }
  int64_t resends() const { return resends_; }

 private:
  const Config config_;
  Target& target_;
  Progress& progress_;
  const std::string ca_pem_;
  const v1::EvaluateRequest golden_;
  std::vector<Submission> submissions_;  // each written by its client only
  static constexpr int kCodes = grpc::StatusCode::UNAUTHENTICATED + 1;
  std::atomic<int64_t> retries_[kCodes] = {};
  std::atomic<int64_t> unanswered_{0};
  std::atomic<int64_t> resends_{0};
};

// ---------------------------------------------------------------------------------------------
// The consumer.

struct Received {
  int64_t sequence = 0;
  std::string message_id;
  std::string partition;
};

// Subscribes to "bihr", acknowledges each delivery as it arrives, reconnects after any failure.
// An acknowledgement whose answer was lost (the gateway died) is in doubt: it may have been
// committed (the entry never comes back) or not (it comes again). Half of them are sent again on
// the next connection, as a careful consumer would; the others are left to the redelivery.
class Consumer {
 public:
  Consumer(Target& target, std::string ca_pem, uint64_t seed)
      : connection_(target, std::move(ca_pem), [this] { return stopping(); }), random_(seed) {}
  ~Consumer() { Stop(); }

  void Start() {
    thread_ = std::thread([this] {
      while (!stopping()) {
        std::shared_ptr<grpc::Channel> channel = connection_.Get();
        if (channel == nullptr) break;
        std::unique_ptr<v1::Destinations::Stub> stub = v1::Destinations::NewStub(channel);
        if (ResendInDoubt(*stub)) StreamOnce(*stub);
        connection_.Failed();
      }
    });
  }

  // Ends the stream and the thread. Idempotent.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      if (context_ != nullptr) context_->TryCancel();
    }
    if (thread_.joinable()) thread_.join();
  }

  // Until every message of `ids` was received at least once (true), or `timeout`.
  bool WaitReceived(const std::set<std::string>& ids, seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return received_changed_.wait_for(lock, timeout, [&] {
      return received_ids_.size() >= ids.size() &&
             std::includes(received_ids_.begin(), received_ids_.end(), ids.begin(), ids.end());
    });
  }

  // Valid after Stop.
  const std::vector<Received>& received() const { return received_; }
  int streams() const { return streams_; }
  int in_doubt() const { return in_doubt_total_; }
  int resent() const { return resent_; }

 private:
  bool stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  }

  // Sends the acknowledgements in doubt chosen for it; false when that failed (reconnect).
  bool ResendInDoubt(v1::Destinations::Stub& stub) {
    if (in_doubt_.empty()) return true;
    if (!Acknowledge(stub, in_doubt_)) return false;
    std::lock_guard<std::mutex> lock(mu_);
    acked_.insert(in_doubt_.begin(), in_doubt_.end());
    resent_ += static_cast<int>(in_doubt_.size());
    in_doubt_.clear();
    return true;
  }

  void StreamOnce(v1::Destinations::Stub& stub) {
    grpc::ClientContext context;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      context_ = &context;
      ++streams_;
    }
    v1::SubscribeRequest request;
    request.set_destination(kDestination);
    std::unique_ptr<grpc::ClientReader<v1::Delivery>> stream = stub.Subscribe(&context, request);
    v1::Delivery delivery;
    while (stream->Read(&delivery)) {
      Record(delivery);
      if (!Acknowledge(stub, {delivery.sequence()})) {
        ++in_doubt_total_;
        if (random_() % 2 == 0) in_doubt_.push_back(delivery.sequence());
        break;
      }
      std::lock_guard<std::mutex> lock(mu_);
      acked_.insert(delivery.sequence());
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      context_ = nullptr;
    }
    context.TryCancel();
    stream->Finish().IgnoreError();
  }

  void Record(const v1::Delivery& delivery) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      EXPECT_EQ(acked_.count(delivery.sequence()), 0u)
          << "sequence " << delivery.sequence() << " came again after its acknowledgement";
      received_.push_back({delivery.sequence(), delivery.message_id(), delivery.partition()});
      received_ids_.insert(delivery.message_id());
    }
    received_changed_.notify_all();
  }

  bool Acknowledge(v1::Destinations::Stub& stub, const std::vector<int64_t>& sequences) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    v1::AcknowledgeRequest request;
    request.set_destination(kDestination);
    for (int64_t sequence : sequences) request.add_sequences(sequence);
    v1::AcknowledgeResponse response;
    const grpc::Status status = stub.Acknowledge(&context, request, &response);
    EXPECT_TRUE(status.ok() || Transient(status.error_code()))
        << "Acknowledge " << sequences.front() << "...: " << Describe(status);
    return status.ok();
  }

  Connection connection_;
  std::mt19937_64 random_;         // consumer thread only
  std::vector<int64_t> in_doubt_;  // consumer thread only: to send again
  int in_doubt_total_ = 0;         // consumer thread only
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable received_changed_;
  bool stop_ = false;                       // guarded by mu_
  grpc::ClientContext* context_ = nullptr;  // guarded by mu_
  std::vector<Received> received_;          // guarded by mu_
  std::set<std::string> received_ids_;      // guarded by mu_
  std::set<int64_t> acked_;                 // guarded by mu_: acknowledged with success
  int streams_ = 0;                         // guarded by mu_
  int resent_ = 0;                          // guarded by mu_
};

// ---------------------------------------------------------------------------------------------
// The checks after the run.

struct DeliveryCheck {
  int duplicates = 0;  // deliveries of a sequence seen before (its acknowledgement was lost)
};

// Every acknowledged submission in exactly one entry, and each patient's entries first delivered
// in her submission order, in one partition of her own.
DeliveryCheck CheckDeliveries(const std::vector<Submission>& submissions,
                              const std::vector<Received>& received) {
  DeliveryCheck check;
  std::map<std::string, int> index_of;
  for (int i = 0; i < static_cast<int>(submissions.size()); ++i) {
    EXPECT_TRUE(index_of.emplace(submissions[i].message_id, i).second) << "message id of " << i;
  }
  std::map<int64_t, const Received*> by_sequence;
  std::map<std::string, int64_t> sequence_of;
  std::map<std::string, std::vector<int>> order;  // partition -> submissions, first deliveries
  for (const Received& delivery : received) {
    auto [seen, first] = by_sequence.emplace(delivery.sequence, &delivery);
    if (!first) {
      ++check.duplicates;
      EXPECT_EQ(seen->second->message_id, delivery.message_id) << delivery.sequence;
      EXPECT_EQ(seen->second->partition, delivery.partition) << delivery.sequence;
      continue;
    }
    auto [entry, unique] = sequence_of.emplace(delivery.message_id, delivery.sequence);
    EXPECT_TRUE(unique) << "message " << delivery.message_id
                        << " is in two entries: " << entry->second << " and " << delivery.sequence;
    auto index = index_of.find(delivery.message_id);
    EXPECT_NE(index, index_of.end()) << "delivered, never acknowledged: " << delivery.message_id;
    if (index != index_of.end()) order[delivery.partition].push_back(index->second);
  }
  EXPECT_EQ(sequence_of.size(), submissions.size()) << "acknowledged messages not delivered";
  EXPECT_EQ(order.size(), static_cast<size_t>(std::min<int>(kPatients, submissions.size())));
  for (const auto& [partition, indexes] : order) {
    std::vector<int> expected;
    for (int i = PatientOf(indexes.front()); i < static_cast<int>(submissions.size());
         i += kPatients) {
      expected.push_back(i);
    }
    EXPECT_EQ(indexes, expected) << "partition " << partition;
  }
  return check;
}

// Destination -> pending entries, dead letters.
using Queues = std::map<std::string, std::pair<int64_t, int64_t>>;

std::optional<Queues> GetQueues(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  v1::GetQueueStatsResponse stats;
  if (!v1::Destinations::NewStub(channel)->GetQueueStats(&context, {}, &stats).ok()) {
    return std::nullopt;
  }
  Queues queues;
  for (const v1::QueueStat& queue : stats.queues()) {
    queues[queue.destination()] = {queue.pending(), queue.dead_letters()};
  }
  return queues;
}

// Until nothing is pending for bihr (true), or `timeout`.
bool WaitDrained(Connection& connection, seconds timeout) {
  for (const auto end = steady_clock::now() + timeout; steady_clock::now() < end;) {
    std::optional<Queues> queues = GetQueues(connection.Get());
    if (queues && (*queues)[kDestination].first == 0) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return false;
}

// The final gateway: nothing pending or dead for bihr, one pending entry per message for the
// regional platform (which nobody consumed), nothing for the EPD (no screening goes there).
void CheckQueues(const std::shared_ptr<grpc::Channel>& channel, int messages) {
  std::optional<Queues> queues = GetQueues(channel);
  ASSERT_TRUE(queues);
  EXPECT_EQ((*queues)["bihr"], std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ((*queues)["regional-platform"], std::make_pair(int64_t{messages}, int64_t{0}));
  EXPECT_EQ((*queues)["epd"], std::make_pair(int64_t{0}, int64_t{0}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  v1::ListDeadLettersRequest request;
  request.set_destination(kDestination);
  v1::ListDeadLettersResponse dead;
  ASSERT_TRUE(v1::Destinations::NewStub(channel)->ListDeadLetters(&context, request, &dead).ok());
  EXPECT_EQ(dead.dead_letters_size(), 0);
}

// ---------------------------------------------------------------------------------------------

std::string ReadAll(const std::string& path) {
  std::string text;
  if (FILE* file = std::fopen(path.c_str(), "rb")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
    std::fclose(file);
  }
  return text;
}

class GrpcCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "grpc_crash_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    gateway_.emplace(dir_ + "/state", dir_ + "/gateway.log");
  }
  void TearDown() override {
    gateway_.reset();  // killed if still running
    if (HasFailure()) {
      std::printf("kept %s (gateway.log has the gateway's logs)\n", dir_.c_str());
    } else {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  // Starts the gateway and publishes its address; false (a failure recorded) when it fails.
  bool StartGateway(Target& target) {
    EXPECT_TRUE(gateway_->Spawn());
    const std::optional<std::string> address = gateway_->WaitServing(kStartTimeout);
    EXPECT_TRUE(address) << "the gateway did not start; see " << dir_ << "/gateway.log";
    if (!address) return false;
    target.Set(*address);
    return true;
  }

  struct Kills {
    int total = 0;
    int while_starting = 0;
  };

  // Kills the gateway at random moments spread over the first 90% of the submissions, now and
  // then once more while it starts, and restarts it each time.
  Kills KillAndRestart(const Config& config, Target& target, Progress& progress) {
    Kills kills;
    std::mt19937_64 random(config.seed);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int k = 0; k < config.kills; ++k) {
      const int point = static_cast<int>((k + unit(random)) * 0.9 * config.messages / config.kills);
      if (!progress.WaitAcknowledged(point)) break;
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 20000));
      gateway_->Kill();
      target.Set("");
      ++kills.total;
      if (unit(random) < 0.2) {
        EXPECT_TRUE(gateway_->Spawn());
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 150000));
        gateway_->Kill();
        ++kills.total;
        ++kills.while_starting;
      }
      if (!StartGateway(target)) {
        progress.Abort("the gateway did not restart");
        break;
      }
    }
    return kills;
  }

  std::string dir_;
  std::optional<GatewayProcess> gateway_;
};

TEST_F(GrpcCrashTest, AcknowledgedMessagesSurviveSigkillExactlyOncePerDestinationInOrder) {
  const Config config = ConfigFromEnv();
  std::printf("grpc crash test: %d messages, %d kills, seed %llu (ZORGBRUG_GRPC_CRASH_SEED)\n",
              config.messages, config.kills, static_cast<unsigned long long>(config.seed));
  RecordProperty("seed", std::to_string(config.seed));
  const auto started = steady_clock::now();
  Target target;
  ASSERT_TRUE(StartGateway(target));
  const std::string ca_pem = ReadAll(dir_ + "/state/tls/ca.crt");
  ASSERT_FALSE(ca_pem.empty());

  Progress progress;
  Clients clients(config, target, progress, ca_pem);
  Consumer consumer(target, ca_pem, config.seed + 2);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) threads.emplace_back([&clients, c] { clients.Run(c); });
  consumer.Start();
  const Kills kills = KillAndRestart(config, target, progress);
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(kills.total - kills.while_starting, config.kills);

  std::set<std::string> acknowledged;
  for (const Submission& submission : clients.submissions()) {
    acknowledged.insert(submission.message_id);
  }
  // Everything delivered, then everything acknowledged, while the consumer still runs.
  Connection connection(target, ca_pem, [] { return false; });
  const bool received = !progress.aborted() &&
                        consumer.WaitReceived(acknowledged, seconds(60 + config.messages / 50));
  const bool drained = received && WaitDrained(connection, seconds(60));
  consumer.Stop();
  ASSERT_FALSE(progress.aborted());
  EXPECT_TRUE(received) << "acknowledged messages were not delivered";
  EXPECT_TRUE(drained) << "delivered messages are still pending";

  // Every acknowledged submission, sent again to the last gateway: the original response. All
  // whose first answer needed retries, and one in ten of the others.
  std::mt19937_64 random(config.seed + 1);
  int final_resends = 0;
  for (int i = 0; i < config.messages; ++i) {
    if (clients.submissions()[i].attempts == 1 && random() % 10 != 0) continue;
    clients.ExpectOriginal(connection, i);
    ++final_resends;
  }
  CheckQueues(connection.Get(), config.messages);
  connection.Failed();
  EXPECT_EQ(gateway_->Terminate(seconds(30)), 0) << "SIGTERM after the crashes";

  const DeliveryCheck deliveries = CheckDeliveries(clients.submissions(), consumer.received());
  int64_t retries = 0;
  std::string by_code;
  for (const auto& [code, count] : clients.retries()) {
    retries += count;
    by_code += (by_code.empty() ? "" : ", ") + std::to_string(count) + " " + CodeName(code);
  }
  EXPECT_GT(retries, 0) << "no kill interrupted a call";
  const double elapsed = std::chrono::duration<double>(steady_clock::now() - started).count();
  std::printf(
      "grpc crash test summary: %d messages, %d kills (%d while starting), %lld retries (%s), %lld "
      "committed but unanswered, %lld resends answered the original (%d after the last restart), "
      "%zu deliveries with %d duplicates over %d streams, %d acknowledgements in doubt (%d sent "
      "again), seed %llu, %.1f s\n",
      config.messages, kills.total, kills.while_starting, static_cast<long long>(retries),
      by_code.c_str(), static_cast<long long>(clients.unanswered()),
      static_cast<long long>(clients.resends()), final_resends, consumer.received().size(),
      deliveries.duplicates, consumer.streams(), consumer.in_doubt(), consumer.resent(),
      static_cast<unsigned long long>(config.seed), elapsed);
}

}  // namespace
}  // namespace zorgbrug::gateway
