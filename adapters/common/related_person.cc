#include "adapters/common/related_person.h"

#include <span>
#include <string>
#include <string_view>

#include "fhir/identifiers.h"

namespace zorgbrug::adapters::common {
namespace {

namespace json = fhir::json;
using fhir::Severity;

constexpr std::string_view kRoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
constexpr std::string_view kSnomed = "http://snomed.info/sct";

// ---------------------------------------------------------------- proto -> FHIR

json::Value RelationshipCoding(json::Document& doc, v1::Relationship relationship) {
  switch (relationship) {
    case v1::RELATIONSHIP_PARTNER:
      return Coding(doc, kRoleCode, "SIGOTHR", "significant other");
    case v1::RELATIONSHIP_INFORMAL_CARER:
      return Coding(doc, kSnomed, "133932002", "Caregiver");
    case v1::RELATIONSHIP_MOTHER:
      return Coding(doc, kRoleCode, "MTH", "mother");
    case v1::RELATIONSHIP_FATHER:
      return Coding(doc, kRoleCode, "FTH", "father");
    default:
      return json::Value();
  }
}

void AddStrings(json::Document& doc, json::Value& object, std::string_view name,
                const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.empty()) return;
  json::Value array = doc.Set(object, name, doc.MakeArray());
  for (const std::string& v : values) doc.Append(array, doc.MakeString(v));
}

// The SSIN identifier (2.x system), or an error at `field` when the digits are wrong (the
// diagnostic never quotes it).
void AddSsin(json::Document& doc, json::Value& resource, std::string_view ssin,
             const std::string& field, fhir::IssueSink& issues) {
  std::string value = fhir::NormalizeSsin(ssin);
  fhir::SsinResult check = fhir::CheckSsin(value);
  if (!check.ok()) {
    Report(issues, Severity::kError, fhir::IssueType::kValue, field,
           fhir::IdentifierErrorMessage(fhir::IdentifierKind::kSsin, check.error));
    return;
  }
  json::Value id = AppendObject(doc, resource, "identifier");
  SetString(doc, id, "system", fhir::kSsinSystem);
  SetString(doc, id, "value", value);
}

// ---------------------------------------------------------------- FHIR -> proto

void ReadRelationship(const json::Value& person, const std::string& expression,
                      v1::RelatedPersonInfo& out, fhir::IssueSink& issues) {
  std::span<const json::Value> concepts = Items(person, "relationship");
  for (size_t i = 0; i < concepts.size(); ++i) {
    for (const json::Value& c : Items(concepts[i], "coding")) {
      std::string_view system = c.FindString("system"), code = c.FindString("code");
      if (out.relationship() != v1::RELATIONSHIP_UNSPECIFIED) break;
      if (system == kRoleCode && code == "SIGOTHR") out.set_relationship(v1::RELATIONSHIP_PARTNER);
      if (system == kRoleCode && code == "MTH") out.set_relationship(v1::RELATIONSHIP_MOTHER);
      if (system == kRoleCode && code == "FTH") out.set_relationship(v1::RELATIONSHIP_FATHER);
      if (system == kSnomed && code == "133932002") {
        out.set_relationship(v1::RELATIONSHIP_INFORMAL_CARER);
      }
    }
    if (i > 0 || out.relationship() == v1::RELATIONSHIP_UNSPECIFIED) {
      Info(issues, Indexed(expression, "relationship", i),
           "only partner, informal carer, mother and father map to the typed message");
    }
  }
}

// Reads a Belgian SSIN identifier (2.x or legacy 1.x system) into `ssin`; CheckIdentifier reports
// wrong digits at the FHIR path. Returns whether `identifier` was an SSIN.
bool ReadSsin(const json::Value& identifier, const std::string& path, std::string& ssin,
              fhir::IssueSink& issues) {
  fhir::SystemInfo info = fhir::ClassifySystem(identifier.FindString("system"));
  if (info.kind != fhir::IdentifierKind::kSsin) return false;
  fhir::CheckIdentifier(identifier, path, issues);
  if (!ssin.empty()) {
    Info(issues, path, "a second SSIN has no place in the typed message and was not mapped");
    return true;
  }
  ssin = std::string(identifier.FindString("value"));
  ReportUnmapped(identifier, path, {"system", "value"}, issues);
  return true;
}

}  // namespace

