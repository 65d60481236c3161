// Bill (rules.h): the rules of DOMAIN.md section 2 for a perinatal consultation, an MDO and an
// oncological MOC, one function per kind; the rule ids, the text each implements and its
// boundaries are listed in adapters/consultation/RULES.md.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/common/calendar.h"
#include "adapters/common/programme.h"
#include "adapters/common/tariff.h"
#include "adapters/consultation/rules.h"

namespace zorgbrug::adapters::consultation {
namespace {

using common::CivilFromDays;
using Participant = v1::ConsultationParticipant;
using Reasons = std::vector<v1::RuleReason>;

constexpr std::string_view kBillingSystem =
    "https://zorgbrug.be/fhir/CodeSystem/consultation-billing";
constexpr std::string_view kNomenclatureSystem = "https://www.riziv.fgov.be/nomenclature";
constexpr std::string_view kGp = "persgeneralphysician";
constexpr std::string_view kPsychiatrist = "perspsychiatrist";
constexpr int kMinParticipants = 4;
constexpr size_t kMinIndicators = 2;
constexpr int kMaxInsuredPaid = 4;
constexpr int64_t kYearlyMinutes = 60;
constexpr int64_t kQuarter = 15;
constexpr size_t kMinDisciplines = 3;
constexpr int kMaxMdoParticipantsPaid = 4;

bool HasFunction(const Participant& p, v1::ConsultationFunction f) {
  return std::find(p.functions().begin(), p.functions().end(), f) != p.functions().end();
}

bool IsProfessional(const Participant& p, std::string_view role) {
  return p.has_professional() && p.professional().role().code() == role;
}

// The client herself, or the related person she designated to represent her.
bool IsClientSide(const Participant& p) {
  return p.has_client() || (p.has_related_person() && p.designated_by_client());
}

template <typename Predicate>
bool Any(const v1::ConsultationRecord& r, Predicate predicate) {
  return std::any_of(r.participants().begin(), r.participants().end(), predicate);
}

v1::RuleReason Reason(std::string_view rule, std::string text) {
  v1::RuleReason reason;
  reason.set_rule(std::string(rule));
  reason.set_text(std::move(text));
  return reason;
}

std::string Plural(int64_t n, std::string_view noun) {
  return absl::StrCat(n, " ", std::string(noun), n == 1 ? "" : "s");
}

// The consultation's reasons, and the entry rules that failed (they refuse every line).
struct Verdict {
  v1::ConsultationBilling& billing;
  Reasons failed;

  void Entry(bool holds, std::string_view rule, std::string text,
             const std::set<v1::KceIndicator>& indicators = {}) {
    v1::RuleReason reason = Reason(rule, std::move(text));
    for (v1::KceIndicator k : indicators) reason.add_indicators(k);
    if (!holds) failed.push_back(reason);
    *billing.add_reasons() = std::move(reason);
  }
  void Entry(bool holds, std::string_view rule, std::string_view yes, std::string_view no) {
    Entry(holds, rule, std::string(holds ? yes : no));
  }
  void Note(std::string_view rule, std::string text) {
    *billing.add_reasons() = Reason(rule, std::move(text));
  }
};

// One billing line being decided, accepted when no rule refuses it. A refused line carries the
// reasons that refused it; an accepted one the reasons that set its code and quantity.
struct Line {
  Line(int participant, std::string code, std::string_view system = kNomenclatureSystem)
      : participant(participant), code(std::move(code)), system(system) {}

  int participant;
  std::string code;
  std::string_view system;
  int64_t quantity = 1;
  std::optional<v1::Tariff> tariff;
  Reasons notes;
  Reasons refusals;

