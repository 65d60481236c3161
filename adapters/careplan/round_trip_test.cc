// The round-trip property over generated plans: every plan that passes CheckPlan (and whose goal
// and task statuses are set) maps to FHIR without a finding, that FHIR validates against R4 and the
// Belgian profiles (checked on every 10th plan: validation is the slow part), and FromFhir gives
// the same plan back, exactly (proto -> FHIR -> proto is the identity). The same holds for a team
// member's view: FromFhir(ToFhir(plan, member)) == ViewFor(plan, member).
//
// The generator covers every kind of member (professionals with valid NIHDI numbers, with and
// without role and organisation; welfare workers; informal carers with and without a valid SSIN;
// organisations by NIHDI and/or CBE number), roles and membership periods, life goals expressed by
// the person or a member, care goals serving life goals, tasks with and without owner, candidates,
// goal, service, due date and source, messages to members or the whole team, about a task or
// not, access decisions about members and about kinds, contributions, the pregnancy, the version,
// partial dates and non-ASCII text. Fixed seeds keep a failure reproducible (the plan is printed).

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "adapters/careplan/careplan.h"
#include "adapters/careplan/rules.h"
#include "adapters/common/test_util.h"
#include "fhir/identifiers.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::careplan {
namespace {

using common::testutil::Dump;

constexpr int kPlans = 300;
constexpr int kValidateEvery = 10;

std::string Digits(int64_t value, int width) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "%0*lld", width, static_cast<long long>(value));
  return buffer;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  v1::CarePlan Next(int n) {
    v1::CarePlan p;
    p.set_local_key(Pick({"ZP-", "zorgplan/", "plan-é-"}) + std::to_string(n));
    p.set_patient_local_key("P-" + std::to_string(Int(1, 99999)));
    if (Chance(2)) p.set_pregnancy_local_key("PR-" + std::to_string(Int(1, 999)));
    p.set_status(static_cast<v1::CarePlanStatus>(Int(1, 5)));
    if (!Chance(4))
      p.set_title(Pick({"Zorgplan ", "Plan de soins — ", "Zorg- en ondersteuningsplan "}) +
                  std::to_string(n));
    *p.mutable_start() = SomeDate(2025, 2026);
    if (Chance(3)) *p.mutable_end() = SomeDate(2027, 2028);
    for (int i = 0, count = Int(0, 6); i < count; ++i) AddMember(p, i);
    for (int i = 0, count = Int(0, 3); i < count; ++i) AddLifeGoal(p, i);
    for (int i = 0, count = Int(0, 3); i < count; ++i) AddCareGoal(p, i);
    for (int i = 0, count = Int(0, 4); i < count; ++i) AddTask(p, i);
    for (int i = 0, count = Int(0, 3); i < count; ++i) AddMessage(p, i);
    AddAccess(p);
    if (Chance(2)) p.set_version(Int(1, 40));
    for (int i = 0, count = Int(0, 2); i < count; ++i) {
      p.add_contributions(Pick({"bib-screening/S-", "consultation/C-"}) + std::to_string(i));
    }
    return p;
  }

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int one_in) { return Int(1, one_in) == 1; }
  std::string Pick(std::initializer_list<const char*> options) {
    return *(options.begin() + Int(0, static_cast<int>(options.size()) - 1));
  }

  // A date of the years given, as a year, a month or a day.
  v1::Date SomeDate(int from_year, int to_year) {
    v1::Date d;
    d.set_year(Int(from_year, to_year));
    if (!Chance(6)) d.set_month(Int(1, 12));
    if (d.month() != 0 && !Chance(4)) d.set_day(Int(1, 28));
    return d;
  }

  v1::HumanName Name() {
    v1::HumanName name;
    name.set_use(static_cast<v1::NameUse>(Int(0, 3)));
    name.set_family(Pick({"Peeters", "Van den Broeck", "Çelik", "Dubois-Lefèvre", "Nguyễn"}));
    name.add_given(Pick({"An", "Zoë", "Ahmed", "Françoise", "Łukasz"}));
    if (Chance(3)) name.add_given("Marie");
    if (Chance(4)) name.add_prefix("Dr.");
    return name;
  }

  // Numbers are unique within a plan: a Practitioner, welfare worker and Organization are written
  // once per number (adapters/common/professional.h), so two members with one number would be one
  // resource. The members' organisations and the organisations professionals act for come from
  // separate ranges for the same reason.
  std::string Nihdi() {
    std::string nihdi = Digits(10000000 + ++serial_, 8) + Digits(Int(0, 999), 3);
    EXPECT_TRUE(fhir::CheckNihdi(nihdi).ok()) << nihdi;
    return nihdi;
  }
  std::string OrganisationNihdi(int range) {
    std::string nihdi = Digits(range, 2) + Digits(++serial_, 6) + Digits(Int(0, 999), 3);
    EXPECT_TRUE(fhir::CheckNihdi(nihdi).ok()) << nihdi;
    return nihdi;
  }
  std::string Cbe(int first) {
    const int64_t base = int64_t{first} * 10000000 + 1000000 + ++serial_;
    std::string cbe = Digits(base, 8) + Digits(97 - base % 97, 2);
    EXPECT_TRUE(fhir::CheckCbe(cbe).ok()) << cbe;
    return cbe;
  }
  // Born 1975-1999: the check digits are 97 - (the first 9 digits mod 97).
  std::string Ssin() {
    const int64_t n = int64_t{Int(75, 99)} * 10000000 + int64_t{Int(1, 12)} * 100000 +
                      int64_t{Int(1, 28)} * 1000 + Int(1, 997);
    std::string ssin = Digits(n, 9) + Digits(97 - n % 97, 2);
    EXPECT_TRUE(fhir::CheckSsin(ssin).ok()) << ssin;
    return ssin;
  }

  void AddMember(v1::CarePlan& p, int i) {
    v1::CareTeamMember& m = *p.add_team();
    m.set_local_key(Pick({"m-", "lid/", "membre-"}) + std::to_string(i));
    switch (Int(0, 3)) {
      case 0: {
        v1::Professional& pro = *m.mutable_professional();
        pro.set_nihdi(Nihdi());
        *pro.mutable_name() = Name();
        if (!Chance(3)) {
          pro.mutable_role()->set_code(
              Pick({"persmidwife", "persphysician", "persnurse", "persclinicalpsychologist"}));
        }
        if (Chance(3)) pro.set_organisation_nihdi(Chance(2) ? OrganisationNihdi(72) : Cbe(0));
        break;
      }
      case 1: {
        v1::WelfareWorker& w = *m.mutable_welfare_worker();
        w.mutable_identifier()->set_system("https://www.kindengezin.be/fhir/NamingSystem/staff");
        w.mutable_identifier()->set_value("KG-" + std::to_string(++serial_));
        if (Chance(2)) w.mutable_identifier()->set_assigner("Kind en Gezin");
        *w.mutable_name() = Name();
        if (Chance(2)) w.mutable_role()->set_code("perssocialworker");
        if (Chance(3)) w.set_organisation_number(Chance(2) ? OrganisationNihdi(73) : Cbe(0));
        break;
      }
      case 2: {
        v1::RelatedPersonInfo& carer = *m.mutable_informal_carer();
        carer.set_relationship(static_cast<v1::Relationship>(Int(0, 4)));
        *carer.mutable_name() = Name();
        if (Chance(2)) carer.set_ssin(Ssin());
        if (Chance(3)) carer.set_phone("+32 470 12 34 " + Digits(Int(0, 99), 2));
        break;
      }
      default: {
        v1::Organisation& org = *m.mutable_organisation();
        const int numbers = Int(0, 2);  // NIHDI, CBE or both
        if (numbers != 1) org.set_nihdi(OrganisationNihdi(71));
        if (numbers != 0) org.set_cbe(Cbe(1));
        org.set_name(Pick({"Lokaal dienstencentrum Gent", "Huis van het Kind", "ONE Liège"}));
        if (Chance(2)) org.mutable_type()->set_code(Pick({"orgprevention", "orgpublichealth"}));
      }
    }
    for (int role = 1; role <= 4; ++role) {
      if (Chance(role == 1 && i == 0 ? 2 : 5)) m.add_roles(static_cast<v1::CareTeamRole>(role));
    }
    if (Chance(3)) *m.mutable_since() = SomeDate(2025, 2026);
    if (Chance(4)) *m.mutable_until() = SomeDate(2027, 2028);
  }

  // A member's key, or empty (one time in `none_in`); empty when the team is.
  std::string SomeMember(const v1::CarePlan& p, int none_in) {
    if (p.team().empty() || Chance(none_in)) return {};
    return p.team(Int(0, p.team_size() - 1)).local_key();
  }

  // Distinct keys of `all` (each with chance 1/`one_in`), in their order.
  template <typename List, typename KeyFn>
  std::vector<std::string> Subset(const List& all, int one_in, KeyFn key) {
    std::vector<std::string> out;
    for (const auto& element : all) {
      if (Chance(one_in)) out.push_back(key(element));
    }
    return out;
  }

  void AddLifeGoal(v1::CarePlan& p, int i) {
    v1::LifeGoal& g = *p.add_life_goals();
    g.set_local_key("lg-" + std::to_string(i));
    g.set_text(Pick({"Ik wil weer wandelen in het park", "Rester chez moi avec mon bébé",
                     "Mijn rijbewijs halen — vóór de zomer", "Stay in my own house"}));
    g.set_expressed_by(SomeMember(p, 2));
    if (Chance(2)) *g.mutable_expressed_on() = SomeDate(2025, 2026);
    g.set_status(static_cast<v1::GoalStatus>(Int(1, 5)));
  }

  void AddCareGoal(v1::CarePlan& p, int i) {
    v1::CareGoal& g = *p.add_care_goals();
    g.set_local_key("cg-" + std::to_string(i));
    g.set_description(Pick({"Pijn onder controle", "Soutien à l'allaitement",
                            "Financiële rust: schuldbemiddeling opstarten"}));
    for (const std::string& key :
         Subset(p.life_goals(), 2, [](const v1::LifeGoal& l) { return l.local_key(); })) {
      g.add_life_goals(key);
    }
    g.set_status(static_cast<v1::GoalStatus>(Int(1, 5)));
    if (Chance(2)) *g.mutable_target() = SomeDate(2026, 2027);
    g.set_clinical(Chance(3));
  }

  void AddTask(v1::CarePlan& p, int i) {
    v1::CarePlanTask& t = *p.add_tasks();
    t.set_local_key(Chance(3) ? "bib-screening/S-" + std::to_string(i) + "/ppa"
                              : "t-" + std::to_string(i));
    t.set_description(Pick({"Huisbezoek plannen", "Prendre rendez-vous chez la sage-femme",
                            "Aanvraag groeipakket — samen invullen"}));
    t.set_owner(SomeMember(p, 2));
    for (const std::string& key :
         Subset(p.team(), 3, [](const v1::CareTeamMember& m) { return m.local_key(); })) {
      t.add_candidates(key);
    }
    if (Chance(2)) *t.mutable_due() = SomeDate(2026, 2027);
    t.set_status(static_cast<v1::CarePlanTaskStatus>(Int(1, 7)));
    if (!p.care_goals().empty() && Chance(2)) {
      t.set_goal(p.care_goals(Int(0, p.care_goals_size() - 1)).local_key());
    }
    t.set_service(static_cast<v1::ProgrammeService>(Int(0, 4)));
    t.set_clinical(Chance(3));
    if (Chance(3)) t.set_source("bib-screening/S-" + std::to_string(Int(1, 9)));
  }

  void AddMessage(v1::CarePlan& p, int i) {
    v1::CareMessage& m = *p.add_messages();
    m.set_local_key("msg-" + std::to_string(i));
    m.set_sender(SomeMember(p, 3));
    for (const std::string& key :
         Subset(p.team(), 3, [](const v1::CareTeamMember& t) { return t.local_key(); })) {
      m.add_recipients(key);
    }
    if (!Chance(5)) {
      m.mutable_sent()->set_seconds(1767225600 + int64_t{Int(0, 365 * 24 * 3600)});
      if (Chance(3)) m.mutable_sent()->set_nanos(Int(1, 999) * 1000000);
    }
    m.set_text(Pick({"Dinsdag past, ik breng de kinderen naar school.", "Merci, à jeudi !",
                     "Line one\nline two: ✓"}));
    m.set_clinical(Chance(4));
    if (!p.tasks().empty() && Chance(2)) {
      m.set_about_task(p.tasks(Int(0, p.tasks_size() - 1)).local_key());
    }
    if (Chance(4)) m.set_source("consultation/C-" + std::to_string(Int(1, 9)));
  }

  void AddAccess(v1::CarePlan& p) {
    std::set<std::tuple<std::string, int, int>> seen;
    for (int i = 0, count = Int(0, 4); i < count; ++i) {
      v1::AccessDecision d;
      if (!p.team().empty() && Chance(2)) {
        const v1::CareTeamMember& m = p.team(Int(0, p.team_size() - 1));
        d.set_member(m.local_key());
        if (Chance(2)) d.set_member_kind(KindOf(m));
      } else {
        d.set_member_kind(static_cast<v1::MemberKind>(Int(1, 4)));
      }
      d.set_content(static_cast<v1::ContentClass>(Int(1, 3)));
      d.set_permit(Chance(2));
      if (Chance(2)) *d.mutable_decided_on() = SomeDate(2025, 2026);
      if (seen.emplace(d.member(), d.member_kind(), d.content()).second) *p.add_access() = d;
    }
  }

  std::mt19937 rng_;
  int serial_ = 0;
};

