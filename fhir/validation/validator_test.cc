// Unit tests of the validator: one case per rule, on small hand-written resources.

#include "fhir/validation/validator.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cstdlib>

#include <string>
#include <string_view>

#include "fhir/json/parser.h"

namespace zorgbrug::fhir::validation {
namespace {

struct Found {
  std::vector<Issue> issues;
  bool Has(Severity severity, std::string_view expression, std::string_view text) const {
    for (const Issue& i : issues) {
      if (i.severity == severity && i.expression == expression &&
          i.diagnostics.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  size_t Errors() const {
    size_t n = 0;
    for (const Issue& i : issues) n += i.severity == Severity::kError ? 1 : 0;
    return n;
  }
  std::string Dump() const {
    std::string out;
    for (const Issue& i : issues) {
      out +=
          std::string(SeverityCode(i.severity)) + " " + i.expression + ": " + i.diagnostics + "\n";
    }
    return out;
  }
};

Found Check(std::string_view text, ValidationOptions options = {}) {
  IssueCollector parse_issues;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, parse_issues);
  EXPECT_TRUE(doc.has_value()) << text;
  Found found;
  if (!doc) return found;
  IssueCollector sink;
  Validate(doc->root(), options, sink);
  found.issues = sink.issues();
  return found;
}

constexpr std::string_view kPatient = R"({"resourceType":"Patient","id":"p1",
  "name":[{"family":"Peeters","given":["An"]}],"gender":"female","birthDate":"1990-04-02"})";

TEST(Validator, ValidPatientHasNoIssues) {
  Found f = Check(kPatient);
  // dom-6 is a best-practice (warning) invariant: a resource should have a narrative.
  ASSERT_EQ(f.issues.size(), 1u) << f.Dump();
  EXPECT_TRUE(f.Has(Severity::kWarning, "Patient", "dom-6")) << f.Dump();
}

TEST(Validator, UnknownElementIsWarningOrErrorInStrictMode) {
  std::string_view text = R"({"resourceType":"Patient","nickname":"x","name":[{"famly":"P"}]})";
  Found lenient = Check(text);
  EXPECT_TRUE(lenient.Has(Severity::kWarning, "Patient.nickname", "Unknown element"))
      << lenient.Dump();
  EXPECT_TRUE(lenient.Has(Severity::kWarning, "Patient.name[0].famly", "Unknown element"));
  ValidationOptions strict;
  strict.strict = true;
  Found f = Check(text, strict);
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.nickname", "Unknown element")) << f.Dump();
}

TEST(Validator, ArrayShapeAndCardinality) {
  Found f = Check(R"({"resourceType":"Patient","name":{"family":"P"},"gender":["female"]})");
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.name", "must be a JSON array")) << f.Dump();
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.gender", "must not be an array")) << f.Dump();
  Found missing = Check(R"({"resourceType":"Observation","code":{"text":"x"}})");
  EXPECT_TRUE(missing.Has(Severity::kError, "Observation.status", "Missing required element"))
      << missing.Dump();
  Found empty = Check(R"({"resourceType":"Patient","name":[]})");
  EXPECT_TRUE(empty.Has(Severity::kError, "Patient.name", "must not be empty")) << empty.Dump();
}

TEST(Validator, PrimitiveFormats) {
  Found f = Check(R"({"resourceType":"Patient","birthDate":"2021-02-29","active":"yes",
    "multipleBirthInteger":1.5})");
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.birthDate", "date")) << f.Dump();
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.active", "boolean")) << f.Dump();
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.multipleBirthInteger", "integer")) << f.Dump();
}

TEST(Validator, PrimitiveExtensionsAreValidated) {
  Found ok = Check(R"({"resourceType":"Patient","name":[{"given":["An",null],
    "_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"y"}]}]}]})");
  EXPECT_EQ(ok.Errors(), 0u) << ok.Dump();
  Found bad = Check(R"({"resourceType":"Patient","_birthDate":{"value":"x"}})");
  EXPECT_TRUE(bad.Has(Severity::kWarning, "Patient.birthDate.value", "Unknown element"))
      << bad.Dump();
}

TEST(Validator, ChoiceTypes) {
  Found ok = Check(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "valueQuantity":{"value":1.50,"unit":"kg"}})");
  EXPECT_EQ(ok.Errors(), 0u) << ok.Dump();
  Found bad = Check(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
    "valueQuantity":{"value":1},"valueString":"y","valueFoo":1})");
  EXPECT_TRUE(bad.Has(Severity::kError, "Observation.valueString", "Only one type of value[x]"))
      << bad.Dump();
  EXPECT_TRUE(bad.Has(Severity::kWarning, "Observation.valueFoo", "Unknown element"));
}

