// The messaging engine end to end over TLS on loopback (issue #8): each submission kind, dry_run,
// the duplicate table of gateway/messaging/README.md, a destination that disconnects and resumes,
// per-patient order under concurrency, dead letters and their replay, bad input.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/test_util.h"
#include "gateway/client.h"
#include "gateway/dev_certs.h"
#include "gateway/messaging_service.h"
#include "gateway/server.h"
#include "tests/gateway/tls_server_suite.h"
#include "zorgbrug/v1/messaging.grpc.pb.h"

namespace zorgbrug::gateway {
namespace {

using std::chrono::milliseconds;
namespace common = adapters::common;

constexpr char kBase[] = "https://epd.az-oost.example.be/keys";
constexpr char kSource[] = "https://epd.az-oost.example.be";
constexpr milliseconds kTimeout(10000);

std::string Testdata(const std::string& adapter, const std::string& file) {
  return std::string(ZORGBRUG_SOURCE_DIR) + "/adapters/" + adapter + "/testdata/golden/" + file;
}

v1::SubmitBibScreeningRequest Screening(const std::string& id, const std::string& patient) {
  v1::SubmitBibScreeningRequest request;
  request.mutable_submission()->set_submission_id(id);
  request.mutable_submission()->set_source_system(kSource);
  const auto golden = common::testutil::LoadTextProto<v1::EvaluateRequest>(
      Testdata("bib", "all_kce_positive.textproto"));
  v1::BibToFhirRequest& translation = *request.mutable_translation();
  *translation.mutable_screening() = golden.screening();
  *translation.mutable_history() = golden.history();
  *translation.mutable_as_of() = golden.as_of();
  translation.mutable_screening()->set_patient_local_key(patient);
  translation.mutable_screening()->set_local_key("BIB-" + id);
  translation.set_local_key_system_base(kBase);
  return request;
}

class MessagingTest : public TlsServerSuite {
 protected:
  static void SetUpTestSuite() {
    StartServer([](ServerOptions& options) {
      options.messaging.retry.max_attempts = 2;
      options.messaging.retry.initial_backoff_ms = 1;
      options.messaging.retry.max_backoff_ms = 1;
      options.messaging.metrics_listen = "127.0.0.1:0";
    });
  }

  void SetUp() override {
    auto channel = Channel();
    submissions_ = v1::EpdSubmissions::NewStub(channel);
    messaging_ = v1::FhirMessaging::NewStub(channel);
    destinations_ = v1::Destinations::NewStub(channel);
    DrainAll();
  }

  // Acknowledges everything pending for every destination, so each test starts from empty queues.
  void DrainAll() {
    for (const char* destination : {"bihr", "regional-platform", "epd"}) {
      Receive(destination, 100000, milliseconds(300), 0, /*ack=*/true);
    }
  }

  template <typename Request>
  grpc::Status Submit(const Request& request, v1::SubmissionResponse& response,
                      bool* replayed = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kTimeout);
    grpc::Status status;
    if constexpr (std::is_same_v<Request, v1::SubmitBibScreeningRequest>) {
      status = submissions_->SubmitBibScreening(&context, request, &response);
    } else if constexpr (std::is_same_v<Request, v1::SubmitEpdRecordRequest>) {
      status = submissions_->SubmitEpdRecord(&context, request, &response);
    } else if constexpr (std::is_same_v<Request, v1::SubmitConsultationRequest>) {
      status = submissions_->SubmitConsultation(&context, request, &response);
    } else {
      status = submissions_->SubmitCarePlanContribution(&context, request, &response);
    }
    if (replayed != nullptr) {
      *replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
    }
    return status;
  }

  grpc::Status Process(const std::string& bundle, v1::ProcessMessageResponse& response,
                       bool* replayed = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kTimeout);
    v1::ProcessMessageRequest request;
    request.set_bundle_json(bundle);
    request.set_local_key_system_base(kBase);
    grpc::Status status = messaging_->ProcessMessage(&context, request, &response);
    if (replayed != nullptr) {
      *replayed = context.GetServerTrailingMetadata().count(kReplayedMetadata) != 0;
    }
    return status;
  }

