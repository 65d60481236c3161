// The pregnancy-status Observation (be.fhir.pregnancy-status 0.1, LOINC 82810-3), following the
// structure of the Belgian example Observation-ex-pregnancy-status-contained.json: the status
// Observation holds its parts as contained Observations listed in hasMember ("#edd", ...).
//
// Parts (contained ids): "lmp" LOINC 8665-2 valueDateTime; "edd" LOINC 11778-8 valueDateTime;
// "fetuses" LOINC 11878-6 valueInteger; "end" (code.text "End of pregnancy", no verified code)
// valueDateTime = end_date with the outcome as a component (code.text "Pregnancy outcome",
// valueCodeableConcept.text); "birth-<i>" LOINC 21112-8 "Birth date" whose subject is the child's
// Patient and valueDateTime the birth instant: the mother–child link is the mother's status
// Observation listing the child's birth Observation in hasMember.

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/epd/families.h"

namespace zorgbrug::adapters::epd::internal {

namespace json = fhir::json;

namespace {

constexpr std::string_view kProfile =
    "https://www.ehealth.fgov.be/standards/fhir/pregnancy/StructureDefinition/be-pregnancy-status";
constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kSnomed = "http://snomed.info/sct";
constexpr std::string_view kStatusCode = "82810-3";
constexpr std::string_view kLmpCode = "8665-2";
constexpr std::string_view kEddCode = "11778-8";
constexpr std::string_view kFetusesCode = "11878-6";
constexpr std::string_view kBirthCode = "21112-8";
constexpr std::string_view kEndText = "End of pregnancy";
constexpr std::string_view kOutcomeText = "Pregnancy outcome";
constexpr int kMaxFetuses = 8;

// Outcome texts, indexed by the PregnancyOutcome value (0 = unspecified, no text).
constexpr std::string_view kOutcomeTexts[] = {"", "live birth", "stillbirth", "miscarriage",
                                              "termination of pregnancy"};

// Whether date `a` is strictly before `b`, compared at the precision both have.
bool Before(const v1::Date& a, const v1::Date& b) {
  std::string x = DateText(a), y = DateText(b);
  if (x.empty() || y.empty()) return false;
  size_t n = std::min(x.size(), y.size());
  return x.substr(0, n) < y.substr(0, n);
}

json::Value Concept(json::Document& doc, std::string_view system, std::string_view code,
                    std::string_view display) {
  json::Value concept_value = doc.MakeObject();
  json::Value codings = doc.Set(concept_value, "coding", doc.MakeArray());
  doc.Append(codings, Coding(doc, system, code, display));
  return concept_value;
}

json::Value TextConcept(json::Document& doc, std::string_view text) {
  json::Value concept_value = doc.MakeObject();
  SetString(doc, concept_value, "text", text);
  return concept_value;
}

json::Value Reference(json::Document& doc, std::string_view reference) {
  json::Value ref = doc.MakeObject();
  SetString(doc, ref, "reference", reference);
  return ref;
}

// Adds a contained final Observation with `id` and `code`, listed in the status's hasMember.
json::Value AddPart(json::Document& doc, json::Value& status, std::string_view id,
                    json::Value code) {
  json::Value part = AppendObject(doc, status, "contained");
  doc.Set(part, "resourceType", doc.MakeString("Observation"));
  doc.Set(part, "id", doc.MakeString(id));
  doc.Set(part, "status", doc.MakeString("final"));
  doc.Set(part, "code", code);
  json::Value member = AppendObject(doc, status, "hasMember");
  doc.Set(member, "reference", doc.MakeString("#" + std::string(id)));
  return part;
}

void CheckDates(const v1::Pregnancy& p, const std::string& field, fhir::IssueSink& issues) {
  if (Before(p.expected_delivery_date(), p.last_menstrual_period())) {
    Error(issues, fhir::IssueType::kBusinessRule, field + ".expected_delivery_date",
          "the expected delivery date is before the last menstrual period");
  }
  if (Before(p.end_date(), p.last_menstrual_period())) {
    Error(issues, fhir::IssueType::kBusinessRule, field + ".end_date",
          "the end of the pregnancy is before the last menstrual period");
  }
  if (p.number_of_fetuses() < 0 || p.number_of_fetuses() > kMaxFetuses) {
    Error(issues, fhir::IssueType::kValue, field + ".number_of_fetuses",
          "the number of fetuses must be between 0 (unknown) and 8");
  }
}

void SetHeader(const v1::Pregnancy& p, const std::string& field, BundleWriter& out,
               json::Value& obs, fhir::IssueSink& issues) {
  json::Document& doc = out.doc();
  if (p.local_key().empty()) {
    Error(issues, fhir::IssueType::kRequired, field + ".local_key", "local_key is required");
  } else {
    json::Value id = AppendObject(doc, obs, "identifier");
    SetString(doc, id, "system", out.context().local_key_system_base + "/pregnancy");
    SetString(doc, id, "value", p.local_key());
  }
  doc.Set(obs, "status", doc.MakeString("final"));
  doc.Set(obs, "code", Concept(doc, kLoinc, kStatusCode, "Pregnancy status"));
  if (const std::string* mother = out.Find("Patient|" + p.patient_local_key())) {
    doc.Set(obs, "subject", Reference(doc, *mother));
  } else {
    Error(issues, fhir::IssueType::kRequired, field + ".patient_local_key",
          "patient_local_key must name a patient of the record");
  }
  std::string recorded = InstantText(p.recorded_at());
  if (recorded.empty()) {
    Error(issues, fhir::IssueType::kRequired, field + ".recorded_at", "recorded_at is required");
  } else {
    doc.Set(obs, "effectiveDateTime", doc.MakeString(recorded));
  }
  bool ended = !DateText(p.end_date()).empty();
  // SNOMED CT as in the Belgian example: 77386006 Pregnant, 60001007 Not pregnant.
  doc.Set(obs, "valueCodeableConcept",
          ended ? Concept(doc, kSnomed, "60001007", "Not pregnant (finding)")
                : Concept(doc, kSnomed, "77386006", "Pregnant (finding)"));
}

void AddDatePart(json::Document& doc, json::Value& obs, std::string_view id, std::string_view code,
                 std::string_view display, const v1::Date& date) {
  std::string text = DateText(date);
  if (text.empty()) return;
  json::Value part = AddPart(doc, obs, id, Concept(doc, kLoinc, code, display));
  doc.Set(part, "valueDateTime", doc.MakeString(text));
}

void AddEnd(const v1::Pregnancy& p, json::Document& doc, json::Value& obs) {
  int outcome = static_cast<int>(p.outcome());
  bool has_outcome = outcome > 0 && outcome < 5;
  std::string end = DateText(p.end_date());
  if (end.empty() && !has_outcome) return;
  json::Value part = AddPart(doc, obs, "end", TextConcept(doc, kEndText));
  SetString(doc, part, "valueDateTime", end);
  if (!has_outcome) return;
  json::Value component = AppendObject(doc, part, "component");
  doc.Set(component, "code", TextConcept(doc, kOutcomeText));
  doc.Set(component, "valueCodeableConcept", TextConcept(doc, kOutcomeTexts[outcome]));
}

void AddBirths(const v1::Pregnancy& p, const std::string& field, BundleWriter& out,
               json::Value& obs, fhir::IssueSink& issues) {
  json::Document& doc = out.doc();
  for (int i = 0; i < p.births_size(); ++i) {
    const v1::Birth& birth = p.births(i);
    const std::string* child = out.Find("Patient|" + birth.child_local_key());
    if (child == nullptr) {
      Error(issues, fhir::IssueType::kRequired,
            field + ".births[" + std::to_string(i) + "].child_local_key",
            "child_local_key must name a patient of the record");
      continue;
    }
    json::Value part = AddPart(doc, obs, "birth-" + std::to_string(i),
                               Concept(doc, kLoinc, kBirthCode, "Birth date"));
    doc.Set(part, "subject", Reference(doc, *child));
    SetString(doc, part, "valueDateTime", InstantText(birth.born_at()));
  }
}

}  // namespace

void PregnancyToFhir(const v1::Pregnancy& pregnancy, const std::string& field, BundleWriter& out,
                     fhir::IssueSink& issues) {
  CheckDates(pregnancy, field, issues);
  json::Document& doc = out.doc();
  json::Value obs = out.Add("Observation", kProfile).resource;
  SetHeader(pregnancy, field, out, obs, issues);
  AddDatePart(doc, obs, "lmp", kLmpCode, "First day of last menstrual period",
              pregnancy.last_menstrual_period());
  AddDatePart(doc, obs, "edd", kEddCode, "Delivery date Estimated",
              pregnancy.expected_delivery_date());
  int fetuses = pregnancy.number_of_fetuses();
  if (fetuses > 0 && fetuses <= kMaxFetuses) {
    json::Value part =
        AddPart(doc, obs, "fetuses", Concept(doc, kLoinc, kFetusesCode, "Number of fetuses"));
    doc.Set(part, "valueInteger", doc.MakeInteger(fetuses));
  }
  AddEnd(pregnancy, doc, obs);
  AddBirths(pregnancy, field, out, obs, issues);
}

namespace {

bool HasCode(const json::Value* concept_value, std::string_view system, std::string_view code) {
  if (concept_value == nullptr) return false;
  const json::Value* codings = concept_value->Find("coding");
  if (codings == nullptr) return false;
  for (const json::Value& c : codings->items()) {
    if (c.FindString("system") == system && c.FindString("code") == code) return true;
  }
  return false;
}

std::string TextOf(const json::Value& object, std::string_view name) {
  const json::Value* concept_value = object.Find(name);
  return concept_value == nullptr ? std::string() : std::string(concept_value->FindString("text"));
}

// The local key of the Patient `subject` refers to (identifier with system <base>/patient), or
// empty with a warning at `expression` when it cannot be resolved or has no such identifier.
std::string PatientKey(const json::Value& object, const std::string& expression,
                       const BundleReader& in, const MappingContext& context,
                       fhir::IssueSink& issues) {
  const json::Value* subject = object.Find("subject");
  if (subject == nullptr) return {};
  const BundleReader::Resource* patient = in.Resolve(subject->FindString("reference"));
  if (patient != nullptr && patient->value.FindString("resourceType") == "Patient") {
    in.MarkUsed(*patient);
    // The same key PatientFromFhir gives that Patient (its resource id when it has no EPD key).
    fhir::IssueCollector already_reported;
    std::string key = LocalKeyOf(patient->value, context.local_key_system_base + "/patient",
                                 patient->expression, already_reported);
    if (!key.empty()) return key;
  }
  Report(issues, fhir::Severity::kWarning, fhir::IssueType::kValue, expression + ".subject",
         "the subject is not a Patient of the input with an EPD key or id; the key is left empty");
  return {};
}

void ReadDate(const json::Value& part, const std::string& expression, v1::Date& out,
              fhir::IssueSink& issues) {
  std::string_view text = part.FindString("valueDateTime");
  if (!ParseDate(text, out)) {
    Error(issues, fhir::IssueType::kValue, expression + ".valueDateTime",
          "valueDateTime is not a date the EPD record can carry");
  }
}

void ReadEnd(const json::Value& part, const std::string& expression, v1::Pregnancy& out,
             fhir::IssueSink& issues) {
  ReportUnmapped(part, expression, {"id", "status", "code", "valueDateTime", "component"}, issues);
  if (part.Find("valueDateTime") != nullptr)
    ReadDate(part, expression, *out.mutable_end_date(), issues);
  const json::Value* components = part.Find("component");
  if (components == nullptr) return;
  for (size_t i = 0; i < components->size(); ++i) {
    const json::Value& c = components->items()[i];
    std::string at = expression + ".component[" + std::to_string(i) + "]";
    std::string value = TextOf(c, "valueCodeableConcept");
    bool read = false;
    for (int k = 1; k < 5 && TextOf(c, "code") == kOutcomeText; ++k) {
      if (value != kOutcomeTexts[k]) continue;
      out.set_outcome(static_cast<v1::PregnancyOutcome>(k));
      read = true;
    }
    if (!read) Info(issues, at, "a component the EPD record has no place for was not mapped");
  }
}

void ReadBirth(const json::Value& part, const std::string& expression, const BundleReader& in,
               const MappingContext& context, v1::Pregnancy& out, fhir::IssueSink& issues) {
  ReportUnmapped(part, expression, {"id", "status", "code", "subject", "valueDateTime"}, issues);
  v1::Birth& birth = *out.add_births();
  birth.set_child_local_key(PatientKey(part, expression, in, context, issues));
  std::string_view born = part.FindString("valueDateTime");
  if (!born.empty() && !ParseInstant(born, *birth.mutable_born_at())) {
    Error(issues, fhir::IssueType::kValue, expression + ".valueDateTime",
          "the birth is not an instant with a time zone");
  }
}

// Reads one contained part; false when it is none the EPD record knows.
bool ReadPart(const json::Value& part, const std::string& expression, const BundleReader& in,
              const MappingContext& context, v1::Pregnancy& out, fhir::IssueSink& issues) {
  const json::Value* code = part.Find("code");
  if (HasCode(code, kLoinc, kBirthCode)) {
    ReadBirth(part, expression, in, context, out, issues);
    return true;
  }
  if (code != nullptr && code->FindString("text") == kEndText) {
    ReadEnd(part, expression, out, issues);
    return true;
  }
  bool lmp = HasCode(code, kLoinc, kLmpCode), edd = HasCode(code, kLoinc, kEddCode);
  bool fetuses = HasCode(code, kLoinc, kFetusesCode);
  if (!lmp && !edd && !fetuses) return false;
  ReportUnmapped(part, expression,
                 {"id", "status", "code", fetuses ? "valueInteger" : "valueDateTime"}, issues);
  if (lmp) ReadDate(part, expression, *out.mutable_last_menstrual_period(), issues);
  if (edd) ReadDate(part, expression, *out.mutable_expected_delivery_date(), issues);
  if (fetuses) {
    const json::Value* n = part.Find("valueInteger");
    int value = 0;
    std::string_view text = n == nullptr ? std::string_view() : n->text();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!n || !n->IsNumber() || ec != std::errc() || end != text.data() + text.size()) {
      Error(issues, fhir::IssueType::kValue, expression + ".valueInteger",
            "the number of fetuses is not an integer");
    }
    out.set_number_of_fetuses(value);
  }
  return true;
}

void ReadMembers(const BundleReader::Resource& obs, const BundleReader& in,
                 const MappingContext& context, v1::Pregnancy& out, fhir::IssueSink& issues) {
  const json::Value* contained = obs.value.Find("contained");
  std::vector<bool> read(contained == nullptr ? 0 : contained->size(), false);
  if (const json::Value* members = obs.value.Find("hasMember")) {
    for (size_t i = 0; i < members->size(); ++i) {
      std::string_view ref = members->items()[i].FindString("reference");
      bool found = false;
      for (size_t j = 0; j < read.size() && ref.starts_with('#'); ++j) {
        const json::Value& part = contained->items()[j];
        if (read[j] || part.FindString("id") != ref.substr(1)) continue;
        std::string at = obs.expression + ".contained[" + std::to_string(j) + "]";
        found = read[j] = ReadPart(part, at, in, context, out, issues);
      }
      if (!found) {
        Info(issues, obs.expression + ".hasMember[" + std::to_string(i) + "]",
             "a member the EPD record has no place for was not mapped");
      }
    }
  }
  for (size_t j = 0; j < read.size(); ++j) {
    if (read[j]) continue;
    Info(issues, obs.expression + ".contained[" + std::to_string(j) + "]",
         "a contained resource the EPD record has no place for was not mapped");
  }
}

void ReadHeader(const BundleReader::Resource& obs, const MappingContext& context,
                v1::Pregnancy& out, fhir::IssueSink& issues) {
  const json::Value& v = obs.value;
  if (const json::Value* ids = v.Find("identifier")) {
    for (size_t i = 0; i < ids->size(); ++i) {
      const json::Value& id = ids->items()[i];
      if (out.local_key().empty() &&
          id.FindString("system") == context.local_key_system_base + "/pregnancy") {
        out.set_local_key(std::string(id.FindString("value")));
      } else {
        Info(issues, obs.expression + ".identifier[" + std::to_string(i) + "]",
             "an identifier other than the EPD's pregnancy key was not mapped");
      }
    }
  }
  if (out.local_key().empty()) {
    out.set_local_key(
        LocalKeyOf(v, context.local_key_system_base + "/pregnancy", obs.expression, issues));
  }
  if (v.FindString("status") != "final") {
    Info(issues, obs.expression + ".status", "only final statuses are carried; status dropped");
  }
  if (const json::Value* meta = v.Find("meta")) {
    ReportUnmapped(*meta, obs.expression + ".meta", {"profile"}, issues);
  }
  std::string_view effective = v.FindString("effectiveDateTime");
  if (!effective.empty() && !ParseInstant(effective, *out.mutable_recorded_at())) {
    out.clear_recorded_at();
    Info(issues, obs.expression + ".effectiveDateTime",
         "recorded_at is an instant; an effectiveDateTime without a time was not mapped");
  }
}

}  // namespace

bool IsPregnancyStatus(const json::Value& resource) {
  return resource.FindString("resourceType") == "Observation" &&
         HasCode(resource.Find("code"), kLoinc, kStatusCode);
}

// valueCodeableConcept (pregnant / not pregnant) is derived from end_date, so it is read as mapped.
void PregnancyFromFhir(const BundleReader::Resource& observation, const BundleReader& in,
                       const MappingContext& context, v1::Pregnancy& out, fhir::IssueSink& issues) {
  in.MarkUsed(observation);
  ReportUnmapped(observation.value, observation.expression,
                 {"id", "meta", "identifier", "status", "code", "subject", "effectiveDateTime",
                  "valueCodeableConcept", "hasMember", "contained"},
                 issues);
  ReadHeader(observation, context, out, issues);
  out.set_patient_local_key(
      PatientKey(observation.value, observation.expression, in, context, issues));
  ReadMembers(observation, in, context, out, issues);
}

}  // namespace zorgbrug::adapters::epd::internal
