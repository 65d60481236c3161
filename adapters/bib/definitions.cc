#include "adapters/bib/definitions.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/programme.h"
#include "fhir/json/value.h"
#include "fhir/json/writer.h"

namespace zorgbrug::adapters::bib {
namespace {

namespace json = fhir::json;
using common::AppendObject;
using common::SetString;

struct ScreeningCodeRow {
  std::string_view code;
  std::string_view display;
  std::string_view definition;
};
// The codes definitions.h lists, in that order (the order of the published code system).
constexpr std::array<ScreeningCodeRow, 13> kScreeningCodes = {{
    {"bib-screening", "Born in Belgium screening",
     "The Born in Belgium psychosocial screening as a whole: the code of its panel Observation."},
    {"completed", "Completed", "Every indicator of the screening has a result."},
    {"partial", "Partially completed",
     "The screening stopped before every indicator had a result."},
    {"refused", "Refused", "The woman refused the screening: no indicator has a tool result."},
    {"share-given", "Sharing agreed",
     "The woman agreed to share the screening's result with her care team."},
    {"share-refused", "Sharing refused",
     "The woman refused to share the screening's result with her care team."},
    {"threshold", "Indicator threshold",
     "The score from which the indicator is positive, as the screening tool applies it."},
    {"professional-judgement", "Professional judgement of risk factors",
     "The KCE indicators a professional judges clearly present without a tool result."},
    {"programme-eligibility", "Perinatal programme eligibility",
     "The result of the programme's eligibility and reimbursement rules for a pregnancy."},
    {"not-eligible", "Not eligible", "The woman is not eligible for the service."},
    {"eligible-not-reimbursable", "Eligible, not reimbursable",
     "The woman is eligible for the service, but its next instance is not reimbursed (for "
     "example, the reimbursed number is reached)."},
    {"reimbursable", "Reimbursable",
     "The woman is eligible for the service and its next instance is reimbursed."},
    {"amount", "Reimbursed amount", "The amount reimbursed for the service, in euro."},
}};

// programme.h holds the codes and displays; only the definitions are this file's own.
std::string_view ServiceDefinition(v1::ProgrammeService service) {
  switch (service) {
    case v1::PROGRAMME_SERVICE_BIB_SCREENING:
      return "The Born in Belgium psychosocial screening by a care or welfare professional, "
             "preferably before week 14 of pregnancy and at the latest 7 days postpartum.";
    case v1::PROGRAMME_SERVICE_PPA:
      return "A personal prenatal advice consultation by a GP, gynaecologist or midwife.";
    case v1::PROGRAMME_SERVICE_COORDINATION:
      return "Care and welfare coordination by one coordinator of the care team, per year, from "
             "pregnancy until the child's second birthday.";
    case v1::PROGRAMME_SERVICE_PERINATAL_CONSULTATION:
      return "A perinatal consultation (perinataal overleg) organised by the coordinator, with at "
             "least four participants among whom the client.";
    default:
      return {};
  }
}

struct Concept {
  std::string code;
  std::string display;
  std::string definition;
};

// Every value of an enum from 1 to `max` that has a code in programme.h (which skips
// *_UNSPECIFIED), in enum order: the order of the code system and of the Questionnaire.
template <typename Enum>
std::vector<Enum> EnumValues(int max, std::string_view (*code)(Enum)) {
  std::vector<Enum> values;
  for (int i = 1; i <= max; ++i) {
    if (!code(static_cast<Enum>(i)).empty()) values.push_back(static_cast<Enum>(i));
  }
  return values;
}

// A minimal narrative (its title), so that the resources pass dom-6 without a warning. `title` is
// one of this file's constants, none of which holds a character that XHTML would need escaped.
void SetNarrative(json::Document& doc, json::Value& resource, std::string_view title) {
  json::Value text = doc.Set(resource, "text", doc.MakeObject());
  SetString(doc, text, "status", "generated");
  SetString(doc, text, "div",
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + std::string(title) + "</p></div>");
}

struct CodeSystemHeader {
  std::string_view id;
  std::string_view url;
  std::string_view name;
  std::string_view title;
  std::string_view description;
};

std::string CodeSystem(const CodeSystemHeader& header, const std::vector<Concept>& concepts) {
  json::Document doc;
  json::Value& cs = doc.root() = doc.MakeObject();
  SetString(doc, cs, "resourceType", "CodeSystem");
  SetString(doc, cs, "id", header.id);
  SetNarrative(doc, cs, header.title);
  SetString(doc, cs, "url", header.url);
  SetString(doc, cs, "version", common::kProgrammeDefinitionsVersion);
  SetString(doc, cs, "name", header.name);
  SetString(doc, cs, "title", header.title);
  SetString(doc, cs, "status", "active");
  SetString(doc, cs, "publisher", "zorgbrug");
  SetString(doc, cs, "description", header.description);
  doc.Set(cs, "caseSensitive", json::Document::MakeBool(true));
  SetString(doc, cs, "content", "complete");
  doc.Set(cs, "count", doc.MakeInteger(static_cast<int64_t>(concepts.size())));
  for (const Concept& c : concepts) {
    json::Value concept_value = AppendObject(doc, cs, "concept");
    SetString(doc, concept_value, "code", c.code);
    SetString(doc, concept_value, "display", c.display);
    SetString(doc, concept_value, "definition", c.definition);
  }
  return json::Write(doc.root());
}

std::string ScreeningCodeSystem() {
  std::vector<Concept> concepts;
  for (const ScreeningCodeRow& row : kScreeningCodes) {
    concepts.push_back(
        {std::string(row.code), std::string(row.display), std::string(row.definition)});
  }
  return CodeSystem({"bib-screening", common::kBibScreeningSystem, "BibScreening",
                     "Born in Belgium screening codes",
                     "Codes of the Born in Belgium screening that no standard code system has: the "
                     "screening itself, its status, the woman's decision about sharing, the "
                     "professional's judgement and the perinatal programme's eligibility result."},
                    concepts);
}

std::string BibIndicatorCodeSystem() {
  std::vector<Concept> concepts;
  for (v1::BibIndicator indicator : EnumValues(v1::BibIndicator_MAX, &common::BibIndicatorCode)) {
    const v1::KceIndicator kce = common::KceIndicatorOf(indicator);
    // This absl's StrCat takes absl::string_view, not std::string_view: plain concatenation.
    std::string definition = "Context only: counts towards no KCE indicator.";
    if (kce != v1::KCE_INDICATOR_UNSPECIFIED) {
      definition = "Counts towards the KCE indicator \"" +
                   std::string(common::KceIndicatorDisplay(kce)) + "\" (" +
                   std::string(common::KceIndicatorCode(kce)) + ").";
    }
    concepts.push_back({std::string(common::BibIndicatorCode(indicator)),
                        std::string(common::BibIndicatorDisplay(indicator)),
                        std::move(definition)});
  }
  return CodeSystem(
      {"bib-indicator", common::kBibIndicatorSystem, "BibIndicator",
       "Born in Belgium screening indicators",
       "The 13 indicators of the Born in Belgium screening tool, in the tool's order; "
       "each is positive when its score reaches its threshold."},
      concepts);
}

std::string KceIndicatorCodeSystem() {
  std::vector<Concept> concepts;
  for (v1::KceIndicator kce : EnumValues(v1::KceIndicator_MAX, &common::KceIndicatorCode)) {
    std::string display(common::KceIndicatorDisplay(kce));
    std::string lower = display;
    absl::AsciiStrToLower(&lower);
    concepts.push_back({std::string(common::KceIndicatorCode(kce)), std::move(display),
                        "Psychosocial vulnerability (KCE indicator): " + lower + "."});
  }
  return CodeSystem(
      {"kce-indicator", common::kKceIndicatorSystem, "KceIndicator", "KCE vulnerability indicators",
       "The eight psychosocial vulnerability indicators of the KCE that decide entry "
       "into the Belgian perinatal programme."},
      concepts);
}

std::string ProgrammeServiceCodeSystem() {
  std::vector<Concept> concepts;
  for (v1::ProgrammeService service :
       EnumValues(v1::ProgrammeService_MAX, &common::ProgrammeServiceCode)) {
    concepts.push_back({std::string(common::ProgrammeServiceCode(service)),
                        std::string(common::ProgrammeServiceDisplay(service)),
                        std::string(ServiceDefinition(service))});
  }
  return CodeSystem({"programme-service", common::kProgrammeServiceSystem, "ProgrammeService",
                     "Perinatal programme services",
                     "The services of the Belgian perinatal programme; their billing codes are not "
                     "public, so the project defines these codes."},
                    concepts);
}

enum class Card { kOptional, kRequired, kRepeating };

// Appends an item to `parent`.item; R4 element order (linkId, code, text, type, required, repeats).
json::Value AddItem(json::Document& doc, json::Value& parent, std::string_view link_id,
                    std::string_view type, std::string_view text, Card card) {
  json::Value item = AppendObject(doc, parent, "item");
  SetString(doc, item, "linkId", link_id);
  SetString(doc, item, "text", text);
  SetString(doc, item, "type", type);
  if (card == Card::kRequired) doc.Set(item, "required", json::Document::MakeBool(true));
  if (card == Card::kRepeating) doc.Set(item, "repeats", json::Document::MakeBool(true));
  return item;
}

void AddOption(json::Document& doc, json::Value& item, std::string_view system,
               std::string_view code, std::string_view display) {
  json::Value option = AppendObject(doc, item, "answerOption");
  doc.Set(option, "valueCoding", common::Coding(doc, system, code, display));
}

void AddScreeningOptions(json::Document& doc, json::Value& item,
                         std::initializer_list<std::string_view> codes) {
  for (std::string_view code : codes) {
    AddOption(doc, item, common::kBibScreeningSystem, code, ScreeningCodeDisplay(code));
  }
}

void AddIndicatorGroup(json::Document& doc, json::Value& indicators, v1::BibIndicator indicator) {
  const std::string_view code = common::BibIndicatorCode(indicator);
  const std::string_view display = common::BibIndicatorDisplay(indicator);
  json::Value group = AppendObject(doc, indicators, "item");
  SetString(doc, group, "linkId", code);
  json::Value codes = doc.Set(group, "code", doc.MakeArray());
  doc.Append(codes, common::Coding(doc, common::kBibIndicatorSystem, code, display));
  SetString(doc, group, "text", display);
  SetString(doc, group, "type", "group");
  const std::string id(code);
  AddItem(doc, group, id + ".score", "decimal", "Score", Card::kRequired);
  AddItem(doc, group, id + ".threshold", "decimal", "Threshold", Card::kRequired);
  AddItem(doc, group, id + ".positive", "boolean", "Positive (the score reaches the threshold)",
          Card::kRequired);
  json::Value answer = AddItem(doc, group, id + ".answer", "group",
                               "Answer to one of the tool's questions", Card::kRepeating);
  AddItem(doc, answer, id + ".answer.item", "string", "Question (the tool's identifier)",
          Card::kRequired);
  AddItem(doc, answer, id + ".answer.code", "string", "Answer code", Card::kOptional);
  AddItem(doc, answer, id + ".answer.text", "string", "Answer text", Card::kOptional);
  AddItem(doc, answer, id + ".answer.points", "decimal", "Points", Card::kOptional);
}

std::string Questionnaire() {
  json::Document doc;
  json::Value& q = doc.root() = doc.MakeObject();
  SetString(doc, q, "resourceType", "Questionnaire");
  SetString(doc, q, "id", "bib-screening");
  constexpr std::string_view kTitle =
      "Born in Belgium psychosocial screening (results per indicator)";
  SetNarrative(doc, q, kTitle);
  SetString(doc, q, "url", kQuestionnaireUrl);
  SetString(doc, q, "version", common::kProgrammeDefinitionsVersion);
  SetString(doc, q, "name", "BornInBelgiumScreening");
  SetString(doc, q, "title", kTitle);
  SetString(doc, q, "status", "active");
  json::Value subject_type = doc.Set(q, "subjectType", doc.MakeArray());
  doc.Append(subject_type, doc.MakeString("Patient"));
  SetString(doc, q, "publisher", "zorgbrug");
  SetString(doc, q, "description",
            "The Born in Belgium psychosocial screening. The tool's item "
            "wording and thresholds are not public, so this questionnaire carries the result of "
            "each of the 13 indicators (score, threshold and positive flag) and the item answers "
            "when the tool sends them, the professional's judgement of clearly present risk "
            "factors when there is no tool result, and the woman's decision about sharing.");

  json::Value status = AddItem(doc, q, kStatusItem, "choice", "Screening status", Card::kRequired);
  AddScreeningOptions(doc, status, {"completed", "partial", "refused"});

  json::Value timing = AddItem(doc, q, kTimingItem, "group", "Timing", Card::kRequired);
  AddItem(doc, timing, kWeeksItem, "integer", "Gestational age (completed weeks)", Card::kOptional);
  AddItem(doc, timing, kDaysItem, "integer", "Gestational age (days beyond the completed weeks)",
          Card::kOptional);
  AddItem(doc, timing, kDaysPostpartumItem, "integer", "Days postpartum (0 = the day of birth)",
          Card::kOptional);

  json::Value indicators =
      AddItem(doc, q, kIndicatorsItem, "group", "Results per indicator", Card::kOptional);
  for (v1::BibIndicator indicator : EnumValues(v1::BibIndicator_MAX, &common::BibIndicatorCode)) {
    AddIndicatorGroup(doc, indicators, indicator);
  }

  json::Value judgement = AddItem(doc, q, kJudgementItem, "group",
                                  "Professional judgement without a tool result", Card::kOptional);
  json::Value present = AddItem(doc, judgement, kClearlyPresentItem, "choice",
                                "Risk factors clearly present", Card::kRepeating);
  for (v1::KceIndicator kce : EnumValues(v1::KceIndicator_MAX, &common::KceIndicatorCode)) {
    AddOption(doc, present, common::kKceIndicatorSystem, common::KceIndicatorCode(kce),
              common::KceIndicatorDisplay(kce));
  }
  AddItem(doc, judgement, kJudgementNoteItem, "text", "Note", Card::kOptional);

  json::Value share =
      AddItem(doc, q, kShareConsentItem, "choice",
              "Does the woman agree to share the result with her care team?", Card::kRequired);
  AddScreeningOptions(doc, share, {"share-given", "share-refused"});
  return json::Write(doc.root());
}

}  // namespace

std::string_view ScreeningCodeDisplay(std::string_view code) {
  for (const ScreeningCodeRow& row : kScreeningCodes) {
    if (row.code == code) return row.display;
  }
  return {};
}

const std::vector<std::string>& PublishedResources() {
  // Constant: built once, never destroyed (no static destructor, Google style).
  static const std::vector<std::string>* const kResources =
      new std::vector<std::string>{Questionnaire(), ScreeningCodeSystem(), BibIndicatorCodeSystem(),
                                   KceIndicatorCodeSystem(), ProgrammeServiceCodeSystem()};
  return *kResources;
}

}  // namespace zorgbrug::adapters::bib
