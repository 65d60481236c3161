#pragma once

// A FHIRPath (http://hl7.org/fhirpath/N1/) engine for FHIR R4 JSON, sufficient to evaluate the
// invariants (constraint.expression) of the R4 base definitions and the Belgian profiles. See
// fhir/fhirpath/README.md for the supported language and its deviations.
//
// Compile once, evaluate many times: an Expression is immutable, cheap to copy and safe to
// evaluate from several threads at once.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhir/fhirpath/item.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::fhirpath {

namespace internal {
struct Node;
}

class Expression {
 public:
  const std::string& text() const { return text_; }
  const internal::Node& root() const { return *root_; }

 private:
  friend absl::StatusOr<Expression> Compile(std::string_view text);
  std::string text_;
  std::shared_ptr<const internal::Node> root_;
};

// Parses `text`. A syntax error, an unknown function or a wrong argument count is an
// InvalidArgument status naming the byte offset.
absl::StatusOr<Expression> Compile(std::string_view text);

// What an evaluation runs against. Node items and json values refer into the caller's Document,
// which must outlive the evaluation and every node item of its result.
struct Context {
  // The input of the expression, %context and the initial $this (e.g. ResourceItem(patient)).
  Item focus;
  // %resource: the resource that holds `focus`. %rootResource: the resource that contains it
  // (differs only for a contained resource); when null, %resource is used.
  json::Value resource;
  json::Value root_resource;
  // The Bundle that resolve() searches for fullUrl and Type/id references; may be null.
  json::Value bundle;
  // The clock for now(), today() and timeOfDay(): tests pass a fixed instant. When absent those
  // functions return an error status.
  std::optional<Temporal> now;
  // Extra %variables by name without the '%' (e.g. "profile").
  std::map<std::string, Collection, std::less<>> variables;
  // Receives trace() output when set.
  std::function<void(std::string_view name, const Collection& items)> trace;
};

// The node item for a resource object (its type is its resourceType).
Item ResourceItem(const json::Value& resource);

// Evaluates `expression` against `context`. A status is returned only when the evaluation could
// not complete (unsupported function such as memberOf(), single() on several items, a type
// error named by the specification, no clock for now()).
absl::StatusOr<Collection> Evaluate(const Expression& expression, const Context& context);

// The boolean an invariant yields
// (http://hl7.org/fhirpath/N1/#singleton-evaluation-of-collections): empty is std::nullopt, a
// single boolean is itself, any other single item is true; several items are an error status.
absl::StatusOr<std::optional<bool>> ToBoolean(const Collection& result);

}  // namespace zorgbrug::fhir::fhirpath
