#include "gateway/audit_event.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fhir/json/parser.h"
#include "gateway/files.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {
namespace {

namespace json = fhir::json;

constexpr char kPseudonym[] = "p-0123456789abcdef0123456789abcdef";
constexpr int64_t kAt = 1'772'445'600'123;  // 2026-03-02T10:00:00.123Z

store::AuditRecord PatientRead() {
  store::AuditRecord record;
  record.at_ms = kAt;
  record.client = "epd.az-oost.example.be";
  record.role = "epd-vendor";
  record.action = "/zorgbrug.v1.CarePlanSync/GetCarePlan";
  record.partition = kPseudonym;
  record.outcome = kAuditSuccess;
  return record;
}

store::AuditRecord Delivery() {
  store::AuditRecord record = PatientRead();
  record.client = "bihr-consumer";
  record.role = "bihr-destination";
  record.action = DeliveryAction("bihr");
  return record;
}

store::AuditRecord Denied() {
  store::AuditRecord record;
  record.at_ms = kAt;
  record.client = "anonymous";
  record.action = "/zorgbrug.v1.EpdSubmissions/SubmitEpdRecord";
  record.outcome = kAuditDenied;
  record.reason = "no client certificate";
  return record;
}

store::AuditRecord Failed() {
  store::AuditRecord record = PatientRead();
  record.action = "/zorgbrug.v1.EpdSubmissions/SubmitBibScreening";
  record.outcome = kAuditFailed;
  record.reason = "UNAVAILABLE";
  return record;
}

store::AuditRecord AuditQuery() {
  store::AuditRecord record = PatientRead();
  record.client = "ops";
  record.role = "operator";
  record.action = "/zorgbrug.v1.AuditEvents/ListAuditEvents";
  return record;
}

// A call about no patient.
store::AuditRecord Plain() {
  store::AuditRecord record = Denied();
  record.outcome = kAuditSuccess;
  record.reason.clear();
  record.action = "/zorgbrug.v1.Validation/Validate";
  return record;
}

json::Document Parse(const std::string& text) {
  fhir::IssueCollector issues;
  std::optional<json::Document> document = json::Parse(text, json::ParseLimits{}, issues);
  EXPECT_TRUE(document.has_value()) << text;
  return document ? std::move(*document) : json::Document();
}

std::string Errors(const ValidationResult& result) {
  std::string errors;
  for (const fhir::Issue& issue : result.issues) {
    if (issue.severity == fhir::Severity::kError || issue.severity == fhir::Severity::kFatal) {
      errors += issue.expression + ": " + issue.diagnostics + "\n";
    }
  }
  return errors;
}

// Validates against the compiled R4 definitions; no error may be found.
void ExpectValid(const store::AuditRecord& record, AuditEventOutcome outcome) {
  const std::string text = AuditEventJson(record, outcome, "zorgbrug");
  const ValidationResult result = ValidateFhirJson(text, {}, ValidateOptions{});
  EXPECT_FALSE(result.rejection) << text;
  EXPECT_TRUE(result.response.valid()) << Errors(result) << text;
}

TEST(AuditEvent, PatientReadIsAValidPatientRecordEvent) {
  const store::AuditRecord record = PatientRead();
  ExpectValid(record, AuditEventOutcome::kSuccess);
  const json::Document doc = Parse(AuditEventJson(record, AuditEventOutcome::kSuccess, "zb-1"));
  const json::Value& event = doc.root();
  EXPECT_EQ(event.FindString("resourceType"), "AuditEvent");
  EXPECT_EQ(event.Find("type")->FindString("code"), "110110");
  EXPECT_EQ(event.Find("type")->FindString("system"),
            "http://dicom.nema.org/resources/ontology/DCM");
  ASSERT_EQ(event.Find("subtype")->size(), 1u);
  EXPECT_EQ(event.Find("subtype")->items()[0].FindString("code"), record.action);
  EXPECT_EQ(event.Find("subtype")->items()[0].FindString("system"), kRpcMethodSystem);
  EXPECT_EQ(event.FindString("action"), "R");
  EXPECT_EQ(event.FindString("recorded"), "2026-03-02T10:00:00.123Z");
  EXPECT_EQ(event.FindString("outcome"), "0");
  EXPECT_EQ(event.Find("outcomeDesc"), nullptr);

  ASSERT_EQ(event.Find("agent")->size(), 1u);
  const json::Value& agent = event.Find("agent")->items()[0];
  EXPECT_TRUE(agent.Find("requestor")->GetBool());
  EXPECT_EQ(agent.Find("network"), nullptr);
  const json::Value& who = *agent.Find("who")->Find("identifier");
  EXPECT_EQ(who.FindString("system"), kClientSystem);
  EXPECT_EQ(who.FindString("value"), "epd.az-oost.example.be");
  const json::Value& role = agent.Find("role")->items()[0].Find("coding")->items()[0];
  EXPECT_EQ(role.FindString("system"), kClientRoleSystem);
  EXPECT_EQ(role.FindString("code"), "epd-vendor");
  EXPECT_EQ(event.Find("source")->Find("observer")->FindString("display"), "zb-1");
  EXPECT_EQ(event.Find("source")->Find("observer")->FindString("type"), "Device");

  ASSERT_EQ(event.Find("entity")->size(), 1u);
  const json::Value& patient = event.Find("entity")->items()[0];
  EXPECT_EQ(patient.Find("what")->Find("identifier")->FindString("system"),
            kPatientPseudonymSystem);
  EXPECT_EQ(patient.Find("what")->Find("identifier")->FindString("value"), kPseudonym);
  EXPECT_EQ(patient.Find("type")->FindString("code"), "1");
  EXPECT_EQ(patient.Find("role")->FindString("code"), "1");
}

TEST(AuditEvent, DeliveryIsAnExportNamingTheDestination) {
  const store::AuditRecord record = Delivery();
  ExpectValid(record, AuditEventOutcome::kSuccess);
  const json::Document doc = Parse(AuditEventJson(record, AuditEventOutcome::kSuccess, "zb"));
  EXPECT_EQ(doc.root().Find("type")->FindString("code"), "110106");
  EXPECT_EQ(doc.root().FindString("action"), "R");
  ASSERT_EQ(doc.root().Find("entity")->size(), 2u);
  const json::Value& destination = doc.root().Find("entity")->items()[1];
  EXPECT_EQ(destination.Find("what")->Find("identifier")->FindString("system"), kDestinationSystem);
  EXPECT_EQ(destination.Find("what")->Find("identifier")->FindString("value"), "bihr");
  EXPECT_EQ(destination.Find("type")->FindString("code"), "2");
  EXPECT_EQ(destination.Find("role")->FindString("code"), "16");
}

TEST(AuditEvent, DeniedCallIsASecurityAlertWithoutPatientOrRole) {
  const store::AuditRecord record = Denied();
  ExpectValid(record, AuditEventOutcome::kMinorFailure);
  const json::Document doc = Parse(AuditEventJson(record, AuditEventOutcome::kMinorFailure, "z"));
  const json::Value& event = doc.root();
  EXPECT_EQ(event.Find("type")->FindString("code"), "110113");
  ASSERT_EQ(event.Find("subtype")->size(), 2u);
  EXPECT_EQ(event.Find("subtype")->items()[0].FindString("code"), "110132");
  EXPECT_EQ(event.Find("subtype")->items()[1].FindString("code"), record.action);
  EXPECT_EQ(event.FindString("action"), "C");
  EXPECT_EQ(event.FindString("outcome"), "4");
  EXPECT_EQ(event.FindString("outcomeDesc"), "denied: no client certificate");
  EXPECT_EQ(event.Find("agent")->items()[0].Find("role"), nullptr);
  EXPECT_EQ(event.Find("entity"), nullptr);
}

TEST(AuditEvent, FailuresAndAuditQueriesAreValid) {
  ExpectValid(Failed(), AuditEventOutcome::kSeriousFailure);
  const json::Document failed =
      Parse(AuditEventJson(Failed(), AuditEventOutcome::kSeriousFailure, "z"));
  EXPECT_EQ(failed.root().FindString("outcome"), "8");
  EXPECT_EQ(failed.root().FindString("outcomeDesc"), "failed: UNAVAILABLE");
  ExpectValid(AuditQuery(), AuditEventOutcome::kSuccess);
  const json::Document query =
      Parse(AuditEventJson(AuditQuery(), AuditEventOutcome::kSuccess, "z"));
  EXPECT_EQ(query.root().Find("type")->FindString("code"), "110101");
  const store::AuditRecord plain = Plain();
  ExpectValid(plain, AuditEventOutcome::kSuccess);
  EXPECT_EQ(Parse(AuditEventJson(plain, AuditEventOutcome::kSuccess, "z"))
                .root()
                .Find("type")
                ->FindString("code"),
            "110100");
}

TEST(AuditEvent, ActionsByMethod) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/zorgbrug.v1.CarePlanSync/GetCarePlan", "R"},
      {"/zorgbrug.v1.CarePlanSync/WatchCarePlans", "R"},
      {"/zorgbrug.v1.Destinations/Subscribe", "R"},
      {"/zorgbrug.v1.Destinations/ListDeadLetters", "R"},
      {"/zorgbrug.v1.EpdSubmissions/SubmitEpdRecord", "C"},
      {"/zorgbrug.v1.FhirMessaging/ProcessMessage", "C"},
      {"/zorgbrug.v1.CarePlanSync/PutCarePlan", "U"},
      {"/zorgbrug.v1.Destinations/Acknowledge", "U"},
      {"/zorgbrug.v1.Destinations/ReplayDeadLetter", "U"},
      {"/zorgbrug.v1.EpdTranslation/ToFhir", "E"},
      {"/zorgbrug.v1.CarePlans/Merge", "E"},
      {"/zorgbrug.v1.Validation/Validate", "E"},
      {"deliver:bihr", "R"},
      {"unknown", "E"},
  };
  for (const auto& [action, expected] : cases) {
    EXPECT_EQ(AuditEventAction(action), expected) << action;
  }
}

