// EPD Patient <-> BePatient, with the patient's RelatedPersons (partner, informal carer, parents)
// (through common/related_person.h) and the general practitioner (through common/professional.h).
// Pure: ids come from the context.

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

#include "adapters/common/bundle_io.h"
#include "adapters/common/related_person.h"
#include "adapters/epd/families.h"
#include "fhir/identifiers.h"

namespace zorgbrug::adapters::epd::internal {
namespace {

namespace json = fhir::json;
using common::RelatedPersonFromFhir;
using common::RelatedPersonToFhir;
using fhir::Severity;

constexpr std::string_view kBePatient =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-patient";
constexpr std::string_view kLanguageExt = "http://hl7.org/fhir/StructureDefinition/language";
constexpr std::string_view kInterpreterExt =
    "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";
constexpr std::string_view kStreetExt =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName";
constexpr std::string_view kHouseExt =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber";
constexpr std::string_view kBoxExt =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-postBox";
constexpr std::string_view kBcp47 = "urn:ietf:bcp:47";

json::Value AppendExtension(json::Document& doc, json::Value& element, std::string_view url) {
  json::Value ext = AppendObject(doc, element, "extension");
  doc.Set(ext, "url", doc.MakeString(url));
  return ext;
}

// ---------------------------------------------------------------- proto -> FHIR

// The SSIN identifier (2.x system), or an error at `field` when the digits are wrong. A pseudonym
// carries the infsec marker on `_value` and skips the digit rule. Diagnostics never quote it.
void AddSsin(json::Document& doc, json::Value& resource, std::string_view ssin, bool pseudonymised,
             const std::string& field, fhir::IssueSink& issues) {
  std::string value = pseudonymised ? std::string(ssin) : fhir::NormalizeSsin(ssin);
  if (!pseudonymised) {
    fhir::SsinResult check = fhir::CheckSsin(value);
    if (!check.ok()) {
      Report(issues, Severity::kError, fhir::IssueType::kValue, field,
             fhir::IdentifierErrorMessage(fhir::IdentifierKind::kSsin, check.error));
      return;
    }
  }
  json::Value id = AppendObject(doc, resource, "identifier");
  SetString(doc, id, "system", fhir::kSsinSystem);
  SetString(doc, id, "value", value);
  if (!pseudonymised) return;
  json::Value value_element = doc.MakeObject();
  json::Value ext = AppendExtension(doc, value_element, fhir::kPseudonymizationExtensionUrl);
  json::Value marker = AppendExtension(doc, ext, "marker");
  doc.Set(marker, "valueBoolean", json::Document::MakeBool(true));
  doc.Set(id, "_value", value_element);
}

void AddIdentifiers(const v1::Patient& patient, const std::string& field, BundleWriter& out,
                    json::Value& resource, fhir::IssueSink& issues) {
  json::Document& doc = out.doc();
  if (patient.local_key().empty()) {
    Report(issues, Severity::kError, fhir::IssueType::kRequired, field + ".local_key",
           "the patient's local key is required");
  } else {
    json::Value id = AppendObject(doc, resource, "identifier");
    SetString(doc, id, "system", out.context().local_key_system_base + "/patient");
    SetString(doc, id, "value", patient.local_key());
  }
  if (!patient.ssin().empty()) {
    AddSsin(doc, resource, patient.ssin(), patient.ssin_pseudonymised(), field + ".ssin", issues);
  } else if (patient.local_identifiers().empty()) {
    Report(issues, Severity::kError, fhir::IssueType::kRequired, field + ".local_identifiers",
           "a patient without SSIN needs at least one local identifier");
  }
  for (int i = 0; i < patient.local_identifiers_size(); ++i) {
    const v1::LocalIdentifier& local = patient.local_identifiers(i);
    const std::string path = field + ".local_identifiers[" + std::to_string(i) + "]";
    if (local.system().empty() || local.value().empty()) {
      Report(issues, Severity::kError, fhir::IssueType::kRequired, path,
             "a local identifier needs a system and a value");
      continue;
    }
    json::Value id = AppendObject(doc, resource, "identifier");
    SetString(doc, id, "system", local.system());
    SetString(doc, id, "value", local.value());
    if (!local.assigner().empty()) {
      json::Value assigner = doc.MakeObject();
      SetString(doc, assigner, "display", local.assigner());
      doc.Set(id, "assigner", assigner);
    }
  }
}

// "Hoogstraat 12 bus 3" / "Rue Haute 12 boîte 3": the readable form of the ADXP parts.
std::string LineText(const v1::Address& a) {
  std::string text = a.street_name();
  if (!a.house_number().empty()) text += (text.empty() ? "" : " ") + a.house_number();
  if (!a.post_box().empty()) {
    text += std::string(text.empty() ? "" : " ") + (a.language() == "fr" ? "boîte " : "bus ");
    text += a.post_box();
  }
  return text;
}

void AddLine(json::Document& doc, json::Value& address, const v1::Address& a) {
  if (a.street_name().empty() && a.house_number().empty() && a.post_box().empty()) return;
  json::Value lines = doc.Set(address, "line", doc.MakeArray());
  doc.Append(lines, doc.MakeString(LineText(a)));
  json::Value parts = doc.MakeObject();
  const std::pair<std::string_view, const std::string*> kParts[] = {
      {kStreetExt, &a.street_name()}, {kHouseExt, &a.house_number()}, {kBoxExt, &a.post_box()}};
  for (const auto& [url, value] : kParts) {
    if (value->empty()) continue;
    json::Value ext = AppendExtension(doc, parts, url);
    doc.Set(ext, "valueString", doc.MakeString(*value));
  }
  json::Value line_elements = doc.Set(address, "_line", doc.MakeArray());
  doc.Append(line_elements, parts);
}

bool IsCountryCode(std::string_view c) {
  return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

void AddAddress(json::Document& doc, json::Value& resource, const v1::Address& a,
                const std::string& path, fhir::IssueSink& issues) {
  json::Value out = AppendObject(doc, resource, "address");
  if (!a.language().empty()) {
    json::Value ext = AppendExtension(doc, out, kLanguageExt);
    doc.Set(ext, "valueCode", doc.MakeString(a.language()));
  }
  static constexpr std::string_view kUses[] = {"", "home", "work", "temp"};
  if (a.use() > 0 && a.use() < 4) SetString(doc, out, "use", kUses[a.use()]);
  AddLine(doc, out, a);
  SetString(doc, out, "city", a.city());
  SetString(doc, out, "postalCode", a.postal_code());
  if (a.country().empty()) return;
  if (!IsCountryCode(a.country())) {
    Report(issues, Severity::kError, fhir::IssueType::kValue, path + ".country",
           "the country must be an ISO 3166-1 two-letter code in upper case, e.g. BE");
    return;
  }
  SetString(doc, out, "country", a.country());
}

void AddCommunication(json::Document& doc, json::Value& resource, const v1::Patient& patient) {
  if (patient.interpreter_needed()) {
    json::Value ext = AppendExtension(doc, resource, kInterpreterExt);
    doc.Set(ext, "valueBoolean", json::Document::MakeBool(true));
  }
  if (patient.preferred_language().empty()) return;
  json::Value comm = AppendObject(doc, resource, "communication");
  json::Value language = doc.Set(comm, "language", doc.MakeObject());
  json::Value codings = doc.Set(language, "coding", doc.MakeArray());
  doc.Append(codings, Coding(doc, kBcp47, patient.preferred_language()));
  doc.Set(comm, "preferred", json::Document::MakeBool(true));
}

}  // namespace

void PatientToFhir(const v1::Patient& patient, const std::string& field, BundleWriter& out,
                   fhir::IssueSink& issues) {
  json::Document& doc = out.doc();
  BundleWriter::Entry entry = out.Add("Patient", kBePatient);
  json::Value& resource = entry.resource;
  AddIdentifiers(patient, field, out, resource, issues);
  for (const v1::HumanName& name : patient.names()) common::AddHumanName(doc, resource, name);
  static constexpr std::string_view kGenders[] = {"", "female", "male", "other", "unknown"};
  if (patient.gender() > 0 && patient.gender() < 5) {
    SetString(doc, resource, "gender", kGenders[patient.gender()]);
  }
  SetString(doc, resource, "birthDate", DateText(patient.birth_date()));
  for (int i = 0; i < patient.addresses_size(); ++i) {
    AddAddress(doc, resource, patient.addresses(i), field + ".addresses[" + std::to_string(i) + "]",
               issues);
  }
  AddCommunication(doc, resource, patient);
  if (patient.has_general_practitioner()) {
    std::string gp = ProfessionalToFhir(patient.general_practitioner(),
                                        field + ".general_practitioner", out, issues);
    if (!gp.empty()) {
      json::Value reference = AppendObject(doc, resource, "generalPractitioner");
      SetString(doc, reference, "reference", gp);
    }
  }
  if (!patient.local_key().empty()) out.Register("Patient|" + patient.local_key(), entry.full_url);
  common::PatientLink link;
  link.full_url = entry.full_url;
  for (int i = 0; i < patient.related_persons_size(); ++i) {
    RelatedPersonToFhir(patient.related_persons(i),
                        field + ".related_persons[" + std::to_string(i) + "]", link, out, issues);
  }
}

namespace {

// ---------------------------------------------------------------- FHIR -> proto

// Reads a Belgian SSIN identifier (2.x or legacy 1.x system) into `ssin`; CheckIdentifier reports
// wrong digits at the FHIR path. Returns whether `identifier` was an SSIN.
bool ReadSsin(const json::Value& identifier, const std::string& path, std::string& ssin,
              bool* pseudonymised, fhir::IssueSink& issues) {
  fhir::SystemInfo info = fhir::ClassifySystem(identifier.FindString("system"));
  if (info.kind != fhir::IdentifierKind::kSsin) return false;
  fhir::IdentifierCheck check = fhir::CheckIdentifier(identifier, path, issues);
  if (!ssin.empty()) {
    Info(issues, path, "a second SSIN has no place in the EPD record and was not mapped");
    return true;
  }
  ssin = std::string(identifier.FindString("value"));
  if (pseudonymised != nullptr) *pseudonymised = check.pseudonymised;
  ReportUnmapped(identifier, path, {"system", "value"}, issues);
  return true;
}

void ReadIdentifiers(const json::Value& resource, const std::string& expression,
                     const MappingContext& context, v1::Patient& out, fhir::IssueSink& issues) {
  const std::string local_system = context.local_key_system_base + "/patient";
  std::span<const json::Value> ids = Items(resource, "identifier");
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string path = Indexed(expression, "identifier", i);
    bool pseudonymised = false;
    if (ReadSsin(ids[i], path, *out.mutable_ssin(), &pseudonymised, issues)) {
      out.set_ssin_pseudonymised(out.ssin_pseudonymised() || pseudonymised);
      continue;
    }
    std::string_view system = ids[i].FindString("system");
    std::string_view value = ids[i].FindString("value");
    if (system.empty() || value.empty()) {
      Info(issues, path, "an identifier without system or value was not mapped");
      continue;
    }
    if (system == local_system && out.local_key().empty()) {
      out.set_local_key(std::string(value));
      ReportUnmapped(ids[i], path, {"system", "value"}, issues);
      continue;
    }
    v1::LocalIdentifier* local = out.add_local_identifiers();
    local->set_system(std::string(system));
    local->set_value(std::string(value));
    if (const json::Value* assigner = ids[i].Find("assigner")) {
      local->set_assigner(std::string(assigner->FindString("display")));
      ReportUnmapped(*assigner, path + ".assigner", {"display"}, issues);
    }
    ReportUnmapped(ids[i], path, {"system", "value", "assigner"}, issues);
  }
  if (out.local_key().empty()) {
    out.set_local_key(LocalKeyOf(resource, local_system, expression, issues));
  }
}

// The ADXP parts of line[0] (from `_line[0]`); a line without them becomes the street name.
void ReadLine(const json::Value& address, const std::string& path, v1::Address& out,
              fhir::IssueSink& issues) {
  std::span<const json::Value> lines = Items(address, "line");
  std::span<const json::Value> parts = Items(address, "_line");
  for (size_t i = 1; i < std::max(lines.size(), parts.size()); ++i) {
    Info(issues, Indexed(path, "line", i), "only one address line maps to the EPD record");
  }
  std::span<const json::Value> exts =
      parts.empty() ? std::span<const json::Value>() : Items(parts[0], "extension");
  for (size_t i = 0; i < exts.size(); ++i) {
    std::string_view url = exts[i].FindString("url");
    std::string value(exts[i].FindString("valueString"));
    if (url == kStreetExt) out.set_street_name(value);
    if (url == kHouseExt) out.set_house_number(value);
    if (url == kBoxExt) out.set_post_box(value);
    if (url != kStreetExt && url != kHouseExt && url != kBoxExt) {
      Info(issues, Indexed(path + ".line[0]", "extension", i),
           "this line extension has no counterpart in the EPD record");
    }
  }
  if (exts.empty() && !lines.empty()) {
    out.set_street_name(std::string(lines[0].text()));
    Info(issues, path + ".line[0]",
         "the line has no ADXP parts: kept whole as the street name, number and box not split");
  }
}

void ReadAddress(const json::Value& address, const std::string& path, v1::Address& out,
                 fhir::IssueSink& issues) {
  std::span<const json::Value> exts = Items(address, "extension");
  for (size_t i = 0; i < exts.size(); ++i) {
    if (exts[i].FindString("url") == kLanguageExt && out.language().empty()) {
      out.set_language(std::string(exts[i].FindString("valueCode")));
    } else {
      Info(issues, Indexed(path, "extension", i),
           "this address extension has no counterpart in the EPD record");
    }
  }
  std::string_view use = address.FindString("use");
  if (use == "home") out.set_use(v1::ADDRESS_USE_HOME);
  if (use == "work") out.set_use(v1::ADDRESS_USE_WORK);
  if (use == "temp") out.set_use(v1::ADDRESS_USE_TEMP);
  if (!use.empty() && out.use() == v1::ADDRESS_USE_UNSPECIFIED) {
    Info(issues, path + ".use", "this address use has no counterpart in the EPD record");
  }
  ReadLine(address, path, out, issues);
  out.set_city(std::string(address.FindString("city")));
  out.set_postal_code(std::string(address.FindString("postalCode")));
  out.set_country(std::string(address.FindString("country")));
  ReportUnmapped(address, path, {"extension", "use", "line", "city", "postalCode", "country"},
                 issues);
}

void ReadCommunication(const json::Value& resource, const std::string& expression, v1::Patient& out,
                       fhir::IssueSink& issues) {
  std::span<const json::Value> comms = Items(resource, "communication");
  for (size_t i = 0; i < comms.size(); ++i) {
    const std::string path = Indexed(expression, "communication", i);
    const json::Value* preferred = comms[i].Find("preferred");
    std::string_view code;
    const json::Value* language = comms[i].Find("language");
    for (const json::Value& c : language ? Items(*language, "coding") : Items(comms[i], "-")) {
      if (c.FindString("system") == kBcp47 && code.empty()) code = c.FindString("code");
    }
    if (preferred && preferred->IsBool() && preferred->GetBool() && !code.empty() &&
        out.preferred_language().empty()) {
      out.set_preferred_language(std::string(code));
    } else {
      Info(issues, path, "only the preferred BCP 47 language maps to the EPD record");
    }
  }
}

void ReadExtensions(const json::Value& resource, const std::string& expression, v1::Patient& out,
                    fhir::IssueSink& issues) {
  std::span<const json::Value> exts = Items(resource, "extension");
  for (size_t i = 0; i < exts.size(); ++i) {
    const json::Value* value = exts[i].Find("valueBoolean");
    if (exts[i].FindString("url") == kInterpreterExt && value && value->IsBool()) {
      out.set_interpreter_needed(value->GetBool());
    } else {
      Info(issues, Indexed(expression, "extension", i),
           "this extension has no counterpart in the EPD record");
    }
  }
}

void ReadGender(const json::Value& resource, const std::string& expression, v1::Patient& out,
                fhir::IssueSink& issues) {
  std::string_view gender = resource.FindString("gender");
  if (gender == "female") out.set_gender(v1::GENDER_FEMALE);
  if (gender == "male") out.set_gender(v1::GENDER_MALE);
  if (gender == "other") out.set_gender(v1::GENDER_OTHER);
  if (gender == "unknown") out.set_gender(v1::GENDER_UNKNOWN);
  if (!gender.empty() && out.gender() == v1::GENDER_UNSPECIFIED) {
    Report(issues, Severity::kError, fhir::IssueType::kCodeInvalid, expression + ".gender",
           "gender is not an administrative-gender code");
  }
  std::string_view birth = resource.FindString("birthDate");
  if (!birth.empty() && !ParseDate(birth, *out.mutable_birth_date())) {
    Report(issues, Severity::kError, fhir::IssueType::kValue, expression + ".birthDate",
           "birthDate is not a FHIR date");
  }
  for (std::string_view primitive : {"_gender", "_birthDate"}) {
    if (resource.Find(primitive) != nullptr) {
      Info(issues, expression + "." + std::string(primitive),
           "extensions on this element have no counterpart in the EPD record");
    }
  }
}

void ReadGeneralPractitioner(const json::Value& resource, const std::string& expression,
                             const BundleReader& in, v1::Patient& out, fhir::IssueSink& issues) {
  std::span<const json::Value> gps = Items(resource, "generalPractitioner");
  for (size_t i = 0; i < gps.size(); ++i) {
    const BundleReader::Resource* target = in.Resolve(gps[i].FindString("reference"));
    std::string_view type = target ? target->value.FindString("resourceType") : "";
    if (i > 0 || (type != "Practitioner" && type != "PractitionerRole")) {
      Info(issues, Indexed(expression, "generalPractitioner", i),
           "only the first general practitioner, a Practitioner(Role) in the Bundle, is mapped");
      continue;
    }
    in.MarkUsed(*target);
    ProfessionalFromFhir(*target, in, *out.mutable_general_practitioner(), issues);
  }
}

void ReadRelatedPersons(const BundleReader::Resource& patient, const BundleReader& in,
                        v1::Patient& out, fhir::IssueSink& issues) {
  for (const BundleReader::Resource& r : in.resources()) {
    if (r.value.FindString("resourceType") != "RelatedPerson") continue;
    const json::Value* reference = r.value.Find("patient");
    if (reference == nullptr) continue;
    if (in.Resolve(reference->FindString("reference")) != &patient) continue;
    RelatedPersonFromFhir(r, in, *out.add_related_persons(), issues);
  }
}

}  // namespace

void PatientFromFhir(const BundleReader::Resource& patient, const BundleReader& in,
                     const MappingContext& context, v1::Patient& out, fhir::IssueSink& issues) {
  const json::Value& resource = patient.value;
  const std::string& expression = patient.expression;
  ReadIdentifiers(resource, expression, context, out, issues);
  std::span<const json::Value> names = Items(resource, "name");
  for (size_t i = 0; i < names.size(); ++i) {
    common::ReadHumanName(names[i], Indexed(expression, "name", i), *out.add_names(), issues);
  }
  ReadGender(resource, expression, out, issues);
  std::span<const json::Value> addresses = Items(resource, "address");
  for (size_t i = 0; i < addresses.size(); ++i) {
    ReadAddress(addresses[i], Indexed(expression, "address", i), *out.add_addresses(), issues);
  }
  ReadCommunication(resource, expression, out, issues);
  ReadExtensions(resource, expression, out, issues);
  ReadGeneralPractitioner(resource, expression, in, out, issues);
  ReadRelatedPersons(patient, in, out, issues);
  // id and meta.profile are technical: they are rebuilt by PatientToFhir.
  if (const json::Value* meta = resource.Find("meta")) {
    ReportUnmapped(*meta, expression + ".meta", {"profile"}, issues);
  }
  ReportUnmapped(resource, expression,
                 {"id", "meta", "identifier", "name", "gender", "birthDate", "address",
                  "communication", "extension", "generalPractitioner"},
                 issues);
}

}  // namespace zorgbrug::adapters::epd::internal
