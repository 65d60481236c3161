// zorgbrug.v1.BibScreenings on the real gateway server in-process (127.0.0.1, port 0, TLS with
// dev_certs material), called through the generated stub: a screening maps to a validated Bundle
// with its eligibility and care-plan tasks and back, a refusal to share keeps the tasks out, bad
// input is INVALID_ARGUMENT naming the field in the status details, and the server keeps serving.

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/client.h"
#include "gateway/dev_certs.h"
#include "gateway/rich_status.h"
#include "gateway/server.h"
#include "tests/gateway/tls_server_suite.h"
#include "zorgbrug/v1/bib_screening.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

constexpr std::chrono::milliseconds kTimeout{10'000};
constexpr char kBase[] = "https://epd.azvoorbeeld.be/fhir/NamingSystem";

// A completed screening at 12+3 weeks by a midwife: financial situation and housing positive
// (2 KCE indicators), the other 11 indicators negative.
constexpr char kScreening[] = R"pb(
  local_key: "BIB-2026-0001"
  patient_local_key: "P-1001"
  pregnancy_local_key: "Z-1"
  performer {
    professional {
      nihdi: "40012345603"
      name { family: "Wouters" given: "Els" }
      role { code: "persmidwife" }
    }
  }
  performed_at { seconds: 1779000000 }
  gestational_age { weeks: 12 days: 3 }
  status: SCREENING_STATUS_COMPLETED
  indicators { indicator: BIB_INDICATOR_COMMUNICATION score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_COUNTRY_OF_BIRTH score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_RESIDENCE_STATUS score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_EDUCATION score: "1" threshold: "2" }
  indicators { indicator: BIB_INDICATOR_OCCUPATIONAL_STATUS score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_PARTNER_OCCUPATION score: "0" threshold: "1" }
  indicators {
    indicator: BIB_INDICATOR_FINANCIAL_SITUATION
    score: "3.5"
    threshold: "2.5"
    positive: true
    answers { item: "q7" answer_code: "3" answer_text: "Often" points: "3.5" }
  }
  indicators { indicator: BIB_INDICATOR_HOUSING score: "2" threshold: "2" positive: true }
  indicators { indicator: BIB_INDICATOR_SOCIAL_SUPPORT score: "1" threshold: "2" }
  indicators { indicator: BIB_INDICATOR_DEPRESSION score: "1.5" threshold: "3" }
  indicators { indicator: BIB_INDICATOR_ANXIETY score: "0.5" threshold: "3" }
  indicators { indicator: BIB_INDICATOR_SUBSTANCE_USE score: "0" threshold: "1" }
  indicators { indicator: BIB_INDICATOR_DOMESTIC_VIOLENCE score: "0" threshold: "1" }
  share_consent: SHARE_CONSENT_GIVEN
)pb";

class BibScreeningTest : public TlsServerSuite {
 protected:
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    stub_ = v1::BibScreenings::NewStub(Channel());
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + kTimeout);
    return context;
  }
  grpc::Status ToFhir(const v1::BibToFhirRequest& request, v1::BibToFhirResponse& response) {
    return stub_->ToFhir(Context().get(), request, &response);
  }
  grpc::Status FromFhir(const v1::BibFromFhirRequest& request, v1::BibFromFhirResponse& response) {
    return stub_->FromFhir(Context().get(), request, &response);
  }
  static v1::BibToFhirRequest Request() {
    v1::BibToFhirRequest request;
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(kScreening, request.mutable_screening()));
    request.set_local_key_system_base(kBase);
    return request;
  }

  std::unique_ptr<v1::BibScreenings::Stub> stub_;
};

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

const v1::ServiceDecision* Decision(const v1::ProgrammeEligibility& e, v1::ProgrammeService s) {
  for (const v1::ServiceDecision& d : e.services()) {
    if (d.service() == s) return &d;
  }
  return nullptr;
}

bool HasIssueAt(const google::protobuf::RepeatedPtrField<v1::Issue>& issues,
                std::string_view expression) {
  for (const v1::Issue& issue : issues) {
    if (issue.expression() == expression) return true;
  }
  return false;
}

