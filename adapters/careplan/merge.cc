// The three-way merge of care plans (merge.h). Written once over protobuf reflection rather than
// once per list, so that a field added to care_plan.proto later is merged by the same rules
// without touching this file: singular fields and oneofs are merged as one value each, repeated
// scalars as sets, repeated messages by key (kKeyedLists, else the element's `local_key`), any
// other repeated message as one value.

#include "adapters/careplan/merge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/common/bundle_io.h"

namespace zorgbrug::adapters::careplan {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::OneofDescriptor;
using google::protobuf::Reflection;
using google::protobuf::TextFormat;

// The keyed lists and the fields that make an element's key, joined with '|' (enums by name):
// "m-2|MEMBER_KIND_UNSPECIFIED|CONTENT_CLASS_CLINICAL" for an access decision. A repeated message
// field not named here is keyed by its element's string `local_key` when it has one.
struct KeyedList {
  std::string_view list;  // the field's full name
  std::string_view key_fields[3];
};
constexpr KeyedList kKeyedLists[] = {
    {"zorgbrug.v1.CarePlan.life_goals", {"local_key"}},
    {"zorgbrug.v1.CarePlan.care_goals", {"local_key"}},
    {"zorgbrug.v1.CarePlan.tasks", {"local_key"}},
    {"zorgbrug.v1.CarePlan.team", {"local_key"}},
    {"zorgbrug.v1.CarePlan.messages", {"local_key"}},
    {"zorgbrug.v1.CarePlan.access", {"member", "member_kind", "content"}},
};

// How a unit of a message merges: as one value, as a set, or element by element.
enum class UnitKind { kValue, kSet, kKeyedList };

// What is merged as one: a field, or a whole oneof (a member changed from professional to
// organisation is one change, not two).
struct Unit {
  std::string name;                            // the field's or the oneof's name
  std::vector<const FieldDescriptor*> fields;  // one field, or the oneof's members
  UnitKind kind = UnitKind::kValue;
  std::vector<const FieldDescriptor*> key_fields;  // what makes an element's key (kKeyedList)
};

std::vector<const FieldDescriptor*> KeyFieldsOf(const FieldDescriptor& list) {
  std::vector<const FieldDescriptor*> keys;
  const Descriptor& element = *list.message_type();
  for (const KeyedList& keyed : kKeyedLists) {
    if (keyed.list != list.full_name()) continue;
    for (std::string_view name : keyed.key_fields) {
      if (!name.empty()) keys.push_back(element.FindFieldByName(std::string(name)));
    }
    return keys;
  }
  const FieldDescriptor* local_key = element.FindFieldByName("local_key");
  if (local_key != nullptr && !local_key->is_repeated() &&
      local_key->type() == FieldDescriptor::TYPE_STRING) {
    keys.push_back(local_key);
  }
  return keys;
}

// The units of `type` in field-number order; a oneof stands at its first member's place.
std::vector<Unit> UnitsOf(const Descriptor& type) {
  std::vector<const FieldDescriptor*> fields;
  for (int i = 0; i < type.field_count(); ++i) fields.push_back(type.field(i));
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->number() < b->number(); });
  std::vector<Unit> units;
  std::set<const OneofDescriptor*> oneofs;
  for (const FieldDescriptor* field : fields) {
    if (const OneofDescriptor* oneof = field->real_containing_oneof(); oneof != nullptr) {
      if (!oneofs.insert(oneof).second) continue;
      Unit unit;
      unit.name = oneof->name();
      for (int i = 0; i < oneof->field_count(); ++i) unit.fields.push_back(oneof->field(i));
      units.push_back(std::move(unit));
      continue;
    }
    Unit unit;
    unit.name = field->name();
    unit.fields = {field};
    if (field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!field->is_map()) unit.key_fields = KeyFieldsOf(*field);
      if (!unit.key_fields.empty()) unit.kind = UnitKind::kKeyedList;
    } else if (field->is_repeated()) {
      unit.kind = UnitKind::kSet;
    }
    units.push_back(std::move(unit));
  }
  return units;
}

