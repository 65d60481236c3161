// CheckScreening (rules.h): what the rules and the mapping rely on, each problem reported at its
// proto field path.

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "adapters/bib/rules.h"
#include "adapters/common/bundle_io.h"
#include "adapters/common/decimal.h"
#include "adapters/common/programme.h"

namespace zorgbrug::adapters::bib {
namespace {

using common::CompareDecimal;
using common::Error;
using common::IsDecimal;
using fhir::IssueType;

constexpr int kBibIndicators = 13;
constexpr int kMaxWeeks = 45;

void Required(fhir::IssueSink& issues, std::string expression, std::string_view what) {
  Error(issues, IssueType::kRequired, std::move(expression),
        absl::StrCat(std::string(what), " is required"));
}

void CheckPerformer(const v1::ScreeningPerformer& performer, fhir::IssueSink& issues) {
  const std::string path = "screening.performer";
  if (performer.has_professional()) {
    const v1::Professional& p = performer.professional();
    if (p.nihdi().empty()) Required(issues, path + ".professional.nihdi", "the NIHDI number");
    if (p.role().code().empty()) Required(issues, path + ".professional.role.code", "the role");
  } else if (performer.has_welfare_worker()) {
    const v1::WelfareWorker& w = performer.welfare_worker();
    const std::string at = path + ".welfare_worker";
    if (w.identifier().system().empty()) Required(issues, at + ".identifier.system", "the system");
    if (w.identifier().value().empty()) Required(issues, at + ".identifier.value", "the value");
    if (w.name().family().empty()) Required(issues, at + ".name.family", "the family name");
    if (w.role().code().empty()) Required(issues, at + ".role.code", "the role");
  } else {
    Required(issues, path, "a performer (professional or welfare_worker)");
  }
}

void CheckTiming(const v1::BibScreening& s, fhir::IssueSink& issues) {
  if (s.has_gestational_age()) {
    const v1::GestationalAge& age = s.gestational_age();
    if (age.weeks() < 0 || age.weeks() > kMaxWeeks) {
      Error(issues, IssueType::kValue, "screening.gestational_age.weeks",
            "weeks of gestation must be 0 to 45");
    }
    if (age.days() < 0 || age.days() > 6) {
      Error(issues, IssueType::kValue, "screening.gestational_age.days",
            "days beyond the weeks of gestation must be 0 to 6");
    }
  } else if (s.timing_case() == v1::BibScreening::kDaysPostpartum) {
    if (s.days_postpartum() < 0) {
      Error(issues, IssueType::kValue, "screening.days_postpartum",
            "days postpartum must be 0 (the day of birth) or more");
    }
  } else {
    Required(issues, "screening.timing", "one of gestational_age or days_postpartum");
  }
}

void CheckDecimal(const std::string& text, std::string path, std::string_view what,
                  fhir::IssueSink& issues) {
  if (text.empty()) {
    Required(issues, std::move(path), what);
  } else if (!IsDecimal(text)) {
    Error(issues, IssueType::kValue, std::move(path),
          absl::StrCat(std::string(what), " must be FHIR decimal text such as \"2.5\""));
  }
}

// Checks each result; returns how many distinct known indicators have one.
int CheckIndicators(const v1::BibScreening& s, fhir::IssueSink& issues) {
  std::array<bool, kBibIndicators + 1> seen{};
  int distinct = 0;
  for (int i = 0; i < s.indicators_size(); ++i) {
    const v1::IndicatorResult& r = s.indicators(i);
    const std::string at = absl::StrCat("screening.indicators[", i, "]");
    const std::string_view code = common::BibIndicatorCode(r.indicator());
    if (code.empty()) {
      Required(issues, at + ".indicator", "one of the 13 BiB indicators");
    } else if (seen[r.indicator()]) {
      Error(issues, IssueType::kDuplicate, at + ".indicator",
            absl::StrCat("indicator '", std::string(code), "' appears twice"));
    } else {
      seen[r.indicator()] = true;
      ++distinct;
    }
    CheckDecimal(r.score(), at + ".score", "the score", issues);
    CheckDecimal(r.threshold(), at + ".threshold", "the threshold", issues);
    if (IsDecimal(r.score()) && IsDecimal(r.threshold()) &&
        r.positive() != (CompareDecimal(r.score(), r.threshold()) >= 0)) {
      Error(issues, IssueType::kInvariant, at + ".positive",
            "positive must equal score >= threshold (compared as exact decimals)");
    }
    for (int j = 0; j < r.answers_size(); ++j) {
      const std::string& points = r.answers(j).points();
      if (!points.empty() && !IsDecimal(points)) {
        Error(issues, IssueType::kValue, absl::StrCat(at, ".answers[", j, "].points"),
              "points must be FHIR decimal text such as \"0.5\"");
      }
    }
  }
  return distinct;
}

bool HasJudgement(const v1::BibScreening& s) {
  return s.judgement().clearly_present_size() > 0 || !s.judgement().note().empty();
}

void CheckStatus(const v1::BibScreening& s, int distinct, fhir::IssueSink& issues) {
  switch (s.status()) {
    case v1::SCREENING_STATUS_COMPLETED:
      if (distinct != kBibIndicators) {
        Error(issues, IssueType::kInvariant, "screening.indicators",
              absl::StrCat("a COMPLETED screening needs a result for each of the 13 indicators; ",
                           distinct, " have one"));
      }
      break;
    case v1::SCREENING_STATUS_PARTIAL:
      if (s.indicators_size() == 0) {
        Error(issues, IssueType::kInvariant, "screening.indicators",
              "a PARTIAL screening needs at least one indicator result");
      } else if (distinct == kBibIndicators) {
        Error(issues, IssueType::kInvariant, "screening.status",
              "all 13 indicators have a result: use COMPLETED");
      }
      break;
    case v1::SCREENING_STATUS_REFUSED:
      if (s.indicators_size() > 0) {
        Error(issues, IssueType::kInvariant, "screening.indicators",
              "a REFUSED screening has no indicator results");
      }
      break;
    default:
      Required(issues, "screening.status", "the status (COMPLETED, PARTIAL or REFUSED)");
  }
}

void CheckJudgement(const v1::BibScreening& s, fhir::IssueSink& issues) {
  if (s.status() == v1::SCREENING_STATUS_COMPLETED && HasJudgement(s)) {
    Error(issues, IssueType::kBusinessRule, "screening.judgement",
          "a professional judgement is only allowed without a complete tool result "
          "(REFUSED or PARTIAL)");
  }
  std::vector<v1::KceIndicator> seen;
  for (int k = 0; k < s.judgement().clearly_present_size(); ++k) {
    const v1::KceIndicator indicator = s.judgement().clearly_present(k);
    const std::string at = absl::StrCat("screening.judgement.clearly_present[", k, "]");
    const std::string_view code = common::KceIndicatorCode(indicator);
    if (code.empty()) {
      Error(issues, IssueType::kValue, at, "must be one of the 8 KCE indicators");
    } else if (std::find(seen.begin(), seen.end(), indicator) != seen.end()) {
      Error(issues, IssueType::kDuplicate, at,
            absl::StrCat("KCE indicator '", std::string(code), "' appears twice"));
    } else {
      seen.push_back(indicator);
    }
  }
}

}  // namespace

bool CheckScreening(const v1::BibScreening& screening, fhir::IssueSink& issues) {
  // Counts this call's errors only (it reports nothing else): the sink may hold earlier findings.
  common::CountingSink sink(issues);
  const v1::BibScreening& s = screening;
  if (s.local_key().empty()) Required(sink, "screening.local_key", "local_key");
  if (s.patient_local_key().empty()) {
    Required(sink, "screening.patient_local_key", "patient_local_key");
  }
  CheckPerformer(s.performer(), sink);
  if (!s.has_performed_at()) {
    Required(sink, "screening.performed_at", "performed_at");
  } else if (s.performed_at().seconds() <= 0) {
    Error(sink, IssueType::kValue, "screening.performed_at", "performed_at must be after 1970");
  }
  CheckTiming(s, sink);
  const int distinct = CheckIndicators(s, sink);
  CheckStatus(s, distinct, sink);
  CheckJudgement(s, sink);
  if (s.share_consent() != v1::SHARE_CONSENT_GIVEN &&
      s.share_consent() != v1::SHARE_CONSENT_REFUSED) {
    Required(sink, "screening.share_consent", "the share consent (GIVEN or REFUSED)");
  }
  return sink.count() == 0;
}

}  // namespace zorgbrug::adapters::bib
