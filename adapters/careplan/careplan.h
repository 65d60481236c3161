#pragma once

// The care and support plan adapter (adapters/careplan/README.md): pure mappings between the typed
// plan of proto/zorgbrug/v1/care_plan.proto and BIHR-style FHIR R4. Checking, contributions and
// access are in rules.h; the three-way merge in merge.h.

#include <string>

#include "adapters/common/mapping_context.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "zorgbrug/v1/care_plan.pb.h"

namespace zorgbrug::adapters::careplan {

using MappingContext = common::MappingContext;

// Who a mapping's output is for.
struct Audience {
  // Empty: the whole plan, for the platform that holds it or the person herself. Otherwise a team
  // member's key: the output holds only what the person's access decisions let that member see
  // (rules.h ViewFor); a key that is not in the team is an error at "audience.member" and the
  // output is an empty Bundle.
  std::string member;
};

// Maps a plan that passed CheckPlan (rules.h) to a FHIR R4 Bundle of type "collection" (fullUrls
// "urn:uuid:...", references between entries by them), in this order:
//   - each team member's resource: a professional (Practitioner + PractitionerRole, once per NIHDI
//     number), a welfare worker (adapters/common/professional.h), an informal carer (RelatedPerson,
//     adapters/common/related_person.h), an organisation (Organization);
//   - the CareTeam (BeCareTeam; identifier "<base>/careplan" = the plan's key): one participant per
//     member, in order, with its roles and period;
//   - one Goal (BeGoal) per life goal, then one per care goal, told apart by category
//     (careplan-goal-category "life-goal" / "care-goal");
//   - one Task (BeTask) per task, with task-candidateList;
//   - one Communication per care message;
//   - the Consent with the person's access decisions, when she made any;
//   - the CarePlan (BeCarePlan), last, referring to all of the above.
// The person is referred to by identifier "<base>/patient"; no Patient resource is written.
// Mapping problems (an invalid NIHDI number) are errors at the proto field path
// ("plan.team[2].professional.nihdi").
fhir::json::Document ToFhir(const v1::CarePlan& plan, const Audience& audience,
                            const MappingContext& context, fhir::IssueSink& issues);

// Maps FHIR back to a plan: a Bundle (any type) holding the CarePlan and what it refers to, as
// ToFhir writes it, or as a platform writes it (the legacy HL7 Belgium DZOP examples: CarePlan,
// CareTeam with role texts, Practitioner, RelatedPerson, Organization, Communication). Everything
// the plan cannot carry is an information issue at its FHIRPath location; wrong data is an error at
// its location.
v1::CarePlan FromFhir(const fhir::json::Value& fhir, const MappingContext& context,
                      fhir::IssueSink& issues);

}  // namespace zorgbrug::adapters::careplan