void AddHumanName(json::Document& doc, json::Value& resource, const v1::HumanName& name) {
  json::Value out = AppendObject(doc, resource, "name");
  static constexpr std::string_view kUses[] = {"", "official", "usual", "maiden"};
  if (name.use() > 0 && name.use() < 4) SetString(doc, out, "use", kUses[name.use()]);
  SetString(doc, out, "family", name.family());
  AddStrings(doc, out, "given", name.given());
  AddStrings(doc, out, "prefix", name.prefix());
}

void ReadHumanName(const json::Value& name, const std::string& path, v1::HumanName& out,
                   fhir::IssueSink& issues) {
  std::string_view use = name.FindString("use");
  if (use == "official") out.set_use(v1::NAME_USE_OFFICIAL);
  if (use == "usual") out.set_use(v1::NAME_USE_USUAL);
  if (use == "maiden") out.set_use(v1::NAME_USE_MAIDEN);
  if (!use.empty() && out.use() == v1::NAME_USE_UNSPECIFIED) {
    Info(issues, path + ".use", "this name use has no counterpart in the typed message");
  }
  out.set_family(std::string(name.FindString("family")));
  for (const json::Value& g : Items(name, "given")) out.add_given(std::string(g.text()));
  for (const json::Value& p : Items(name, "prefix")) out.add_prefix(std::string(p.text()));
  ReportUnmapped(name, path, {"use", "family", "given", "prefix"}, issues);
}

std::string RelatedPersonToFhir(const v1::RelatedPersonInfo& person, const std::string& field,
                                const PatientLink& patient, BundleWriter& out,
                                fhir::IssueSink& issues) {
  json::Document& doc = out.doc();
  BundleWriter::Entry entry = out.Add("RelatedPerson");
  json::Value& resource = entry.resource;
  if (!person.ssin().empty()) AddSsin(doc, resource, person.ssin(), field + ".ssin", issues);
  json::Value reference = doc.Set(resource, "patient", doc.MakeObject());
  if (!patient.full_url.empty()) {
    SetString(doc, reference, "reference", patient.full_url);
  } else {
    json::Value identifier = doc.Set(reference, "identifier", doc.MakeObject());
    SetString(doc, identifier, "system", patient.system);
    SetString(doc, identifier, "value", patient.value);
  }
  json::Value coding = RelationshipCoding(doc, person.relationship());
  if (coding.IsObject()) {
    json::Value code = AppendObject(doc, resource, "relationship");
    json::Value codings = doc.Set(code, "coding", doc.MakeArray());
    doc.Append(codings, coding);
  }
  if (person.has_name()) AddHumanName(doc, resource, person.name());
  if (!person.phone().empty()) {
    json::Value telecom = AppendObject(doc, resource, "telecom");
    SetString(doc, telecom, "system", "phone");
    SetString(doc, telecom, "value", person.phone());
  }
  return entry.full_url;
}

void RelatedPersonFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                           v1::RelatedPersonInfo& out, fhir::IssueSink& issues) {
  in.MarkUsed(resource);
  const json::Value& value = resource.value;
  const std::string& expression = resource.expression;
  ReadRelationship(value, expression, out, issues);
  std::span<const json::Value> names = Items(value, "name");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i == 0)
      ReadHumanName(names[i], Indexed(expression, "name", 0), *out.mutable_name(), issues);
    if (i > 0) Info(issues, Indexed(expression, "name", i), "only one name maps");
  }
  std::span<const json::Value> ids = Items(value, "identifier");
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string path = Indexed(expression, "identifier", i);
    if (!ReadSsin(ids[i], path, *out.mutable_ssin(), issues)) {
      Info(issues, path, "only the SSIN of a related person maps to the typed message");
    }
  }
  std::span<const json::Value> telecoms = Items(value, "telecom");
  for (size_t i = 0; i < telecoms.size(); ++i) {
    if (telecoms[i].FindString("system") == "phone" && out.phone().empty()) {
      out.set_phone(std::string(telecoms[i].FindString("value")));
      ReportUnmapped(telecoms[i], Indexed(expression, "telecom", i), {"system", "value"}, issues);
    } else {
      Info(issues, Indexed(expression, "telecom", i), "only one phone number maps");
    }
  }
  ReportUnmapped(value, expression,
                 {"id", "meta", "patient", "relationship", "name", "identifier", "telecom"},
                 issues);
}

}  // namespace zorgbrug::adapters::common
