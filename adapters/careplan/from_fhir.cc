// FHIR R4 -> care plan (careplan.h FromFhir), part one: the people and what they say: references,
// the person, the CareTeam with its members and roles, the care messages (Communications) and the
// Consent with the person's access decisions. The plan itself, its goals and tasks are in
// from_fhir_plan.cc. The mapping table is in
// adapters/careplan/README.md; the FHIR shape is the one to_fhir.cc writes, and the legacy HL7
// Belgium DZOP examples (role texts, "Type/id" references, no identifiers) are read as well.

#include <span>
#include <string>
#include <string_view>

#include "adapters/careplan/fhir_shape.h"
#include "adapters/careplan/from_fhir_reader.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/professional.h"
#include "adapters/common/related_person.h"

namespace zorgbrug::adapters::careplan::internal {

namespace json = fhir::json;
using common::Cat;
using common::Error;
using common::Indexed;
using common::Info;
using common::Items;
using fhir::IssueType;

namespace {

// The legacy DZOP role texts (CareTeam.participant.role.text) that say what kind of member someone
// is; the kind comes from the referenced resource, so they carry nothing more.
constexpr std::string_view kLegacyCoordinatorText = "care-coordinator";
constexpr std::string_view kLegacyWelfareText = "welfare-actor";
constexpr std::string_view kLegacyKindTexts[] = {"welfare-actor", "healthcare-actor",
                                                 "informal care actor"};
constexpr std::string_view kIrcpCode = "IRCP";

// "Patient/pia" or ".../Patient/pia": the id, else empty.
std::string_view PatientIdOf(std::string_view reference) {
  const size_t slash = reference.rfind('/');
  if (slash == std::string_view::npos) return {};
  std::string_view head = reference.substr(0, slash);
  if (head != "Patient" && !head.ends_with("/Patient")) return {};
  return reference.substr(slash + 1);
}

// The resource's id, else the tail of its fullUrl ("urn:uuid:<id>", ".../Practitioner/<id>").
std::string IdOf(const Resource& resource) {
  std::string_view id = resource.value.FindString("id");
  if (!id.empty()) return std::string(id);
  std::string_view url = resource.full_url;
  const size_t cut = url.find_last_of("/:");
  return std::string(cut == std::string_view::npos ? url : url.substr(cut + 1));
}

bool HasAnyIdentifier(const json::Value& resource) {
  for (const json::Value& id : Items(resource, "identifier")) {
    if (!id.FindString("value").empty()) return true;
  }
  return false;
}

// Whether a participant's role texts call them a welfare actor (legacy DZOP).
bool SaysWelfare(const json::Value& participant) {
  for (const json::Value& role : Items(participant, "role")) {
    if (role.FindString("text") == kLegacyWelfareText) return true;
  }
  return false;
}

bool InRange(const v1::Date& d) {
  return d.month() <= 12 && d.day() <= 31 && (d.month() > 0 || d.day() == 0);
}

}  // namespace

// ------------------------------------------------------------------ references

// Reports each identifier of `resource` whose system is none of `systems`.
void ReportOtherIdentifiers(const Resource& resource, std::initializer_list<std::string> systems,
                            fhir::IssueSink& issues) {
  std::span<const json::Value> ids = Items(resource.value, "identifier");
  for (size_t i = 0; i < ids.size(); ++i) {
    bool known = false;
    for (const std::string& s : systems) known = known || ids[i].FindString("system") == s;
    if (!known) {
      Info(issues, Indexed(resource.expression, "identifier", i),
           "this identifier is not a key of the plan and was not mapped");
    }
  }
}

const Resource* PlanReader::Resolve(const json::Value& reference) const {
  if (const Resource* r = in_.Resolve(reference.FindString("reference"))) return r;
  const json::Value* id = reference.Find("identifier");
  if (id == nullptr || id->FindString("value").empty()) return nullptr;
  std::string_view system = id->FindString("system");
  std::string_view value = id->FindString("value");
  for (const Resource& r : in_.resources()) {
    for (const json::Value& other : Items(r.value, "identifier")) {
      if (other.FindString("system") == system && other.FindString("value") == value) return &r;
    }
  }
  return nullptr;
}

Named PlanReader::NameOf(const json::Value& reference, const std::string& path) {
  if (const json::Value* id = reference.Find("identifier")) {
    std::string_view system = id->FindString("system");
    std::string value(id->FindString("value"));
    if (system == KeySystem(context_, kMemberKey)) {
      for (const Member& m : members_) {
        if (m.key == value) return {Named::Kind::kMember, value};
      }
      return {};
    }
    if (system == KeySystem(context_, kPatientKey) && !value.empty()) {
      return {Named::Kind::kPerson, value};
    }
  }
  const Resource* target = Resolve(reference);
  if (target == nullptr) {
    std::string_view id = PatientIdOf(reference.FindString("reference"));
    if (id.empty()) return {};
    Info(issues_, path,
         "the Patient is not in the Bundle: the id in the reference stands in as the person's key");
    return {Named::Kind::kPerson, std::string(id)};
  }
  if (target == team_) return {Named::Kind::kTeam, {}};
  if (target->value.FindString("resourceType") == "Patient") {
    auto known = patients_.find(target);
    if (known == patients_.end()) {
      known =
          patients_
              .emplace(target, common::LocalKeyOf(target->value, KeySystem(context_, kPatientKey),
                                                  target->expression, issues_))
              .first;
      ReadPatient(*target);
    }
    return {Named::Kind::kPerson, known->second};
  }
  for (const Member& m : members_) {
    if (m.resource == target || m.practitioner == target) return {Named::Kind::kMember, m.key};
  }
  return {};
}

std::string PlanReader::PersonOf(const json::Value& reference, const std::string& path) {
  Named named = NameOf(reference, path);
  if (named.kind == Named::Kind::kPerson) return named.key;
  Error(issues_, IssueType::kValue, path,
        Cat({"the reference names neither an identifier with system ",
             KeySystem(context_, kPatientKey), " nor a Patient"}));
  return {};
}

void PlanReader::CheckPerson(const json::Value& object, std::string_view member,
                             const std::string& path) {
  const json::Value* reference = object.Find(member);
  if (reference == nullptr) return;
  const std::string at = Cat({path, ".", member});
  std::string key = PersonOf(*reference, at);
  if (!key.empty() && key != out_.patient_local_key()) {
    Error(issues_, IssueType::kValue, at, "names another person than the CarePlan's subject");
  }
}

std::string PlanReader::MemberOf(const json::Value& reference, const std::string& path,
                                 bool person_allowed) {
  Named named = NameOf(reference, path);
  if (named.kind == Named::Kind::kMember) return named.key;
  if (named.kind == Named::Kind::kPerson && person_allowed) {
    if (named.key != out_.patient_local_key()) {
      Error(issues_, IssueType::kValue, path, "names another person than the CarePlan's subject");
    }
    return {};
  }
  Error(issues_, IssueType::kValue, path,
        person_allowed ? "names neither a member of the plan's care team nor the person"
                       : "names no member of the plan's care team");
  return {};
}

std::optional<v1::Date> PlanReader::ReadDate(const json::Value& object, std::string_view member,
                                             const std::string& path) {
  const json::Value* value = object.Find(member);
  if (value == nullptr) return std::nullopt;
  const std::string at = Cat({path, ".", member});
  std::string_view text = value->text();
  std::string_view date = text;
  if (text.size() > 10 && text[10] == 'T') {
    date = text.substr(0, 10);
    Info(issues_, at, "only the date of this dateTime maps");
  }
  v1::Date parsed;
  if (!value->IsString() || !common::ParseDate(date, parsed) || !InRange(parsed)) {
    Error(issues_, IssueType::kValue, at, "not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)");
    return std::nullopt;
  }
  return parsed;
}

bool PlanReader::ReadClinical(const Resource& resource) {
  const json::Value* meta = resource.value.Find("meta");
  if (meta == nullptr) return false;
  bool clinical = false;
  std::span<const json::Value> tags = Items(*meta, "tag");
  for (size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].FindString("system") == kContentSystem &&
        tags[i].FindString("code") == ContentCode(v1::CONTENT_CLASS_CLINICAL)) {
      clinical = true;
    } else {
      Info(issues_, Indexed(resource.expression + ".meta", "tag", i),
           "only the tag 'clinical' of careplan-content maps");
    }
  }
  return clinical;
}

