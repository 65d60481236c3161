// FHIR R4 -> BibScreening (bib.h FromFhir). The QuestionnaireResponse of the BiB Questionnaire is
// the source; the derived Observations and tasks ToFhir writes are recognised, and each indicator
// Observation is checked against the response. The mapping table is in adapters/bib/README.md.

#include <charconv>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "adapters/bib/bib.h"
#include "adapters/bib/definitions.h"
#include "adapters/bib/fhir_shape.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/professional.h"
#include "adapters/common/programme.h"

namespace zorgbrug::adapters::bib {
namespace {

namespace json = fhir::json;
using common::BundleReader;
using common::Cat;
using common::Error;
using common::Indexed;
using common::Info;
using common::Items;
using fhir::IssueType;
using fhir::Severity;
using internal::KeySystem;

bool IsScreeningResponse(const json::Value& resource) {
  if (resource.FindString("resourceType") != "QuestionnaireResponse") return false;
  std::string_view canonical = resource.FindString("questionnaire");
  return canonical.substr(0, canonical.find('|')) == kQuestionnaireUrl;
}

// Whether `resource` is one of the resources ToFhir derives from a screening (found by the
// identifier systems it gives them).
bool IsDerived(const json::Value& resource, const common::MappingContext& context) {
  const std::string observation = KeySystem(context, internal::kObservationKey);
  const std::string task = KeySystem(context, internal::kTaskKey);
  for (const json::Value& id : Items(resource, "identifier")) {
    std::string_view system = id.FindString("system");
    if (system == observation || system == task) return true;
  }
  return false;
}

// Reads the answers of one QuestionnaireResponse into a screening.
class ResponseReader {
 public:
  ResponseReader(const BundleReader& in, const common::MappingContext& context,
                 v1::BibScreening& out, fhir::IssueSink& issues)
      : in_(in), context_(context), out_(out), issues_(issues) {}

  void Read(const BundleReader::Resource& response);

 private:
  // The key a reference carries: its identifier with `system`, or the key of the resource in the
  // Bundle it points to. Empty when neither.
  std::string KeyOf(const json::Value& reference, std::string_view system,
                    const std::string& path) {
    if (const json::Value* id = reference.Find("identifier")) {
      if (id->FindString("system") == system) return std::string(id->FindString("value"));
    }
    if (const BundleReader::Resource* target = in_.Resolve(reference.FindString("reference"))) {
      Info(issues_, target->expression,
           "the referenced resource is not part of a screening (map it with EpdTranslation); "
           "only its key is kept");
      in_.MarkUsed(*target);
      return common::LocalKeyOf(target->value, system, target->expression, issues_);
    }
    Error(issues_, IssueType::kValue, path,
          Cat({"the reference names neither an identifier with system ", system,
               " nor a resource in the Bundle"}));
    return {};
  }

  // The single answer of `item` with `value_type`; nullptr (with an error) when absent or typed
  // otherwise.
  const json::Value* Answer(const json::Value& item, const std::string& path,
                            std::string_view value_type) {
    std::span<const json::Value> answers = Items(item, "answer");
    if (answers.size() != 1 || answers[0].Find(value_type) == nullptr) {
      Error(issues_, IssueType::kStructure, path + ".answer",
            Cat({"expected exactly one answer with ", value_type}));
      return nullptr;
    }
    return answers[0].Find(value_type);
  }
  std::string Text(const json::Value& item, const std::string& path, std::string_view type) {
    const json::Value* value = Answer(item, path, type);
    return value != nullptr ? std::string(value->text()) : std::string();
  }
  int Integer(const json::Value& item, const std::string& path) {
    std::string text = Text(item, path, "valueInteger");
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && (error != std::errc() || end != text.data() + text.size())) {
      Error(issues_, IssueType::kValue, path + ".answer[0].valueInteger",
            "not an integer in the range of the screening's fields");
    }
    return value;
  }
  std::string_view CodeOf(const json::Value& item, const std::string& path) {
    const json::Value* coding = Answer(item, path, "valueCoding");
    return coding != nullptr ? coding->FindString("code") : std::string_view();
  }