std::string Text(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

std::string Difference(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  std::string difference;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&difference);
  return differ.Compare(a, b) ? std::string() : difference;
}

// Information issues are allowed in general, but the adapter's own FHIR should give none.
void ExpectNoFindings(const fhir::IssueCollector& issues, std::string_view what) {
  EXPECT_TRUE(issues.issues().empty()) << what << ":\n" << Dump(issues);
}

// How often the generated plans hold what the round trip must cover.
struct Coverage {
  int kinds[5] = {};
  int implicit_candidates = 0;  // tasks without candidates (ToFhir writes stand-ins)
  int whole_team_messages = 0;
  int member_decisions = 0;
  int kind_decisions = 0;
  int organisation_expressed = 0;  // a life goal written down by an organisation

  void Count(const v1::CarePlan& p) {
    for (const v1::CareTeamMember& m : p.team()) ++kinds[KindOf(m)];
    for (const v1::CarePlanTask& t : p.tasks()) implicit_candidates += t.candidates().empty();
    for (const v1::CareMessage& m : p.messages()) whole_team_messages += m.recipients().empty();
    for (const v1::AccessDecision& d : p.access())
      ++(d.member().empty() ? kind_decisions : member_decisions);
    for (const v1::LifeGoal& g : p.life_goals()) {
      for (const v1::CareTeamMember& m : p.team()) {
        organisation_expressed += m.local_key() == g.expressed_by() && m.has_organisation();
      }
    }
  }
  void Expect() const {
    for (int kind = 1; kind <= 4; ++kind) EXPECT_GT(kinds[kind], 20) << kind;
    EXPECT_GT(implicit_candidates, 20);
    EXPECT_GT(whole_team_messages, 20);
    EXPECT_GT(member_decisions, 20);
    EXPECT_GT(kind_decisions, 20);
    EXPECT_GT(organisation_expressed, 5);
  }
};

