#pragma once

// The Born in Belgium screening adapter (adapters/bib/README.md): pure mappings between the typed
// screening of proto/zorgbrug/v1/bib.proto and BIHR-style FHIR R4. The programme's rules are in
// rules.h; the Questionnaire and code systems the project publishes in definitions.h.

#include "adapters/common/mapping_context.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/bib.pb.h"
#include "zorgbrug/v1/perinatal.pb.h"

namespace zorgbrug::adapters::bib {

using MappingContext = common::MappingContext;

// Maps a screening that passed CheckScreening (rules.h), with the rules' `eligibility` for it, to a
// FHIR R4 Bundle of type "collection" (fullUrls "urn:uuid:...", references between entries by
// them), in this order:
//   - the performer: Practitioner (BePractitioner) + PractitionerRole (BePractitionerRole), and
//     the Organization it acts for;
//   - the QuestionnaireResponse of the BiB Questionnaire (definitions.h): everything the screening
//     holds, the source FromFhir reads;
//   - the panel Observation (BeClinicalObservation, code bib-screening) with hasMember to
//   - one Observation per indicator result (BeClinicalObservation; the score as valueQuantity, the
//     threshold as a component, the positive flag as interpretation POS/NEG; derivedFrom the
//     QuestionnaireResponse);
//   - the 8 KCE indicators (BeClinicalObservation, valueBoolean, derivedFrom the indicator
//     Observations they count; unknown ones with dataAbsentReason), not for a refused screening;
//   - the professional's judgement (when given) and the eligibility result (programme entry, one
//     component per service, the reasons as notes);
//   - one BeTask per care-plan task of rules.h Contribution (identifier "<base>/bib-screening-task"
//     "<local_key>/<service code>", so that the care-plan adapter merges it idempotently).
// The woman and her pregnancy are referred to by identifier ("<base>/patient", "<base>/pregnancy").
// When she refused to share, every resource carries the security label NORDSCLCD (no redisclosure
// without consent), there are no tasks, and an information issue says the Bundle must not be sent
// to others. Mapping problems (an invalid NIHDI number, an unknown CD-HCPARTY code) are errors at
// the proto field path ("screening.performer.professional.nihdi").
fhir::json::Document ToFhir(const v1::BibScreening& screening,
                            const v1::ProgrammeEligibility& eligibility,
                            const MappingContext& context, fhir::IssueSink& issues);

// Maps FHIR back to a screening: a Bundle holding the QuestionnaireResponse of the BiB
// Questionnaire, or the QuestionnaireResponse alone (its performer then needs the Bundle). The
// derived resources ToFhir writes (Observations, tasks) are recognised and not reported; every
// other element the screening cannot carry is an information issue at its FHIRPath location.
// Wrong data is an error at its location.
v1::BibScreening FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                          fhir::IssueSink& issues);

// Whether the woman's decision lets the screening be sent to others.
inline bool Shareable(const v1::BibScreening& screening) {
  return screening.share_consent() == v1::SHARE_CONSENT_GIVEN;
}

}  // namespace zorgbrug::adapters::bib