  void ReadTiming(const json::Value& timing, const std::string& path);
  void ReadIndicator(const json::Value& group, const std::string& path);
  void ReadJudgement(const json::Value& group, const std::string& path);

  const BundleReader& in_;
  const common::MappingContext& context_;
  v1::BibScreening& out_;
  fhir::IssueSink& issues_;
};

void ResponseReader::Read(const BundleReader::Resource& response) {
  in_.MarkUsed(response);
  const json::Value& qr = response.value;
  const std::string& path = response.expression;
  const std::string key_system = KeySystem(context_, internal::kScreeningKey);
  if (const json::Value* id = qr.Find("identifier");
      id != nullptr && id->FindString("system") == key_system) {
    out_.set_local_key(std::string(id->FindString("value")));
  } else if (!qr.FindString("id").empty()) {
    out_.set_local_key(std::string(qr.FindString("id")));
    Info(issues_, path + ".identifier",
         Cat({"no identifier with the key system ", key_system,
              "; the resource id is used as the screening's key"}));
  } else {
    Error(issues_, IssueType::kRequired, path + ".identifier", "the screening has no key");
  }
  if (const json::Value* subject = qr.Find("subject")) {
    out_.set_patient_local_key(KeyOf(*subject, KeySystem(context_, "patient"), path + ".subject"));
  } else {
    Error(issues_, IssueType::kRequired, path + ".subject", "the screening names no woman");
  }
  std::span<const json::Value> part_of = Items(qr, "partOf");
  for (size_t i = 0; i < part_of.size(); ++i) {
    if (i > 0) {
      Info(issues_, Indexed(path, "partOf", i), "only one pregnancy is kept");
      continue;
    }
    out_.set_pregnancy_local_key(
        KeyOf(part_of[i], KeySystem(context_, "pregnancy"), Indexed(path, "partOf", i)));
  }
  if (!common::ParseInstant(qr.FindString("authored"), *out_.mutable_performed_at())) {
    Error(issues_, IssueType::kValue, path + ".authored",
          "authored must be a dateTime with seconds and a time zone");
  }
  if (const json::Value* author = qr.Find("author")) {
    const BundleReader::Resource* performer = in_.Resolve(author->FindString("reference"));
    if (performer == nullptr) {
      Error(issues_, IssueType::kValue, path + ".author",
            "the author does not point to a Practitioner or PractitionerRole in the Bundle");
    } else if (common::NamesProfessional(*performer, in_)) {
      common::ProfessionalFromFhir(*performer, in_,
                                   *out_.mutable_performer()->mutable_professional(), issues_);
    } else {
      common::WelfareWorkerFromFhir(*performer, in_,
                                    *out_.mutable_performer()->mutable_welfare_worker(), issues_);
    }
  } else {
    Error(issues_, IssueType::kRequired, path + ".author", "the screening names no performer");
  }

  std::span<const json::Value> items = Items(qr, "item");
  for (size_t i = 0; i < items.size(); ++i) {
    const json::Value& item = items[i];
    const std::string at = Indexed(path, "item", i);
    std::string_view link = item.FindString("linkId");
    if (link == kStatusItem) {
      std::string_view code = CodeOf(item, at);
      if (code == "completed") out_.set_status(v1::SCREENING_STATUS_COMPLETED);
      if (code == "partial") out_.set_status(v1::SCREENING_STATUS_PARTIAL);
      if (code == "refused") out_.set_status(v1::SCREENING_STATUS_REFUSED);
      if (out_.status() == v1::SCREENING_STATUS_UNSPECIFIED) {
        Error(issues_, IssueType::kCodeInvalid, at + ".answer[0].valueCoding",
              "the status is not completed, partial or refused");
      }
    } else if (link == kTimingItem) {
      ReadTiming(item, at);
    } else if (link == kIndicatorsItem) {
      std::span<const json::Value> groups = Items(item, "item");
      for (size_t j = 0; j < groups.size(); ++j) ReadIndicator(groups[j], Indexed(at, "item", j));
    } else if (link == kJudgementItem) {
      ReadJudgement(item, at);
    } else if (link == kShareConsentItem) {
      std::string_view code = CodeOf(item, at);
      if (code == "share-given") out_.set_share_consent(v1::SHARE_CONSENT_GIVEN);
      if (code == "share-refused") out_.set_share_consent(v1::SHARE_CONSENT_REFUSED);
      if (out_.share_consent() == v1::SHARE_CONSENT_UNSPECIFIED) {
        Error(issues_, IssueType::kCodeInvalid, at + ".answer[0].valueCoding",
              "the consent is not share-given or share-refused");
      }
    } else {
      Info(issues_, at, "this item is not part of the BiB Questionnaire and was not mapped");
    }
  }
  common::ReportUnmapped(qr, path,
                         {"id", "meta", "identifier", "questionnaire", "status", "subject",
                          "partOf", "authored", "author", "item"},
                         issues_);
}

void ResponseReader::ReadTiming(const json::Value& timing, const std::string& path) {
  std::span<const json::Value> items = Items(timing, "item");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string at = Indexed(path, "item", i);
    std::string_view link = items[i].FindString("linkId");
    if (link == kWeeksItem) {
      out_.mutable_gestational_age()->set_weeks(Integer(items[i], at));
    } else if (link == kDaysItem) {
      out_.mutable_gestational_age()->set_days(Integer(items[i], at));
    } else if (link == kDaysPostpartumItem) {
      out_.set_days_postpartum(Integer(items[i], at));
    } else {
      Info(issues_, at, "this item is not part of the BiB Questionnaire and was not mapped");
    }
  }
}

