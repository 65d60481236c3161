// `zorgbrug send`, `tail`, `dead-letters` and `queues` (gateway/commands.h) against the real
// gateway in-process over TLS: every file under examples/ is accepted, resends say so, bad files
// are explained, a destination's stream is printed in order and acknowledged, dead letters are
// listed, shown and replayed.

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/client.h"
#include "gateway/commands.h"
#include "gateway/dev_certs.h"
#include "gateway/server.h"
#include "tests/gateway/scratch_store.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

namespace fs = std::filesystem;

constexpr char kKeyBase[] = "https://epd.az-voorbeeld.example.be/fhir/NamingSystem";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Example(const std::string& name) {
  return std::string(ZORGBRUG_SOURCE_DIR) + "/examples/" + name;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

// The word after `key` in `line` ("message <id>" -> id).
std::string WordAfter(const std::string& line, const std::string& key) {
  const size_t at = line.find(key + " ");
  if (at == std::string::npos) return "";
  const size_t start = at + key.size() + 1;
  return line.substr(start, line.find(' ', start) - start);
}

class CliMessagingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TlsMaterial> tls = GenerateDevTlsMaterial();
    ASSERT_TRUE(tls.ok()) << tls.status();
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls = *tls;
    dir_ = new std::string(UseScratchStore(options));
    options.messaging.retry.max_attempts = 1;  // one Reject makes a dead letter
    options.messaging.retry.initial_backoff_ms = 1;
    options.messaging.retry.max_backoff_ms = 1;
    absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    std::ofstream(*dir_ + "/ca.crt") << tls->ca_cert_pem;
    ca_pem_ = new std::string(tls->ca_cert_pem);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
    delete ca_pem_;
  }

  // Each test starts from empty queues.
  void SetUp() override {
    for (const char* destination : {"bihr", "regional-platform", "epd"}) {
      ASSERT_EQ(Tail(destination, 0, 0.2).exit_code, kExitValid);
    }
  }

  static GatewayConnection Connection() {
    GatewayConnection connection;
    connection.target = server_->address();
    connection.ca_cert_file = *dir_ + "/ca.crt";
    connection.timeout_seconds = 10;
    return connection;
  }

  static Result Send(const std::vector<std::string>& files,
                     const std::function<void(SendCommand&)>& adjust = {}) {
    SendCommand command;
    command.files = files;
    command.connection = Connection();
    if (adjust) adjust(command);
    return Capture(
        [&](std::ostream& out, std::ostream& err) { return RunSend(command, out, err); });
  }

  // Sends one example as a new submission (its own id replaced by `id`); returns its message id.
  static std::string SendAs(const std::string& example, const std::string& id) {
    Result sent = Send({Example(example)}, [&](SendCommand& c) { c.submission_id = id; });
    EXPECT_EQ(sent.exit_code, kExitValid) << sent.out << sent.err;
    return WordAfter(sent.out, "message");
  }

  // Tails `destination` until `count` deliveries (0: no limit) or `idle_seconds` without one.
  static Result Tail(const std::string& destination, int count, double idle_seconds,
                     const std::function<void(TailCommand&)>& adjust = {}) {
    TailCommand command;
    command.destination = destination;
    command.count = count;
    command.idle_exit_seconds = idle_seconds;
    command.connection = Connection();
    if (adjust) adjust(command);
    return Capture(
        [&](std::ostream& out, std::ostream& err) { return RunTail(command, out, err); });
  }

  static Result DeadLetters(DeadLetterAction action, const std::string& destination,
                            int64_t sequence = 0) {
    DeadLettersCommand command;
    command.action = action;
    command.destination = destination;
    command.sequence = sequence;
    command.connection = Connection();
    return Capture(
        [&](std::ostream& out, std::ostream& err) { return RunDeadLetters(command, out, err); });
  }

  static Result Capture(const std::function<int(std::ostream&, std::ostream&)>& run) {
    std::ostringstream out;
    std::ostringstream err;
    Result result;
    result.exit_code = run(out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  // A file in the suite's directory holding `text`.
  static std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = *dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // A copy of an example whose submission id is `id`.
  static std::string CopyWithId(const std::string& example, const std::string& id) {
    const std::string text = ReadText(Example(example));
    const std::string key = "\"submissionId\": \"";
    const size_t start = text.find(key) + key.size();
    return WriteFile(id + ".json", text.substr(0, start) + id + text.substr(text.find('"', start)));
  }

  // Reads the first delivery of `destination` and rejects it with `reason`; returns its sequence.
  static int64_t RejectFirst(const std::string& destination, const std::string& reason) {
    auto stub = v1::Destinations::NewStub(MakeChannel({server_->address(), *ca_pem_, false}));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SubscribeRequest subscribe;
    subscribe.set_destination(destination);
    auto stream = stub->Subscribe(&context, subscribe);
    v1::Delivery delivery;
    EXPECT_TRUE(stream->Read(&delivery));
    grpc::ClientContext reject_context;
    v1::RejectRequest reject;
    reject.set_destination(destination);
    reject.set_sequence(delivery.sequence());
    reject.set_reason(reason);
    v1::RejectResponse rejected;
    EXPECT_TRUE(stub->Reject(&reject_context, reject, &rejected).ok());
    EXPECT_TRUE(rejected.dead_letter());
    context.TryCancel();
    stream->Finish().IgnoreError();
    return delivery.sequence();
  }

  static inline GatewayServer* server_ = nullptr;
  static inline std::string* dir_ = nullptr;
  static inline std::string* ca_pem_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// send

TEST_F(CliMessagingTest, EveryExampleIsAcceptedAndAResendSaysReplayed) {
  const std::map<std::string, std::string> events = {
      {"epd-record.json", "epd-record"},
      {"bib-screening.json", "bib-screening"},
      {"consultation.json", "consultation-record"},
      {"care-plan-contribution.json", "care-plan-contribution"},
      {"fhir-message.json", "bib-screening"},
  };
  int examples = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(Example(""))) {
    if (entry.path().extension() != ".json") continue;
    // A plan for `zorgbrug care-plan put` (cli_care_plan_test.cc), not a submission.
    if (entry.path().filename() == "care-plan.json") continue;
    ++examples;
    const std::string name = entry.path().filename().string();
    ASSERT_EQ(events.count(name), 1u) << "an example this test does not know: " << name;
    const auto local_keys = [](SendCommand& c) { c.local_key_system_base = kKeyBase; };
    const std::string verdict =
        name == "fhir-message.json" ? ": ok message " : ": accepted message ";

    const Result first = Send({entry.path().string()}, local_keys);
    EXPECT_EQ(first.exit_code, kExitValid) << first.out << first.err;
    EXPECT_NE(first.out.find(entry.path().string() + verdict), std::string::npos) << first.out;
    EXPECT_NE(first.out.find(" event " + events.at(name) + " -> bihr"), std::string::npos)
        << first.out;
    EXPECT_EQ(first.out.find("replayed"), std::string::npos) << first.out;

    const Result again = Send({entry.path().string()}, local_keys);
    EXPECT_EQ(again.exit_code, kExitValid) << again.out << again.err;
    EXPECT_NE(again.out.find("(replayed: a resend of an earlier submission)"), std::string::npos)
        << again.out;
    EXPECT_EQ(WordAfter(again.out, "message"), WordAfter(first.out, "message"));
  }
  EXPECT_EQ(examples, static_cast<int>(events.size()));
}

TEST_F(CliMessagingTest, BibScreeningPrintsTheEligibilityAndAContributionThePlan) {
  const Result screening = Send({Example("bib-screening.json")},
                                [](SendCommand& c) { c.submission_id = "eligibility-1"; });
  ASSERT_EQ(screening.exit_code, kExitValid) << screening.err;
  EXPECT_NE(screening.out.find("  eligibility: programme entry, 8 positive KCE indicator(s) ("),
            std::string::npos)
      << screening.out;
  EXPECT_NE(screening.out.find("reimbursable: bib-screening, ppa"), std::string::npos);
  const Result contribution = Send({Example("care-plan-contribution.json")},
                                   [](SendCommand& c) { c.submission_id = "plan-1"; });
  ASSERT_EQ(contribution.exit_code, kExitValid) << contribution.err;
  EXPECT_NE(contribution.out.find("-> bihr, regional-platform, epd"), std::string::npos);
  EXPECT_NE(contribution.out.find("  care plan ZP-2026-0001 "), std::string::npos)
      << contribution.out;
}

TEST_F(CliMessagingTest, DryRunPrintsTheFhirMessageAndStoresNothing) {
  const Result dry = Send({Example("consultation.json")}, [](SendCommand& c) {
    c.dry_run = true;
    c.submission_id = "dry-run-1";
  });
  ASSERT_EQ(dry.exit_code, kExitValid) << dry.err;
  EXPECT_NE(dry.out.find(": dry run ok: message "), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("(nothing stored)"), std::string::npos);
  EXPECT_NE(dry.out.find("\"resourceType\": \"Bundle\""), std::string::npos);
  EXPECT_EQ(Tail("bihr", 0, 0.2).out, "");

  const Result json = Send({Example("consultation.json")}, [](SendCommand& c) {
    c.dry_run = true;
    c.json = true;
    c.submission_id = "dry-run-1";
  });
  ASSERT_EQ(json.exit_code, kExitValid) << json.err;
  v1::SubmissionResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok()) << json.out;
  EXPECT_EQ(response.outcome(), v1::SUBMISSION_OUTCOME_DRY_RUN);
  EXPECT_EQ(response.event(), "consultation-record");
}

