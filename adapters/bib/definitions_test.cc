// The published BiB definitions: each resource is valid R4, the Questionnaire has exactly the items
// of definitions.h, and the code systems hold every code the protos and the header name.

#include "adapters/bib/definitions.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/programme.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/value.h"
#include "fhir/validation/validator.h"
#include "google/protobuf/descriptor.h"

namespace zorgbrug::adapters::bib {
namespace {

namespace json = fhir::json;

// One line per issue: "<severity> <expression>: <diagnostics>".
std::string Dump(const fhir::IssueCollector& issues) {
  std::string out;
  for (const fhir::Issue& i : issues.issues()) {
    out += std::string(fhir::SeverityCode(i.severity)) + " " + i.expression + ": " + i.diagnostics +
           "\n";
  }
  return out;
}

// The published resources, parsed; fails the test for one that does not parse.
std::vector<json::Document> Parsed() {
  std::vector<json::Document> docs;
  for (const std::string& text : PublishedResources()) {
    fhir::IssueCollector issues;
    std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, issues);
    EXPECT_TRUE(doc.has_value()) << Dump(issues);
    if (doc.has_value()) docs.push_back(std::move(*doc));
  }
  return docs;
}

// The values of a proto enum other than 0 (*_UNSPECIFIED), in declaration order.
std::vector<int> NonZeroValues(const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<int> values;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() != 0) values.push_back(descriptor->value(i)->number());
  }
  return values;
}

std::vector<v1::BibIndicator> BibIndicators() {
  std::vector<v1::BibIndicator> out;
  for (int n : NonZeroValues(v1::BibIndicator_descriptor())) {
    out.push_back(static_cast<v1::BibIndicator>(n));
  }
  return out;
}

// "<parent linkId> > <linkId> <type> <min>..<max>" for every item, depth first.
void Describe(const json::Value& parent, std::string_view parent_id,
              std::vector<std::string>& out) {
  const json::Value* items = parent.Find("item");
  if (items == nullptr) return;
  for (const json::Value& item : items->items()) {
    const json::Value* required = item.Find("required");
    const json::Value* repeats = item.Find("repeats");
    const bool min1 = required != nullptr && required->GetBool();
    const bool many = repeats != nullptr && repeats->GetBool();
    out.push_back(std::string(parent_id) + " > " + std::string(item.FindString("linkId")) + " " +
                  std::string(item.FindString("type")) + (min1 ? " 1.." : " 0..") +
                  (many ? "*" : "1"));
    Describe(item, item.FindString("linkId"), out);
  }
}

// The items definitions.h lists, in Describe's notation.
std::vector<std::string> ExpectedItems() {
  std::vector<std::string> out;
  auto add = [&out](const std::string& parent, const std::string& item) {
    out.push_back(parent + " > " + item);
  };
  add("-", "status choice 1..1");
  add("-", "timing group 1..1");
  add("timing", "gestational-age-weeks integer 0..1");
  add("timing", "gestational-age-days integer 0..1");
  add("timing", "days-postpartum integer 0..1");
  add("-", "indicators group 0..1");
  for (v1::BibIndicator indicator : BibIndicators()) {
    const std::string c(common::BibIndicatorCode(indicator));
    add("indicators", c + " group 0..1");
    add(c, c + ".score decimal 1..1");
    add(c, c + ".threshold decimal 1..1");
    add(c, c + ".positive boolean 1..1");
    add(c, c + ".answer group 0..*");
    add(c + ".answer", c + ".answer.item string 1..1");
    add(c + ".answer", c + ".answer.code string 0..1");
    add(c + ".answer", c + ".answer.text string 0..1");
    add(c + ".answer", c + ".answer.points decimal 0..1");
  }
  add("-", "judgement group 0..1");
  add("judgement", "judgement.clearly-present choice 0..*");
  add("judgement", "judgement.note text 0..1");
  add("-", "share-consent choice 1..1");
  return out;
}