void ResponseReader::ReadIndicator(const json::Value& group, const std::string& path) {
  std::string code(group.FindString("linkId"));
  std::optional<v1::BibIndicator> indicator = common::BibIndicatorFromCode(code);
  if (!indicator) {
    Error(issues_, IssueType::kCodeInvalid, path + ".linkId", "not a BiB indicator");
    return;
  }
  v1::IndicatorResult& result = *out_.add_indicators();
  result.set_indicator(*indicator);
  std::span<const json::Value> items = Items(group, "item");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string at = Indexed(path, "item", i);
    std::string_view link = items[i].FindString("linkId");
    std::string_view part = link.starts_with(code + ".") ? link.substr(code.size() + 1) : link;
    if (part == "score") {
      result.set_score(Text(items[i], at, "valueDecimal"));
    } else if (part == "threshold") {
      result.set_threshold(Text(items[i], at, "valueDecimal"));
    } else if (part == "positive") {
      const json::Value* value = Answer(items[i], at, "valueBoolean");
      result.set_positive(value != nullptr && value->GetBool());
    } else if (part == "answer") {
      v1::ItemAnswer& answer = *result.add_answers();
      std::span<const json::Value> parts = Items(items[i], "item");
      for (size_t j = 0; j < parts.size(); ++j) {
        const std::string part_at = Indexed(at, "item", j);
        std::string_view name = parts[j].FindString("linkId");
        name = name.starts_with(code + ".answer.") ? name.substr(code.size() + 8) : name;
        if (name == "item") {
          answer.set_item(Text(parts[j], part_at, "valueString"));
        } else if (name == "code") {
          answer.set_answer_code(Text(parts[j], part_at, "valueString"));
        } else if (name == "text") {
          answer.set_answer_text(Text(parts[j], part_at, "valueString"));
        } else if (name == "points") {
          answer.set_points(Text(parts[j], part_at, "valueDecimal"));
        } else {
          Info(issues_, part_at, "this item is not part of the BiB Questionnaire");
        }
      }
    } else {
      Info(issues_, at, "this item is not part of the BiB Questionnaire and was not mapped");
    }
  }
}

