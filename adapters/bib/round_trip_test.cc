// The round-trip property over generated screenings: every screening that passes CheckScreening
// maps to FHIR that validates without errors, and back to the same screening without any finding
// (proto -> FHIR -> proto is the identity). The generator covers every status, both timings, both
// kinds of performer, item answers, decimal text with trailing zeros, judgements and both consents;
// a fixed seed keeps failures reproducible (the failing case is printed).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "adapters/bib/bib.h"
#include "adapters/bib/rules.h"
#include "adapters/common/test_util.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::bib {
namespace {

using common::testutil::Dump;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  v1::BibScreening Next(int n) {
    v1::BibScreening s;
    s.set_local_key("BIB-" + std::to_string(n));
    s.set_patient_local_key("P-" + std::to_string(Int(1, 9999)));
    if (Chance(2)) s.set_pregnancy_local_key("PR-" + std::to_string(Int(1, 9999)));
    AddPerformer(s);
    s.mutable_performed_at()->set_seconds(1767225600 + Int(0, 365 * 86400));
    if (Chance(4)) {
      s.set_days_postpartum(Int(0, 12));
    } else {
      s.mutable_gestational_age()->set_weeks(Int(4, 42));
      s.mutable_gestational_age()->set_days(Int(0, 6));
    }
    const int status = Int(1, 3);
    s.set_status(static_cast<v1::ScreeningStatus>(status));
    std::vector<int> indicators(13);
    std::iota(indicators.begin(), indicators.end(), 1);
    std::shuffle(indicators.begin(), indicators.end(), rng_);
    const int count = status == v1::SCREENING_STATUS_COMPLETED ? 13
                      : status == v1::SCREENING_STATUS_PARTIAL ? Int(1, 12)
                                                               : 0;
    for (int i = 0; i < count; ++i) AddResult(s, static_cast<v1::BibIndicator>(indicators[i]));
    if (status != v1::SCREENING_STATUS_COMPLETED && Chance(2)) {
      std::vector<int> kce = {1, 2, 3, 4, 5, 6, 7, 8};
      std::shuffle(kce.begin(), kce.end(), rng_);
      for (int i = 0, n = Int(1, 3); i < n; ++i)
        s.mutable_judgement()->add_clearly_present(static_cast<v1::KceIndicator>(kce[i]));
      if (Chance(2)) s.mutable_judgement()->set_note("Judged during the intake conversation.");
    }
    s.set_share_consent(Chance(5) ? v1::SHARE_CONSENT_REFUSED : v1::SHARE_CONSENT_GIVEN);
    return s;
  }

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int one_in) { return Int(1, one_in) == 1; }

  // Decimal text in half points, sometimes with trailing zeros ("2.50").
  std::string Points() {
    const int half = Int(0, 16);
    std::string text = std::to_string(half / 2) + (half % 2 ? ".5" : "");
    if (Chance(3)) text += half % 2 ? "0" : ".0";
    return text;
  }

  void AddPerformer(v1::BibScreening& s) {
    if (Chance(3)) {
      v1::WelfareWorker& w = *s.mutable_performer()->mutable_welfare_worker();
      w.mutable_identifier()->set_system("https://www.kindengezin.be/fhir/NamingSystem/staff");
      w.mutable_identifier()->set_value("KG-" + std::to_string(Int(1, 9999)));
      if (Chance(2)) w.mutable_identifier()->set_assigner("Kind en Gezin");
      w.mutable_name()->set_family("El Amrani");
      w.mutable_name()->add_given("Nadia");
      w.mutable_role()->set_code("perssocialworker");
      if (Chance(2)) w.set_organisation_number("0345678997");
      return;
    }
    const char* roles[] = {"persmidwife", "persgeneralphysician", "persgynecologistobstetrics"};
    v1::Professional& p = *s.mutable_performer()->mutable_professional();
    p.set_nihdi("40012345603");
    p.mutable_name()->set_family("Wouters");
    p.mutable_name()->add_given("Els");
    p.mutable_role()->set_code(roles[Int(0, 2)]);
    if (Chance(2)) p.set_organisation_nihdi("71012345000");
  }

  void AddResult(v1::BibScreening& s, v1::BibIndicator indicator) {
    v1::IndicatorResult& r = *s.add_indicators();
    r.set_indicator(indicator);
    r.set_score(Points());
    r.set_threshold(Chance(2) ? "2" : "1.5");
    // The flag the tool would set: exactly score >= threshold.
    r.set_positive(std::stod(r.score()) >= std::stod(r.threshold()));
    for (int i = 0, n = Chance(3) ? Int(1, 3) : 0; i < n; ++i) {
      v1::ItemAnswer& a = *r.add_answers();
      a.set_item("q" + std::to_string(Int(1, 22)));
      if (Chance(2)) a.set_answer_code(std::to_string(Int(0, 4)));
      if (Chance(2)) a.set_answer_text("Sometimes");
      if (Chance(2)) a.set_points(Points());
    }
  }

  std::mt19937 rng_;
};

TEST(BibRoundTrip, GeneratedScreeningsValidateAndComeBackUnchanged) {
  Generator generator(20261123);
  for (int n = 0; n < 300; ++n) {
    const v1::BibScreening screening = generator.Next(n);
    std::string text;
    google::protobuf::TextFormat::PrintToString(screening, &text);
    SCOPED_TRACE(text);
    fhir::IssueCollector check;
    ASSERT_TRUE(CheckScreening(screening, check)) << Dump(check);
    v1::Date as_of;
    as_of.set_year(2026);
    as_of.set_month(6);
    as_of.set_day(1);
    const MappingContext context = common::testutil::TestContext();
    fhir::IssueCollector mapping;
    fhir::json::Document bundle =
        ToFhir(screening, Evaluate(screening, v1::ProgrammeHistory(), as_of), context, mapping);
    ASSERT_FALSE(mapping.HasErrors()) << Dump(mapping);
    fhir::IssueCollector validation;
    fhir::validation::Validate(bundle.root(), {}, validation);
    ASSERT_FALSE(validation.HasErrors()) << Dump(validation);
    fhir::IssueCollector back;
    const v1::BibScreening round_trip = FromFhir(bundle.root(), context, back);
    EXPECT_TRUE(back.issues().empty()) << Dump(back);
    std::string difference;
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&difference);
    ASSERT_TRUE(differ.Compare(screening, round_trip)) << difference;
  }
}

}  // namespace
}  // namespace zorgbrug::adapters::bib