// ------------------------------------------------------------------ the person and the team

void PlanReader::ReadPatient(const Resource& patient) {
  in_.MarkUsed(patient);
  const std::string key_system = KeySystem(context_, kPatientKey);
  std::span<const json::Value> ids = Items(patient.value, "identifier");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].FindString("system") != key_system) {
      Info(issues_, Indexed(patient.expression, "identifier", i),
           "the plan keeps only the person's key; map the Patient with EpdTranslation");
    }
  }
  common::ReportUnmapped(patient.value, patient.expression, {"id", "meta", "identifier"}, issues_);
}

void PlanReader::ReadCareTeam(const Resource& team) {
  in_.MarkUsed(team);
  const json::Value& t = team.value;
  const std::string& path = team.expression;
  CheckPerson(t, "subject", path);
  std::span<const json::Value> participants = Items(t, "participant");
  for (size_t i = 0; i < participants.size(); ++i) {
    ReadParticipant(participants[i], Indexed(path, "participant", i));
  }
  if (t.Find("name") != nullptr && t.FindString("name") != out_.title()) {
    Info(issues_, path + ".name", "the plan keeps its own title, not the team's name");
  }
  // identifier is checked against the plan's key (ReadKey); status follows the plan's status.
  common::ReportUnmapped(
      t, path, {"id", "meta", "identifier", "status", "subject", "name", "participant"}, issues_);
}

