#include "gateway/access_policy.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "gateway/files.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxPolicyBytes = 1u << 20;

using fhir::json::Value;

absl::Status Error(std::string_view source, std::string_view path, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(source), ": ", std::string(path), ": ", std::string(what)));
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A protobuf full name such as "zorgbrug.v1.Validation": words separated by single dots.
bool IsServiceName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '.' ? name[i + 1] == '.' : !IsWordChar(name[i])) return false;
  }
  return true;
}

bool IsMethodName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), IsWordChar);
}

// "*", "pkg.Service/*" or "pkg.Service/Method".
bool IsRpcPattern(std::string_view pattern) {
  if (pattern == "*") return true;
  const size_t slash = pattern.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view method = pattern.substr(slash + 1);
  return IsServiceName(pattern.substr(0, slash)) && (method == "*" || IsMethodName(method));
}

bool IsDestinationName(std::string_view name) {
  if (name == "*") return true;
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](char c) { return IsWordChar(c) || c == '-' || c == '.'; });
}

std::string_view WithoutLeadingSlash(std::string_view method) {
  if (!method.empty() && method.front() == '/') method.remove_prefix(1);
  return method;
}

// `method` has no leading '/'.
bool Matches(std::string_view pattern, std::string_view method) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == "/*") {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // "pkg.Service/"
    return method.size() > prefix.size() && method.substr(0, prefix.size()) == prefix &&
           method.find('/', prefix.size()) == std::string_view::npos;
  }
  return pattern == method;
}

// Reads the array of strings at `path`, each accepted by `valid` (`what` names a valid item).
absl::Status ReadStrings(const Value& value, std::string_view source, const std::string& path,
                         bool (*valid)(std::string_view), std::string_view what,
                         std::vector<std::string>* out) {
  if (!value.IsArray()) return Error(source, path, "must be an array of strings");
  for (size_t i = 0; i < value.items().size(); ++i) {
    const Value& item = value.items()[i];
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (!item.IsString()) return Error(source, item_path, "must be a string");
    if (!valid(item.text())) {
      return Error(source, item_path,
                   absl::StrCat("\"", std::string(item.text()), "\" is not ", std::string(what)));
    }
    out->emplace_back(item.text());
  }
  return absl::OkStatus();
}

absl::Status ReadRole(const Value& value, std::string_view source, const std::string& path,
                      AccessPolicy::Role* role) {
  if (!value.IsObject()) return Error(source, path, "must be an object");
  for (const fhir::json::Member& member : value.members()) {
    const std::string member_path = absl::StrCat(path, ".", std::string(member.name));
    absl::Status status;
    if (member.name == "rpcs") {
      status = ReadStrings(member.value, source, member_path, IsRpcPattern,
                           "\"*\", \"pkg.Service/*\" or \"pkg.Service/Method\"", &role->rpcs);
    } else if (member.name == "destinations") {
      status = ReadStrings(member.value, source, member_path, IsDestinationName,
                           "a destination name or \"*\"", &role->destinations);
    } else {
      status = Error(source, member_path,
                     absl::StrCat("unknown key \"", std::string(member.name),
                                  "\" (expected \"rpcs\" or \"destinations\")"));
    }
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

std::string KnownRoles() {
  std::string text;
  for (std::string_view role : kRoles) {
    if (!text.empty()) text += ", ";
    text += role;
  }
  return text;
}

bool IsKnownRole(std::string_view role) {
  return std::find(kRoles.begin(), kRoles.end(), role) != kRoles.end();
}

}  // namespace

bool IsAlwaysAllowed(std::string_view method) {
  method = WithoutLeadingSlash(method);
  constexpr std::string_view kHealth = "grpc.health.v1.Health/";
  constexpr std::string_view kReflection = "grpc.reflection.";
  return method.substr(0, kHealth.size()) == kHealth ||
         method.substr(0, kReflection.size()) == kReflection;
}

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(std::string_view json, std::string_view source) {
  fhir::IssueCollector issues;
  fhir::json::ParseLimits limits;
  limits.max_bytes = kMaxPolicyBytes;
  limits.max_depth = 8;
  std::optional<fhir::json::Document> document = fhir::json::Parse(json, limits, issues);
  if (!document) {
    const fhir::Issue& issue = issues.issues().front();
    const std::string& where = issue.expression;
    return Error(source, where.empty() || where[0] == '[' ? "$" + where : "$." + where,
                 issue.diagnostics);
  }
  const Value& root = document->root();
  if (!root.IsObject()) return Error(source, "$", "must be an object");
  AccessPolicy policy;
  for (const fhir::json::Member& member : root.members()) {
    if (member.name != "roles") {
      return Error(
          source, absl::StrCat("$.", std::string(member.name)),
          absl::StrCat("unknown key \"", std::string(member.name), "\" (expected \"roles\")"));
    }
    if (!member.value.IsObject()) return Error(source, "$.roles", "must be an object");
    for (const fhir::json::Member& role : member.value.members()) {
      const std::string path = absl::StrCat("$.roles.", std::string(role.name));
      if (!IsKnownRole(role.name)) {
        return Error(source, path,
                     absl::StrCat("unknown role \"", std::string(role.name),
                                  "\" (known: ", KnownRoles(), ")"));
      }
      Role& entry = policy.roles_[std::string(role.name)];
      if (absl::Status s = ReadRole(role.value, source, path, &entry); !s.ok()) return s;
    }
  }
  if (root.Find("roles") == nullptr) return Error(source, "$", "missing key \"roles\"");
  return policy;
}

absl::StatusOr<AccessPolicy> AccessPolicy::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path, kMaxPolicyBytes);
  if (!text.ok()) {
    return absl::Status(text.status().code(),
                        absl::StrCat("access policy ", path, ": ", text.status().message()));
  }
  return Parse(*text, path);
}

bool AccessPolicy::MayCall(std::string_view role, std::string_view method) const {
  method = WithoutLeadingSlash(method);
  if (IsAlwaysAllowed(method)) return true;
  auto it = roles_.find(role);
  if (it == roles_.end()) return false;
  return std::any_of(it->second.rpcs.begin(), it->second.rpcs.end(),
                     [method](const std::string& pattern) { return Matches(pattern, method); });
}

bool AccessPolicy::MayConsume(std::string_view role, std::string_view destination) const {
  auto it = roles_.find(role);
  if (it == roles_.end()) return false;
  const std::vector<std::string>& allowed = it->second.destinations;
  return std::any_of(allowed.begin(), allowed.end(), [destination](const std::string& name) {
    return name == "*" || name == destination;
  });
}

}  // namespace zorgbrug::gateway
