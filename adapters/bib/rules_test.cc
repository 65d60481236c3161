// Tests of rules.cc: one table row per DOMAIN.md section 2 rule and boundary (RULES.md), the
// checks of CheckScreening at their exact field paths, and the care-plan contribution.

#include "adapters/bib/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"

namespace zorgbrug::adapters::bib {
namespace {

using fhir::IssueType;
using google::protobuf::util::MessageDifferencer;
using Indicators = std::vector<v1::KceIndicator>;

constexpr v1::ProgrammeService kBib = v1::PROGRAMME_SERVICE_BIB_SCREENING;
constexpr v1::ProgrammeService kPpa = v1::PROGRAMME_SERVICE_PPA;
constexpr v1::ProgrammeService kCoordination = v1::PROGRAMME_SERVICE_COORDINATION;
constexpr v1::ProgrammeService kConsultation = v1::PROGRAMME_SERVICE_PERINATAL_CONSULTATION;

constexpr int64_t kMarch2 = 1772445600;          // 2026-03-02T10:00:00Z, at 10+0 weeks
constexpr int64_t kFirstTariffDay = 1704067200;  // 2024-01-01T00:00:00Z
constexpr int64_t kLastNoTariff = 1704065400;    // 2023-12-31T23:30:00Z (00:30 in Brussels)

// Every rule id rules.cc may use (RULES.md).
const std::set<std::string> kRuleIds = {
    "screening.universal",
    "screening.completed-only",
    "screening.once-per-pregnancy",
    "screening.preferred-before-week-14",
    "screening.until-7-days-postpartum",
    "entry.one-indicator",
    "entry.no-tool-exception",
    "ppa.entry",
    "ppa.max-two-reimbursed",
    "ppa.first-in-trimester-1",
    "ppa.second-in-trimester-3",
    "coordination.two-indicators",
    "coordination.once-per-year",
    "coordination.until-second-birthday",
    "perinatal-consultation.coordinator-and-two-indicators",
    "perinatal-consultation.per-consultation-limits",
    "tariff.in-force",
};

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// A valid COMPLETED screening at 10+0 weeks on 2026-03-02 with 13 negative results, changed step
// by step.
class Screening {
 public:
  Screening() {
    s_.set_local_key("scr-1");
    s_.set_patient_local_key("mother-1");
    s_.set_pregnancy_local_key("preg-1");
    v1::Professional* p = s_.mutable_performer()->mutable_professional();
    p->set_nihdi("12345678901");
    p->mutable_role()->set_code("persmidwife");
    s_.mutable_performed_at()->set_seconds(kMarch2);
    Week(10, 0);
    s_.set_status(v1::SCREENING_STATUS_COMPLETED);
    for (int i = 1; i <= 13; ++i) {
      v1::IndicatorResult* r = s_.add_indicators();
      r->set_indicator(static_cast<v1::BibIndicator>(i));
      r->set_score("1");
      r->set_threshold("2.5");
    }
    s_.set_share_consent(v1::SHARE_CONSENT_GIVEN);
  }
  Screening& Positive(std::initializer_list<v1::BibIndicator> list) {
    for (v1::IndicatorResult& r : *s_.mutable_indicators()) {
      if (std::find(list.begin(), list.end(), r.indicator()) == list.end()) continue;
      r.set_score("3");
      r.set_positive(true);
    }
    return *this;
  }
  // Keeps the results of `kept` only.
  Screening& Partial(std::initializer_list<v1::BibIndicator> kept) {
    auto* all = s_.mutable_indicators();
    all->erase(std::remove_if(all->begin(), all->end(),
                              [&](const v1::IndicatorResult& r) {
                                return std::find(kept.begin(), kept.end(), r.indicator()) ==
                                       kept.end();
                              }),
               all->end());
    s_.set_status(v1::SCREENING_STATUS_PARTIAL);
    return *this;
  }
  Screening& Refused() {
    s_.clear_indicators();
    s_.set_status(v1::SCREENING_STATUS_REFUSED);
    return *this;
  }
  Screening& Judged(std::initializer_list<v1::KceIndicator> list) {
    for (v1::KceIndicator k : list) s_.mutable_judgement()->add_clearly_present(k);
    return *this;
  }
  Screening& Week(int weeks, int days) {
    s_.mutable_gestational_age()->set_weeks(weeks);
    s_.mutable_gestational_age()->set_days(days);
    return *this;
  }
  Screening& Postpartum(int days) {
    s_.set_days_postpartum(days);
    return *this;
  }
  Screening& At(int64_t seconds) {
    s_.mutable_performed_at()->set_seconds(seconds);
    return *this;
  }
  Screening& Consent(v1::ShareConsent consent) {
    s_.set_share_consent(consent);
    return *this;
  }
  operator v1::BibScreening() const { return s_; }  // NOLINT: builder

 private:
  v1::BibScreening s_;
};

class History {
 public:
  History& Prior(std::string key, v1::ScreeningStatus status, v1::Date on, bool reimbursed) {
    v1::PriorScreening* p = h_.add_screenings();
    p->set_local_key(std::move(key));
    p->set_status(status);
    *p->mutable_performed_on() = on;
    p->set_reimbursed(reimbursed);
    return *this;
  }
  History& Delivered(v1::ProgrammeService service, v1::Date on, bool reimbursed) {
    v1::DeliveredService* s = h_.add_services();
    s->set_service(service);
    *s->mutable_delivered_on() = on;
    s->set_reimbursed(reimbursed);
    return *this;
  }
  History& Coordinator() {
    h_.set_coordinator_appointed(true);
    return *this;
  }
  History& BornOn(v1::Date date) {
    *h_.mutable_child_birth_date() = date;
    return *this;
  }
  operator v1::ProgrammeHistory() const { return h_; }  // NOLINT: builder

