#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "adapters/common/bundle_io.h"
#include "adapters/common/test_util.h"
#include "adapters/epd/families.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::epd::internal {
namespace {

using namespace ::zorgbrug::adapters::common::testutil;  // NOLINT: test helpers

using google::protobuf::TextFormat;
using google::protobuf::util::MessageDifferencer;

constexpr char kAdmission[] = R"pb(
  local_key: "e1"
  patient_local_key: "p1"
  encounter_class: ENCOUNTER_CLASS_INPATIENT
  status: ENCOUNTER_STATUS_FINISHED
  start { seconds: 1795428000 }
  end { seconds: 1795600800 }
  department: "Materniteit"
  service_provider {
    nihdi: "71000436000"
    cbe: "0123456749"
    name: "AZ Voorbeeld"
    type { code: "orghospital" }
  }
  attending {
    nihdi: "41234567001"
    name { family: "Peeters" given: "An" }
    role { code: "persmidwife" }
    organisation_nihdi: "71000436000"
  }
  attending {
    nihdi: "10000001004"
    name { family: "Janssens" }
  }
)pb";

TEST(EncounterToFhir, MapsAdmissionAndRoundTrips) {
  MappingContext context = TestContext();
  v1::Encounter encounter;
  ASSERT_TRUE(TextFormat::ParseFromString(kAdmission, &encounter));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "p1");
  fhir::IssueCollector issues;
  EncounterToFhir(encounter, "encounters[0]", out, issues);
  EXPECT_FALSE(issues.HasErrors());
  const fhir::json::Value* fhir_encounter = FindResource(doc, "Encounter");
  ASSERT_NE(fhir_encounter, nullptr);
  EXPECT_EQ(fhir_encounter->FindString("status"), "finished");
  EXPECT_EQ(fhir_encounter->Find("class")->FindString("code"), "IMP");
  EXPECT_EQ(fhir_encounter->Find("class")->FindString("system"),
            "http://terminology.hl7.org/CodeSystem/v3-ActCode");
  EXPECT_EQ(fhir_encounter->Find("identifier")->items()[0].FindString("system"),
            std::string(kBase) + "/encounter");
  EXPECT_EQ(fhir_encounter->Find("subject")->FindString("reference"), *out.Find("Patient|p1"));
  EXPECT_EQ(fhir_encounter->Find("period")->FindString("start"), "2026-11-23T10:00:00Z");
  EXPECT_EQ(fhir_encounter->Find("period")->FindString("end"), "2026-11-25T10:00:00Z");
  EXPECT_EQ(fhir_encounter->Find("serviceType")->FindString("text"), "Materniteit");
  EXPECT_EQ(fhir_encounter->Find("participant")->size(), 2u);
  EXPECT_EQ(fhir_encounter->Find("serviceProvider")->FindString("reference"),
            *out.Find("Organization|71000436000"));
  // The organisation named by the midwife's role is the service provider, not a second one.
  int organizations = 0;
  for (const fhir::json::Value& entry : doc.root().Find("entry")->items()) {
    organizations += entry.Find("resource")->FindString("resourceType") == "Organization";
  }
  EXPECT_EQ(organizations, 1);

  fhir::IssueCollector validation;
  fhir::validation::Validate(doc.root(), {}, validation);
  for (const fhir::Issue& issue : validation.issues()) {
    EXPECT_NE(issue.severity, fhir::Severity::kError)
        << issue.expression << ": " << issue.diagnostics;
  }

  BundleReader in(doc.root());
  v1::Encounter back;
  fhir::IssueCollector read_issues;
  for (const BundleReader::Resource& r : in.resources()) {
    if (r.value.FindString("resourceType") == "Encounter") {
      EncounterFromFhir(r, in, context, back, read_issues);
    }
  }
  EXPECT_FALSE(read_issues.HasErrors());
  EXPECT_TRUE(MessageDifferencer::Equals(encounter, back)) << back.DebugString();
}

