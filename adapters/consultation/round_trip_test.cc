// The round-trip property over generated records: every record that passes CheckRecord maps to
// FHIR that validates without errors, and back to the same record without any finding (proto ->
// FHIR -> proto is the identity). The generator covers the three kinds, every kind of participant,
// every mode, absence, functions, designation, actions with and without owner or due date, the care
// plan and both consents; a fixed seed keeps failures reproducible (the failing case is printed).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "adapters/common/test_util.h"
#include "adapters/consultation/consultation.h"
#include "adapters/consultation/rules.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::consultation {
namespace {

using common::testutil::Dump;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  v1::ConsultationRecord Next(int n) {
    v1::ConsultationRecord r;
    r.set_local_key("C-" + std::to_string(n));
    r.set_kind(static_cast<v1::ConsultationKind>(Int(1, 3)));
    r.set_patient_local_key("P-" + std::to_string(Int(1, 9999)));
    const int length = Int(10, 120);
    r.mutable_start()->set_seconds(1767225600 + int64_t{60} * Int(0, 365 * 24 * 60));
    r.mutable_end()->set_seconds(r.start().seconds() + int64_t{60} * length);
    bool client = false;
    for (int i = 0, count = Int(1, 8); i < count; ++i) AddParticipant(r, length, client);
    for (int i = 0, count = Int(0, 3); i < count; ++i) {
      r.add_decisions("Decision " + std::to_string(i) + ": één afspraak, überprüft.");
    }
    for (int i = 0, count = Int(0, 3); i < count; ++i) {
      v1::AgreedAction& a = *r.add_actions();
      a.set_local_key(r.local_key() + "/A" + std::to_string(i));
      a.set_description("Action " + std::to_string(i));
      a.set_owner(Int(-1, r.participants_size() - 1));
      if (Chance(2)) {
        a.mutable_due()->set_year(2027);
        a.mutable_due()->set_month(Int(1, 12));
        if (Chance(2)) a.mutable_due()->set_day(Int(1, 28));
      }
    }
    if (Chance(2)) r.set_report("Verslag:\nDe cliënte is akkoord.\n");
    if (Chance(2)) r.set_care_plan_local_key("ZP-" + std::to_string(Int(1, 999)));
    r.set_consent(Chance(5) ? v1::CONSULTATION_CONSENT_REFUSED : v1::CONSULTATION_CONSENT_GIVEN);
    return r;
  }

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int one_in) { return Int(1, one_in) == 1; }

  void AddParticipant(v1::ConsultationRecord& r, int length, bool& client) {
    v1::ConsultationParticipant& p = *r.add_participants();
    static const char* const kRoles[] = {"persmidwife", "persgeneralphysician", "persnurse",
                                         "perspsychiatrist", "persphysiotherapist"};
    switch (Int(client ? 0 : -1, 2)) {
      case -1:
        p.mutable_client();
        client = true;
        break;
      case 0: {
        v1::Professional& pro = *p.mutable_professional();
        pro.set_nihdi(std::to_string(Int(10000000, 99999999)) + "001");
        pro.mutable_name()->set_family("Prof" + std::to_string(Int(1, 99)));
        pro.mutable_role()->set_code(kRoles[Int(0, 4)]);
        if (Chance(3)) pro.set_organisation_nihdi("71012345000");
        break;
      }
      case 1: {
        v1::WelfareWorker& w = *p.mutable_welfare_worker();
        w.mutable_identifier()->set_system("https://www.kindengezin.be/fhir/NamingSystem/staff");
        w.mutable_identifier()->set_value("KG-" + std::to_string(Int(1, 9999)));
        w.mutable_name()->set_family("Worker");
        w.mutable_role()->set_code("perssocialworker");
        if (Chance(2)) w.set_organisation_number("0345678997");
        break;
      }
      default: {
        v1::RelatedPersonInfo& related = *p.mutable_related_person();
        related.set_relationship(static_cast<v1::Relationship>(Int(1, 4)));
        related.mutable_name()->set_family("Related");
        if (Chance(2)) related.set_ssin("85073100328");
        p.set_designated_by_client(Chance(2));
      }
    }
    for (int f = 1; f <= 4; ++f) {
      if (Chance(4)) p.add_functions(static_cast<v1::ConsultationFunction>(f));
    }
    p.set_mode(static_cast<v1::ParticipationMode>(Int(0, 3)));
    p.set_present(!Chance(5));
    if (p.present()) p.set_minutes(Int(0, length));
  }

  std::mt19937 rng_;
};

TEST(ConsultationRoundTrip, GeneratedRecordsValidateAndComeBackUnchanged) {
  Generator generator(20260310);
  for (int n = 0; n < 300; ++n) {
    const v1::ConsultationRecord record = generator.Next(n);
    std::string text;
    google::protobuf::TextFormat::PrintToString(record, &text);
    SCOPED_TRACE(text);
    fhir::IssueCollector check;
    ASSERT_TRUE(CheckRecord(record, check)) << Dump(check);
    fhir::IssueCollector mapping;
    fhir::json::Document bundle = ToFhir(record, Bill(record, v1::ConsultationContext()),
                                         common::testutil::TestContext(), mapping);
    ASSERT_TRUE(mapping.issues().empty()) << Dump(mapping);
    fhir::IssueCollector validation;
    fhir::validation::Validate(bundle.root(), {}, validation);
    ASSERT_FALSE(validation.HasErrors()) << Dump(validation);
    fhir::IssueCollector back;
    v1::ConsultationRecord round_trip =
        FromFhir(bundle.root(), common::testutil::TestContext(), back);
    ASSERT_TRUE(back.issues().empty()) << Dump(back);
    ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(record, round_trip))
        << round_trip.DebugString();
  }
}

}  // namespace
}  // namespace zorgbrug::adapters::consultation
