#pragma once

// The multidisciplinary consultation adapter (adapters/consultation/README.md): pure mappings
// between the typed record of proto/zorgbrug/v1/consultation.proto and BIHR-style FHIR R4. The
// billing rules are in rules.h.

#include "adapters/common/mapping_context.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/consultation.pb.h"

namespace zorgbrug::adapters::consultation {

using MappingContext = common::MappingContext;

// Maps a record that passed CheckRecord (rules.h), with the rules' `billing` for it, to a FHIR R4
// Bundle of type "collection" (fullUrls "urn:uuid:...", references between entries by them), in
// this order:
//   - the Patient, when the record gives her SSIN (identifiers "<base>/patient" and the SSIN); the
//     Encounter's subject then points to it;
//   - each participant who is a professional (Practitioner + PractitionerRole, once per NIHDI
//     number), a welfare worker (adapters/common/professional.h) or a related person
//     (RelatedPerson, adapters/common/related_person.h); the client is the Patient, referred to by
//     identifier "<base>/patient";
//   - the CareTeam (BeCareTeam; identifier "<base>/consultation" "<local_key>"): one participant
//   per
//     record participant, in order, member = the resource above (the client: the Patient), role =
//     the functions (consultation-function code system), the participation mode
//     (consultation-participation: physical / online / phone), "absent" when not present and
//     "designated-by-client"; period = start .. start + minutes when present. This is the source
//     FromFhir reads for the participants;
//   - the Encounter (identifier "<base>/consultation" "<local_key>"; status finished; class AMB
//   when a
//     participant was physically present, else VR; type = the kind (consultation-kind code system);
//     period = start .. end; participant = each present participant who is not the client, with
//     the functions as type and their period);
//   - the Communication of the consultation (status completed; category consultation-record; one
//     payload contentString per decision; basedOn the care plan by identifier "<base>/careplan"
//     when known; sender the organiser), always present;
//   - the DocumentReference of the report (when there is one: text/plain UTF-8 attachment, author
//     the organiser, context.encounter);
//   - one Task (BeTask) per agreed action (identifier "<base>/consultation-action" "<local_key>";
//     intent plan; description; owner and task-candidateList = its owner, or the organiser when
//     nobody took it; restriction.period.end = due);
//   - the R4 Consent of the person (status active when given, rejected when refused);
//   - one ChargeItem per billing line (identifier "<base>/consultation-charge"
//     "<local_key>/<line index>"; status billable when accepted, not-billable when refused; code =
//     the line's system and code; quantity; priceOverride EUR when an amount; performer the
//     participant paid; each reason as a note).
// Mapping problems (an invalid NIHDI number, an unknown CD-HCPARTY code) are errors at the proto
// field path ("record.participants[2].professional.nihdi").
fhir::json::Document ToFhir(const v1::ConsultationRecord& record,
                            const v1::ConsultationBilling& billing, const MappingContext& context,
                            fhir::IssueSink& issues);

// Maps FHIR back to a record: a Bundle with the CareTeam (the participants), the Encounter (the
// kind, start and end), the Communication (decisions, care plan), the DocumentReference (report),
// the Tasks (actions) and the Consent that ToFhir writes. The ChargeItems are derived (the rules
// recompute them) and recognised, not reported; every other element the record cannot carry is an
// information issue at its FHIRPath location. Wrong data is an error at its location.
v1::ConsultationRecord FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                                fhir::IssueSink& issues);

}  // namespace zorgbrug::adapters::consultation
