// Existence, filtering, subsetting, combining, type, tree and utility functions
// (http://hl7.org/fhirpath/N1/#functions) and the FHIR additions resolve(), extension(),
// hasValue() and htmlChecks() (http://hl7.org/fhir/R4/fhirpath.html#functions).

#include "fhir/fhirpath/evaluator.h"
#include "fhir/fhirpath/navigation.h"
#include "fhir/fhirpath/resolve.h"
#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

Collection FromBool(bool b) {
  Collection c;
  c.push_back(Item::Boolean(b));
  return c;
}

// Calls that evaluate an argument once per input item ($this, $index).
class Iteration {
 public:
  Iteration(Evaluator& ev, const Node& node, Items input)
      : ev_(ev), arg_(node.children[node.has_receiver ? 1 : 0]), input_(input) {}

  // The argument's boolean for input item i (empty -> std::nullopt).
  absl::StatusOr<std::optional<bool>> Test(size_t i) {
    auto r = ev_.EvalFor(arg_, input_[i], static_cast<int64_t>(i), nullptr);
    if (!r.ok()) return r.status();
    return SingletonBoolean(*r);
  }
  absl::StatusOr<Collection> Project(size_t i) {
    return ev_.EvalFor(arg_, input_[i], static_cast<int64_t>(i), nullptr);
  }

 private:
  Evaluator& ev_;
  const Node& arg_;
  Items input_;
};

absl::StatusOr<Collection> Where(Evaluator& ev, const Node& node, Items input) {
  Iteration it(ev, node, input);
  Collection out;
  for (size_t i = 0; i < input.size(); ++i) {
    auto t = it.Test(i);
    if (!t.ok()) return t.status();
    if (*t == true) out.push_back(input[i]);
  }
  return out;
}

absl::StatusOr<Collection> Select(Evaluator& ev, const Node& node, Items input) {
  Iteration it(ev, node, input);
  Collection out;
  for (size_t i = 0; i < input.size(); ++i) {
    auto r = it.Project(i);
    if (!r.ok()) return r.status();
    out.append(r->begin(), r->end());
  }
  return out;
}

absl::StatusOr<Collection> All(Evaluator& ev, const Node& node, Items input) {
  Iteration it(ev, node, input);
  for (size_t i = 0; i < input.size(); ++i) {
    auto t = it.Test(i);
    if (!t.ok()) return t.status();
    if (*t != true) return FromBool(false);
  }
  return FromBool(true);
}

absl::StatusOr<Collection> Repeat(Evaluator& ev, const Node& node, Items input) {
  const Node& arg = node.children[node.has_receiver ? 1 : 0];
  DistinctItems out;
  Collection pending(input.begin(), input.end());
  while (!pending.empty()) {
    Collection next;
    for (const Item& item : pending) {
      auto r = ev.EvalFor(arg, item, 0, nullptr);
      if (!r.ok()) return r.status();
      for (Item& x : *r) {
        if (out.Add(x)) next.push_back(std::move(x));
      }
    }
    pending = std::move(next);
  }
  return out.Take();
}

absl::StatusOr<Collection> BooleanAggregate(Function f, Items input) {
  for (const Item& item : input) {
    auto b = ToSystem(item);
    if (!b || b->kind() != ItemKind::kBoolean) {
      return absl::InvalidArgumentError("FHIRPath: allTrue/anyTrue need booleans");
    }
    if (f == Function::kAllTrue && !b->boolean()) return FromBool(false);
    if (f == Function::kAllFalse && b->boolean()) return FromBool(false);
    if (f == Function::kAnyTrue && b->boolean()) return FromBool(true);
    if (f == Function::kAnyFalse && !b->boolean()) return FromBool(true);
  }
  return FromBool(f == Function::kAllTrue || f == Function::kAllFalse);
}

// Level by level (the order of the specification's repeat(children())), as one breadth-first
// pass over the output itself.
Collection Descendants(Items input) {
  Collection out;
  for (const Item& item : input) AllChildren(item, out);
  for (size_t i = 0; i < out.size(); ++i) {
    Item parent = out[i];  // AllChildren may move `out`
    AllChildren(parent, out);
  }
  return out;
}

Collection Extensions(Items input, const std::string& url) {
  Collection out;
  Collection all;
  for (const Item& item : input) Navigate(item, "extension", all);
  for (Item& ext : all) {
    if (ext.node().IsObject() && ext.node().FindString("url") == url) out.push_back(std::move(ext));
  }
  return out;
}