TEST_F(CliMessagingTest, AFileWithoutSubmissionIdGetsOneDerivedFromItsContent) {
  v1::SubmitBibScreeningRequest request;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadText(Example("bib-screening.json")), &request)
          .ok());
  request.mutable_submission()->clear_submission_id();
  request.mutable_translation()->mutable_screening()->set_local_key("BIB-derived");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(request, &json).ok());
  const std::string file = WriteFile("without-id.json", json);

  const Result first = Send({file});
  ASSERT_EQ(first.exit_code, kExitValid) << first.out << first.err;
  const std::string id = WordAfter(first.out, "submission id");
  EXPECT_EQ(id.size(), 36u) << first.out;  // a UUID
  EXPECT_NE(first.out.find("derived from the file's content"), std::string::npos);
  EXPECT_EQ(first.out.find("replayed"), std::string::npos) << first.out;

  const Result again = Send({file});
  EXPECT_EQ(WordAfter(again.out, "submission id"), id);
  EXPECT_NE(again.out.find("(replayed: a resend of an earlier submission)"), std::string::npos)
      << again.out;
}

TEST_F(CliMessagingTest, UnrecognisedFilesAreUsageErrorsThatSayWhy) {
  struct Case {
    std::string text;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"{not json", "not JSON"},
      {R"({"resourceType":"Patient","id":"p"})", "a FHIR Patient, not a message Bundle"},
      {R"({"submission":{"submissionId":"x","sourceSystem":"https://a.example"}})",
       "ambiguous: the file parses as each of epd-record, bib-screening, consultation, "
       "care-plan-contribution (use --kind KIND)"},
      {R"({"translation":{"record":{"nonsense":1}}})", "--kind KIND"},
  };
  for (const Case& c : cases) {
    const Result result = Send({WriteFile("bad.json", c.text)});
    EXPECT_EQ(result.exit_code, kExitUsage) << c.text;
    EXPECT_NE(result.err.find(c.says), std::string::npos) << c.text << "\n" << result.err;
    EXPECT_EQ(result.out, "");
  }
  const Result wrong_kind = Send({Example("bib-screening.json")},
                                 [](SendCommand& c) { c.kind = SubmissionKind::kEpdRecord; });
  EXPECT_EQ(wrong_kind.exit_code, kExitUsage);
  EXPECT_NE(wrong_kind.err.find("does not parse as the request of kind epd-record: "),
            std::string::npos)
      << wrong_kind.err;

  EXPECT_EQ(Send({Example("missing.json")}).exit_code, kExitUsage);
  const Result two = Send({Example("bib-screening.json"), Example("consultation.json")},
                          [](SendCommand& c) { c.submission_id = "one"; });
  EXPECT_EQ(two.exit_code, kExitUsage);
  EXPECT_NE(two.err.find("--submission-id"), std::string::npos);
  const Result message = Send({Example("fhir-message.json")});
  EXPECT_EQ(message.exit_code, kExitUsage);
  EXPECT_NE(message.err.find("--local-key-system-base"), std::string::npos);
  EXPECT_EQ(Tail("bihr", 0, 0.2).out, "");  // nothing of it reached the gateway's queues
}

