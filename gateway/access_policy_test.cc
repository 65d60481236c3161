#include "gateway/access_policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace zorgbrug::gateway {
namespace {

// Success when `text` contains `part`; the failure message shows both.
::testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
}

AccessPolicy ParseOrDie(std::string_view json) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(json, "test.json");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *std::move(policy) : AccessPolicy();
}

// The error message of parsing `json`, or "" when it parses.
std::string ErrorOf(std::string_view json) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(json, "test.json");
  if (policy.ok()) return "";
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(policy.status().message());
}

const AccessPolicy& DefaultPolicy() {
  static const AccessPolicy* policy = [] {
    absl::StatusOr<AccessPolicy> loaded =
        AccessPolicy::Load(ZORGBRUG_SOURCE_DIR "/deploy/policy.json");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new AccessPolicy(loaded.ok() ? *std::move(loaded) : AccessPolicy());
  }();
  return *policy;
}

TEST(AccessPolicy, MatchesExactServiceAndGlobalPatterns) {
  AccessPolicy policy = ParseOrDie(R"({"roles": {
      "epd-vendor": {"rpcs": ["a.v1.Svc/Get", "a.v1.Other/*"]},
      "operator": {"rpcs": ["*"]}}})");
  EXPECT_TRUE(policy.MayCall("epd-vendor", "/a.v1.Svc/Get"));
  EXPECT_TRUE(policy.MayCall("epd-vendor", "a.v1.Svc/Get"));
  EXPECT_FALSE(policy.MayCall("epd-vendor", "/a.v1.Svc/Put"));
  EXPECT_TRUE(policy.MayCall("epd-vendor", "/a.v1.Other/Anything"));
  EXPECT_FALSE(policy.MayCall("epd-vendor", "/a.v1.OtherX/Anything"));
  EXPECT_FALSE(policy.MayCall("epd-vendor", "/a.v1.Other/"));
  EXPECT_FALSE(policy.MayCall("epd-vendor", "/a.v1.Svc/GetMore"));
  EXPECT_TRUE(policy.MayCall("operator", "/x.y.Z/W"));
  EXPECT_FALSE(policy.MayCall("regional-platform", "/a.v1.Svc/Get"));  // not in the policy
  EXPECT_FALSE(policy.MayCall("", "/a.v1.Svc/Get"));
}

TEST(AccessPolicy, HealthAndReflectionAreAllowedToEveryRole) {
  AccessPolicy empty = ParseOrDie(R"({"roles": {}})");
  for (const char* method : {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
                             "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"}) {
    EXPECT_TRUE(IsAlwaysAllowed(method)) << method;
    EXPECT_TRUE(empty.MayCall("bihr-destination", method)) << method;
  }
  EXPECT_FALSE(IsAlwaysAllowed("/grpc.healthy.v1.Health/Check"));
  EXPECT_FALSE(IsAlwaysAllowed("/zorgbrug.v1.Validation/Validate"));
}

TEST(AccessPolicy, DestinationsByNameOrWildcard) {
  AccessPolicy policy = ParseOrDie(R"({"roles": {
      "bihr-destination": {"rpcs": [], "destinations": ["bihr"]},
      "operator": {"rpcs": ["*"], "destinations": ["*"]},
      "epd-vendor": {"rpcs": ["*"]}}})");
  EXPECT_TRUE(policy.MayConsume("bihr-destination", "bihr"));
  EXPECT_FALSE(policy.MayConsume("bihr-destination", "epd"));
  EXPECT_TRUE(policy.MayConsume("operator", "anything"));
  EXPECT_FALSE(policy.MayConsume("epd-vendor", "epd"));  // no destinations listed
  EXPECT_FALSE(policy.MayConsume("regional-platform", "regional-platform"));
}

TEST(AccessPolicy, ErrorsNameTheFileTheJsonPathAndTheKey) {
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {}, "rolez": {}})"),
                       "test.json: $.rolez: unknown key \"rolez\""));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"rpcs": ["*"], "destination": ["*"]}}})"),
                       "test.json: $.roles.operator.destination: unknown key \"destination\""));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operatr": {"rpcs": ["*"]}}})"),
                       "test.json: $.roles.operatr: unknown role \"operatr\""));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"rpcs": ["a.B/*", "a.B/C*"]}}})"),
                       "test.json: $.roles.operator.rpcs[1]: \"a.B/C*\" is not"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"rpcs": ["/a.B/C"]}}})"),
                       "$.roles.operator.rpcs[0]"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"rpcs": [1]}}})"),
                       "$.roles.operator.rpcs[0]: must be a string"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"rpcs": "*"}}})"),
                       "$.roles.operator.rpcs: must be an array"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"destinations": ["a b"]}}})"),
                       "$.roles.operator.destinations[0]"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": []})"), "$.roles: must be an object"));
  EXPECT_TRUE(Contains(ErrorOf(R"({})"), "test.json: $: missing key \"roles\""));
  EXPECT_TRUE(Contains(ErrorOf(R"([])"), "test.json: $: must be an object"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {"rpcs": ["*",]}}})"), "test.json: $"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"roles": {"operator": {}, "operator": {}}})"), "test.json"));
}

