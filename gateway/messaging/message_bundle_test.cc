// BuildMessage over every golden translation of the adapters and BuildResponse for each response
// code: everything built validates against R4 without error, reads back with ReadMessage, and a
// response answers its request (response.identifier = the request's MessageHeader.id).

#include "gateway/messaging/message_bundle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/test_util.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"
#include "gateway/messaging/process.h"

namespace zorgbrug::gateway::messaging {
namespace {

namespace json = fhir::json;
using adapters::common::testutil::Dump;
using adapters::common::testutil::HasError;
using adapters::common::testutil::ReadFile;

// UUIDs ...-100000000001, ...-100000000002, ... (the golden translations use ...-00000000000N).
std::function<std::string()> Uuids() {
  auto counter = std::make_shared<int>(0);
  return [counter] {
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "00000000-0000-4000-8000-1%011d", ++*counter);
    return std::string(buffer);
  };
}

absl::Time Time() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::UTCTimeZone());
}

GatewaySource Gateway() {
  return {"zorgbrug AZ Oost", "https://zorgbrug.az-oost.example.be/fhir", "0.1.0"};
}

// Validates `root` against R4 and the profiles its entries claim; fails on any error.
void ExpectValid(const json::Value& root) {
  fhir::IssueCollector sink;
  fhir::validation::Validate(root, {}, sink);
  for (const fhir::Issue& issue : sink.issues()) {
    EXPECT_NE(issue.severity, fhir::Severity::kError)
        << issue.expression << ": " << issue.diagnostics;
  }
}

json::Document Load(const std::string& path) {
  fhir::IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(ReadFile(path), json::ParseLimits{}, issues);
  EXPECT_TRUE(doc.has_value()) << path << "\n" << Dump(issues);
  return doc.has_value() ? std::move(*doc) : json::Document();
}

