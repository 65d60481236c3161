// Tests of rules.cc and check.cc: one table row per rule and boundary of RULES.md (perinatal
// consultation, MDO, oncological MOC) with the invariants every billing must keep, and the checks
// of CheckRecord at their exact field paths.

#include "adapters/consultation/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/util/message_differencer.h"

namespace zorgbrug::adapters::consultation {
namespace {

using fhir::IssueType;
using google::protobuf::util::MessageDifferencer;

constexpr int64_t kMarch2 = 1772445600;        // 2026-03-02T10:00:00Z
constexpr int64_t kLastNoTariff = 1704065400;  // 2023-12-31T23:30:00Z (00:30 in Brussels)

constexpr auto kPerinatal = v1::CONSULTATION_KIND_PERINATAL;
constexpr auto kMdo = v1::CONSULTATION_KIND_MDO;
constexpr auto kMoc = v1::CONSULTATION_KIND_ONCOLOGICAL_MOC;
constexpr auto kOrganiser = v1::CONSULTATION_FUNCTION_ORGANISER;
constexpr auto kCoordinator = v1::CONSULTATION_FUNCTION_COORDINATOR;
constexpr auto kMediator = v1::CONSULTATION_FUNCTION_CARE_MEDIATOR;
constexpr auto kPhone = v1::PARTICIPATION_MODE_PHONE;
constexpr auto kOnline = v1::PARTICIPATION_MODE_ONLINE;
constexpr auto kCarer = v1::RELATIONSHIP_INFORMAL_CARER;
constexpr auto kPartner = v1::RELATIONSHIP_PARTNER;

const std::string kBillingSystem = "https://zorgbrug.be/fhir/CodeSystem/consultation-billing";
const std::string kNomenclature = "https://www.riziv.fgov.be/nomenclature";
const std::string kGp = "persgeneralphysician";
const std::string kPsychiatrist = "perspsychiatrist";
const std::string kValidSsin = "85073003328";

// The consultation-level reasons of each kind, in order: every rule checked (RULES.md).
const std::vector<std::string> kPerinatalRules = {
    "perinatal.coordinator-appointed", "perinatal.two-indicators", "perinatal.four-participants",
    "perinatal.insured-professional",  "perinatal.client-present", "perinatal.consent",
    "perinatal.physical-or-online",    "perinatal.yearly-hour",    "perinatal.four-insured-paid",
};
const std::vector<std::string> kMdoRules = {
    "mdo.person-present",     "mdo.informal-carer", "mdo.organiser",     "mdo.three-disciplines",
    "mdo.gp-or-psychiatrist", "mdo.consent",        "mdo.once-per-year", "mdo.four-paid",
};
const std::vector<std::string> kMocRules = {
    "moc.patient-absent",
    "moc.first-moc",
    "moc.gp-participation",
    "moc.gp-talk",
};

// Every rule id rules.cc may use (RULES.md).
std::set<std::string> AllRuleIds() {
  std::set<std::string> ids = {"consultation.kind", "tariff.in-force", "perinatal.quarter-hours",
                               "mdo.care-mediator"};
  for (const auto* list : {&kPerinatalRules, &kMdoRules, &kMocRules}) {
    ids.insert(list->begin(), list->end());
  }
  return ids;
}

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// A record of `kind` held on 2026-03-02 from 10:00 to 11:00 UTC with consent, without
// participants; each Add* appends a present participant (physical, 60 minutes), and the
// modifiers change the last one.
class Record {
 public:
  explicit Record(v1::ConsultationKind kind) {
    r_.set_local_key("CONSULT-KEY-4711");
    r_.set_kind(kind);
    r_.set_patient_local_key("PATIENT-0815");
    At(kMarch2);
    r_.set_consent(v1::CONSULTATION_CONSENT_GIVEN);
  }
  Record& Client(int minutes = 60) {
    Add(minutes)->mutable_client();
    return *this;
  }
  Record& Pro(const std::string& role, int minutes = 60) {
    v1::Professional* p = Add(minutes)->mutable_professional();
    p->set_nihdi(Nihdi(r_.participants_size()));
    p->mutable_name()->set_family("Janssens");
    p->mutable_role()->set_code(role);
    return *this;
  }
  Record& Worker(const std::string& role, int minutes = 60) {
    v1::WelfareWorker* w = Add(minutes)->mutable_welfare_worker();
    w->mutable_identifier()->set_system("https://kindengezin.example/worker");
    w->mutable_identifier()->set_value("WORKER-9");
    w->mutable_name()->set_family("Peeters");
    w->mutable_role()->set_code(role);
    return *this;
  }
  Record& Related(v1::Relationship relationship, int minutes = 60) {
    v1::RelatedPersonInfo* person = Add(minutes)->mutable_related_person();
    person->set_relationship(relationship);
    person->mutable_name()->set_family("Maes");
    person->set_ssin(kValidSsin);
    return *this;
  }
  Record& Absent() {
    Last().set_present(false);
    Last().set_minutes(0);
    return *this;
  }
  Record& By(v1::ParticipationMode mode) {
    Last().set_mode(mode);
    return *this;
  }
  Record& Does(v1::ConsultationFunction function) {
    Last().add_functions(function);
    return *this;
  }
  Record& Designated() {
    Last().set_designated_by_client(true);
    return *this;
  }
  Record& Consent(v1::ConsultationConsent consent) {
    r_.set_consent(consent);
    return *this;
  }
  // Start at `seconds`, one hour long.
  Record& At(int64_t seconds) {
    r_.mutable_start()->set_seconds(seconds);
    r_.mutable_end()->set_seconds(seconds + 3600);
    return *this;
  }
  operator v1::ConsultationRecord() const { return r_; }  // NOLINT: builder

 private:
  // 11 digits, distinct per participant.
  static std::string Nihdi(int n) {
    std::string digits = std::to_string(10000 + n);
    return "123456" + digits;
  }
  v1::ConsultationParticipant* Add(int minutes) {
    v1::ConsultationParticipant* p = r_.add_participants();
    p->set_present(true);
    p->set_mode(v1::PARTICIPATION_MODE_PHYSICAL);
    p->set_minutes(minutes);
    return p;
  }
  v1::ConsultationParticipant& Last() {
    return *r_.mutable_participants(r_.participants_size() - 1);
  }
  v1::ConsultationRecord r_;
};

class Context {
 public:
  Context& Indicators(std::initializer_list<v1::KceIndicator> list) {
    c_.clear_positive_indicators();
    for (v1::KceIndicator k : list) c_.add_positive_indicators(k);
    return *this;
  }
  Context& Coordinator(bool appointed = true) {
    c_.set_coordinator_appointed(appointed);
    return *this;
  }
  Context& Prior(v1::ConsultationKind kind, v1::Date on, int minutes, bool reimbursed) {
    v1::PriorConsultation* p = c_.add_prior();
    p->set_kind(kind);
    *p->mutable_held_on() = on;
    p->set_reimbursed_minutes(minutes);
    p->set_reimbursed(reimbursed);
    return *this;
  }
  Context& FirstMoc() {
    c_.set_first_moc(true);
    return *this;
  }
  Context& Hospitalised() {
    c_.set_hospitalised(true);
    return *this;
  }
  Context& GpTalk() {
    c_.set_gp_discussed_result(true);
    return *this;
  }
  Context& InformalCarer() {
    c_.set_has_informal_carer(true);
    return *this;
  }
  operator v1::ConsultationContext() const { return c_; }  // NOLINT: builder

