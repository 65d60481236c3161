#include "adapters/common/professional.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "adapters/common/cd_hcparty.h"
#include "fhir/identifiers.h"

namespace zorgbrug::adapters::common {
namespace {

namespace json = fhir::json;
using fhir::IdentifierKind;
using fhir::IssueType;
using fhir::Severity;

constexpr std::string_view kPractitionerProfile =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-practitioner";
constexpr std::string_view kPractitionerRoleProfile =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-practitionerrole";
constexpr std::string_view kOrganizationProfile =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-organization";

void Unmapped(fhir::IssueSink& issues, std::string expression, std::string_view what) {
  Report(issues, Severity::kInformation, IssueType::kInformational, std::move(expression),
         std::string(what) + " has no counterpart in the typed message and was not mapped");
}

void AddIdentifier(json::Document& doc, json::Value& resource, IdentifierKind kind,
                   std::string_view value) {
  json::Value identifier = AppendObject(doc, resource, "identifier");
  SetString(doc, identifier, "system", fhir::SystemUri(kind));
  SetString(doc, identifier, "value", value);
}

// Sets resource.<name>[0] = Coding(CD-HCPARTY, code) as a CodeableConcept (array when `repeated`).
void SetHcpartyConcept(json::Document& doc, json::Value& resource, std::string_view name,
                       std::string_view code) {
  json::Value codeable = AppendObject(doc, resource, name);
  json::Value codings = doc.Set(codeable, "coding", doc.MakeArray());
  doc.Append(codings, Coding(doc, common::kCdHcpartySystem, code));
}

std::string_view NameUseCode(v1::NameUse use) {
  switch (use) {
    case v1::NAME_USE_OFFICIAL:
      return "official";
    case v1::NAME_USE_USUAL:
      return "usual";
    case v1::NAME_USE_MAIDEN:
      return "maiden";
    default:
      return {};
  }
}

bool HasName(const v1::HumanName& name) {
  return !name.family().empty() || name.given_size() > 0 || name.prefix_size() > 0;
}

void SetName(json::Document& doc, json::Value& resource, const v1::HumanName& name) {
  json::Value human = AppendObject(doc, resource, "name");
  SetString(doc, human, "use", NameUseCode(name.use()));
  SetString(doc, human, "family", name.family());
  for (const std::string& given : name.given()) {
    json::Value* array = human.Find("given");
    json::Value target = array != nullptr ? *array : doc.Set(human, "given", doc.MakeArray());
    doc.Append(target, doc.MakeString(given));
  }
  for (const std::string& prefix : name.prefix()) {
    json::Value* array = human.Find("prefix");
    json::Value target = array != nullptr ? *array : doc.Set(human, "prefix", doc.MakeArray());
    doc.Append(target, doc.MakeString(prefix));
  }
}

// The Practitioner of `nihdi` (already checked), made on first mention; later mentions reuse it.
std::string PractitionerFor(const v1::Professional& professional, BundleWriter& out) {
  const std::string key = "Practitioner|" + professional.nihdi();
  if (const std::string* known = out.Find(key)) return *known;
  BundleWriter::Entry entry = out.Add("Practitioner", kPractitionerProfile);
  AddIdentifier(out.doc(), entry.resource, IdentifierKind::kNihdiProfessional,
                professional.nihdi());
  SetName(out.doc(), entry.resource, professional.name());
  out.Register(key, entry.full_url);
  return entry.full_url;
}

// Which identifier an organisation number is: a CBE number (10 digits) or a NIHDI number;
// kUnknown when it is neither.
IdentifierKind OrganisationNumberKind(std::string_view number) {
  if (number.size() == 10) {
    return fhir::CheckCbe(number).ok() ? IdentifierKind::kCbe : IdentifierKind::kUnknown;
  }
  return fhir::CheckNihdi(number).ok() ? IdentifierKind::kNihdiOrganization
                                       : IdentifierKind::kUnknown;
}

// The Organization known by `number` (NIHDI or CBE): the registered one, or a new one that carries
// only that identifier. Empty (with an error at `field`) when the number is neither.
std::string OrganizationFor(std::string_view number, const std::string& field, BundleWriter& out,
                            fhir::IssueSink& issues) {
  const std::string key = "Organization|" + std::string(number);
  if (const std::string* known = out.Find(key)) return *known;
  IdentifierKind kind = OrganisationNumberKind(number);
  if (kind == IdentifierKind::kUnknown) {
    Error(issues, IssueType::kValue, field,
          "the organisation number is neither a NIHDI number (11 digits) nor a CBE number");
    return {};
  }
  BundleWriter::Entry entry = out.Add("Organization", kOrganizationProfile);
  AddIdentifier(out.doc(), entry.resource, kind, number);
  out.Register(key, entry.full_url);
  return entry.full_url;
}

// Checks what ProfessionalToFhir needs; reports each problem at its field path.
bool CheckProfessional(const v1::Professional& professional, const std::string& field,
                       fhir::IssueSink& issues) {
  bool ok = true;
  if (professional.nihdi().empty()) {
    Error(issues, IssueType::kRequired, field + ".nihdi", "the NIHDI number is required");
    ok = false;
  } else if (fhir::NihdiResult r = fhir::CheckNihdi(professional.nihdi()); !r.ok()) {
    Error(issues, IssueType::kValue, field + ".nihdi",
          fhir::IdentifierErrorMessage(IdentifierKind::kNihdiProfessional, r.error));
    ok = false;
  }
  if (!HasName(professional.name())) {
    Error(issues, IssueType::kRequired, field + ".name",
          "a name is required (BePractitioner name 1..*)");
    ok = false;
  }
  if (!professional.role().code().empty() &&
      !common::IsKnownCdHcpartyCode(professional.role().code())) {
    Error(issues, IssueType::kCodeInvalid, field + ".role.code",
          "the role is not a CD-HCPARTY code the adapter knows");
    ok = false;
  }
  return ok;
}

v1::NameUse NameUseFrom(std::string_view code) {
  if (code == "official") return v1::NAME_USE_OFFICIAL;
  if (code == "usual") return v1::NAME_USE_USUAL;
  if (code == "maiden") return v1::NAME_USE_MAIDEN;
  return v1::NAME_USE_UNSPECIFIED;
}

// Reads Practitioner.name[0] into `out`; later names and unknown uses are reported as unmapped.
void ReadName(const json::Value& resource, std::string_view path, v1::HumanName& out,
              fhir::IssueSink& issues) {
  std::span<const json::Value> names = Items(resource, "name");
  for (size_t i = 1; i < names.size(); ++i) Unmapped(issues, Indexed(path, "name", i), "a name");
  if (names.empty()) return;
  const json::Value& name = names[0];
  const std::string name_path = Indexed(path, "name", 0);
  std::string_view use = name.FindString("use");
  out.set_use(NameUseFrom(use));
  if (!use.empty() && out.use() == v1::NAME_USE_UNSPECIFIED) {
    Unmapped(issues, name_path + ".use", "this name use");
  }
  out.set_family(std::string(name.FindString("family")));
  for (const json::Value& given : Items(name, "given")) out.add_given(std::string(given.text()));
  for (const json::Value& prefix : Items(name, "prefix")) {
    out.add_prefix(std::string(prefix.text()));
  }
  ReportUnmapped(name, name_path, {"use", "family", "given", "prefix"}, issues);
}

// The value of the first identifier whose system is of one of `kinds`; the others are reported as
// unmapped when `report`.
std::string ReadIdentifier(const json::Value& resource, std::string_view path,
                           std::initializer_list<IdentifierKind> kinds, bool report,
                           fhir::IssueSink& issues) {
  std::string found;
  std::span<const json::Value> identifiers = Items(resource, "identifier");
  for (size_t i = 0; i < identifiers.size(); ++i) {
    IdentifierKind kind = fhir::ClassifySystem(identifiers[i].FindString("system")).kind;
    bool wanted = std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    if (wanted && found.empty()) {
      found = identifiers[i].FindString("value");
    } else if (report) {
      Unmapped(issues, Indexed(path, "identifier", i), "this identifier");
    }
  }
  return found;
}

// The CD-HCPARTY code of resource.<member> (a list of CodeableConcepts, or one); other codings
// are reported as unmapped.
std::string ReadHcparty(const json::Value& resource, std::string_view path, std::string_view member,
                        fhir::IssueSink& issues) {
  std::string found;
  const json::Value* value = resource.Find(member);
  if (value == nullptr) return found;
  std::span<const json::Value> concepts =
      value->IsArray() ? value->items() : std::span<const json::Value>(value, 1);
  for (size_t i = 0; i < concepts.size(); ++i) {
    const std::string at = Indexed(path, member, i);
    std::span<const json::Value> codings = Items(concepts[i], "coding");
    for (size_t j = 0; j < codings.size(); ++j) {
      if (common::IsCdHcpartySystem(codings[j].FindString("system")) && found.empty()) {
        found = codings[j].FindString("code");
        ReportUnmapped(codings[j], Indexed(at, "coding", j), {"system", "code", "display"}, issues);
      } else {
        Unmapped(issues, Indexed(at, "coding", j), "a coding outside CD-HCPARTY");
      }
    }
    ReportUnmapped(concepts[i], at, {"coding"}, issues);
  }
  return found;
}

void ReadPractitioner(const BundleReader::Resource& practitioner, const BundleReader& in,
                      v1::Professional& out, fhir::IssueSink& issues) {
  in.MarkUsed(practitioner);
  const json::Value& value = practitioner.value;
  out.set_nihdi(ReadIdentifier(value, practitioner.expression,
                               {IdentifierKind::kNihdi, IdentifierKind::kNihdiProfessional},
                               /*report=*/true, issues));
  if (out.nihdi().empty()) {
    Error(issues, IssueType::kRequired, practitioner.expression + ".identifier",
          "the practitioner has no NIHDI number");
  }
  ReadName(value, practitioner.expression, *out.mutable_name(), issues);
  ReportUnmapped(value, practitioner.expression, {"id", "meta", "identifier", "name"}, issues);
}

// The resource of type `type` that value.<member>.reference points to; nullptr when the member is
// absent, or (with an error) when it does not resolve to such a resource.
const BundleReader::Resource* Follow(const json::Value& value, std::string_view path,
                                     std::string_view member, std::string_view type,
                                     const BundleReader& in, fhir::IssueSink& issues) {
  const json::Value* reference = value.Find(member);
  if (reference == nullptr) return nullptr;
  const std::string at = std::string(path) + "." + std::string(member);
  ReportUnmapped(*reference, at, {"reference"}, issues);
  const BundleReader::Resource* target = in.Resolve(reference->FindString("reference"));
  if (target == nullptr || target->value.FindString("resourceType") != type) {
    Error(issues, IssueType::kValue, at + ".reference",
          "the reference does not point to a " + std::string(type) + " in the Bundle");
    return nullptr;
  }
  return target;
}

// The PractitionerRole of `practitioner` with `organization` (either may be empty) and `role`;
// `practitioner` itself when there is neither role nor organisation.
std::string RoleFor(const std::string& practitioner, const std::string& organization,
                    std::string_view role_code, BundleWriter& out) {
  if (role_code.empty() && organization.empty()) return practitioner;
  json::Document& doc = out.doc();
  BundleWriter::Entry role = out.Add("PractitionerRole", kPractitionerRoleProfile);
  json::Value reference = doc.Set(role.resource, "practitioner", doc.MakeObject());
  SetString(doc, reference, "reference", practitioner);
  if (!organization.empty()) {
    json::Value org = doc.Set(role.resource, "organization", doc.MakeObject());
    SetString(doc, org, "reference", organization);
  }
  if (!role_code.empty()) SetHcpartyConcept(doc, role.resource, "code", role_code);
  return role.full_url;
}

}  // namespace

std::string ProfessionalToFhir(const v1::Professional& professional, const std::string& field,
                               BundleWriter& out, fhir::IssueSink& issues) {
  if (!CheckProfessional(professional, field, issues)) return {};
  std::string organization;
  if (!professional.organisation_nihdi().empty()) {
    organization = OrganizationFor(professional.organisation_nihdi(), field + ".organisation_nihdi",
                                   out, issues);
    if (organization.empty()) return {};
  }
  return RoleFor(PractitionerFor(professional, out), organization, professional.role().code(), out);
}

std::string WelfareWorkerToFhir(const v1::WelfareWorker& worker, const std::string& field,
                                BundleWriter& out, fhir::IssueSink& issues) {
  bool ok = true;
  if (worker.identifier().system().empty() || worker.identifier().value().empty()) {
    Error(issues, IssueType::kRequired, field + ".identifier",
          "the worker's identifier (system and value) is required");
    ok = false;
  }
  if (!HasName(worker.name())) {
    Error(issues, IssueType::kRequired, field + ".name",
          "a name is required (BePractitioner name 1..*)");
    ok = false;
  }
  if (!worker.role().code().empty() && !common::IsKnownCdHcpartyCode(worker.role().code())) {
    Error(issues, IssueType::kCodeInvalid, field + ".role.code",
          "the role is not a CD-HCPARTY code the adapter knows");
    ok = false;
  }
  if (!ok) return {};
  std::string organization;
  if (!worker.organisation_number().empty()) {
    organization =
        OrganizationFor(worker.organisation_number(), field + ".organisation_number", out, issues);
    if (organization.empty()) return {};
  }
  const std::string key =
      "Practitioner|" + worker.identifier().system() + "|" + worker.identifier().value();
  const std::string* practitioner = out.Find(key);
  if (practitioner == nullptr) {
    json::Document& doc = out.doc();
    BundleWriter::Entry entry = out.Add("Practitioner", kPractitionerProfile);
    json::Value identifier = AppendObject(doc, entry.resource, "identifier");
    SetString(doc, identifier, "system", worker.identifier().system());
    SetString(doc, identifier, "value", worker.identifier().value());
    if (!worker.identifier().assigner().empty()) {
      json::Value assigner = doc.Set(identifier, "assigner", doc.MakeObject());
      SetString(doc, assigner, "display", worker.identifier().assigner());
    }
    SetName(doc, entry.resource, worker.name());
    out.Register(key, entry.full_url);
    practitioner = out.Find(key);
  }
  return RoleFor(*practitioner, organization, worker.role().code(), out);
}

std::string OrganisationToFhir(const v1::Organisation& organisation, const std::string& field,
                               BundleWriter& out, fhir::IssueSink& issues) {
  bool ok = true;
  if (organisation.nihdi().empty() && organisation.cbe().empty()) {
    Error(issues, IssueType::kRequired, field, "a NIHDI or a CBE number is required");
    ok = false;
  }
  if (!organisation.nihdi().empty()) {
    if (fhir::NihdiResult r = fhir::CheckNihdi(organisation.nihdi()); !r.ok()) {
      Error(issues, IssueType::kValue, field + ".nihdi",
            fhir::IdentifierErrorMessage(IdentifierKind::kNihdiOrganization, r.error));
      ok = false;
    }
  }
  if (!organisation.cbe().empty()) {
    if (fhir::CbeResult r = fhir::CheckCbe(organisation.cbe()); !r.ok()) {
      Error(issues, IssueType::kValue, field + ".cbe",
            fhir::IdentifierErrorMessage(IdentifierKind::kCbe, r.error));
      ok = false;
    }
  }
  if (!organisation.type().code().empty() &&
      !common::IsKnownCdHcpartyCode(organisation.type().code())) {
    Error(issues, IssueType::kCodeInvalid, field + ".type.code",
          "the type is not a CD-HCPARTY code the adapter knows");
    ok = false;
  }
  if (!ok) return {};
  const std::string nihdi_key = "Organization|" + organisation.nihdi();
  const std::string cbe_key = "Organization|" + organisation.cbe();
  if (const std::string* known = out.Find(organisation.nihdi().empty() ? cbe_key : nihdi_key)) {
    return *known;
  }
  json::Document& doc = out.doc();
  BundleWriter::Entry entry = out.Add("Organization", kOrganizationProfile);
  if (!organisation.nihdi().empty()) {
    AddIdentifier(doc, entry.resource, IdentifierKind::kNihdiOrganization, organisation.nihdi());
    out.Register(nihdi_key, entry.full_url);
  }
  if (!organisation.cbe().empty()) {
    AddIdentifier(doc, entry.resource, IdentifierKind::kCbe, organisation.cbe());
    out.Register(cbe_key, entry.full_url);
  }
  SetString(doc, entry.resource, "name", organisation.name());
  if (!organisation.type().code().empty()) {
    SetHcpartyConcept(doc, entry.resource, "type", organisation.type().code());
  }
  return entry.full_url;
}

namespace {

// Reads a Practitioner, or a PractitionerRole with its practitioner (through `read_practitioner`),
// organisation number and CD-HCPARTY role.
template <typename ReadPractitionerFn>
void ReadPerson(const BundleReader::Resource& resource, const BundleReader& in,
                ReadPractitionerFn read_practitioner, std::string& organisation_number,
                std::string& role_code, fhir::IssueSink& issues) {
  in.MarkUsed(resource);
  const json::Value& value = resource.value;
  if (value.FindString("resourceType") == "Practitioner") {
    read_practitioner(resource);
    return;
  }
  const std::string& path = resource.expression;
  if (const auto* practitioner = Follow(value, path, "practitioner", "Practitioner", in, issues)) {
    read_practitioner(*practitioner);
  } else if (value.Find("practitioner") == nullptr) {
    Error(issues, IssueType::kRequired, path + ".practitioner",
          "the PractitionerRole names no practitioner");
  }
  if (const auto* org = Follow(value, path, "organization", "Organization", in, issues)) {
    // Only the number travels with the person. An Organization that says more (a name, a type)
    // stays unused unless another mapping reads it, so that the adapter reports it, never drops it.
    bool number_only = true;
    for (const json::Member& m : org->value.members()) {
      number_only = number_only && (m.name == "resourceType" || m.name == "id" ||
                                    m.name == "meta" || m.name == "identifier");
    }
    if (number_only) in.MarkUsed(*org);
    std::string number = ReadIdentifier(
        org->value, org->expression, {IdentifierKind::kNihdi, IdentifierKind::kNihdiOrganization},
        /*report=*/false, issues);
    if (number.empty()) {
      number = ReadIdentifier(org->value, org->expression, {IdentifierKind::kCbe},
                              /*report=*/false, issues);
    }
    if (number.empty()) {
      Error(issues, IssueType::kRequired, org->expression + ".identifier",
            "the organisation has neither a NIHDI nor a CBE number");
    }
    organisation_number = std::move(number);
  }
  role_code = ReadHcparty(value, path, "code", issues);
  ReportUnmapped(value, path, {"id", "meta", "practitioner", "organization", "code"}, issues);
}

}  // namespace

void ProfessionalFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                          v1::Professional& out, fhir::IssueSink& issues) {
  std::string role;
  ReadPerson(
      resource, in,
      [&](const BundleReader::Resource& practitioner) {
        ReadPractitioner(practitioner, in, out, issues);
      },
      *out.mutable_organisation_nihdi(), role, issues);
  if (!role.empty()) out.mutable_role()->set_code(std::move(role));
}