std::vector<std::string> Goldens(std::string_view adapter) {
  std::vector<std::string> files;
  const std::filesystem::path dir =
      std::filesystem::path(ZORGBRUG_ADAPTERS_TESTDATA) / adapter / "testdata" / "golden";
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().extension() == ".json") files.push_back(file.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

MessageParts Parts(MessageEvent event, const json::Value& translation) {
  MessageParts parts;
  parts.event = event;
  parts.translation = translation;
  parts.new_uuid = Uuids();
  parts.time = Time();
  parts.source = Gateway();
  parts.destinations = {{"BIHR", "https://bihr.example.be/fhir"},
                        {"", "https://platform.example.be/fhir/$process-message"}};
  parts.source_message = {"https://epd.hospital.example.be/fhir/NamingSystem/message", "req-42"};
  return parts;
}

const json::Value& EntryResource(const json::Value& bundle, size_t i) {
  return *bundle.Find("entry")->items()[i].Find("resource");
}

// The fullUrls of the translation's entries of a focus type of `event`.
std::vector<std::string> ExpectedFocus(MessageEvent event, const json::Value& translation) {
  std::vector<std::string> out;
  for (const json::Value& entry : translation.Find("entry")->items()) {
    if (IsFocusType(event, entry.Find("resource")->FindString("resourceType"))) {
      out.emplace_back(entry.FindString("fullUrl"));
    }
  }
  return out;
}

std::vector<std::string> References(const json::Value* array) {
  std::vector<std::string> out;
  if (array == nullptr) return out;
  for (const json::Value& item : array->items()) out.emplace_back(item.FindString("reference"));
  return out;
}

// Builds the message of `event` over the golden translation at `path` and checks it all.
void CheckMessage(MessageEvent event, const std::string& path) {
  SCOPED_TRACE(path);
  const json::Document translation = Load(path);
  fhir::IssueCollector issues;
  const json::Document message = BuildMessage(Parts(event, translation.root()), issues);
  ASSERT_TRUE(issues.issues().empty()) << Dump(issues);
  const json::Value& bundle = message.root();
  ExpectValid(bundle);

  const size_t n = translation.root().Find("entry")->size();
  ASSERT_EQ(bundle.Find("entry")->size(), n + 3);
  EXPECT_EQ(bundle.FindString("type"), "message");
  EXPECT_EQ(bundle.FindString("id"), "00000000-0000-4000-8000-100000000001");
  EXPECT_EQ(bundle.FindString("timestamp"), "2026-11-23T10:00:00Z");
  EXPECT_EQ(bundle.Find("identifier"), nullptr);
  for (size_t i = 0; i < n; ++i) {  // the translation's entries unchanged, in order
    EXPECT_TRUE(json::Equal(bundle.Find("entry")->items()[i + 1],
                            translation.root().Find("entry")->items()[i]))
        << "entry " << i;
  }
  const json::Value& header = EntryResource(bundle, 0);
  EXPECT_EQ(header.FindString("resourceType"), "MessageHeader");
  EXPECT_EQ(header.Find("eventCoding")->FindString("code"), EventCode(event));
  EXPECT_EQ(header.Find("source")->FindString("software"), "zorgbrug");
  EXPECT_EQ(header.Find("destination")->size(), 2u);
  const std::vector<std::string> focus = ExpectedFocus(event, translation.root());
  ASSERT_FALSE(focus.empty());
  EXPECT_EQ(References(header.Find("focus")), focus);

  const json::Value& provenance = EntryResource(bundle, n + 1);
  EXPECT_EQ(provenance.FindString("resourceType"), "Provenance");
  EXPECT_EQ(References(provenance.Find("target")), focus);
  EXPECT_EQ(provenance.FindString("recorded"), "2026-11-23T10:00:00Z");
  EXPECT_EQ(
      provenance.Find("entity")->items()[0].Find("what")->Find("identifier")->FindString("value"),
      "req-42");
  EXPECT_EQ(EntryResource(bundle, n + 2).FindString("resourceType"), "Device");

  // The engine reads what it built without any finding.
  fhir::IssueCollector read_issues;
  std::optional<IncomingMessage> read = ReadMessage(bundle, read_issues);
  ASSERT_TRUE(read.has_value()) << Dump(read_issues);
  EXPECT_TRUE(read->valid);
  EXPECT_TRUE(read_issues.issues().empty()) << Dump(read_issues);
  EXPECT_EQ(read->event, event);
  EXPECT_EQ(read->focus.size(), focus.size());
  EXPECT_EQ(read->source.endpoint, Gateway().endpoint);
}

TEST(BuildMessageTest, EpdRecords) {
  for (const std::string& path : Goldens("epd")) CheckMessage(MessageEvent::kEpdRecord, path);
}

TEST(BuildMessageTest, BibScreenings) {
  for (const std::string& path : Goldens("bib")) CheckMessage(MessageEvent::kBibScreening, path);
}

TEST(BuildMessageTest, ConsultationRecords) {
  for (const std::string& path : Goldens("consultation")) {
    CheckMessage(MessageEvent::kConsultationRecord, path);
  }
}

TEST(BuildMessageTest, CarePlanUpdates) {
  for (const std::string& path : Goldens("careplan")) {
    CheckMessage(MessageEvent::kCarePlanUpdate, path);
  }
}

TEST(BuildMessageTest, CarePlanContributions) {
  // The BiB screenings that lead to contributions (BeTasks) and the care plans with tasks.
  int built = 0;
  for (std::string_view adapter : {"bib", "careplan", "consultation"}) {
    for (const std::string& path : Goldens(adapter)) {
      const json::Document translation = Load(path);
      if (ExpectedFocus(MessageEvent::kCarePlanContribution, translation.root()).empty()) continue;
      CheckMessage(MessageEvent::kCarePlanContribution, path);
      ++built;
    }
  }
  EXPECT_GT(built, 10);
}

TEST(BuildMessageTest, FocusPerEvent) {
  auto focus_types = [](MessageEvent event, std::string_view golden) {
    const json::Document translation =
        Load(std::string(ZORGBRUG_ADAPTERS_TESTDATA) + "/" + std::string(golden));
    fhir::IssueCollector issues;
    const json::Document message = BuildMessage(Parts(event, translation.root()), issues);
    const BundleEntries entries(message.root());
    std::vector<std::string> types;
    for (const std::string& reference :
         References(EntryResource(message.root(), 0).Find("focus"))) {
      types.emplace_back(entries.Resolve(reference)->resource_type);
    }
    return types;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(focus_types(MessageEvent::kEpdRecord, "epd/testdata/golden/full_perinatal_record.json"),
            (V{"Patient", "Encounter", "Observation"}));
  EXPECT_EQ(focus_types(MessageEvent::kBibScreening, "bib/testdata/golden/all_kce_positive.json"),
            V{"QuestionnaireResponse"});
  EXPECT_EQ(focus_types(MessageEvent::kConsultationRecord,
                        "consultation/testdata/golden/mdo_full_team.json"),
            V{"Encounter"});
  EXPECT_EQ(
      focus_types(MessageEvent::kCarePlanContribution, "bib/testdata/golden/all_kce_positive.json"),
      (V{"Task", "Task", "Task"}));
  EXPECT_EQ(
      focus_types(MessageEvent::kCarePlanUpdate, "careplan/testdata/golden/perinatal_full.json"),
      V{"CarePlan"});
}

class BuildMessagePartsTest : public ::testing::Test {
 protected:
  BuildMessagePartsTest()
      : translation_(Load(std::string(ZORGBRUG_ADAPTERS_TESTDATA) +
                          "/bib/testdata/golden/all_kce_positive.json")) {}

  // The fullUrl of the first translation entry of `type`.
  std::string FullUrlOf(std::string_view type) const {
    for (const json::Value& entry : translation_.root().Find("entry")->items()) {
      if (entry.Find("resource")->FindString("resourceType") == type) {
        return std::string(entry.FindString("fullUrl"));
      }
    }
    return {};
  }

  // Builds with `parts` and expects an error at `expression` and no message.
  void ExpectError(const MessageParts& parts, std::string_view expression) {
    fhir::IssueCollector issues;
    const json::Document message = BuildMessage(parts, issues);
    EXPECT_TRUE(message.root().IsNull());
    EXPECT_TRUE(HasError(issues, expression)) << Dump(issues);
  }

  json::Document translation_;
};

TEST_F(BuildMessagePartsTest, SenderIsTheResponsibleProfessional) {
  MessageParts parts = Parts(MessageEvent::kBibScreening, translation_.root());
  parts.sender = FullUrlOf("PractitionerRole");
  fhir::IssueCollector issues;
  const json::Document message = BuildMessage(parts, issues);
  ASSERT_TRUE(issues.issues().empty()) << Dump(issues);
  ExpectValid(message.root());
  EXPECT_EQ(EntryResource(message.root(), 0).Find("sender")->FindString("reference"), parts.sender);
  const size_t provenance = message.root().Find("entry")->size() - 2;
  EXPECT_EQ(EntryResource(message.root(), provenance)
                .Find("agent")
                ->items()[0]
                .Find("onBehalfOf")
                ->FindString("reference"),
            parts.sender);
}

TEST_F(BuildMessagePartsTest, FocusOverride) {
  MessageParts parts = Parts(MessageEvent::kCarePlanContribution, translation_.root());
  parts.focus = {FullUrlOf("Task")};
  fhir::IssueCollector issues;
  const json::Document message = BuildMessage(parts, issues);
  ASSERT_TRUE(issues.issues().empty()) << Dump(issues);
  ExpectValid(message.root());
  EXPECT_EQ(References(EntryResource(message.root(), 0).Find("focus")), parts.focus);
}

TEST_F(BuildMessagePartsTest, FocusOverrideOfAnotherType) {
  MessageParts parts = Parts(MessageEvent::kCarePlanContribution, translation_.root());
  parts.focus = {FullUrlOf("Task"), FullUrlOf("QuestionnaireResponse")};
  ExpectError(parts, "MessageHeader.focus[1]");
}

TEST_F(BuildMessagePartsTest, NoFocusInTheTranslation) {
  ExpectError(Parts(MessageEvent::kCarePlanUpdate, translation_.root()), "MessageHeader.focus");
}

TEST_F(BuildMessagePartsTest, SenderThatIsNotAProfessionalOrOrganisation) {
  MessageParts parts = Parts(MessageEvent::kBibScreening, translation_.root());
  parts.sender = FullUrlOf("QuestionnaireResponse");
  ExpectError(parts, "MessageHeader.sender");
  parts.sender = "urn:uuid:00000000-0000-4000-8000-999999999999";
  ExpectError(parts, "MessageHeader.sender");
}

TEST_F(BuildMessagePartsTest, RequiredParts) {
  MessageParts parts = Parts(MessageEvent::kBibScreening, translation_.root());
  parts.source.endpoint.clear();
  ExpectError(parts, "MessageHeader.source.endpoint");
  parts = Parts(MessageEvent::kBibScreening, translation_.root());
  parts.destinations[1].endpoint.clear();
  ExpectError(parts, "MessageHeader.destination[1].endpoint");
  parts = Parts(MessageEvent::kBibScreening, translation_.root());
  parts.source_message.value.clear();
  ExpectError(parts, "Provenance.entity[0].what.identifier.value");
}

TEST_F(BuildMessagePartsTest, TranslationMustBeACollection) {
  fhir::IssueCollector issues;
  const std::optional<json::Document> searchset =
      json::Parse(R"({"resourceType": "Bundle", "type": "searchset", "entry": []})", {}, issues);
  ASSERT_TRUE(searchset.has_value());
  ExpectError(Parts(MessageEvent::kEpdRecord, searchset->root()), "Bundle.type");
}

TEST_F(BuildMessagePartsTest, Deterministic) {
  fhir::IssueCollector issues;
  const std::string first = json::Write(
      BuildMessage(Parts(MessageEvent::kBibScreening, translation_.root()), issues).root());
  const std::string second = json::Write(
      BuildMessage(Parts(MessageEvent::kBibScreening, translation_.root()), issues).root());
  EXPECT_EQ(first, second);
  EXPECT_TRUE(issues.issues().empty()) << Dump(issues);
}

// A request built by BuildMessage and read back, kept with its document.
struct Request {
  json::Document translation;
  json::Document document;
  IncomingMessage message;
};

std::unique_ptr<Request> MakeRequest() {
  auto request = std::make_unique<Request>();
  request->translation =
      Load(std::string(ZORGBRUG_ADAPTERS_TESTDATA) + "/bib/testdata/golden/all_kce_positive.json");
  fhir::IssueCollector issues;
  MessageParts parts = Parts(MessageEvent::kBibScreening, request->translation.root());
  parts.source = {"EPD AZ Oost", "https://epd.az-oost.example.be/fhir", "7.2"};
  request->document = BuildMessage(parts, issues);
  std::optional<IncomingMessage> read = ReadMessage(request->document.root(), issues);
  EXPECT_TRUE(read.has_value()) << Dump(issues);
  if (read.has_value()) request->message = std::move(*read);
  return request;
}

ResponseParts Answer() { return {Uuids(), Time() + absl::Seconds(1), Gateway()}; }

// Checks what every response has, and returns its MessageHeader.response.
const json::Value& CheckResponse(const json::Document& response, const IncomingMessage& request,
                                 std::string_view code) {
  ExpectValid(response.root());
  const json::Value& bundle = response.root();
  EXPECT_EQ(bundle.FindString("type"), "message");
  EXPECT_EQ(bundle.FindString("timestamp"), "2026-11-23T10:00:01Z");
  const json::Value& header = EntryResource(bundle, 0);
  EXPECT_EQ(header.Find("eventCoding")->FindString("system"), kMessageEventSystem);
  EXPECT_EQ(header.Find("eventCoding")->FindString("code"), request.event_code);
  EXPECT_EQ(header.Find("destination")->items()[0].FindString("endpoint"), request.source.endpoint);
  EXPECT_EQ(header.Find("source")->FindString("endpoint"), Gateway().endpoint);
  const json::Value& answer = *header.Find("response");
  EXPECT_EQ(answer.FindString("identifier"), request.header_id);
  EXPECT_EQ(answer.FindString("code"), code);

  // A response is itself a message the sender can read.
  fhir::IssueCollector issues;
  std::optional<IncomingMessage> read = ReadMessage(bundle, issues, {.require_known_event = false});
  EXPECT_TRUE(read.has_value()) << Dump(issues);
  if (read.has_value()) {
    EXPECT_EQ(read->response_identifier, request.header_id);
    EXPECT_EQ(read->response_code, code);
  }
  return answer;
}

TEST(BuildResponseTest, OkWithoutIssues) {
  const std::unique_ptr<Request> request = MakeRequest();
  const json::Document response = BuildResponse(request->message, ResponseCode::kOk, {}, Answer());
  const json::Value& answer = CheckResponse(response, request->message, "ok");
  EXPECT_EQ(answer.Find("details"), nullptr);
  EXPECT_EQ(response.root().Find("entry")->size(), 1u);
  EXPECT_EQ(request->message.header_id, "00000000-0000-4000-8000-100000000002");
}

TEST(BuildResponseTest, OkWithWarnings) {
  const std::unique_ptr<Request> request = MakeRequest();
  const std::vector<fhir::Issue> issues = {{fhir::Severity::kWarning, fhir::IssueType::kInvalid,
                                            "Bundle.entry[4].resource.subject",
                                            "the reference does not resolve"}};
  const json::Document response =
      BuildResponse(request->message, ResponseCodeFor(issues), issues, Answer());
  const json::Value& answer = CheckResponse(response, request->message, "ok");
  ASSERT_NE(answer.Find("details"), nullptr);
  EXPECT_EQ(answer.Find("details")->FindString("reference"),
            response.root().Find("entry")->items()[1].FindString("fullUrl"));
  const json::Value& outcome = EntryResource(response.root(), 1);
  EXPECT_EQ(outcome.FindString("resourceType"), "OperationOutcome");
  ASSERT_EQ(outcome.Find("issue")->size(), 1u);
  EXPECT_EQ(outcome.Find("issue")->items()[0].FindString("severity"), "warning");
}

TEST(BuildResponseTest, TransientError) {
  const std::unique_ptr<Request> request = MakeRequest();
  const std::vector<fhir::Issue> issues = {{fhir::Severity::kError, fhir::IssueType::kTransient, "",
                                            "the store is unavailable: resend the message"}};
  EXPECT_EQ(ResponseCodeFor(issues), ResponseCode::kTransientError);
  const json::Document response =
      BuildResponse(request->message, ResponseCode::kTransientError, issues, Answer());
  CheckResponse(response, request->message, "transient-error");
  EXPECT_EQ(EntryResource(response.root(), 1).Find("issue")->items()[0].FindString("code"),
            "transient");
}

TEST(BuildResponseTest, FatalErrorForTheReaderFindings) {
  // A request with an unresolvable focus: ReadMessage's findings become the response's outcome.
  const std::unique_ptr<Request> request = MakeRequest();
  json::Value header = *request->document.root().Find("entry")->items()[0].Find("resource");
  json::Value focus = *header.Find("focus");
  json::Value broken = request->document.MakeObject();
  request->document.Set(
      broken, "reference",
      request->document.MakeString("urn:uuid:00000000-0000-4000-8000-999999999999"));
  request->document.Append(focus, broken);
  fhir::IssueCollector issues;
  std::optional<IncomingMessage> read = ReadMessage(request->document.root(), issues);
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->valid);
  EXPECT_EQ(ResponseCodeFor(issues.issues()), ResponseCode::kFatalError);
  const json::Document response =
      BuildResponse(*read, ResponseCode::kFatalError, issues.issues(), Answer());
  CheckResponse(response, *read, "fatal-error");
  const json::Value& issue = EntryResource(response.root(), 1).Find("issue")->items()[0];
  EXPECT_EQ(issue.FindString("severity"), "error");
  EXPECT_EQ(issue.Find("expression")->items()[0].text(), "Bundle.entry[0].resource.focus[1]");
}

TEST(BuildResponseTest, RepeatsAnEventOfAnotherExchange) {
  const std::string path = std::string(ZORGBRUG_SHARED_DIR) +
                           "/fhir-r4-examples/Bundle-10bb101f-a121-4264-a920-67be9cb82c74.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "../shared is absent: " << path;
  fhir::IssueCollector issues;
  std::optional<ReceivedMessage> received =
      ParseMessage(ReadFile(path), json::ParseLimits{}, issues);
  ASSERT_TRUE(received.has_value()) << Dump(issues);
  EXPECT_FALSE(received->message.valid);  // its event is not one of ours
  const json::Document response =
      BuildResponse(received->message, ResponseCode::kFatalError, issues.issues(), Answer());
  ExpectValid(response.root());
  const json::Value& header = EntryResource(response.root(), 0);
  EXPECT_EQ(header.Find("eventCoding")->FindString("code"), "patient-link");
  EXPECT_EQ(header.Find("response")->FindString("identifier"),
            "267b18ce-3d37-4581-9baa-6fada338038b");
}

TEST(BuildResponseTest, ResponseCodeFor) {
  using fhir::IssueType;
  using fhir::Severity;
  EXPECT_EQ(ResponseCodeFor({}), ResponseCode::kOk);
  const std::vector<fhir::Issue> info = {
      {Severity::kInformation, IssueType::kInformational, "", ""}};
  EXPECT_EQ(ResponseCodeFor(info), ResponseCode::kOk);
  const std::vector<fhir::Issue> mixed = {{Severity::kError, IssueType::kTimeout, "", ""},
                                          {Severity::kError, IssueType::kInvalid, "", ""}};
  EXPECT_EQ(ResponseCodeFor(mixed), ResponseCode::kFatalError);
  EXPECT_EQ(ResponseCodeText(ResponseCode::kOk), "ok");
  EXPECT_EQ(ResponseCodeText(ResponseCode::kTransientError), "transient-error");
  EXPECT_EQ(ResponseCodeText(ResponseCode::kFatalError), "fatal-error");
}

}  // namespace
}  // namespace zorgbrug::gateway::messaging
