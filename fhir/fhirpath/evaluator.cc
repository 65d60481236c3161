#include "fhir/fhirpath/evaluator.h"

#include "fhir/fhirpath/navigation.h"
#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath {
namespace internal {
namespace {

Collection One(Item item) {
  Collection c;
  c.push_back(std::move(item));
  return c;
}

// Resource type names are capitalized; element names are not.
bool IsTypeName(std::string_view name) { return !name.empty() && name[0] >= 'A' && name[0] <= 'Z'; }

Collection FromBool(std::optional<bool> b) {
  if (!b) return {};
  return One(Item::Boolean(*b));
}

}  // namespace

struct Evaluator::Memo {
  const Node* node;
  Collection items;
  std::unique_ptr<DistinctItems> set;  // built by MemoizedContains
};

Evaluator::Evaluator(const Context& context) : context_(context) {}
Evaluator::~Evaluator() = default;

absl::StatusOr<const Collection*> Evaluator::Memoized(const Node& node) {
  for (const auto& memo : memos_) {
    if (memo->node == &node) return &memo->items;
  }
  auto value = EvalNode(node, Items(), Frame{});
  if (!value.ok()) return value.status();
  memos_.push_back(std::make_unique<Memo>(Memo{&node, *std::move(value), nullptr}));
  return &memos_.back()->items;
}

absl::StatusOr<bool> Evaluator::MemoizedContains(const Node& node, const Item& item) {
  auto items = Memoized(node);
  if (!items.ok()) return items.status();
  Memo* memo = nullptr;
  for (const auto& m : memos_) {
    if (m->node == &node) memo = m.get();
  }
  if (memo->set == nullptr) {
    memo->set = std::make_unique<DistinctItems>();
    for (const Item& x : memo->items) memo->set->Add(x);
  }
  return memo->set->Contains(item);
}

absl::StatusOr<Collection> Evaluator::EvalFor(const Node& node, const Item& item, int64_t index,
                                              const Collection* total) {
  Frame frame{&item, index, total};
  return Eval(node, Items(&item, 1), frame);
}

absl::StatusOr<Collection> Evaluator::Eval(const Node& node, Items focus, const Frame& frame) {
  if (node.memoize) {
    auto items = Memoized(node);
    if (!items.ok()) return items.status();
    return **items;
  }
  return EvalNode(node, focus, frame);
}

absl::StatusOr<Collection> Evaluator::EvalNode(const Node& node, Items focus, const Frame& frame) {
  switch (node.kind) {
    case NodeKind::kLiteral:
      return One(node.literal.Borrow());
    case NodeKind::kEmpty:
      return Collection();
    case NodeKind::kMember:
      return EvalMember(node, focus, frame);
    case NodeKind::kFunction: {
      if (!node.has_receiver) return CallFunction(*this, node, focus, focus, frame);
      if (auto shortcut = EvalShortcut(node, focus, frame)) return *std::move(shortcut);
      auto input = Eval(node.children[0], focus, frame);
      if (!input.ok()) return input;
      return CallFunction(*this, node, *input, focus, frame);
    }
    case NodeKind::kIndex:
      return EvalIndex(node, focus, frame);
    case NodeKind::kBinary:
      return EvalBinary(node, focus, frame);
    case NodeKind::kNegate: {
      auto operand = Eval(node.children[0], focus, frame);
      if (!operand.ok() || operand->empty()) return operand;
      auto value = ToSystem((*operand)[0]);
      if (value && value->kind() == ItemKind::kQuantity) {
        return One(Item::Quantity(value->decimal().Negate(), std::string(value->text())));
      }
      auto r = Arithmetic(BinaryOp::kSubtract, Item::Integer(0), (*operand)[0]);
      if (!r.ok()) return r.status();
      return *r ? One(**r) : Collection();
    }
    case NodeKind::kTypeTest:
      return EvalTypeTest(node, focus, frame);
    case NodeKind::kThis:
      return frame.self != nullptr ? One(*frame.self) : Collection(focus.begin(), focus.end());
    case NodeKind::kIndexVar:
      return One(Item::Integer(frame.index));
    case NodeKind::kTotal:
      return frame.total != nullptr ? *frame.total : Collection();
    case NodeKind::kVariable:
      return EvalVariable(node, frame);
  }
  return absl::InternalError("unknown FHIRPath node");
}

absl::StatusOr<Collection> Evaluator::EvalMember(const Node& node, Items focus,
                                                 const Frame& frame) {
  Items input = focus;
  absl::StatusOr<Collection> receiver;
  if (node.has_receiver) {
    receiver = Eval(node.children[0], focus, frame);
    if (!receiver.ok()) return receiver;
    input = *receiver;
  }
  Collection out;
  bool type_name = !node.has_receiver && IsTypeName(node.name);
  for (const Item& item : input) {
    // A leading type name selects the resource itself (`Patient.name` on a Patient).
    if (type_name && item.kind() == ItemKind::kNode && item.node().IsObject() &&
        item.node().FindString("resourceType") == node.name) {
      out.push_back(item);
      continue;
    }
    Navigate(item, node.name, out);
  }
  return out;
}

std::optional<absl::StatusOr<Collection>> Evaluator::EvalShortcut(const Node& node, Items focus,
                                                                  const Frame& frame) {
  const Node& receiver = node.children[0];
  bool exists = node.function == Function::kExists && node.children.size() == 1;
  if ((exists || node.function == Function::kEmpty) && receiver.kind == NodeKind::kMember) {
    auto found = MemberExists(receiver, focus, frame);
    if (!found.ok()) return found.status();
    return One(Item::Boolean(*found == exists));
  }
  if (node.function == Function::kFirst && receiver.kind == NodeKind::kMember &&
      (receiver.has_receiver || !IsTypeName(receiver.name))) {
    return MemberFirst(receiver, focus, frame);
  }
  if (node.function == Function::kCount && receiver.kind == NodeKind::kFunction &&
      receiver.function == Function::kChildren) {
    Items input = focus;
    absl::StatusOr<Collection> parents;
    if (receiver.has_receiver) {
      parents = Eval(receiver.children[0], focus, frame);
      if (!parents.ok()) return parents;
      input = *parents;
    }
    int64_t count = 0;
    for (const Item& item : input) count += static_cast<int64_t>(CountChildren(item));
    return One(Item::Integer(count));
  }
  return std::nullopt;
}

absl::StatusOr<Collection> Evaluator::MemberFirst(const Node& member, Items focus,
                                                  const Frame& frame) {
  Items input = focus;
  absl::StatusOr<Collection> receiver;
  if (member.has_receiver) {
    receiver = Eval(member.children[0], focus, frame);
    if (!receiver.ok()) return receiver;
    input = *receiver;
  }
  Collection out;
  for (const Item& item : input) {
    Navigate(item, member.name, out, 1);
    if (!out.empty()) break;
  }
  return out;
}

absl::StatusOr<bool> Evaluator::MemberExists(const Node& member, Items focus, const Frame& frame) {
  Items input = focus;
  absl::StatusOr<Collection> receiver;
  if (member.has_receiver) {
    receiver = Eval(member.children[0], focus, frame);
    if (!receiver.ok()) return receiver.status();
    input = *receiver;
  } else if (IsTypeName(member.name)) {
    // A leading type name selects the resource itself, as in EvalMember.
    for (const Item& item : input) {
      if (item.kind() == ItemKind::kNode && item.node().IsObject() &&
          item.node().FindString("resourceType") == member.name) {
        return true;
      }
    }
  }
  return HasChild(input, member.name, member.choice);
}

absl::StatusOr<Collection> Evaluator::EvalIndex(const Node& node, Items focus, const Frame& frame) {
  auto base = Eval(node.children[0], focus, frame);
  if (!base.ok()) return base;
  auto index = Eval(node.children[1], focus, frame);
  if (!index.ok()) return index;
  if (index->empty()) return Collection();
  auto i = ToSystem((*index)[0]);
  if (!i || i->kind() != ItemKind::kInteger) {
    return absl::InvalidArgumentError("FHIRPath: an index must be an integer");
  }
  if (i->integer() < 0 || static_cast<size_t>(i->integer()) >= base->size()) return Collection();
  return One((*base)[i->integer()]);
}

absl::StatusOr<Collection> Evaluator::EvalVariable(const Node& node, const Frame& frame) {
  const std::string& name = node.name;
  if (name == "context") return One(context_.focus);
  if (name == "resource") return One(ResourceItem(context_.resource));
  if (name == "rootResource") {
    return One(
        ResourceItem(context_.root_resource.IsNull() ? context_.resource : context_.root_resource));
  }
  if (name == "ucum") return One(Item::String("http://unitsofmeasure.org"));
  if (name == "sct") return One(Item::String("http://snomed.info/sct"));
  if (name == "loinc") return One(Item::String("http://loinc.org"));
  if (auto it = context_.variables.find(name); it != context_.variables.end()) {
    return it->second;
  }
  if (name.substr(0, 3) == "vs-") {
    return One(Item::String(Cat("http://hl7.org/fhir/ValueSet/", name.substr(3))));
  }
  if (name.substr(0, 4) == "ext-") {
    return One(Item::String(Cat("http://hl7.org/fhir/StructureDefinition/", name.substr(4))));
  }
  return absl::InvalidArgumentError(Cat("FHIRPath: unknown variable %", name));
}

absl::StatusOr<Collection> Evaluator::EvalTypeTest(const Node& node, Items focus,
                                                   const Frame& frame) {
  auto operand = Eval(node.children[0], focus, frame);
  if (!operand.ok()) return operand;
  if (operand->empty()) return Collection();
  if (operand->size() > 1) {
    return absl::InvalidArgumentError(Cat("FHIRPath: '", node.op == BinaryOp::kIs ? "is" : "as",
                                          "' needs a single item, got ", operand->size()));
  }
  bool match = IsOfType((*operand)[0], node.name);
  if (node.op == BinaryOp::kIs) return One(Item::Boolean(match));
  return match ? *std::move(operand) : Collection();
}

absl::StatusOr<std::optional<bool>> Evaluator::EvalCondition(const Node& node, Items focus,
                                                             const Frame& frame) {
  if (node.kind == NodeKind::kBinary &&
      (node.op == BinaryOp::kAnd || node.op == BinaryOp::kOr || node.op == BinaryOp::kXor ||
       node.op == BinaryOp::kImplies)) {
    return LogicValue(node, focus, frame);
  }
  if (node.kind == NodeKind::kFunction) {
    if (node.function == Function::kHasValue && !node.has_receiver) {
      return std::optional<bool>(HasValue(focus));
    }
    bool exists = node.function == Function::kExists && node.children.size() == 1;
    if ((exists || node.function == Function::kEmpty) && node.has_receiver &&
        node.children[0].kind == NodeKind::kMember) {
      auto found = MemberExists(node.children[0], focus, frame);
      if (!found.ok()) return found.status();
      return std::optional<bool>(*found == exists);
    }
  }
  auto value = Eval(node, focus, frame);
  if (!value.ok()) return value.status();
  return SingletonBoolean(*value);
}

absl::StatusOr<std::optional<bool>> Evaluator::LogicValue(const Node& node, Items focus,
                                                          const Frame& frame) {
  auto l = EvalCondition(node.children[0], focus, frame);
  if (!l.ok()) return l;
  // Short-circuit where the result no longer depends on the right operand.
  if (node.op == BinaryOp::kAnd && *l == false) return std::optional<bool>(false);
  if (node.op == BinaryOp::kOr && *l == true) return std::optional<bool>(true);
  if (node.op == BinaryOp::kImplies && *l == false) return std::optional<bool>(true);
  auto r = EvalCondition(node.children[1], focus, frame);
  if (!r.ok()) return r;
  std::optional<bool> a = *l, b = *r, unknown;
  switch (node.op) {
    case BinaryOp::kAnd:
      if (b == false) return std::optional<bool>(false);
      return a && b ? std::optional<bool>(true) : unknown;
    case BinaryOp::kOr:
      if (b == true) return std::optional<bool>(true);
      return a && b ? std::optional<bool>(false) : unknown;
    case BinaryOp::kXor:
      if (!a || !b) return unknown;
      return std::optional<bool>(*a != *b);
    default:  // implies; a is true or unknown here
      if (b == true) return std::optional<bool>(true);
      return a && b ? std::optional<bool>(false) : unknown;
  }
}

absl::StatusOr<Collection> Evaluator::EvalLogic(const Node& node, Items focus, const Frame& frame) {
  auto value = LogicValue(node, focus, frame);
  if (!value.ok()) return value.status();
  return FromBool(*value);
}

}  // namespace internal
}  // namespace zorgbrug::fhir::fhirpath
