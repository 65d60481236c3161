// zorgbrug.v1.CarePlans on the real gateway server in-process (127.0.0.1, port 0, TLS with
// dev_certs material), called through the generated stub: a perinatal care plan maps to a validated
// Bundle and back; the partner (an informal carer) is given no clinical content; a BiB screening's
// contribution merges once and a closed plan refuses it; a consultation brings its participants and
// actions; concurrent edits merge, and a conflict is answered, never decided silently; bad input is
// INVALID_ARGUMENT naming the field, and the server keeps serving.

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/rich_status.h"
#include "tests/gateway/tls_server_suite.h"
#include "zorgbrug/v1/care_plan_translation.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr std::chrono::milliseconds kTimeout{10'000};
constexpr char kBase[] = "https://platform.example.be/fhir/NamingSystem";

// The woman's plan on the regional platform: her life goal, a clinical care goal and a care
// organisation goal, the midwife who coordinates, the GP, a Kind en Gezin social worker and her
// partner as informal carer.
constexpr char kPlan[] = R"pb(
  local_key: "ZP-4711"
  patient_local_key: "P-4711"
  pregnancy_local_key: "PR-4711-1"
  status: CARE_PLAN_STATUS_ACTIVE
  title: "Zorg- en ondersteuningsplan Sofie"
  start { year: 2026 month: 2 day: 2 }
  version: 3
  team {
    local_key: "m-midwife"
    professional {
      nihdi: "40012345603"
      name { use: NAME_USE_OFFICIAL family: "Peeters" given: "An" }
      role { code: "persmidwife" }
    }
    roles: CARE_TEAM_ROLE_COORDINATOR
  }
  team {
    local_key: "m-gp"
    professional {
      nihdi: "10012345601"
      name { use: NAME_USE_OFFICIAL family: "Janssens" given: "Jan" }
      role { code: "persgeneralphysician" }
    }
  }
  team {
    local_key: "m-social"
    welfare_worker {
      identifier { system: "https://www.kindengezin.be/fhir/NamingSystem/staff" value: "KG-2041" }
      name { use: NAME_USE_OFFICIAL family: "Vermeulen" given: "Fatima" }
      role { code: "perssocialworker" }
    }
    roles: CARE_TEAM_ROLE_CASE_MANAGER
  }
  team {
    local_key: "m-partner"
    informal_carer {
      relationship: RELATIONSHIP_PARTNER
      name { family: "Claes" given: "Tom" }
    }
  }
  life_goals {
    local_key: "lg-1"
    text: "Ik wil rustig thuis kunnen bevallen en mijn baby zelf voeden."
    status: GOAL_STATUS_ACTIVE
  }
  care_goals {
    local_key: "cg-mood"
    description: "Stemming opvolgen na positieve EPDS"
    life_goals: "lg-1"
    status: GOAL_STATUS_ACTIVE
    clinical: true
  }
  care_goals {
    local_key: "cg-housing"
    description: "Stabiele huisvesting voor de geboorte"
    life_goals: "lg-1"
    status: GOAL_STATUS_ACTIVE
  }
  tasks {
    local_key: "t-ppa"
    description: "Perinatale psychologische begeleiding starten"
    owner: "m-midwife"
    status: CARE_PLAN_TASK_STATUS_ACCEPTED
    goal: "cg-mood"
    service: PROGRAMME_SERVICE_PPA
    clinical: true
  }
  tasks {
    local_key: "t-housing"
    description: "Aanvraag sociale woning indienen"
    owner: "m-social"
    candidates: "m-social"
    status: CARE_PLAN_TASK_STATUS_IN_PROGRESS
    goal: "cg-housing"
    due { year: 2026 month: 3 day: 31 }
  }
  messages {
    local_key: "msg-1"
    sender: "m-gp"
    recipients: "m-midwife"
    sent { seconds: 1773147600 }
    text: "EPDS 14 bij de consultatie: graag PPA bespreken."
    clinical: true
    about_task: "t-ppa"
  }
)pb";