TEST_F(CliMessagingTest, RefusedContentIsExitOneWithTheGatewaysIssues) {
  v1::SubmitBibScreeningRequest request;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadText(Example("bib-screening.json")), &request)
          .ok());
  request.mutable_submission()->set_submission_id("refused-1");
  request.mutable_translation()->mutable_screening()->clear_performed_at();
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(request, &json).ok());

  const Result refused = Send({WriteFile("refused.json", json)});
  EXPECT_EQ(refused.exit_code, kExitInvalid);
  EXPECT_NE(refused.out.find(": refused: INVALID_ARGUMENT: "), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("performed_at"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("\n  error "), std::string::npos) << refused.out;  // the issues

  // One refused file among accepted ones: each is reported, the exit code says one failed.
  const Result mixed =
      Send({WriteFile("refused.json", json), CopyWithId("epd-record.json", "mixed-1")});
  EXPECT_EQ(mixed.exit_code, kExitInvalid);
  EXPECT_NE(mixed.out.find("mixed-1.json: accepted message"), std::string::npos) << mixed.out;
}

TEST_F(CliMessagingTest, UnreachableGatewayIsExitThreeAndAMissingCaIsUsage) {
  SendCommand command;
  command.files = {Example("bib-screening.json")};
  command.connection = Connection();
  command.connection.target = "127.0.0.1:1";
  Result result =
      Capture([&](std::ostream& out, std::ostream& err) { return RunSend(command, out, err); });
  EXPECT_EQ(result.exit_code, kExitUnavailable);
  EXPECT_NE(result.err.find("UNAVAILABLE"), std::string::npos) << result.err;

  TailCommand tail;
  tail.destination = "bihr";
  tail.idle_exit_seconds = 10;  // fails the test instead of hanging it
  tail.connection = command.connection;
  result = Capture([&](std::ostream& out, std::ostream& err) { return RunTail(tail, out, err); });
  EXPECT_EQ(result.exit_code, kExitUnavailable) << result.err;

  command.connection = Connection();
  command.connection.ca_cert_file = *dir_ + "/no-such-ca.crt";
  result =
      Capture([&](std::ostream& out, std::ostream& err) { return RunSend(command, out, err); });
  EXPECT_EQ(result.exit_code, kExitUsage);
  EXPECT_NE(result.err.find("CA certificate"), std::string::npos) << result.err;
}