 private:
  v1::ProgrammeHistory h_;
};

// What one service's decision must be.
struct Expected {
  v1::ProgrammeService service;
  bool eligible;
  bool reimbursable;
  int64_t cents;                      // the tariff when reimbursable
  std::string rule;                   // a rule that must be among the reasons
  std::vector<std::string> warnings;  // the warnings' rule ids, exactly
};

Expected Yes(v1::ProgrammeService service, int64_t cents, std::string rule,
             std::vector<std::string> warnings = {}) {
  return {service, true, true, cents, std::move(rule), std::move(warnings)};
}
Expected NotReimbursed(v1::ProgrammeService service, std::string rule,
                       std::vector<std::string> warnings = {}) {
  return {service, true, false, 0, std::move(rule), std::move(warnings)};
}
Expected No(v1::ProgrammeService service, std::string rule) {
  return {service, false, false, 0, std::move(rule), {}};
}

// One row of the table: a screening, the history and the date decided on (2026-03-02 unless
// On()), with what Evaluate and Contribution must answer.
struct Case {
  std::string name;
  v1::BibScreening screening;
  v1::ProgrammeHistory history;
  v1::Date as_of = D(2026, 3, 2);
  bool entry = false;
  Indicators positive;
  bool no_tool_exception = false;
  std::vector<Expected> decisions;  // the services not listed are not checked
  std::vector<v1::ProgrammeService> tasks;

  Case With(v1::ProgrammeHistory h) && {
    history = std::move(h);
    return std::move(*this);
  }
  Case On(v1::Date date) && {
    as_of = date;
    return std::move(*this);
  }
  // Programme entry through these positive KCE indicators.
  Case Entry(Indicators kce) && {
    entry = true;
    positive = std::move(kce);
    return std::move(*this);
  }
  // Programme entry through the no-tool exception.
  Case NoTool() && {
    entry = true;
    no_tool_exception = true;
    return std::move(*this);
  }
  Case Expect(std::initializer_list<Expected> list) && {
    decisions.insert(decisions.end(), list.begin(), list.end());
    return std::move(*this);
  }
  Case Tasks(std::vector<v1::ProgrammeService> list) && {
    tasks = std::move(list);
    return std::move(*this);
  }
};

Case Row(std::string name, v1::BibScreening screening) {
  Case c;
  c.name = std::move(name);
  c.screening = std::move(screening);
  return c;
}

constexpr auto kFin = v1::KCE_INDICATOR_FINANCIAL_PROBLEMS;
constexpr auto kMental = v1::KCE_INDICATOR_MENTAL_HEALTH_PROBLEMS;
constexpr auto kHousing = v1::KCE_INDICATOR_HOUSING_PROBLEMS;
constexpr auto kSubstance = v1::KCE_INDICATOR_SUBSTANCE_USE;
constexpr auto kCommunication = v1::KCE_INDICATOR_COMMUNICATION_BARRIERS;
constexpr auto kViolence = v1::KCE_INDICATOR_VICTIM_OF_VIOLENCE;
constexpr auto kFinancial = v1::BIB_INDICATOR_FINANCIAL_SITUATION;
constexpr auto kHousingBib = v1::BIB_INDICATOR_HOUSING;
constexpr auto kDepression = v1::BIB_INDICATOR_DEPRESSION;
constexpr auto kAnxiety = v1::BIB_INDICATOR_ANXIETY;
constexpr auto kEducation = v1::BIB_INDICATOR_EDUCATION;

const std::string kEntryRule = "ppa.entry";
const std::string kTwoRule = "coordination.two-indicators";
const std::string kConsultationRule = "perinatal-consultation.coordinator-and-two-indicators";
const std::string kOnce = "screening.once-per-pregnancy";
const std::string kPostpartum = "screening.until-7-days-postpartum";
const std::string kLate = "screening.preferred-before-week-14";
const std::string kMax = "ppa.max-two-reimbursed";
const std::string kT1 = "ppa.first-in-trimester-1";
const std::string kT3 = "ppa.second-in-trimester-3";
const std::string kBirthday = "coordination.until-second-birthday";
const std::string kYear = "coordination.once-per-year";
const std::string kTariff = "tariff.in-force";

std::vector<Case> ScreeningCases() {
  const History paid_screening =
      History().Prior("scr-0", v1::SCREENING_STATUS_COMPLETED, D(2026, 1, 10), true);
  return {
      Row("completed_nothing_positive", Screening())
          .Expect({Yes(kBib, 2255, kOnce), No(kPpa, kEntryRule), No(kCoordination, kTwoRule),
                   No(kConsultation, kConsultationRule)}),
      Row("screening_week_13_6", Screening().Week(13, 6))
          .Expect({Yes(kBib, 2255, "screening.universal")}),
      Row("screening_week_14_0_warns", Screening().Week(14, 0))
          .Expect({Yes(kBib, 2255, "screening.completed-only", {kLate})}),
      Row("screening_week_45_6_still_reimbursed", Screening().Week(45, 6))
          .Expect({Yes(kBib, 2255, kOnce, {kLate})}),
      Row("screening_day_7_postpartum", Screening().Postpartum(7))
          .Expect({Yes(kBib, 2255, kPostpartum)}),
      Row("screening_day_8_postpartum", Screening().Postpartum(8))
          .Expect({NotReimbursed(kBib, kPostpartum)}),
      Row("second_completed_screening", Screening())
          .With(paid_screening)
          .Expect({NotReimbursed(kBib, kOnce)}),
      Row("earlier_partial_or_unreimbursed_screening", Screening())
          .With(History()
                    .Prior("scr-a", v1::SCREENING_STATUS_PARTIAL, D(2026, 1, 10), false)
                    .Prior("scr-b", v1::SCREENING_STATUS_COMPLETED, D(2026, 2, 10), false))
          .Expect({Yes(kBib, 2255, kOnce)}),
      Row("history_listing_this_screening", Screening())
          .With(History().Prior("scr-1", v1::SCREENING_STATUS_COMPLETED, D(2026, 3, 2), true))
          .Expect({Yes(kBib, 2255, kOnce)}),
      Row("no_tariff_before_2024_utc", Screening().At(kLastNoTariff).Positive({kFinancial}))
          .On(D(2023, 12, 31))
          .Entry({kFin})
          .Expect({NotReimbursed(kBib, kTariff), NotReimbursed(kPpa, kTariff)})
          .Tasks({kPpa}),
      Row("tariff_from_2024_01_01_utc", Screening().At(kFirstTariffDay).Positive({kFinancial}))
          .On(D(2024, 1, 1))
          .Entry({kFin})
          .Expect({Yes(kBib, 2255, kOnce), Yes(kPpa, 4878, kEntryRule)})
          .Tasks({kPpa}),
  };
}

std::vector<Case> EntryCases() {
  return {
      Row("one_positive_indicator", Screening().Positive({kFinancial}))
          .Entry({kFin})
          .Expect({Yes(kBib, 2255, kOnce), Yes(kPpa, 4878, kEntryRule), No(kCoordination, kTwoRule),
                   No(kConsultation, kConsultationRule)})
          .Tasks({kPpa}),
      Row("two_positive_indicators", Screening().Positive({kFinancial, kHousingBib}))
          .Entry({kFin, kHousing})
          .Expect({Yes(kPpa, 4878, kEntryRule), Yes(kCoordination, 72000, kTwoRule),
                   No(kConsultation, kConsultationRule)})
          .Tasks({kPpa, kCoordination}),
      Row("depression_and_anxiety_are_one_kce", Screening().Positive({kDepression, kAnxiety}))
          .With(History().Coordinator())
          .Entry({kMental})
          .Expect({Yes(kPpa, 4878, kEntryRule), No(kCoordination, kTwoRule),
                   No(kConsultation, kConsultationRule)})
          .Tasks({kPpa}),
      Row("context_only_positive_counts_nothing",
          Screening().Positive({kEducation, v1::BIB_INDICATOR_COUNTRY_OF_BIRTH}))
          .Expect({No(kPpa, kEntryRule), No(kCoordination, kTwoRule)}),
      Row("positives_in_kce_order",
          Screening().Positive({v1::BIB_INDICATOR_DOMESTIC_VIOLENCE,
                                v1::BIB_INDICATOR_COMMUNICATION, kFinancial, kEducation}))
          .Entry({kFin, kCommunication, kViolence})
          .Expect({Yes(kCoordination, 72000, kTwoRule)})
          .Tasks({kPpa, kCoordination}),
      Row("partial_with_positive",
          Screening().Positive({kFinancial}).Partial({kFinancial, kAnxiety}))
          .Entry({kFin})
          .Expect({NotReimbursed(kBib, "screening.completed-only"), Yes(kPpa, 4878, kEntryRule),
                   No(kCoordination, kTwoRule)})
          .Tasks({kPpa}),
      Row("partial_missing_never_positive", Screening().Partial({kEducation, kHousingBib}))
          .Expect({NotReimbursed(kBib, "screening.completed-only"), No(kPpa, kEntryRule)}),
      Row("refused_without_judgement", Screening().Refused())
          .With(History().Coordinator())
          .Expect({NotReimbursed(kBib, "screening.completed-only"), No(kPpa, kEntryRule),
                   No(kCoordination, kTwoRule), No(kConsultation, kConsultationRule)}),
      Row("refused_with_judgement_no_tool_exception", Screening().Refused().Judged({kHousing}))
          .With(History().Coordinator())
          .NoTool()
          .Expect({NotReimbursed(kBib, "screening.completed-only"), Yes(kPpa, 4878, kEntryRule),
                   Yes(kCoordination, 72000, kTwoRule), No(kConsultation, kConsultationRule)})
          .Tasks({kPpa, kCoordination}),
      Row("partial_without_positive_with_judgement",
          Screening().Partial({kHousingBib}).Judged({kFin, kHousing}))
          .NoTool()
          .Expect({Yes(kPpa, 4878, kEntryRule), Yes(kCoordination, 72000, kTwoRule)})
          .Tasks({kPpa, kCoordination}),
      Row("partial_with_positive_ignores_judgement",
          Screening().Positive({kFinancial}).Partial({kFinancial}).Judged({kHousing, kSubstance}))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kEntryRule), No(kCoordination, kTwoRule)})
          .Tasks({kPpa}),
  };
}