TEST(Validator, RequiredBinding) {
  Found f = Check(R"({"resourceType":"Patient","gender":"f"})");
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.gender", "not in the value set")) << f.Dump();
  Found cc = Check(R"({"resourceType":"Observation","status":"done","code":{"text":"x"}})");
  EXPECT_TRUE(cc.Has(Severity::kError, "Observation.status", "administrative-gender") == false);
  EXPECT_TRUE(cc.Has(Severity::kError, "Observation.status", "observation-status")) << cc.Dump();
}

TEST(Validator, InvariantsAreEvaluated) {
  // pat-1: contact details or a reference to an organization.
  Found f = Check(R"({"resourceType":"Patient","contact":[{"gender":"male"}]})");
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.contact[0]", "pat-1")) << f.Dump();
  // ele-1 on an empty object.
  Found empty = Check(R"({"resourceType":"Patient","maritalStatus":{}})");
  EXPECT_TRUE(empty.Has(Severity::kError, "Patient.maritalStatus", "ele-1")) << empty.Dump();
}

TEST(Validator, ReferenceTargetTypes) {
  Found f =
      Check(R"({"resourceType":"Patient","generalPractitioner":[{"reference":"Observation/1"}],
    "managingOrganization":{"reference":"Organization/o1"}})");
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.generalPractitioner[0].reference",
                    "A reference to a Observation is not allowed"))
      << f.Dump();
  EXPECT_EQ(f.Errors(), 1u) << f.Dump();
}

TEST(Validator, ContainedResources) {
  Found f = Check(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization",
    "name":"x"}],"managingOrganization":{"reference":"#o1"}})");
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.contained[0]", "needs an id")) << f.Dump();
  EXPECT_TRUE(f.Has(Severity::kError, "Patient.managingOrganization", "ref-1")) << f.Dump();
  Found nested = Check(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization",
    "id":"o1","active":"no"}],"managingOrganization":{"reference":"#o1"}})");
  EXPECT_TRUE(nested.Has(Severity::kError, "Patient.contained[0].active", "boolean"))
      << nested.Dump();
}

