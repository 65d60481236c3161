#pragma once

// Tree-walking evaluation of a compiled expression (internal to fhir/fhirpath/).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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
  explicit Evaluator(const Context& context);
  ~Evaluator();

  // Evaluates `node` with `focus` as its input collection. A context-only node (Node::memoize) is
  // computed once per Evaluator and then copied.
  absl::StatusOr<Collection> Eval(const Node& node, Items focus, const Frame& frame);

  // The value of the context-only `node`, computed on first use; valid while the Evaluator lives.
  absl::StatusOr<const Collection*> Memoized(const Node& node);
  // Whether the context-only collection `node` holds an item equal to `item` (FHIRPath `=`),
  // through a hash set built on first use: `x in %resource.descendants().reference` costs O(1)
  // per evaluation of the left side instead of a scan of the resource.
  absl::StatusOr<bool> MemoizedContains(const Node& node, const Item& item);

  // Evaluates `node` once for `item` as $this (focus {item}).
  absl::StatusOr<Collection> EvalFor(const Node& node, const Item& item, int64_t index,
                                     const Collection* total);

  const Context& context() const { return context_; }

 private:
  absl::StatusOr<Collection> EvalMember(const Node& node, Items focus, const Frame& frame);
  // exists()/empty()/first() on a member and children().count(), answered without building the
  // collections; std::nullopt for any other call.
  std::optional<absl::StatusOr<Collection>> EvalShortcut(const Node& node, Items focus,
                                                         const Frame& frame);
  absl::StatusOr<bool> MemberExists(const Node& member, Items focus, const Frame& frame);
  // `member`.first() (a member that is not a leading type name).
  absl::StatusOr<Collection> MemberFirst(const Node& member, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalIndex(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalVariable(const Node& node, const Frame& frame);
  absl::StatusOr<Collection> EvalBinary(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalLogic(const Node& node, Items focus, const Frame& frame);
  // The three-valued result of and/or/xor/implies `node`.
  absl::StatusOr<std::optional<bool>> LogicValue(const Node& node, Items focus, const Frame& frame);
  // `node` evaluated as a logic operand (singleton evaluation), without building a collection
  // for the common boolean shapes.
  absl::StatusOr<std::optional<bool>> EvalCondition(const Node& node, Items focus,
                                                    const Frame& frame);
  absl::StatusOr<Collection> EvalTypeTest(const Node& node, Items focus, const Frame& frame);
  absl::StatusOr<Collection> EvalNode(const Node& node, Items focus, const Frame& frame);

  struct Memo;
  const Context& context_;
  std::vector<std::unique_ptr<Memo>> memos_;  // a few per expression at most
};

// Function calls (functions.cc, functions_string.cc). `input` is the receiver's value (or the
// focus when there is no receiver); arguments are evaluated by the function as it needs them.
absl::StatusOr<Collection> CallFunction(Evaluator& evaluator, const Node& node, Items input,
                                        Items focus, const Frame& frame);
absl::StatusOr<Collection> CallStringFunction(Evaluator& evaluator, const Node& node, Items input,
                                              Items focus, const Frame& frame);

// hasValue(): a single node with a primitive value (functions.cc).
bool HasValue(Items input);

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
// hashed so that equal items always share a hash, and compared only when their hashes match (an
// open-addressing table of item indexes).
class DistinctItems {
 public:
  // Adds `item` unless an equal item is present; returns whether it was added.
  bool Add(const Item& item);
  bool Contains(const Item& item) const;
  size_t size() const { return items_.size(); }
  Collection Take() { return std::move(items_); }

 private:
  // The slot holding an item equal to `item` (hash `hash`), else the empty slot ending its probe.
  size_t Find(const Item& item, size_t hash) const;
  void Rehash();

  Collection items_;
  std::vector<size_t> hashes_;   // of items_
  std::vector<uint32_t> slots_;  // index + 1 into items_; 0 is empty; size a power of two
};

// Singleton evaluation to a boolean
// (http://hl7.org/fhirpath/N1/#singleton-evaluation-of-collections).
absl::StatusOr<std::optional<bool>> SingletonBoolean(Items items);

}  // namespace zorgbrug::fhir::fhirpath::internal