Collection Slice(Items input, size_t from, size_t count) {
  Collection out;
  for (size_t i = from; i < input.size() && i - from < count; ++i) out.push_back(input[i]);
  return out;
}

absl::StatusOr<int64_t> IntegerArg(Evaluator& ev, const Node& node, size_t arg, Items focus,
                                   const Frame& frame) {
  auto r = ev.Eval(node.children[(node.has_receiver ? 1 : 0) + arg], focus, frame);
  if (!r.ok()) return r.status();
  std::optional<Item> v = r->size() == 1 ? ToSystem((*r)[0]) : std::nullopt;
  if (!v || v->kind() != ItemKind::kInteger) {
    return absl::InvalidArgumentError(Cat("FHIRPath: ", node.name, "() needs an integer"));
  }
  return v->integer();
}

absl::StatusOr<Collection> Iif(Evaluator& ev, const Node& node, Items input, const Frame& frame) {
  size_t base = node.has_receiver ? 1 : 0;
  // The criterion and branches see the input as their focus ($this when it is one item).
  Frame inner = frame;
  if (input.size() == 1) inner.self = &input[0];
  auto c = ev.Eval(node.children[base], input, inner);
  if (!c.ok()) return c;
  auto b = SingletonBoolean(*c);
  if (!b.ok()) return b.status();
  if (*b == true) return ev.Eval(node.children[base + 1], input, inner);
  if (node.children.size() > base + 2) return ev.Eval(node.children[base + 2], input, inner);
  return Collection();
}

DistinctItems Distinct(Items items) {
  DistinctItems out;
  for (const Item& x : items) out.Add(x);
  return out;
}

absl::StatusOr<Collection> SetFunction(Function f, Items input, Items other) {
  Collection out;
  switch (f) {
    case Function::kUnion: {
      DistinctItems all = Distinct(input);
      for (const Item& x : other) all.Add(x);
      return all.Take();
    }
    case Function::kCombine:
      out.assign(input.begin(), input.end());
      out.append(other.begin(), other.end());
      return out;
    case Function::kIntersect: {
      DistinctItems in_other = Distinct(other);
      DistinctItems both;
      for (const Item& x : input) {
        if (in_other.Contains(x)) both.Add(x);
      }
      return both.Take();
    }
    case Function::kExclude: {
      DistinctItems in_other = Distinct(other);
      for (const Item& x : input) {
        if (!in_other.Contains(x)) out.push_back(x);
      }
      return out;
    }
    case Function::kSubsetOf:
    case Function::kSupersetOf: {
      Items small = f == Function::kSubsetOf ? input : other;
      DistinctItems big = Distinct(f == Function::kSubsetOf ? other : input);
      for (const Item& x : small) {
        if (!big.Contains(x)) return FromBool(false);
      }
      return FromBool(true);
    }
    default:
      return absl::InternalError("not a set function");
  }
}

}  // namespace

bool HasValue(Items input) {
  if (input.size() != 1 || input[0].kind() != ItemKind::kNode) return false;
  const json::Value& v = input[0].node();
  return !v.IsNull() && !v.IsObject() && !v.IsArray();
}