TEST(AccessPolicy, LoadNamesAMissingFile) {
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Load("/nonexistent/policy.json");
  ASSERT_FALSE(policy.ok());
  EXPECT_TRUE(Contains(std::string(policy.status().message()), "/nonexistent/policy.json"));
}

TEST(DefaultAccessPolicy, GivesEachRoleItsServices) {
  const AccessPolicy& policy = DefaultPolicy();
  for (std::string_view role : kRoles) EXPECT_TRUE(policy.HasRole(role)) << role;
  EXPECT_TRUE(policy.MayCall("epd-vendor", "/zorgbrug.v1.EpdSubmissions/SubmitEpdRecord"));
  EXPECT_TRUE(policy.MayCall("epd-vendor", "/zorgbrug.v1.FhirMessaging/ProcessMessage"));
  EXPECT_TRUE(policy.MayCall("epd-vendor", "/zorgbrug.v1.Validation/Validate"));
  EXPECT_FALSE(policy.MayCall("epd-vendor", "/zorgbrug.v1.Destinations/ListDeadLetters"));
  EXPECT_FALSE(policy.MayCall("epd-vendor", "/zorgbrug.v1.CarePlanSync/PutCarePlan"));
  EXPECT_TRUE(policy.MayCall("regional-platform", "/zorgbrug.v1.CarePlanSync/WatchCarePlans"));
  EXPECT_TRUE(policy.MayCall("regional-platform", "/zorgbrug.v1.CarePlans/Merge"));
  EXPECT_FALSE(policy.MayCall("regional-platform", "/zorgbrug.v1.EpdSubmissions/SubmitEpdRecord"));
  EXPECT_TRUE(policy.MayCall("bihr-destination", "/zorgbrug.v1.Destinations/Subscribe"));
  EXPECT_TRUE(policy.MayCall("bihr-destination", "/zorgbrug.v1.Destinations/Acknowledge"));
  EXPECT_FALSE(policy.MayCall("bihr-destination", "/zorgbrug.v1.Destinations/GetQueueStats"));
  EXPECT_FALSE(policy.MayCall("bihr-destination", "/zorgbrug.v1.Validation/Validate"));
  for (const char* method :
       {"/zorgbrug.v1.Destinations/ListDeadLetters", "/zorgbrug.v1.Destinations/ReplayDeadLetter",
        "/zorgbrug.v1.Destinations/GetQueueStats", "/zorgbrug.v1.AuditEvents/ListAuditEvents"}) {
    EXPECT_TRUE(policy.MayCall("operator", method)) << method;
    for (std::string_view role : kRoles) {
      if (role != "operator") {
        EXPECT_FALSE(policy.MayCall(role, method)) << role << " " << method;
      }
    }
  }
  EXPECT_TRUE(policy.MayConsume("bihr-destination", "bihr"));
  EXPECT_FALSE(policy.MayConsume("bihr-destination", "epd"));
  EXPECT_TRUE(policy.MayConsume("epd-vendor", "epd"));
  EXPECT_TRUE(policy.MayConsume("regional-platform", "regional-platform"));
  EXPECT_TRUE(policy.MayConsume("operator", "bihr"));
}

// Every service declared in proto/zorgbrug/v1 is reachable by the operator, so that a new service
// cannot be forgotten in the default policy unnoticed.
TEST(DefaultAccessPolicy, OperatorReachesEveryDeclaredService) {
  const std::regex kService(R"(^service\s+(\w+)\s*\{)");
  int services = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(ZORGBRUG_SOURCE_DIR "/proto/zorgbrug/v1")) {
    if (entry.path().extension() != ".proto") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch match;
      if (!std::regex_search(line, match, kService)) continue;
      ++services;
      const std::string method = "/zorgbrug.v1." + match[1].str() + "/AnyMethod";
      EXPECT_TRUE(DefaultPolicy().MayCall("operator", method)) << entry.path() << ": " << method;
    }
  }
  EXPECT_GE(services, 8);
}

}  // namespace
}  // namespace zorgbrug::gateway
