#include "fhir/validation/validator.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "fhir/validation/be_core.h"
#include "fhir/validation/bundle_index.h"
#include "fhir/validation/walker.h"

namespace zorgbrug::fhir::validation {
namespace internal {

using definitions::ElementDef;
using definitions::StructureDef;

namespace {

// Collects what the hand-encoded Belgian rules report into the walker's issues.
class WalkerSink final : public IssueSink {
 public:
  explicit WalkerSink(std::vector<Issue>& issues) : issues_(issues) {}
  void Report(Issue issue) override { issues_.push_back(std::move(issue)); }

 private:
  std::vector<Issue>& issues_;
};

void CollectProfiles(const json::Value& resource, std::span<const std::string> extra,
                     std::vector<std::string_view>& out) {
  if (const json::Value* meta = resource.Find("meta")) {
    if (const json::Value* profiles = meta->Find("profile"); profiles && profiles->IsArray()) {
      for (const json::Value& p : profiles->items()) {
        if (p.IsString() && !p.text().empty()) out.push_back(p.text());
      }
    }
  }
  for (const std::string& p : extra) out.push_back(p);
}

}  // namespace

void Walker::Resource(const json::Value& resource, const ResourceScope* container,
                      const json::Value& bundle, const BundleIndex* bundle_index,
                      std::span<const std::string> extra_profiles) {
  std::string_view type = resource.FindString("resourceType");
  const StructureDef* sd = TypeOf(type);
  if (sd == nullptr || sd->kind != definitions::StructureKind::kResource || sd->is_abstract) {
    ReportAt("resourceType", Severity::kError, IssueType::kStructure,
             type.empty() ? "A resource needs a resourceType"
                          : "'" + std::string(type) + "' is not an R4 resource type");
    return;
  }
  ResourceScope scope{resource, container ? container->root_resource : resource, bundle,
                      bundle_index};
  std::optional<BundleIndex> own_index;
  if (type == "Bundle") {
    own_index.emplace(resource);
    scope.bundle = resource;
    scope.bundle_index = &*own_index;
  }
  if (container != nullptr && resource.FindString("id").empty()) {
    Report(Severity::kError, IssueType::kRequired,
           "A contained resource needs an id, by which its container refers to it");
  }
  const ElementDef* root = RootOf(*sd);
  if (root == nullptr) return;
  Object(*sd, *root, resource, Pass::kBase, scope);
  Invariants(*root, nullptr, ElementValue{resource, {}, type}, type, Pass::kBase, scope);
  std::vector<std::string_view> profiles;
  CollectProfiles(resource, extra_profiles, profiles);
  std::set<std::string_view> seen;
  for (std::string_view url : profiles) {
    if (seen.insert(url).second) Profile(resource, url, scope);
  }
}

void Walker::Profile(const json::Value& resource, std::string_view url,
                     const ResourceScope& scope) {
  std::string_view type = resource.FindString("resourceType");
  if (const StructureDef* sd = StructureOf(url)) {
    if (sd->kind != definitions::StructureKind::kResource || sd->type != type) {
      Report(Severity::kError, IssueType::kInvalid,
             "The profile " + std::string(url) + " constrains " + std::string(sd->type) + ", not " +
                 std::string(type));
      return;
    }
    if (sd->derivation == definitions::Derivation::kSpecialization) return;  // the base pass
    const ElementDef* root = RootOf(*sd);
    if (root == nullptr) return;
    Object(*sd, *root, resource, Pass::kProfile, scope);
    Invariants(*root, nullptr, ElementValue{resource, {}, type}, type, Pass::kProfile, scope);
    return;
  }
  if (const BeCoreProfile* be = FindBeCoreProfile(url)) {
    if (be->type != type) {
      Report(Severity::kError, IssueType::kInvalid,
             "The profile " + std::string(url) + " constrains " + std::string(be->type) + ", not " +
                 std::string(type));
      return;
    }
    CheckBeCore(*be, resource);
    return;
  }
  Report(options_.strict ? Severity::kError : Severity::kWarning, IssueType::kNotSupported,
         "The profile " + std::string(url) +
             " is not known to this validator; the resource was checked against the R4 base "
             "definitions only");
}

void Walker::CheckBeCore(const BeCoreProfile& profile, const json::Value& value) {
  WalkerSink sink(issues_);
  CheckBeCoreProfile(profile, value, path_, sink);
}

}  // namespace internal

namespace {

// Drops repeated findings (the base and a profile pass may both see one) and caps the count.
void Emit(std::vector<Issue>& issues, size_t dropped, const ValidationOptions& options,
          IssueSink& sink) {
  std::set<std::tuple<Severity, std::string_view, std::string_view>> seen;
  std::vector<bool> repeated(issues.size());
  for (size_t i = 0; i < issues.size(); ++i) {
    const Issue& issue = issues[i];
    repeated[i] = !seen.emplace(issue.severity, issue.expression, issue.diagnostics).second;
  }
  // Over the limit, errors go first, then warnings, then information; the order is kept.
  auto rank = [](Severity s) { return s == Severity::kFatal ? 0 : static_cast<int>(s) - 1; };
  std::array<size_t, 3> per_rank{};
  for (size_t i = 0; i < issues.size(); ++i) {
    if (!repeated[i]) ++per_rank[rank(issues[i].severity)];
  }
  std::array<size_t, 3> quota{};
  size_t left = options.max_issues;
  for (size_t r = 0; r < quota.size(); ++r) {
    quota[r] = std::min(left, per_rank[r]);
    left -= quota[r];
    dropped += per_rank[r] - quota[r];
  }
  for (size_t i = 0; i < issues.size(); ++i) {
    if (repeated[i]) continue;
    size_t& q = quota[rank(issues[i].severity)];
    if (q == 0) continue;
    --q;
    sink.Report(std::move(issues[i]));
  }
  if (dropped > 0) {
    sink.Report(Issue{Severity::kInformation, IssueType::kTooCostly, "",
                      std::to_string(dropped) + " more issues were found but not reported (limit " +
                          std::to_string(options.max_issues) + " issues)"});
  }
}

}  // namespace

void Validate(const json::Value& resource, const ValidationOptions& options, IssueSink& sink) {
  std::vector<Issue> issues;
  internal::Walker walker(options, issues);
  if (!resource.IsObject()) {
    sink.Report(Issue{Severity::kError, IssueType::kStructure, "",
                      "A FHIR resource must be a JSON object"});
    return;
  }
  walker.path() = std::string(resource.FindString("resourceType"));
  walker.Resource(resource, nullptr, json::Value(), nullptr, options.profiles);
  Emit(issues, walker.dropped(), options, sink);
}

bool IsKnownProfile(std::string_view url) {
  return internal::StructureOf(url) != nullptr || FindBeCoreProfile(url) != nullptr;
}

}  // namespace zorgbrug::fhir::validation
