// The Belgian profiles end to end: the HL7 Belgium examples in ../shared/fhir-be validate against
// the profiles they claim (errors only where testdata/known_defects.txt lists a real defect), and
// hand-made broken variants fail with the right expression. One case per line.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

#include "fhir/json/parser.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::fhir::validation {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBeCore =
    "https://www.ehealth.fgov.be/standards/fhir/core/StructureDefinition/";
constexpr std::string_view kCoreClinical =
    "https://www.ehealth.fgov.be/standards/fhir/core-clinical/StructureDefinition/";
constexpr std::string_view kPatientCare =
    "https://www.ehealth.fgov.be/standards/fhir/patient-care/StructureDefinition/";

std::vector<Issue> ValidateText(std::string_view text, std::vector<std::string> profiles = {}) {
  IssueCollector parse;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, parse);
  EXPECT_TRUE(doc.has_value()) << text;
  if (!doc) return {};
  ValidationOptions options;
  options.profiles = std::move(profiles);
  IssueCollector sink;
  Validate(doc->root(), options, sink);
  return sink.issues();
}

std::string Errors(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& i : issues) {
    if (i.severity == Severity::kError) out += i.expression + ": " + i.diagnostics + "\n";
  }
  return out;
}

bool HasError(const std::vector<Issue>& issues, std::string_view expression,
              std::string_view text) {
  for (const Issue& i : issues) {
    if (i.severity == Severity::kError && i.expression == expression &&
        i.diagnostics.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

constexpr std::string_view kNarrative =
    R"("text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},)";

std::string Observation(std::string_view without = "") {
  std::string text = R"({"resourceType":"Observation","meta":{"profile":[")" +
                     std::string(kCoreClinical) + R"(be-clinical-observation"]},)" +
                     std::string(kNarrative);
  auto add = [&](std::string_view name, std::string_view member) {
    if (name != without) text += std::string(member) + ",";
  };
  add("identifier", R"("identifier":[{"system":"https://example.org/obs","value":"o-1"}])");
  add("status", R"("status":"final")");
  add("code", R"("code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]})");
  add("subject", R"("subject":{"reference":"Patient/p1"})");
  add("effective", R"("effectiveDateTime":"2026-11-20T10:00:00+01:00")");
  add("performer", R"("performer":[{"reference":"Practitioner/pr1"}])");
  text += R"("valueQuantity":{"value":68.50,"unit":"kg"}})";
  return text;
}

TEST(BelgianProfiles, ClinicalObservationIsValidWithEverythingRequired) {
  EXPECT_EQ(Errors(ValidateText(Observation())), "");
}

TEST(BelgianProfiles, ClinicalObservationNeedsPerformer) {
  EXPECT_TRUE(HasError(ValidateText(Observation("performer")), "Observation.performer",
                       "Missing required"));
}
TEST(BelgianProfiles, ClinicalObservationNeedsIdentifier) {
  EXPECT_TRUE(
      HasError(ValidateText(Observation("identifier")), "Observation.identifier", "Missing"));
}
TEST(BelgianProfiles, ClinicalObservationNeedsEffective) {
  EXPECT_TRUE(HasError(ValidateText(Observation("effective")), "Observation.effective", "Missing"));
}

std::string Task(std::string_view extension) {
  return R"({"resourceType":"Task","meta":{"profile":[")" + std::string(kPatientCare) +
         R"(be-task"]},)" + std::string(kNarrative) + std::string(extension) +
         R"("status":"requested","intent":"order","for":{"reference":"Patient/p1"}})";
}

constexpr std::string_view kCandidateList =
    R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/task-candidateList",)"
    R"("valueReference":{"reference":"Practitioner/pr1"}}],)";

TEST(BelgianProfiles, TaskWithCandidateListIsValid) {
  EXPECT_EQ(Errors(ValidateText(Task(kCandidateList))), "");
}

TEST(BelgianProfiles, TaskWithoutCandidateListFails) {
  std::vector<Issue> issues = ValidateText(Task(""));
  EXPECT_TRUE(HasError(issues, "Task.extension", "task-candidateList")) << Errors(issues);
}

TEST(BelgianProfiles, TaskCandidateListMayNotNestExtensions) {
  std::vector<Issue> issues = ValidateText(
      Task(R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/task-candidateList",)"
           R"("extension":[{"url":"http://example.org/x","valueString":"y"}],)"
           R"("valueReference":{"reference":"Practitioner/pr1"}}],)"));
  EXPECT_TRUE(HasError(issues, "Task.extension[0].extension", "not allowed")) << Errors(issues);
}

