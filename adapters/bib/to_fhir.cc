// BibScreening -> FHIR R4 (bib.h ToFhir). The mapping table is in adapters/bib/README.md.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/bib/bib.h"
#include "adapters/bib/definitions.h"
#include "adapters/bib/fhir_shape.h"
#include "adapters/bib/rules.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/professional.h"
#include "adapters/common/programme.h"
#include "adapters/common/tariff.h"

namespace zorgbrug::adapters::bib {
namespace {

namespace json = fhir::json;
using common::AppendObject;
using common::BundleWriter;
using common::Cat;
using common::Coding;
using common::SetString;
using internal::KeySystem;

// The writer's state for one screening: the Bundle and the references every resource shares.
class ScreeningWriter {
 public:
  ScreeningWriter(const v1::BibScreening& screening, BundleWriter& out)
      : s_(screening), out_(out), doc_(out.doc()) {}

  // The performer's PractitionerRole (or Practitioner); empty with an error when refused.
  void AddPerformer(fhir::IssueSink& issues) {
    std::string key;
    if (s_.performer().has_professional()) {
      performer_ = common::ProfessionalToFhir(s_.performer().professional(),
                                              "screening.performer.professional", out_, issues);
      key = "Practitioner|" + s_.performer().professional().nihdi();
    } else if (s_.performer().has_welfare_worker()) {
      const v1::WelfareWorker& worker = s_.performer().welfare_worker();
      performer_ =
          common::WelfareWorkerToFhir(worker, "screening.performer.welfare_worker", out_, issues);
      key = Cat({"Practitioner|", worker.identifier().system(), "|", worker.identifier().value()});
    }
    // A task's candidates must be persons (task-candidateList: Practitioner, not PractitionerRole).
    if (const std::string* practitioner = out_.Find(key)) practitioner_ = *practitioner;
  }

  void AddQuestionnaireResponse();
  // The panel Observation and one per indicator result; returns the indicators' fullUrls in the
  // screening's order.
  std::vector<std::string> AddIndicatorObservations();
  // The 8 KCE indicators, derived from `indicator_urls`.
  void AddKceObservations(const std::vector<std::string>& indicator_urls);
  void AddJudgement();
  void AddEligibility(const v1::ProgrammeEligibility& eligibility);
  void AddTasks(const v1::CarePlanContribution& contribution);

 private:
  BundleWriter::Entry Add(std::string_view type, std::string_view profile) {
    return out_.Add(type, profile);
  }
  BundleWriter::Entry AddObservation(std::string_view part, std::string_view system,
                                     std::string_view code, std::string_view display,
                                     std::string_view status = "final");
  json::Value Reference(std::string_view url) {
    json::Value ref = doc_.MakeObject();
    SetString(doc_, ref, "reference", url);
    return ref;
  }
  json::Value KeyReference(std::string_view what, std::string_view key) {
    json::Value ref = doc_.MakeObject();
    json::Value id = doc_.Set(ref, "identifier", doc_.MakeObject());
    SetString(doc_, id, "system", KeySystem(out_.context(), what));
    SetString(doc_, id, "value", key);
    return ref;
  }
  json::Value Concept(std::string_view system, std::string_view code, std::string_view display) {
    json::Value concept_value = doc_.MakeObject();
    doc_.Append(doc_.Set(concept_value, "coding", doc_.MakeArray()),
                Coding(doc_, system, code, display));
    return concept_value;
  }
  json::Value Quantity(std::string_view decimal) {
    json::Value quantity = doc_.MakeObject();
    doc_.Set(quantity, "value", doc_.MakeNumber(decimal));
    SetString(doc_, quantity, "unit", "score");
    SetString(doc_, quantity, "system", internal::kUcumSystem);
    SetString(doc_, quantity, "code", "{score}");
    return quantity;
  }
  // An item {linkId, answer: [{<value_type>: value}]} appended to `parent`.item.
  json::Value AddItem(json::Value& parent, std::string_view link_id, std::string_view text = {}) {
    json::Value item = AppendObject(doc_, parent, "item");
    SetString(doc_, item, "linkId", link_id);
    SetString(doc_, item, "text", text);
    return item;
  }
  void AddAnswer(json::Value& parent, std::string_view link_id, std::string_view value_type,
                 json::Value value) {
    json::Value item = AddItem(parent, link_id);
    json::Value answer = AppendObject(doc_, item, "answer");
    doc_.Set(answer, value_type, value);
  }
  void AddCodingAnswer(json::Value& parent, std::string_view link_id, std::string_view system,
                       std::string_view code, std::string_view display) {
    AddAnswer(parent, link_id, "valueCoding", Coding(doc_, system, code, display));
  }

