#pragma once

// The FHIR resources the project publishes for the BiB screening: its own Questionnaire of the BiB
// instrument (no Belgian Questionnaire profile or BiB Questionnaire exists, DOMAIN.md section 2)
// and the code systems of adapters/common/programme.h. The QuestionnaireResponse the mapping writes
// (adapters/bib/README.md) answers this Questionnaire; the linkIds below are its items.

#include <string>
#include <string_view>
#include <vector>

#include "zorgbrug/v1/bib.pb.h"

namespace zorgbrug::adapters::bib {

inline constexpr std::string_view kQuestionnaireUrl =
    "https://zorgbrug.be/fhir/Questionnaire/bib-screening";
// "<url>|<version>", as QuestionnaireResponse.questionnaire carries it.
inline constexpr std::string_view kQuestionnaireCanonical =
    "https://zorgbrug.be/fhir/Questionnaire/bib-screening|1.0.0";

// Top-level items, in this order:
//   "status"          choice (1..1): bib-screening#completed | #partial | #refused
//   "timing"          group (1..1) with
//     "gestational-age-weeks"  integer (0..1)
//     "gestational-age-days"   integer (0..1)
//     "days-postpartum"        integer (0..1)
//   "indicators"      group (0..1) with one group per BiB indicator, linkId = its code
//                     (common::BibIndicatorCode, e.g. "depression"), in BibIndicator order, each
//                     with
//     "<code>.score"      decimal (1..1)
//     "<code>.threshold"  decimal (1..1)
//     "<code>.positive"   boolean (1..1)
//     "<code>.answer"     group (0..*) with
//       "<code>.answer.item"    string (1..1)
//       "<code>.answer.code"    string (0..1)
//       "<code>.answer.text"    string (0..1)
//       "<code>.answer.points"  decimal (0..1)
//   "judgement"       group (0..1) with
//     "judgement.clearly-present"  choice (0..*, repeats): kce-indicator codes
//     "judgement.note"             text (0..1)
//   "share-consent"   choice (1..1): bib-screening#share-given | #share-refused
inline constexpr std::string_view kStatusItem = "status";
inline constexpr std::string_view kTimingItem = "timing";
inline constexpr std::string_view kWeeksItem = "gestational-age-weeks";
inline constexpr std::string_view kDaysItem = "gestational-age-days";
inline constexpr std::string_view kDaysPostpartumItem = "days-postpartum";
inline constexpr std::string_view kIndicatorsItem = "indicators";
inline constexpr std::string_view kJudgementItem = "judgement";
inline constexpr std::string_view kClearlyPresentItem = "judgement.clearly-present";
inline constexpr std::string_view kJudgementNoteItem = "judgement.note";
inline constexpr std::string_view kShareConsentItem = "share-consent";

// Codes of the bib-screening code system (common::kBibScreeningSystem), with their displays:
//   "bib-screening"          Born in Belgium screening (the panel Observation's code)
//   "completed", "partial", "refused"   screening status
//   "share-given", "share-refused"      the woman's decision about sharing
//   "threshold"              the indicator's threshold (Observation.component)
//   "professional-judgement" risk factors clearly present, judged without tool result
//   "programme-eligibility"  the programme's eligibility result
//   "not-eligible", "eligible-not-reimbursable", "reimbursable"   a service's decision
//   "amount"                 the amount reimbursed (Observation.component, EUR)
std::string_view ScreeningCodeDisplay(std::string_view code);  // empty for an unknown code

// The published resources as FHIR R4 JSON: the Questionnaire, then the CodeSystems bib-screening,
// bib-indicator, kce-indicator and programme-service (common::k*System, version
// common::kProgrammeDefinitionsVersion, content "complete"). Each validates against R4.
const std::vector<std::string>& PublishedResources();

}  // namespace zorgbrug::adapters::bib