void WelfareWorkerFromFhir(const BundleReader::Resource& resource, const BundleReader& in,
                           v1::WelfareWorker& out, fhir::IssueSink& issues) {
  auto read_practitioner = [&](const BundleReader::Resource& practitioner) {
    in.MarkUsed(practitioner);
    const json::Value& value = practitioner.value;
    std::span<const json::Value> identifiers = Items(value, "identifier");
    for (size_t i = 0; i < identifiers.size(); ++i) {
      if (i > 0 || identifiers[i].FindString("value").empty()) {
        Unmapped(issues, Indexed(practitioner.expression, "identifier", i), "this identifier");
        continue;
      }
      const json::Value& id = identifiers[i];
      out.mutable_identifier()->set_system(std::string(id.FindString("system")));
      out.mutable_identifier()->set_value(std::string(id.FindString("value")));
      if (const json::Value* assigner = id.Find("assigner")) {
        out.mutable_identifier()->set_assigner(std::string(assigner->FindString("display")));
        ReportUnmapped(*assigner, Indexed(practitioner.expression, "identifier", i) + ".assigner",
                       {"display"}, issues);
      }
      ReportUnmapped(id, Indexed(practitioner.expression, "identifier", i),
                     {"system", "value", "assigner"}, issues);
    }
    if (out.identifier().value().empty()) {
      Error(issues, IssueType::kRequired, practitioner.expression + ".identifier",
            "the practitioner has no identifier");
    }
    ReadName(value, practitioner.expression, *out.mutable_name(), issues);
    ReportUnmapped(value, practitioner.expression, {"id", "meta", "identifier", "name"}, issues);
  };
  std::string role;
  ReadPerson(resource, in, read_practitioner, *out.mutable_organisation_number(), role, issues);
  if (!role.empty()) out.mutable_role()->set_code(std::move(role));
}