// The item with `link_id` anywhere under `parent`, or nullptr.
const json::Value* FindItem(const json::Value& parent, std::string_view link_id) {
  const json::Value* items = parent.Find("item");
  if (items == nullptr) return nullptr;
  for (const json::Value& item : items->items()) {
    if (item.FindString("linkId") == link_id) return &item;
    if (const json::Value* found = FindItem(item, link_id)) return found;
  }
  return nullptr;
}

// "system|code|display" of each answerOption.valueCoding of `item`.
std::vector<std::string> Options(const json::Value& item) {
  std::vector<std::string> out;
  const json::Value* options = item.Find("answerOption");
  if (options == nullptr) return out;
  for (const json::Value& option : options->items()) {
    const json::Value* coding = option.Find("valueCoding");
    if (coding == nullptr) continue;
    out.push_back(std::string(coding->FindString("system")) + "|" +
                  std::string(coding->FindString("code")) + "|" +
                  std::string(coding->FindString("display")));
  }
  return out;
}

// code -> display of a CodeSystem's concepts.
std::vector<std::pair<std::string, std::string>> Concepts(const json::Value& code_system) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json::Value& c : code_system.Find("concept")->items()) {
    out.emplace_back(c.FindString("code"), c.FindString("display"));
    EXPECT_FALSE(c.FindString("definition").empty()) << c.FindString("code");
  }
  return out;
}

TEST(BibDefinitions, EveryResourceIsValidR4) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_EQ(docs.size(), 5u);
  for (const json::Document& doc : docs) {
    fhir::IssueCollector issues;
    fhir::validation::Validate(doc.root(), {}, issues);
    EXPECT_FALSE(issues.HasErrors()) << doc.root().FindString("id") << ":\n" << Dump(issues);
    // Not even a warning: the narrative is there for dom-6.
    for (const fhir::Issue& issue : issues.issues()) {
      EXPECT_NE(issue.severity, fhir::Severity::kWarning)
          << doc.root().FindString("id") << " " << issue.expression << ": " << issue.diagnostics;
    }
  }
}

TEST(BibDefinitions, PublishesTheQuestionnaireThenFourCodeSystemsInOrder) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_EQ(docs.size(), 5u);
  const json::Value& q = docs[0].root();
  EXPECT_EQ(q.FindString("resourceType"), "Questionnaire");
  EXPECT_EQ(q.FindString("id"), "bib-screening");
  EXPECT_EQ(q.FindString("status"), "active");
  EXPECT_EQ(std::string(q.FindString("url")) + "|" + std::string(q.FindString("version")),
            kQuestionnaireCanonical);
  const std::string_view urls[] = {common::kBibScreeningSystem, common::kBibIndicatorSystem,
                                   common::kKceIndicatorSystem, common::kProgrammeServiceSystem};
  for (int i = 0; i < 4; ++i) {
    const json::Value& cs = docs[i + 1].root();
    EXPECT_EQ(cs.FindString("resourceType"), "CodeSystem");
    EXPECT_EQ(cs.FindString("url"), urls[i]);
    EXPECT_EQ(
        std::string(cs.FindString("url")),
        std::string(common::kCanonicalBase) + "/CodeSystem/" + std::string(cs.FindString("id")));
    EXPECT_EQ(cs.FindString("version"), common::kProgrammeDefinitionsVersion);
    EXPECT_EQ(cs.FindString("content"), "complete");
    EXPECT_EQ(cs.FindString("status"), "active");
  }
}

TEST(BibDefinitions, QuestionnaireHasExactlyTheItemsOfTheHeader) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_FALSE(docs.empty());
  std::vector<std::string> items;
  Describe(docs[0].root(), "-", items);
  EXPECT_EQ(items, ExpectedItems());
  EXPECT_EQ(items.size(), 6u + 13u * 9u + 4u);
  // The header's named constants are the linkIds used.
  for (std::string_view id :
       {kStatusItem, kTimingItem, kWeeksItem, kDaysItem, kDaysPostpartumItem, kIndicatorsItem,
        kJudgementItem, kClearlyPresentItem, kJudgementNoteItem, kShareConsentItem}) {
    EXPECT_NE(FindItem(docs[0].root(), id), nullptr) << id;
  }
}