  void Note(std::string_view rule, std::string text) {
    notes.push_back(Reason(rule, std::move(text)));
  }
  void Refuse(std::string_view rule, std::string text) {
    refusals.push_back(Reason(rule, std::move(text)));
  }
};

// A line of the project's code system, at the tariff of `tariff_code` on `day` (refused when none
// is in force then).
Line TariffLine(int participant, std::string_view code, std::string_view tariff_code, int64_t day) {
  Line line(participant, std::string(code), kBillingSystem);
  line.tariff = common::TariffOfCode(tariff_code, CivilFromDays(day));
  if (!line.tariff) {
    line.Refuse("tariff.in-force",
                absl::StrCat("no tariff of '", std::string(tariff_code), "' that day"));
  }
  return line;
}

// Adds `line` to the billing, refused with the failed entry rules (first) when there are any.
void Emit(Line line, const Verdict& v) {
  line.refusals.insert(line.refusals.begin(), v.failed.begin(), v.failed.end());
  v1::BillingLine* out = v.billing.add_lines();
  out->set_participant(line.participant);
  out->set_code(line.code);
  out->set_system(std::string(line.system));
  out->set_quantity(static_cast<int32_t>(line.quantity));
  if (line.tariff) *out->mutable_tariff() = *line.tariff;
  out->set_accepted(line.refusals.empty());
  if (out->accepted() && line.tariff) {
    out->set_amount_cents(line.quantity * line.tariff->amount_cents());
    v.billing.set_total_cents(v.billing.total_cents() + out->amount_cents());
  }
  for (v1::RuleReason& r : out->accepted() ? line.notes : line.refusals) {
    *out->add_reasons() = std::move(r);
  }
}

// Whether a prior consultation was held in the year before `day`: from the same calendar day one
// year earlier (AddYears: 29 February -> 1 March) up to the day before `day`.
bool InYearBefore(const v1::PriorConsultation& prior, int64_t day) {
  if (!common::IsSet(prior.held_on())) return false;
  const int64_t held = common::Days(prior.held_on());
  return common::AddYears(CivilFromDays(day), -1) <= held && held < day;
}

// ---- Perinatal consultation

// Taking part counts when present and not by phone ("physical or online").
bool TakesPart(const Participant& p) {
  return p.present() && p.mode() != v1::PARTICIPATION_MODE_PHONE;
}

int64_t Quarters(int64_t minutes) {
  return (std::max<int64_t>(minutes, 0) + kQuarter - 1) / kQuarter;
}

void PerinatalEntry(const v1::ConsultationRecord& r, const v1::ConsultationContext& c, Verdict& v) {
  v.Entry(c.coordinator_appointed(), "perinatal.coordinator-appointed",
          "a coordinator or case manager is appointed",
          "no coordinator or case manager is appointed");
  std::set<v1::KceIndicator> kce;
  for (int k : c.positive_indicators()) {
    const auto indicator = static_cast<v1::KceIndicator>(k);
    if (!common::KceIndicatorCode(indicator).empty()) kce.insert(indicator);
  }
  v.Entry(kce.size() >= kMinIndicators, "perinatal.two-indicators",
          Plural(kce.size(), "positive KCE indicator") + ", at least 2 needed", kce);
  int taking_part = 0, insured = 0;
  for (const Participant& p : r.participants()) {
    taking_part += TakesPart(p) ? 1 : 0;
    insured += TakesPart(p) && p.has_professional() ? 1 : 0;
  }
  v.Entry(taking_part >= kMinParticipants, "perinatal.four-participants",
          Plural(taking_part, "participant") + " present physically or online, at least 4 needed");
  v.Entry(insured >= 1, "perinatal.insured-professional",
          Plural(insured, "insured health professional") + " present, at least 1 needed");
  v.Entry(Any(r, [](const Participant& p) { return TakesPart(p) && IsClientSide(p); }),
          "perinatal.client-present", "the client or the person she designates is present",
          "neither the client nor a person she designates is present");
  v.Entry(r.consent() == v1::CONSULTATION_CONSENT_GIVEN, "perinatal.consent", "the client consents",
          "the client's consent is not given");
  const int64_t phone =
      std::count_if(r.participants().begin(), r.participants().end(),
                    [](const Participant& p) { return p.present() && !TakesPart(p); });
  v.Note("perinatal.physical-or-online",
         phone == 0 ? "nobody took part by phone"
                    : Plural(phone, "participant") + " by phone: not counted, not paid");
}

// The minutes of the yearly hour reimbursed in the year before `day`, at most the hour.
int64_t PriorPerinatalMinutes(const v1::ConsultationContext& c, int64_t day) {
  int64_t minutes = 0;
  for (const v1::PriorConsultation& prior : c.prior()) {
    if (prior.kind() != v1::CONSULTATION_KIND_PERINATAL || !InYearBefore(prior, day)) continue;
    minutes = std::min(minutes + std::max(prior.reimbursed_minutes(), 0), kYearlyMinutes);
  }
  return minutes;
}

// The line of present participant `i` when `left` minutes of the yearly hour remain; `insured`
// counts the insured professionals so far who take part with minutes (the 4 paid are the first).
Line PerinatalLine(const Participant& p, int i, int64_t day, int64_t left, int& insured) {
  Line line = TariffLine(i, "perinatal-participation", "perinatal-consultation", day);
  line.quantity = Quarters(p.minutes());
  line.Note("perinatal.quarter-hours",
            absl::StrCat(std::max(p.minutes(), 0), " minutes present: ",
                         Plural(line.quantity, "started quarter"), " of an hour"));
  if (line.quantity == 0) line.Refuse("perinatal.quarter-hours", "no minutes of presence");
  if (!TakesPart(p)) line.Refuse("perinatal.physical-or-online", "took part by phone");
  if (p.has_professional() && TakesPart(p) && line.quantity > 0 && ++insured > kMaxInsuredPaid) {
    line.Refuse("perinatal.four-insured-paid",
                absl::StrCat("insured professional number ", insured, ": at most 4 are paid"));
  }
  if (line.quantity * kQuarter <= left) return line;
  if (left < kQuarter) {
    line.Refuse("perinatal.yearly-hour", "no quarter of the yearly hour is left");
  } else {
    line.quantity = left / kQuarter;
    line.Note("perinatal.yearly-hour",
              "capped to the " + Plural(line.quantity, "quarter") + " left of the yearly hour");
  }
  return line;
}

void BillPerinatal(const v1::ConsultationRecord& r, const v1::ConsultationContext& c, int64_t day,
                   Verdict& v) {
  PerinatalEntry(r, c, v);
  const int64_t prior = PriorPerinatalMinutes(c, day);
  const int64_t left = kYearlyMinutes - prior;
  int insured = 0;
  int64_t claimed = 0;
  std::vector<Line> lines;
  for (int i = 0; i < r.participants_size(); ++i) {
    const Participant& p = r.participants(i);
    // The fee pays the care providers who take part; the client and her informal carers or
    // representative take part unpaid.
    if (!p.present() || (!p.has_professional() && !p.has_welfare_worker())) continue;
    if (TakesPart(p)) claimed = std::max(claimed, Quarters(p.minutes()));
    lines.push_back(PerinatalLine(p, i, day, left, insured));
  }
  v.Note("perinatal.yearly-hour",
         absl::StrCat(prior, " minutes reimbursed in the year before, ", left, " left; ",
                      Plural(claimed, "quarter"), " claimed",
                      claimed * kQuarter <= left ? ": within the yearly hour"
                      : left < kQuarter          ? ": none left, refused"
                                                 : ": capped to what is left"));
  v.Note("perinatal.four-insured-paid",
         Plural(insured, "insured professional") + (insured > kMaxInsuredPaid
                                                        ? " present: only the first 4 are paid"
                                                        : " present: all paid"));
  for (Line& line : lines) Emit(std::move(line), v);
}

// ---- MDO

void MdoDisciplines(const v1::ConsultationRecord& r, Verdict& v) {
  std::set<std::string> disciplines;
  for (const Participant& p : r.participants()) {
    if (p.present() && p.has_professional()) disciplines.insert(p.professional().role().code());
    if (p.present() && p.has_welfare_worker()) disciplines.insert(p.welfare_worker().role().code());
  }
  disciplines.erase("");
  std::string list;
  for (const std::string& d : disciplines) absl::StrAppend(&list, list.empty() ? "" : ", ", d);
  v.Entry(disciplines.size() >= kMinDisciplines, "mdo.three-disciplines",
          absl::StrCat(Plural(disciplines.size(), "discipline"), " present",
                       list.empty() ? "" : absl::StrCat(" (", list, ")"), ", at least 3 needed"));
  v.Entry(Any(r,
              [](const Participant& p) {
                return p.present() && (IsProfessional(p, kGp) || IsProfessional(p, kPsychiatrist));
              }),
          "mdo.gp-or-psychiatrist", "a GP or psychiatrist takes part (video and phone count)",
          "no GP or psychiatrist takes part");
}

void MdoEntry(const v1::ConsultationRecord& r, const v1::ConsultationContext& c, Verdict& v) {
  v.Entry(Any(r, [](const Participant& p) { return p.present() && IsClientSide(p); }),
          "mdo.person-present", "the person or her representative is present",
          "neither the person nor her representative is present");
  // "The informal carer if any": listed among the participants (invited), present or not.
  const bool carer = Any(r, [](const Participant& p) {
    return p.has_related_person() &&
           p.related_person().relationship() == v1::RELATIONSHIP_INFORMAL_CARER;
  });
  v.Entry(!c.has_informal_carer() || carer, "mdo.informal-carer",
          !c.has_informal_carer() ? "the person has no informal carer"
                                  : "the person's informal carer is invited",
          "the person has an informal carer, who is not among the participants");
  v.Entry(Any(r,
              [](const Participant& p) {
                return p.present() && HasFunction(p, v1::CONSULTATION_FUNCTION_ORGANISER);
              }),
          "mdo.organiser", "the organiser is present", "no organiser is present");
  MdoDisciplines(r, v);
  v.Entry(r.consent() == v1::CONSULTATION_CONSENT_GIVEN, "mdo.consent", "the person consents",
          "the person's consent is not given");
}

// The reason of the once-a-year rule; `blocks` when a reimbursed MDO was held in the year before.
v1::RuleReason MdoOncePerYear(const v1::ConsultationContext& c, int64_t day, bool& blocks) {
  for (const v1::PriorConsultation& prior : c.prior()) {
    if (prior.kind() != v1::CONSULTATION_KIND_MDO || !prior.reimbursed()) continue;
    if (!InYearBefore(prior, day)) continue;
    blocks = true;
    return Reason("mdo.once-per-year",
                  absl::StrCat("an MDO reimbursed on ", common::FullDateText(prior.held_on()),
                               " covers the year up to this one: not reimbursed"));
  }
  return Reason("mdo.once-per-year", "no MDO reimbursed in the year before");
}

// The line of present participant `i` (a professional or welfare worker): the first organiser,
// the first care mediator, else a participant (`paid` counts the participant lines so far).
Line MdoLine(const Participant& p, int i, int64_t day, bool& organiser, bool& mediator, int& paid) {
  if (!organiser && HasFunction(p, v1::CONSULTATION_FUNCTION_ORGANISER)) {
    organiser = true;
    Line line = TariffLine(i, "mdo-organiser", "mdo-organiser", day);
    line.Note("mdo.organiser", "the organiser's fee");
    return line;
  }
  if (!mediator && HasFunction(p, v1::CONSULTATION_FUNCTION_CARE_MEDIATOR)) {
    mediator = true;
    Line line = TariffLine(i, "mdo-care-mediator", "mdo-care-mediator", day);
    line.Note("mdo.care-mediator", "the care mediator's fee");
    return line;
  }
  Line line = TariffLine(i, "mdo-participant", "mdo-participant", day);
  if (++paid > kMaxMdoParticipantsPaid) {
    line.Refuse("mdo.four-paid", absl::StrCat("participant line ", paid, ": at most 4 are paid"));
  } else {
    line.Note("mdo.four-paid", absl::StrCat("participant line ", paid, " of at most 4 paid"));
  }
  return line;
}

void BillMdo(const v1::ConsultationRecord& r, const v1::ConsultationContext& c, int64_t day,
             Verdict& v) {
  MdoEntry(r, c, v);
  bool blocked = false, organiser = false, mediator = false;
  const v1::RuleReason once = MdoOncePerYear(c, day, blocked);
  *v.billing.add_reasons() = once;
  int paid = 0;
  std::vector<Line> lines;
  for (int i = 0; i < r.participants_size(); ++i) {
    const Participant& p = r.participants(i);
    if (!p.present() || !(p.has_professional() || p.has_welfare_worker())) continue;
    lines.push_back(MdoLine(p, i, day, organiser, mediator, paid));
    if (blocked) lines.back().refusals.push_back(once);
  }
  v.Note("mdo.four-paid",
         Plural(paid, "other participant") + (paid > kMaxMdoParticipantsPaid
                                                  ? " present: only the first 4 are paid"
                                                  : " present: all paid"));
  for (Line& line : lines) Emit(std::move(line), v);
}

// ---- Oncological MOC

// The coordinator's line: the first present coordinator, else the first present organiser.
void MocCoordinator(const v1::ConsultationRecord& r, const v1::ConsultationContext& c,
                    std::vector<Line>& lines, Verdict& v) {
  int who = -1;
  for (auto f : {v1::CONSULTATION_FUNCTION_COORDINATOR, v1::CONSULTATION_FUNCTION_ORGANISER}) {
    for (int i = 0; i < r.participants_size() && who < 0; ++i) {
      if (r.participants(i).present() && HasFunction(r.participants(i), f)) who = i;
    }
  }
  if (who < 0) {
    v.Note("moc.first-moc", "no coordinator or organiser present: no coordinator's line");
  } else if (!c.first_moc()) {
    // No number: the line says what was not billed.
    lines.push_back(Line(who, ""));
    lines.back().Refuse("moc.first-moc",
                        "not the patient's first MOC: no nomenclature number is known for a "
                        "later MOC");
    v.Note("moc.first-moc", "a later MOC: the coordinator's line is refused");
  } else {
    lines.push_back(Line(who, c.hospitalised() ? "350383" : "350372"));
    lines.back().Note("moc.first-moc",
                      c.hospitalised() ? "first MOC, hospitalised" : "first MOC, ambulatory");
    v.Note("moc.first-moc", "the patient's first MOC: " + lines.back().code);
  }
}

void MocGeneralPractitioners(const v1::ConsultationRecord& r, const v1::ConsultationContext& c,
                             std::vector<Line>& lines, Verdict& v) {
  int present = 0, first = -1;
  for (int i = 0; i < r.participants_size(); ++i) {
    if (!IsProfessional(r.participants(i), kGp)) continue;
    if (first < 0) first = i;
    if (!r.participants(i).present()) continue;
    ++present;
    lines.push_back(Line(i, c.hospitalised() ? "350420" : "350416"));
    lines.back().Note("moc.gp-participation", "the GP's participation");
  }
  v.Note("moc.gp-participation", Plural(present, "GP") + " present");
  if (c.gp_discussed_result() && first >= 0) {
    lines.push_back(Line(first, "350232"));
    lines.back().Note("moc.gp-talk", "the GP discussed the result with the patient");
  }
  v.Note("moc.gp-talk", !c.gp_discussed_result() ? "no talk of the GP with the patient to bill"
                        : first < 0 ? "the GP's talk is not billed: no GP among the participants"
                                    : "the GP discussed the result with the patient");
}

void BillMoc(const v1::ConsultationRecord& r, const v1::ConsultationContext& c, Verdict& v) {
  v.Entry(!Any(r, [](const Participant& p) { return p.present() && p.has_client(); }),
          "moc.patient-absent", "the patient is absent",
          "the patient is present: a MOC is held without her");
  std::vector<Line> lines;
  MocCoordinator(r, c, lines, v);
  MocGeneralPractitioners(r, c, lines, v);
  for (Line& line : lines) Emit(std::move(line), v);
}

}  // namespace

v1::ConsultationBilling Bill(const v1::ConsultationRecord& record,
                             const v1::ConsultationContext& context) {
  v1::ConsultationBilling billing;
  Verdict v{billing, {}};
  // The UTC date of record.start, in days since 1970-01-01.
  const int64_t seconds = record.start().seconds();
  const int64_t day = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
  switch (record.kind()) {
    case v1::CONSULTATION_KIND_PERINATAL:
      BillPerinatal(record, context, day, v);
      break;
    case v1::CONSULTATION_KIND_MDO:
      BillMdo(record, context, day, v);
      break;
    case v1::CONSULTATION_KIND_ONCOLOGICAL_MOC:
      BillMoc(record, context, v);
      break;
    default:
      v.Entry(false, "consultation.kind", "not a known consultation kind: nothing is billed");
  }
  billing.set_conforms(v.failed.empty());
  return billing;
}

}  // namespace zorgbrug::adapters::consultation