std::vector<Case> PpaCases() {
  const v1::BibScreening one = Screening().Positive({kFinancial});
  const History one_paid = History().Delivered(kPpa, D(2026, 2, 20), true);
  // The screening is at 10+0 on 2026-03-02: 13+6 is 2026-03-29, 27+6 is 2026-07-05.
  return {
      Row("ppa_first_at_13_6", one)
          .On(D(2026, 3, 29))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax)})
          .Tasks({kPpa}),
      Row("ppa_first_at_14_0_warns", one)
          .On(D(2026, 3, 30))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax, {kT1})})
          .Tasks({kPpa}),
      Row("ppa_second_in_trimester_1_warns", one)
          .With(one_paid)
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax, {kT3})})
          .Tasks({kPpa}),
      Row("ppa_second_at_27_6_warns", one)
          .With(one_paid)
          .On(D(2026, 7, 5))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax, {kT3})})
          .Tasks({kPpa}),
      Row("ppa_second_at_28_0", one)
          .With(one_paid)
          .On(D(2026, 7, 6))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax)})
          .Tasks({kPpa}),
      Row("ppa_unreimbursed_ones_do_not_count", one)
          .With(History(one_paid)
                    .Delivered(kPpa, D(2026, 2, 21), false)
                    .Delivered(kPpa, D(2026, 2, 22), false))
          .On(D(2026, 7, 6))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax)})
          .Tasks({kPpa}),
      Row("ppa_third_not_reimbursed", one)
          .With(History(one_paid).Delivered(kPpa, D(2026, 7, 1), true))
          .On(D(2026, 7, 20))
          .Entry({kFin})
          .Expect({NotReimbursed(kPpa, kMax)})
          .Tasks({kPpa}),
      Row("ppa_after_postpartum_screening_not_prenatal",
          Screening().Postpartum(3).Positive({kFinancial}))
          .Entry({kFin})
          .Expect({Yes(kBib, 2255, kPostpartum), Yes(kPpa, 4878, kEntryRule, {kT1})})
          .Tasks({kPpa}),
      Row("ppa_after_birth_not_prenatal", one)
          .With(History(one_paid).BornOn(D(2026, 9, 1)))
          .On(D(2026, 9, 1))
          .Entry({kFin})
          .Expect({Yes(kPpa, 4878, kMax, {kT3})})
          .Tasks({kPpa}),
  };
}

