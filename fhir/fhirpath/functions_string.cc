// String manipulation, conversion, math and clock functions
// (http://hl7.org/fhirpath/N1/#string-manipulation, #conversion, #math, #utility-functions).

#include <algorithm>

#include "fhir/fhirpath/evaluator.h"
#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

Collection One(Item item) {
  Collection c;
  c.push_back(std::move(item));
  return c;
}

// The text of `item`: a view of the document or of the item for strings, else of `buffer`, which
// receives ToText(item); std::nullopt when the item has no text.
std::optional<std::string_view> TextView(const Item& item, std::string& buffer) {
  if (item.kind() == ItemKind::kString) return item.text();
  if (item.kind() == ItemKind::kNode && item.node().IsString()) return item.node().text();
  std::optional<std::string> text = ToText(item);
  if (!text) return std::nullopt;
  buffer = *std::move(text);
  return std::string_view(buffer);
}

class Args {
 public:
  Args(Evaluator& ev, const Node& node, Items focus, const Frame& frame)
      : ev_(ev), node_(node), focus_(focus), frame_(frame) {}

  // Argument i as text; std::nullopt when it is empty.
  absl::StatusOr<std::optional<std::string>> Text(size_t i) {
    auto r = ev_.Eval(node_.children[(node_.has_receiver ? 1 : 0) + i], focus_, frame_);
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<std::string>();
    return ToText((*r)[0]);
  }
  absl::StatusOr<std::optional<int64_t>> Integer(size_t i) {
    auto r = ev_.Eval(node_.children[(node_.has_receiver ? 1 : 0) + i], focus_, frame_);
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<int64_t>();
    auto v = ToSystem((*r)[0]);
    if (!v || v->kind() != ItemKind::kInteger) {
      return absl::InvalidArgumentError(Cat("FHIRPath: ", node_.name, "() needs an integer"));
    }
    return std::optional<int64_t>(v->integer());
  }

 private:
  Evaluator& ev_;
  const Node& node_;
  Items focus_;
  const Frame& frame_;
};

absl::StatusOr<Collection> Regex(const Node& node, std::string_view s, Args& args) {
  std::shared_ptr<const re2::RE2> re = node.regex;
  if (re == nullptr) {
    auto pattern = args.Text(0);
    if (!pattern.ok()) return pattern.status();
    if (!*pattern) return Collection();
    re = CompileRegex(**pattern);
    if (re == nullptr) return absl::InvalidArgumentError("FHIRPath: invalid regular expression");
  }
  if (node.function == Function::kMatches) {
    return One(Item::Boolean(re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re)));
  }
  auto substitution = args.Text(1);
  if (!substitution.ok()) return substitution.status();
  if (!*substitution) return Collection();
  std::string out(s);
  // FHIRPath writes groups as $1; RE2 as \1.
  std::string rewrite = **substitution;
  for (size_t i = 0; i + 1 < rewrite.size(); ++i) {
    if (rewrite[i] == '$' && (rewrite[i + 1] >= '0' && rewrite[i + 1] <= '9')) {
      rewrite[i] = '\\';
    }
  }
  re2::RE2::GlobalReplace(&out, *re, rewrite);
  return One(Item::String(std::move(out)));
}

absl::StatusOr<Collection> Substring(std::string_view s, Args& args, size_t arg_count) {
  auto start = args.Integer(0);
  if (!start.ok()) return start.status();
  if (!*start || **start < 0 || static_cast<size_t>(**start) >= s.size()) return Collection();
  size_t length = std::string::npos;
  if (arg_count > 1) {
    auto n = args.Integer(1);
    if (!n.ok()) return n.status();
    if (*n) length = **n < 0 ? 0 : static_cast<size_t>(**n);
  }
  return One(Item::String(std::string(s.substr(static_cast<size_t>(**start), length))));
}

