// The event code system: codes round-trip, the published CodeSystem holds exactly the events of
// events.h and validates against R4 without error.

#include "gateway/messaging/events.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "adapters/common/test_util.h"
#include "fhir/json/parser.h"

namespace zorgbrug::gateway::messaging {
namespace {

namespace json = fhir::json;
using adapters::common::testutil::Dump;
using adapters::common::testutil::ExpectValid;

TEST(EventsTest, CodesRoundTrip) {
  std::set<std::string> codes;
  for (MessageEvent event : AllEvents()) {
    EXPECT_EQ(EventFromCode(EventCode(event)), event) << EventCode(event);
    EXPECT_FALSE(EventDisplay(event).empty());
    EXPECT_FALSE(EventDefinition(event).empty());
    EXPECT_FALSE(FocusTypes(event).empty());
    codes.insert(std::string(EventCode(event)));
  }
  EXPECT_EQ(codes, (std::set<std::string>{"epd-record", "bib-screening", "consultation-record",
                                          "care-plan-contribution", "care-plan-update"}));
  EXPECT_EQ(EventFromCode("admin-notify"), std::nullopt);
  EXPECT_EQ(EventFromCode(""), std::nullopt);
}

TEST(EventsTest, FocusTypesPerEvent) {
  EXPECT_TRUE(IsFocusType(MessageEvent::kEpdRecord, "Patient"));
  EXPECT_TRUE(IsFocusType(MessageEvent::kEpdRecord, "Encounter"));
  EXPECT_TRUE(IsFocusType(MessageEvent::kEpdRecord, "Observation"));
  EXPECT_FALSE(IsFocusType(MessageEvent::kEpdRecord, "Practitioner"));
  EXPECT_TRUE(IsFocusType(MessageEvent::kBibScreening, "QuestionnaireResponse"));
  EXPECT_FALSE(IsFocusType(MessageEvent::kBibScreening, "Observation"));
  EXPECT_TRUE(IsFocusType(MessageEvent::kConsultationRecord, "Encounter"));
  EXPECT_TRUE(IsFocusType(MessageEvent::kCarePlanContribution, "Task"));
  EXPECT_TRUE(IsFocusType(MessageEvent::kCarePlanUpdate, "CarePlan"));
  EXPECT_FALSE(IsFocusType(MessageEvent::kCarePlanUpdate, "Task"));
}

TEST(EventsTest, CodeSystemIsCompleteAndValid) {
  fhir::IssueCollector issues;
  std::optional<json::Document> doc = json::Parse(EventCodeSystem(), json::ParseLimits{}, issues);
  ASSERT_TRUE(doc.has_value()) << Dump(issues);
  const json::Value& cs = doc->root();
  EXPECT_EQ(cs.FindString("resourceType"), "CodeSystem");
  EXPECT_EQ(cs.FindString("url"), kMessageEventSystem);
  EXPECT_EQ(cs.FindString("version"), "1.0.0");
  EXPECT_EQ(cs.FindString("status"), "active");
  EXPECT_EQ(cs.FindString("content"), "complete");
  EXPECT_EQ(cs.Find("count")->text(), std::to_string(AllEvents().size()));
  const json::Value* concepts = cs.Find("concept");
  ASSERT_NE(concepts, nullptr);
  ASSERT_EQ(concepts->size(), AllEvents().size());
  for (size_t i = 0; i < AllEvents().size(); ++i) {
    const json::Value& concept_value = concepts->items()[i];
    const MessageEvent event = AllEvents()[i];
    EXPECT_EQ(concept_value.FindString("code"), EventCode(event));
    EXPECT_EQ(concept_value.FindString("display"), EventDisplay(event));
    EXPECT_EQ(concept_value.FindString("definition"), EventDefinition(event));
  }
  ExpectValid(cs);
}

}  // namespace
}  // namespace zorgbrug::gateway::messaging
