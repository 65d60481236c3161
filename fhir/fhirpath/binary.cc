// Binary operators and the public entry points.

#include "fhir/fhirpath/evaluator.h"
#include "fhir/fhirpath/navigation.h"
#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath {
namespace internal {
namespace {

Collection FromBool(std::optional<bool> b) {
  Collection c;
  if (b) c.push_back(Item::Boolean(*b));
  return c;
}

absl::StatusOr<Collection> Compare(BinaryOp op, const Collection& a, const Collection& b) {
  if (a.empty() || b.empty()) return Collection();
  if (a.size() > 1 || b.size() > 1) {
    return absl::InvalidArgumentError("FHIRPath: comparison needs single items");
  }
  auto c = CompareItems(a[0], b[0]);
  if (!c) return Collection();
  switch (op) {
    case BinaryOp::kLess:
      return FromBool(*c < 0);
    case BinaryOp::kGreater:
      return FromBool(*c > 0);
    case BinaryOp::kLessEqual:
      return FromBool(*c <= 0);
    default:
      return FromBool(*c >= 0);
  }
}

absl::StatusOr<Collection> Math(BinaryOp op, const Collection& a, const Collection& b) {
  if (op == BinaryOp::kConcat) {
    std::string text;
    for (const Collection* side : {&a, &b}) {
      if (side->size() > 1) return absl::InvalidArgumentError("FHIRPath: '&' needs single items");
      if (!side->empty()) text += ToText((*side)[0]).value_or("");
    }
    Collection out;
    out.push_back(Item::String(std::move(text)));
    return out;
  }
  if (a.empty() || b.empty()) return Collection();
  if (a.size() > 1 || b.size() > 1) {
    return absl::InvalidArgumentError("FHIRPath: arithmetic needs single items");
  }
  auto r = Arithmetic(op, a[0], b[0]);
  if (!r.ok()) return r.status();
  Collection out;
  if (*r) out.push_back(**r);
  return out;
}

Collection Union(const Collection& a, const Collection& b) {
  DistinctItems out;
  for (const Item& x : a) out.Add(x);
  for (const Item& x : b) out.Add(x);
  return out.Take();
}

// True for calls that yield exactly one boolean whatever their input: exists(), empty(),
// hasValue().
bool AlwaysOneBoolean(const Node& node) {
  return node.kind == NodeKind::kFunction &&
         (node.function == Function::kExists || node.function == Function::kEmpty ||
          node.function == Function::kHasValue);
}

absl::StatusOr<Collection> Membership(const Collection& items, const Collection& element) {
  if (element.empty()) return Collection();
  if (element.size() > 1) {
    return absl::InvalidArgumentError("FHIRPath: 'in'/'contains' needs a single item");
  }
  return FromBool(ContainsItem(items, element[0]));
}

}  // namespace

absl::StatusOr<Collection> Evaluator::EvalBinary(const Node& node, Items focus,
                                                 const Frame& frame) {
  switch (node.op) {
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
    case BinaryOp::kXor:
    case BinaryOp::kImplies:
      return EvalLogic(node, focus, frame);
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual:
      // `extension.exists() != value.exists()` (ext-1): two single booleans compare directly.
      if (AlwaysOneBoolean(node.children[0]) && AlwaysOneBoolean(node.children[1])) {
        auto a = EvalCondition(node.children[0], focus, frame);
        if (!a.ok()) return a.status();
        auto b = EvalCondition(node.children[1], focus, frame);
        if (!b.ok()) return b.status();
        return FromBool((**a == **b) == (node.op == BinaryOp::kEqual));
      }
      break;
    default:
      break;
  }
  // Membership in a context-only collection: through the evaluator's hash set.
  bool in = node.op == BinaryOp::kIn && node.children[1].memoize;
  bool contains = node.op == BinaryOp::kContains && node.children[0].memoize;
  if (in || contains) {
    auto element = Eval(node.children[in ? 0 : 1], focus, frame);
    if (!element.ok() || element->empty()) return element;
    if (element->size() > 1) {
      return absl::InvalidArgumentError("FHIRPath: 'in'/'contains' needs a single item");
    }
    auto held = MemoizedContains(node.children[in ? 1 : 0], (*element)[0]);
    if (!held.ok()) return held.status();
    return FromBool(*held);
  }
  auto left = Eval(node.children[0], focus, frame);
  if (!left.ok()) return left;
  auto right = Eval(node.children[1], focus, frame);
  if (!right.ok()) return right;
  const Collection& a = *left;
  const Collection& b = *right;
  switch (node.op) {
    case BinaryOp::kEqual:
      return FromBool(CollectionsEqual(a, b));
    case BinaryOp::kNotEqual: {
      auto eq = CollectionsEqual(a, b);
      return FromBool(eq ? std::optional<bool>(!*eq) : std::nullopt);
    }
    case BinaryOp::kEquivalent:
      return FromBool(CollectionsEquivalent(a, b));
    case BinaryOp::kNotEquivalent:
      return FromBool(!CollectionsEquivalent(a, b));
    case BinaryOp::kLess:
    case BinaryOp::kGreater:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreaterEqual:
      return Compare(node.op, a, b);
    case BinaryOp::kUnion:
      return Union(a, b);
    case BinaryOp::kIn:
      return Membership(b, a);
    case BinaryOp::kContains:
      return Membership(a, b);
    default:
      return Math(node.op, a, b);
  }
}

}  // namespace internal

Item ResourceItem(const json::Value& resource) {
  return Item::Node(resource, json::Value(), {}, resource.FindString("resourceType"));
}

absl::StatusOr<Collection> Evaluate(const Expression& expression, const Context& context) {
  internal::Evaluator evaluator(context);
  internal::Frame frame{&context.focus, 0, nullptr};
  auto result = evaluator.Eval(expression.root(), internal::Items(&context.focus, 1), frame);
  // Items viewing the expression's literals get storage of their own: the result may outlive it.
  if (result.ok()) {
    for (Item& item : *result) item.Own();
  }
  return result;
}

absl::StatusOr<std::optional<bool>> ToBoolean(const Collection& result) {
  return internal::SingletonBoolean(result);
}

}  // namespace zorgbrug::fhir::fhirpath