 private:
  v1::ConsultationContext c_;
};

// A perinatal context that opens the consultation: 2 KCE indicators, a coordinator.
Context Opened() {
  return Context()
      .Indicators({v1::KCE_INDICATOR_FINANCIAL_PROBLEMS, v1::KCE_INDICATOR_HOUSING_PROBLEMS})
      .Coordinator();
}

// What one billing line must be, exactly.
struct ExpectedLine {
  int participant;
  std::string code;
  int quantity;
  bool accepted;
  int64_t cents;
  std::vector<std::string> rules;  // the line's reasons, in order
};

ExpectedLine Paid(int participant, std::string code, int quantity, int64_t cents,
                  std::vector<std::string> rules) {
  return {participant, std::move(code), quantity, true, cents, std::move(rules)};
}
ExpectedLine Refused(int participant, std::string code, int quantity,
                     std::vector<std::string> rules) {
  return {participant, std::move(code), quantity, false, 0, std::move(rules)};
}
// A paid perinatal line of `quarters` quarters of an hour.
ExpectedLine Quarters(int participant, int quarters, bool capped = false) {
  std::vector<std::string> rules = {"perinatal.quarter-hours"};
  if (capped) rules.push_back("perinatal.yearly-hour");
  return Paid(participant, "perinatal-participation", quarters, quarters * 1500, rules);
}
ExpectedLine RefusedQuarters(int participant, int quarters, std::vector<std::string> rules) {
  return Refused(participant, "perinatal-participation", quarters, std::move(rules));
}
ExpectedLine MdoOrganiser(int participant) {
  return Paid(participant, "mdo-organiser", 1, 12000, {"mdo.organiser"});
}
ExpectedLine MdoMediator(int participant) {
  return Paid(participant, "mdo-care-mediator", 1, 4000, {"mdo.care-mediator"});
}
ExpectedLine MdoParticipant(int participant) {
  return Paid(participant, "mdo-participant", 1, 2500, {"mdo.four-paid"});
}
ExpectedLine Moc(int participant, std::string number, std::string rule) {
  return Paid(participant, std::move(number), 1, 0, {std::move(rule)});
}

// One row: a record and its context, with whether it conforms and its lines.
struct Case {
  std::string name;
  v1::ConsultationRecord record;
  v1::ConsultationContext context;
  bool conforms = true;
  std::vector<ExpectedLine> lines;

