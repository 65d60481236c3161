// ReadMessage: one failing input per rule with the location of the finding; a valid message read
// back field by field; the focus closure; the official R4 message examples; ContentHash.

#include "gateway/messaging/process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/test_util.h"
#include "fhir/json/parser.h"
#include "fhir/json/writer.h"

namespace zorgbrug::gateway::messaging {
namespace {

namespace json = fhir::json;
using adapters::common::testutil::Dump;
using adapters::common::testutil::HasError;
using adapters::common::testutil::ReadFile;

// A bib-screening request: the MessageHeader, the QuestionnaireResponse (focus), the
// PractitionerRole it names as author and that role's Practitioner.
constexpr std::string_view kRequest = R"json({
  "resourceType": "Bundle", "id": "bundle-1", "type": "message",
  "timestamp": "2026-11-23T10:00:00Z",
  "entry": [
    {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
     "resource": {"resourceType": "MessageHeader", "id": "header-1",
       "eventCoding": {"system": "https://zorgbrug.be/fhir/CodeSystem/message-event",
                       "code": "bib-screening"},
       "destination": [{"name": "platform", "endpoint": "https://platform.example.be/fhir"}],
       "source": {"name": "EPD", "endpoint": "https://epd.example.be/fhir"},
       "focus": [{"reference": "urn:uuid:00000000-0000-4000-8000-000000000002"}]}},
    {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
     "resource": {"resourceType": "QuestionnaireResponse", "id": "qr", "status": "completed",
       "author": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000003"}}},
    {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003",
     "resource": {"resourceType": "PractitionerRole", "id": "role",
       "practitioner": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000004"}}},
    {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000004",
     "resource": {"resourceType": "Practitioner", "id": "practitioner"}}
  ]})json";

json::Document Parse(std::string_view text) {
  fhir::IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, issues);
  EXPECT_TRUE(doc.has_value()) << Dump(issues);
  return doc.has_value() ? std::move(*doc) : json::Document();
}

// kRequest with `edit` applied to its root.
json::Document Request(const std::function<void(json::Document&, json::Value&)>& edit = {}) {
  json::Document doc = Parse(kRequest);
  if (edit) edit(doc, doc.root());
  return doc;
}

json::Value& Header(json::Value& bundle) {
  return *bundle.Find("entry")->items()[0].Find("resource");
}

struct Read {
  fhir::IssueCollector issues;
  std::optional<IncomingMessage> message;
};

Read ReadIt(const json::Document& doc, const ReadOptions& options = {}) {
  Read read;
  read.message = ReadMessage(doc.root(), read.issues, options);
  return read;
}

// The message cannot be answered, with an error at `expression`.
void ExpectUnanswerable(const json::Document& doc, std::string_view expression) {
  Read read = ReadIt(doc);
  EXPECT_FALSE(read.message.has_value());
  EXPECT_TRUE(HasError(read.issues, expression)) << Dump(read.issues);
}

// The message is read but not processable, with an error at `expression`.
void ExpectInvalid(const json::Document& doc, std::string_view expression) {
  Read read = ReadIt(doc);
  ASSERT_TRUE(read.message.has_value()) << Dump(read.issues);
  EXPECT_FALSE(read.message->valid);
  EXPECT_TRUE(HasError(read.issues, expression)) << Dump(read.issues);
}

TEST(ReadMessageTest, ReadsAValidRequest) {
  const json::Document doc = Request();
  Read read = ReadIt(doc);
  ASSERT_TRUE(read.message.has_value()) << Dump(read.issues);
  EXPECT_TRUE(read.issues.issues().empty()) << Dump(read.issues);
  const IncomingMessage& m = *read.message;
  EXPECT_TRUE(m.valid);
  EXPECT_EQ(m.bundle_id, "bundle-1");
  EXPECT_EQ(m.header_id, "header-1");
  EXPECT_EQ(m.event, MessageEvent::kBibScreening);
  EXPECT_EQ(m.event_system, kMessageEventSystem);
  EXPECT_EQ(m.event_code, "bib-screening");
  EXPECT_EQ(m.source.name, "EPD");
  EXPECT_EQ(m.source.endpoint, "https://epd.example.be/fhir");
  ASSERT_EQ(m.destinations.size(), 1u);
  EXPECT_EQ(m.destinations[0].endpoint, "https://platform.example.be/fhir");
  ASSERT_EQ(m.focus.size(), 1u);
  EXPECT_EQ(m.focus[0].index, 1u);
  EXPECT_EQ(m.focus[0].resource_type, "QuestionnaireResponse");
  EXPECT_EQ(m.focus[0].resource.FindString("id"), "qr");
  EXPECT_TRUE(m.response_identifier.empty());
  EXPECT_TRUE(m.content_hash.empty());
}

TEST(ReadMessageTest, NotABundle) {
  ExpectUnanswerable(Parse(R"({"resourceType": "Patient", "id": "p"})"), "Patient");
}

TEST(ReadMessageTest, BundleTypeNotMessage) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) {
                       d.Set(b, "type", d.MakeString("collection"));
                     }),
                     "Bundle.type");
}