TEST(CarePlanRoundTrip, GeneratedPlansValidateAndComeBackUnchanged) {
  Coverage coverage;
  for (uint32_t seed : {20261123u, 7u}) {
    Generator generator(seed);
    for (int n = 0; n < kPlans / 2; ++n) {
      const v1::CarePlan plan = generator.Next(n);
      SCOPED_TRACE(Text(plan));
      coverage.Count(plan);
      fhir::IssueCollector check;
      CheckPlan(plan, check);
      ASSERT_FALSE(check.HasErrors()) << "the generator made a plan CheckPlan refuses:\n"
                                      << Dump(check);
      fhir::IssueCollector mapping;
      fhir::json::Document bundle =
          ToFhir(plan, Audience{}, common::testutil::TestContext(), mapping);
      ASSERT_FALSE(mapping.HasErrors()) << Dump(mapping);
      ExpectNoFindings(mapping, "ToFhir");
      if (n % kValidateEvery == 0) common::testutil::ExpectValid(bundle.root());
      fhir::IssueCollector back;
      const v1::CarePlan round_trip =
          FromFhir(bundle.root(), common::testutil::TestContext(), back);
      ExpectNoFindings(back, "FromFhir");
      ASSERT_EQ(Difference(plan, round_trip), "") << Text(round_trip);
    }
  }
  coverage.Expect();
}

