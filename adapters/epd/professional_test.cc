#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "adapters/common/bundle_io.h"
#include "adapters/common/test_util.h"
#include "adapters/epd/families.h"
#include "fhir/json/parser.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::epd::internal {
namespace {

using namespace ::zorgbrug::adapters::common::testutil;  // NOLINT: test helpers

using google::protobuf::TextFormat;
using google::protobuf::util::MessageDifferencer;

const fhir::json::Value& Resource(const fhir::json::Document& doc, size_t i) {
  return *doc.root().Find("entry")->items()[i].Find("resource");
}

size_t EntryCount(const fhir::json::Document& doc) { return doc.root().Find("entry")->size(); }

bool Mentions(const fhir::IssueCollector& issues, std::string_view text) {
  for (const fhir::Issue& issue : issues.issues()) {
    if (issue.diagnostics.find(text) != std::string::npos) return true;
  }
  return false;
}

const BundleReader::Resource* OfType(const BundleReader& in, std::string_view type) {
  for (const BundleReader::Resource& r : in.resources()) {
    if (r.value.FindString("resourceType") == type) return &r;
  }
  return nullptr;
}

constexpr char kMidwife[] = R"pb(
  nihdi: "41234567001"
  name { use: NAME_USE_OFFICIAL family: "Peeters" given: "An" given: "Marie" prefix: "Mevr." }
  role { code: "persmidwife" }
  organisation_nihdi: "71000436000"
)pb";

TEST(ProfessionalToFhir, MakesPractitionerRoleAndOrganization) {
  MappingContext context = TestContext();
  v1::Professional professional;
  ASSERT_TRUE(TextFormat::ParseFromString(kMidwife, &professional));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  std::string url = ProfessionalToFhir(professional, "p", out, issues);
  EXPECT_FALSE(issues.HasErrors());
  ASSERT_EQ(EntryCount(doc), 3u);
  const fhir::json::Value& org = Resource(doc, 0);
  EXPECT_EQ(org.FindString("resourceType"), "Organization");
  EXPECT_EQ(org.Find("identifier")->items()[0].FindString("system"),
            "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi-organization");
  const fhir::json::Value& practitioner = Resource(doc, 1);
  EXPECT_EQ(practitioner.Find("identifier")->items()[0].FindString("value"), "41234567001");
  EXPECT_EQ(practitioner.Find("name")->items()[0].FindString("family"), "Peeters");
  const fhir::json::Value& role = Resource(doc, 2);
  EXPECT_EQ(url, "urn:uuid:00000000-0000-4000-8000-000000000003");
  EXPECT_EQ(role.Find("practitioner")->FindString("reference"),
            "urn:uuid:00000000-0000-4000-8000-000000000002");
  EXPECT_EQ(role.Find("organization")->FindString("reference"),
            "urn:uuid:00000000-0000-4000-8000-000000000001");
  const fhir::json::Value& coding = role.Find("code")->items()[0].Find("coding")->items()[0];
  EXPECT_EQ(coding.FindString("system"),
            "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty");
  EXPECT_EQ(coding.FindString("code"), "persmidwife");
  ExpectValid(doc.root());

  BundleReader in(doc.root());
  v1::Professional back;
  fhir::IssueCollector read_issues;
  ProfessionalFromFhir(*OfType(in, "PractitionerRole"), in, back, read_issues);
  EXPECT_TRUE(read_issues.issues().empty());
  EXPECT_TRUE(MessageDifferencer::Equals(professional, back)) << back.DebugString();
  for (size_t i = 0; i < in.resources().size(); ++i) EXPECT_TRUE(in.used(i));
}

TEST(ProfessionalToFhir, OnePractitionerPerNihdi) {
  MappingContext context = TestContext();
  v1::Professional professional;
  ASSERT_TRUE(TextFormat::ParseFromString(R"pb(nihdi: "41234567001"
                                               name { family: "Peeters" })pb",
                                          &professional));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  std::string first = ProfessionalToFhir(professional, "a", out, issues);
  std::string second = ProfessionalToFhir(professional, "b", out, issues);
  EXPECT_EQ(first, second);
  EXPECT_EQ(EntryCount(doc), 1u);
  ExpectValid(doc.root());

  BundleReader in(doc.root());
  v1::Professional back;
  ProfessionalFromFhir(in.resources()[0], in, back, issues);
  EXPECT_FALSE(issues.HasErrors());
  EXPECT_TRUE(MessageDifferencer::Equals(professional, back)) << back.DebugString();
}