std::vector<Case> CoordinationCases() {
  const v1::BibScreening two = Screening().Positive({kFinancial, kHousingBib});
  const auto row = [&two](std::string name) {
    return Row(std::move(name), two).Entry({kFin, kHousing}).Tasks({kPpa, kCoordination});
  };
  const History paid = History().Delivered(kCoordination, D(2026, 3, 2), true);
  const History leap_paid = History().Delivered(kCoordination, D(2024, 2, 29), true);
  return {
      row("coordination_day_before_2nd_birthday")
          .With(History().BornOn(D(2025, 3, 10)))
          .On(D(2027, 3, 9))
          .Expect({Yes(kCoordination, 72000, kBirthday)}),
      row("coordination_on_2nd_birthday")
          .With(History().BornOn(D(2025, 3, 10)))
          .On(D(2027, 3, 10))
          .Expect({NotReimbursed(kCoordination, kBirthday)}),
      row("coordination_feb_29_birth_feb_28")
          .With(History().BornOn(D(2024, 2, 29)))
          .On(D(2026, 2, 28))
          .Expect({Yes(kCoordination, 72000, kBirthday)}),
      row("coordination_feb_29_birth_mar_1")
          .With(History().BornOn(D(2024, 2, 29)))
          .On(D(2026, 3, 1))
          .Expect({NotReimbursed(kCoordination, kBirthday)}),
      row("coordination_364_days_after")
          .With(paid)
          .On(D(2027, 3, 1))
          .Expect({NotReimbursed(kCoordination, kYear)}),
      row("coordination_one_year_after")
          .With(paid)
          .On(D(2027, 3, 2))
          .Expect({Yes(kCoordination, 72000, kYear)}),
      row("coordination_unreimbursed_does_not_block")
          .With(History().Delivered(kCoordination, D(2026, 3, 2), false))
          .On(D(2026, 6, 1))
          .Expect({Yes(kCoordination, 72000, kYear)}),
      row("coordination_feb_29_delivery_feb_28")
          .With(leap_paid)
          .On(D(2025, 2, 28))
          .Expect({NotReimbursed(kCoordination, kYear)}),
      row("coordination_feb_29_delivery_mar_1")
          .With(leap_paid)
          .On(D(2025, 3, 1))
          .Expect({Yes(kCoordination, 72000, kYear)}),
      row("perinatal_consultation_with_coordinator")
          .With(History().Coordinator())
          .Expect({Yes(kConsultation, 1500, kConsultationRule),
                   Yes(kConsultation, 1500, "perinatal-consultation.per-consultation-limits")})
          .Tasks({kPpa, kCoordination, kConsultation}),
      row("perinatal_consultation_without_coordinator")
          .Expect({No(kConsultation, kConsultationRule)}),
      Row("perinatal_consultation_one_indicator", Screening().Positive({kFinancial}))
          .With(History().Coordinator())
          .Entry({kFin})
          .Expect({No(kConsultation, kConsultationRule)})
          .Tasks({kPpa}),
      Row("share_refused_no_tasks_same_eligibility",
          Screening().Positive({kFinancial, kHousingBib}).Consent(v1::SHARE_CONSENT_REFUSED))
          .With(History().Coordinator())
          .Entry({kFin, kHousing})
          .Expect({Yes(kPpa, 4878, kEntryRule), Yes(kCoordination, 72000, kTwoRule),
                   Yes(kConsultation, 1500, kConsultationRule)}),
  };
}

std::vector<Case> AllCases() {
  std::vector<Case> all;
  for (auto cases : {ScreeningCases(), EntryCases(), PpaCases(), CoordinationCases()}) {
    for (Case& c : cases) all.push_back(std::move(c));
  }
  return all;
}

// A repeated KceIndicator field (ints) as a vector.
Indicators Kce(const google::protobuf::RepeatedField<int>& field) {
  Indicators out;
  for (int k : field) out.push_back(static_cast<v1::KceIndicator>(k));
  return out;
}

std::vector<std::string> Rules(const google::protobuf::RepeatedPtrField<v1::RuleReason>& list) {
  std::vector<std::string> rules;
  for (const v1::RuleReason& r : list) rules.push_back(r.rule());
  return rules;
}

std::string FirstIssue(const fhir::IssueCollector& issues) {
  return issues.issues().empty()
             ? ""
             : issues.issues()[0].expression + ": " + issues.issues()[0].diagnostics;
}

class RulesTableTest : public testing::TestWithParam<Case> {};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

