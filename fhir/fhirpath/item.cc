#include "fhir/fhirpath/item.h"

#include "fhir/fhirpath/navigation.h"

namespace zorgbrug::fhir::fhirpath {
namespace {

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

std::optional<Item> ToSystem(const Item& item) {
  if (item.kind != ItemKind::kNode) return item;
  const json::Value& v = item.node;
  switch (v.kind()) {
    case json::Kind::kFalse:
    case json::Kind::kTrue:
      return Item::Boolean(v.GetBool());
    case json::Kind::kNumber: {
      auto d = Decimal::Parse(v.text());
      if (!d) return std::nullopt;
      bool integer = v.text().find_first_of(".eE") == std::string_view::npos;
      if (integer && item.type != "decimal") {
        if (auto n = d->ToInteger()) return Item::Integer(*n);
      }
      return Item::FromDecimal(*d);
    }
    case json::Kind::kString:
      if (IsTemporalType(item.type)) {
        auto kind = item.type == "time"   ? TemporalKind::kTime
                    : item.type == "date" ? TemporalKind::kDate
                                          : TemporalKind::kDateTime;
        if (auto t = Temporal::Parse(v.text(), kind)) return Item::FromTemporal(*t);
      }
      return Item::String(std::string(v.text()));
    case json::Kind::kObject:
      if (IsQuantityType(item.type)) return QuantityOf(v);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<Temporal> ToTemporal(const Item& item) {
  if (item.kind == ItemKind::kTemporal) return item.temporal;
  std::string_view text;
  if (item.kind == ItemKind::kString) {
    text = item.text;
  } else if (item.kind == ItemKind::kNode && item.node.IsString()) {
    text = item.node.text();
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
  switch (s->kind) {
    case ItemKind::kBoolean:
      return std::string(s->boolean ? "true" : "false");
    case ItemKind::kInteger:
      return std::to_string(s->integer);
    case ItemKind::kDecimal:
      // A decimal from the document keeps its exact text.
      if (item.kind == ItemKind::kNode) return std::string(item.node.text());
      return s->decimal.ToString();
    case ItemKind::kString:
      return s->text;
    case ItemKind::kTemporal:
      if (item.kind == ItemKind::kNode) return std::string(item.node.text());
      return s->temporal.ToString();
    case ItemKind::kQuantity:
      return s->decimal.ToString() + " '" + s->text + "'";
    case ItemKind::kNode:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view TypeName(const Item& item) {
  switch (item.kind) {
    case ItemKind::kBoolean:
      return "Boolean";
    case ItemKind::kInteger:
      return "Integer";
    case ItemKind::kDecimal:
      return "Decimal";
    case ItemKind::kString:
      return "String";
    case ItemKind::kTemporal:
      return item.temporal.kind == TemporalKind::kDate       ? "Date"
             : item.temporal.kind == TemporalKind::kDateTime ? "DateTime"
                                                             : "Time";
    case ItemKind::kQuantity:
      return "Quantity";
    case ItemKind::kNode:
      break;
  }
  if (!item.type.empty()) return item.type;
  switch (item.node.kind()) {
    case json::Kind::kFalse:
    case json::Kind::kTrue:
      return "boolean";
    case json::Kind::kNumber:
      return item.node.text().find_first_of(".eE") == std::string_view::npos ? "integer"
                                                                             : "decimal";
    case json::Kind::kString:
      return "string";
    case json::Kind::kObject:
      return item.node.FindString("resourceType");
    default:
      return {};
  }
}

}  // namespace zorgbrug::fhir::fhirpath