TEST(BibDefinitions, LinkIdsAreUnique) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_FALSE(docs.empty());
  std::vector<std::string> items;
  Describe(docs[0].root(), "-", items);
  std::set<std::string> link_ids;
  for (const std::string& line : items) {
    const size_t start = line.find(" > ") + 3;
    const std::string id = line.substr(start, line.find(' ', start) - start);
    EXPECT_TRUE(link_ids.insert(id).second) << "duplicate linkId " << id;
  }
  EXPECT_EQ(link_ids.size(), items.size());
}

TEST(BibDefinitions, IndicatorGroupsCarryTheirBibIndicatorCode) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_FALSE(docs.empty());
  for (v1::BibIndicator indicator : BibIndicators()) {
    const std::string_view code = common::BibIndicatorCode(indicator);
    const json::Value* group = FindItem(docs[0].root(), code);
    ASSERT_NE(group, nullptr) << code;
    EXPECT_EQ(group->FindString("text"), common::BibIndicatorDisplay(indicator));
    const json::Value* codes = group->Find("code");
    ASSERT_NE(codes, nullptr) << code;
    ASSERT_EQ(codes->size(), 1u) << code;
    const json::Value& coding = codes->items()[0];
    EXPECT_EQ(coding.FindString("system"), common::kBibIndicatorSystem);
    EXPECT_EQ(coding.FindString("code"), code);
    EXPECT_EQ(coding.FindString("display"), common::BibIndicatorDisplay(indicator));
  }
}

TEST(BibDefinitions, ChoiceItemsOfferTheirCodes) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_FALSE(docs.empty());
  const json::Value& q = docs[0].root();
  const std::string screening = std::string(common::kBibScreeningSystem) + "|";
  auto option = [&](std::string_view code) {
    return screening + std::string(code) + "|" + std::string(ScreeningCodeDisplay(code));
  };
  ASSERT_NE(FindItem(q, kStatusItem), nullptr);
  EXPECT_EQ(Options(*FindItem(q, kStatusItem)),
            (std::vector<std::string>{option("completed"), option("partial"), option("refused")}));
  ASSERT_NE(FindItem(q, kShareConsentItem), nullptr);
  EXPECT_EQ(Options(*FindItem(q, kShareConsentItem)),
            (std::vector<std::string>{option("share-given"), option("share-refused")}));

  std::vector<std::string> kce;
  for (int n : NonZeroValues(v1::KceIndicator_descriptor())) {
    const auto indicator = static_cast<v1::KceIndicator>(n);
    kce.push_back(std::string(common::kKceIndicatorSystem) + "|" +
                  std::string(common::KceIndicatorCode(indicator)) + "|" +
                  std::string(common::KceIndicatorDisplay(indicator)));
  }
  ASSERT_NE(FindItem(q, kClearlyPresentItem), nullptr);
  EXPECT_EQ(Options(*FindItem(q, kClearlyPresentItem)), kce);
  EXPECT_EQ(kce.size(), 8u);
}

TEST(BibDefinitions, CodeSystemCountsMatchTheirConcepts) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_EQ(docs.size(), 5u);
  const size_t expected[] = {13, 13, 8, 4};
  for (int i = 0; i < 4; ++i) {
    const json::Value& cs = docs[i + 1].root();
    ASSERT_NE(cs.Find("count"), nullptr);
    ASSERT_NE(cs.Find("concept"), nullptr);
    EXPECT_EQ(cs.Find("count")->text(), std::to_string(cs.Find("concept")->size()));
    EXPECT_EQ(cs.Find("concept")->size(), expected[i]) << cs.FindString("id");
    std::set<std::string> codes;
    for (const auto& [code, display] : Concepts(cs)) {
      EXPECT_TRUE(codes.insert(code).second) << "duplicate code " << code;
      EXPECT_FALSE(display.empty()) << code;
    }
  }
}