void PlanReader::ReadParticipant(const json::Value& participant, const std::string& path) {
  const json::Value* member = participant.Find("member");
  if (member == nullptr) {
    Error(issues_, IssueType::kRequired, path + ".member", "the participant names nobody");
    return;
  }
  const std::string at = path + ".member";
  const Resource* target = Resolve(*member);
  if (target == nullptr) {
    Error(issues_, IssueType::kValue, at,
          "the member cannot be resolved: no resource of the Bundle has this reference or "
          "identifier");
    return;
  }
  if (target->value.FindString("resourceType") == "Patient") {
    NameOf(*member, at);  // reads the Patient
    Info(issues_, at, "the person herself is not a member of her care team");
    return;
  }
  v1::CareTeamMember m;
  if (const json::Value* id = member->Find("identifier");
      id != nullptr && id->FindString("system") == KeySystem(context_, kMemberKey)) {
    m.set_local_key(std::string(id->FindString("value")));
  } else {
    m.set_local_key(IdOf(*target));
    Info(issues_, at,
         Cat({"no identifier with system ", KeySystem(context_, kMemberKey),
              ": the id of the resource stands in as the member's key"}));
  }
  if (!ReadWho(*target, participant, at, m)) return;
  ReadRoles(participant, path, m);
  if (const json::Value* period = participant.Find("period")) {
    if (auto date = ReadDate(*period, "start", path + ".period")) *m.mutable_since() = *date;
    if (auto date = ReadDate(*period, "end", path + ".period")) *m.mutable_until() = *date;
    common::ReportUnmapped(*period, path + ".period", {"start", "end"}, issues_);
  }
  common::ReportUnmapped(participant, path, {"member", "role", "period"}, issues_);
  const Resource* practitioner = nullptr;
  std::string_view type = target->value.FindString("resourceType");
  if (type == "Practitioner") practitioner = target;
  if (const json::Value* link = target->value.Find("practitioner");
      type == "PractitionerRole" && link != nullptr) {
    practitioner = in_.Resolve(link->FindString("reference"));
  }
  members_.push_back({m.local_key(), target, practitioner});
  *out_.add_team() = std::move(m);
}