TEST_F(BibScreeningTest, CompletedScreeningMapsToAValidatedBundleWithTasks) {
  v1::BibToFhirResponse response;
  grpc::Status status = ToFhir(Request(), response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  EXPECT_TRUE(Contains(response.bundle_json(), R"("resourceType":"Bundle")"));
  EXPECT_TRUE(Contains(response.bundle_json(), R"("resourceType":"QuestionnaireResponse")"));
  EXPECT_TRUE(Contains(response.bundle_json(), R"("resourceType":"Task")"));
  EXPECT_TRUE(response.shared());
  EXPECT_TRUE(response.eligibility().programme_entry());
  EXPECT_EQ(response.eligibility().positive_indicators_size(), 2);
  const v1::ServiceDecision* coordination =
      Decision(response.eligibility(), v1::PROGRAMME_SERVICE_COORDINATION);
  ASSERT_NE(coordination, nullptr);
  EXPECT_TRUE(coordination->eligible());
  EXPECT_EQ(response.contribution().source(), "bib-screening/BIB-2026-0001");
  EXPECT_GE(response.contribution().tasks_size(), 2);
}

TEST_F(BibScreeningTest, RefusalToShareKeepsTheTasksOut) {
  v1::BibToFhirRequest request = Request();
  request.mutable_screening()->set_share_consent(v1::SHARE_CONSENT_REFUSED);
  v1::BibToFhirResponse response;
  grpc::Status status = ToFhir(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  EXPECT_FALSE(response.shared());
  EXPECT_FALSE(Contains(response.bundle_json(), R"("resourceType":"Task")"));
  EXPECT_EQ(response.contribution().tasks_size(), 0);
  EXPECT_TRUE(HasIssueAt(response.issues(), "screening.share_consent"))
      << response.operation_outcome_json();
}

TEST_F(BibScreeningTest, DuplicateIndicatorIsInvalidArgumentNamingTheField) {
  v1::BibToFhirRequest request = Request();
  request.mutable_screening()->mutable_indicators(1)->set_indicator(
      v1::BIB_INDICATOR_COMMUNICATION);
  v1::BibToFhirResponse response;
  grpc::Status status = ToFhir(request, response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  v1::BibToFhirResponse details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), details));
  EXPECT_TRUE(HasIssueAt(details.issues(), "screening.indicators[1].indicator"))
      << details.operation_outcome_json();
  EXPECT_TRUE(details.bundle_json().empty());
  // Still serving.
  EXPECT_TRUE(ToFhir(Request(), response).ok());
}

TEST_F(BibScreeningTest, JudgementBesideACompletedResultIsInvalidArgument) {
  // A business rule of the screening, decided on the request alone: not FAILED_PRECONDITION.
  v1::BibToFhirRequest request = Request();
  request.mutable_screening()->mutable_judgement()->add_clearly_present(
      v1::KCE_INDICATOR_SUBSTANCE_USE);
  v1::BibToFhirResponse response;
  EXPECT_EQ(ToFhir(request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(BibScreeningTest, MissingKeyNamespaceIsInvalidArgument) {
  v1::BibToFhirRequest request = Request();
  request.set_local_key_system_base("epd.azvoorbeeld.be");
  v1::BibToFhirResponse response;
  EXPECT_EQ(ToFhir(request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(BibScreeningTest, ToFhirOutputMapsBackToTheScreening) {
  const v1::BibToFhirRequest request = Request();
  v1::BibToFhirResponse bundle;
  grpc::Status status = ToFhir(request, bundle);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::BibFromFhirRequest back;
  back.set_fhir_json(bundle.bundle_json());
  back.set_local_key_system_base(kBase);
  v1::BibFromFhirResponse response;
  status = FromFhir(back, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(response.screening(), request.screening()))
      << response.screening().DebugString();
}

TEST_F(BibScreeningTest, MalformedJsonIsInvalidArgumentAndTheServerStillAnswers) {
  v1::BibFromFhirRequest request;
  request.set_local_key_system_base(kBase);
  request.set_fhir_json(R"({"resourceType":"Bundle",)");
  v1::BibFromFhirResponse response;
  EXPECT_EQ(FromFhir(request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::BibToFhirResponse mapped;
  EXPECT_TRUE(ToFhir(Request(), mapped).ok());
}

TEST_F(BibScreeningTest, NestingBeyondTheLimitIsResourceExhaustedNamingIt) {
  v1::BibFromFhirRequest request;
  request.set_local_key_system_base(kBase);
  request.set_fhir_json(R"({"resourceType":"Bundle","entry":)" + std::string(200, '[') +
                        std::string(200, ']') + "}");
  v1::BibFromFhirResponse response;
  grpc::Status status = FromFhir(request, response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_TRUE(Contains(status.error_message(), "depth")) << status.error_message();
}

TEST_F(BibScreeningTest, EvaluateGivesTheRulesAlone) {
  v1::EvaluateRequest request;
  *request.mutable_screening() = Request().screening();
  request.mutable_as_of()->set_year(2026);
  request.mutable_as_of()->set_month(6);
  request.mutable_as_of()->set_day(1);
  v1::EvaluateResponse response;
  grpc::Status status = stub_->Evaluate(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.eligibility().programme_entry());
  EXPECT_EQ(response.eligibility().as_of().month(), 6);
  EXPECT_GE(response.contribution().tasks_size(), 2);
}

TEST_F(BibScreeningTest, DefinitionsAreTheQuestionnaireAndFourCodeSystems) {
  v1::GetDefinitionsResponse response;
  grpc::Status status = stub_->GetDefinitions(Context().get(), {}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.resources_json_size(), 5);
  EXPECT_TRUE(Contains(response.resources_json(0), R"("resourceType":"Questionnaire")"));
  for (int i = 1; i < response.resources_json_size(); ++i) {
    EXPECT_TRUE(Contains(response.resources_json(i), R"("resourceType":"CodeSystem")")) << i;
  }
}

}  // namespace
}  // namespace zorgbrug::gateway