TEST(EncounterToFhir, PlannedNeedsNoStart) {
  MappingContext context = TestContext();
  v1::Encounter encounter;
  ASSERT_TRUE(TextFormat::ParseFromString(R"pb(
                                            local_key: "e2"
                                            patient_local_key: "p1"
                                            encounter_class: ENCOUNTER_CLASS_VIRTUAL
                                            status: ENCOUNTER_STATUS_PLANNED
                                          )pb",
                                          &encounter));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "p1");
  fhir::IssueCollector issues;
  EncounterToFhir(encounter, "encounters[0]", out, issues);
  EXPECT_TRUE(issues.issues().empty());
  const fhir::json::Value* fhir_encounter = FindResource(doc, "Encounter");
  ASSERT_NE(fhir_encounter, nullptr);
  EXPECT_EQ(fhir_encounter->Find("period"), nullptr);
  EXPECT_EQ(fhir_encounter->Find("class")->FindString("code"), "VR");

  BundleReader in(doc.root());
  v1::Encounter back;
  EncounterFromFhir(in.resources()[1], in, context, back, issues);
  EXPECT_TRUE(issues.issues().empty());
  EXPECT_TRUE(MessageDifferencer::Equals(encounter, back)) << back.DebugString();
}

TEST(EncounterToFhir, RefusesDischargeBeforeAdmission) {
  MappingContext context = TestContext();
  v1::Encounter encounter;
  ASSERT_TRUE(TextFormat::ParseFromString(kAdmission, &encounter));
  encounter.mutable_end()->set_seconds(encounter.start().seconds() - 60);
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "p1");
  fhir::IssueCollector issues;
  EncounterToFhir(encounter, "encounters[1]", out, issues);
  EXPECT_TRUE(HasError(issues, "encounters[1].end"));
  EXPECT_EQ(FindResource(doc, "Encounter"), nullptr);
}

TEST(EncounterToFhir, RefusesMissingPatientAndUnspecifiedCodes) {
  MappingContext context = TestContext();
  v1::Encounter encounter;
  ASSERT_TRUE(TextFormat::ParseFromString(R"pb(local_key: "e3"
                                               patient_local_key: "nobody"
                                               start { seconds: 1795428000 })pb",
                                          &encounter));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "p1");
  fhir::IssueCollector issues;
  EncounterToFhir(encounter, "encounters[2]", out, issues);
  EXPECT_TRUE(HasError(issues, "encounters[2].patient_local_key"));
  EXPECT_TRUE(HasError(issues, "encounters[2].status"));
  EXPECT_TRUE(HasError(issues, "encounters[2].encounter_class"));
  for (const fhir::Issue& issue : issues.issues()) {
    EXPECT_EQ(issue.diagnostics.find("nobody"), std::string::npos);
  }
}

TEST(EncounterToFhir, NamesTheBadAttendingField) {
  MappingContext context = TestContext();
  v1::Encounter encounter;
  ASSERT_TRUE(TextFormat::ParseFromString(kAdmission, &encounter));
  encounter.mutable_attending(1)->mutable_role()->set_code("persunknown");
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "p1");
  fhir::IssueCollector issues;
  EncounterToFhir(encounter, "encounters[0]", out, issues);
  EXPECT_TRUE(HasError(issues, "encounters[0].attending[1].role.code"));
}

TEST(EncounterFromFhir, ReportsUnmappedElements) {
  MappingContext context = TestContext();
  v1::Encounter encounter;
  ASSERT_TRUE(TextFormat::ParseFromString(kAdmission, &encounter));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  AddPatient(out, "p1");
  fhir::IssueCollector issues;
  EncounterToFhir(encounter, "encounters[0]", out, issues);
  fhir::json::Value* resource = const_cast<fhir::json::Value*>(FindResource(doc, "Encounter"));
  doc.Set(*resource, "priority", doc.MakeObject());
  BundleReader in(doc.root());
  v1::Encounter back;
  fhir::IssueCollector read_issues;
  for (const BundleReader::Resource& r : in.resources()) {
    if (r.value.FindString("resourceType") == "Encounter") {
      EncounterFromFhir(r, in, context, back, read_issues);
      ASSERT_EQ(read_issues.issues().size(), 1u);
      EXPECT_EQ(read_issues.issues()[0].expression, r.expression + ".priority");
      EXPECT_EQ(read_issues.issues()[0].severity, fhir::Severity::kInformation);
    }
  }
}

}  // namespace
}  // namespace zorgbrug::adapters::epd::internal