TEST(ProfessionalToFhir, RefusesBadNihdiWithoutQuotingIt) {
  MappingContext context = TestContext();
  v1::Professional professional;
  ASSERT_TRUE(TextFormat::ParseFromString(R"pb(nihdi: "12AB5"
                                               name { family: "Peeters" })pb",
                                          &professional));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  EXPECT_EQ(ProfessionalToFhir(professional, "patients[0].general_practitioner", out, issues), "");
  EXPECT_TRUE(HasError(issues, "patients[0].general_practitioner.nihdi"));
  EXPECT_FALSE(Mentions(issues, "12AB5"));
  EXPECT_FALSE(Mentions(issues, "Peeters"));
  EXPECT_EQ(EntryCount(doc), 0u);
}

TEST(ProfessionalToFhir, RefusesUnknownRoleCode) {
  MappingContext context = TestContext();
  v1::Professional professional;
  ASSERT_TRUE(TextFormat::ParseFromString(R"pb(nihdi: "41234567001"
                                               name { family: "Peeters" }
                                               role { code: "perswizard" })pb",
                                          &professional));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  EXPECT_EQ(ProfessionalToFhir(professional, "p", out, issues), "");
  EXPECT_TRUE(HasError(issues, "p.role.code"));
}

TEST(ProfessionalToFhir, RequiresName) {
  MappingContext context = TestContext();
  v1::Professional professional;
  professional.set_nihdi("41234567001");
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  EXPECT_EQ(ProfessionalToFhir(professional, "p", out, issues), "");
  EXPECT_TRUE(HasError(issues, "p.name"));
}

TEST(OrganisationToFhir, RoundTrip) {
  MappingContext context = TestContext();
  v1::Organisation organisation;
  ASSERT_TRUE(TextFormat::ParseFromString(R"pb(
                                            nihdi: "71000436000"
                                            cbe: "0123456749"
                                            name: "AZ Voorbeeld"
                                            type { code: "orghospital" }
                                          )pb",
                                          &organisation));
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  std::string url = OrganisationToFhir(organisation, "o", out, issues);
  EXPECT_FALSE(issues.HasErrors());
  EXPECT_EQ(OrganisationToFhir(organisation, "o", out, issues), url);
  ASSERT_EQ(EntryCount(doc), 1u);
  const fhir::json::Value& org = Resource(doc, 0);
  EXPECT_EQ(org.FindString("name"), "AZ Voorbeeld");
  EXPECT_EQ(org.Find("identifier")->items()[1].FindString("system"),
            "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/cbe");
  EXPECT_EQ(org.Find("type")->items()[0].Find("coding")->items()[0].FindString("code"),
            "orghospital");
  ExpectValid(doc.root());

  BundleReader in(doc.root());
  v1::Organisation back;
  OrganisationFromFhir(in.resources()[0], in, back, issues);
  EXPECT_TRUE(issues.issues().empty());
  EXPECT_TRUE(MessageDifferencer::Equals(organisation, back)) << back.DebugString();
}

TEST(OrganisationToFhir, RequiresANumberAndChecksCbe) {
  MappingContext context = TestContext();
  fhir::json::Document doc;
  BundleWriter out(doc, context);
  fhir::IssueCollector issues;
  v1::Organisation none;
  none.set_name("Praktijk");
  EXPECT_EQ(OrganisationToFhir(none, "o", out, issues), "");
  EXPECT_TRUE(HasError(issues, "o"));
  v1::Organisation bad_cbe;
  bad_cbe.set_cbe("0123456748");
  EXPECT_EQ(OrganisationToFhir(bad_cbe, "q", out, issues), "");
  EXPECT_TRUE(HasError(issues, "q.cbe"));
  EXPECT_FALSE(Mentions(issues, "0123456748"));
}

TEST(ProfessionalFromFhir, ReportsUnmappedElements) {
  fhir::IssueCollector parse_issues;
  std::optional<fhir::json::Document> doc = fhir::json::Parse(
      R"({"resourceType":"Practitioner","id":"x","identifier":[{"system":
      "https://www.ehealth.fgov.be/standards/fhir/NamingSystem/nihdi","value":"41234567001"},
      {"system":"urn:other","value":"7"}],"name":[{"family":"Peeters","suffix":["PhD"]}],
      "telecom":[{"system":"phone","value":"+32 9 000 00 00"}]})",
      {}, parse_issues);
  ASSERT_TRUE(doc.has_value());
  BundleReader in(doc->root());
  v1::Professional back;
  fhir::IssueCollector issues;
  ProfessionalFromFhir(in.resources()[0], in, back, issues);
  EXPECT_EQ(back.nihdi(), "41234567001");
  EXPECT_EQ(back.name().family(), "Peeters");
  std::vector<std::string> infos;
  for (const fhir::Issue& issue : issues.issues()) {
    EXPECT_EQ(issue.severity, fhir::Severity::kInformation);
    infos.push_back(issue.expression);
  }
  EXPECT_EQ(infos,
            (std::vector<std::string>{"Practitioner.identifier[1]", "Practitioner.name[0].suffix",
                                      "Practitioner.telecom"}));
}

}  // namespace
}  // namespace zorgbrug::adapters::epd::internal