// Each member's view, through FHIR: the view ToFhir writes for them reads back as ViewFor.
TEST(CarePlanRoundTrip, AudienceViewsComeBackAsTheView) {
  Generator generator(42);
  int views = 0;
  for (int n = 0; n < 60; ++n) {
    const v1::CarePlan plan = generator.Next(n);
    SCOPED_TRACE(Text(plan));
    for (const v1::CareTeamMember& member : plan.team()) {
      SCOPED_TRACE(member.local_key());
      const std::optional<v1::CarePlan> view = ViewFor(plan, member.local_key());
      ASSERT_TRUE(view.has_value());
      fhir::IssueCollector mapping;
      fhir::json::Document bundle = ToFhir(plan, Audience{.member = member.local_key()},
                                           common::testutil::TestContext(), mapping);
      ASSERT_FALSE(mapping.HasErrors()) << Dump(mapping);
      if (views++ % kValidateEvery == 0) common::testutil::ExpectValid(bundle.root());
      fhir::IssueCollector back;
      const v1::CarePlan round_trip =
          FromFhir(bundle.root(), common::testutil::TestContext(), back);
      ExpectNoFindings(back, "FromFhir");
      ASSERT_EQ(Difference(*view, round_trip), "") << Text(round_trip);
    }
  }
  EXPECT_GT(views, 50);
}

}  // namespace
}  // namespace zorgbrug::adapters::careplan