TEST(BelgianProfiles, TaskCandidateListOfTheWrongTypeIsOneError) {
  std::vector<Issue> issues = ValidateText(
      Task(R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/task-candidateList",)"
           R"("valueString":"the midwives"}],)"));
  EXPECT_TRUE(HasError(issues, "Task.extension[0].valueString", "does not allow this type"))
      << Errors(issues);
  EXPECT_EQ(Errors(issues).find("Missing required"), std::string::npos) << Errors(issues);
}

// BePatient inside a message Bundle: the SSIN check digits fail at the entry's identifier.
TEST(BelgianProfiles, BadSsinInBundleIsLocatedAtTheEntry) {
  std::string patient = R"({"resourceType":"Patient","id":"p1","meta":{"profile":[")" +
                        std::string(kBeCore) + R"(be-patient"]},)" + std::string(kNarrative) +
                        R"("identifier":[{"system":)"
                        R"("https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin",)"
                        R"("value":"85073100329"}]})";
  std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":)"
                       R"("urn:uuid:6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0001","resource":)" +
                       patient + "}]}";
  std::vector<Issue> issues = ValidateText(bundle);
  EXPECT_TRUE(HasError(issues, "Bundle.entry[0].resource.identifier[0].value", "check digit"))
      << Errors(issues);
  for (const Issue& i : issues) EXPECT_EQ(i.diagnostics.find("85073100329"), std::string::npos);
}

TEST(BelgianProfiles, LegacyCanonicalIsAnAlias) {
  std::vector<Issue> issues = ValidateText(
      Observation("performer"),
      {"https://www.ehealth.fgov.be/standards/fhir/StructureDefinition/be-clinical-observation"});
  EXPECT_TRUE(HasError(issues, "Observation.performer", "Missing required")) << Errors(issues);
}

TEST(BelgianProfiles, PractitionerNeedsAName) {
  std::vector<Issue> issues = ValidateText(R"({"resourceType":"Practitioner","active":true})",
                                           {std::string(kBeCore) + "be-practitioner"});
  EXPECT_TRUE(HasError(issues, "Practitioner.name", "")) << Errors(issues);
}

// The HL7 Belgium examples against the profiles they claim.
TEST(BelgianProfiles, ExamplesValidate) {
  const fs::path root = fs::path(ZORGBRUG_SHARED_DIR) / "fhir-be";
  if (!fs::is_directory(root)) GTEST_SKIP() << "shared Belgian examples not found at " << root;
  std::vector<fs::path> files;
  for (std::string_view dir : {"patient-care/example", "pregnancy-status/example"}) {
    for (const auto& e : fs::directory_iterator(root / dir)) files.push_back(e.path());
  }
  for (const auto& e : fs::recursive_directory_iterator(root / "hl7-be-fhir-legacy/examples")) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  // "<file relative to fhir-be> <expression>" of the real defects, with the reason.
  const std::map<std::string, std::string> defects = {
      {"patient-care/example/Patient-patient1.json Patient.identifier[0].value",
       "the SSIN 99999999999 has month 99: neither a national register nor a BIS number"},
      {"hl7-be-fhir-legacy/examples/Immunization/immunization-example-not-given-contraindication"
       ".json Immunization.occurrenceString",
       "both occurrenceDateTime and occurrenceString are given"},
      {"hl7-be-fhir-legacy/examples/Immunization/immunization-example-not-given-refusal.json "
       "Immunization.occurrenceString",
       "both occurrenceDateTime and occurrenceString are given"},
  };
  size_t valid = 0, with_defects = 0, unknown_profiles = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string name = fs::relative(file, root).string();
    bool any = false;
    for (const Issue& issue : ValidateText(text.str())) {
      if (issue.type == IssueType::kNotSupported) ++unknown_profiles;
      if (issue.severity != Severity::kError) continue;
      any = true;
      EXPECT_TRUE(defects.contains(name + " " + issue.expression))
          << name << " " << issue.expression << ": " << issue.diagnostics;
    }
    any ? ++with_defects : ++valid;
  }
  std::cout << "[ validate ] " << files.size() << " Belgian examples: " << valid << " valid, "
            << with_defects << " with listed defects; " << unknown_profiles
            << " claims of a profile without published definitions (legacy DZOP, draft IGs)\n";
  EXPECT_GE(files.size(), 40u);
}

}  // namespace
}  // namespace zorgbrug::fhir::validation