// ---------------------------------------------------------------------------------------------
// tail

TEST_F(CliMessagingTest, TailPrintsDeliveriesInOrderAndAcknowledgesThem) {
  // One woman (P-1001) in all three: her messages come in acceptance order.
  const std::vector<std::string> ids = {SendAs("epd-record.json", "tail-1"),
                                        SendAs("bib-screening.json", "tail-2"),
                                        SendAs("consultation.json", "tail-3")};
  const Result tail = Tail("bihr", 3, 10);
  ASSERT_EQ(tail.exit_code, kExitValid) << tail.err;
  const std::vector<std::string> lines = LinesStartingWith(tail.out, "#");
  ASSERT_EQ(lines.size(), 3u) << tail.out;
  const std::vector<std::string> events = {"epd-record", "bib-screening", "consultation-record"};
  int64_t previous = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(WordAfter(lines[i], "#" + std::to_string(std::stoll(lines[i].substr(1)))), events[i])
        << lines[i];
    EXPECT_EQ(WordAfter(lines[i], "message"), ids[i]);
    EXPECT_EQ(WordAfter(lines[i], "attempt"), "1");
    EXPECT_EQ(WordAfter(lines[i], "patient").rfind("p-", 0), 0u) << lines[i];
    EXPECT_NE(lines[i].find(" accepted 20"), std::string::npos) << lines[i];
    const int64_t sequence = std::stoll(lines[i].substr(1));
    EXPECT_GT(sequence, previous);
    previous = sequence;
  }
  EXPECT_EQ(Tail("bihr", 0, 0.2).out, "");  // acknowledged: nothing comes again
}