TEST_P(RulesTableTest, Evaluates) {
  const Case& c = GetParam();
  fhir::IssueCollector issues;
  ASSERT_TRUE(CheckScreening(c.screening, issues)) << FirstIssue(issues);

  const v1::ProgrammeEligibility e = Evaluate(c.screening, c.history, c.as_of);
  EXPECT_EQ(e.programme_entry(), c.entry);
  EXPECT_EQ(Kce(e.positive_indicators()), c.positive);
  EXPECT_EQ(e.no_tool_exception(), c.no_tool_exception);
  EXPECT_TRUE(MessageDifferencer::Equals(e.as_of(), c.as_of));
  std::vector<std::string> entry_rules = Rules(e.reasons());
  EXPECT_EQ(entry_rules.front(), "entry.one-indicator");
  if (c.no_tool_exception) {
    EXPECT_NE(std::find(entry_rules.begin(), entry_rules.end(), "entry.no-tool-exception"),
              entry_rules.end());
  }

  // One decision per service, in enum order; each with known rule ids; never reimbursable
  // without being eligible; a tariff exactly when reimbursable.
  ASSERT_EQ(e.services_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const v1::ServiceDecision& d = e.services(i);
    SCOPED_TRACE(d.service());
    EXPECT_EQ(d.service(), static_cast<v1::ProgrammeService>(i + 1));
    EXPECT_FALSE(d.reimbursable() && !d.eligible());
    EXPECT_EQ(d.has_tariff(), d.reimbursable());
    ASSERT_GT(d.reasons_size(), 0);
    for (const std::string& rule : Rules(d.reasons())) EXPECT_TRUE(kRuleIds.count(rule)) << rule;
    for (const std::string& rule : Rules(d.warnings())) EXPECT_TRUE(kRuleIds.count(rule)) << rule;
  }
  for (const std::string& rule : entry_rules) EXPECT_TRUE(kRuleIds.count(rule)) << rule;

  for (const Expected& x : c.decisions) {
    const v1::ServiceDecision& d = e.services(x.service - 1);
    SCOPED_TRACE(testing::Message() << "service " << x.service << ", rule " << x.rule);
    EXPECT_EQ(d.eligible(), x.eligible);
    EXPECT_EQ(d.reimbursable(), x.reimbursable);
    EXPECT_EQ(d.tariff().amount_cents(), x.cents);
    const std::vector<std::string> rules = Rules(d.reasons());
    EXPECT_NE(std::find(rules.begin(), rules.end(), x.rule), rules.end());
    EXPECT_EQ(Rules(d.warnings()), x.warnings);
  }

  const v1::CarePlanContribution contribution = Contribution(c.screening, e);
  EXPECT_EQ(contribution.source(), "bib-screening/scr-1");
  std::vector<v1::ProgrammeService> tasks;
  for (const v1::ProposedTask& t : contribution.tasks()) {
    tasks.push_back(t.service());
    EXPECT_FALSE(t.reason().rule().empty());
  }
  EXPECT_EQ(tasks, c.tasks);

  // Pure: the same input gives the same output.
  EXPECT_TRUE(MessageDifferencer::Equals(Evaluate(c.screening, c.history, c.as_of), e));
  EXPECT_TRUE(MessageDifferencer::Equals(Contribution(c.screening, e), contribution));
}

INSTANTIATE_TEST_SUITE_P(Domain, RulesTableTest, testing::ValuesIn(AllCases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(RulesEvaluateTest, ReasonsNameTheRulesAndIndicators) {
  const v1::BibScreening s = Screening().Positive({kFinancial, kHousingBib});
  const v1::ProgrammeEligibility e = Evaluate(s, History(), D(2026, 3, 2));
  ASSERT_EQ(e.reasons_size(), 1);
  EXPECT_EQ(e.reasons(0).rule(), "entry.one-indicator");
  EXPECT_EQ(e.reasons(0).text(), "2 positive KCE indicators from the screening: programme entry");
  EXPECT_EQ(Kce(e.reasons(0).indicators()), (Indicators{kFin, kHousing}));
  const v1::ServiceDecision& screening = e.services(0);
  EXPECT_EQ(Rules(screening.reasons()),
            (std::vector<std::string>{"screening.universal", "screening.completed-only", kOnce}));
  EXPECT_EQ(screening.tariff().row(), "bib-screening@2024-01-01");
  EXPECT_EQ(Rules(e.services(1).reasons()), (std::vector<std::string>{kEntryRule, kMax}));
  EXPECT_EQ(e.services(1).tariff().row(), "ppa@2024-01-01");
  EXPECT_EQ(Rules(e.services(2).reasons()), (std::vector<std::string>{kTwoRule, kBirthday, kYear}));
  EXPECT_EQ(e.services(2).tariff().row(), "coordination@2024-01-01");
  EXPECT_EQ(Rules(e.services(3).reasons()), (std::vector<std::string>{kConsultationRule}));
}

TEST(RulesEvaluateTest, SecondScreeningNamesTheReimbursedOne) {
  const v1::ProgrammeEligibility e = Evaluate(
      Screening(), History().Prior("scr-0", v1::SCREENING_STATUS_COMPLETED, D(2026, 1, 5), true),
      D(2026, 3, 2));
  const v1::ServiceDecision& d = e.services(0);
  ASSERT_EQ(d.reasons_size(), 3);
  EXPECT_EQ(d.reasons(2).text(),
            "a completed screening of this pregnancy (2026-01-05) was already reimbursed; this one "
            "is accepted, not reimbursed");
}

TEST(RulesEvaluateTest, NoToolExceptionDoesNotOpenTheConsultation) {
  const v1::ProgrammeEligibility e = Evaluate(Screening().Refused().Judged({kHousing, kFin}),
                                              History().Coordinator(), D(2026, 3, 2));
  const v1::RuleReason& reason = e.services(3).reasons(0);
  EXPECT_EQ(reason.rule(), kConsultationRule);
  EXPECT_NE(reason.text().find("the no-tool exception does not open this service"),
            std::string::npos);
  // The exception's indicators are the judged ones, in enum order.
  EXPECT_EQ(e.reasons(1).rule(), "entry.no-tool-exception");
  EXPECT_EQ(Kce(e.reasons(1).indicators()), (Indicators{kFin, kHousing}));
}

// Evaluate should get checked screenings, but stays total (no overflow, no out-of-range index)
// on anything a caller could send.
TEST(RulesEvaluateTest, TotalOnUncheckedInput) {
  v1::BibScreening s = Screening().Positive({kFinancial, kHousingBib}).Week(2147483647, -5);
  s.mutable_performed_at()->set_seconds(-9000000000000);
  s.mutable_indicators(0)->set_indicator(static_cast<v1::BibIndicator>(99));
  s.mutable_indicators(0)->set_positive(true);
  s.mutable_judgement()->add_clearly_present(static_cast<v1::KceIndicator>(-3));
  const v1::ProgrammeHistory h = History()
                                     .BornOn(D(2147483647, 2, 29))
                                     .Delivered(kCoordination, D(-2147483647, 13, 99), true)
                                     .Delivered(kPpa, D(0, 0, 0), true)
                                     .Coordinator();
  for (const v1::Date& as_of : {D(2147483647, 12, 31), D(-2147483647, -1, -1), D(0, 0, 0)}) {
    const v1::ProgrammeEligibility e = Evaluate(s, h, as_of);
    ASSERT_EQ(e.services_size(), 4);
    EXPECT_EQ(Kce(e.positive_indicators()), (Indicators{kFin, kHousing}));
    for (const v1::ServiceDecision& d : e.services()) {
      EXPECT_FALSE(d.reimbursable() && !d.eligible());
    }
    EXPECT_EQ(Contribution(s, e).tasks_size(), 3);
  }
}

TEST(RulesContributionTest, TasksCarryTheDecidingReason) {
  const v1::BibScreening s = Screening().Positive({kFinancial, kHousingBib, kDepression});
  const v1::ProgrammeEligibility e = Evaluate(s, History().Coordinator(), D(2026, 3, 2));
  const v1::CarePlanContribution c = Contribution(s, e);
  EXPECT_EQ(c.source(), "bib-screening/scr-1");
  EXPECT_EQ(c.patient_local_key(), "mother-1");
  EXPECT_EQ(c.pregnancy_local_key(), "preg-1");
  ASSERT_EQ(c.tasks_size(), 3);
  const std::vector<std::string> rules = {kEntryRule, kTwoRule, kConsultationRule};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.tasks(i).reason().rule(), rules[i]);
    EXPECT_EQ(Kce(c.tasks(i).reason().indicators()), (Indicators{kFin, kMental, kHousing}));
  }
}