constexpr std::string_view kMessage = R"({"resourceType":"Bundle","id":"b1","type":"message",
  "timestamp":"2026-11-23T10:00:00+01:00",
  "entry":[
   {"fullUrl":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0001","resource":{"resourceType":"MessageHeader",
     "id":"h1","eventCoding":{"system":"http://example.org/events","code":"x"},
     "source":{"endpoint":"urn:oid:1.2.3"},
     "focus":[{"reference":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0002"}]}},
   {"fullUrl":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0002","resource":{"resourceType":"Observation",
     "id":"o1","status":"final","code":{"text":"x"},
     "subject":{"reference":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0003"}}}]})";

TEST(Validator, MessageBundleReferencesMustResolve) {
  Found f = Check(kMessage);
  EXPECT_TRUE(
      f.Has(Severity::kError, "Bundle.entry[1].resource.subject.reference", "does not resolve"))
      << f.Dump();
  EXPECT_EQ(f.Errors(), 1u) << f.Dump();
}

TEST(Validator, MessageBundleStartsWithMessageHeader) {
  Found f = Check(R"({"resourceType":"Bundle","type":"message","timestamp":"2026-11-23T10:00:00Z",
    "entry":[{"fullUrl":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0002","resource":{
    "resourceType":"Observation","status":"final","code":{"text":"x"}}}]})");
  EXPECT_TRUE(f.Has(Severity::kError, "Bundle", "bdl-12")) << f.Dump();
}

TEST(Validator, FullUrlsAreUnique) {
  Found f = Check(R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0002","resource":{"resourceType":"Basic","code":{"text":"a"}}},
    {"fullUrl":"urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0002","resource":{"resourceType":"Basic","code":{"text":"b"}}}]})");
  EXPECT_TRUE(f.Has(Severity::kError, "Bundle", "bdl-7")) << f.Dump();
}

TEST(Validator, UnknownProfileIsAWarning) {
  Found f = Check(R"({"resourceType":"Patient","meta":{"profile":["http://example.org/p"]}})");
  EXPECT_TRUE(f.Has(Severity::kWarning, "Patient", "not known")) << f.Dump();
}

TEST(Validator, ProfileOfAnotherTypeIsAnError) {
  ValidationOptions options;
  options.profiles = {
      "https://www.ehealth.fgov.be/standards/fhir/core-clinical/StructureDefinition/"
      "be-clinical-observation"};
  Found f = Check(kPatient, options);
  EXPECT_TRUE(f.Has(Severity::kError, "Patient", "constrains Observation")) << f.Dump();
}

TEST(Validator, ErrorsSurviveTheCapOverAFloodOfWarnings) {
  std::string text = R"({"resourceType":"Patient","contained":[)";
  for (int i = 0; i < 3000; ++i) {
    text += std::string(i ? "," : "") + R"({"resourceType":"Basic","id":"b)" + std::to_string(i) +
            R"(","code":{"text":"x"}})";
  }
  text += R"(],"generalPractitioner":[{"reference":"#b0"}]})";
  Found f = Check(text);  // 3001 dom-6 warnings, one dom-3 error
  EXPECT_TRUE(f.Has(Severity::kError, "Patient", "dom-3")) << f.issues.size();
  EXPECT_EQ(f.issues.size(), 1001u);
}

TEST(Validator, IssuesAreCapped) {
  std::string text = R"({"resourceType":"Patient","name":[)";
  for (int i = 0; i < 50; ++i) text += std::string(i ? "," : "") + R"({"famly":"x"})";
  text += "]}";
  ValidationOptions options;
  options.max_issues = 10;
  Found f = Check(text, options);
  ASSERT_EQ(f.issues.size(), 11u) << f.Dump();
  EXPECT_NE(f.issues.back().diagnostics.find("more issues"), std::string::npos);
}

}  // namespace
}  // namespace zorgbrug::fhir::validation

namespace zorgbrug::fhir::validation {
namespace {

// The deepest input the parser accepts (ParseLimits::max_depth) validated on a thread with a small
// stack: recursion in the walker and in FHIRPath stays bounded by the JSON depth.
struct DeepRun {
  std::string text;
  size_t issues = 0;
  bool done = false;
};

void* ValidateDeep(void* arg) {
  auto* run = static_cast<DeepRun*>(arg);
  IssueCollector parse;
  std::optional<json::Document> doc = json::Parse(run->text, json::ParseLimits{}, parse);
  if (!doc) return nullptr;
  IssueCollector sink;
  Validate(doc->root(), ValidationOptions{}, sink);
  run->issues = sink.issues().size();
  run->done = true;
  return nullptr;
}

TEST(Validator, DeepestAcceptedNestingFitsASmallStack) {
  const size_t stack_kib = std::getenv("ZORGBRUG_DEEP_STACK_KIB") != nullptr
                               ? std::stoul(std::getenv("ZORGBRUG_DEEP_STACK_KIB"))
                               : 1024;
  DeepRun run;
  // Each item level is two JSON levels (object and array); stay just inside max_depth (100).
  const int levels = (json::ParseLimits{}.max_depth - 4) / 2;
  run.text = R"({"resourceType":"Questionnaire","status":"draft","item":[)";
  for (int i = 0; i < levels; ++i) run.text += R"({"linkId":"a","type":"group","item":[)";
  run.text += R"({"linkId":"b","type":"string"})";
  for (int i = 0; i < levels; ++i) run.text += "]}";
  run.text += "]}";
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_kib * 1024);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, ValidateDeep, &run), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(run.done) << "the input did not parse";
  EXPECT_GE(run.issues, 1u);  // dom-6: no narrative
}

}  // namespace
}  // namespace zorgbrug::fhir::validation