TEST_F(CliMessagingTest, TailWithoutAckLeavesTheEntryForTheNextConsumer) {
  const std::string id = SendAs("bib-screening.json", "look-1");
  const Result look = Tail("regional-platform", 1, 10, [](TailCommand& c) {
    c.no_ack = true;
    c.json = true;
  });
  ASSERT_EQ(look.exit_code, kExitValid) << look.err;
  v1::Delivery delivery;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(look.out, &delivery).ok()) << look.out;
  EXPECT_EQ(delivery.message_id(), id);
  EXPECT_EQ(delivery.event(), "bib-screening");
  EXPECT_NE(delivery.message_json().find("\"MessageHeader\""), std::string::npos);

  const Result take = Tail("regional-platform", 1, 10);
  EXPECT_EQ(WordAfter(take.out, "message"), id) << take.out;
  EXPECT_EQ(Tail("regional-platform", 0, 0.2).out, "");
}

TEST_F(CliMessagingTest, TailOfAnUnknownDestinationSaysSo) {
  const Result tail = Tail("nowhere", 0, 10);
  EXPECT_EQ(tail.exit_code, kExitInvalid);
  EXPECT_NE(tail.err.find("NOT_FOUND: unknown destination \"nowhere\""), std::string::npos)
      << tail.err;
}

// ---------------------------------------------------------------------------------------------
// dead-letters and queues

TEST_F(CliMessagingTest, DeadLettersAreListedShownAndReplayed) {
  const std::string id = SendAs("bib-screening.json", "dead-1");
  const int64_t sequence = RejectFirst("bihr", "HTTP 422 from the receiver");
  const std::string hash = "#" + std::to_string(sequence);

  const Result list = DeadLetters(DeadLetterAction::kList, "bihr");
  ASSERT_EQ(list.exit_code, kExitValid) << list.err;
  EXPECT_NE(list.out.find(hash + " bib-screening message " + id + " patient p-"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find(": HTTP 422 from the receiver\n"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("bihr: 0 pending, 1 dead letter(s)"), std::string::npos) << list.out;

  const Result show = DeadLetters(DeadLetterAction::kShow, "bihr", sequence);
  ASSERT_EQ(show.exit_code, kExitValid) << show.err;
  EXPECT_NE(show.out.find("dead letter " + hash + " of bihr\n"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  reason:     HTTP 422 from the receiver\n"), std::string::npos);
  EXPECT_NE(show.out.find("  message:    " + id + "\n"), std::string::npos);
  EXPECT_NE(show.out.find("  dead since: 20"), std::string::npos);
  EXPECT_NE(show.out.find("\"resourceType\": \"MessageHeader\""), std::string::npos);

  const Result missing = DeadLetters(DeadLetterAction::kShow, "bihr", sequence + 1000);
  EXPECT_EQ(missing.exit_code, kExitInvalid);
  EXPECT_NE(missing.err.find("no dead letter #" + std::to_string(sequence + 1000)),
            std::string::npos);

  const Result replay = DeadLetters(DeadLetterAction::kReplay, "bihr", sequence);
  ASSERT_EQ(replay.exit_code, kExitValid) << replay.err;
  EXPECT_NE(replay.out.find("replayed dead letter " + hash + " of bihr: bib-screening message " +
                            id + " is pending again"),
            std::string::npos)
      << replay.out;
  EXPECT_NE(DeadLetters(DeadLetterAction::kList, "bihr").out.find("no dead letters for bihr\n"),
            std::string::npos);
  EXPECT_EQ(DeadLetters(DeadLetterAction::kReplay, "bihr", sequence).exit_code, kExitInvalid);

  const Result queues = Capture(
      [](std::ostream& out, std::ostream& err) { return RunQueues(Connection(), out, err); });
  EXPECT_NE(queues.out.find("bihr: 1 pending (oldest accepted 20"), std::string::npos)
      << queues.out;

  const Result again = Tail("bihr", 1, 10);
  EXPECT_EQ(WordAfter(again.out, hash), "bib-screening") << again.out;
  EXPECT_EQ(WordAfter(again.out, "message"), id);
}

}  // namespace
}  // namespace zorgbrug::gateway