// Conversion of a single item per toX()/convertsToX(); std::nullopt when it does not convert.
std::optional<Item> Convert(Function f, const Item& item) {
  auto v = ToSystem(item);
  if (!v) return std::nullopt;
  std::optional<std::string> text = ToText(item);
  switch (f) {
    case Function::kToString:
    case Function::kConvertsToString:
      if (!text) return std::nullopt;
      return Item::String(*text);
    case Function::kToInteger:
    case Function::kConvertsToInteger:
      if (v->kind() == ItemKind::kInteger) return *v;
      if (v->kind() == ItemKind::kBoolean) return Item::Integer(v->boolean() ? 1 : 0);
      if (v->kind() == ItemKind::kString) {
        std::string_view s = v->text();
        if (s.empty() || s.find_first_not_of("+-0123456789") != std::string::npos)
          return std::nullopt;
        auto d = Decimal::Parse(s);
        if (!d) return std::nullopt;
        auto n = d->ToInteger();
        if (!n) return std::nullopt;
        return Item::Integer(*n);
      }
      return std::nullopt;
    case Function::kToDecimal:
    case Function::kConvertsToDecimal:
      if (v->kind() == ItemKind::kInteger)
        return Item::FromDecimal(Decimal::FromInteger(v->integer()));
      if (v->kind() == ItemKind::kDecimal) return *v;
      if (v->kind() == ItemKind::kBoolean)
        return Item::FromDecimal(Decimal::FromInteger(v->boolean()));
      if (v->kind() == ItemKind::kString) {
        if (v->text().find_first_of("eE") != std::string::npos) return std::nullopt;
        if (auto d = Decimal::Parse(v->text())) return Item::FromDecimal(*d);
      }
      return std::nullopt;
    case Function::kToBoolean:
    case Function::kConvertsToBoolean: {
      if (v->kind() == ItemKind::kBoolean) return *v;
      std::string s = Lower(text.value_or(""));
      if (s == "true" || s == "t" || s == "yes" || s == "y" || s == "1" || s == "1.0")
        return Item::Boolean(true);
      if (s == "false" || s == "f" || s == "no" || s == "n" || s == "0" || s == "0.0")
        return Item::Boolean(false);
      return std::nullopt;
    }
    case Function::kToDate:
    case Function::kConvertsToDate:
    case Function::kToDateTime:
    case Function::kConvertsToDateTime:
    case Function::kToTime:
    case Function::kConvertsToTime: {
      if (v->kind() != ItemKind::kString && v->kind() != ItemKind::kTemporal) return std::nullopt;
      bool time = f == Function::kToTime || f == Function::kConvertsToTime;
      auto t = v->kind() == ItemKind::kTemporal
                   ? std::optional<Temporal>(v->temporal())
                   : Temporal::Parse(v->text(), time ? TemporalKind::kTime : TemporalKind::kDate);
      if (!t || (t->kind == TemporalKind::kTime) != time) return std::nullopt;
      if (f == Function::kToDate || f == Function::kConvertsToDate) {
        t->kind = TemporalKind::kDate;
        if (t->precision > Precision::kDay) t->precision = Precision::kDay;
        t->offset_minutes.reset();
      } else if (!time) {
        t->kind = TemporalKind::kDateTime;
      }
      return Item::FromTemporal(*t);
    }
    case Function::kToQuantity:
    case Function::kConvertsToQuantity:
      if (v->kind() == ItemKind::kQuantity) return *v;
      if (v->kind() == ItemKind::kInteger)
        return Item::Quantity(Decimal::FromInteger(v->integer()), "1");
      if (v->kind() == ItemKind::kDecimal) return Item::Quantity(v->decimal(), "1");
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool IsConvertsTo(Function f) {
  switch (f) {
    case Function::kConvertsToString:
    case Function::kConvertsToInteger:
    case Function::kConvertsToDecimal:
    case Function::kConvertsToBoolean:
    case Function::kConvertsToDate:
    case Function::kConvertsToDateTime:
    case Function::kConvertsToTime:
    case Function::kConvertsToQuantity:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<Collection> Clock(Evaluator& ev, Function f) {
  const auto& now = ev.context().now;
  if (!now) return absl::FailedPreconditionError("FHIRPath: now()/today() need Context::now");
  Temporal t = *now;
  if (f == Function::kToday) {
    t.kind = TemporalKind::kDate;
    t.precision = Precision::kDay;
    t.offset_minutes.reset();
  }
  return One(Item::FromTemporal(t));
}

absl::StatusOr<Collection> Math(Function f, Items input) {
  if (f == Function::kSum) {
    Item total = Item::Integer(0);
    for (const Item& x : input) {
      auto r = Arithmetic(BinaryOp::kAdd, total, x);
      if (!r.ok()) return r.status();
      if (!*r) return Collection();
      total = **r;
    }
    return One(total);
  }
  if (input.empty()) return Collection();
  auto v = ToSystem(input[0]);
  if (!v || (v->kind() != ItemKind::kInteger && v->kind() != ItemKind::kDecimal)) {
    return absl::InvalidArgumentError("FHIRPath: math functions need a number");
  }
  if (v->kind() == ItemKind::kInteger) {
    return One(f == Function::kAbs ? Item::Integer(v->integer() < 0 ? -v->integer() : v->integer())
                                   : *v);
  }
  Decimal d = v->decimal();
  if (f == Function::kAbs)
    return One(Item::FromDecimal(Decimal::Compare(d, Decimal()) < 0 ? d.Negate() : d));
  auto truncated = d.ToInteger();
  if (!truncated) return Collection();
  int64_t n = *truncated;
  bool exact = d.IsInteger();
  bool negative = Decimal::Compare(d, Decimal()) < 0;
  if (f == Function::kFloor && negative && !exact) --n;
  if (f == Function::kCeiling && !negative && !exact) ++n;
  if (f == Function::kRound) {
    auto half = Decimal::Parse(negative ? "-0.5" : "0.5");
    auto r = Decimal::Add(d, *half);
    if (!r) return Collection();
    n = r->ToInteger().value_or(n);
    return One(Item::FromDecimal(Decimal::FromInteger(n)));
  }
  return One(Item::Integer(n));
}

}  // namespace

std::shared_ptr<const re2::RE2> CompileRegex(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_dot_nl(true);
  options.set_log_errors(false);
  auto re =
      std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return nullptr;
  return re;
}

absl::StatusOr<Collection> CallStringFunction(Evaluator& ev, const Node& node, Items input,
                                              Items focus, const Frame& frame) {
  Function f = node.function;
  size_t arg_count = node.children.size() - (node.has_receiver ? 1 : 0);
  if (f == Function::kToday || f == Function::kNow) return Clock(ev, f);
  if (f == Function::kAbs || f == Function::kCeiling || f == Function::kFloor ||
      f == Function::kRound || f == Function::kSum) {
    return Math(f, input);
  }
  if (f == Function::kJoin) {
    Args args(ev, node, focus, frame);
    std::string separator;
    if (arg_count > 0) {
      auto s = args.Text(0);
      if (!s.ok()) return s.status();
      separator = s->value_or("");
    }
    std::string out;
    for (size_t i = 0; i < input.size(); ++i) {
      if (i > 0) out += separator;
      out += ToText(input[i]).value_or("");
    }
    return One(Item::String(std::move(out)));
  }
  if (input.size() > 1) {
    return absl::InvalidArgumentError(
        Cat("FHIRPath: ", node.name, "() needs a single input item, got ", input.size()));
  }
  if (input.empty()) return Collection();
  if (IsConvertsTo(f)) return One(Item::Boolean(Convert(f, input[0]).has_value()));
  switch (f) {
    case Function::kToString:
    case Function::kToInteger:
    case Function::kToDecimal:
    case Function::kToBoolean:
    case Function::kToDate:
    case Function::kToDateTime:
    case Function::kToTime:
    case Function::kToQuantity: {
      auto converted = Convert(f, input[0]);
      return converted ? One(*std::move(converted)) : Collection();
    }
    default:
      break;
  }
  std::string buffer;
  std::optional<std::string_view> text = TextView(input[0], buffer);
  if (!text) return Collection();
  std::string_view s = *text;
  Args args(ev, node, focus, frame);
  switch (f) {
    case Function::kLength:
      return One(Item::Integer(static_cast<int64_t>(s.size())));
    case Function::kUpper:
      return One(Item::String(Upper(s)));
    case Function::kLower:
      return One(Item::String(Lower(s)));
    case Function::kTrim:
      return One(Item::String(std::string(Trim(s))));
    case Function::kToChars: {
      Collection out;
      for (char c : s) out.push_back(Item::String(std::string(1, c)));
      return out;
    }
    case Function::kSubstring:
      return Substring(s, args, arg_count);
    case Function::kMatches:
    case Function::kReplaceMatches:
      return Regex(node, s, args);
    default:
      break;
  }
  auto a = args.Text(0);
  if (!a.ok()) return a.status();
  if (!*a) return Collection();
  const std::string& x = **a;
  switch (f) {
    case Function::kContains:
      return One(Item::Boolean(s.find(x) != std::string_view::npos));
    case Function::kStartsWith:
      return One(Item::Boolean(s.compare(0, x.size(), x) == 0 && s.size() >= x.size()));
    case Function::kEndsWith:
      return One(
          Item::Boolean(s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0));
    case Function::kIndexOf: {
      size_t i = s.find(x);
      return One(Item::Integer(i == std::string_view::npos ? -1 : static_cast<int64_t>(i)));
    }
    case Function::kSplit: {
      Collection out;
      size_t start = 0;
      for (size_t i; !x.empty() && (i = s.find(x, start)) != std::string_view::npos;
           start = i + x.size()) {
        out.push_back(Item::String(std::string(s.substr(start, i - start))));
      }
      out.push_back(Item::String(std::string(s.substr(start))));
      return out;
    }
    case Function::kReplace: {
      auto b = args.Text(1);
      if (!b.ok()) return b.status();
      if (!*b) return Collection();
      if (x.empty()) return One(Item::String(std::string(s)));
      return One(Item::String(ReplaceAll(s, x, **b)));
    }
    default:
      return absl::UnimplementedError(Cat("FHIRPath function ", node.name, "() is not supported"));
  }
}

}  // namespace zorgbrug::fhir::fhirpath::internal