v1::CarePlan Plan() {
  v1::CarePlan plan;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kPlan, &plan));
  return plan;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

template <typename Response>
bool Names(const Response& response, std::string_view expression) {
  for (const v1::Issue& issue : response.issues()) {
    if (issue.expression() == expression) return true;
  }
  return false;
}

class CarePlanTest : public TlsServerSuite {
 protected:
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    stub_ = v1::CarePlans::NewStub(Channel());
  }
  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + kTimeout);
    return context;
  }
  grpc::Status ToFhir(const v1::CarePlan& plan, std::string_view audience,
                      v1::CarePlanToFhirResponse& response) {
    v1::CarePlanToFhirRequest request;
    *request.mutable_plan() = plan;
    request.set_local_key_system_base(kBase);
    request.set_audience_member(std::string(audience));
    return stub_->ToFhir(Context().get(), request, &response);
  }
  grpc::Status Contribute(const v1::ContributeRequest& request, v1::ContributeResponse& response) {
    return stub_->Contribute(Context().get(), request, &response);
  }

  std::unique_ptr<v1::CarePlans::Stub> stub_;
};

TEST_F(CarePlanTest, PlanMapsToValidatedFhirAndBack) {
  v1::CarePlanToFhirResponse response;
  grpc::Status status = ToFhir(Plan(), "", response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  for (const char* type :
       {"CarePlan", "CareTeam", "Goal", "Task", "Communication", "RelatedPerson"}) {
    EXPECT_TRUE(Contains(response.bundle_json(), std::string(R"("resourceType":")") + type + "\""))
        << type;
  }
  EXPECT_TRUE(Contains(response.bundle_json(), "task-candidateList"));

  v1::CarePlanFromFhirRequest back;
  back.set_fhir_json(response.bundle_json());
  back.set_local_key_system_base(kBase);
  v1::CarePlanFromFhirResponse plan;
  status = stub_->FromFhir(Context().get(), back, &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(plan.counts().error() + plan.counts().warning(), 0) << plan.operation_outcome_json();
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(Plan(), plan.plan())) << diff;
}

TEST_F(CarePlanTest, PartnerIsGivenNoClinicalContentUnlessSheShares) {
  v1::CarePlanToFhirResponse response;
  ASSERT_TRUE(ToFhir(Plan(), "m-partner", response).ok());
  EXPECT_EQ(response.counts().error(), 0) << response.operation_outcome_json();
  EXPECT_TRUE(Contains(response.bundle_json(), "Stabiele huisvesting"));
  EXPECT_TRUE(Contains(response.bundle_json(), "rustig thuis"));  // her life goal
  for (const char* clinical : {"EPDS", "Stemming", "psychologische"}) {
    EXPECT_FALSE(Contains(response.bundle_json(), clinical)) << clinical;
  }

  // She permits her partner to see clinical content: now he does.
  v1::CarePlan shared = Plan();
  v1::AccessDecision* decision = shared.add_access();
  decision->set_member("m-partner");
  decision->set_content(v1::CONTENT_CLASS_CLINICAL);
  decision->set_permit(true);
  v1::CarePlanToFhirResponse permitted;
  ASSERT_TRUE(ToFhir(shared, "m-partner", permitted).ok());
  EXPECT_TRUE(Contains(permitted.bundle_json(), "Stemming"));
  EXPECT_TRUE(Contains(permitted.bundle_json(), R"("resourceType":"Consent")"));

  // The GP sees everything, the message addressed to the midwife included (he sent it).
  v1::CarePlanToFhirResponse gp;
  ASSERT_TRUE(ToFhir(Plan(), "m-gp", gp).ok());
  EXPECT_TRUE(Contains(gp.bundle_json(), "EPDS 14"));
}

TEST_F(CarePlanTest, UnknownAudienceIsInvalidArgument) {
  v1::CarePlanToFhirResponse response;
  grpc::Status status = ToFhir(Plan(), "m-nobody", response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::CarePlanToFhirResponse details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), details));
  EXPECT_TRUE(Names(details, "audience.member")) << details.operation_outcome_json();
}

