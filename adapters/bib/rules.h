#pragma once

// The perinatal programme's eligibility and reimbursement rules for a BiB screening (DOMAIN.md
// section 2, the table of services), as pure functions: the caller supplies the screening, the
// history of the pregnancy and the date to decide on; nothing is read from a store or a clock.
// Every decision carries the rules that made it (RuleReason.rule, listed in adapters/bib/RULES.md),
// and the amounts come from the dated tariff table (adapters/common/tariff.h).

#include "fhir/issues.h"
#include "zorgbrug/v1/bib.pb.h"
#include "zorgbrug/v1/common.pb.h"
#include "zorgbrug/v1/perinatal.pb.h"

namespace zorgbrug::adapters::bib {

// Checks what the rules and the mapping rely on, reporting each problem as an error whose
// expression is the proto field path under "screening" ("screening.indicators[2].positive"):
// required fields, one result per indicator, decimal text for scores, a positive flag that agrees
// with score >= threshold, 13 results for COMPLETED and none for REFUSED, a judgement only without
// a complete tool result, gestational age 0..45 weeks + 0..6 days, days postpartum >= 0, a known
// consent. Returns false when it reported an error.
bool CheckScreening(const v1::BibScreening& screening, fhir::IssueSink& issues);

// The rules. `screening` should have passed CheckScreening; `as_of` is the date decided on
// (services "next instance" and the tariff row in force).
v1::ProgrammeEligibility Evaluate(const v1::BibScreening& screening,
                                  const v1::ProgrammeHistory& history, const v1::Date& as_of);

// What the screening contributes to the care plan: with >= 1 positive KCE indicator (or the
// no-tool exception) a PPA task, with >= 2 (or the no-tool exception) a coordination task, and a
// perinatal-consultation task when that service is eligible. Empty tasks when the woman refused to
// share.
v1::CarePlanContribution Contribution(const v1::BibScreening& screening,
                                      const v1::ProgrammeEligibility& eligibility);

}  // namespace zorgbrug::adapters::bib
