#include "fhir/validation/be_core.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "fhir/identifiers.h"

// FSH citations below are files of hl7.fhir.be.core 2.x in github hl7-be/ehealth-be-core (renamed
// hl7-be/core), e.g. "BePatient.fsh" = input/fsh/profiles/BePatient.fsh. "1.x SD" cites
// ../shared/fhir-be/core-legacy-1x/StructureDefinition-be-<id>.json.

namespace zorgbrug::fhir::validation {
namespace {

using json::Value;

constexpr std::array<BeCoreProfile, 5> kProfiles = {{
    {"BePatient", "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-patient",
     "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-patient", "Patient"},
    {"BePractitioner",
     "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-practitioner",
     "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-practitioner",
     "Practitioner"},
    {"BePractitionerRole",
     "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-practitionerrole",
     "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-practitionerrole",
     "PractitionerRole"},
    {"BeOrganization",
     "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-organization",
     "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-organization",
     "Organization"},
    {"BeAddress", "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-address",
     "https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-address", "Address"},
}};

// ---- code systems and value sets ----

constexpr std::string_view kSnomedSystem = "http://snomed.info/sct";
// The code system of BePractitionerRole.code / BeOrganization.type slices CD-HCPARTY (2.x FSH;
// 1.x SD and ../shared/fhir-be/core-legacy-1x/CodeSystem-cd-hcparty.json for the legacy URI).
constexpr std::string_view kCdHcpartySystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty";
constexpr std::string_view kLegacyCdHcpartySystem =
    "https://www.ehealth.fgov.be/standards/fhir/CodeSystem/cd-hcparty";
// BeOrganization.fsh identifier[EHP].system; 1.x: core-legacy-1x/NamingSystem-ehp.json uniqueId.
constexpr std::string_view kEhpSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ehp";
constexpr std::string_view kLegacyEhpSystem =
    "https://www.ehealth.fgov.be/standards/fhir/NamingSystem/ehp";

constexpr std::string_view kBeCivilStateValueSet =
    "https://www.ehealth.fgov.be/standards/fhir/core/ValueSet/be-civilstate";
constexpr std::string_view kCdCivilStateSystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-civilstate";
// The 1.x system of the same codes (core-legacy-1x/ValueSet-be-civilstate.json).
constexpr std::string_view kLegacyCdCivilStateSystem =
    "https://www.ehealth.fgov.be/standards/fhir/CodeSystem/cd-civilstate";

struct Code {
  std::string_view system;
  std::string_view code;
};

// The value set be-civilstate, hand-encoded from hl7-be/ehealth-be-core
// input/fsh/valuesets/be-civilstate.fsh (same codes as the 1.x
// core-legacy-1x/ValueSet-be-civilstate.json). cd-civilstate codes 20, 25 and 30 exist in the
// code system (CodeSystem-cd-civilstate.json) but are not in the value set.
constexpr std::array<Code, 15> kCivilStateCodes = {{
    {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "A"},
    {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "D"},
    {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M"},
    {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "U"},
    {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "W"},
    {kCdCivilStateSystem, "10"},
    {kCdCivilStateSystem, "26"},
    {kCdCivilStateSystem, "40"},
    {kCdCivilStateSystem, "41"},
    {kCdCivilStateSystem, "50"},
    {kCdCivilStateSystem, "51"},
    {kCdCivilStateSystem, "60"},
    {kCdCivilStateSystem, "80"},
    {kCdCivilStateSystem, "81"},
    {"http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK"},
}};

// ISO 3166-1 alpha-2 (249 codes, as listed by Debian iso-codes 4.15,
// /usr/share/iso-codes/json/iso_3166-1.json), then the extra codes of the FedICT code system
// cd-fed-country (hl7-be/core input/fsh/codesystems/Cdfedcountry.fsh: CS XA XE XI XK XR XS), which
// hl7-be/core input/fsh/valuesets/BeVSCdFedCountry.fsh joins with ISO 3166. Entries are 3 apart.
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW CS XA XE XI XK XR XS";

// ---- extension slices ----

// A slice of an `extension` list, by url (discriminator value:url in every profile here).
struct ExtensionSlice {
  std::string_view url;
  std::string_view name;          // the slice name, for diagnostics
  bool at_most_one;               // slice max 1
  std::string_view value_member;  // the only allowed value[x] JSON name; empty: not constrained
  std::string_view source;        // the rule cited in diagnostics
  std::span<const ExtensionSlice> parts = {};  // slices of the extension's own `extension`
};

// BePatient.fsh: extension[nationality].extension[code].value[x] only CodeableConcept, [period]
// only Period (the sub-extension urls are the relative "code" and "period").
constexpr std::array<ExtensionSlice, 2> kNationalityParts = {{
    {"code", "nationality code", false, "valueCodeableConcept", "BePatient nationality"},
    {"period", "nationality period", false, "valuePeriod", "BePatient nationality"},
}};

constexpr std::array<ExtensionSlice, 4> kPatientExtensions = {{
    // BePatient.fsh and 1.x SD: nationality 0..*, birthPlace 0..1 with value[x] only Address.
    {"http://hl7.org/fhir/StructureDefinition/patient-nationality", "nationality", false, "",
     "BePatient extension[nationality]", kNationalityParts},
    {"http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "birthPlace", true,
     "valueAddress", "BePatient extension[birthPlace] 0..1, value[x] only Address"},
    // BePatient.fsh (2.x only): socialGender 0..1 and genderAtBirth 0..1; BeExtGenderAtBirth.fsh:
    // value[x] only CodeableConcept.
    {"http://hl7.org/fhir/StructureDefinition/patient-genderIdentity", "socialGender", true, "",
     "BePatient extension[socialGender] 0..1"},
    {"https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/be-ext-gender-at-birth",
     "genderAtBirth", true, "valueCodeableConcept",
     "BePatient extension[genderAtBirth] 0..1, value[x] only CodeableConcept"},
}};

// BePatient.fsh and 1.x SD: birthDate.extension[birthTime] 0..1, value[x] only dateTime.
constexpr std::array<ExtensionSlice, 1> kBirthDateExtensions = {{
    {"http://hl7.org/fhir/StructureDefinition/patient-birthTime", "birthTime", true,
     "valueDateTime", "BePatient birthDate.extension[birthTime] 0..1, value[x] only dateTime"},
}};

// BeAddress.fsh and 1.x SD: extension[language] 0..1.
constexpr std::array<ExtensionSlice, 1> kAddressExtensions = {{
    {"http://hl7.org/fhir/StructureDefinition/language", "language", true, "",
     "BeAddress extension[language] 0..1"},
}};

// BeAddress.fsh and 1.x SD: line.extension slices Streetname, Housenumber, Postbox 0..*, each
// value[x] only string.
constexpr std::array<ExtensionSlice, 3> kLineParts = {{
    {"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName", "ADXP streetName", false,
     "valueString", "BeAddress line.extension[Streetname].value[x] only string"},
    {"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber", "ADXP houseNumber", false,
     "valueString", "BeAddress line.extension[Housenumber].value[x] only string"},
    {"http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-postBox", "ADXP postBox", false,
     "valueString", "BeAddress line.extension[Postbox].value[x] only string"},
}};

// A CodeableConcept slice by coding.system whose codings must carry a code.
struct CodedSlice {
  std::string_view system;
  std::string_view legacy_system;  // the 1.x URI, accepted too; empty when none
  std::string_view source;
};

// BePractitionerRole.fsh and 1.x SD: code[CD-HCPARTY].coding.code 1.., code[SNOMED-CT].coding.code
// 1..; specialty[SNOMED-CT].coding.code 1...
constexpr std::array<CodedSlice, 2> kRoleCodeSlices = {{
    {kCdHcpartySystem, kLegacyCdHcpartySystem,
     "BePractitionerRole code[CD-HCPARTY].coding.code 1.."},
    {kSnomedSystem, "", "BePractitionerRole code[SNOMED-CT].coding.code 1.."},
}};
constexpr std::array<CodedSlice, 1> kRoleSpecialtySlices = {{
    {kSnomedSystem, "", "BePractitionerRole specialty[SNOMED-CT].coding.code 1.."},
}};
// BeOrganization.fsh and 1.x SD: type[CD-HCPARTY].coding.code 1..1.
constexpr std::array<CodedSlice, 1> kOrganizationTypeSlices = {{
    {kCdHcpartySystem, kLegacyCdHcpartySystem, "BeOrganization type[CD-HCPARTY].coding.code 1..1"},
}};

// ---- helpers ----

std::string Member(std::string_view location, std::string_view member) {
  std::string path(location);
  path += '.';
  path += member;
  return path;
}

std::string Indexed(std::string_view location, std::string_view member, size_t index) {
  return Member(location, member) + "[" + std::to_string(index) + "]";
}

// The items of the array member `member`, or none (also when it is not an array: the generic R4
// validation reports that).
std::span<const Value> Items(const Value& object, std::string_view member) {
  const Value* array = object.Find(member);
  return array != nullptr ? array->items() : std::span<const Value>();
}

void Report(IssueSink& sink, Severity severity, IssueType type, std::string expression,
            std::string diagnostics) {
  sink.Report({severity, type, std::move(expression), std::move(diagnostics)});
}

// DOMAIN.md section 3: the 1.x URIs still occur; accept them, emit 2.x.
void ReportLegacyUri(std::string expression, std::string_view current, IssueSink& sink) {
  Report(
      sink, Severity::kInformation, IssueType::kInformational, std::move(expression),
      "a legacy HL7 Belgium core 1.x URI is accepted here; core 2.x uses " + std::string(current));
}

// The JSON name of the extension's value[x] member ("valueString"), or empty.
std::string_view ValueMemberName(const Value& extension) {
  for (const json::Member& member : extension.members()) {
    if (member.name.starts_with("value")) return member.name;
  }
  return {};
}

// Applies `slices` to element.extension (element_path names `element`). Returns how many
// extensions belong to one of the slices.
size_t CheckExtensionSlices(const Value& element, std::string_view element_path,
                            std::span<const ExtensionSlice> slices, IssueSink& sink) {
  const std::span<const Value> extensions = Items(element, "extension");
  size_t matched = 0;
  for (const ExtensionSlice& slice : slices) {
    size_t count = 0;
    for (size_t i = 0; i < extensions.size(); ++i) {
      if (extensions[i].FindString("url") != slice.url) continue;
      ++matched;
      const std::string path = Indexed(element_path, "extension", i);
      if (++count == 2 && slice.at_most_one) {
        Report(sink, Severity::kError, IssueType::kStructure, path,
               "at most one " + std::string(slice.name) + " extension is allowed (" +
                   std::string(slice.source) + ")");
      }
      const std::string_view value = ValueMemberName(extensions[i]);
      if (!slice.value_member.empty() && !value.empty() && value != slice.value_member) {
        Report(sink, Severity::kError, IssueType::kStructure, Member(path, "value"),
               "the " + std::string(slice.name) + " extension must have " +
                   std::string(slice.value_member) + " (" + std::string(slice.source) + ")");
      }
      CheckExtensionSlices(extensions[i], path, slice.parts, sink);
    }
  }
  return matched;
}

// ---- identifiers and codings ----

// DOMAIN.md section 3 (SSIN check digits incl. BIS and post-2000, infsec exemption, NIHDI, CBE)
// and the invariants be-inv-SSIN / be-inv-NIHDI / be-inv-CBE (BeInv*.fsh) that BePatient,
// BePractitioner and BeOrganization obey; the slices' value 1.. (Be*.fsh, 1.x SDs). All through
// fhir/identifiers.h CheckIdentifier. With `ehp`, also BeOrganization identifier[EHP].value 1...
void CheckIdentifiers(const Value& resource, std::string_view location, bool ehp, IssueSink& sink) {
  const std::span<const Value> identifiers = Items(resource, "identifier");
  for (size_t i = 0; i < identifiers.size(); ++i) {
    const std::string path = Indexed(location, "identifier", i);
    const IdentifierCheck check = CheckIdentifier(identifiers[i], path, sink);
    if (check.legacy_system) ReportLegacyUri(Member(path, "system"), SystemUri(check.kind), sink);
    if (!ehp || !identifiers[i].IsObject()) continue;
    const std::string_view system = identifiers[i].FindString("system");
    if (system != kEhpSystem && system != kLegacyEhpSystem) continue;
    if (system == kLegacyEhpSystem) ReportLegacyUri(Member(path, "system"), kEhpSystem, sink);
    if (identifiers[i].Find("value") == nullptr) {
      Report(sink, Severity::kError, IssueType::kRequired, Member(path, "value"),
             "an identifier with the EHP system must have a value (BeOrganization "
             "identifier[EHP].value 1..)");
    }
  }
}

// Each coding of resource.<member>[i] whose system is one of `slices` must have a code.
void CheckSliceCodes(const Value& resource, std::string_view member, std::string_view location,
                     std::span<const CodedSlice> slices, IssueSink& sink) {
  const std::span<const Value> concepts = Items(resource, member);
  for (size_t i = 0; i < concepts.size(); ++i) {
    const std::span<const Value> codings = Items(concepts[i], "coding");
    for (size_t j = 0; j < codings.size(); ++j) {
      const std::string_view system = codings[j].FindString("system");
      for (const CodedSlice& slice : slices) {
        const bool legacy = !slice.legacy_system.empty() && system == slice.legacy_system;
        if (system != slice.system && !legacy) continue;
        const std::string path = Indexed(Indexed(location, member, i), "coding", j);
        if (legacy) ReportLegacyUri(Member(path, "system"), slice.system, sink);
        if (codings[j].Find("code") == nullptr) {
          Report(sink, Severity::kError, IssueType::kRequired, Member(path, "code"),
                 "a coding with this system must have a code (" + std::string(slice.source) + ")");
        }
      }
    }
  }
}

bool InCivilStateValueSet(std::string_view system, std::string_view code) {
  return std::any_of(kCivilStateCodes.begin(), kCivilStateCodes.end(), [&](const Code& entry) {
    return entry.system == system && entry.code == code;
  });
}

// BePatient.fsh and 1.x SD: maritalStatus from be-civilstate (required): at least one coding of
// the CodeableConcept is in the value set (DOMAIN.md section 3).
void CheckMaritalStatus(const Value& patient, std::string_view location, IssueSink& sink) {
  const Value* status = patient.Find("maritalStatus");
  if (status == nullptr || !status->IsObject()) return;
  const std::string path = Member(location, "maritalStatus");
  const std::span<const Value> codings = Items(*status, "coding");
  for (size_t j = 0; j < codings.size(); ++j) {
    std::string_view system = codings[j].FindString("system");
    if (system == kLegacyCdCivilStateSystem) {
      ReportLegacyUri(Member(Indexed(path, "coding", j), "system"), kCdCivilStateSystem, sink);
      system = kCdCivilStateSystem;
    }
    if (InCivilStateValueSet(system, codings[j].FindString("code"))) return;
  }
  Report(sink, Severity::kError, IssueType::kCodeInvalid, path,
         "maritalStatus must have a coding from the required value set " +
             std::string(kBeCivilStateValueSet) +
             " (v3-MaritalStatus A, D, M, U, W; cd-civilstate 10, 26, 40, 41, 50, 51, 60, 80, 81;"
             " v3-NullFlavor UNK)");
}

// ---- BeAddress ----

bool IsCountryCode(std::string_view text) {
  if (text.size() != 2) return false;
  for (size_t i = 0; i + 2 <= kCountryCodes.size(); i += 3) {
    if (kCountryCodes.substr(i, 2) == text) return true;
  }
  return false;
}

// BeAddress.fsh and 1.x SD, line definition: "always RECOMMENDED" to give street name, house
// number and post box separately as ADXP extensions (SHOULD: warning); their value[x] only string
// (SHALL: error).
void CheckAddressLines(const Value& address, std::string_view location, IssueSink& sink) {
  const std::span<const Value> lines = Items(address, "line");
  const std::span<const Value> parts = Items(address, "_line");  // the lines' extensions
  const size_t count = std::max(lines.size(), parts.size());
  for (size_t i = 0; i < count; ++i) {
    const std::string path = Indexed(location, "line", i);
    const bool structured =
        i < parts.size() && CheckExtensionSlices(parts[i], path, kLineParts, sink) > 0;
    if (structured) continue;
    Report(sink, Severity::kWarning, IssueType::kInvalid, path,
           "BeAddress recommends giving the street name, house number and post box of a line "
           "separately as the extensions iso21090-ADXP-streetName, -houseNumber and -postBox");
  }
}

// BeAddress.fsh and 1.x SD, country definition: RECOMMENDED to codify the country as the ISO 3166
// two-letter code, as in KMEHR (DOMAIN.md section 3: "ISO 3166 two-letter country"). The FSH says
// RECOMMENDED, not SHALL, hence a warning.
void CheckCountry(const Value& address, std::string_view location, IssueSink& sink) {
  const Value* country = address.Find("country");
  if (country == nullptr || !country->IsString() || IsCountryCode(country->text())) return;
  Report(sink, Severity::kWarning, IssueType::kValue, Member(location, "country"),
         "BeAddress recommends the ISO 3166-1 two-letter country code in upper case, as in KMEHR "
         "(for example BE); this country is not one");
}

void CheckAddress(const Value& address, std::string_view location, IssueSink& sink) {
  if (!address.IsObject()) return;  // reported by the generic R4 validation
  CheckExtensionSlices(address, location, kAddressExtensions, sink);
  CheckAddressLines(address, location, sink);
  CheckCountry(address, location, sink);
}

// Be{Patient,Practitioner,Organization}.fsh and 1.x SDs: address only BeAddress.
void CheckAddresses(const Value& resource, std::string_view location, IssueSink& sink) {
  const std::span<const Value> addresses = Items(resource, "address");
  for (size_t i = 0; i < addresses.size(); ++i) {
    CheckAddress(addresses[i], Indexed(location, "address", i), sink);
  }
}

// ---- the resource profiles ----

// BePatient. Not applied: 1.x gender 1..1 (1.x SD), dropped in 2.x (BePatient.fsh).
void CheckPatient(const Value& patient, std::string_view location, IssueSink& sink) {
  CheckIdentifiers(patient, location, /*ehp=*/false, sink);
  CheckExtensionSlices(patient, location, kPatientExtensions, sink);
  if (const Value* birth_date = patient.Find("_birthDate")) {
    CheckExtensionSlices(*birth_date, Member(location, "birthDate"), kBirthDateExtensions, sink);
  }
  CheckMaritalStatus(patient, location, sink);
  CheckAddresses(patient, location, sink);
}

void CheckPractitioner(const Value& practitioner, std::string_view location, IssueSink& sink) {
  CheckIdentifiers(practitioner, location, /*ehp=*/false, sink);
  // BePractitioner.fsh and 1.x SD: name 1.. (DOMAIN.md section 3: "BePractitioner requires a
  // name").
  if (Items(practitioner, "name").empty()) {
    Report(sink, Severity::kError, IssueType::kRequired, Member(location, "name"),
           "BePractitioner requires at least one name (name 1..*)");
  }
  CheckAddresses(practitioner, location, sink);
}

void CheckPractitionerRole(const Value& role, std::string_view location, IssueSink& sink) {
  CheckSliceCodes(role, "code", location, kRoleCodeSlices, sink);
  CheckSliceCodes(role, "specialty", location, kRoleSpecialtySlices, sink);
}

void CheckOrganization(const Value& organization, std::string_view location, IssueSink& sink) {
  CheckIdentifiers(organization, location, /*ehp=*/true, sink);
  CheckSliceCodes(organization, "type", location, kOrganizationTypeSlices, sink);
  CheckAddresses(organization, location, sink);
}

}  // namespace

std::span<const BeCoreProfile> BeCoreProfiles() { return kProfiles; }

const BeCoreProfile* FindBeCoreProfile(std::string_view canonical) {
  canonical = canonical.substr(0, canonical.find('|'));
  for (const BeCoreProfile& profile : kProfiles) {
    if (canonical == profile.url || canonical == profile.legacy_url) return &profile;
  }
  return nullptr;
}

void CheckBeCoreProfile(const BeCoreProfile& profile, const json::Value& value,
                        std::string_view location, IssueSink& sink) {
  const std::string name(profile.name);
  if (!value.IsObject()) {
    Report(sink, Severity::kError, IssueType::kStructure, std::string(location),
           name + " applies to a JSON object");
    return;
  }
  if (profile.type == "Address") {
    CheckAddress(value, location, sink);
    return;
  }
  if (value.FindString("resourceType") != profile.type) {
    Report(sink, Severity::kError, IssueType::kInvalid, std::string(location),
           name + " applies to " + std::string(profile.type) + " resources only");
    return;
  }
  if (profile.type == "Patient") {
    CheckPatient(value, location, sink);
  } else if (profile.type == "Practitioner") {
    CheckPractitioner(value, location, sink);
  } else if (profile.type == "PractitionerRole") {
    CheckPractitionerRole(value, location, sink);
  } else if (profile.type == "Organization") {
    CheckOrganization(value, location, sink);
  }
}

}  // namespace zorgbrug::fhir::validation