TEST_F(CarePlanTest, BibContributionMergesOnceAndAClosedPlanRefusesIt) {
  v1::ContributeRequest request;
  *request.mutable_plan() = Plan();
  v1::CarePlanContribution* bib = request.mutable_bib_screening();
  bib->set_source("bib-screening/BIB-2026-0042");
  bib->set_patient_local_key("P-4711");
  bib->set_pregnancy_local_key("PR-4711-1");
  bib->add_tasks()->set_service(v1::PROGRAMME_SERVICE_COORDINATION);

  v1::ContributeResponse first;
  grpc::Status status = Contribute(request, first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(first.changed());
  EXPECT_EQ(first.plan().tasks_size(), Plan().tasks_size() + 1);
  EXPECT_EQ(first.plan().version(), Plan().version() + 1);
  const v1::CarePlanTask& task = first.plan().tasks(first.plan().tasks_size() - 1);
  EXPECT_EQ(task.service(), v1::PROGRAMME_SERVICE_COORDINATION);
  EXPECT_EQ(task.source(), "bib-screening/BIB-2026-0042");
  EXPECT_TRUE(task.clinical());

  // The same contribution again changes nothing.
  *request.mutable_plan() = first.plan();
  v1::ContributeResponse second;
  ASSERT_TRUE(Contribute(request, second).ok());
  EXPECT_FALSE(second.changed());
  EXPECT_EQ(second.plan().SerializeAsString(), first.plan().SerializeAsString());

  // A completed plan refuses it, with the reason; retrying does not help.
  request.mutable_plan()->set_status(v1::CARE_PLAN_STATUS_COMPLETED);
  request.mutable_plan()->mutable_end()->set_year(2028);
  request.mutable_plan()->mutable_end()->set_month(5);
  request.mutable_plan()->mutable_end()->set_day(20);
  bib->set_source("bib-screening/BIB-2026-0043");
  v1::ContributeResponse refused;
  status = Contribute(request, refused);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  v1::ContributeResponse details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), details));
  EXPECT_TRUE(Names(details, "plan.status"));
}

TEST_F(CarePlanTest, ConsultationBringsItsParticipantsAndActions) {
  v1::ContributeRequest request;
  *request.mutable_plan() = Plan();
  v1::ConsultationRecord* record = request.mutable_consultation();
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        local_key: "OV-2026-0012"
        kind: CONSULTATION_KIND_PERINATAL
        patient_local_key: "P-4711"
        start { seconds: 1773147600 }
        end { seconds: 1773151200 }
        participants {
          professional {
            nihdi: "40012345603"
            name { family: "Peeters" given: "An" }
            role { code: "persmidwife" }
          }
          functions: CONSULTATION_FUNCTION_ORGANISER
          mode: PARTICIPATION_MODE_PHYSICAL
          present: true
          minutes: 60
        }
        participants {
          professional {
            nihdi: "19012345601"
            name { family: "Wouters" given: "Els" }
            role { code: "persgynecologistobstetrics" }
          }
          mode: PARTICIPATION_MODE_ONLINE
          present: true
          minutes: 30
        }
        participants {
          client {}
          mode: PARTICIPATION_MODE_PHYSICAL
          present: true
          minutes: 60
        }
        decisions: "Follow-up consultation in the third trimester."
        actions { local_key: "A1" description: "Plan the third-trimester consultation" owner: 1 }
        consent: CONSULTATION_CONSENT_GIVEN
        care_plan_local_key: "ZP-4711"
      )pb",
      record));

  v1::ContributeResponse response;
  grpc::Status status = Contribute(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.changed());
  // The midwife is already in the team (same NIHDI number); the gynaecologist joins.
  EXPECT_EQ(response.plan().team_size(), Plan().team_size() + 1);
  EXPECT_EQ(response.plan().tasks_size(), Plan().tasks_size() + 1);
  EXPECT_EQ(response.plan().messages_size(), Plan().messages_size() + 1);
  EXPECT_EQ(response.plan().contributions(0), "consultation/OV-2026-0012");
}