TEST(RulesContributionTest, RefusedShareKeepsKeysWithoutTasks) {
  const v1::BibScreening s =
      Screening().Positive({kFinancial, kHousingBib}).Consent(v1::SHARE_CONSENT_REFUSED);
  const v1::CarePlanContribution c = Contribution(s, Evaluate(s, History(), D(2026, 3, 2)));
  EXPECT_EQ(c.source(), "bib-screening/scr-1");
  EXPECT_EQ(c.patient_local_key(), "mother-1");
  EXPECT_EQ(c.tasks_size(), 0);
}

TEST(RulesContributionTest, NoToolExceptionTasksCarryTheJudgedIndicators) {
  const v1::BibScreening s = Screening().Refused().Judged({kSubstance});
  const v1::CarePlanContribution c = Contribution(s, Evaluate(s, History(), D(2026, 3, 2)));
  ASSERT_EQ(c.tasks_size(), 2);
  EXPECT_EQ(c.tasks(1).service(), kCoordination);
  EXPECT_EQ(c.tasks(1).reason().rule(), kTwoRule);
  ASSERT_EQ(c.tasks(1).reason().indicators_size(), 1);
  EXPECT_EQ(c.tasks(1).reason().indicators(0), kSubstance);
}

// ---- CheckScreening

struct CheckCase {
  std::string name;
  std::function<void(v1::BibScreening&)> change;
  std::vector<std::pair<std::string, IssueType>> errors;  // exactly, in order
};

