// `zorgbrug care-plan get|put|watch` (gateway/commands.h) against the real gateway in-process over
// TLS: examples/care-plan.json is written, a resend and an equal plan say so, an edit from an older
// version is merged or refused with its conflicts, the change feed prints in cursor order, bad
// files are usage errors naming the file.

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/commands.h"
#include "gateway/dev_certs.h"
#include "gateway/server.h"
#include "tests/gateway/scratch_store.h"
#include "zorgbrug/v1/care_plan_sync.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr char kKeyBase[] = "https://epd.az-voorbeeld.example.be/fhir/NamingSystem";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Example() { return std::string(ZORGBRUG_SOURCE_DIR) + "/examples/care-plan.json"; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CliCarePlanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TlsMaterial> tls = GenerateDevTlsMaterial();
    ASSERT_TRUE(tls.ok()) << tls.status();
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls = *tls;
    dir_ = new std::string(UseScratchStore(options));
    absl::StatusOr<std::unique_ptr<GatewayServer>> server = GatewayServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    std::ofstream(*dir_ + "/ca.crt") << tls->ca_cert_pem;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
  }

  static Result Run(CarePlanAction action, const std::function<void(CarePlanCommand&)>& adjust) {
    CarePlanCommand command;
    command.action = action;
    command.local_key_system_base = kKeyBase;
    command.connection.target = server_->address();
    command.connection.ca_cert_file = *dir_ + "/ca.crt";
    command.connection.timeout_seconds = 10;
    adjust(command);
    std::ostringstream out;
    std::ostringstream err;
    Result result;
    result.exit_code = RunCarePlan(command, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  static Result Put(const std::string& file, const std::string& submission_id = "") {
    return Run(CarePlanAction::kPut, [&](CarePlanCommand& c) {
      c.file = file;
      c.submission_id = submission_id;
    });
  }

  static Result Get(const std::string& patient, bool json = false) {
    return Run(CarePlanAction::kGet, [&](CarePlanCommand& c) {
      c.patient_local_key = patient;
      c.json = json;
    });
  }

  // The example plan for `patient`, edited by `edit`, written to a file of the suite's directory.
  static std::string PlanFile(const std::string& name, const std::string& patient,
                              const std::function<void(v1::CarePlan&)>& edit = {}) {
    v1::CarePlan plan;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(ReadText(Example()), &plan).ok());
    plan.set_patient_local_key(patient);
    if (edit) edit(plan);
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(plan, &json).ok());
    const std::string path = *dir_ + "/" + name;
    std::ofstream(path) << json;
    return path;
  }

  static inline GatewayServer* server_ = nullptr;
  static inline std::string* dir_ = nullptr;
};

TEST_F(CliCarePlanTest, TheExampleIsWrittenAResendIsReplayedAnEqualPlanIsUnchanged) {
  const Result first = Put(Example());
  ASSERT_EQ(first.exit_code, kExitValid) << first.out << first.err;
  EXPECT_NE(first.out.find(Example() + ": ACCEPTED version 1 not merged message "),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("derived from the file's content"), std::string::npos) << first.out;

  const Result resend = Put(Example());
  EXPECT_EQ(resend.exit_code, kExitValid) << resend.out << resend.err;
  EXPECT_NE(resend.out.find("(replayed: a resend of an earlier submission)"), std::string::npos)
      << resend.out;

  const Result same =
      Put(PlanFile("same.json", "P-2002", [](v1::CarePlan& plan) { plan.set_version(1); }));
  EXPECT_EQ(same.exit_code, kExitValid) << same.out << same.err;
  EXPECT_NE(same.out.find(": UNCHANGED version 1"), std::string::npos) << same.out;

  const Result got = Get("P-2002");
  EXPECT_EQ(got.exit_code, kExitValid) << got.out << got.err;
  EXPECT_NE(got.out.find("care plan ZP-2026-0002 of P-2002 version 1\n"), std::string::npos)
      << got.out;
  EXPECT_NE(got.out.find("  cause:   put\n"), std::string::npos) << got.out;
  EXPECT_NE(got.out.find("\"title\": \"Zorgplan in opmaak\""), std::string::npos) << got.out;

  const Result json = Get("P-2002", /*json=*/true);
  v1::CarePlan plan;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &plan).ok()) << json.out;
  EXPECT_EQ(plan.version(), 1);
  EXPECT_EQ(plan.local_key(), "ZP-2026-0002");
}

TEST_F(CliCarePlanTest, GetOfAPatientWithoutPlanIsExitOne) {
  const Result got = Get("P-NOBODY");
  EXPECT_EQ(got.exit_code, kExitInvalid) << got.out << got.err;
  EXPECT_NE(got.err.find("NOT_FOUND"), std::string::npos) << got.err;
}