bool PlanReader::ReadWho(const Resource& resource, const json::Value& participant,
                         const std::string& path, v1::CareTeamMember& member) {
  std::string_view type = resource.value.FindString("resourceType");
  if (type == "Practitioner" || type == "PractitionerRole") {
    // A NIHDI number makes a health professional, another identifier a welfare worker; the legacy
    // DZOP practitioners have none, and their role text tells ("welfare-actor").
    const Resource* practitioner = &resource;
    if (type == "PractitionerRole") {
      const json::Value* link = resource.value.Find("practitioner");
      practitioner = link != nullptr ? in_.Resolve(link->FindString("reference")) : nullptr;
    }
    const bool professional = common::NamesProfessional(resource, in_) ||
                              (practitioner != nullptr && !HasAnyIdentifier(practitioner->value) &&
                               !SaysWelfare(participant));
    if (professional) {
      common::ProfessionalFromFhir(resource, in_, *member.mutable_professional(), issues_);
    } else {
      common::WelfareWorkerFromFhir(resource, in_, *member.mutable_welfare_worker(), issues_);
    }
    return true;
  }
  if (type == "RelatedPerson") {
    common::RelatedPersonFromFhir(resource, in_, *member.mutable_informal_carer(), issues_);
    CheckPerson(resource.value, "patient", resource.expression);
    return true;
  }
  if (type == "Organization") {
    common::OrganisationFromFhir(resource, in_, *member.mutable_organisation(), issues_);
    return true;
  }
  Error(issues_, IssueType::kValue, path,
        "the member is neither a Practitioner, a PractitionerRole, a RelatedPerson nor an "
        "Organization");
  return false;
}

void PlanReader::ReadRoles(const json::Value& participant, const std::string& path,
                           v1::CareTeamMember& member) {
  auto add = [&member](v1::CareTeamRole role) {
    for (int r : member.roles()) {
      if (r == role) return;
    }
    member.add_roles(role);
  };
  std::span<const json::Value> roles = Items(participant, "role");
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string at = Indexed(path, "role", i);
    bool coded = false;
    std::span<const json::Value> codings = Items(roles[i], "coding");
    for (size_t j = 0; j < codings.size(); ++j) {
      std::string_view system = codings[j].FindString("system");
      if (system == kTeamRoleSystem) {
        coded = true;
        if (auto role = TeamRoleFromCode(codings[j].FindString("code"))) {
          add(*role);
        } else {
          Error(issues_, IssueType::kCodeInvalid, Indexed(at, "coding", j),
                Cat({"not a code of ", kTeamRoleSystem}));
        }
      } else {
        Info(issues_, Indexed(at, "coding", j), "this role is not one of the plan's team roles");
      }
    }
    std::string_view text = roles[i].FindString("text");
    bool kind_text = false;
    for (std::string_view k : kLegacyKindTexts) kind_text = kind_text || text == k;
    if (!coded && text == kLegacyCoordinatorText) {
      add(v1::CARE_TEAM_ROLE_COORDINATOR);
    } else if (!coded && !text.empty() && !kind_text) {
      Info(issues_, at + ".text", "this role is not one of the plan's team roles");
    }
    common::ReportUnmapped(roles[i], at, {"coding", "text"}, issues_);
  }
}

// ------------------------------------------------------------------ messages

