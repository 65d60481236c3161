// Equality, comparison and arithmetic (http://hl7.org/fhirpath/N1/#equality,
// #comparison, #math).

#include <algorithm>

#include "fhir/fhirpath/evaluator.h"
#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

bool IsNumber(const Item& item) {
  return item.kind() == ItemKind::kInteger || item.kind() == ItemKind::kDecimal;
}

Decimal AsDecimal(const Item& item) {
  return item.kind() == ItemKind::kInteger ? Decimal::FromInteger(item.integer()) : item.decimal();
}

// Both items as temporals when either is one, or when both are document strings in a date/time
// format (Period.start <= Period.end compares dateTimes held as JSON strings).
bool BothTemporal(const Item& ra, const Item& rb, const Item& a, const Item& b, Temporal& ta,
                  Temporal& tb) {
  bool any = ra.kind() == ItemKind::kTemporal || rb.kind() == ItemKind::kTemporal;
  bool strings_from_nodes = ra.kind() == ItemKind::kString && rb.kind() == ItemKind::kString &&
                            a.kind() == ItemKind::kNode && b.kind() == ItemKind::kNode;
  if (!any && !strings_from_nodes) return false;
  auto x = ToTemporal(ra);
  auto y = ToTemporal(rb);
  if (!x || !y) return false;
  ta = *x;
  tb = *y;
  return true;
}

std::string NormalizeSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : Trim(s)) {
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// Equality of two primitive document values without conversion, when their JSON text decides it:
// identical text is equal; different strings that cannot be dates/times differ. std::nullopt
// when the full comparison is needed.
std::optional<bool> QuickEqual(const Item& a, const Item& b) {
  if (a.kind() != ItemKind::kNode || b.kind() != ItemKind::kNode) return std::nullopt;
  const json::Value& x = a.node();
  const json::Value& y = b.node();
  if (x.kind() != y.kind() || x.IsObject() || x.IsArray() || x.IsNull()) return std::nullopt;
  if (x.IsBool()) return true;  // same kind means same value
  if (x.text() == y.text()) return true;
  if (x.IsString()) {
    auto date_like = [](std::string_view s) { return !s.empty() && s[0] >= '0' && s[0] <= '9'; };
    if (!date_like(x.text()) || !date_like(y.text())) return false;
  }
  return std::nullopt;
}

}  // namespace

std::optional<bool> ItemsEqual(const Item& a, const Item& b) {
  if (a.kind() == b.kind()) {
    if (a.kind() == ItemKind::kBoolean) return a.boolean() == b.boolean();
    if (a.kind() == ItemKind::kInteger) return a.integer() == b.integer();
  }
  if (auto quick = QuickEqual(a, b)) return quick;
  if (a.kind() == ItemKind::kNode && b.kind() == ItemKind::kNode &&
      (a.node().IsObject() || b.node().IsObject())) {
    if (a.type() == "Quantity" && b.type() == "Quantity") {
      // fall through to quantity comparison
    } else {
      return a.node().IsObject() && b.node().IsObject() && json::Equal(a.node(), b.node());
    }
  }
  auto ra = ToSystem(a);
  auto rb = ToSystem(b);
  if (!ra || !rb) return std::nullopt;
  Temporal ta, tb;
  if (BothTemporal(*ra, *rb, a, b, ta, tb)) {
    auto c = Temporal::Compare(ta, tb);
    if (!c) return std::nullopt;
    return *c == 0;
  }
  if (IsNumber(*ra) && IsNumber(*rb)) {
    return Decimal::Compare(AsDecimal(*ra), AsDecimal(*rb)) == 0;
  }
  if (ra->kind() != rb->kind()) return false;
  switch (ra->kind()) {
    case ItemKind::kBoolean:
      return ra->boolean() == rb->boolean();
    case ItemKind::kString:
      return ra->text() == rb->text();
    case ItemKind::kQuantity:
      if (ra->text() != rb->text()) return std::nullopt;
      return Decimal::Compare(ra->decimal(), rb->decimal()) == 0;
    default:
      return false;
  }
}