bool NamesProfessional(const BundleReader::Resource& resource, const BundleReader& in) {
  const BundleReader::Resource* practitioner = &resource;
  if (resource.value.FindString("resourceType") == "PractitionerRole") {
    const json::Value* reference = resource.value.Find("practitioner");
    practitioner = reference ? in.Resolve(reference->FindString("reference")) : nullptr;
    if (practitioner == nullptr) return true;  // ProfessionalFromFhir reports the broken link
  }
  for (const json::Value& id : Items(practitioner->value, "identifier")) {
    IdentifierKind kind = fhir::ClassifySystem(id.FindString("system")).kind;
    if (kind == IdentifierKind::kNihdi || kind == IdentifierKind::kNihdiProfessional) return true;
  }
  return false;
}

void OrganisationFromFhir(const BundleReader::Resource& organization, const BundleReader& in,
                          v1::Organisation& out, fhir::IssueSink& issues) {
  in.MarkUsed(organization);
  const json::Value& value = organization.value;
  const std::string& path = organization.expression;
  std::span<const json::Value> identifiers = Items(value, "identifier");
  for (size_t i = 0; i < identifiers.size(); ++i) {
    IdentifierKind kind = fhir::ClassifySystem(identifiers[i].FindString("system")).kind;
    std::string number(identifiers[i].FindString("value"));
    if ((kind == IdentifierKind::kNihdi || kind == IdentifierKind::kNihdiOrganization) &&
        out.nihdi().empty()) {
      out.set_nihdi(number);
    } else if (kind == IdentifierKind::kCbe && out.cbe().empty()) {
      out.set_cbe(number);
    } else {
      Unmapped(issues, Indexed(path, "identifier", i), "this identifier");
    }
  }
  if (out.nihdi().empty() && out.cbe().empty()) {
    Error(issues, IssueType::kRequired, path + ".identifier",
          "the organisation has neither a NIHDI nor a CBE number");
  }
  out.set_name(std::string(value.FindString("name")));
  if (std::string type = ReadHcparty(value, path, "type", issues); !type.empty()) {
    out.mutable_type()->set_code(std::move(type));
  }
  ReportUnmapped(value, path, {"id", "meta", "identifier", "name", "type"}, issues);
}

}  // namespace zorgbrug::adapters::common