void PlanReader::ReadMessage(const Resource& communication) {
  in_.MarkUsed(communication);
  const json::Value& c = communication.value;
  const std::string& path = communication.expression;
  v1::CareMessage& out = *out_.add_messages();
  const std::string key_system = KeySystem(context_, kMessageKey);
  const std::string source_system = KeySystem(context_, kContributionKey);
  out.set_local_key(common::LocalKeyOf(c, key_system, path, issues_));
  ReportOtherIdentifiers(communication, {key_system, source_system}, issues_);
  for (const json::Value& id : Items(c, "identifier")) {
    if (id.FindString("system") == source_system && out.source().empty()) {
      out.set_source(std::string(id.FindString("value")));
    }
  }
  if (c.FindString("status") != "completed") {
    Info(issues_, path + ".status", "a care message is a sent message: its status is not kept");
  }
  CheckPerson(c, "subject", path);
  std::span<const json::Value> based_on = Items(c, "basedOn");
  for (size_t i = 0; i < based_on.size(); ++i) {
    if (!IsThePlan(based_on[i])) {
      Info(issues_, Indexed(path, "basedOn", i), "only the plan the message belongs to maps");
    }
  }
  std::span<const json::Value> about = Items(c, "about");
  for (size_t i = 0; i < about.size(); ++i) {
    const std::string at = Indexed(path, "about", i);
    if (i > 0) {
      Info(issues_, at, "a message is about one task; only the first maps");
      continue;
    }
    out.set_about_task(KeyAmong(about[i], tasks_, kTaskKey));
    if (out.about_task().empty())
      Error(issues_, IssueType::kValue, at, "names no task of the plan");
  }
  if (const json::Value* sent = c.Find("sent");
      sent != nullptr && !common::ParseInstant(sent->text(), *out.mutable_sent())) {
    out.clear_sent();
    Error(issues_, IssueType::kValue, path + ".sent", "not a FHIR instant (with seconds and zone)");
  }
  if (const json::Value* sender = c.Find("sender")) {
    out.set_sender(MemberOf(*sender, path + ".sender", /*person_allowed=*/true));
  }
  ReadRecipients(communication, out);
  ReadText(communication, out);
  out.set_clinical(ReadClinical(communication));
  common::ReportUnmapped(c, path,
                         {"id", "meta", "identifier", "status", "subject", "basedOn", "about",
                          "sent", "sender", "recipient", "payload"},
                         issues_);
}

void PlanReader::ReadRecipients(const Resource& communication, v1::CareMessage& out) {
  // ToFhir addresses a message for the whole team to the CareTeam itself.
  bool whole_team = false;
  std::span<const json::Value> recipients = Items(communication.value, "recipient");
  for (size_t i = 0; i < recipients.size(); ++i) {
    const std::string at = Indexed(communication.expression, "recipient", i);
    Named named = NameOf(recipients[i], at);
    if (named.kind == Named::Kind::kTeam) {
      whole_team = true;
    } else if (named.kind == Named::Kind::kMember) {
      out.add_recipients(named.key);
    } else if (named.kind == Named::Kind::kPerson) {
      Info(issues_, at, "a care message is for the team; the person as recipient is not kept");
    } else {
      Error(issues_, IssueType::kValue, at,
            "names neither a member of the plan's care team nor the care team itself");
    }
  }
  if (whole_team && out.recipients_size() > 0) {
    Info(issues_, communication.expression + ".recipient",
         "the whole care team is addressed: the members named besides are not kept");
    out.clear_recipients();
  }
}

void PlanReader::ReadText(const Resource& communication, v1::CareMessage& out) {
  std::span<const json::Value> payloads = Items(communication.value, "payload");
  for (size_t i = 0; i < payloads.size(); ++i) {
    const json::Value* text = payloads[i].Find("contentString");
    if (text == nullptr || !out.text().empty()) {
      Info(issues_, Indexed(communication.expression, "payload", i),
           "a care message is one text; this part is not kept");
      continue;
    }
    out.set_text(std::string(text->text()));
    common::ReportUnmapped(payloads[i], Indexed(communication.expression, "payload", i),
                           {"contentString"}, issues_);
  }
  if (out.text().empty()) {
    Error(issues_, IssueType::kRequired, communication.expression + ".payload",
          "the message has no text");
  }
}

// ------------------------------------------------------------------ the Consent

void PlanReader::ReadConsent(const Resource& consent) {
  in_.MarkUsed(consent);
  const json::Value& c = consent.value;
  const std::string& path = consent.expression;
  // scope, category, policyRule and dateTime are fixed by the mapping.
  common::ReportUnmapped(c, path,
                         {"id", "meta", "status", "scope", "category", "patient", "dateTime",
                          "policyRule", "provision"},
                         issues_);
  if (c.FindString("status") != "active") {
    Info(issues_, path + ".status",
         "only an active Consent holds decisions in force; its provisions were not mapped");
    return;
  }
  CheckPerson(c, "patient", path);
  const json::Value* provision = c.Find("provision");
  if (provision == nullptr) return;
  const std::string at = path + ".provision";
  if (std::string_view type = provision->FindString("type"); !type.empty() && type != "permit") {
    Info(issues_, at + ".type",
         "the outer provision's type is not kept (each decision has its own)");
  }
  std::span<const json::Value> decisions = Items(*provision, "provision");
  for (size_t i = 0; i < decisions.size(); ++i) {
    ReadDecision(decisions[i], Indexed(at, "provision", i));
  }
  common::ReportUnmapped(*provision, at, {"type", "provision"}, issues_);
}