// UnitsOf, computed once per message type: the plan's type and every type reachable from it
// (the elements, their sub-messages), at first use; any other type (a caller's) once per thread.
void AddUnits(const Descriptor& type, std::map<const Descriptor*, std::vector<Unit>>& cache) {
  if (!cache.emplace(&type, UnitsOf(type)).second) return;
  for (int i = 0; i < type.field_count(); ++i) {
    if (const Descriptor* inner = type.field(i)->message_type(); inner != nullptr) {
      AddUnits(*inner, cache);
    }
  }
}

const std::vector<Unit>& CachedUnitsOf(const Descriptor& type) {
  static const auto* const kPlanTypes = [] {
    auto* cache = new std::map<const Descriptor*, std::vector<Unit>>();
    AddUnits(*v1::CarePlan::descriptor(), *cache);
    return cache;
  }();
  if (auto it = kPlanTypes->find(&type); it != kPlanTypes->end()) return it->second;
  thread_local std::map<const Descriptor*, std::vector<Unit>> others;
  auto it = others.find(&type);
  if (it == others.end()) it = others.emplace(&type, UnitsOf(type)).first;
  return it->second;
}

// Appends item `i` of the repeated `field` of `from` to the same field of `to`.
void AppendItem(const Message& from, const FieldDescriptor* field, int i, Message* to) {
  const Reflection& in = *from.GetReflection();
  const Reflection& out = *to->GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return out.AddInt32(to, field, in.GetRepeatedInt32(from, field, i));
    case FieldDescriptor::CPPTYPE_INT64:
      return out.AddInt64(to, field, in.GetRepeatedInt64(from, field, i));
    case FieldDescriptor::CPPTYPE_UINT32:
      return out.AddUInt32(to, field, in.GetRepeatedUInt32(from, field, i));
    case FieldDescriptor::CPPTYPE_UINT64:
      return out.AddUInt64(to, field, in.GetRepeatedUInt64(from, field, i));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return out.AddDouble(to, field, in.GetRepeatedDouble(from, field, i));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return out.AddFloat(to, field, in.GetRepeatedFloat(from, field, i));
    case FieldDescriptor::CPPTYPE_BOOL:
      return out.AddBool(to, field, in.GetRepeatedBool(from, field, i));
    case FieldDescriptor::CPPTYPE_ENUM:
      return out.AddEnumValue(to, field, in.GetRepeatedEnumValue(from, field, i));
    case FieldDescriptor::CPPTYPE_STRING:
      return out.AddString(to, field, in.GetRepeatedString(from, field, i));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      out.AddMessage(to, field)->CopyFrom(in.GetRepeatedMessage(from, field, i));
      return;
  }
}

