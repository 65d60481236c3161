#include "gateway/consent.h"

#include <gtest/gtest.h>

namespace zorgbrug::gateway {
namespace {

DestinationConfig Destination(std::string name, v1::MemberKind kind,
                              std::vector<std::string> keys = {}) {
  DestinationConfig destination{std::move(name), "https://example.be/fhir", {}};
  destination.member_kind = kind;
  destination.member_keys = std::move(keys);
  return destination;
}

v1::AccessDecision Decision(std::string member, v1::MemberKind kind, v1::ContentClass content,
                            bool permit) {
  v1::AccessDecision decision;
  decision.set_member(std::move(member));
  decision.set_member_kind(kind);
  decision.set_content(content);
  decision.set_permit(permit);
  return decision;
}

TEST(ConsentTest, ThePlatformHoldingThePlanSeesEverything) {
  v1::CarePlan plan;
  *plan.add_access() =
      Decision("", v1::MEMBER_KIND_PROFESSIONAL, v1::CONTENT_CLASS_CLINICAL, false);
  EXPECT_EQ(ConsentRefusal(&plan, Destination("regional-platform", v1::MEMBER_KIND_UNSPECIFIED),
                           "care-organisation,clinical"),
            std::nullopt);
}

TEST(ConsentTest, WithoutAPlanTheDefaultsPerKindApply) {
  EXPECT_EQ(ConsentRefusal(nullptr, Destination("epd", v1::MEMBER_KIND_PROFESSIONAL), "clinical"),
            std::nullopt);
  const DestinationConfig centre = Destination("centre", v1::MEMBER_KIND_ORGANISATION);
  EXPECT_EQ(ConsentRefusal(nullptr, centre, "care-organisation,life-goals"), std::nullopt);
  std::optional<std::string> refusal = ConsentRefusal(nullptr, centre, "clinical");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("centre"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("clinical"), std::string::npos) << *refusal;
}

TEST(ConsentTest, AWithdrawalAboutTheKindStopsEveryDestinationOfThatKind) {
  v1::CarePlan plan;
  *plan.add_access() =
      Decision("", v1::MEMBER_KIND_PROFESSIONAL, v1::CONTENT_CLASS_CLINICAL, false);
  EXPECT_TRUE(ConsentRefusal(&plan, Destination("epd", v1::MEMBER_KIND_PROFESSIONAL), "clinical"));
  EXPECT_TRUE(ConsentRefusal(&plan, Destination("bihr", v1::MEMBER_KIND_PROFESSIONAL), "clinical"));
  EXPECT_EQ(
      ConsentRefusal(&plan, Destination("epd", v1::MEMBER_KIND_PROFESSIONAL), "care-organisation"),
      std::nullopt);
}

TEST(ConsentTest, AWithdrawalNamingTheDestinationStopsOnlyIt) {
  v1::CarePlan plan;
  *plan.add_access() =
      Decision("epd", v1::MEMBER_KIND_UNSPECIFIED, v1::CONTENT_CLASS_CLINICAL, false);
  EXPECT_TRUE(ConsentRefusal(&plan, Destination("epd", v1::MEMBER_KIND_PROFESSIONAL), "clinical"));
  EXPECT_EQ(ConsentRefusal(&plan, Destination("bihr", v1::MEMBER_KIND_PROFESSIONAL), "clinical"),
            std::nullopt);
}

TEST(ConsentTest, ADestinationInTheTeamReadsAsThatMember) {
  v1::CarePlan plan;
  v1::CareTeamMember* member = plan.add_team();
  member->set_local_key("az-oost");
  member->mutable_welfare_worker();
  // A professional destination standing for a team member who is a welfare worker reads as one.
  const DestinationConfig epd = Destination("epd", v1::MEMBER_KIND_PROFESSIONAL, {"az-oost"});
  EXPECT_TRUE(ConsentRefusal(&plan, epd, "clinical"));
  *plan.add_access() =
      Decision("az-oost", v1::MEMBER_KIND_UNSPECIFIED, v1::CONTENT_CLASS_CLINICAL, true);
  EXPECT_EQ(ConsentRefusal(&plan, epd, "clinical"), std::nullopt);
}

TEST(ConsentTest, AnUnknownContentClassIsRefused) {
  EXPECT_TRUE(
      ConsentRefusal(nullptr, Destination("epd", v1::MEMBER_KIND_PROFESSIONAL), "genomics"));
}

}  // namespace
}  // namespace zorgbrug::gateway
