#pragma once

// Internal: the walk over a resource that the validator does once against the core definitions
// (the base pass) and once per profile (a profile pass). Split over walker.cc (objects, members,
// cardinality, types), values.cc (primitives, bindings, fixed and pattern values, references),
// slicing.cc (slices of a profile) and invariants.cc (FHIRPath constraints).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/definitions/structure.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "fhir/validation/be_core.h"
#include "fhir/validation/bundle_index.h"
#include "fhir/validation/structure_index.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::fhir::validation::internal {

// kBase checks everything against the core definitions; kProfile checks what a profile adds
// (cardinality, slices, fixed and pattern values, bindings, target profiles, its own
// invariants) and leaves formats and unknown elements to the base pass.
enum class Pass { kBase, kProfile };

// The resource an element belongs to, for invariants (%resource, %rootResource, resolve()) and
// for references.
struct ResourceScope {
  json::Value resource;
  json::Value root_resource;  // the container of a contained resource, else `resource`
  json::Value bundle;         // the innermost Bundle around the resource (null when none)
  const BundleIndex* bundle_index = nullptr;
};

// One value of an element: the JSON value (null when only `_name` exists), the `_name` object of a
// primitive (null when absent) and the JSON member name it was found under.
struct ElementValue {
  json::Value value;
  json::Value ext;
  std::string_view name;
};

// Appends to the path for the life of the scope.
class PathScope {
 public:
  PathScope(std::string& path, std::string_view name, std::ptrdiff_t index = -1);
  ~PathScope() { path_.resize(size_); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  std::string& path_;
  size_t size_;
};

class Walker {
 public:
  Walker(const ValidationOptions& options, std::vector<Issue>& issues)
      : options_(options), issues_(issues) {}

  // Validates a resource (base pass, then its profiles). `extra_profiles` are the caller's.
  void Resource(const json::Value& resource, const ResourceScope* container,
                const json::Value& bundle, const BundleIndex* bundle_index,
                std::span<const std::string> extra_profiles);

  std::string& path() { return path_; }
  void Report(Severity severity, IssueType type, std::string diagnostics);
  void ReportAt(std::string_view suffix, Severity severity, IssueType type,
                std::string diagnostics);

  // walker.cc
  void Object(const definitions::StructureDef& sd, const definitions::ElementDef& element,
              const json::Value& object, Pass pass, const ResourceScope& scope);
  void Element(const definitions::StructureDef& sd, const Child& child,
               std::span<const ElementValue> values, Pass pass, const ResourceScope& scope);
  void Item(const definitions::StructureDef& sd, const definitions::ElementDef& def,
            const ElementValue& item, Pass pass, const ResourceScope& scope);

 private:
  void Profile(const json::Value& resource, std::string_view url, const ResourceScope& scope);
  void Complex(const definitions::StructureDef& sd, const definitions::ElementDef& def,
               const definitions::TypeRef& type, const definitions::StructureDef* type_sd,
               const ElementValue& item, Pass pass, const ResourceScope& scope);
  void Primitive(const definitions::ElementDef& def, std::string_view code,
                 const ElementValue& item, Pass pass, const ResourceScope& scope);
  void Cardinality(const definitions::ElementDef& def, size_t count, std::string_view name);
  void Unknown(std::string_view name, const definitions::ElementDef& parent);
  const Child* ChoiceNotAllowed(const Children& children, std::string_view name);

  // values.cc
  void Binding(const definitions::ElementDef& def, std::string_view code, const json::Value& value,
               Pass pass);
  void FixedOrPattern(const definitions::ElementDef& def, const json::Value& value);
  void Reference(const definitions::ElementDef& def, const definitions::TypeRef& type,
                 const json::Value& value, Pass pass, const ResourceScope& scope);
  void ExtensionProfile(const json::Value& extension, const ResourceScope& scope);
  // A data type value of an element whose type names profiles (type.profile, e.g. BeAddress) in a
  // profile pass where the profile does not expand the element: validated against each.
  void TypeProfiles(const definitions::TypeRef& type, const json::Value& value,
                    const ResourceScope& scope);
  void CheckBeCore(const BeCoreProfile& profile, const json::Value& value);

  // slicing.cc
  void Sliced(const definitions::StructureDef& sd, const Child& child,
              std::span<const ElementValue> values, const ResourceScope& scope);
  void SliceCardinality(const definitions::ElementDef& slice, size_t count, std::string_view name);

  // invariants.cc: the constraints of `def` and, when `type_root` is set, those of the type's
  // root element not already in `def` (by key). Profile passes skip keys the base pass ran.
  void Invariants(const definitions::ElementDef& def, const definitions::ElementDef* type_root,
                  const ElementValue& item, std::string_view type_code, Pass pass,
                  const ResourceScope& scope);

  const ValidationOptions& options_;
  std::vector<Issue>& issues_;
  std::string path_;
  size_t dropped_ = 0;  // issues not recorded beyond the cap
  size_t recorded_errors_ = 0;
  size_t recorded_others_ = 0;

 public:
  size_t dropped() const { return dropped_; }
};

// Helpers shared by the walker's files.
// The core definition of the element at `path` ("Observation.code"), or nullptr.
const definitions::ElementDef* BaseElement(std::string_view path);

}  // namespace zorgbrug::fhir::validation::internal