// Sets `field` of `to` to its value in `from` (cleared when `from` does not have it).
void CopyField(const Message& from, const FieldDescriptor* field, Message* to) {
  const Reflection& in = *from.GetReflection();
  const Reflection& out = *to->GetReflection();
  out.ClearField(to, field);
  if (field->is_repeated()) {
    for (int i = 0; i < in.FieldSize(from, field); ++i) AppendItem(from, field, i, to);
    return;
  }
  if (!in.HasField(from, field)) return;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return out.SetInt32(to, field, in.GetInt32(from, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return out.SetInt64(to, field, in.GetInt64(from, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return out.SetUInt32(to, field, in.GetUInt32(from, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return out.SetUInt64(to, field, in.GetUInt64(from, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return out.SetDouble(to, field, in.GetDouble(from, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return out.SetFloat(to, field, in.GetFloat(from, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return out.SetBool(to, field, in.GetBool(from, field));
    case FieldDescriptor::CPPTYPE_ENUM:
      return out.SetEnumValue(to, field, in.GetEnumValue(from, field));
    case FieldDescriptor::CPPTYPE_STRING:
      return out.SetString(to, field, in.GetString(from, field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      out.MutableMessage(to, field)->CopyFrom(in.GetMessage(from, field));
      return;
  }
}

void CopyUnit(const Message& from, const Unit& unit, Message* to) {
  for (const FieldDescriptor* field : unit.fields) CopyField(from, field, to);
}

// `message` with only `unit` set: what is compared, and printed in a conflict.
std::unique_ptr<Message> Project(const Message& message, const Unit& unit) {
  std::unique_ptr<Message> projection(message.New());
  CopyUnit(message, unit, projection.get());
  return projection;
}

// Whether two messages are equal, by their deterministic serialization. The plan's messages have
// no maps, no floating point and no extensions, so two messages are equal exactly when their bytes
// are (what MessageDifferencer::Equals decides, an order of magnitude slower: merging is dominated
// by comparing elements; merge_test.cc's properties check the result either way).
std::string Bytes(const Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream out(&stream);
  out.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&out);
  return bytes;
}

bool Same(const Message& a, const Message& b) {
  return a.ByteSizeLong() == b.ByteSizeLong() && Bytes(a) == Bytes(b);
}

bool SameUnit(const Message& a, const Message& b, const Unit& unit) {
  return Same(*Project(a, unit), *Project(b, unit));
}

// Protobuf text on one line ("status: CARE_PLAN_TASK_STATUS_ACCEPTED"); "" for an empty message.
std::string Text(const Message& message) {
  TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::string text;
  printer.PrintToString(message, &text);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string TextOrEmpty(const Message* message) { return message ? Text(*message) : ""; }

// Item `i` of a repeated scalar field, ordered: numbers by value, strings by text.
using ItemKey = std::pair<int64_t, std::string>;
ItemKey ItemKeyOf(const Message& message, const FieldDescriptor* field, int i) {
  const Reflection& r = *message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return {0, r.GetRepeatedString(message, field, i)};
    case FieldDescriptor::CPPTYPE_ENUM:
      return {r.GetRepeatedEnumValue(message, field, i), ""};
    case FieldDescriptor::CPPTYPE_INT32:
      return {r.GetRepeatedInt32(message, field, i), ""};
    case FieldDescriptor::CPPTYPE_INT64:
      return {r.GetRepeatedInt64(message, field, i), ""};
    case FieldDescriptor::CPPTYPE_UINT32:
      return {r.GetRepeatedUInt32(message, field, i), ""};
    case FieldDescriptor::CPPTYPE_BOOL:
      return {r.GetRepeatedBool(message, field, i), ""};
    default: {
      std::string text;
      TextFormat::PrintFieldValueToString(message, field, i, &text);
      return {0, text};
    }
  }
}

std::map<ItemKey, int> ItemsOf(const Message& message, const FieldDescriptor* field) {
  std::map<ItemKey, int> items;
  const int size = message.GetReflection()->FieldSize(message, field);
  for (int i = 0; i < size; ++i) items.emplace(ItemKeyOf(message, field, i), i);
  return items;
}

// Both sides changed the set: the base's items that neither side removed, in the base's order,
// then the items either side added, in item order (so the result does not depend on the sides'
// order).
void MergeSet(const Message& base, const Message& ours, const Message& theirs,
              const FieldDescriptor* field, Message* merged) {
  const std::map<ItemKey, int> in_base = ItemsOf(base, field);
  const std::map<ItemKey, int> in_ours = ItemsOf(ours, field);
  const std::map<ItemKey, int> in_theirs = ItemsOf(theirs, field);
  merged->GetReflection()->ClearField(merged, field);
  std::set<ItemKey> kept;
  const int size = base.GetReflection()->FieldSize(base, field);
  for (int i = 0; i < size; ++i) {
    ItemKey key = ItemKeyOf(base, field, i);
    if (in_ours.count(key) && in_theirs.count(key) && kept.insert(key).second) {
      AppendItem(base, field, i, merged);
    }
  }
  std::map<ItemKey, std::pair<const Message*, int>> added;
  for (const auto& [key, i] : in_ours) {
    if (!in_base.count(key)) added.emplace(key, std::pair{&ours, i});
  }
  for (const auto& [key, i] : in_theirs) {
    if (!in_base.count(key)) added.emplace(key, std::pair{&theirs, i});
  }
  for (const auto& [key, from] : added) AppendItem(*from.first, field, from.second, merged);
}

// Where in the plan a message being merged sits: nowhere for the plan itself, else its list
// ("tasks"), its key and the prefix of its fields' paths ("tasks[key=t-3].").
struct Context {
  std::string list;
  std::string key;
  std::string prefix;
};

Context ElementContext(const Context& parent, std::string_view list, std::string_view key) {
  std::string path = common::Cat({parent.prefix, list});
  return {path, std::string(key), common::Cat({path, "[key=", key, "]."})};
}

v1::CarePlanConflict MakeConflict(v1::ConflictKind kind, const Context& at, std::string_view field,
                                  std::string base, std::string ours, std::string theirs) {
  v1::CarePlanConflict conflict;
  std::string path = common::Cat({at.prefix, field});
  if (field.empty() && !path.empty()) path.pop_back();  // the element itself: no trailing '.'
  conflict.set_path(path);
  conflict.set_kind(kind);
  conflict.set_list(at.list);
  conflict.set_key(at.key);
  conflict.set_field(std::string(field));
  conflict.set_base(std::move(base));
  conflict.set_ours(std::move(ours));
  conflict.set_theirs(std::move(theirs));
  return conflict;
}

// A value or a set: one side's change is taken, the same change on both sides once; a set
// changed on both sides merges item by item; a value changed differently is a conflict and
// keeps the base's value (`merged` starts as the base).
void MergeUnit(const Message& base, const Message& ours, const Message& theirs, const Unit& unit,
               const Context& at, Message* merged, std::vector<v1::CarePlanConflict>* conflicts) {
  if (SameUnit(ours, theirs, unit) || SameUnit(theirs, base, unit)) {
    return CopyUnit(ours, unit, merged);
  }
  if (SameUnit(ours, base, unit)) return CopyUnit(theirs, unit, merged);
  if (unit.kind == UnitKind::kSet) return MergeSet(base, ours, theirs, unit.fields[0], merged);
  conflicts->push_back(MakeConflict(v1::CONFLICT_KIND_BOTH_CHANGED, at, unit.name,
                                    Text(*Project(base, unit)), Text(*Project(ours, unit)),
                                    Text(*Project(theirs, unit))));
}

// The elements of a keyed list in order, and by key. A key repeated within one list (a plan
// CheckPlan refuses) gets "#2", "#3", ... so that no element is lost.
struct Keyed {
  std::vector<std::pair<std::string, const Message*>> order;
  std::map<std::string, const Message*> by_key;

  const Message* Find(const std::string& key) const {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
  }
};

std::string KeyOf(const Message& element, const std::vector<const FieldDescriptor*>& fields) {
  std::string key;
  for (const FieldDescriptor* field : fields) {
    if (field != fields.front()) key += '|';
    std::string value;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      value = element.GetReflection()->GetString(element, field);
    } else {
      TextFormat::PrintFieldValueToString(element, field, -1, &value);
    }
    key += value;
  }
  return key;
}

Keyed Index(const Message& plan, const Unit& list) {
  Keyed keyed;
  const Reflection& r = *plan.GetReflection();
  const FieldDescriptor* field = list.fields[0];
  std::map<std::string, int> seen;
  for (int i = 0; i < r.FieldSize(plan, field); ++i) {
    const Message& element = r.GetRepeatedMessage(plan, field, i);
    std::string key = KeyOf(element, list.key_fields);
    if (int n = ++seen[key]; n > 1) key = common::Cat({key, "#", std::to_string(n)});
    keyed.order.emplace_back(key, &element);
    keyed.by_key.emplace(key, &element);
  }
  return keyed;
}

void MergeMessage(const Message& base, const Message& ours, const Message& theirs,
                  const Context& at, Message* merged, std::vector<v1::CarePlanConflict>* conflicts);

// A keyed list: the base's elements in the base's order (merged field by field when all three
// have them; removed when a side removed one the other left unchanged; kept, in conflict, when
// the other changed it), then the added ones by key (in conflict and left out when both added
// the key differently).
void MergeList(const Message& base, const Message& ours, const Message& theirs, const Unit& list,
               const Context& at, Message* merged, std::vector<v1::CarePlanConflict>* conflicts) {
  const FieldDescriptor* field = list.fields[0];
  const Reflection& r = *merged->GetReflection();
  const Keyed in_base = Index(base, list), in_ours = Index(ours, list),
              in_theirs = Index(theirs, list);
  r.ClearField(merged, field);
  for (const auto& [key, element] : in_base.order) {
    const Message* mine = in_ours.Find(key);
    const Message* other = in_theirs.Find(key);
    const Context inside = ElementContext(at, field->name(), key);
    if (mine != nullptr && other != nullptr) {
      MergeMessage(*element, *mine, *other, inside, r.AddMessage(merged, field), conflicts);
    } else if (mine != nullptr || other != nullptr) {
      const Message* kept = mine != nullptr ? mine : other;
      if (Same(*element, *kept)) continue;
      conflicts->push_back(MakeConflict(v1::CONFLICT_KIND_CHANGED_AND_REMOVED, inside, "",
                                        Text(*element), TextOrEmpty(mine), TextOrEmpty(other)));
      r.AddMessage(merged, field)->CopyFrom(*element);
    }
  }
  std::set<std::string> added;
  for (const Keyed* side : {&in_ours, &in_theirs}) {
    for (const auto& [key, element] : side->order) {
      if (in_base.Find(key) == nullptr) added.insert(key);
    }
  }
  for (const std::string& key : added) {
    const Message* mine = in_ours.Find(key);
    const Message* other = in_theirs.Find(key);
    if (mine != nullptr && other != nullptr && !Same(*mine, *other)) {
      conflicts->push_back(MakeConflict(v1::CONFLICT_KIND_BOTH_ADDED,
                                        ElementContext(at, field->name(), key), "", "", Text(*mine),
                                        Text(*other)));
      continue;
    }
    r.AddMessage(merged, field)->CopyFrom(mine != nullptr ? *mine : *other);
  }
}

// The message's own values and sets first, then its keyed lists, each in field-number order: the
// conflicts come out in that order.
void MergeMessage(const Message& base, const Message& ours, const Message& theirs,
                  const Context& at, Message* merged,
                  std::vector<v1::CarePlanConflict>* conflicts) {
  const std::vector<Unit>& units = CachedUnitsOf(*base.GetDescriptor());
  // An element one side left alone is the other side's, unit by unit, so as a whole: most
  // elements of a plan are unchanged on at least one side. Not for a message with keyed lists of
  // its own, whose additions are ordered by key rather than as the side has them.
  if (std::none_of(units.begin(), units.end(),
                   [](const Unit& unit) { return unit.kind == UnitKind::kKeyedList; })) {
    if (Same(ours, theirs) || Same(theirs, base)) return merged->CopyFrom(ours);
    if (Same(ours, base)) return merged->CopyFrom(theirs);
  }
  merged->CopyFrom(base);
  for (const Unit& unit : units) {
    if (unit.kind != UnitKind::kKeyedList) {
      MergeUnit(base, ours, theirs, unit, at, merged, conflicts);
    }
  }
  for (const Unit& unit : units) {
    if (unit.kind == UnitKind::kKeyedList) {
      MergeList(base, ours, theirs, unit, at, merged, conflicts);
    }
  }
}

v1::CarePlan WithoutVersion(const v1::CarePlan& plan) {
  v1::CarePlan copy = plan;
  copy.clear_version();
  return copy;
}

}  // namespace

MergeResult Merge(const v1::CarePlan& base, const v1::CarePlan& ours, const v1::CarePlan& theirs) {
  // The version says nothing about the content: compared without it, set last.
  const v1::CarePlan b = WithoutVersion(base), o = WithoutVersion(ours), t = WithoutVersion(theirs);
  MergeResult result;
  // One side unchanged (or both the same): the other side as it is, its order and version too.
  if (Same(t, b) || Same(o, t)) {
    result.merged = ours;
    return result;
  }
  if (Same(o, b)) {
    result.merged = theirs;
    return result;
  }
  MergeMessage(b, o, t, Context{}, &result.merged, &result.conflicts);
  if (Same(result.merged, o)) {
    result.merged.set_version(ours.version());
  } else if (Same(result.merged, t)) {
    result.merged.set_version(theirs.version());
  } else {
    result.merged.set_version(std::max(ours.version(), theirs.version()) + 1);
  }
  return result;
}

}  // namespace zorgbrug::adapters::careplan
