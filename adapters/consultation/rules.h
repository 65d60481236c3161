#pragma once

// The rules of multidisciplinary consultations (DOMAIN.md section 2, "Multidisciplinary
// consultations" and the perinatal consultation row of the services table), as pure functions: the
// caller supplies the record and its context (the woman's KCE indicators, the appointed
// coordinator, earlier consultations); nothing is read from a store or a clock. A consultation that
// breaks a rule is still recorded and carried: only its billing lines are refused, each with the
// rule that refused it (RuleReason.rule, listed in adapters/consultation/RULES.md). Amounts come
// from the dated tariff table (adapters/common/tariff.h).

#include "fhir/issues.h"
#include "zorgbrug/v1/consultation.pb.h"

namespace zorgbrug::adapters::consultation {

// Checks what the rules and the mapping rely on, reporting each problem as an error whose
// expression is the proto field path under "record" ("record.participants[2].minutes"): required
// fields (local_key, kind, patient_local_key, start, end after start, consent), each participant
// with exactly one `who`, a professional with a valid NIHDI number and a CD-HCPARTY role, a
// related person with a valid SSIN when given (fhir/identifiers.h), minutes 0..the consultation's
// length and 0 when absent, `designated_by_client` only on a related person, an action's owner a
// valid participant index or -1, at most one client. Returns false when it reported an error. A
// record that passes may still break the programme's rules: that is Bill's business.
bool CheckRecord(const v1::ConsultationRecord& record, fhir::IssueSink& issues);

// The billing the rules allow for `record` (which passed CheckRecord):
//   perinatal consultation: coordinator or case manager appointed, >= 2 KCE indicators, >= 4
//     participants present among them >= 1 insured health professional and the client (or the
//     person she designates), physical or online, consent; one line per present care provider
//     (professional or welfare worker; the client and her informal carers take part unpaid) of
//     EUR 15 per started quarter of an hour of presence ("perinatal-participation", quantity =
//     quarters); at most 1 hour per year per woman (prior reimbursed minutes in the 12 months
//     before count), at most 4 insured professionals paid per consultation;
//   MDO: the person or her representative, the informal carer if the context has one, an organiser,
//     >= 3 different disciplines among the professionals and welfare workers with a GP
//     (persgeneralphysician) or psychiatrist (perspsychiatrist), consent; 1 reimbursed per person
//     per year; organiser EUR 120, care mediator EUR 40, other participants EUR 25, at most 4
//     participants paid;
//   oncological MOC: the patient is absent; the coordinator's first MOC (350372 ambulatory, 350383
//     hospitalised; a later MOC has no number the gateway knows: refused with that reason), the
//     GP's participation (350416 ambulatory, 350420 hospitalised), the GP's talk with the patient
//     afterwards (350232) — nomenclature numbers, amounts set by the insurer (0 here).
// The consultation's date is the UTC date of record.start.
v1::ConsultationBilling Bill(const v1::ConsultationRecord& record,
                             const v1::ConsultationContext& context);

}  // namespace zorgbrug::adapters::consultation
