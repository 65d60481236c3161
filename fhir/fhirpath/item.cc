#include "fhir/fhirpath/item.h"

#include <atomic>

#include "fhir/fhirpath/navigation.h"

namespace zorgbrug::fhir::fhirpath {

static_assert(sizeof(Item) == 56, "Item is meant to stay compact");

struct Item::Payload {
  std::atomic<uint32_t> refs{1};
  Decimal decimal;
  Temporal temporal;
  std::string text;
};

namespace {

bool HasPayload(ItemKind kind) {
  return kind == ItemKind::kDecimal || kind == ItemKind::kTemporal || kind == ItemKind::kQuantity ||
         kind == ItemKind::kString;
}

const Decimal kNoDecimal;
const Temporal kNoTemporal;

bool IsQuantityType(std::string_view type) {
  return type == "Quantity" || type == "Age" || type == "Duration" || type == "Distance" ||
         type == "Count" || type == "SimpleQuantity" || type == "MoneyQuantity";
}

bool IsTemporalType(std::string_view type) {
  return type == "date" || type == "dateTime" || type == "instant" || type == "time";
}

std::optional<Item> QuantityOf(const json::Value& object) {
  const json::Value* value = object.Find("value");
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  auto d = Decimal::Parse(value->text());
  if (!d) return std::nullopt;
  std::string_view unit = object.FindString("code");
  if (unit.empty()) unit = object.FindString("unit");
  return Item::Quantity(*d, std::string(unit));
}

}  // namespace

void Item::RetainSlow() { payload_->refs.fetch_add(1, std::memory_order_relaxed); }

void Item::ReleaseSlow() {
  if (payload_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete payload_;
}

Item Item::FromDecimal(const Decimal& d) {
  Item item;
  item.kind_ = ItemKind::kDecimal;
  item.payload_ = new Payload;
  item.payload_->decimal = d;
  return item;
}

Item Item::String(std::string s) {
  Item item;
  item.kind_ = ItemKind::kString;
  item.payload_ = new Payload;
  item.payload_->text = std::move(s);
  item.data_.chars = item.payload_->text.data();
  item.size_ = static_cast<uint32_t>(item.payload_->text.size());
  return item;
}

Item Item::StringView(std::string_view s) {
  Item item;
  item.kind_ = ItemKind::kString;
  item.data_.chars = s.data();
  item.size_ = static_cast<uint32_t>(s.size());
  return item;
}

Item Item::FromTemporal(const Temporal& t) {
  Item item;
  item.kind_ = ItemKind::kTemporal;
  item.payload_ = new Payload;
  item.payload_->temporal = t;
  return item;
}

Item Item::Quantity(const Decimal& value, std::string unit) {
  Item item = String(std::move(unit));
  item.kind_ = ItemKind::kQuantity;
  item.payload_->decimal = value;
  return item;
}

const Decimal& Item::decimal() const {
  return (kind_ == ItemKind::kDecimal || kind_ == ItemKind::kQuantity) ? payload_->decimal
                                                                       : kNoDecimal;
}

std::string_view Item::text() const {
  if (kind_ == ItemKind::kString || kind_ == ItemKind::kQuantity) return {data_.chars, size_};
  return {};
}

const Temporal& Item::temporal() const {
  return kind_ == ItemKind::kTemporal ? payload_->temporal : kNoTemporal;
}

void Item::Own() {
  if (!borrowed_) return;
  borrowed_ = false;
  const Payload& from = *payload_;
  payload_ = new Payload;
  payload_->decimal = from.decimal;
  payload_->temporal = from.temporal;
  payload_->text = from.text;
  if (kind_ == ItemKind::kString || kind_ == ItemKind::kQuantity) {
    data_.chars = payload_->text.data();
  }
}

Item Item::Borrow() const {
  Item item;
  item.data_ = data_;
  item.kind_ = kind_;
  item.CopyTail(*this);
  item.borrowed_ = HasPayload(kind_) && payload_ != nullptr;
  return item;
}

std::optional<Item> ToSystem(const Item& item) {
  if (item.kind() != ItemKind::kNode) return item;
  const json::Value& v = item.node();
  switch (v.kind()) {
    case json::Kind::kFalse:
    case json::Kind::kTrue:
      return Item::Boolean(v.GetBool());
    case json::Kind::kNumber: {
      auto d = Decimal::Parse(v.text());
      if (!d) return std::nullopt;
      bool integer = v.text().find_first_of(".eE") == std::string_view::npos;
      if (integer && item.type() != "decimal") {
        if (auto n = d->ToInteger()) return Item::Integer(*n);
      }
      return Item::FromDecimal(*d);
    }
    case json::Kind::kString:
      if (IsTemporalType(item.type())) {
        auto kind = item.type() == "time"   ? TemporalKind::kTime
                    : item.type() == "date" ? TemporalKind::kDate
                                            : TemporalKind::kDateTime;
        if (auto t = Temporal::Parse(v.text(), kind)) return Item::FromTemporal(*t);
      }
      return Item::StringView(v.text());
    case json::Kind::kObject:
      if (IsQuantityType(item.type())) return QuantityOf(v);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<Temporal> ToTemporal(const Item& item) {
  if (item.kind() == ItemKind::kTemporal) return item.temporal();
  std::string_view text;
  if (item.kind() == ItemKind::kString) {
    text = item.text();
  } else if (item.kind() == ItemKind::kNode && item.node().IsString()) {
    text = item.node().text();
  } else {
    return std::nullopt;
  }
  if (!text.empty() && (text[0] == 'T' || (text.size() > 2 && text[2] == ':'))) {
    return Temporal::Parse(text, TemporalKind::kTime);
  }
  return Temporal::Parse(text, TemporalKind::kDate);
}

std::optional<std::string> ToText(const Item& item) {
  auto s = ToSystem(item);
  if (!s) return std::nullopt;
  switch (s->kind()) {
    case ItemKind::kBoolean:
      return std::string(s->boolean() ? "true" : "false");
    case ItemKind::kInteger:
      return std::to_string(s->integer());
    case ItemKind::kDecimal:
      // A decimal from the document keeps its exact text.
      if (item.kind() == ItemKind::kNode) return std::string(item.node().text());
      return s->decimal().ToString();
    case ItemKind::kString:
      return std::string(s->text());
    case ItemKind::kTemporal:
      if (item.kind() == ItemKind::kNode) return std::string(item.node().text());
      return s->temporal().ToString();
    case ItemKind::kQuantity:
      return s->decimal().ToString() + " '" + std::string(s->text()) + "'";
    case ItemKind::kNode:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view TypeName(const Item& item) {
  switch (item.kind()) {
    case ItemKind::kBoolean:
      return "Boolean";
    case ItemKind::kInteger:
      return "Integer";
    case ItemKind::kDecimal:
      return "Decimal";
    case ItemKind::kString:
      return "String";
    case ItemKind::kTemporal:
      return item.temporal().kind == TemporalKind::kDate       ? "Date"
             : item.temporal().kind == TemporalKind::kDateTime ? "DateTime"
                                                               : "Time";
    case ItemKind::kQuantity:
      return "Quantity";
    case ItemKind::kNode:
      break;
  }
  if (!item.type().empty()) return item.type();
  switch (item.node().kind()) {
    case json::Kind::kFalse:
    case json::Kind::kTrue:
      return "boolean";
    case json::Kind::kNumber:
      return item.node().text().find_first_of(".eE") == std::string_view::npos ? "integer"
                                                                               : "decimal";
    case json::Kind::kString:
      return "string";
    case json::Kind::kObject:
      return item.node().FindString("resourceType");
    default:
      return {};
  }
}

}  // namespace zorgbrug::fhir::fhirpath