std::vector<CheckCase> CheckCases() {
  using S = v1::BibScreening;
  return {
      {"valid_completed", [](S&) {}, {}},
      {"valid_partial_with_judgement",
       [](S& s) { s = Screening().Partial({kAnxiety}).Judged({kFin}); },
       {}},
      {"valid_refused_with_note",
       [](S& s) {
         s = Screening().Refused();
         s.mutable_judgement()->set_note("see file");
       },
       {}},
      {"valid_welfare_worker",
       [](S& s) {
         v1::WelfareWorker* w = s.mutable_performer()->mutable_welfare_worker();
         w->mutable_identifier()->set_system("https://kindengezin.example/worker");
         w->mutable_identifier()->set_value("w-7");
         w->mutable_name()->set_family("Peeters");
         w->mutable_role()->set_code("perssocialworker");
       },
       {}},
      {"valid_weeks_45_days_6", [](S& s) { s = Screening().Week(45, 6); }, {}},
      {"valid_day_0_postpartum", [](S& s) { s = Screening().Postpartum(0); }, {}},
      {"missing_local_key",
       [](S& s) { s.clear_local_key(); },
       {{"screening.local_key", IssueType::kRequired}}},
      {"missing_patient",
       [](S& s) { s.clear_patient_local_key(); },
       {{"screening.patient_local_key", IssueType::kRequired}}},
      {"missing_performer",
       [](S& s) { s.clear_performer(); },
       {{"screening.performer", IssueType::kRequired}}},
      {"professional_without_nihdi_and_role",
       [](S& s) { s.mutable_performer()->mutable_professional()->Clear(); },
       {{"screening.performer.professional.nihdi", IssueType::kRequired},
        {"screening.performer.professional.role.code", IssueType::kRequired}}},
      {"empty_welfare_worker",
       [](S& s) { s.mutable_performer()->mutable_welfare_worker(); },
       {{"screening.performer.welfare_worker.identifier.system", IssueType::kRequired},
        {"screening.performer.welfare_worker.identifier.value", IssueType::kRequired},
        {"screening.performer.welfare_worker.name.family", IssueType::kRequired},
        {"screening.performer.welfare_worker.role.code", IssueType::kRequired}}},
      {"missing_performed_at",
       [](S& s) { s.clear_performed_at(); },
       {{"screening.performed_at", IssueType::kRequired}}},
      {"performed_at_epoch",
       [](S& s) { s.mutable_performed_at()->set_seconds(0); },
       {{"screening.performed_at", IssueType::kValue}}},
      {"missing_timing",
       [](S& s) { s.clear_gestational_age(); },
       {{"screening.timing", IssueType::kRequired}}},
      {"weeks_46",
       [](S& s) { s = Screening().Week(46, 0); },
       {{"screening.gestational_age.weeks", IssueType::kValue}}},
      {"days_7",
       [](S& s) { s = Screening().Week(12, 7); },
       {{"screening.gestational_age.days", IssueType::kValue}}},
      {"negative_days_postpartum",
       [](S& s) { s = Screening().Postpartum(-1); },
       {{"screening.days_postpartum", IssueType::kValue}}},
      {"missing_status",
       [](S& s) { s.clear_status(); },
       {{"screening.status", IssueType::kRequired}}},
      {"missing_consent",
       [](S& s) { s.clear_share_consent(); },
       {{"screening.share_consent", IssueType::kRequired}}},
      {"duplicate_indicator",
       [](S& s) { s.mutable_indicators(12)->set_indicator(v1::BIB_INDICATOR_DEPRESSION); },
       {{"screening.indicators[12].indicator", IssueType::kDuplicate},
        {"screening.indicators", IssueType::kInvariant}}},
      {"unspecified_indicator",
       [](S& s) { s.mutable_indicators(0)->set_indicator(v1::BIB_INDICATOR_UNSPECIFIED); },
       {{"screening.indicators[0].indicator", IssueType::kRequired},
        {"screening.indicators", IssueType::kInvariant}}},
      {"positive_equal_as_decimals",
       [](S& s) {
         s.mutable_indicators(2)->set_score("2.50");
         s.mutable_indicators(2)->set_positive(true);
       },
       {}},
      {"positive_below_threshold",
       [](S& s) {
         s.mutable_indicators(2)->set_score("2.49");
         s.mutable_indicators(2)->set_positive(true);
       },
       {{"screening.indicators[2].positive", IssueType::kInvariant}}},
      {"negative_at_threshold",
       [](S& s) { s.mutable_indicators(4)->set_score("2.5"); },
       {{"screening.indicators[4].positive", IssueType::kInvariant}}},
      {"missing_score",
       [](S& s) { s.mutable_indicators(0)->clear_score(); },
       {{"screening.indicators[0].score", IssueType::kRequired}}},
      {"threshold_not_decimal",
       [](S& s) { s.mutable_indicators(1)->set_threshold("2,5"); },
       {{"screening.indicators[1].threshold", IssueType::kValue}}},
      {"answer_points_not_decimal",
       [](S& s) {
         s.mutable_indicators(0)->add_answers()->set_points("0.5");
         s.mutable_indicators(0)->add_answers()->set_points("half");
         s.mutable_indicators(0)->add_answers()->set_answer_code("3");
       },
       {{"screening.indicators[0].answers[1].points", IssueType::kValue}}},
      {"completed_with_12",
       [](S& s) { s.mutable_indicators()->RemoveLast(); },
       {{"screening.indicators", IssueType::kInvariant}}},
      {"partial_with_13",
       [](S& s) { s.set_status(v1::SCREENING_STATUS_PARTIAL); },
       {{"screening.status", IssueType::kInvariant}}},
      {"partial_with_none",
       [](S& s) {
         s.clear_indicators();
         s.set_status(v1::SCREENING_STATUS_PARTIAL);
       },
       {{"screening.indicators", IssueType::kInvariant}}},
      {"refused_with_an_indicator",
       [](S& s) {
         s.mutable_indicators()->DeleteSubrange(1, 12);
         s.set_status(v1::SCREENING_STATUS_REFUSED);
       },
       {{"screening.indicators", IssueType::kInvariant}}},
      {"judgement_with_completed",
       [](S& s) { s.mutable_judgement()->add_clearly_present(kHousing); },
       {{"screening.judgement", IssueType::kBusinessRule}}},
      {"judgement_note_with_completed",
       [](S& s) { s.mutable_judgement()->set_note("worried"); },
       {{"screening.judgement", IssueType::kBusinessRule}}},
      {"judgement_unknown_indicator",
       [](S& s) {
         s = Screening().Refused();
         s.mutable_judgement()->add_clearly_present(v1::KCE_INDICATOR_UNSPECIFIED);
       },
       {{"screening.judgement.clearly_present[0]", IssueType::kValue}}},
      {"judgement_repeated_indicator",
       [](S& s) {
         s = Screening().Refused().Judged({kHousing, kFin, kHousing});
       },
       {{"screening.judgement.clearly_present[2]", IssueType::kDuplicate}}},
  };
}

class RulesCheckTableTest : public testing::TestWithParam<CheckCase> {};

void PrintTo(const CheckCase& c, std::ostream* os) { *os << c.name; }

TEST_P(RulesCheckTableTest, ReportsAtFieldPath) {
  const CheckCase& c = GetParam();
  v1::BibScreening s = Screening();
  c.change(s);
  fhir::IssueCollector issues;
  const bool valid = CheckScreening(s, issues);
  EXPECT_EQ(valid, c.errors.empty());
  std::vector<std::pair<std::string, IssueType>> got;
  for (const fhir::Issue& i : issues.issues()) {
    EXPECT_EQ(i.severity, fhir::Severity::kError);
    EXPECT_FALSE(i.diagnostics.empty());
    got.emplace_back(i.expression, i.type);
  }
  EXPECT_EQ(got, c.errors) << FirstIssue(issues);
}

INSTANTIATE_TEST_SUITE_P(Screenings, RulesCheckTableTest, testing::ValuesIn(CheckCases()),
                         [](const testing::TestParamInfo<CheckCase>& info) {
                           return info.param.name;
                         });

TEST(RulesCheckTest, DuplicateDiagnosticNamesTheIndicator) {
  v1::BibScreening s = Screening();
  s.mutable_indicators(12)->set_indicator(v1::BIB_INDICATOR_DEPRESSION);
  fhir::IssueCollector issues;
  EXPECT_FALSE(CheckScreening(s, issues));
  ASSERT_FALSE(issues.issues().empty());
  EXPECT_EQ(issues.issues()[0].diagnostics, "indicator 'depression' appears twice");
}