TEST(ReadMessageTest, BundleWithoutId) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) { d.Remove(b, "id"); }),
                     "Bundle.id");
}

TEST(ReadMessageTest, BundleWithoutEntries) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) { d.Remove(b, "entry"); }),
                     "Bundle.entry");
}

TEST(ReadMessageTest, FirstEntryNotAMessageHeader) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) {
                       json::Value entries = *b.Find("entry");
                       std::swap(entries.items()[0], entries.items()[1]);
                     }),
                     "Bundle.entry[0].resource");
}

TEST(ReadMessageTest, HeaderWithoutId) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) { d.Remove(Header(b), "id"); }),
                     "Bundle.entry[0].resource.id");
}

TEST(ReadMessageTest, HeaderIdNotAnId) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) {
                       d.Set(Header(b), "id", d.MakeString("not an id"));
                     }),
                     "Bundle.entry[0].resource.id");
}

TEST(ReadMessageTest, NoEvent) {
  ExpectUnanswerable(
      Request([](json::Document& d, json::Value& b) { d.Remove(Header(b), "eventCoding"); }),
      "Bundle.entry[0].resource.eventCoding");
}

TEST(ReadMessageTest, EventOfAnotherSystemIsNotSupported) {
  const json::Document doc = Request([](json::Document& d, json::Value& b) {
    json::Value coding = *Header(b).Find("eventCoding");
    d.Set(coding, "system", d.MakeString("http://example.org/fhir/message-events"));
    d.Set(coding, "code", d.MakeString("admin-notify"));
  });
  ExpectInvalid(doc, "Bundle.entry[0].resource.eventCoding");
  Read read = ReadIt(doc);
  ASSERT_FALSE(read.issues.issues().empty());
  EXPECT_EQ(read.issues.issues()[0].type, fhir::IssueType::kNotSupported);
  EXPECT_FALSE(read.message->event.has_value());
  EXPECT_EQ(read.message->event_code, "admin-notify");

  // Readable when the caller accepts events of other exchanges.
  Read relaxed = ReadIt(doc, ReadOptions{.require_known_event = false});
  ASSERT_TRUE(relaxed.message.has_value());
  EXPECT_TRUE(relaxed.message->valid) << Dump(relaxed.issues);
}

TEST(ReadMessageTest, UnknownCodeOfOurSystem) {
  const json::Document doc = Request([](json::Document& d, json::Value& b) {
    d.Set(*Header(b).Find("eventCoding"), "code", d.MakeString("pregnancy-ended"));
  });
  ExpectInvalid(doc, "Bundle.entry[0].resource.eventCoding");
  EXPECT_EQ(ReadIt(doc).issues.issues()[0].type, fhir::IssueType::kCodeInvalid);
}

TEST(ReadMessageTest, EventUriIsNotSupported) {
  const json::Document doc = Request([](json::Document& d, json::Value& b) {
    d.Remove(Header(b), "eventCoding");
    d.Set(Header(b), "eventUri", d.MakeString("https://example.org/events/admit"));
  });
  ExpectInvalid(doc, "Bundle.entry[0].resource.eventUri");
  EXPECT_EQ(ReadIt(doc).message->event_uri, "https://example.org/events/admit");
}

TEST(ReadMessageTest, NoSourceEndpoint) {
  ExpectUnanswerable(Request([](json::Document& d, json::Value& b) {
                       d.Remove(*Header(b).Find("source"), "endpoint");
                     }),
                     "Bundle.entry[0].resource.source.endpoint");
}

TEST(ReadMessageTest, FocusThatIsNotAnEntry) {
  ExpectInvalid(Request([](json::Document& d, json::Value& b) {
                  json::Value focus = *Header(b).Find("focus");
                  json::Value reference = d.MakeObject();
                  d.Set(reference, "reference",
                        d.MakeString("urn:uuid:00000000-0000-4000-8000-000000000099"));
                  d.Append(focus, reference);
                }),
                "Bundle.entry[0].resource.focus[1]");
}

TEST(ReadMessageTest, FocusWithoutReference) {
  ExpectInvalid(Request([](json::Document& d, json::Value& b) {
                  json::Value focus = Header(b).Find("focus")->items()[0];
                  d.Remove(focus, "reference");
                  d.Set(focus, "display", d.MakeString("a screening"));
                }),
                "Bundle.entry[0].resource.focus[0]");
}