TEST_F(CarePlanTest, ConcurrentEditsMergeAndConflictsAreAnswered) {
  v1::MergeRequest request;
  *request.mutable_base() = Plan();
  *request.mutable_ours() = Plan();
  *request.mutable_theirs() = Plan();
  // The platform completes the housing task; the EPD adds a care goal.
  request.mutable_ours()->mutable_tasks(1)->set_status(v1::CARE_PLAN_TASK_STATUS_COMPLETED);
  v1::CareGoal* added = request.mutable_theirs()->add_care_goals();
  added->set_local_key("cg-feeding");
  added->set_description("Borstvoeding ondersteunen");
  added->set_status(v1::GOAL_STATUS_PROPOSED);

  v1::MergeResponse merged;
  grpc::Status status = stub_->Merge(Context().get(), request, &merged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(merged.conflicts_size(), 0);
  EXPECT_EQ(merged.merged().tasks(1).status(), v1::CARE_PLAN_TASK_STATUS_COMPLETED);
  EXPECT_EQ(merged.merged().care_goals_size(), 3);

  // Both change the PPA task's status, differently: a conflict, and the base's value stays.
  request.mutable_ours()->mutable_tasks(0)->set_status(v1::CARE_PLAN_TASK_STATUS_COMPLETED);
  request.mutable_theirs()->mutable_tasks(0)->set_status(v1::CARE_PLAN_TASK_STATUS_CANCELLED);
  v1::MergeResponse conflicting;
  status = stub_->Merge(Context().get(), request, &conflicting);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(conflicting.conflicts_size(), 1);
  EXPECT_EQ(conflicting.conflicts(0).path(), "tasks[key=t-ppa].status");
  EXPECT_EQ(conflicting.conflicts(0).kind(), v1::CONFLICT_KIND_BOTH_CHANGED);
  EXPECT_EQ(conflicting.merged().tasks(0).status(), v1::CARE_PLAN_TASK_STATUS_ACCEPTED);
}

TEST_F(CarePlanTest, BadPlanIsInvalidArgumentNamingTheFieldAndTheServerKeepsServing) {
  v1::CarePlan plan = Plan();
  plan.mutable_tasks(0)->set_owner("m-nobody");
  v1::CarePlanToFhirResponse response;
  grpc::Status status = ToFhir(plan, "", response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::CarePlanToFhirResponse details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), details));
  EXPECT_TRUE(Names(details, "plan.tasks[0].owner")) << details.operation_outcome_json();

  v1::MergeRequest merge;
  *merge.mutable_base() = Plan();
  *merge.mutable_ours() = Plan();
  *merge.mutable_theirs() = plan;
  v1::MergeResponse merged;
  status = stub_->Merge(Context().get(), merge, &merged);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::MergeResponse merge_details;
  ASSERT_TRUE(UnpackStatusDetail(status.error_details(), merge_details));
  EXPECT_TRUE(Names(merge_details, "theirs.tasks[0].owner"));

  v1::CarePlanFromFhirRequest broken;
  broken.set_fhir_json(R"({"resourceType":"Bundle","type":"collection","entry":[)");
  broken.set_local_key_system_base(kBase);
  v1::CarePlanFromFhirResponse ignored;
  EXPECT_EQ(stub_->FromFhir(Context().get(), broken, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::CarePlanToFhirResponse ok;
  EXPECT_TRUE(ToFhir(Plan(), "", ok).ok());
}

}  // namespace
}  // namespace zorgbrug::gateway
