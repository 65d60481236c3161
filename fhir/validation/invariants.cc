// Invariants (ElementDefinition.constraint): each FHIRPath expression is compiled once per process
// on first use and evaluated on every value of its element
// (http://hl7.org/fhir/R4/conformance-rules.html#constraints).

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "fhir/fhirpath/fhirpath.h"
#include "fhir/validation/walker.h"

namespace zorgbrug::fhir::validation::internal {

using definitions::Constraint;
using definitions::ElementDef;

namespace {

// Compiled expressions by text; the views point into the static definition tables. Expressions
// that do not compile are kept as their status.
class ExpressionCache {
 public:
  const absl::StatusOr<fhirpath::Expression>& Get(std::string_view text) {
    {
      std::shared_lock lock(mutex_);
      auto it = compiled_.find(text);
      if (it != compiled_.end()) return *it->second;
    }
    auto compiled = std::make_unique<absl::StatusOr<fhirpath::Expression>>(fhirpath::Compile(text));
    std::unique_lock lock(mutex_);
    auto [it, inserted] = compiled_.try_emplace(text, std::move(compiled));
    return *it->second;
  }

 private:
  std::shared_mutex mutex_;
  std::unordered_map<std::string_view, std::unique_ptr<absl::StatusOr<fhirpath::Expression>>>
      compiled_;
};

// A per-thread front of the shared cache, keyed by the constraint's address: no lock and no
// hashing of the text once a thread has seen a constraint.
const absl::StatusOr<fhirpath::Expression>& Compiled(const Constraint& constraint) {
  static ExpressionCache* shared = new ExpressionCache();
  thread_local absl::flat_hash_map<const Constraint*, const absl::StatusOr<fhirpath::Expression>*>
      local;
  auto [it, inserted] = local.try_emplace(&constraint, nullptr);
  if (inserted) it->second = &shared->Get(constraint.expression);
  return *it->second;
}

bool HasKey(std::span<const Constraint> constraints, std::string_view key) {
  for (const Constraint& c : constraints) {
    if (c.key == key) return true;
  }
  return false;
}

// Whether the base pass already evaluated `key` on this element: it is in the core definition of
// the element, or it is one of the constraints every element or extension carries.
bool BaseRan(const ElementDef& def, std::string_view key) {
  if (key == "ele-1" || key == "ext-1") return true;
  const ElementDef* base = BaseElement(def.path);
  return base != nullptr && HasKey(base->constraints, key);
}

// The invariant's verdict on the context's focus: std::nullopt when the expression is empty there.
absl::StatusOr<std::optional<bool>> Holds(const Constraint& constraint,
                                          const fhirpath::Context& context) {
  const absl::StatusOr<fhirpath::Expression>& expression = Compiled(constraint);
  if (!expression.ok()) return expression.status();
  absl::StatusOr<fhirpath::Collection> result = fhirpath::Evaluate(*expression, context);
  if (!result.ok()) return result.status();
  return fhirpath::ToBoolean(*result);
}

}  // namespace

void Walker::Invariants(const ElementDef& def, const ElementDef* type_root,
                        const ElementValue& item, std::string_view type_code, Pass pass,
                        const ResourceScope& scope) {
  if (def.constraints.empty() && (type_root == nullptr || type_root->constraints.empty())) return;
  fhirpath::Context context;
  bool resource_root = def.path.find('.') == std::string_view::npos && item.value.IsObject() &&
                       item.value.Find("resourceType") != nullptr;
  context.focus = resource_root ? fhirpath::ResourceItem(item.value)
                                : fhirpath::Item::Node(item.value, item.ext, item.name, type_code);
  context.resource = scope.resource;
  context.root_resource = scope.root_resource;
  context.bundle = scope.bundle;
  context.now = options_.now;
  auto run = [&](const Constraint& c) {
    absl::StatusOr<std::optional<bool>> holds = Holds(c, context);
    if (!holds.ok()) {
      Report(Severity::kInformation, IssueType::kNotSupported,
             "Invariant " + std::string(c.key) +
                 " was not evaluated: " + std::string(holds.status().message()));
    } else if (holds->has_value() && !**holds) {
      Report(c.severity == definitions::Severity::kError ? Severity::kError : Severity::kWarning,
             IssueType::kInvariant,
             "Constraint " + std::string(c.key) + " failed: " + std::string(c.human));
    }
  };
  for (const Constraint& c : def.constraints) {
    if (pass == Pass::kProfile && BaseRan(def, c.key)) continue;
    run(c);
  }
  if (type_root != nullptr) {
    for (const Constraint& c : type_root->constraints) {
      if (!HasKey(def.constraints, c.key)) run(c);
    }
  }
}

}  // namespace zorgbrug::fhir::validation::internal