  // Subscribes, reads up to `count` deliveries (or until `wait` passes without one), cancels.
  // With `ack`, acknowledges each delivery as it arrives (the stream then sends what it held).
  std::vector<v1::Delivery> Receive(const std::string& destination, int count,
                                    milliseconds wait = milliseconds(3000), int max_in_flight = 0,
                                    bool ack = false) {
    std::vector<v1::Delivery> received;
    grpc::ClientContext context;
    v1::SubscribeRequest request;
    request.set_destination(destination);
    request.set_max_in_flight(max_in_flight);
    auto stream = destinations_->Subscribe(&context, request);
    std::thread canceller([&] {
      std::unique_lock<std::mutex> lock(mu_);
      deadline_cv_.wait_for(lock, wait, [&] { return done_; });
      context.TryCancel();
    });
    v1::Delivery delivery;
    while (static_cast<int>(received.size()) < count && stream->Read(&delivery)) {
      received.push_back(delivery);
      if (ack) Ack(destination, delivery.sequence());
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    deadline_cv_.notify_all();
    context.TryCancel();
    canceller.join();
    stream->Finish().IgnoreError();
    done_ = false;
    return received;
  }

  void Ack(const std::string& destination, int64_t sequence) {
    grpc::ClientContext context;
    v1::AcknowledgeRequest request;
    request.set_destination(destination);
    request.add_sequences(sequence);
    v1::AcknowledgeResponse response;
    ASSERT_TRUE(destinations_->Acknowledge(&context, request, &response).ok());
  }

  // A message Bundle of `request`'s content, as an EPD's FHIR interface would send it.
  std::string MessageOf(v1::SubmitBibScreeningRequest request) {
    request.mutable_submission()->set_dry_run(true);
    v1::SubmissionResponse response;
    EXPECT_TRUE(Submit(request, response).ok());
    return response.message_json();
  }

  std::unique_ptr<v1::EpdSubmissions::Stub> submissions_;
  std::unique_ptr<v1::FhirMessaging::Stub> messaging_;
  std::unique_ptr<v1::Destinations::Stub> destinations_;
  std::mutex mu_;
  std::condition_variable deadline_cv_;
  bool done_ = false;
};

// ---------------------------------------------------------------------------------------------
// Each submission kind end to end.

TEST_F(MessagingTest, BibScreeningIsCommittedDeliveredAndReadBack) {
  v1::SubmissionResponse response;
  ASSERT_TRUE(Submit(Screening("bib-1", "P-1"), response).ok());
  EXPECT_EQ(response.outcome(), v1::SUBMISSION_OUTCOME_ACCEPTED);
  EXPECT_EQ(response.event(), "bib-screening");
  EXPECT_TRUE(response.eligibility().programme_entry());
  EXPECT_GT(response.accepted_at_ms(), 0);
  EXPECT_EQ(
      std::vector<std::string>(response.destinations().begin(), response.destinations().end()),
      (std::vector<std::string>{"bihr", "regional-platform"}));

  const std::vector<v1::Delivery> bihr = Receive("bihr", 1);
  ASSERT_EQ(bihr.size(), 1u);
  EXPECT_EQ(bihr[0].message_id(), response.message_id());
  EXPECT_EQ(bihr[0].event(), "bib-screening");
  EXPECT_NE(bihr[0].message_json().find("\"MessageHeader\""), std::string::npos);
  EXPECT_NE(bihr[0].message_json().find(response.bundle_id()), std::string::npos);
  EXPECT_EQ(bihr[0].partition().rfind("p-", 0), 0u);
  EXPECT_EQ(Receive("regional-platform", 1).size(), 1u);
  EXPECT_TRUE(Receive("epd", 1, milliseconds(300)).empty());  // not routed there

  grpc::ClientContext context;
  v1::GetPatientViewRequest view_request;
  view_request.set_local_key_system_base(kBase);
  view_request.set_patient_local_key("P-1");
  v1::PatientView view;
  ASSERT_TRUE(submissions_->GetPatientView(&context, view_request, &view).ok());
  EXPECT_EQ(view.latest_screening().local_key(), "BIB-bib-1");
  EXPECT_TRUE(view.eligibility().programme_entry());
  EXPECT_EQ(view.message_ids(0), response.message_id());
}

TEST_F(MessagingTest, EpdRecordConsultationAndContributionAreDelivered) {
  v1::SubmitEpdRecordRequest epd;
  epd.mutable_submission()->set_submission_id("epd-1");
  epd.mutable_submission()->set_source_system(kSource);
  *epd.mutable_translation()->mutable_record() = common::testutil::LoadTextProto<v1::EpdRecord>(
      Testdata("epd", "full_perinatal_record.textproto"));
  epd.mutable_translation()->set_local_key_system_base(kBase);
  v1::SubmissionResponse response;
  ASSERT_TRUE(Submit(epd, response).ok());
  EXPECT_EQ(response.event(), "epd-record");

  v1::SubmitConsultationRequest consultation;
  consultation.mutable_submission()->set_submission_id("mdo-1");
  consultation.mutable_submission()->set_source_system(kSource);
  *consultation.mutable_translation()->mutable_record() =
      common::testutil::LoadTextProto<v1::ConsultationRecord>(
          Testdata("consultation", "actions_owned_and_open.textproto"));
  *consultation.mutable_translation()->mutable_context() =
      common::testutil::LoadTextProto<v1::ConsultationContext>(
          Testdata("consultation", "actions_owned_and_open.context.textproto"));
  consultation.mutable_translation()->set_local_key_system_base(kBase);
  ASSERT_TRUE(Submit(consultation, response).ok());
  EXPECT_EQ(response.event(), "consultation-record");

  // A screening's contribution to a plan the EPD sends along, then to the plan the gateway holds.
  v1::SubmitCarePlanContributionRequest contribution;
  contribution.mutable_submission()->set_submission_id("contribution-1");
  contribution.mutable_submission()->set_source_system(kSource);
  contribution.set_local_key_system_base(kBase);
  v1::CarePlan plan = common::testutil::LoadTextProto<v1::CarePlan>(
      Testdata("careplan", "minimal_active.textproto"));
  v1::SubmissionResponse screened;
  v1::SubmitBibScreeningRequest screening = Screening("bib-2", plan.patient_local_key());
  screening.mutable_submission()->set_dry_run(true);
  ASSERT_TRUE(Submit(screening, screened).ok());
  *contribution.mutable_contribution()->mutable_bib_screening() = screened.contribution();
  v1::SubmitCarePlanContributionRequest without_plan = contribution;
  EXPECT_EQ(Submit(without_plan, response).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  *contribution.mutable_contribution()->mutable_plan() = plan;
  ASSERT_TRUE(Submit(contribution, response).ok()) << response.DebugString();
  EXPECT_EQ(response.event(), "care-plan-contribution");
  EXPECT_TRUE(response.care_plan_changed());
  without_plan.mutable_submission()->set_submission_id("contribution-2");
  ASSERT_TRUE(Submit(without_plan, response).ok());  // the plan the gateway now holds
  EXPECT_FALSE(response.care_plan_changed());        // the same contribution: nothing new

  std::vector<std::string> events;
  for (const v1::Delivery& delivery : Receive("bihr", 4, milliseconds(3000), 0, true)) {
    events.push_back(delivery.event());
  }
  EXPECT_EQ(events, (std::vector<std::string>{"epd-record", "consultation-record",
                                              "care-plan-contribution", "care-plan-contribution"}));
  EXPECT_EQ(Receive("epd", 2, milliseconds(3000), 0, true).size(), 2u);
}

TEST_F(MessagingTest, DryRunReturnsTheMessageAndStoresNothing) {
  v1::SubmitBibScreeningRequest request = Screening("dry-1", "P-2");
  request.mutable_submission()->set_dry_run(true);
  v1::SubmissionResponse response;
  ASSERT_TRUE(Submit(request, response).ok());
  EXPECT_EQ(response.outcome(), v1::SUBMISSION_OUTCOME_DRY_RUN);
  EXPECT_NE(response.message_json().find("\"type\":\"message\""), std::string::npos)
      << response.message_json().substr(0, 300);
  EXPECT_TRUE(Receive("bihr", 1, milliseconds(300)).empty());
  // Not stored: the same submission for real is accepted, not a duplicate.
  request.mutable_submission()->set_dry_run(false);
  bool replayed = true;
  ASSERT_TRUE(Submit(request, response, &replayed).ok());
  EXPECT_EQ(response.outcome(), v1::SUBMISSION_OUTCOME_ACCEPTED);
  EXPECT_FALSE(replayed);
}

TEST_F(MessagingTest, ResentSubmissionGetsTheOriginalResponseAndOtherContentIsRefused) {
  const v1::SubmitBibScreeningRequest request = Screening("resend-1", "P-3");
  v1::SubmissionResponse first;
  v1::SubmissionResponse second;
  bool replayed = false;
  ASSERT_TRUE(Submit(request, first, &replayed).ok());
  EXPECT_FALSE(replayed);
  ASSERT_TRUE(Submit(request, second, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Receive("bihr", 5, milliseconds(500), 0, true).size(), 1u);  // delivered once

  v1::SubmitBibScreeningRequest other = request;
  other.mutable_translation()->mutable_screening()->set_pregnancy_local_key("PR-other");
  v1::SubmissionResponse refused;
  const grpc::Status status = Submit(other, refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("submission_id"), std::string::npos);
}

TEST_F(MessagingTest, BadSubmissionIsRefusedNamingTheElementAndNothingIsStored) {
  v1::SubmitBibScreeningRequest request = Screening("bad-1", "P-4");
  request.mutable_translation()->mutable_screening()->clear_performed_at();
  v1::SubmissionResponse response;
  const grpc::Status status = Submit(request, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("performed_at"), std::string::npos)
      << status.error_message();
  request = Screening("", "P-4");
  EXPECT_EQ(Submit(request, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Receive("bihr", 1, milliseconds(300)).empty());
  // Still serving.
  ASSERT_TRUE(Submit(Screening("bad-2", "P-4"), response).ok());
}

// ---------------------------------------------------------------------------------------------
// The duplicate table (gateway/messaging/README.md), row by row.

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST_F(MessagingTest, DuplicateTableRows) {
  const std::string message = MessageOf(Screening("fhir-1", "P-5"));
  v1::SubmissionResponse ids;
  v1::SubmitBibScreeningRequest dry = Screening("fhir-1", "P-5");
  dry.mutable_submission()->set_dry_run(true);
  ASSERT_TRUE(Submit(dry, ids).ok());

  // New ids: processed, typed view returned, delivered.
  v1::ProcessMessageResponse original;
  bool replayed = true;
  ASSERT_TRUE(Process(message, original, &replayed).ok());
  EXPECT_FALSE(replayed);
  EXPECT_EQ(original.response_code(), "ok") << original.response_json();
  EXPECT_EQ(original.bib_screening().patient_local_key(), "P-5");
  EXPECT_NE(original.response_json().find(ids.message_id()), std::string::npos);  // identifier

  // Same Bundle.id + MessageHeader.id, same content: the stored response byte for byte.
  v1::ProcessMessageResponse again;
  ASSERT_TRUE(Process(message, again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.SerializeAsString(), original.SerializeAsString());

  // Same ids, other content: fatal-error, duplicate at Bundle.id; the original stays.
  v1::ProcessMessageResponse reused;
  ASSERT_TRUE(Process(Replace(message, "P-5", "P-6"), reused, &replayed).ok());
  EXPECT_FALSE(replayed);
  EXPECT_EQ(reused.response_code(), "fatal-error");
  ASSERT_GT(reused.issues_size(), 0);
  EXPECT_EQ(reused.issues(0).code(), "duplicate");
  EXPECT_EQ(reused.issues(0).expression(), "Bundle.id");

  // Same MessageHeader.id in a new Bundle: the stored response to that header.
  v1::ProcessMessageResponse resent;
  const std::string new_bundle =
      Replace(message, ids.bundle_id(), "0d0d0d0d-0000-4000-8000-000000000001");
  ASSERT_TRUE(Process(new_bundle, resent, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(resent.SerializeAsString(), original.SerializeAsString());

  // Same Bundle.id with a new MessageHeader.id: fatal-error, not stored.
  v1::ProcessMessageResponse bundle_reused;
  const std::string new_header =
      Replace(message, ids.message_id(), "0e0e0e0e-0000-4000-8000-000000000001");
  ASSERT_TRUE(Process(new_header, bundle_reused, &replayed).ok());
  EXPECT_EQ(bundle_reused.response_code(), "fatal-error");
  EXPECT_EQ(bundle_reused.issues(0).code(), "duplicate");

  // Exactly one delivery came of all that.
  EXPECT_EQ(Receive("bihr", 5, milliseconds(500), 0, true).size(), 1u);
}

// Every event maps back to its typed view: the messages the gateway builds for each submission kind
// (dry runs), sent by another system's FHIR interface.
TEST_F(MessagingTest, EveryEventMapsBackToItsTypedView) {
  v1::SubmitEpdRecordRequest epd;
  epd.mutable_submission()->set_submission_id("view-epd");
  epd.mutable_submission()->set_source_system(kSource);
  epd.mutable_submission()->set_dry_run(true);
  *epd.mutable_translation()->mutable_record() = common::testutil::LoadTextProto<v1::EpdRecord>(
      Testdata("epd", "full_perinatal_record.textproto"));
  epd.mutable_translation()->set_local_key_system_base(kBase);
  v1::SubmitConsultationRequest consultation;
  consultation.mutable_submission()->set_submission_id("view-mdo");
  consultation.mutable_submission()->set_source_system(kSource);
  consultation.mutable_submission()->set_dry_run(true);
  *consultation.mutable_translation()->mutable_record() =
      common::testutil::LoadTextProto<v1::ConsultationRecord>(
          Testdata("consultation", "actions_owned_and_open.textproto"));
  *consultation.mutable_translation()->mutable_context() =
      common::testutil::LoadTextProto<v1::ConsultationContext>(
          Testdata("consultation", "actions_owned_and_open.context.textproto"));
  consultation.mutable_translation()->set_local_key_system_base(kBase);
  v1::SubmitCarePlanContributionRequest contribution;
  contribution.mutable_submission()->set_submission_id("view-plan");
  contribution.mutable_submission()->set_source_system(kSource);
  contribution.mutable_submission()->set_dry_run(true);
  contribution.set_local_key_system_base(kBase);
  const v1::CarePlan plan = common::testutil::LoadTextProto<v1::CarePlan>(
      Testdata("careplan", "perinatal_full.textproto"));
  *contribution.mutable_contribution()->mutable_plan() = plan;
  v1::CarePlanContribution* bib = contribution.mutable_contribution()->mutable_bib_screening();
  bib->set_source("bib-screening/view");
  bib->set_patient_local_key(plan.patient_local_key());
  bib->add_tasks()->set_service(v1::PROGRAMME_SERVICE_PPA);

  v1::SubmissionResponse dry;
  v1::ProcessMessageResponse processed;
  ASSERT_TRUE(Submit(epd, dry).ok());
  ASSERT_TRUE(Process(dry.message_json(), processed).ok());
  EXPECT_EQ(processed.response_code(), "ok") << processed.response_json();
  EXPECT_EQ(processed.epd_record().patients(0).local_key(),
            epd.translation().record().patients(0).local_key());
  ASSERT_TRUE(Submit(consultation, dry).ok());
  ASSERT_TRUE(Process(dry.message_json(), processed).ok());
  EXPECT_EQ(processed.response_code(), "ok") << processed.response_json();
  EXPECT_EQ(processed.consultation().local_key(), "MDO-2026-035");
  ASSERT_TRUE(Submit(contribution, dry).ok()) << dry.DebugString();
  ASSERT_TRUE(Process(dry.message_json(), processed).ok());
  EXPECT_EQ(processed.response_code(), "ok") << processed.response_json();
  EXPECT_EQ(processed.care_plan().local_key(), plan.local_key());
  // The care-plan message reaches the EPDs, and the patient's view holds the plan.
  EXPECT_EQ(Receive("epd", 1, milliseconds(3000), 0, true).size(), 1u);
  grpc::ClientContext context;
  v1::GetPatientViewRequest view_request;
  view_request.set_local_key_system_base(kBase);
  view_request.set_patient_local_key(plan.patient_local_key());
  v1::PatientView view;
  ASSERT_TRUE(submissions_->GetPatientView(&context, view_request, &view).ok());
  EXPECT_EQ(view.care_plan().local_key(), plan.local_key());
}

TEST_F(MessagingTest, NotAMessageIsInvalidArgumentAndAFaultyMessageGetsFatalError) {
  v1::ProcessMessageResponse response;
  grpc::Status status = Process(R"({"resourceType":"Patient","id":"x"})", response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = Process("{not json", response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A message whose focus is missing from the Bundle: answered fatal-error, stored, not applied.
  std::string message = MessageOf(Screening("fhir-bad", "P-7"));
  message = Replace(
      message, "\"focus\":[{\"reference\":\"urn:uuid:", "\"focus\":[{\"reference\":\"urn:uuid:f");
  ASSERT_TRUE(Process(message, response).ok());
  EXPECT_EQ(response.response_code(), "fatal-error");
  EXPECT_EQ(response.view_case(), v1::ProcessMessageResponse::VIEW_NOT_SET);
  EXPECT_TRUE(Receive("bihr", 1, milliseconds(300)).empty());
  bool replayed = false;
  v1::ProcessMessageResponse again;
  ASSERT_TRUE(Process(message, again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.SerializeAsString(), response.SerializeAsString());
}

// ---------------------------------------------------------------------------------------------
// Delivery.

TEST_F(MessagingTest, ConsumerThatDisconnectsResumesWhereItAcknowledged) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    v1::SubmissionResponse response;
    ASSERT_TRUE(Submit(Screening("resume-" + std::to_string(i), "P-8"), response).ok());
    ids.push_back(response.message_id());
  }
  // One patient: the stream holds her later messages until the first is acknowledged.
  std::vector<v1::Delivery> first = Receive("bihr", 5, milliseconds(500));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].message_id(), ids[0]);
  Ack("bihr", first[0].sequence());
  // Disconnected without acknowledging the second: it comes again, then the rest in order.
  std::vector<v1::Delivery> second = Receive("bihr", 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].message_id(), ids[1]);
  std::vector<std::string> rest;
  for (int i = 1; i < 5; ++i) {
    std::vector<v1::Delivery> next = Receive("bihr", 1);
    ASSERT_EQ(next.size(), 1u);
    rest.push_back(next[0].message_id());
    Ack("bihr", next[0].sequence());
  }
  EXPECT_EQ(rest, std::vector<std::string>(ids.begin() + 1, ids.end()));
  EXPECT_TRUE(Receive("bihr", 1, milliseconds(300)).empty());
}

TEST_F(MessagingTest, PerPatientOrderUnderConcurrency) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 12;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> sent;  // patient -> message ids in order
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::EpdSubmissions::NewStub(Channel());
      for (int i = 0; i < kPerThread; ++i) {
        const std::string patient = "P-order-" + std::to_string(t * 2 + i % 2);
        grpc::ClientContext context;
        v1::SubmissionResponse response;
        const auto request =
            Screening("order-" + std::to_string(t) + "-" + std::to_string(i), patient);
        ASSERT_TRUE(stub->SubmitBibScreening(&context, request, &response).ok());
        std::lock_guard<std::mutex> lock(mu);
        sent[patient].push_back(response.message_id());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  // Consume with a window of 8, acknowledging all but rejecting every 5th delivery once.
  std::map<std::string, std::vector<std::string>> delivered;
  std::map<std::string, std::string> patient_of;
  for (const auto& [patient, ids] : sent) {
    for (const std::string& id : ids) patient_of[id] = patient;
  }
  int seen = 0;
  std::set<int64_t> rejected;
  while (seen < kThreads * kPerThread) {
    std::vector<v1::Delivery> batch = Receive("bihr", 8, milliseconds(1500), 8);
    ASSERT_FALSE(batch.empty()) << "stalled after " << seen;
    for (const v1::Delivery& delivery : batch) {
      if (delivery.sequence() % 5 == 0 && rejected.insert(delivery.sequence()).second) {
        grpc::ClientContext context;
        v1::RejectRequest reject;
        reject.set_destination("bihr");
        reject.set_sequence(delivery.sequence());
        reject.set_reason("receiver busy");
        v1::RejectResponse response;
        ASSERT_TRUE(destinations_->Reject(&context, reject, &response).ok());
        break;  // the rest of this batch comes again
      }
      Ack("bihr", delivery.sequence());
      delivered[patient_of[delivery.message_id()]].push_back(delivery.message_id());
      ++seen;
    }
  }
  EXPECT_EQ(delivered, sent);
}

TEST_F(MessagingTest, DeadLetterHoldsNothingElseAndIsReplayable) {
  v1::SubmissionResponse a1;
  v1::SubmissionResponse a2;
  v1::SubmissionResponse b1;
  ASSERT_TRUE(Submit(Screening("dead-a1", "P-dead-a"), a1).ok());
  ASSERT_TRUE(Submit(Screening("dead-a2", "P-dead-a"), a2).ok());
  ASSERT_TRUE(Submit(Screening("dead-b1", "P-dead-b"), b1).ok());
  // Rejected twice (max_attempts 2): a dead letter with the reason.
  int64_t dead_sequence = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<v1::Delivery> got = Receive("bihr", 2, milliseconds(1500));
    auto a = std::find_if(got.begin(), got.end(),
                          [&](const v1::Delivery& d) { return d.message_id() == a1.message_id(); });
    ASSERT_NE(a, got.end());
    dead_sequence = a->sequence();
    grpc::ClientContext context;
    v1::RejectRequest reject;
    reject.set_destination("bihr");
    reject.set_sequence(dead_sequence);
    reject.set_reason("HTTP 422 from the receiver");
    v1::RejectResponse response;
    ASSERT_TRUE(destinations_->Reject(&context, reject, &response).ok());
    EXPECT_EQ(response.dead_letter(), attempt == 1);
  }
  // Her next message and the other patient's flow.
  std::vector<std::string> flowing;
  for (const v1::Delivery& delivery : Receive("bihr", 2)) {
    flowing.push_back(delivery.message_id());
    Ack("bihr", delivery.sequence());
  }
  std::sort(flowing.begin(), flowing.end());
  std::vector<std::string> expected{a2.message_id(), b1.message_id()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(flowing, expected);

  grpc::ClientContext list_context;
  v1::ListDeadLettersRequest list;
  list.set_destination("bihr");
  v1::ListDeadLettersResponse dead;
  ASSERT_TRUE(destinations_->ListDeadLetters(&list_context, list, &dead).ok());
  ASSERT_EQ(dead.dead_letters_size(), 1);
  EXPECT_EQ(dead.dead_letters(0).reason(), "HTTP 422 from the receiver");
  EXPECT_EQ(dead.dead_letters(0).delivery().message_id(), a1.message_id());

  grpc::ClientContext replay_context;
  v1::ReplayDeadLetterRequest replay;
  replay.set_destination("bihr");
  replay.set_sequence(dead_sequence);
  v1::ReplayDeadLetterResponse replayed;
  ASSERT_TRUE(destinations_->ReplayDeadLetter(&replay_context, replay, &replayed).ok());
  std::vector<v1::Delivery> again = Receive("bihr", 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message_id(), a1.message_id());
  Ack("bihr", again[0].sequence());
}

TEST_F(MessagingTest, MetricsCountRpcsMessagesCommitsAndQueues) {
  v1::SubmissionResponse response;
  ASSERT_TRUE(Submit(Screening("metrics-1", "P-metrics"), response).ok());
  v1::SubmitBibScreeningRequest bad = Screening("metrics-2", "P-metrics");
  bad.mutable_translation()->mutable_screening()->clear_performed_at();
  ASSERT_FALSE(Submit(bad, response).ok());
  EXPECT_GT(server_->metrics_port(), 0);
  const std::string text = server_->metrics().Render();
  for (const char* expected : {
           "zorgbrug_rpc_requests_total{method=\"/zorgbrug.v1.EpdSubmissions/SubmitBibScreening\","
           "code=\"OK\"}",
           "zorgbrug_rpc_requests_total{method=\"/zorgbrug.v1.EpdSubmissions/SubmitBibScreening\","
           "code=\"INVALID_ARGUMENT\"}",
           "zorgbrug_rpc_duration_seconds_bucket{method=\"/zorgbrug.v1.EpdSubmissions/"
           "SubmitBibScreening\"",
           "zorgbrug_messages_total{event=\"bib-screening\",outcome=\"accepted\"}",
           "zorgbrug_messages_total{event=\"bib-screening\",outcome=\"rejected\"}",
           "zorgbrug_store_commit_duration_seconds_count",
           "zorgbrug_queue_pending{destination=\"bihr\"} 1",
           "zorgbrug_dead_letters{destination=\"bihr\"}",
           "zorgbrug_queue_oldest_age_seconds{destination=\"bihr\"}",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  // Patients appear nowhere in the metrics.
  EXPECT_EQ(text.find("P-metrics"), std::string::npos);
}

}  // namespace
}  // namespace zorgbrug::gateway