TEST_F(CliCarePlanTest, EditsFromAnOlderVersionAreMergedOrRefusedWithTheirConflicts) {
  ASSERT_EQ(Put(PlanFile("merge-v0.json", "P-MERGE")).exit_code, kExitValid);
  const auto from_v1 = [](const std::string& title, v1::CarePlanStatus status) {
    return [=](v1::CarePlan& plan) {
      plan.set_version(1);
      plan.set_title(title);
      plan.set_status(status);
    };
  };
  const Result ours = Put(PlanFile("merge-ours.json", "P-MERGE",
                                   from_v1("Zorgplan van An", v1::CARE_PLAN_STATUS_DRAFT)));
  ASSERT_EQ(ours.exit_code, kExitValid) << ours.out << ours.err;
  EXPECT_NE(ours.out.find("ACCEPTED version 2 not merged"), std::string::npos) << ours.out;

  const Result merged = Put(PlanFile("merge-status.json", "P-MERGE",
                                     from_v1("Zorgplan in opmaak", v1::CARE_PLAN_STATUS_ACTIVE)));
  ASSERT_EQ(merged.exit_code, kExitValid) << merged.out << merged.err;
  EXPECT_NE(merged.out.find("ACCEPTED version 3 merged"), std::string::npos) << merged.out;

  const Result theirs =
      Put(PlanFile("merge-theirs.json", "P-MERGE",
                   from_v1("Zorgplan van de vroedvrouw", v1::CARE_PLAN_STATUS_DRAFT)));
  EXPECT_EQ(theirs.exit_code, kExitInvalid) << theirs.out << theirs.err;
  EXPECT_NE(theirs.out.find(": ABORTED: 1 conflict(s)"), std::string::npos) << theirs.out;
  EXPECT_NE(theirs.out.find("  conflict title (both-changed): ours title: \"Zorgplan van An\", "
                            "theirs title: \"Zorgplan van de vroedvrouw\""),
            std::string::npos)
      << theirs.out;
  EXPECT_NE(theirs.out.find("the gateway holds version 3"), std::string::npos) << theirs.out;
  EXPECT_NE(Get("P-MERGE").out.find(" version 3\n"), std::string::npos);
}

TEST_F(CliCarePlanTest, RefusedContentPrintsTheIssues) {
  const Result refused =
      Put(PlanFile("no-start.json", "P-NOSTART", [](v1::CarePlan& plan) { plan.clear_start(); }));
  EXPECT_EQ(refused.exit_code, kExitInvalid) << refused.out << refused.err;
  EXPECT_NE(refused.out.find(": refused: INVALID_ARGUMENT"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("  error "), std::string::npos) << refused.out;
}

TEST_F(CliCarePlanTest, WatchPrintsChangesInCursorOrderAndTheCursorToResumeFrom) {
  ASSERT_EQ(Put(PlanFile("watch-v0.json", "P-WATCH")).exit_code, kExitValid);
  ASSERT_EQ(Put(PlanFile("watch-v1.json", "P-WATCH",
                         [](v1::CarePlan& plan) {
                           plan.set_version(1);
                           plan.set_title("Bevallingsplan");
                         }))
                .exit_code,
            kExitValid);

  const Result json = Run(CarePlanAction::kWatch, [](CarePlanCommand& c) {
    c.count = 2;
    c.json = true;
    c.idle_exit_seconds = 10;  // only a guard: two changes exist already
  });
  EXPECT_EQ(json.exit_code, kExitValid) << json.err;
  const std::vector<std::string> lines = Lines(json.out);
  ASSERT_EQ(lines.size(), 2u) << json.out;
  v1::CarePlanChange first;
  v1::CarePlanChange second;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[0], &first).ok()) << lines[0];
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[1], &second).ok()) << lines[1];
  EXPECT_GT(first.cursor(), 0);
  EXPECT_GT(second.cursor(), first.cursor());
  EXPECT_NE(json.err.find("resume with --after " + std::to_string(second.cursor())),
            std::string::npos)
      << json.err;

  // From the first cursor to the end of the feed: the last change is P-WATCH's second version.
  const Result text = Run(CarePlanAction::kWatch, [&](CarePlanCommand& c) {
    c.after_cursor = first.cursor();
    c.idle_exit_seconds = 0.5;
  });
  EXPECT_EQ(text.exit_code, kExitValid) << text.err;
  const std::vector<std::string> changes = Lines(text.out);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.front().rfind("#" + std::to_string(second.cursor()) + " patient p-", 0), 0u)
      << text.out;
  EXPECT_NE(changes.back().find(" version 2 put by "), std::string::npos) << text.out;
  const std::string last = changes.back().substr(1, changes.back().find(' ') - 1);
  EXPECT_NE(text.err.find("resume with --after " + last + "\n"), std::string::npos) << text.err;
}

TEST_F(CliCarePlanTest, BadFilesAreUsageErrorsNamingTheFile) {
  const std::string unknown = *dir_ + "/unknown-field.json";
  std::ofstream(unknown) << R"({"localKey": "ZP-1", "patientLocalKey": "P-1", "colour": "red"})";
  const Result bad = Put(unknown);
  EXPECT_EQ(bad.exit_code, kExitUsage);
  EXPECT_NE(bad.err.find(unknown + ": not a CarePlan in proto3 JSON"), std::string::npos)
      << bad.err;
  EXPECT_EQ(bad.out, "");

  const Result missing = Put(*dir_ + "/no-such-plan.json");
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_NE(missing.err.find("no-such-plan.json"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace zorgbrug::gateway
