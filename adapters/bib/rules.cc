// The programme's rules (DOMAIN.md section 2), one function per service; the rule ids, the row
// each implements and its boundaries are listed in adapters/bib/RULES.md.

#include "adapters/bib/rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/common/calendar.h"
#include "adapters/common/decimal.h"
#include "adapters/common/programme.h"
#include "adapters/common/tariff.h"

namespace zorgbrug::adapters::bib {
namespace {

using common::AddYears;
using common::CivilFromDays;
using common::CompareDecimal;
using common::Days;
using common::FullDateText;
using common::IsDecimal;
using common::IsSet;
using fhir::IssueType;
using Indicators = std::vector<v1::KceIndicator>;

constexpr int kPreferredBeforeWeek = 14;
constexpr int kMaxDaysPostpartum = 7;
constexpr int kMaxReimbursedPpa = 2;
// Trimester 1 runs to 13+6, trimester 2 to 27+6, in days of gestation.
constexpr int64_t kLastDayOfTrimester1 = 13 * 7 + 6;
constexpr int64_t kLastDayOfTrimester2 = 27 * 7 + 6;

// The UTC date of performed_at, in days.
int64_t ScreeningDay(const v1::BibScreening& s) {
  const int64_t seconds = s.performed_at().seconds();
  return seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
}

// ---- Evaluate

// What every service's rule looks at.
struct Facts {
  Indicators positive;  // KCE indicators the tool made positive, in enum order
  Indicators judged;    // known KCE indicators the professional judged clearly present
  bool no_tool_result = false;
  bool no_tool_exception = false;
  bool entry = false;
  int64_t as_of = 0;  // days
};

Indicators SortedUnique(Indicators v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

Facts FactsOf(const v1::BibScreening& s, const v1::Date& as_of) {
  Facts f;
  f.as_of = Days(as_of);
  // A refused screening has no results, whatever it carries; a partial one counts only the
  // indicators it has.
  if (s.status() == v1::SCREENING_STATUS_COMPLETED || s.status() == v1::SCREENING_STATUS_PARTIAL) {
    for (const v1::IndicatorResult& r : s.indicators()) {
      const v1::KceIndicator kce = common::KceIndicatorOf(r.indicator());
      if (r.positive() && kce != v1::KCE_INDICATOR_UNSPECIFIED) f.positive.push_back(kce);
    }
  }
  f.positive = SortedUnique(std::move(f.positive));
  for (int k = 0; k < s.judgement().clearly_present_size(); ++k) {
    const v1::KceIndicator kce = s.judgement().clearly_present(k);
    if (!common::KceIndicatorCode(kce).empty()) f.judged.push_back(kce);
  }
  f.judged = SortedUnique(std::move(f.judged));
  // RULES.md: "without a tool result" = no result that makes her eligible on its own.
  f.no_tool_result = s.status() == v1::SCREENING_STATUS_REFUSED ||
                     (s.status() == v1::SCREENING_STATUS_PARTIAL && f.positive.empty());
  f.no_tool_exception = f.no_tool_result && !f.judged.empty();
  f.entry = !f.positive.empty() || f.no_tool_exception;
  return f;
}

v1::RuleReason Reason(std::string_view rule, std::string text, const Indicators& indicators = {}) {
  v1::RuleReason reason;
  reason.set_rule(std::string(rule));
  reason.set_text(std::move(text));
  for (v1::KceIndicator k : indicators) reason.add_indicators(k);
  return reason;
}

void AddReason(v1::ServiceDecision& d, std::string_view rule, std::string text,
               const Indicators& indicators = {}) {
  *d.add_reasons() = Reason(rule, std::move(text), indicators);
}

void AddWarning(v1::ServiceDecision& d, std::string_view rule, std::string text) {
  *d.add_warnings() = Reason(rule, std::move(text));
}

std::string Count(size_t n) {
  return absl::StrCat(n, " positive KCE indicator", n == 1 ? "" : "s", " from the screening");
}

// The entry rule of a service opened by `needed` positive indicators or the no-tool exception.
void AddCountRule(v1::ServiceDecision& d, std::string_view rule, const Facts& f, size_t needed) {
  const std::string need = absl::StrCat("at least ", needed, " needed");
  if (f.positive.size() >= needed) {
    AddReason(d, rule, absl::StrCat(Count(f.positive.size()), ", ", need), f.positive);
  } else if (f.no_tool_exception) {
    AddReason(d, rule,
              absl::StrCat("no tool result and ", f.judged.size(),
                           " risk factor(s) judged clearly present: the no-tool exception"),
              f.judged);
  } else {
    AddReason(d, rule,
              absl::StrCat(Count(f.positive.size()), ", ", need, ", and no no-tool exception"),
              f.positive);
  }
}

// Makes `d` not reimbursable when no tariff is in force on `day`; sets the tariff otherwise.
void ApplyTariff(v1::ServiceDecision& d, int64_t day) {
  if (!d.reimbursable()) return;
  if (const auto tariff = common::TariffOf(d.service(), CivilFromDays(day))) {
    *d.mutable_tariff() = *tariff;
    return;
  }
  d.set_reimbursable(false);
  AddReason(d, "tariff.in-force",
            absl::StrCat("no tariff of '", std::string(common::ProgrammeServiceCode(d.service())),
                         "' is in force on that date"));
}

const v1::PriorScreening* ReimbursedCompleted(const v1::BibScreening& s,
                                              const v1::ProgrammeHistory& h) {
  for (const v1::PriorScreening& prior : h.screenings()) {
    // The history may already list this screening: it never counts against itself.
    if (!s.local_key().empty() && prior.local_key() == s.local_key()) continue;
    if (prior.status() == v1::SCREENING_STATUS_COMPLETED && prior.reimbursed()) return &prior;
  }
  return nullptr;
}

v1::ServiceDecision ScreeningDecision(const v1::BibScreening& s, const v1::ProgrammeHistory& h) {
  v1::ServiceDecision d;
  d.set_service(v1::PROGRAMME_SERVICE_BIB_SCREENING);
  d.set_eligible(true);
  AddReason(d, "screening.universal", "every pregnant woman may be screened");
  bool reimbursable = s.status() == v1::SCREENING_STATUS_COMPLETED;
  AddReason(d, "screening.completed-only",
            reimbursable ? "the screening is completed"
                         : "only a completed screening is reimbursed; this one is not");
  if (reimbursable) {
    if (const v1::PriorScreening* prior = ReimbursedCompleted(s, h)) {
      reimbursable = false;
      AddReason(d, "screening.once-per-pregnancy",
                absl::StrCat("a completed screening of this pregnancy",
                             IsSet(prior->performed_on())
                                 ? absl::StrCat(" (", FullDateText(prior->performed_on()), ")")
                                 : "",
                             " was already reimbursed; this one is accepted, not reimbursed"));
    } else {
      AddReason(d, "screening.once-per-pregnancy",
                "the first reimbursed completed screening of this pregnancy");
    }
  }
  if (s.has_gestational_age() && s.gestational_age().weeks() >= kPreferredBeforeWeek) {
    AddWarning(d, "screening.preferred-before-week-14",
               "a screening is preferably done before week 14 of the pregnancy");
  } else if (s.timing_case() == v1::BibScreening::kDaysPostpartum) {
    const bool in_time = s.days_postpartum() <= kMaxDaysPostpartum;
    reimbursable = reimbursable && in_time;
    AddReason(d, "screening.until-7-days-postpartum",
              in_time ? "done within 7 days postpartum"
                      : "done more than 7 days postpartum: accepted, not reimbursed");
  }
  d.set_reimbursable(reimbursable);
  ApplyTariff(d, ScreeningDay(s));
  return d;
}

// Warns when the next PPA (the first or second reimbursed one) falls outside its trimester.
void WarnPpaTiming(v1::ServiceDecision& d, const v1::BibScreening& s, const v1::ProgrammeHistory& h,
                   const Facts& f, int earlier) {
  const bool first = earlier == 0;
  const std::string_view rule = first ? "ppa.first-in-trimester-1" : "ppa.second-in-trimester-3";
  const bool born = IsSet(h.child_birth_date()) && f.as_of >= Days(h.child_birth_date());
  if (s.timing_case() == v1::BibScreening::kDaysPostpartum || born) {
    AddWarning(d, rule, "the date decided on is on or after the birth: the PPA is not prenatal");
    return;
  }
  if (!s.has_gestational_age()) return;
  const int64_t age = int64_t{s.gestational_age().weeks()} * 7 + s.gestational_age().days() +
                      (f.as_of - ScreeningDay(s));
  if (first && age > kLastDayOfTrimester1) {
    AddWarning(d, rule, "the first PPA is preferably in trimester 1 (to 13+6 weeks)");
  } else if (!first && age <= kLastDayOfTrimester2) {
    AddWarning(d, rule, "the second PPA is preferably in trimester 3 (from 28+0 weeks)");
  }
}

v1::ServiceDecision PpaDecision(const v1::BibScreening& s, const v1::ProgrammeHistory& h,
                                const Facts& f) {
  v1::ServiceDecision d;
  d.set_service(v1::PROGRAMME_SERVICE_PPA);
  d.set_eligible(f.entry);
  AddCountRule(d, "ppa.entry", f, 1);
  if (!f.entry) return d;
  const int64_t reimbursed =
      std::count_if(h.services().begin(), h.services().end(), [](const v1::DeliveredService& x) {
        return x.service() == v1::PROGRAMME_SERVICE_PPA && x.reimbursed();
      });
  d.set_reimbursable(reimbursed < kMaxReimbursedPpa);
  AddReason(d, "ppa.max-two-reimbursed",
            d.reimbursable()
                ? absl::StrCat(reimbursed, " of the 2 reimbursed PPAs of this pregnancy used")
                : "2 PPAs of this pregnancy were reimbursed: more are allowed, not reimbursed");
  if (reimbursed < kMaxReimbursedPpa) WarnPpaTiming(d, s, h, f, static_cast<int>(reimbursed));
  ApplyTariff(d, f.as_of);
  return d;
}

v1::ServiceDecision CoordinationDecision(const v1::ProgrammeHistory& h, const Facts& f) {
  v1::ServiceDecision d;
  d.set_service(v1::PROGRAMME_SERVICE_COORDINATION);
  d.set_eligible(f.positive.size() >= 2 || f.no_tool_exception);
  AddCountRule(d, "coordination.two-indicators", f, 2);
  if (!d.eligible()) return d;
  bool reimbursable = true;
  if (!IsSet(h.child_birth_date())) {
    AddReason(d, "coordination.until-second-birthday", "the child is not born yet");
  } else if (f.as_of < AddYears(h.child_birth_date(), 2)) {
    AddReason(d, "coordination.until-second-birthday", "before the child's 2nd birthday");
  } else {
    reimbursable = false;
    AddReason(d, "coordination.until-second-birthday", "on or after the child's 2nd birthday");
  }
  const v1::DeliveredService* blocking = nullptr;
  for (const v1::DeliveredService& x : h.services()) {
    if (x.service() != v1::PROGRAMME_SERVICE_COORDINATION || !x.reimbursed()) continue;
    if (!IsSet(x.delivered_on())) continue;
    if (Days(x.delivered_on()) <= f.as_of && f.as_of < AddYears(x.delivered_on(), 1)) {
      blocking = &x;
      break;
    }
  }
  if (blocking != nullptr) {
    reimbursable = false;
    AddReason(d, "coordination.once-per-year",
              absl::StrCat("a coordination reimbursed on ", FullDateText(blocking->delivered_on()),
                           " covers the year up to the date decided on"));
  } else {
    AddReason(d, "coordination.once-per-year", "no coordination reimbursed in the year before");
  }
  d.set_reimbursable(reimbursable);
  ApplyTariff(d, f.as_of);
  return d;
}

v1::ServiceDecision ConsultationDecision(const v1::ProgrammeHistory& h, const Facts& f) {
  v1::ServiceDecision d;
  d.set_service(v1::PROGRAMME_SERVICE_PERINATAL_CONSULTATION);
  const bool two = f.positive.size() >= 2;
  d.set_eligible(h.coordinator_appointed() && two);
  AddReason(
      d, "perinatal-consultation.coordinator-and-two-indicators",
      absl::StrCat(
          h.coordinator_appointed() ? "a coordinator or case manager is appointed"
                                    : "no coordinator or case manager is appointed",
          "; ", Count(f.positive.size()), ", at least 2 needed",
          !two && f.no_tool_exception ? " (the no-tool exception does not open this service)" : ""),
      f.positive);
  if (!d.eligible()) return d;
  d.set_reimbursable(true);
  AddReason(d, "perinatal-consultation.per-consultation-limits",
            "the tariff is per participant per 15 minutes; participants, duration and the yearly "
            "hour are checked per consultation by the consultation adapter");
  ApplyTariff(d, f.as_of);
  return d;
}

void AddEntryReasons(const Facts& f, v1::ProgrammeEligibility& e) {
  *e.add_reasons() =
      Reason("entry.one-indicator",
             absl::StrCat(Count(f.positive.size()), f.positive.empty() ? "" : ": programme entry"),
             f.positive);
  if (f.no_tool_exception) {
    *e.add_reasons() = Reason("entry.no-tool-exception",
                              absl::StrCat("no tool result and ", f.judged.size(),
                                           " risk factor(s) judged clearly present: programme "
                                           "entry"),
                              f.judged);
  } else if (f.no_tool_result) {
    *e.add_reasons() = Reason("entry.no-tool-exception",
                              "no tool result and no risk factor judged clearly present");
  } else if (!f.judged.empty()) {
    *e.add_reasons() = Reason("entry.no-tool-exception",
                              "the tool result has positive indicators: the judgement is not used");
  }
}

// The rule that opens each service a task is proposed for.
struct TaskRule {
  v1::ProgrammeService service;
  std::string_view rule;
};
constexpr std::array<TaskRule, 3> kTaskRules = {{
    {v1::PROGRAMME_SERVICE_PPA, "ppa.entry"},
    {v1::PROGRAMME_SERVICE_COORDINATION, "coordination.two-indicators"},
    {v1::PROGRAMME_SERVICE_PERINATAL_CONSULTATION,
     "perinatal-consultation.coordinator-and-two-indicators"},
}};

}  // namespace

v1::ProgrammeEligibility Evaluate(const v1::BibScreening& screening,
                                  const v1::ProgrammeHistory& history, const v1::Date& as_of) {
  const Facts f = FactsOf(screening, as_of);
  v1::ProgrammeEligibility e;
  *e.mutable_as_of() = as_of;
  e.set_programme_entry(f.entry);
  for (v1::KceIndicator k : f.positive) e.add_positive_indicators(k);
  e.set_no_tool_exception(f.no_tool_exception);
  AddEntryReasons(f, e);
  *e.add_services() = ScreeningDecision(screening, history);
  *e.add_services() = PpaDecision(screening, history, f);
  *e.add_services() = CoordinationDecision(history, f);
  *e.add_services() = ConsultationDecision(history, f);
  return e;
}

v1::CarePlanContribution Contribution(const v1::BibScreening& screening,
                                      const v1::ProgrammeEligibility& eligibility) {
  v1::CarePlanContribution c;
  c.set_source(absl::StrCat("bib-screening/", screening.local_key()));
  c.set_patient_local_key(screening.patient_local_key());
  c.set_pregnancy_local_key(screening.pregnancy_local_key());
  // Only with her consent: an unknown consent is treated as a refusal.
  if (screening.share_consent() != v1::SHARE_CONSENT_GIVEN) return c;
  for (const TaskRule& task_rule : kTaskRules) {
    for (const v1::ServiceDecision& d : eligibility.services()) {
      if (d.service() != task_rule.service || !d.eligible()) continue;
      v1::ProposedTask* task = c.add_tasks();
      task->set_service(d.service());
      for (const v1::RuleReason& r : d.reasons()) {
        if (r.rule() == task_rule.rule) *task->mutable_reason() = r;
      }
      break;
    }
  }
  return c;
}

}  // namespace zorgbrug::adapters::bib