bool ItemsEquivalent(const Item& a, const Item& b) {
  auto ra = ToSystem(a);
  auto rb = ToSystem(b);
  if (ra && rb && ra->kind() == ItemKind::kString && rb->kind() == ItemKind::kString) {
    return NormalizeSpace(ra->text()) == NormalizeSpace(rb->text());
  }
  auto eq = ItemsEqual(a, b);
  return eq.value_or(false);
}

std::optional<bool> CollectionsEqual(const Collection& a, const Collection& b) {
  if (a.empty() || b.empty()) return std::nullopt;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto eq = ItemsEqual(a[i], b[i]);
    if (!eq) return std::nullopt;
    if (!*eq) return false;
  }
  return true;
}

bool CollectionsEquivalent(const Collection& a, const Collection& b) {
  if (a.empty() && b.empty()) return true;
  if (a.size() != b.size()) return false;
  // Order does not matter for equivalence.
  std::vector<bool> used(b.size(), false);
  for (const Item& x : a) {
    bool found = false;
    for (size_t j = 0; j < b.size() && !found; ++j) {
      if (!used[j] && ItemsEquivalent(x, b[j])) used[j] = found = true;
    }
    if (!found) return false;
  }
  return true;
}

std::optional<int> CompareItems(const Item& a, const Item& b) {
  if (a.kind() == ItemKind::kInteger && b.kind() == ItemKind::kInteger) {
    return a.integer() < b.integer() ? -1 : (a.integer() > b.integer() ? 1 : 0);
  }
  auto ra = ToSystem(a);
  auto rb = ToSystem(b);
  if (!ra || !rb) return std::nullopt;
  Temporal ta, tb;
  if (BothTemporal(*ra, *rb, a, b, ta, tb)) return Temporal::Compare(ta, tb);
  if (IsNumber(*ra) && IsNumber(*rb)) return Decimal::Compare(AsDecimal(*ra), AsDecimal(*rb));
  if (ra->kind() == ItemKind::kString && rb->kind() == ItemKind::kString) {
    int c = ra->text().compare(rb->text());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (ra->kind() == ItemKind::kQuantity && rb->kind() == ItemKind::kQuantity &&
      ra->text() == rb->text()) {
    return Decimal::Compare(ra->decimal(), rb->decimal());
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Item>> Arithmetic(BinaryOp op, const Item& a, const Item& b) {
  auto ra = ToSystem(a);
  auto rb = ToSystem(b);
  if (!ra || !rb) return std::optional<Item>();
  if (op == BinaryOp::kAdd && ra->kind() == ItemKind::kString && rb->kind() == ItemKind::kString) {
    return std::optional<Item>(Item::String(Cat(ra->text(), rb->text())));
  }
  if (!IsNumber(*ra) || !IsNumber(*rb)) {
    return absl::UnimplementedError(
        Cat("FHIRPath arithmetic on ", TypeName(*ra), " and ", TypeName(*rb), " is not supported"));
  }
  bool integers = ra->kind() == ItemKind::kInteger && rb->kind() == ItemKind::kInteger;
  Decimal x = AsDecimal(*ra), y = AsDecimal(*rb);
  std::optional<Decimal> r;
  switch (op) {
    case BinaryOp::kAdd:
      r = Decimal::Add(x, y);
      break;
    case BinaryOp::kSubtract:
      r = Decimal::Subtract(x, y);
      break;
    case BinaryOp::kMultiply:
      r = Decimal::Multiply(x, y);
      break;
    case BinaryOp::kDivide:
      r = Decimal::Divide(x, y);
      integers = false;
      break;
    case BinaryOp::kDiv:
      r = Decimal::Div(x, y);
      integers = true;
      break;
    case BinaryOp::kMod:
      r = Decimal::Mod(x, y);
      break;
    default:
      return absl::InternalError("not an arithmetic operator");
  }
  if (!r) return std::optional<Item>();  // division by zero or overflow: empty
  if (integers) {
    auto n = r->ToInteger();
    if (!n) return std::optional<Item>();
    return std::optional<Item>(Item::Integer(*n));
  }
  return std::optional<Item>(Item::FromDecimal(*r));
}

bool ContainsItem(Items items, const Item& item) {
  for (const Item& x : items) {
    if (ItemsEqual(x, item).value_or(false)) return true;
  }
  return false;
}

namespace {

// True for a string starting with a digit that Temporal::Parse might accept ("2020", "2020-01",
// "2020T", "10:00"); such strings can equal a date/time of another text. Other strings that start
// with a digit ("110001") are equal only to the same text.
bool MayBeTemporal(std::string_view s) {
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.empty() || !digit(0)) return false;
  if (s.size() > 2 && s[2] == ':') return true;
  if (s.size() < 4 || !digit(1) || !digit(2) || !digit(3)) return false;
  return s.size() == 4 || s[4] == '-' || s[4] == 'T' || s[4] == 'Z' || s[4] == '+';
}

// Equal items have equal hashes: strings that could be dates, numbers, booleans and objects
// share one bucket per family; other strings hash by text.
size_t EqualityHash(const Item& item) {
  std::string_view text;
  switch (item.kind()) {
    case ItemKind::kNode:
      if (!item.node().IsString()) {
        if (item.node().IsNumber()) return 1;
        return item.node().IsBool() ? 2 : 3;
      }
      text = item.node().text();
      break;
    case ItemKind::kString:
      text = item.text();
      break;
    case ItemKind::kInteger:
    case ItemKind::kDecimal:
      return 1;
    case ItemKind::kBoolean:
      return 2;
    case ItemKind::kQuantity:
      return 3;
    case ItemKind::kTemporal:
      return 5;
  }
  if (MayBeTemporal(text)) return 5;
  return std::hash<std::string_view>()(text);
}

// Spreads the small family hashes (1, 2, 3, 5) over the table.
size_t Spread(size_t hash) {
  hash *= 0x9E3779B97F4A7C15ull;
  return hash ^ (hash >> 29);
}

}  // namespace

size_t DistinctItems::Find(const Item& item, size_t hash) const {
  size_t mask = slots_.size() - 1;
  for (size_t i = Spread(hash) & mask;; i = (i + 1) & mask) {
    uint32_t slot = slots_[i];
    if (slot == 0) return i;
    if (hashes_[slot - 1] == hash && ItemsEqual(items_[slot - 1], item).value_or(false)) return i;
  }
}

void DistinctItems::Rehash() {
  slots_.assign(slots_.empty() ? 16 : slots_.size() * 2, 0);
  size_t mask = slots_.size() - 1;
  for (uint32_t k = 0; k < items_.size(); ++k) {
    size_t i = Spread(hashes_[k]) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = k + 1;
  }
}

bool DistinctItems::Contains(const Item& item) const {
  if (slots_.empty()) return false;
  return slots_[Find(item, EqualityHash(item))] != 0;
}

bool DistinctItems::Add(const Item& item) {
  if ((items_.size() + 1) * 2 > slots_.size()) Rehash();
  size_t hash = EqualityHash(item);
  size_t i = Find(item, hash);
  if (slots_[i] != 0) return false;
  slots_[i] = static_cast<uint32_t>(items_.size() + 1);
  items_.push_back(item);
  hashes_.push_back(hash);
  return true;
}

absl::StatusOr<std::optional<bool>> SingletonBoolean(Items items) {
  if (items.empty()) return std::optional<bool>();
  if (items.size() > 1) {
    return absl::InvalidArgumentError(
        Cat("FHIRPath: expected a single boolean, got ", items.size(), " items"));
  }
  const Item& item = items[0];
  if (item.kind() == ItemKind::kBoolean) return std::optional<bool>(item.boolean());
  if (item.kind() == ItemKind::kNode && item.node().IsBool()) {
    return std::optional<bool>(item.node().GetBool());
  }
  return std::optional<bool>(true);
}

}  // namespace zorgbrug::fhir::fhirpath::internal