void ResponseReader::ReadJudgement(const json::Value& group, const std::string& path) {
  v1::ProfessionalJudgement& judgement = *out_.mutable_judgement();
  std::span<const json::Value> items = Items(group, "item");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string at = Indexed(path, "item", i);
    std::string_view link = items[i].FindString("linkId");
    if (link == kClearlyPresentItem) {
      std::span<const json::Value> answers = Items(items[i], "answer");
      for (size_t j = 0; j < answers.size(); ++j) {
        const json::Value* coding = answers[j].Find("valueCoding");
        std::optional<v1::KceIndicator> kce =
            coding != nullptr ? common::KceIndicatorFromCode(coding->FindString("code"))
                              : std::nullopt;
        if (!kce) {
          Error(issues_, IssueType::kCodeInvalid, Indexed(at, "answer", j),
                "not a KCE indicator code");
          continue;
        }
        judgement.add_clearly_present(*kce);
      }
    } else if (link == kJudgementNoteItem) {
      judgement.set_note(Text(items[i], at, "valueString"));
    } else {
      Info(issues_, at, "this item is not part of the BiB Questionnaire and was not mapped");
    }
  }
}

// Warns when an indicator Observation says something else than the response it derives from.
void CheckIndicatorObservation(const BundleReader::Resource& obs, const v1::BibScreening& s,
                               fhir::IssueSink& issues) {
  const json::Value* code = obs.value.Find("code");
  if (code == nullptr) return;
  for (const json::Value& coding : Items(*code, "coding")) {
    if (coding.FindString("system") != common::kBibIndicatorSystem) continue;
    std::optional<v1::BibIndicator> indicator =
        common::BibIndicatorFromCode(coding.FindString("code"));
    for (const v1::IndicatorResult& result : s.indicators()) {
      if (!indicator || result.indicator() != *indicator) continue;
      const json::Value* quantity = obs.value.Find("valueQuantity");
      const json::Value* value = quantity != nullptr ? quantity->Find("value") : nullptr;
      if (value == nullptr || value->text() != result.score()) {
        common::Report(issues, Severity::kWarning, IssueType::kBusinessRule,
                       obs.expression + ".valueQuantity",
                       "the indicator Observation's score differs from the QuestionnaireResponse; "
                       "the response is kept");
      }
    }
  }
}

}  // namespace

v1::BibScreening FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                          fhir::IssueSink& issues) {
  v1::BibScreening screening;
  BundleReader in(fhir);
  const BundleReader::Resource* response = nullptr;
  for (const BundleReader::Resource& r : in.resources()) {
    if (!IsScreeningResponse(r.value)) continue;
    if (response == nullptr) {
      response = &r;
    } else {
      Info(issues, r.expression, "a second BiB screening in one Bundle was not mapped");
      in.MarkUsed(r);
    }
  }
  if (response == nullptr) {
    Error(issues, IssueType::kRequired,
          fhir.IsObject() && fhir.FindString("resourceType") == "Bundle"
              ? "Bundle.entry"
              : std::string(fhir.FindString("resourceType")),
          Cat({"no QuestionnaireResponse of the BiB Questionnaire ", kQuestionnaireUrl}));
    return screening;
  }
  ResponseReader(in, context, screening, issues).Read(*response);
  for (size_t i = 0; i < in.resources().size(); ++i) {
    const BundleReader::Resource& r = in.resources()[i];
    if (in.used(i)) continue;
    if (IsDerived(r.value, context)) {
      if (r.value.FindString("resourceType") == "Observation") {
        CheckIndicatorObservation(r, screening, issues);
      }
      continue;
    }
    Info(issues, r.expression, "this resource is not part of a BiB screening and was not mapped");
  }
  return screening;
}

}  // namespace zorgbrug::adapters::bib