TEST(ReadMessageTest, FocusOfATypeTheEventDoesNotAllow) {
  ExpectInvalid(Request([](json::Document& d, json::Value& b) {
                  d.Set(Header(b).Find("focus")->items()[0], "reference",
                        d.MakeString("urn:uuid:00000000-0000-4000-8000-000000000004"));
                }),
                "Bundle.entry[0].resource.focus[0]");
}

TEST(ReadMessageTest, KnownEventWithoutFocus) {
  ExpectInvalid(Request([](json::Document& d, json::Value& b) { d.Remove(Header(b), "focus"); }),
                "Bundle.entry[0].resource.focus");
}

TEST(ReadMessageTest, ClosureUrnThatDoesNotResolveIsAnError) {
  // The focus's author resolves; the author's practitioner does not: the closure is followed.
  ExpectInvalid(Request([](json::Document& d, json::Value& b) {
                  json::Value role = *b.Find("entry")->items()[2].Find("resource");
                  d.Set(*role.Find("practitioner"), "reference",
                        d.MakeString("urn:uuid:00000000-0000-4000-8000-000000000099"));
                }),
                "Bundle.entry[2].resource.practitioner");
}

TEST(ReadMessageTest, ClosureRelativeReferenceElsewhereIsAWarning) {
  const json::Document doc = Request([](json::Document& d, json::Value& b) {
    json::Value response = *b.Find("entry")->items()[1].Find("resource");
    json::Value subject = d.Set(response, "subject", d.MakeObject());
    d.Set(subject, "reference", d.MakeString("Patient/elsewhere"));
    json::Value contained = d.Set(response, "basedOn", d.MakeArray());
    json::Value local = d.MakeObject();
    d.Set(local, "reference", d.MakeString("#local"));  // a contained resource: not followed
    d.Append(contained, local);
  });
  Read read = ReadIt(doc);
  ASSERT_TRUE(read.message.has_value());
  EXPECT_TRUE(read.message->valid) << Dump(read.issues);
  ASSERT_EQ(read.issues.issues().size(), 1u) << Dump(read.issues);
  EXPECT_EQ(read.issues.issues()[0].severity, fhir::Severity::kWarning);
  EXPECT_EQ(read.issues.issues()[0].expression, "Bundle.entry[1].resource.subject");
}

TEST(ReadMessageTest, EntriesOutsideTheClosureAreNotFollowed) {
  // A broken reference in an entry no focus reaches is the validator's business, not the closure's.
  const json::Document doc = Request([](json::Document& d, json::Value& b) {
    json::Value entry = d.MakeObject();
    d.Set(entry, "fullUrl", d.MakeString("urn:uuid:00000000-0000-4000-8000-000000000005"));
    json::Value resource = d.Set(entry, "resource", d.MakeObject());
    d.Set(resource, "resourceType", d.MakeString("Organization"));
    json::Value part_of = d.Set(resource, "partOf", d.MakeObject());
    d.Set(part_of, "reference", d.MakeString("urn:uuid:00000000-0000-4000-8000-000000000099"));
    json::Value entries = *b.Find("entry");
    d.Append(entries, entry);
  });
  Read read = ReadIt(doc);
  ASSERT_TRUE(read.message.has_value());
  EXPECT_TRUE(read.issues.issues().empty()) << Dump(read.issues);
}

TEST(ReadMessageTest, ReadsAResponse) {
  const json::Document doc = Request([](json::Document& d, json::Value& b) {
    json::Value response = d.Set(Header(b), "response", d.MakeObject());
    d.Set(response, "identifier", d.MakeString("request-header"));
    d.Set(response, "code", d.MakeString("ok"));
  });
  Read read = ReadIt(doc);
  ASSERT_TRUE(read.message.has_value());
  EXPECT_EQ(read.message->response_identifier, "request-header");
  EXPECT_EQ(read.message->response_code, "ok");
}