// score >= threshold, compared as exact decimals: (score, threshold, positive).
TEST(RulesCheckTest, PositiveIsAnExactDecimalComparison) {
  struct Row {
    const char* score;
    const char* threshold;
    bool positive;
  };
  const Row rows[] = {
      {"2.50", "2.5", true},   {"2.49", "2.5", false},    {"2.5", "2.50000", true},
      {"10", "9.99", true},    {"9.99", "10", false},     {"123", "45", true},
      {"45", "123", false},    {"-1", "0", false},        {"-0.5", "-1", true},
      {"-1", "-0.5", false},   {"-0", "0", true},         {"0.0", "-0.00", true},
      {"1.000001", "1", true}, {"0.9999999", "1", false}, {"0.1", "0.10000000000000001", false},
  };
  for (const Row& row : rows) {
    for (bool flag : {true, false}) {
      SCOPED_TRACE(testing::Message() << row.score << " >= " << row.threshold << " flag " << flag);
      v1::BibScreening s = Screening();
      s.mutable_indicators(0)->set_score(row.score);
      s.mutable_indicators(0)->set_threshold(row.threshold);
      s.mutable_indicators(0)->set_positive(flag);
      fhir::IssueCollector issues;
      EXPECT_EQ(CheckScreening(s, issues), flag == row.positive) << FirstIssue(issues);
    }
  }
}

TEST(RulesCheckTest, ScoresMustBeFhirDecimalText) {
  for (const char* bad :
       {"2,5", "01", ".5", "2.", "+1", "1e2", " 1", "1 ", "-", "--1", "0x1", "-.5", "1..2"}) {
    SCOPED_TRACE(bad);
    v1::BibScreening s = Screening();
    s.mutable_indicators(3)->set_score(bad);
    fhir::IssueCollector issues;
    EXPECT_FALSE(CheckScreening(s, issues));
    ASSERT_EQ(issues.issues().size(), 1u);
    EXPECT_EQ(issues.issues()[0].expression, "screening.indicators[3].score");
    EXPECT_EQ(issues.issues()[0].type, IssueType::kValue);
  }
  for (const char* good : {"0", "-0", "0.5", "4", "12.25", "-3.0"}) {
    SCOPED_TRACE(good);
    v1::BibScreening s = Screening();
    s.mutable_indicators(3)->set_score(good);
    s.mutable_indicators(3)->set_threshold(good);
    s.mutable_indicators(3)->set_positive(true);
    fhir::IssueCollector issues;
    EXPECT_TRUE(CheckScreening(s, issues)) << FirstIssue(issues);
  }
}

TEST(RulesCheckTest, ReturnsOnlyThisCallsVerdict) {
  fhir::IssueCollector issues;
  issues.Report({fhir::Severity::kError, IssueType::kValue, "elsewhere", "an earlier finding"});
  EXPECT_TRUE(CheckScreening(Screening(), issues));
  EXPECT_EQ(issues.issues().size(), 1u);
}

TEST(RulesCheckTest, DiagnosticsCarryNoPatientData) {
  v1::BibScreening s = Screening().Refused().Judged({kHousing, kHousing});
  s.set_local_key("KEY-4711");
  s.set_patient_local_key("PATIENT-0815");
  s.set_pregnancy_local_key("PREG-2026");
  s.mutable_judgement()->set_note("NOTE-SECRET");
  s.mutable_performer()->mutable_professional()->set_nihdi("");
  s.mutable_performer()->mutable_professional()->mutable_name()->set_family("Janssens");
  v1::IndicatorResult* r = s.add_indicators();
  r->set_indicator(v1::BIB_INDICATOR_HOUSING);
  r->set_score("3.75");
  r->set_threshold("2.25");
  fhir::IssueCollector issues;
  EXPECT_FALSE(CheckScreening(s, issues));
  EXPECT_GE(issues.issues().size(), 4u);
  const v1::ProgrammeEligibility e = Evaluate(s, History(), D(2026, 3, 2));
  std::vector<std::string> texts;
  for (const fhir::Issue& i : issues.issues()) texts.push_back(i.diagnostics);
  for (const v1::RuleReason& reason : e.reasons()) texts.push_back(reason.text());
  for (const v1::ServiceDecision& d : e.services()) {
    for (const v1::RuleReason& reason : d.reasons()) texts.push_back(reason.text());
    for (const v1::RuleReason& reason : d.warnings()) texts.push_back(reason.text());
  }
  for (const std::string& text : texts) {
    for (const char* secret :
         {"KEY-4711", "PATIENT-0815", "PREG-2026", "NOTE-SECRET", "Janssens", "3.75", "2.25"}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << text;
    }
  }
}

TEST(RulesCheckTest, TextFormatScreening) {
  v1::BibScreening s;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        local_key: "scr-9"
        patient_local_key: "mother-9"
        performer {
          welfare_worker {
            identifier { system: "https://one.example/worker" value: "w-1" }
            name { family: "Dubois" }
            role { code: "perssocialworker" }
          }
        }
        performed_at { seconds: 1772445600 }
        days_postpartum: 2
        status: SCREENING_STATUS_PARTIAL
        indicators {
          indicator: BIB_INDICATOR_HOUSING
          score: "2.5"
          threshold: "2.50"
          positive: true
        }
        indicators {
          indicator: BIB_INDICATOR_SOCIAL_SUPPORT
          score: "4"
          threshold: "3"
          positive: true
          answers { item: "q14" answer_code: "4" points: "4" }
        }
        indicators { indicator: BIB_INDICATOR_HOUSING score: "1" threshold: "2" positive: true }
        share_consent: SHARE_CONSENT_GIVEN
      )pb",
      &s));
  fhir::IssueCollector issues;
  EXPECT_FALSE(CheckScreening(s, issues));
  std::vector<std::string> paths;
  for (const fhir::Issue& i : issues.issues()) paths.push_back(i.expression);
  EXPECT_EQ(paths, (std::vector<std::string>{"screening.indicators[2].indicator",
                                             "screening.indicators[2].positive"}));

  s.mutable_indicators()->RemoveLast();
  issues.Clear();
  ASSERT_TRUE(CheckScreening(s, issues)) << FirstIssue(issues);
  const v1::ProgrammeEligibility e = Evaluate(s, History(), D(2026, 3, 2));
  EXPECT_EQ(Kce(e.positive_indicators()),
            (Indicators{kHousing, v1::KCE_INDICATOR_LACK_OF_SOCIAL_SUPPORT}));
  EXPECT_FALSE(e.services(0).reimbursable());  // partial
  EXPECT_TRUE(e.services(2).reimbursable());   // coordination
}

}  // namespace
}  // namespace zorgbrug::adapters::bib