// The concepts of `code_system` must be exactly `expected` (code, display), in that order.
void ExpectConcepts(const json::Value& code_system,
                    const std::vector<std::pair<std::string, std::string>>& expected) {
  EXPECT_EQ(Concepts(code_system), expected) << code_system.FindString("id");
}

TEST(BibDefinitions, CodeSystemsHoldEveryEnumValue) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_EQ(docs.size(), 5u);
  std::vector<std::pair<std::string, std::string>> bib, kce, services;
  for (v1::BibIndicator indicator : BibIndicators()) {
    bib.emplace_back(common::BibIndicatorCode(indicator), common::BibIndicatorDisplay(indicator));
  }
  for (int n : NonZeroValues(v1::KceIndicator_descriptor())) {
    const auto indicator = static_cast<v1::KceIndicator>(n);
    kce.emplace_back(common::KceIndicatorCode(indicator), common::KceIndicatorDisplay(indicator));
  }
  for (int n : NonZeroValues(v1::ProgrammeService_descriptor())) {
    const auto service = static_cast<v1::ProgrammeService>(n);
    services.emplace_back(common::ProgrammeServiceCode(service),
                          common::ProgrammeServiceDisplay(service));
  }
  for (const auto* list : {&bib, &kce, &services}) {
    for (const auto& [code, display] : *list) EXPECT_FALSE(code.empty()) << display;
  }
  ExpectConcepts(docs[2].root(), bib);
  ExpectConcepts(docs[3].root(), kce);
  ExpectConcepts(docs[4].root(), services);
}

TEST(BibDefinitions, BibIndicatorDefinitionsNameTheirKceIndicator) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_EQ(docs.size(), 5u);
  for (const json::Value& c : docs[2].root().Find("concept")->items()) {
    const std::optional<v1::BibIndicator> indicator =
        common::BibIndicatorFromCode(c.FindString("code"));
    ASSERT_TRUE(indicator.has_value()) << c.FindString("code");
    const v1::KceIndicator kce = common::KceIndicatorOf(*indicator);
    const std::string_view definition = c.FindString("definition");
    if (kce == v1::KCE_INDICATOR_UNSPECIFIED) {
      EXPECT_NE(definition.find("Context only"), std::string_view::npos) << definition;
    } else {
      EXPECT_NE(definition.find(common::KceIndicatorDisplay(kce)), std::string_view::npos)
          << definition;
    }
  }
}

TEST(BibDefinitions, ScreeningCodeSystemHasTheHeaderCodesWithTheirDisplays) {
  const std::vector<json::Document> docs = Parsed();
  ASSERT_EQ(docs.size(), 5u);
  const std::vector<std::string> header_codes = {"bib-screening",
                                                 "completed",
                                                 "partial",
                                                 "refused",
                                                 "share-given",
                                                 "share-refused",
                                                 "threshold",
                                                 "professional-judgement",
                                                 "programme-eligibility",
                                                 "not-eligible",
                                                 "eligible-not-reimbursable",
                                                 "reimbursable",
                                                 "amount"};
  std::vector<std::pair<std::string, std::string>> expected;
  for (const std::string& code : header_codes) {
    EXPECT_FALSE(ScreeningCodeDisplay(code).empty()) << code;
    expected.emplace_back(code, ScreeningCodeDisplay(code));
  }
  ExpectConcepts(docs[1].root(), expected);
  EXPECT_EQ(ScreeningCodeDisplay("bib-screening"), "Born in Belgium screening");
}

TEST(BibDefinitions, ScreeningCodeDisplayIsEmptyForAnUnknownCode) {
  EXPECT_TRUE(ScreeningCodeDisplay("no-such-code").empty());
  EXPECT_TRUE(ScreeningCodeDisplay("").empty());
  EXPECT_TRUE(ScreeningCodeDisplay("Completed").empty());  // codes are case-sensitive
}

TEST(BibDefinitions, OutputIsByteIdenticalAcrossCalls) {
  const std::vector<std::string> first = PublishedResources();
  const std::vector<std::string> second = PublishedResources();
  ASSERT_EQ(first.size(), 5u);
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace zorgbrug::adapters::bib