absl::StatusOr<Collection> CallFunction(Evaluator& ev, const Node& node, Items input, Items focus,
                                        const Frame& frame) {
  size_t base = node.has_receiver ? 1 : 0;
  auto arg = [&](size_t i) { return ev.Eval(node.children[base + i], focus, frame); };
  switch (node.function) {
    case Function::kEmpty:
      return FromBool(input.empty());
    case Function::kExists:
      if (node.children.size() == base) return FromBool(!input.empty());
      {
        auto w = Where(ev, node, input);
        if (!w.ok()) return w;
        return FromBool(!w->empty());
      }
    case Function::kAll:
      return All(ev, node, input);
    case Function::kAllTrue:
    case Function::kAnyTrue:
    case Function::kAllFalse:
    case Function::kAnyFalse:
      return BooleanAggregate(node.function, input);
    case Function::kCount:
      return Collection{Item::Integer(static_cast<int64_t>(input.size()))};
    case Function::kDistinct:
      return Distinct(input).Take();
    case Function::kIsDistinct:
      return FromBool(Distinct(input).size() == input.size());
    case Function::kWhere:
      return Where(ev, node, input);
    case Function::kSelect:
      return Select(ev, node, input);
    case Function::kRepeat:
      return Repeat(ev, node, input);
    case Function::kFirst:
      return Slice(input, 0, 1);
    case Function::kLast:
      return input.empty() ? Collection() : Slice(input, input.size() - 1, 1);
    case Function::kTail:
      return Slice(input, 1, input.size());
    case Function::kSkip:
    case Function::kTake: {
      auto n = IntegerArg(ev, node, 0, focus, frame);
      if (!n.ok()) return n.status();
      size_t k = *n < 0 ? 0 : static_cast<size_t>(*n);
      return node.function == Function::kSkip ? Slice(input, k, input.size()) : Slice(input, 0, k);
    }
    case Function::kSingle:
      if (input.size() > 1)
        return absl::InvalidArgumentError("FHIRPath: single() on several items");
      return Collection(input.begin(), input.end());
    case Function::kOfType: {
      Collection out;
      for (const Item& x : input) {
        if (IsOfType(x, node.name)) out.push_back(x);
      }
      return out;
    }
    case Function::kAs:
      if (input.size() > 1) {
        // Deviation: as() on several items filters like ofType(), as R4 invariants (dom-3) expect.
        Collection out;
        for (const Item& x : input) {
          if (IsOfType(x, node.name)) out.push_back(x);
        }
        return out;
      }
      [[fallthrough]];
    case Function::kIs: {
      if (input.empty()) return Collection();
      if (input.size() > 1) {
        return absl::InvalidArgumentError(Cat("FHIRPath: ", node.name, " on several items"));
      }
      bool match = IsOfType(input[0], node.name);
      if (node.function == Function::kIs) return FromBool(match);
      return match ? Collection(input.begin(), input.end()) : Collection();
    }
    case Function::kNot: {
      auto b = SingletonBoolean(input);
      if (!b.ok()) return b.status();
      if (!*b) return Collection();
      return FromBool(!**b);
    }
    case Function::kIif:
      return Iif(ev, node, input, frame);
    case Function::kHasValue:
      return FromBool(HasValue(input));
    case Function::kGetValue: {
      if (!HasValue(input)) return Collection();
      auto v = ToSystem(input[0]);
      return v ? Collection{*v} : Collection();
    }
    case Function::kExtension: {
      auto url = arg(0);
      if (!url.ok()) return url;
      if (url->size() != 1) return Collection();
      return Extensions(input, ToText((*url)[0]).value_or(""));
    }
    case Function::kChildren: {
      Collection out;
      for (const Item& item : input) AllChildren(item, out);
      return out;
    }
    case Function::kDescendants:
      return Descendants(input);
    case Function::kTrace: {
      if (ev.context().trace) {
        auto name = arg(0);
        if (!name.ok()) return name;
        std::string label = name->empty() ? "" : ToText((*name)[0]).value_or("");
        if (node.children.size() > base + 1) {
          Collection shown;
          for (size_t i = 0; i < input.size(); ++i) {
            auto r =
                ev.EvalFor(node.children[base + 1], input[i], static_cast<int64_t>(i), nullptr);
            if (!r.ok()) return r;
            shown.append(r->begin(), r->end());
          }
          ev.context().trace(label, shown);
        } else {
          ev.context().trace(label, Collection(input.begin(), input.end()));
        }
      }
      return Collection(input.begin(), input.end());
    }
    case Function::kSubsetOf:
    case Function::kSupersetOf:
    case Function::kUnion:
    case Function::kCombine:
    case Function::kIntersect:
    case Function::kExclude: {
      auto other = arg(0);
      if (!other.ok()) return other;
      return SetFunction(node.function, input, *other);
    }
    case Function::kResolve:
      return Resolve(ev.context(), input);
    case Function::kHtmlChecks:
      return FromBool(true);
    case Function::kMemberOf:
    case Function::kConformsTo:
    case Function::kSubsumes:
    case Function::kSubsumedBy:
      return absl::UnimplementedError(Cat("FHIRPath function ", node.name,
                                          "() is not supported (needs terminology or profiles)"));
    default:
      return CallStringFunction(ev, node, input, focus, frame);
  }
}

}  // namespace zorgbrug::fhir::fhirpath::internal
