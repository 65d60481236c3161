#pragma once

// Tree-walking evaluation of a compiled expression (internal to fhir/fhirpath/).

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/fhirpath/ast.h"
#include "fhir/fhirpath/fhirpath.h"

namespace zorgbrug::fhir::fhirpath::internal {

// A collection passed by reference without copying (an input or focus).
using Items = std::span<const Item>;

// The iteration variables of the innermost where()/select()/all()/... ($this, $index, $total).
struct Frame {
  const Item* self = nullptr;
  int64_t index = 0;
  const Collection* total = nullptr;
};

class Evaluator {
 public:
  explicit Evaluator(const Context& context) : context_(context) {}

  // Evaluates `node` with `focus` as its input collection.
  absl::StatusOr<Collection> Eval(const Node& node, Items focus, const Frame& frame);

  // Evaluates `node` once for `item` as $this (focus {item}).
  absl::StatusOr<Collection> EvalFor(const Node& node, const Item& item, int64_t index,
                                     const Collection* total);

  const Context& context() const { return context_; }

 private:
  absl::StatusOr<Collection> EvalMember(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalIndex(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalVariable(const Node& node, const Frame& frame);
  absl::StatusOr<Collection> EvalBinary(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalLogic(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalTypeTest(const Node& node, Items focus, const Frame& frame);

  const Context& context_;
};

// Function calls (functions.cc, functions_string.cc). `input` is the receiver's value (or the
// focus when there is no receiver); arguments are evaluated by the function as it needs them.
absl::StatusOr<Collection> CallFunction(Evaluator& evaluator, const Node& node, Items input,
                                        Items focus, const Frame& frame);
absl::StatusOr<Collection> CallStringFunction(Evaluator& evaluator, const Node& node, Items input,
                                              Items focus, const Frame& frame);

// Operators (operators.cc). std::nullopt is the empty result.
std::optional<bool> ItemsEqual(const Item& a, const Item& b);
bool ItemsEquivalent(const Item& a, const Item& b);
std::optional<bool> CollectionsEqual(const Collection& a, const Collection& b);
bool CollectionsEquivalent(const Collection& a, const Collection& b);
// Three-way comparison for <, >, <=, >=; std::nullopt when not comparable.
std::optional<int> CompareItems(const Item& a, const Item& b);
// + - * / div mod & on singletons; std::nullopt for an empty result.
absl::StatusOr<std::optional<Item>> Arithmetic(BinaryOp op, const Item& a, const Item& b);
bool ContainsItem(Items items, const Item& item);

// A collection without duplicates by FHIRPath equality, built in expected linear time: items are
// hashed into buckets that equal items always share, and compared only within a bucket.
class DistinctItems {
 public:
  // Adds `item` unless an equal item is present; returns whether it was added.
  bool Add(const Item& item);
  bool Contains(const Item& item) const;
  size_t size() const { return items_.size(); }
  Collection Take() { return std::move(items_); }

 private:
  Collection items_;
  std::unordered_map<size_t, std::vector<uint32_t>> buckets_;
};

// Singleton evaluation to a boolean
// (http://hl7.org/fhirpath/N1/#singleton-evaluation-of-collections).
absl::StatusOr<std::optional<bool>> SingletonBoolean(Items items);

}  // namespace zorgbrug::fhir::fhirpath::internal