TEST(AuditEvent, OutcomesFollowTheR4ValueSet) {
  using grpc::StatusCode;
  EXPECT_EQ(AuditEventOutcomeOf(kAuditSuccess, StatusCode::OK), AuditEventOutcome::kSuccess);
  EXPECT_EQ(AuditEventOutcomeOf(kAuditDenied, StatusCode::PERMISSION_DENIED),
            AuditEventOutcome::kMinorFailure);
  EXPECT_EQ(AuditEventOutcomeOf(kAuditWithheld, StatusCode::OK), AuditEventOutcome::kMinorFailure);
  for (StatusCode caller :
       {StatusCode::INVALID_ARGUMENT, StatusCode::NOT_FOUND, StatusCode::FAILED_PRECONDITION,
        StatusCode::ABORTED, StatusCode::RESOURCE_EXHAUSTED, StatusCode::CANCELLED,
        StatusCode::UNIMPLEMENTED}) {
    EXPECT_EQ(AuditEventOutcomeOf(kAuditFailed, caller), AuditEventOutcome::kMinorFailure);
  }
  for (StatusCode ours : {StatusCode::INTERNAL, StatusCode::UNAVAILABLE, StatusCode::DATA_LOSS,
                          StatusCode::UNKNOWN, StatusCode::DEADLINE_EXCEEDED}) {
    EXPECT_EQ(AuditEventOutcomeOf(kAuditFailed, ours), AuditEventOutcome::kSeriousFailure);
  }
  EXPECT_EQ(AuditEventOutcomeCode(AuditEventOutcome::kSuccess), "0");
  EXPECT_EQ(AuditEventOutcomeCode(AuditEventOutcome::kMinorFailure), "4");
  EXPECT_EQ(AuditEventOutcomeCode(AuditEventOutcome::kSeriousFailure), "8");
}

