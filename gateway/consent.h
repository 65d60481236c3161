#pragma once

// The person's consent at delivery (issue #9): whether a destination may receive an outbox entry
// under the access decisions of her care plan (care_plan.proto AccessDecision; the rules of
// adapters/careplan/rules.h MaySee). The BiB consent flag ("do not share") is applied earlier: such
// a screening is routed to nobody (engine_submit.cc).

#include <optional>
#include <string>
#include <string_view>

#include "gateway/destinations.h"
#include "zorgbrug/v1/care_plan.pb.h"

namespace zorgbrug::gateway {

// Whether consent can restrict `destination` at all: false for a destination of no member kind
// (the platform holding the plan), which the caller then need not read the plan for.
bool ConsentRestricts(const DestinationConfig& destination);

// Why `destination` may not see content of the classes `content` (AcceptedMessage::content:
// comma-separated ContentClass codes) of a patient whose plan is `plan` (null: she has none, so
// only the defaults per member kind apply), or nullopt when it may. The destination reads as the
// team member whose key is one of its member_keys (its name when none is configured) when the
// plan's team has one, else as an outside member of its member_kind; a destination of no member
// kind (the platform holding the plan) may see everything. The reason names the destination and
// the class, never content.
std::optional<std::string> ConsentRefusal(const v1::CarePlan* plan,
                                          const DestinationConfig& destination,
                                          std::string_view content);

}  // namespace zorgbrug::gateway
