// The checks of one value against its element definition: required bindings, fixed and pattern
// values, reference targets, and extensions against the extension profiles the tables know.

#include <string>

#include "fhir/validation/be_core.h"
#include "fhir/validation/value_match.h"
#include "fhir/validation/walker.h"

namespace zorgbrug::fhir::validation::internal {

using definitions::ElementDef;
using definitions::StructureDef;
using definitions::TypeRef;

namespace {

constexpr size_t kMaxShownJson = 200;

std::string Shown(std::string_view json_text) {
  if (json_text.size() <= kMaxShownJson) return std::string(json_text);
  return std::string(json_text.substr(0, kMaxShownJson)) + "…";
}

bool InValueSet(const definitions::ValueSetDef& vs, const json::Value& coding) {
  std::string_view code = coding.FindString("code");
  return !code.empty() && definitions::ContainsCode(vs, coding.FindString("system"), code);
}

// The resource type a canonical of a profile stands for ("…/be-patient" -> "Patient"); empty
// when the profile is unknown.
std::string_view TypeOfProfile(std::string_view canonical) {
  if (const StructureDef* sd = StructureOf(canonical)) return sd->type;
  if (const BeCoreProfile* be = FindBeCoreProfile(canonical)) return be->type;
  return {};
}

bool SameTargets(const TypeRef& a, const TypeRef& b) {
  if (a.targets.size() != b.targets.size()) return false;
  for (size_t i = 0; i < a.targets.size(); ++i) {
    if (a.targets[i] != b.targets[i]) return false;
  }
  return true;
}

std::string TargetList(const TypeRef& type) {
  std::string out;
  for (size_t i = 0; i < type.targets.size(); ++i) {
    if (i > 0) out += i + 1 == type.targets.size() ? " or " : ", ";
    out += type.targets[i];
  }
  return out;
}

}  // namespace

void Walker::Binding(const ElementDef& def, std::string_view code, const json::Value& value,
                     Pass pass) {
  const definitions::ValueSetDef* vs = definitions::FindValueSet(def.value_set);
  if (vs == nullptr || !vs->expandable) return;
  if (pass == Pass::kProfile) {
    const ElementDef* base = BaseElement(def.path);
    if (base != nullptr && base->binding == definitions::BindingStrength::kRequired &&
        base->value_set == def.value_set) {
      return;
    }
  }
  std::string where =
      " (required binding of " + std::string(def.path) + " to " + std::string(vs->url) + ")";
  if (value.IsString()) {
    if (!definitions::ContainsCode(*vs, "", value.text())) {
      Report(Severity::kError, IssueType::kCodeInvalid,
             "The code '" + std::string(value.text()) + "' is not in the value set" + where);
    }
  } else if (code == "Coding") {
    if (!value.FindString("code").empty() && !InValueSet(*vs, value)) {
      Report(Severity::kError, IssueType::kCodeInvalid,
             "The coding is not in the value set" + where);
    }
  } else if (code == "CodeableConcept") {
    const json::Value* codings = value.Find("coding");
    if (codings == nullptr || !codings->IsArray() || codings->size() == 0) return;
    for (const json::Value& coding : codings->items()) {
      if (InValueSet(*vs, coding)) return;
    }
    Report(Severity::kError, IssueType::kCodeInvalid,
           "None of the codings is in the value set" + where);
  }
}

void Walker::FixedOrPattern(const ElementDef& def, const json::Value& value) {
  const json::Value* expected = ExpectedValue(def);
  if (expected == nullptr) return;
  bool fixed = def.value_rule == definitions::ValueRule::kFixed;
  if (fixed ? json::Equal(value, *expected) : ContainsPattern(value, *expected)) return;
  Report(Severity::kError, IssueType::kValue,
         std::string(fixed ? "The value must be exactly the fixed value "
                           : "The value must match the pattern ") +
             Shown(def.value_json) + " (" + std::string(def.path) + ")");
}

void Walker::Reference(const ElementDef& def, const TypeRef& type, const json::Value& value,
                       Pass pass, const ResourceScope& scope) {
  std::string_view reference = value.FindString("reference");
  if (reference.empty() || reference[0] == '#') return;  // local: ref-1 covers it
  const json::Value* target =
      scope.bundle_index == nullptr ? nullptr : scope.bundle_index->Resolve(reference);
  if (target == nullptr && pass == Pass::kBase && scope.bundle_index != nullptr &&
      scope.bundle_index->self_contained() && !IsAbsoluteUrl(reference)) {
    ReportAt("reference", Severity::kError, IssueType::kInvalid,
             "The reference does not resolve to an entry of this " +
                 std::string(scope.bundle_index->type()) +
                 " Bundle; a message or document must carry what it refers to");
  }
  std::string_view target_type;
  if (target != nullptr) {
    target_type = target->FindString("resourceType");
  } else if (std::string_view tail = TypeAndId(reference); !tail.empty()) {
    target_type = tail.substr(0, tail.find('/'));
    const StructureDef* sd = TypeOf(target_type);
    if (sd == nullptr || sd->kind != definitions::StructureKind::kResource) return;
  }
  if (target_type.empty() || type.targets.empty()) return;
  if (pass == Pass::kProfile) {
    const ElementDef* base = BaseElement(def.path);
    if (base != nullptr && !base->types.empty() && SameTargets(base->types[0], type)) return;
  }
  for (std::string_view allowed : type.targets) {
    std::string_view name =
        allowed.find(':') == std::string_view::npos ? allowed : TypeOfProfile(allowed);
    if (name.empty() || name == "Resource" || name == target_type) return;
  }
  ReportAt("reference", Severity::kError, IssueType::kInvalid,
           "A reference to a " + std::string(target_type) +
               " is not allowed here: " + std::string(def.path) + " refers to " + TargetList(type));
}

void Walker::ExtensionProfile(const json::Value& extension, const ResourceScope& scope) {
  const StructureDef* sd = StructureOf(extension.FindString("url"));
  if (sd == nullptr || sd->derivation != definitions::Derivation::kConstraint ||
      sd->type != "Extension") {
    return;
  }
  const ElementDef* root = RootOf(*sd);
  if (root == nullptr) return;
  Object(*sd, *root, extension, Pass::kProfile, scope);
  Invariants(*root, nullptr, ElementValue{extension, {}, "extension"}, "Extension", Pass::kProfile,
             scope);
}

}  // namespace zorgbrug::fhir::validation::internal
