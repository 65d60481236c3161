#include "gateway/consent.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/careplan/rules.h"

namespace zorgbrug::gateway {
namespace {

std::optional<v1::ContentClass> ClassOf(std::string_view code) {
  if (code == "care-organisation") return v1::CONTENT_CLASS_CARE_ORGANISATION;
  if (code == "life-goals") return v1::CONTENT_CLASS_LIFE_GOALS;
  if (code == "clinical") return v1::CONTENT_CLASS_CLINICAL;
  return std::nullopt;
}

// The team member `destination` reads as in `plan`.
v1::CareTeamMember ReaderOf(const v1::CarePlan& plan, const DestinationConfig& destination) {
  std::vector<std::string> keys = destination.member_keys;
  if (keys.empty()) keys.push_back(destination.name);
  for (const std::string& key : keys) {
    for (const v1::CareTeamMember& member : plan.team()) {
      if (member.local_key() == key) return member;
    }
  }
  v1::CareTeamMember outside;
  outside.set_local_key(keys.front());
  switch (destination.member_kind) {
    case v1::MEMBER_KIND_PROFESSIONAL:
      outside.mutable_professional();
      break;
    case v1::MEMBER_KIND_WELFARE_WORKER:
      outside.mutable_welfare_worker();
      break;
    case v1::MEMBER_KIND_INFORMAL_CARER:
      outside.mutable_informal_carer();
      break;
    case v1::MEMBER_KIND_ORGANISATION:
      outside.mutable_organisation();
      break;
    default:
      break;
  }
  return outside;
}

}  // namespace

bool ConsentRestricts(const DestinationConfig& destination) {
  return destination.member_kind != v1::MEMBER_KIND_UNSPECIFIED;
}

std::optional<std::string> ConsentRefusal(const v1::CarePlan* plan,
                                          const DestinationConfig& destination,
                                          std::string_view content) {
  if (!ConsentRestricts(destination)) return std::nullopt;
  static const v1::CarePlan kNoPlan;
  const v1::CarePlan& decisions = plan != nullptr ? *plan : kNoPlan;
  const v1::CareTeamMember reader = ReaderOf(decisions, destination);
  for (absl::string_view code :
       absl::StrSplit(absl::string_view(content.data(), content.size()), ',', absl::SkipEmpty())) {
    std::optional<v1::ContentClass> content_class =
        ClassOf(std::string_view(code.data(), code.size()));
    // A class this build does not know is refused: consent is never assumed.
    if (!content_class || !adapters::careplan::MaySee(decisions, reader, *content_class)) {
      return absl::StrCat("consent: the person's access decisions do not let destination ",
                          destination.name, " see ", std::string(code.data(), code.size()),
                          " content");
    }
  }
  return std::nullopt;
}

}  // namespace zorgbrug::gateway