TEST(BundleEntriesTest, ResolvesLikeTheValidator) {
  const json::Document doc = Parse(R"({"resourceType": "Bundle", "type": "message", "entry": [
    {"fullUrl": "http://acme.com/ehr/fhir/Patient/pat1",
     "resource": {"resourceType": "Patient", "id": "pat1"}},
    {"fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
     "resource": {"resourceType": "Organization", "id": "org"}}]})");
  const BundleEntries entries(doc.root());
  ASSERT_EQ(entries.entries().size(), 2u);
  auto index = [&](std::string_view reference) -> int {
    const BundleEntry* entry = entries.Resolve(reference);
    return entry == nullptr ? -1 : static_cast<int>(entry->index);
  };
  EXPECT_EQ(index("http://acme.com/ehr/fhir/Patient/pat1"), 0);
  EXPECT_EQ(index("Patient/pat1"), 0);
  EXPECT_EQ(index("Patient/pat1/_history/2"), 0);
  EXPECT_EQ(index("http://elsewhere.example/fhir/Patient/pat1"), -1);
  EXPECT_EQ(index("urn:uuid:00000000-0000-4000-8000-000000000001"), 1);
  EXPECT_EQ(index("Organization/org"), 1);
  EXPECT_EQ(index("urn:uuid:00000000-0000-4000-8000-000000000002"), -1);
  EXPECT_EQ(index("#org"), -1);
  EXPECT_EQ(index(""), -1);
}

TEST(ParseMessageTest, KeepsTheDocumentAndHashesTheBytes) {
  fhir::IssueCollector issues;
  std::optional<ReceivedMessage> received = ParseMessage(kRequest, json::ParseLimits{}, issues);
  ASSERT_TRUE(received.has_value()) << Dump(issues);
  EXPECT_EQ(received->message.content_hash, ContentHash(kRequest));
  EXPECT_EQ(received->message.focus[0].resource.FindString("id"), "qr");
  // Moving the pair keeps the handles valid (they point into the document's arena).
  ReceivedMessage moved = std::move(*received);
  EXPECT_EQ(moved.message.focus[0].full_url, "urn:uuid:00000000-0000-4000-8000-000000000002");

  fhir::IssueCollector bad;
  EXPECT_FALSE(ParseMessage("{\"resourceType\": ", json::ParseLimits{}, bad).has_value());
  EXPECT_TRUE(bad.HasErrors());
}

TEST(ContentHashTest, KnownAnswers) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(ContentHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ContentHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ContentHash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(ContentHashTest, StableAndSensitive) {
  const std::string bytes(kRequest);
  EXPECT_EQ(ContentHash(bytes), ContentHash(bytes));
  std::string changed = bytes;
  changed[changed.size() / 2] ^= 1;
  EXPECT_NE(ContentHash(changed), ContentHash(bytes));
  EXPECT_EQ(ContentHash(std::string_view("a\0b", 3)).size(), 64u);
}

// The Bundles of type message among the official R4 examples.
std::vector<std::string> OfficialMessageExamples() {
  std::vector<std::string> files;
  const std::filesystem::path dir = std::filesystem::path(ZORGBRUG_SHARED_DIR) / "fhir-r4-examples";
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = file.path().filename().string();
    if (!name.starts_with("Bundle-") || !name.ends_with(".json")) continue;
    const std::string text = ReadFile(file.path().string());
    fhir::IssueCollector issues;
    std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, issues);
    if (doc.has_value() && doc->root().FindString("type") == "message") {
      files.push_back(file.path().string());
    }
  }
  return files;
}

TEST(OfficialExamplesTest, MessageBundlesReadWithoutError) {
  if (!std::filesystem::exists(std::filesystem::path(ZORGBRUG_SHARED_DIR) / "fhir-r4-examples")) {
    GTEST_SKIP() << "../shared/fhir-r4-examples is absent: the official R4 message examples "
                    "were not read";
  }
  const std::vector<std::string> files = OfficialMessageExamples();
  ASSERT_FALSE(files.empty()) << "no Bundle of type message among the R4 examples";
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    fhir::IssueCollector issues;
    // Their events are example.org's: read as messages of another exchange.
    std::optional<ReceivedMessage> received = ParseMessage(
        ReadFile(file), json::ParseLimits{}, issues, ReadOptions{.require_known_event = false});
    ASSERT_TRUE(received.has_value()) << Dump(issues);
    EXPECT_TRUE(received->message.valid);
    EXPECT_FALSE(issues.HasErrors()) << Dump(issues);
    EXPECT_FALSE(received->message.focus.empty());
    EXPECT_FALSE(received->message.event.has_value());
    EXPECT_EQ(received->message.event_system, "http://example.org/fhir/message-events");

    // As the engine reads them: the only error is the event it cannot route.
    fhir::IssueCollector strict;
    ASSERT_TRUE(ParseMessage(ReadFile(file), json::ParseLimits{}, strict).has_value());
    std::vector<std::string> errors;
    for (const fhir::Issue& issue : strict.issues()) {
      if (issue.severity == fhir::Severity::kError) errors.push_back(issue.expression);
    }
    EXPECT_EQ(errors, std::vector<std::string>{"Bundle.entry[0].resource.eventCoding"});
  }
}

}  // namespace
}  // namespace zorgbrug::gateway::messaging