  Case With(v1::ConsultationContext c) && {
    context = std::move(c);
    return std::move(*this);
  }
  Case NotConforming() && {
    conforms = false;
    return std::move(*this);
  }
  Case Lines(std::vector<ExpectedLine> list) && {
    lines = std::move(list);
    return std::move(*this);
  }
};

Case Row(std::string name, v1::ConsultationRecord record) {
  Case c;
  c.name = std::move(name);
  c.record = std::move(record);
  return c;
}

// ---- Perinatal consultation

// The client, a midwife, a GP and a social worker, 60 minutes each: the care providers
// (participants 1 to 3) get lines, the client none.
Record Perinatal() {
  return std::move(
      Record(kPerinatal).Client().Pro("persmidwife").Pro(kGp).Worker("perssocialworker"));
}

// The same with everyone present 30 minutes (2 quarters).
Record HalfHour() {
  return std::move(Record(kPerinatal)
                       .Client(30)
                       .Pro("persmidwife", 30)
                       .Pro(kGp, 30)
                       .Worker("perssocialworker", 30));
}

// The care providers of Perinatal() and HalfHour(): the participants with a line.
const std::vector<int> kCareTeam = {1, 2, 3};

// Paid lines of `quarters` quarters for each of `participants`.
std::vector<ExpectedLine> AllQuarters(const std::vector<int>& participants, int quarters,
                                      bool capped = false) {
  std::vector<ExpectedLine> lines;
  for (int i : participants) lines.push_back(Quarters(i, quarters, capped));
  return lines;
}

// Refused lines of `quarters` quarters for each of `participants`, with `rules`.
std::vector<ExpectedLine> AllRefused(const std::vector<int>& participants, int quarters,
                                     std::vector<std::string> rules) {
  std::vector<ExpectedLine> lines;
  for (int i : participants) lines.push_back(RefusedQuarters(i, quarters, rules));
  return lines;
}

std::vector<Case> PerinatalEntryCases() {
  const std::vector<ExpectedLine> team_paid = AllQuarters(kCareTeam, 4);
  return {
      Row("perinatal_four_participants", Perinatal()).With(Opened()).Lines(team_paid),
      Row("perinatal_client_and_related_persons_unpaid", Record(kPerinatal)
                                                             .Client()
                                                             .Related(kCarer)
                                                             .Related(kPartner)
                                                             .Designated()
                                                             .Pro("persmidwife")
                                                             .Worker("perssocialworker"))
          .With(Opened())
          .Lines({Quarters(3, 4), Quarters(4, 4)}),
      Row("perinatal_three_participants", Record(kPerinatal).Client().Pro("persmidwife").Pro(kGp))
          .With(Opened())
          .NotConforming()
          .Lines(AllRefused({1, 2}, 4, {"perinatal.four-participants"})),
      Row("perinatal_fourth_invited_but_absent", Perinatal().Absent())
          .With(Opened())
          .NotConforming()
          .Lines(AllRefused({1, 2}, 4, {"perinatal.four-participants"})),
      Row("perinatal_client_absent", Record(kPerinatal)
                                         .Client()
                                         .Absent()
                                         .Pro("persmidwife")
                                         .Pro(kGp)
                                         .Pro("persnurse")
                                         .Worker("perssocialworker"))
          .With(Opened())
          .NotConforming()
          .Lines({RefusedQuarters(1, 4, {"perinatal.client-present"}),
                  RefusedQuarters(2, 4, {"perinatal.client-present"}),
                  RefusedQuarters(3, 4, {"perinatal.client-present"}),
                  RefusedQuarters(4, 4, {"perinatal.client-present"})}),
      Row("perinatal_designated_person_instead", Record(kPerinatal)
                                                     .Client()
                                                     .Absent()
                                                     .Related(kPartner)
                                                     .Designated()
                                                     .Pro(kGp)
                                                     .Worker("perssocialworker")
                                                     .Pro("persmidwife"))
          .With(Opened())
          .Lines(AllQuarters({2, 3, 4}, 4)),
      Row("perinatal_related_person_not_designated", Record(kPerinatal)
                                                         .Related(kPartner)
                                                         .Pro(kGp)
                                                         .Worker("perssocialworker")
                                                         .Pro("persmidwife"))
          .With(Opened())
          .NotConforming()
          .Lines(AllRefused({1, 2, 3}, 4, {"perinatal.client-present"})),
      Row("perinatal_no_insured_professional", Record(kPerinatal)
                                                   .Client()
                                                   .Worker("perssocialworker")
                                                   .Worker("perseducator")
                                                   .Worker("persclinicalorthopedagogist"))
          .With(Opened())
          .NotConforming()
          .Lines(AllRefused(kCareTeam, 4, {"perinatal.insured-professional"})),
      Row("perinatal_one_kce_indicator", Perinatal())
          .With(Context().Indicators({v1::KCE_INDICATOR_SUBSTANCE_USE}).Coordinator())
          .NotConforming()
          .Lines(AllRefused(kCareTeam, 4, {"perinatal.two-indicators"})),
      Row("perinatal_same_indicator_twice_is_one", Perinatal())
          .With(Context()
                    .Indicators({v1::KCE_INDICATOR_SUBSTANCE_USE, v1::KCE_INDICATOR_SUBSTANCE_USE,
                                 v1::KCE_INDICATOR_UNSPECIFIED})
                    .Coordinator())
          .NotConforming()
          .Lines(AllRefused(kCareTeam, 4, {"perinatal.two-indicators"})),
      Row("perinatal_two_kce_indicators", Perinatal())
          .With(Context()
                    .Indicators(
                        {v1::KCE_INDICATOR_NO_LEGAL_RESIDENCE, v1::KCE_INDICATOR_SUBSTANCE_USE})
                    .Coordinator())
          .Lines(team_paid),
      Row("perinatal_no_coordinator", Perinatal())
          .With(Opened().Coordinator(false))
          .NotConforming()
          .Lines(AllRefused(kCareTeam, 4, {"perinatal.coordinator-appointed"})),
      Row("perinatal_consent_refused", Perinatal().Consent(v1::CONSULTATION_CONSENT_REFUSED))
          .With(Opened())
          .NotConforming()
          .Lines(AllRefused(kCareTeam, 4, {"perinatal.consent"})),
      Row("perinatal_every_failed_rule_on_each_line",
          Perinatal().Consent(v1::CONSULTATION_CONSENT_REFUSED))
          .With(Opened().Coordinator(false))
          .NotConforming()
          .Lines(
              AllRefused(kCareTeam, 4, {"perinatal.coordinator-appointed", "perinatal.consent"})),
  };
}

std::vector<Case> PerinatalPaymentCases() {
  return {
      Row("perinatal_fifth_insured_professional",
          Perinatal().Pro("persnurse").Pro("persphysiotherapist").Pro("perspharmacist"))
          .With(Opened())
          .Lines({Quarters(1, 4), Quarters(2, 4), Quarters(3, 4), Quarters(4, 4), Quarters(5, 4),
                  RefusedQuarters(6, 4, {"perinatal.four-insured-paid"})}),
      Row("perinatal_absent_professionals_not_counted_for_the_four",
          Perinatal().Pro("persnurse").Absent().Pro("persphysiotherapist").Pro("perspharmacist"))
          .With(Opened())
          .Lines(AllQuarters({1, 2, 3, 5, 6}, 4)),
      Row("perinatal_phone_professional_takes_no_paid_place",
          Perinatal().Pro("persnurse").By(kPhone).Pro("persphysiotherapist").Pro("perspharmacist"))
          .With(Opened())
          .Lines({Quarters(1, 4), Quarters(2, 4), Quarters(3, 4),
                  RefusedQuarters(4, 4, {"perinatal.physical-or-online"}), Quarters(5, 4),
                  Quarters(6, 4)}),
      Row("perinatal_quarters_14_16_15_60", Record(kPerinatal)
                                                .Client()
                                                .Pro("persmidwife", 14)
                                                .Pro(kGp, 16)
                                                .Pro("persnurse", 15)
                                                .Worker("perssocialworker"))
          .With(Opened())
          .Lines({Quarters(1, 1), Quarters(2, 2), Quarters(3, 1), Quarters(4, 4)}),
      Row("perinatal_present_without_minutes", Perinatal().Pro("persnurse", 0))
          .With(Opened())
          .Lines({Quarters(1, 4), Quarters(2, 4), Quarters(3, 4),
                  RefusedQuarters(4, 0, {"perinatal.quarter-hours"})}),
      Row("perinatal_online_counts", Perinatal().By(kOnline))
          .With(Opened())
          .Lines(AllQuarters(kCareTeam, 4)),
      Row("perinatal_phone_participant_not_paid", Perinatal().Pro("persnurse").By(kPhone))
          .With(Opened())
          .Lines({Quarters(1, 4), Quarters(2, 4), Quarters(3, 4),
                  RefusedQuarters(4, 4, {"perinatal.physical-or-online"})}),
      Row("perinatal_phone_leaves_three", Perinatal().By(kPhone))
          .With(Opened())
          .NotConforming()
          .Lines({RefusedQuarters(1, 4, {"perinatal.four-participants"}),
                  RefusedQuarters(2, 4, {"perinatal.four-participants"}),
                  RefusedQuarters(
                      3, 4, {"perinatal.four-participants", "perinatal.physical-or-online"})}),
      Row("perinatal_before_the_tariff", Perinatal().At(kLastNoTariff))
          .With(Opened())
          .Lines(AllRefused(kCareTeam, 4, {"tariff.in-force"})),
  };
}

std::vector<Case> PerinatalYearlyHourCases() {
  const auto prior = [](v1::Date on, int minutes) {
    return Opened().Prior(kPerinatal, on, minutes, true);
  };
  const std::vector<ExpectedLine> capped = AllQuarters(kCareTeam, 1, true);
  const std::vector<ExpectedLine> half_hour = AllQuarters(kCareTeam, 2);
  return {
      Row("perinatal_45_plus_30_minutes_in_a_year", HalfHour())
          .With(prior(D(2025, 9, 15), 45))
          .Lines(capped),
      Row("perinatal_prior_365_days_before_counts", HalfHour())
          .With(prior(D(2025, 3, 2), 45))
          .Lines(capped),
      Row("perinatal_prior_366_days_before_not_counted", HalfHour())
          .With(prior(D(2025, 3, 1), 45))
          .Lines(half_hour),
      Row("perinatal_prior_the_same_day_not_counted", HalfHour())
          .With(prior(D(2026, 3, 2), 45))
          .Lines(half_hour),
      Row("perinatal_prior_30_plus_30_exactly_the_hour", HalfHour())
          .With(prior(D(2026, 1, 10), 30))
          .Lines(half_hour),
      Row("perinatal_priors_add_up", HalfHour())
          .With(prior(D(2025, 6, 1), 15).Prior(kPerinatal, D(2025, 12, 1), 30, true))
          .Lines(capped),
      Row("perinatal_prior_40_leaves_one_whole_quarter", HalfHour())
          .With(prior(D(2026, 1, 10), 40))
          .Lines(capped),
      Row("perinatal_prior_50_leaves_no_quarter", HalfHour())
          .With(prior(D(2026, 1, 10), 50))
          .Lines(AllRefused(kCareTeam, 2, {"perinatal.yearly-hour"})),
      Row("perinatal_yearly_hour_used_up", HalfHour())
          .With(prior(D(2025, 6, 1), 30).Prior(kPerinatal, D(2026, 2, 1), 30, true))
          .Lines(AllRefused(kCareTeam, 2, {"perinatal.yearly-hour"})),
      Row("perinatal_prior_mdo_minutes_not_counted", HalfHour())
          .With(Opened().Prior(kMdo, D(2026, 1, 10), 45, true))
          .Lines(half_hour),
      Row("perinatal_cap_keeps_shorter_presence", Record(kPerinatal)
                                                      .Client()
                                                      .Pro("persmidwife", 60)
                                                      .Pro(kGp, 31)
                                                      .Worker("perssocialworker", 10)
                                                      .Pro("persnurse", 20))
          .With(prior(D(2026, 1, 10), 30))
          .Lines({Quarters(1, 2, true), Quarters(2, 2, true), Quarters(3, 1), Quarters(4, 2)}),
  };
}

// ---- MDO

// The client, a GP organising, a nurse and a social worker as care mediator.
Record Mdo() {
  return std::move(Record(kMdo)
                       .Client()
                       .Pro(kGp)
                       .Does(kOrganiser)
                       .Pro("persnurse")
                       .Worker("perssocialworker")
                       .Does(kMediator));
}

const std::vector<ExpectedLine> kMdoPaid = {MdoOrganiser(1), MdoParticipant(2), MdoMediator(3)};

std::vector<ExpectedLine> MdoRefused(std::vector<std::string> rules) {
  return {Refused(1, "mdo-organiser", 1, rules), Refused(2, "mdo-participant", 1, rules),
          Refused(3, "mdo-care-mediator", 1, rules)};
}

std::vector<Case> MdoCases() {
  const auto prior = [](v1::Date on, bool reimbursed) {
    return Context().Prior(kMdo, on, 0, reimbursed);
  };
  return {
      Row("mdo_organiser_mediator_participant", Mdo()).Lines(kMdoPaid),
      Row("mdo_five_participants_four_paid", Mdo()
                                                 .Pro("persphysiotherapist")
                                                 .Pro("perspharmacist")
                                                 .Worker("persdietician")
                                                 .Pro("persmidwife"))
          .Lines({MdoOrganiser(1), MdoParticipant(2), MdoMediator(3), MdoParticipant(4),
                  MdoParticipant(5), MdoParticipant(6),
                  Refused(7, "mdo-participant", 1, {"mdo.four-paid"})}),
      Row("mdo_second_in_a_year", Mdo())
          .With(prior(D(2025, 3, 2), true))
          .Lines(MdoRefused({"mdo.once-per-year"})),
      Row("mdo_after_a_year", Mdo()).With(prior(D(2025, 3, 1), true)).Lines(kMdoPaid),
      Row("mdo_unreimbursed_prior_does_not_block", Mdo())
          .With(prior(D(2025, 12, 1), false))
          .Lines(kMdoPaid),
      Row("mdo_prior_perinatal_does_not_block", Mdo())
          .With(Context().Prior(kPerinatal, D(2025, 12, 1), 60, true))
          .Lines(kMdoPaid),
      Row("mdo_without_gp_or_psychiatrist", Record(kMdo)
                                                .Client()
                                                .Pro("persnurse")
                                                .Does(kOrganiser)
                                                .Pro("persphysiotherapist")
                                                .Worker("perssocialworker")
                                                .Does(kMediator))
          .NotConforming()
          .Lines(MdoRefused({"mdo.gp-or-psychiatrist"})),
      Row("mdo_gp_invited_but_absent", Record(kMdo)
                                           .Client()
                                           .Pro("persnurse")
                                           .Does(kOrganiser)
                                           .Pro(kGp)
                                           .Absent()
                                           .Worker("perssocialworker")
                                           .Does(kMediator)
                                           .Pro("persphysiotherapist"))
          .NotConforming()
          .Lines({Refused(1, "mdo-organiser", 1, {"mdo.gp-or-psychiatrist"}),
                  Refused(3, "mdo-care-mediator", 1, {"mdo.gp-or-psychiatrist"}),
                  Refused(4, "mdo-participant", 1, {"mdo.gp-or-psychiatrist"})}),
      Row("mdo_psychiatrist_by_phone", Record(kMdo)
                                           .Client()
                                           .Pro(kPsychiatrist)
                                           .By(kPhone)
                                           .Pro("persnurse")
                                           .Does(kOrganiser)
                                           .Worker("perssocialworker")
                                           .Does(kMediator))
          .Lines({MdoParticipant(1), MdoOrganiser(2), MdoMediator(3)}),
      Row("mdo_gp_by_video", Mdo().Pro(kGp).By(kOnline))
          .Lines({MdoOrganiser(1), MdoParticipant(2), MdoMediator(3), MdoParticipant(4)}),
      Row("mdo_only_two_disciplines", Record(kMdo)
                                          .Client()
                                          .Pro(kGp)
                                          .Does(kOrganiser)
                                          .Pro(kGp)
                                          .Worker("perssocialworker")
                                          .Does(kMediator))
          .NotConforming()
          .Lines(MdoRefused({"mdo.three-disciplines"})),
      Row("mdo_informal_carer_not_invited", Mdo())
          .With(Context().InformalCarer())
          .NotConforming()
          .Lines(MdoRefused({"mdo.informal-carer"})),
      Row("mdo_informal_carer_invited_absent", Mdo().Related(kCarer).Absent())
          .With(Context().InformalCarer())
          .Lines(kMdoPaid),
      Row("mdo_informal_carer_present_not_paid", Mdo().Related(kCarer))
          .With(Context().InformalCarer())
          .Lines(kMdoPaid),
      Row("mdo_partner_is_not_the_informal_carer", Mdo().Related(kPartner))
          .With(Context().InformalCarer())
          .NotConforming()
          .Lines(MdoRefused({"mdo.informal-carer"})),
      Row("mdo_representative_instead_of_the_person", Record(kMdo)
                                                          .Client()
                                                          .Absent()
                                                          .Pro(kGp)
                                                          .Does(kOrganiser)
                                                          .Pro("persnurse")
                                                          .Worker("perssocialworker")
                                                          .Does(kMediator)
                                                          .Related(kPartner)
                                                          .Designated())
          .Lines(kMdoPaid),
      Row("mdo_neither_person_nor_representative", Record(kMdo)
                                                       .Client()
                                                       .Absent()
                                                       .Pro(kGp)
                                                       .Does(kOrganiser)
                                                       .Pro("persnurse")
                                                       .Worker("perssocialworker")
                                                       .Does(kMediator)
                                                       .Related(kPartner))
          .NotConforming()
          .Lines(MdoRefused({"mdo.person-present"})),
      Row("mdo_no_organiser", Record(kMdo)
                                  .Client()
                                  .Pro(kGp)
                                  .Pro("persnurse")
                                  .Worker("perssocialworker")
                                  .Does(kMediator))
          .NotConforming()
          .Lines({Refused(1, "mdo-participant", 1, {"mdo.organiser"}),
                  Refused(2, "mdo-participant", 1, {"mdo.organiser"}),
                  Refused(3, "mdo-care-mediator", 1, {"mdo.organiser"})}),
      Row("mdo_consent_refused", Mdo().Consent(v1::CONSULTATION_CONSENT_REFUSED))
          .NotConforming()
          .Lines(MdoRefused({"mdo.consent"})),
      Row("mdo_second_organiser_is_a_participant",
          Mdo().Pro("persphysiotherapist").Does(kOrganiser))
          .Lines({MdoOrganiser(1), MdoParticipant(2), MdoMediator(3), MdoParticipant(4)}),
  };
}

// ---- Oncological MOC

// An oncologist coordinating, a GP and a nurse; the patient is not listed.
Record Moc() {
  return std::move(Record(kMoc).Pro("persphysician").Does(kCoordinator).Pro(kGp).Pro("persnurse"));
}

std::vector<Case> MocCases() {
  return {
      Row("moc_first_ambulatory", Moc())
          .With(Context().FirstMoc())
          .Lines({Moc(0, "350372", "moc.first-moc"), Moc(1, "350416", "moc.gp-participation")}),
      Row("moc_first_hospitalised", Moc())
          .With(Context().FirstMoc().Hospitalised())
          .Lines({Moc(0, "350383", "moc.first-moc"), Moc(1, "350420", "moc.gp-participation")}),
      Row("moc_later_refused", Moc())
          .Lines({Refused(0, "", 1, {"moc.first-moc"}), Moc(1, "350416", "moc.gp-participation")}),
      Row("moc_gp_talk", Moc())
          .With(Context().FirstMoc().GpTalk())
          .Lines({Moc(0, "350372", "moc.first-moc"), Moc(1, "350416", "moc.gp-participation"),
                  Moc(1, "350232", "moc.gp-talk")}),
      Row("moc_gp_talk_by_an_absent_gp",
          Record(kMoc).Pro("persphysician").Does(kCoordinator).Pro(kGp).Absent())
          .With(Context().FirstMoc().GpTalk())
          .Lines({Moc(0, "350372", "moc.first-moc"), Moc(1, "350232", "moc.gp-talk")}),
      Row("moc_gp_talk_without_gp", Record(kMoc).Pro("persphysician").Does(kCoordinator))
          .With(Context().FirstMoc().GpTalk())
          .Lines({Moc(0, "350372", "moc.first-moc")}),
      Row("moc_two_gps_and_the_talk_for_the_first", Moc().Pro(kGp))
          .With(Context().GpTalk())
          .Lines({Refused(0, "", 1, {"moc.first-moc"}), Moc(1, "350416", "moc.gp-participation"),
                  Moc(3, "350416", "moc.gp-participation"), Moc(1, "350232", "moc.gp-talk")}),
      Row("moc_patient_present", Moc().Client())
          .With(Context().FirstMoc().GpTalk())
          .NotConforming()
          .Lines({Refused(0, "350372", 1, {"moc.patient-absent"}),
                  Refused(1, "350416", 1, {"moc.patient-absent"}),
                  Refused(1, "350232", 1, {"moc.patient-absent"})}),
      Row("moc_patient_listed_absent", Moc().Client().Absent())
          .With(Context().FirstMoc())
          .Lines({Moc(0, "350372", "moc.first-moc"), Moc(1, "350416", "moc.gp-participation")}),
      Row("moc_organiser_when_no_coordinator",
          Record(kMoc).Pro(kGp).Pro("persphysician").Does(kOrganiser))
          .With(Context().FirstMoc())
          .Lines({Moc(1, "350372", "moc.first-moc"), Moc(0, "350416", "moc.gp-participation")}),
      Row("moc_without_coordinator_or_organiser", Record(kMoc).Pro("persphysician").Pro(kGp))
          .With(Context().FirstMoc())
          .Lines({Moc(1, "350416", "moc.gp-participation")}),
  };
}

std::vector<Case> AllCases() {
  std::vector<Case> all;
  for (auto cases : {PerinatalEntryCases(), PerinatalPaymentCases(), PerinatalYearlyHourCases(),
                     MdoCases(), MocCases()}) {
    for (Case& c : cases) all.push_back(std::move(c));
  }
  return all;
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

const std::vector<std::string>& KindRules(v1::ConsultationKind kind) {
  return kind == kPerinatal ? kPerinatalRules : kind == kMdo ? kMdoRules : kMocRules;
}

// What every billing keeps, whatever the row.
void ExpectInvariants(const v1::ConsultationRecord& record, const v1::ConsultationBilling& b) {
  static const std::set<std::string> known = AllRuleIds();
  int64_t total = 0;
  int paid_professionals = 0, paid_participants = 0, organisers = 0, mediators = 0;
  for (const v1::BillingLine& line : b.lines()) {
    SCOPED_TRACE(testing::Message() << "line of participant " << line.participant());
    ASSERT_GE(line.participant(), 0);
    ASSERT_LT(line.participant(), record.participants_size());
    const v1::ConsultationParticipant& p = record.participants(line.participant());
    const bool nomenclature = line.system() == kNomenclature;
    EXPECT_TRUE(nomenclature || line.system() == kBillingSystem) << line.system();
    EXPECT_EQ(nomenclature, line.code().empty() || std::isdigit(line.code()[0]) != 0);
    EXPECT_FALSE(line.accepted() && !b.conforms());
    EXPECT_FALSE(line.accepted() && line.code().empty());
    EXPECT_FALSE(line.accepted() && line.quantity() <= 0);
    if (!line.accepted()) {
      EXPECT_EQ(line.amount_cents(), 0);
      EXPECT_FALSE(line.reasons().empty());
    }
    if (nomenclature) {
      EXPECT_FALSE(line.has_tariff());
      EXPECT_EQ(line.amount_cents(), 0);
    } else if (line.accepted()) {
      EXPECT_EQ(line.amount_cents(), line.quantity() * line.tariff().amount_cents());
    }
    for (const std::string& rule : Rules(line.reasons())) EXPECT_TRUE(known.count(rule)) << rule;
    if (line.accepted()) total += line.amount_cents();
    if (record.kind() == kPerinatal) {
      // Only the care providers taking part are paid; the client and related persons are not.
      EXPECT_TRUE(p.present() && (p.has_professional() || p.has_welfare_worker()));
      EXPECT_LE(line.quantity() * 15, 60);  // never more than the yearly hour
      if (line.accepted() && p.has_professional()) ++paid_professionals;
    }
    if (record.kind() == kMdo) {
      EXPECT_TRUE(p.present() && (p.has_professional() || p.has_welfare_worker()));
      if (line.accepted() && line.code() == "mdo-participant") ++paid_participants;
      organisers += line.code() == "mdo-organiser" ? 1 : 0;
      mediators += line.code() == "mdo-care-mediator" ? 1 : 0;
    }
  }
  EXPECT_EQ(b.total_cents(), total);
  EXPECT_LE(paid_professionals, 4);
  EXPECT_LE(paid_participants, 4);
  EXPECT_LE(organisers, 1);
  EXPECT_LE(mediators, 1);
  EXPECT_EQ(Rules(b.reasons()), KindRules(record.kind()));
  // Reasons carry no patient data: no keys, names, numbers.
  std::vector<std::string> texts;
  for (const v1::RuleReason& r : b.reasons()) texts.push_back(r.text());
  for (const v1::BillingLine& line : b.lines()) {
    for (const v1::RuleReason& r : line.reasons()) texts.push_back(r.text());
  }
  for (const std::string& text : texts) {
    EXPECT_FALSE(text.empty());
    for (const char* secret : {"CONSULT-KEY-4711", "PATIENT-0815", "Janssens", "Peeters", "Maes",
                               "WORKER-9", "1234561", kValidSsin.c_str()}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << text;
    }
  }
}

class BillTableTest : public testing::TestWithParam<Case> {};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

TEST_P(BillTableTest, Bills) {
  const Case& c = GetParam();
  fhir::IssueCollector issues;
  ASSERT_TRUE(CheckRecord(c.record, issues)) << FirstIssue(issues);

  const v1::ConsultationBilling b = Bill(c.record, c.context);
  EXPECT_EQ(b.conforms(), c.conforms);
  ExpectInvariants(c.record, b);
  ASSERT_EQ(b.lines_size(), static_cast<int>(c.lines.size()));
  int64_t total = 0;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const ExpectedLine& x = c.lines[i];
    const v1::BillingLine& line = b.lines(static_cast<int>(i));
    SCOPED_TRACE(testing::Message() << "line " << i);
    EXPECT_EQ(line.participant(), x.participant);
    EXPECT_EQ(line.code(), x.code);
    EXPECT_EQ(line.quantity(), x.quantity);
    EXPECT_EQ(line.accepted(), x.accepted);
    EXPECT_EQ(line.amount_cents(), x.cents);
    EXPECT_EQ(Rules(line.reasons()), x.rules);
    total += x.accepted ? x.cents : 0;
  }
  EXPECT_EQ(b.total_cents(), total);

  // Pure: the same input gives the same output.
  EXPECT_TRUE(MessageDifferencer::Equals(Bill(c.record, c.context), b));
}

INSTANTIATE_TEST_SUITE_P(Domain, BillTableTest, testing::ValuesIn(AllCases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(BillTest, ReasonsSayWhatEachRuleFound) {
  const v1::ConsultationBilling b =
      Bill(HalfHour(), Opened().Prior(kPerinatal, D(2025, 9, 15), 45, true));
  ASSERT_EQ(b.reasons_size(), 9);
  EXPECT_EQ(b.reasons(1).text(), "2 positive KCE indicators, at least 2 needed");
  EXPECT_EQ(b.reasons(1).indicators_size(), 2);
  EXPECT_EQ(b.reasons(2).text(), "4 participants present physically or online, at least 4 needed");
  EXPECT_EQ(b.reasons(7).text(),
            "45 minutes reimbursed in the year before, 15 left; 2 quarters claimed: capped to what "
            "is left");
  EXPECT_EQ(b.reasons(8).text(), "2 insured professionals present: all paid");
  // The care providers' lines only (participants 1 to 3): the client takes part unpaid.
  ASSERT_EQ(b.lines_size(), 3);
  EXPECT_EQ(b.lines(0).participant(), 1);
  EXPECT_EQ(b.lines(0).tariff().row(), "perinatal-consultation@2024-01-01");
  EXPECT_EQ(b.lines(0).tariff().amount_cents(), 1500);
  EXPECT_EQ(b.lines(0).system(), kBillingSystem);
  EXPECT_EQ(b.lines(0).reasons(0).text(), "30 minutes present: 2 started quarters of an hour");
  EXPECT_EQ(b.lines(0).reasons(1).text(), "capped to the 1 quarter left of the yearly hour");
  EXPECT_EQ(b.total_cents(), 3 * 1500);
}

TEST(BillTest, RefusedLinesCarryTheFailedRuleWithItsIndicators) {
  const v1::ConsultationBilling b =
      Bill(Perinatal(), Context().Indicators({v1::KCE_INDICATOR_VICTIM_OF_VIOLENCE}).Coordinator());
  EXPECT_FALSE(b.conforms());
  ASSERT_EQ(b.lines_size(), 3);
  for (const v1::BillingLine& line : b.lines()) {
    ASSERT_EQ(line.reasons_size(), 1);
    EXPECT_EQ(line.reasons(0).rule(), "perinatal.two-indicators");
    EXPECT_EQ(line.reasons(0).text(), "1 positive KCE indicator, at least 2 needed");
    ASSERT_EQ(line.reasons(0).indicators_size(), 1);
    EXPECT_EQ(line.reasons(0).indicators(0), v1::KCE_INDICATOR_VICTIM_OF_VIOLENCE);
    // The unit tariff stays on the line; nothing is paid.
    EXPECT_EQ(line.tariff().amount_cents(), 1500);
    EXPECT_EQ(line.amount_cents(), 0);
  }
  EXPECT_EQ(b.total_cents(), 0);
}

TEST(BillTest, MdoAmountsAndTariffRows) {
  const v1::ConsultationBilling b = Bill(Mdo(), Context());
  EXPECT_TRUE(b.conforms());
  ASSERT_EQ(b.lines_size(), 3);
  EXPECT_EQ(b.lines(0).tariff().row(), "mdo-organiser@2024-01-01");
  EXPECT_EQ(b.lines(1).tariff().row(), "mdo-participant@2024-01-01");
  EXPECT_EQ(b.lines(2).tariff().row(), "mdo-care-mediator@2024-01-01");
  EXPECT_EQ(b.total_cents(), 12000 + 2500 + 4000);
  EXPECT_EQ(b.reasons(3).text(),
            "3 disciplines present (persgeneralphysician, persnurse, perssocialworker), at least 3 "
            "needed");
}

TEST(BillTest, MdoOncePerYearFromALeapDay) {
  // Reimbursed on 29 February 2024: the year it covers ends on 1 March 2025 (AddYears), exclusive.
  const v1::ConsultationContext leap = Context().Prior(kMdo, D(2024, 2, 29), 0, true);
  const int64_t feb28 = 1740736800;  // 2025-02-28T10:00:00Z
  const v1::ConsultationBilling blocked = Bill(Mdo().At(feb28), leap);
  EXPECT_TRUE(blocked.conforms());
  EXPECT_EQ(blocked.total_cents(), 0);
  ASSERT_EQ(blocked.reasons_size(), 8);
  EXPECT_EQ(blocked.reasons(6).text(),
            "an MDO reimbursed on 2024-02-29 covers the year up to this one: not reimbursed");
  EXPECT_EQ(Bill(Mdo().At(feb28 + 86400), leap).total_cents(), 18500);
}

TEST(BillTest, MocLinesAreNomenclatureNumbersWithoutAmount) {
  const v1::ConsultationBilling b = Bill(Moc(), Context().FirstMoc().GpTalk());
  ASSERT_EQ(b.lines_size(), 3);
  for (const v1::BillingLine& line : b.lines()) {
    EXPECT_EQ(line.system(), kNomenclature);
    EXPECT_TRUE(line.accepted());
    EXPECT_FALSE(line.has_tariff());
    EXPECT_EQ(line.amount_cents(), 0);
  }
  EXPECT_EQ(b.total_cents(), 0);
  const v1::ConsultationBilling later = Bill(Moc(), Context());
  EXPECT_TRUE(later.conforms());
  EXPECT_EQ(later.lines(0).reasons(0).text(),
            "not the patient's first MOC: no nomenclature number is known for a later MOC");
}

TEST(BillTest, TheDateIsTheUtcDateOfTheStart) {
  // 2026-03-01T23:30:00Z is 1 March in UTC (already 2 March in Brussels): a full hour reimbursed on
  // 2025-03-01 is then within the year before; an hour later it no longer is.
  const int64_t late = kMarch2 - 10 * 3600 - 30 * 60;
  const v1::ConsultationContext c = Opened().Prior(kPerinatal, D(2025, 3, 1), 60, true);
  EXPECT_EQ(Bill(HalfHour().At(late), c).total_cents(), 0);
  EXPECT_EQ(Bill(HalfHour().At(late + 3600), c).total_cents(), 3 * 3000);
}

TEST(BillTest, UnknownKindBillsNothing) {
  v1::ConsultationRecord r = Perinatal();
  r.set_kind(static_cast<v1::ConsultationKind>(9));
  const v1::ConsultationBilling b = Bill(r, Opened());
  EXPECT_FALSE(b.conforms());
  EXPECT_EQ(Rules(b.reasons()), std::vector<std::string>{"consultation.kind"});
  EXPECT_EQ(b.lines_size(), 0);
  r.set_kind(v1::CONSULTATION_KIND_UNSPECIFIED);
  EXPECT_FALSE(Bill(r, Opened()).conforms());
}

// Bill should get checked records, but stays total (no overflow, no out-of-range index) on
// anything a caller could send.
TEST(BillTest, TotalOnUncheckedInput) {
  for (v1::ConsultationKind kind : {kPerinatal, kMdo, kMoc}) {
    v1::ConsultationRecord r =
        Record(kind).Client().Pro(kGp).Does(kOrganiser).Pro(kGp).Does(kCoordinator);
    r.mutable_participants(0)->set_minutes(std::numeric_limits<int32_t>::max());
    r.mutable_participants(1)->set_minutes(std::numeric_limits<int32_t>::min());
    r.mutable_participants(2)->add_functions(static_cast<v1::ConsultationFunction>(77));
    r.add_participants()->set_present(true);
    for (int64_t seconds : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                            std::numeric_limits<int64_t>::max()}) {
      r.mutable_start()->set_seconds(seconds);
      v1::ConsultationContext c = Opened()
                                      .Prior(kind, D(2147483647, 2, 29), -5, true)
                                      .Prior(kind, D(-2147483647, 13, 99), 2147483647, true)
                                      .Prior(kind, D(0, 0, 0), 30, true)
                                      .FirstMoc();
      const v1::ConsultationBilling b = Bill(r, c);
      int64_t total = 0;
      for (const v1::BillingLine& line : b.lines()) {
        EXPECT_GE(line.quantity(), 0);
        EXPECT_LE(line.quantity() * 15, 60);
        total += line.accepted() ? line.amount_cents() : 0;
      }
      EXPECT_EQ(b.total_cents(), total);
    }
  }
}

// ---- CheckRecord

struct CheckCase {
  std::string name;
  std::function<void(v1::ConsultationRecord&)> change;
  std::vector<std::pair<std::string, IssueType>> errors;  // exactly, in order
};

v1::AgreedAction* AddAction(v1::ConsultationRecord& r, int owner) {
  v1::AgreedAction* a = r.add_actions();
  a->set_local_key("act-1");
  a->set_description("Apply for a social housing priority");
  a->set_owner(owner);
  return a;
}

std::vector<CheckCase> CheckCases() {
  using R = v1::ConsultationRecord;
  return {
      {"valid_perinatal", [](R&) {}, {}},
      {"valid_mdo", [](R& r) { r = Mdo().Related(kCarer).Absent(); }, {}},
      {"valid_moc_refused_consent",
       [](R& r) { r = Moc().Consent(v1::CONSULTATION_CONSENT_REFUSED); },
       {}},
      {"valid_actions",
       [](R& r) {
         AddAction(r, -1);
         AddAction(r, 3);
       },
       {}},
      {"valid_minutes_equal_to_the_length",
       [](R& r) { r.mutable_participants(1)->set_minutes(60); },
       {}},
      {"valid_printed_ssin",
       [](R& r) {
         r = Perinatal().Related(kPartner).Designated();
         r.mutable_participants(4)->mutable_related_person()->set_ssin("85.07.30-033.28");
       },
       {}},
      {"valid_related_person_without_ssin",
       [](R& r) {
         r = Perinatal().Related(kCarer);
         r.mutable_participants(4)->mutable_related_person()->clear_ssin();
       },
       {}},
      {"missing_local_key",
       [](R& r) { r.clear_local_key(); },
       {{"record.local_key", IssueType::kRequired}}},
      {"missing_kind", [](R& r) { r.clear_kind(); }, {{"record.kind", IssueType::kRequired}}},
      {"unknown_kind",
       [](R& r) { r.set_kind(static_cast<v1::ConsultationKind>(9)); },
       {{"record.kind", IssueType::kValue}}},
      {"missing_patient",
       [](R& r) { r.clear_patient_local_key(); },
       {{"record.patient_local_key", IssueType::kRequired}}},
      {"missing_start_and_end",
       [](R& r) {
         r.clear_start();
         r.clear_end();
       },
       {{"record.start", IssueType::kRequired}, {"record.end", IssueType::kRequired}}},
      {"end_before_start",
       [](R& r) { r.mutable_end()->set_seconds(kMarch2 - 60); },
       {{"record.end", IssueType::kInvariant}}},
      {"end_equal_to_start",
       [](R& r) { r.mutable_end()->set_seconds(kMarch2); },
       {{"record.end", IssueType::kInvariant}}},
      {"start_beyond_year_9999",
       [](R& r) { r.mutable_start()->set_seconds(253402300800); },
       {{"record.start", IssueType::kValue}}},
      {"end_with_negative_nanos",
       [](R& r) { r.mutable_end()->set_nanos(-1); },
       {{"record.end", IssueType::kValue}}},
      {"missing_consent",
       [](R& r) { r.clear_consent(); },
       {{"record.consent", IssueType::kRequired}}},
      {"participant_without_who",
       [](R& r) { r.mutable_participants(2)->clear_who(); },
       {{"record.participants[2].who", IssueType::kRequired}}},
      {"invalid_nihdi",
       [](R& r) { r.mutable_participants(1)->mutable_professional()->set_nihdi("1234"); },
       {{"record.participants[1].professional.nihdi", IssueType::kValue}}},
      {"nihdi_with_letters",
       [](R& r) { r.mutable_participants(2)->mutable_professional()->set_nihdi("1234567890A"); },
       {{"record.participants[2].professional.nihdi", IssueType::kValue}}},
      {"missing_nihdi_and_role",
       [](R& r) {
         r.mutable_participants(1)->mutable_professional()->clear_nihdi();
         r.mutable_participants(1)->mutable_professional()->clear_role();
       },
       {{"record.participants[1].professional.nihdi", IssueType::kRequired},
        {"record.participants[1].professional.role.code", IssueType::kRequired}}},
      {"unknown_role",
       [](R& r) {
         r.mutable_participants(2)->mutable_professional()->mutable_role()->set_code("persshaman");
       },
       {{"record.participants[2].professional.role.code", IssueType::kCodeInvalid}}},
      {"empty_welfare_worker",
       [](R& r) { r.mutable_participants(3)->mutable_welfare_worker()->Clear(); },
       {{"record.participants[3].welfare_worker.identifier.system", IssueType::kRequired},
        {"record.participants[3].welfare_worker.identifier.value", IssueType::kRequired},
        {"record.participants[3].welfare_worker.name.family", IssueType::kRequired}}},
      {"welfare_worker_unknown_role",
       [](R& r) {
         r.mutable_participants(3)->mutable_welfare_worker()->mutable_role()->set_code("wizard");
       },
       {{"record.participants[3].welfare_worker.role.code", IssueType::kCodeInvalid}}},
      {"invalid_ssin_of_a_related_person",
       [](R& r) {
         r = Perinatal().Related(kPartner).Designated();
         r.mutable_participants(4)->mutable_related_person()->set_ssin("85073003329");
       },
       {{"record.participants[4].related_person.ssin", IssueType::kValue}}},
      {"minutes_beyond_the_length",
       [](R& r) { r.mutable_participants(1)->set_minutes(61); },
       {{"record.participants[1].minutes", IssueType::kValue}}},
      {"length_in_whole_minutes",
       [](R& r) { r.mutable_start()->set_nanos(500000000); },  // 59 minutes 59.5 seconds
       {{"record.participants[0].minutes", IssueType::kValue},
        {"record.participants[1].minutes", IssueType::kValue},
        {"record.participants[2].minutes", IssueType::kValue},
        {"record.participants[3].minutes", IssueType::kValue}}},
      {"negative_minutes",
       [](R& r) { r.mutable_participants(0)->set_minutes(-1); },
       {{"record.participants[0].minutes", IssueType::kValue}}},
      {"minutes_on_an_absent_participant",
       [](R& r) { r.mutable_participants(3)->set_present(false); },
       {{"record.participants[3].minutes", IssueType::kInvariant}}},
      {"two_clients",
       [](R& r) { r = Perinatal().Client(); },
       {{"record.participants[4].client", IssueType::kDuplicate}}},
      {"owner_index_out_of_range",
       [](R& r) { AddAction(r, 4); },
       {{"record.actions[0].owner", IssueType::kValue}}},
      {"owner_below_minus_one",
       [](R& r) {
         AddAction(r, 0);
         AddAction(r, -2);
       },
       {{"record.actions[1].owner", IssueType::kValue}}},
      {"action_without_key_and_description",
       [](R& r) {
         AddAction(r, 0)->clear_local_key();
         r.mutable_actions(0)->clear_description();
       },
       {{"record.actions[0].local_key", IssueType::kRequired},
        {"record.actions[0].description", IssueType::kRequired}}},
      {"designated_by_client_on_a_professional",
       [](R& r) { r.mutable_participants(1)->set_designated_by_client(true); },
       {{"record.participants[1].designated_by_client", IssueType::kInvariant}}},
      {"designated_by_client_on_the_client",
       [](R& r) { r.mutable_participants(0)->set_designated_by_client(true); },
       {{"record.participants[0].designated_by_client", IssueType::kInvariant}}},
      {"several_problems_in_field_order",
       [](R& r) {
         r.clear_local_key();
         r.mutable_participants(1)->mutable_professional()->set_nihdi("x");
         r.mutable_participants(1)->set_minutes(90);
         AddAction(r, 7);
         r.clear_consent();
       },
       {{"record.local_key", IssueType::kRequired},
        {"record.participants[1].professional.nihdi", IssueType::kValue},
        {"record.participants[1].minutes", IssueType::kValue},
        {"record.actions[0].owner", IssueType::kValue},
        {"record.consent", IssueType::kRequired}}},
  };
}

class CheckTableTest : public testing::TestWithParam<CheckCase> {};

void PrintTo(const CheckCase& c, std::ostream* os) { *os << c.name; }

TEST_P(CheckTableTest, ReportsAtFieldPath) {
  const CheckCase& c = GetParam();
  v1::ConsultationRecord r = Perinatal();
  c.change(r);
  fhir::IssueCollector issues;
  const bool valid = CheckRecord(r, issues);
  EXPECT_EQ(valid, c.errors.empty());
  std::vector<std::pair<std::string, IssueType>> got;
  for (const fhir::Issue& i : issues.issues()) {
    EXPECT_EQ(i.severity, fhir::Severity::kError);
    EXPECT_FALSE(i.diagnostics.empty());
    for (const char* secret : {"1234", "8507300332", "persshaman", "Janssens", "PATIENT-0815"}) {
      EXPECT_EQ(i.diagnostics.find(secret), std::string::npos) << i.diagnostics;
    }
    got.emplace_back(i.expression, i.type);
  }
  EXPECT_EQ(got, c.errors) << FirstIssue(issues);
}

INSTANTIATE_TEST_SUITE_P(Records, CheckTableTest, testing::ValuesIn(CheckCases()),
                         [](const testing::TestParamInfo<CheckCase>& info) {
                           return info.param.name;
                         });

TEST(CheckRecordTest, ReturnsOnlyThisCallsVerdict) {
  fhir::IssueCollector issues;
  issues.Report({fhir::Severity::kError, IssueType::kValue, "elsewhere", "an earlier finding"});
  EXPECT_TRUE(CheckRecord(Perinatal(), issues));
  EXPECT_EQ(issues.issues().size(), 1u);
}

TEST(CheckRecordTest, MinutesBeyondTheLengthNameTheLength) {
  v1::ConsultationRecord r = Perinatal();
  r.mutable_participants(2)->set_minutes(75);
  fhir::IssueCollector issues;
  EXPECT_FALSE(CheckRecord(r, issues));
  ASSERT_EQ(issues.issues().size(), 1u);
  EXPECT_EQ(issues.issues()[0].diagnostics,
            "minutes present exceed the consultation's length (60 minutes)");
}

}  // namespace
}  // namespace zorgbrug::adapters::consultation