void PlanReader::ReadDecision(const json::Value& provision, const std::string& path) {
  v1::AccessDecision d;
  std::string_view type = provision.FindString("type");
  if (type != "permit" && type != "deny") {
    Error(issues_, IssueType::kCodeInvalid, path + ".type", "a decision is 'permit' or 'deny'");
  }
  d.set_permit(type == "permit");
  bool coded = false;
  std::span<const json::Value> codes = Items(provision, "code");
  for (size_t i = 0; i < codes.size(); ++i) {
    for (const json::Value& coding : Items(codes[i], "coding")) {
      if (i > 0 || coding.FindString("system") != kContentSystem) continue;
      coded = true;
      if (auto content = ContentFromCode(coding.FindString("code"))) {
        d.set_content(*content);
      } else {
        Error(issues_, IssueType::kCodeInvalid, Indexed(path, "code", i),
              Cat({"not a code of ", kContentSystem}));
      }
    }
    if (i > 0) Info(issues_, Indexed(path, "code", i), "a decision is about one class of content");
  }
  if (!coded) {
    Error(issues_, IssueType::kRequired, path + ".code",
          Cat({"the decision names no class of content of ", kContentSystem}));
  }
  std::span<const json::Value> actors = Items(provision, "actor");
  if (actors.empty()) {
    Error(issues_, IssueType::kRequired, path + ".actor", "the decision names nobody");
  }
  for (size_t i = 0; i < actors.size(); ++i) {
    if (i == 0) {
      ReadActor(actors[i], Indexed(path, "actor", i), d);
    } else {
      Info(issues_, Indexed(path, "actor", i),
           "a decision is about one member or one kind of member");
    }
  }
  if (const json::Value* period = provision.Find("period")) {
    if (auto date = ReadDate(*period, "start", path + ".period")) *d.mutable_decided_on() = *date;
    common::ReportUnmapped(*period, path + ".period", {"start"}, issues_);
  }
  common::ReportUnmapped(provision, path, {"type", "code", "actor", "period"}, issues_);
  *out_.add_access() = std::move(d);
}

void PlanReader::ReadActor(const json::Value& actor, const std::string& at, v1::AccessDecision& d) {
  bool recipient = false;
  const json::Value* role = actor.Find("role");
  std::span<const json::Value> codings =
      role != nullptr ? Items(*role, "coding") : std::span<const json::Value>();
  for (size_t j = 0; j < codings.size(); ++j) {
    std::string_view system = codings[j].FindString("system");
    std::string_view code = codings[j].FindString("code");
    auto kind = system == kMemberKindSystem ? MemberKindFromCode(code) : std::nullopt;
    if (system == kParticipationTypeSystem && code == kIrcpCode) {
      recipient = true;
    } else if (kind) {
      d.set_member_kind(*kind);
    } else {
      Info(issues_, Indexed(at + ".role", "coding", j),
           "only IRCP and the kinds of careplan-member-kind map");
    }
  }
  if (recipient) {
    const json::Value* reference = actor.Find("reference");
    if (reference == nullptr) {
      Error(issues_, IssueType::kRequired, at + ".reference", "the decision names no member");
    } else {
      d.set_member(MemberOf(*reference, at + ".reference", /*person_allowed=*/false));
    }
  } else if (d.member_kind() == v1::MEMBER_KIND_UNSPECIFIED) {
    Error(issues_, IssueType::kValue, at + ".role",
          "the actor is neither a member (IRCP) nor a kind of member (careplan-member-kind)");
  }
  common::ReportUnmapped(actor, at, {"role", "reference"}, issues_);
}

}  // namespace zorgbrug::adapters::careplan::internal