  const v1::BibScreening& s_;
  BundleWriter& out_;
  json::Document& doc_;
  std::string performer_;     // the PractitionerRole (or Practitioner) that performed it
  std::string practitioner_;  // its Practitioner
  std::string response_;      // the QuestionnaireResponse's fullUrl
  std::string panel_;
  std::string eligibility_;
  std::vector<std::string> kce_urls_;
};

std::string_view StatusCode(v1::ScreeningStatus status) {
  switch (status) {
    case v1::SCREENING_STATUS_COMPLETED:
      return "completed";
    case v1::SCREENING_STATUS_PARTIAL:
      return "partial";
    case v1::SCREENING_STATUS_REFUSED:
      return "refused";
    default:
      return {};
  }
}

void ScreeningWriter::AddQuestionnaireResponse() {
  BundleWriter::Entry entry = Add("QuestionnaireResponse", {});
  json::Value& qr = entry.resource;
  response_ = entry.full_url;
  json::Value identifier = doc_.Set(qr, "identifier", doc_.MakeObject());
  SetString(doc_, identifier, "system", KeySystem(out_.context(), internal::kScreeningKey));
  SetString(doc_, identifier, "value", s_.local_key());
  SetString(doc_, qr, "questionnaire", kQuestionnaireCanonical);
  SetString(doc_, qr, "status", "completed");
  if (!s_.pregnancy_local_key().empty()) {
    // The pregnancy is the EPD adapter's pregnancy-status Observation, known by its key: the
    // screening is performed as part of that pregnancy's follow-up.
    doc_.Append(doc_.Set(qr, "partOf", doc_.MakeArray()),
                KeyReference("pregnancy", s_.pregnancy_local_key()));
  }
  doc_.Set(qr, "subject", KeyReference("patient", s_.patient_local_key()));
  SetString(doc_, qr, "authored", common::InstantText(s_.performed_at()));
  if (!performer_.empty()) doc_.Set(qr, "author", Reference(performer_));

  std::string_view status = StatusCode(s_.status());
  AddCodingAnswer(qr, kStatusItem, common::kBibScreeningSystem, status,
                  ScreeningCodeDisplay(status));
  json::Value timing = AddItem(qr, kTimingItem);
  if (s_.has_gestational_age()) {
    AddAnswer(timing, kWeeksItem, "valueInteger", doc_.MakeInteger(s_.gestational_age().weeks()));
    AddAnswer(timing, kDaysItem, "valueInteger", doc_.MakeInteger(s_.gestational_age().days()));
  } else {
    AddAnswer(timing, kDaysPostpartumItem, "valueInteger", doc_.MakeInteger(s_.days_postpartum()));
  }
  if (s_.indicators_size() > 0) {
    json::Value group = AddItem(qr, kIndicatorsItem);
    for (const v1::IndicatorResult& result : s_.indicators()) {
      std::string code(common::BibIndicatorCode(result.indicator()));
      json::Value indicator = AddItem(group, code, common::BibIndicatorDisplay(result.indicator()));
      AddAnswer(indicator, code + ".score", "valueDecimal", doc_.MakeNumber(result.score()));
      AddAnswer(indicator, code + ".threshold", "valueDecimal",
                doc_.MakeNumber(result.threshold()));
      AddAnswer(indicator, code + ".positive", "valueBoolean",
                json::Document::MakeBool(result.positive()));
      for (const v1::ItemAnswer& a : result.answers()) {
        json::Value answer = AddItem(indicator, code + ".answer");
        AddAnswer(answer, code + ".answer.item", "valueString", doc_.MakeString(a.item()));
        if (!a.answer_code().empty()) {
          AddAnswer(answer, code + ".answer.code", "valueString", doc_.MakeString(a.answer_code()));
        }
        if (!a.answer_text().empty()) {
          AddAnswer(answer, code + ".answer.text", "valueString", doc_.MakeString(a.answer_text()));
        }
        if (!a.points().empty()) {
          AddAnswer(answer, code + ".answer.points", "valueDecimal", doc_.MakeNumber(a.points()));
        }
      }
    }
  }
  const v1::ProfessionalJudgement& judgement = s_.judgement();
  if (judgement.clearly_present_size() > 0 || !judgement.note().empty()) {
    json::Value group = AddItem(qr, kJudgementItem);
    if (judgement.clearly_present_size() > 0) {
      json::Value item = AddItem(group, kClearlyPresentItem);
      for (int k : judgement.clearly_present()) {
        auto kce = static_cast<v1::KceIndicator>(k);
        json::Value answer = AppendObject(doc_, item, "answer");
        doc_.Set(answer, "valueCoding",
                 Coding(doc_, common::kKceIndicatorSystem, common::KceIndicatorCode(kce),
                        common::KceIndicatorDisplay(kce)));
      }
    }
    if (!judgement.note().empty()) {
      AddAnswer(group, kJudgementNoteItem, "valueString", doc_.MakeString(judgement.note()));
    }
  }
  std::string_view consent = Shareable(s_) ? "share-given" : "share-refused";
  AddCodingAnswer(qr, kShareConsentItem, common::kBibScreeningSystem, consent,
                  ScreeningCodeDisplay(consent));
}

BundleWriter::Entry ScreeningWriter::AddObservation(std::string_view part, std::string_view system,
                                                    std::string_view code, std::string_view display,
                                                    std::string_view status) {
  BundleWriter::Entry entry = Add("Observation", internal::kObservationProfile);
  json::Value& obs = entry.resource;
  json::Value identifier = AppendObject(doc_, obs, "identifier");
  SetString(doc_, identifier, "system", KeySystem(out_.context(), internal::kObservationKey));
  SetString(doc_, identifier, "value", Cat({s_.local_key(), "/", part}));
  SetString(doc_, obs, "status", status);
  json::Value category = AppendObject(doc_, obs, "category");
  doc_.Append(doc_.Set(category, "coding", doc_.MakeArray()),
              Coding(doc_, internal::kObservationCategorySystem, "survey", "Survey"));
  doc_.Set(obs, "code", Concept(system, code, display));
  doc_.Set(obs, "subject", KeyReference("patient", s_.patient_local_key()));
  SetString(doc_, obs, "effectiveDateTime", common::InstantText(s_.performed_at()));
  if (!performer_.empty()) {
    doc_.Append(doc_.Set(obs, "performer", doc_.MakeArray()), Reference(performer_));
  }
  return entry;
}

std::vector<std::string> ScreeningWriter::AddIndicatorObservations() {
  std::string_view status = s_.status() == v1::SCREENING_STATUS_REFUSED   ? "cancelled"
                            : s_.status() == v1::SCREENING_STATUS_PARTIAL ? "preliminary"
                                                                          : "final";
  BundleWriter::Entry panel = AddObservation("panel", common::kBibScreeningSystem, "bib-screening",
                                             ScreeningCodeDisplay("bib-screening"), status);
  panel_ = panel.full_url;
  doc_.Append(doc_.Set(panel.resource, "derivedFrom", doc_.MakeArray()), Reference(response_));
  if (s_.status() == v1::SCREENING_STATUS_REFUSED) {
    doc_.Set(panel.resource, "dataAbsentReason",
             Concept(internal::kDataAbsentSystem, "asked-declined", "Asked But Declined"));
  }
  std::vector<std::string> urls;
  for (const v1::IndicatorResult& result : s_.indicators()) {
    std::string_view code = common::BibIndicatorCode(result.indicator());
    BundleWriter::Entry entry = AddObservation(code, common::kBibIndicatorSystem, code,
                                               common::BibIndicatorDisplay(result.indicator()));
    json::Value& obs = entry.resource;
    if (std::string_view sdoh = internal::SdohCategory(result.indicator()); !sdoh.empty()) {
      json::Value category = AppendObject(doc_, obs, "category");
      doc_.Append(doc_.Set(category, "coding", doc_.MakeArray()),
                  Coding(doc_, internal::kSdohCategorySystem, sdoh));
    }
    doc_.Set(obs, "valueQuantity", Quantity(result.score()));
    json::Value interpretation = AppendObject(doc_, obs, "interpretation");
    doc_.Append(doc_.Set(interpretation, "coding", doc_.MakeArray()),
                result.positive()
                    ? Coding(doc_, internal::kInterpretationSystem, "POS", "Positive")
                    : Coding(doc_, internal::kInterpretationSystem, "NEG", "Negative"));
    doc_.Append(doc_.Set(obs, "derivedFrom", doc_.MakeArray()), Reference(response_));
    json::Value component = AppendObject(doc_, obs, "component");
    doc_.Set(component, "code",
             Concept(common::kBibScreeningSystem, "threshold", ScreeningCodeDisplay("threshold")));
    doc_.Set(component, "valueQuantity", Quantity(result.threshold()));
    json::Value* members = panel.resource.Find("hasMember");
    json::Value target =
        members != nullptr ? *members : doc_.Set(panel.resource, "hasMember", doc_.MakeArray());
    doc_.Append(target, Reference(entry.full_url));
    urls.push_back(entry.full_url);
  }
  return urls;
}

void ScreeningWriter::AddKceObservations(const std::vector<std::string>& indicator_urls) {
  if (s_.status() == v1::SCREENING_STATUS_REFUSED) return;
  for (int k = v1::KCE_INDICATOR_FINANCIAL_PROBLEMS; k <= v1::KCE_INDICATOR_NO_LEGAL_RESIDENCE;
       ++k) {
    auto kce = static_cast<v1::KceIndicator>(k);
    BundleWriter::Entry entry =
        AddObservation(Cat({"kce/", common::KceIndicatorCode(kce)}), common::kKceIndicatorSystem,
                       common::KceIndicatorCode(kce), common::KceIndicatorDisplay(kce));
    bool positive = false;
    json::Value derived = doc_.MakeArray();
    for (int i = 0; i < s_.indicators_size(); ++i) {
      if (common::KceIndicatorOf(s_.indicators(i).indicator()) != kce) continue;
      positive = positive || s_.indicators(i).positive();
      doc_.Append(derived, Reference(indicator_urls[static_cast<size_t>(i)]));
    }
    if (derived.size() == 0) {
      // A partial screening that did not reach this indicator: unknown, never negative.
      doc_.Set(entry.resource, "dataAbsentReason",
               Concept(internal::kDataAbsentSystem, "not-performed", "Not Performed"));
    } else {
      doc_.Set(entry.resource, "valueBoolean", json::Document::MakeBool(positive));
      doc_.Set(entry.resource, "derivedFrom", derived);
    }
    kce_urls_.push_back(entry.full_url);
  }
}

void ScreeningWriter::AddJudgement() {
  const v1::ProfessionalJudgement& judgement = s_.judgement();
  if (judgement.clearly_present_size() == 0 && judgement.note().empty()) return;
  BundleWriter::Entry entry =
      AddObservation("judgement", common::kBibScreeningSystem, "professional-judgement",
                     ScreeningCodeDisplay("professional-judgement"));
  doc_.Set(entry.resource, "valueBoolean",
           json::Document::MakeBool(judgement.clearly_present_size() > 0));
  for (int k : judgement.clearly_present()) {
    auto kce = static_cast<v1::KceIndicator>(k);
    json::Value component = AppendObject(doc_, entry.resource, "component");
    doc_.Set(component, "code",
             Concept(common::kKceIndicatorSystem, common::KceIndicatorCode(kce),
                     common::KceIndicatorDisplay(kce)));
    doc_.Set(component, "valueBoolean", json::Document::MakeBool(true));
  }
  if (!judgement.note().empty()) {
    json::Value note = AppendObject(doc_, entry.resource, "note");
    SetString(doc_, note, "text", judgement.note());
  }
  doc_.Append(doc_.Set(entry.resource, "derivedFrom", doc_.MakeArray()), Reference(response_));
}

void ScreeningWriter::AddEligibility(const v1::ProgrammeEligibility& eligibility) {
  BundleWriter::Entry entry =
      AddObservation("eligibility", common::kBibScreeningSystem, "programme-eligibility",
                     ScreeningCodeDisplay("programme-eligibility"));
  json::Value& obs = entry.resource;
  eligibility_ = entry.full_url;
  doc_.Set(obs, "valueBoolean", json::Document::MakeBool(eligibility.programme_entry()));
  auto note = [&](std::string_view service, const v1::RuleReason& reason) {
    json::Value n = AppendObject(doc_, obs, "note");
    SetString(doc_, n, "text",
              Cat({service.empty() ? "" : Cat({"[", service, "] "}), reason.rule(), ": ",
                   reason.text()}));
  };
  for (const v1::RuleReason& reason : eligibility.reasons()) note({}, reason);
  for (const v1::ServiceDecision& decision : eligibility.services()) {
    std::string_view service = common::ProgrammeServiceCode(decision.service());
    std::string_view verdict = !decision.eligible()      ? "not-eligible"
                               : decision.reimbursable() ? "reimbursable"
                                                         : "eligible-not-reimbursable";
    json::Value component = AppendObject(doc_, obs, "component");
    doc_.Set(component, "code",
             Concept(common::kProgrammeServiceSystem, service,
                     common::ProgrammeServiceDisplay(decision.service())));
    doc_.Set(component, "valueCodeableConcept",
             Concept(common::kBibScreeningSystem, verdict, ScreeningCodeDisplay(verdict)));
    if (decision.reimbursable()) {
      json::Value amount = AppendObject(doc_, obs, "component");
      json::Value code =
          Concept(common::kBibScreeningSystem, "amount", ScreeningCodeDisplay("amount"));
      doc_.Append(*code.Find("coding"), Coding(doc_, common::kProgrammeServiceSystem, service));
      doc_.Set(amount, "code", code);
      json::Value money = doc_.MakeObject();
      doc_.Set(money, "value", doc_.MakeNumber(common::EuroText(decision.tariff().amount_cents())));
      SetString(doc_, money, "unit", "EUR");
      SetString(doc_, money, "system", "urn:iso:std:iso:4217");
      SetString(doc_, money, "code", "EUR");
      doc_.Set(amount, "valueQuantity", money);
    }
    for (const v1::RuleReason& reason : decision.reasons()) note(service, reason);
    for (const v1::RuleReason& reason : decision.warnings()) note(service, reason);
  }
  json::Value derived = doc_.Set(obs, "derivedFrom", doc_.MakeArray());
  doc_.Append(derived, Reference(response_));
  for (const std::string& url : kce_urls_) doc_.Append(derived, Reference(url));
}

void ScreeningWriter::AddTasks(const v1::CarePlanContribution& contribution) {
  for (const v1::ProposedTask& task : contribution.tasks()) {
    std::string_view service = common::ProgrammeServiceCode(task.service());
    BundleWriter::Entry entry = Add("Task", internal::kTaskProfile);
    json::Value& t = entry.resource;
    json::Value extension = AppendObject(doc_, t, "extension");
    SetString(doc_, extension, "url", internal::kCandidateListExtension);
    doc_.Set(extension, "valueReference", Reference(practitioner_));
    json::Value identifier = AppendObject(doc_, t, "identifier");
    SetString(doc_, identifier, "system", KeySystem(out_.context(), internal::kTaskKey));
    SetString(doc_, identifier, "value", Cat({s_.local_key(), "/", service}));
    SetString(doc_, t, "status", "requested");
    SetString(doc_, t, "intent", "proposal");
    doc_.Set(t, "code",
             Concept(common::kProgrammeServiceSystem, service,
                     common::ProgrammeServiceDisplay(task.service())));
    doc_.Set(t, "for", KeyReference("patient", s_.patient_local_key()));
    SetString(doc_, t, "authoredOn", common::InstantText(s_.performed_at()));
    doc_.Set(t, "requester", Reference(performer_));
    json::Value reason = doc_.Set(t, "reasonCode", doc_.MakeObject());
    SetString(doc_, reason, "text", Cat({task.reason().rule(), ": ", task.reason().text()}));
    doc_.Set(t, "reasonReference", Reference(eligibility_));
  }
}

// Labels every resource of the Bundle "no redisclosure without consent directive" (the performer's
// too: the whole Bundle stays with the professional who did the screening).
void LabelNotShared(json::Document& doc) {
  for (json::Value& entry : doc.root().Find("entry")->items()) {
    json::Value* resource = entry.Find("resource");
    json::Value* meta = resource->Find("meta");
    json::Value target = meta != nullptr ? *meta : doc.Set(*resource, "meta", doc.MakeObject());
    json::Value security = doc.Set(target, "security", doc.MakeArray());
    doc.Append(security, Coding(doc, internal::kActCodeSystem, internal::kNoRedisclosure,
                                "no redisclosure without consent directive"));
  }
}

}  // namespace

namespace internal {

std::string_view SdohCategory(v1::BibIndicator indicator) {
  switch (indicator) {
    case v1::BIB_INDICATOR_FINANCIAL_SITUATION:
      return "financial-insecurity";
    case v1::BIB_INDICATOR_HOUSING:
      return "housing-instability";
    case v1::BIB_INDICATOR_SOCIAL_SUPPORT:
      return "social-connection";
    case v1::BIB_INDICATOR_DOMESTIC_VIOLENCE:
      return "intimate-partner-violence";
    case v1::BIB_INDICATOR_EDUCATION:
      return "educational-attainment";
    case v1::BIB_INDICATOR_OCCUPATIONAL_STATUS:
      return "employment-status";
    case v1::BIB_INDICATOR_DEPRESSION:
    case v1::BIB_INDICATOR_ANXIETY:
      return "stress";
    default:
      return {};
  }
}

}  // namespace internal

fhir::json::Document ToFhir(const v1::BibScreening& screening,
                            const v1::ProgrammeEligibility& eligibility,
                            const MappingContext& context, fhir::IssueSink& issues) {
  json::Document doc;
  BundleWriter out(doc, context);
  ScreeningWriter writer(screening, out);
  writer.AddPerformer(issues);
  writer.AddQuestionnaireResponse();
  std::vector<std::string> indicator_urls = writer.AddIndicatorObservations();
  writer.AddKceObservations(indicator_urls);
  writer.AddJudgement();
  writer.AddEligibility(eligibility);
  if (Shareable(screening)) {
    writer.AddTasks(Contribution(screening, eligibility));
  } else {
    LabelNotShared(doc);
    common::Report(issues, fhir::Severity::kInformation, fhir::IssueType::kInformational,
                   "screening.share_consent",
                   "the woman refused to share this screening: the Bundle is labelled NORDSCLCD, "
                   "carries no care-plan tasks and must not be sent to others");
  }
  return doc;
}

}  // namespace zorgbrug::adapters::bib