TEST(AuditEvent, Pseudonyms) {
  EXPECT_TRUE(IsPseudonym(kPseudonym));
  EXPECT_FALSE(IsPseudonym("p-0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(IsPseudonym("p-0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(IsPseudonym("x-0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(IsPseudonym("85073003328"));
  EXPECT_EQ(DeliveryDestination(DeliveryAction("epd")), "epd");
  EXPECT_EQ(DeliveryDestination("/zorgbrug.v1.Destinations/Subscribe"), "");
}

// --- The codes against the R4 definitions in ../shared/fhir-r4-examples ---

const std::filesystem::path kExamples =
    std::filesystem::path(ZORGBRUG_SHARED_DIR) / "fhir-r4-examples";

json::Document ReadJson(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path, 8u << 20);
  EXPECT_TRUE(text.ok()) << path;
  return Parse(text.ok() ? *text : "{}");
}

// The file of each code system the AuditEvent uses (checked against the file's url).
std::filesystem::path CodeSystemFile(std::string_view system) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kFiles = {
      {"http://dicom.nema.org/resources/ontology/DCM", "CodeSystem-dicom-dcim.json"},
      {"http://terminology.hl7.org/CodeSystem/audit-entity-type",
       "CodeSystem-audit-entity-type.json"},
      {"http://terminology.hl7.org/CodeSystem/object-role", "CodeSystem-object-role.json"},
      {"http://terminology.hl7.org/CodeSystem/security-source-type",
       "CodeSystem-audit-source-type.json"},
      {"http://hl7.org/fhir/audit-event-action", "CodeSystem-audit-event-action.json"},
      {"http://hl7.org/fhir/audit-event-outcome", "CodeSystem-audit-event-outcome.json"},
  };
  for (const auto& [url, file] : kFiles) {
    if (url == system) return kExamples / file;
  }
  return {};
}

// The display of `code` in the code system `system`; nullopt when the system has no such code.
std::optional<std::string> DisplayOf(std::string_view system, std::string_view code) {
  const std::filesystem::path file = CodeSystemFile(system);
  if (file.empty()) {
    ADD_FAILURE() << "no code system file for " << system;
    return std::nullopt;
  }
  // Parsed once each (the DICOM one is large).
  static auto* const parsed = new std::map<std::filesystem::path, json::Document>();
  auto it = parsed->find(file);
  if (it == parsed->end()) it = parsed->emplace(file, ReadJson(file)).first;
  const json::Document& cs = it->second;
  EXPECT_EQ(cs.root().FindString("url"), system) << file;
  const json::Value* concepts = cs.root().Find("concept");
  if (concepts == nullptr) return std::nullopt;
  for (const json::Value& concept_value : concepts->items()) {
    if (concept_value.FindString("code") == code) {
      return std::string(concept_value.FindString("display"));
    }
  }
  return std::nullopt;
}

// The binding of AuditEvent element `path` in the R4 StructureDefinition: {strength, value set}.
std::pair<std::string, std::string> BindingOf(const json::Value& sd, std::string_view path) {
  for (const json::Value& element : sd.Find("snapshot")->Find("element")->items()) {
    if (element.FindString("path") != path) continue;
    const json::Value* binding = element.Find("binding");
    if (binding == nullptr) return {};
    std::string vs(binding->FindString("valueSet"));
    return {std::string(binding->FindString("strength")), vs.substr(0, vs.find('|'))};
  }
  return {};
}

// Checks one coding of `path` against the element's bound value set: a code of a system the value
// set includes must be one of its codes, with the code system's display; a system it does not
// include is allowed only for a binding weaker than required, and only for our own code systems.
void CheckCoding(const json::Value& sd, std::string_view path, std::string_view system,
                 std::string_view code, std::string_view display) {
  SCOPED_TRACE(std::string(path) + " " + std::string(system) + "|" + std::string(code));
  const auto [strength, value_set] = BindingOf(sd, path);
  ASSERT_FALSE(value_set.empty());
  const json::Document vs =
      ReadJson(kExamples / ("ValueSet-" + value_set.substr(value_set.rfind('/') + 1) + ".json"));
  EXPECT_EQ(vs.root().FindString("url"), value_set);
  bool included = false;
  for (const json::Value& include : vs.root().Find("compose")->Find("include")->items()) {
    if (include.FindString("system") != system) continue;
    included = true;
    if (const json::Value* concepts = include.Find("concept")) {
      bool listed = false;
      for (const json::Value& c : concepts->items()) listed |= c.FindString("code") == code;
      EXPECT_TRUE(listed) << "not in " << value_set;
    }
  }
  if (!included) {
    EXPECT_NE(strength, "required");
    EXPECT_TRUE(system.starts_with("https://zorgbrug.be/fhir/")) << "system not in " << value_set;
    return;
  }
  const std::optional<std::string> known = DisplayOf(system, code);
  ASSERT_TRUE(known.has_value()) << "not in the code system";
  if (!display.empty()) {
    EXPECT_EQ(display, *known);
  }
}

void CheckCodings(const json::Value& sd, std::string_view path, const json::Value& coding) {
  CheckCoding(sd, path, coding.FindString("system"), coding.FindString("code"),
              coding.FindString("display"));
}

void CheckCodes(const json::Value& sd, const json::Value& event) {
  CheckCodings(sd, "AuditEvent.type", *event.Find("type"));
  for (const json::Value& subtype : event.Find("subtype")->items()) {
    CheckCodings(sd, "AuditEvent.subtype", subtype);
  }
  CheckCoding(sd, "AuditEvent.action", "http://hl7.org/fhir/audit-event-action",
              event.FindString("action"), "");
  CheckCoding(sd, "AuditEvent.outcome", "http://hl7.org/fhir/audit-event-outcome",
              event.FindString("outcome"), "");
  for (const json::Value& agent : event.Find("agent")->items()) {
    for (const json::Value& coding : agent.Find("type")->Find("coding")->items()) {
      CheckCodings(sd, "AuditEvent.agent.type", coding);
    }
  }
  for (const json::Value& type : event.Find("source")->Find("type")->items()) {
    CheckCodings(sd, "AuditEvent.source.type", type);
  }
  if (const json::Value* entities = event.Find("entity")) {
    for (const json::Value& entity : entities->items()) {
      CheckCodings(sd, "AuditEvent.entity.type", *entity.Find("type"));
      CheckCodings(sd, "AuditEvent.entity.role", *entity.Find("role"));
    }
  }
}

TEST(AuditEvent, CodesAreThoseOfTheR4ValueSets) {
  if (!std::filesystem::exists(kExamples / "StructureDefinition-AuditEvent.json")) {
    GTEST_SKIP() << "../shared/fhir-r4-examples is absent (" << kExamples
                 << "): the codes are not checked against the R4 value sets";
  }
  const json::Document sd = ReadJson(kExamples / "StructureDefinition-AuditEvent.json");
  const std::vector<std::pair<store::AuditRecord, AuditEventOutcome>> events = {
      {PatientRead(), AuditEventOutcome::kSuccess}, {Delivery(), AuditEventOutcome::kSuccess},
      {Denied(), AuditEventOutcome::kMinorFailure}, {Failed(), AuditEventOutcome::kSeriousFailure},
      {AuditQuery(), AuditEventOutcome::kSuccess},  {Plain(), AuditEventOutcome::kSuccess},
  };
  for (const auto& [record, outcome] : events) {
    SCOPED_TRACE(record.action);
    const json::Document doc = Parse(AuditEventJson(record, outcome, "zorgbrug"));
    CheckCodes(sd.root(), doc.root());
  }
}

}  // namespace
}  // namespace zorgbrug::gateway
