#include "fhir/json/value.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "fhir/json/arena.h"

namespace zorgbrug::fhir::json {
namespace {

const char* CopyChars(Arena& arena, std::string_view text) {
  if (text.empty()) return "";
  char* chars = arena.AllocateArray<char>(text.size());
  std::memcpy(chars, text.data(), text.size());
  return chars;
}

// Grows `data` (holding `size` elements, room for `capacity`) so that one more fits.
template <typename T>
T* Grow(Arena& arena, T* data, uint32_t size, uint32_t& capacity) {
  if (size < capacity) return data;
  uint32_t new_capacity = capacity == 0 ? 4 : capacity * 2;
  T* grown = arena.AllocateArray<T>(new_capacity);
  if (size > 0) std::memcpy(static_cast<void*>(grown), data, size * sizeof(T));
  capacity = new_capacity;
  return grown;
}

}  // namespace

const Value* Value::Find(std::string_view name) const {
  for (const Member& member : members()) {
    if (member.name == name) return &member.value;
  }
  return nullptr;
}

Value* Value::Find(std::string_view name) {
  for (Member& member : members()) {
    if (member.name == name) return &member.value;
  }
  return nullptr;
}

std::string_view Value::FindString(std::string_view name) const {
  const Value* value = Find(name);
  return value != nullptr && value->IsString() ? value->text() : std::string_view();
}

Document::Document() : arena_(std::make_unique<Arena>()) {}
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

Value Document::MakeBool(bool b) {
  Value value;
  value.kind_ = b ? Kind::kTrue : Kind::kFalse;
  return value;
}

Value Document::MakeString(std::string_view text) {
  Value value;
  value.kind_ = Kind::kString;
  value.chars_ = CopyChars(*arena_, text);
  value.size_ = static_cast<uint32_t>(text.size());
  return value;
}

Value Document::MakeNumber(std::string_view text) {
  Value value = MakeString(text);
  value.kind_ = Kind::kNumber;
  return value;
}

Value Document::MakeInteger(int64_t n) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), n);
  return MakeNumber(std::string_view(buffer, end - buffer));
}

Value Document::MakeArray() {
  Value value;
  value.kind_ = Kind::kArray;
  value.items_ = nullptr;
  return value;
}

Value Document::MakeObject() {
  Value value;
  value.kind_ = Kind::kObject;
  value.members_ = nullptr;
  return value;
}

void Document::Append(Value& array, Value item) {
  array.items_ = Grow(*arena_, array.items_, array.size_, array.capacity_);
  array.items_[array.size_++] = item;
}

Value& Document::Set(Value& object, std::string_view name, Value value) {
  if (Value* existing = object.Find(name)) {
    *existing = value;
    return *existing;
  }
  object.members_ = Grow(*arena_, object.members_, object.size_, object.capacity_);
  Member& member = object.members_[object.size_++];
  member.name = std::string_view(CopyChars(*arena_, name), name.size());
  member.value = value;
  return member.value;
}

bool Document::Remove(Value& object, std::string_view name) {
  std::span<Member> members = object.members();
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const Member& member) { return member.name == name; });
  if (it == members.end()) return false;
  std::move(it + 1, members.end(), it);
  --object.size_;
  return true;
}

Value Document::Copy(const Value& from) {
  switch (from.kind()) {
    case Kind::kNull:
    case Kind::kFalse:
    case Kind::kTrue:
      return from;
    case Kind::kNumber:
      return MakeNumber(from.text());
    case Kind::kString:
      return MakeString(from.text());
    case Kind::kArray: {
      Value copy = MakeArray();
      copy.items_ = arena_->AllocateArray<Value>(from.size_);
      copy.capacity_ = from.size_;
      for (const Value& item : from.items()) copy.items_[copy.size_++] = Copy(item);
      return copy;
    }
    case Kind::kObject: {
      Value copy = MakeObject();
      copy.members_ = arena_->AllocateArray<Member>(from.size_);
      copy.capacity_ = from.size_;
      for (const Member& member : from.members()) {
        Member& target = copy.members_[copy.size_++];
        target.name = std::string_view(CopyChars(*arena_, member.name), member.name.size());
        target.value = Copy(member.value);
      }
      return copy;
    }
  }
  return Value();
}

size_t Document::ArenaBytes() const { return arena_ ? arena_->BytesReserved() : 0; }

bool Equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kNull:
    case Kind::kFalse:
    case Kind::kTrue:
      return true;
    case Kind::kNumber:
    case Kind::kString:
      return a.text() == b.text();
    case Kind::kArray:
      return std::equal(a.items().begin(), a.items().end(), b.items().begin(), b.items().end(),
                        [](const Value& x, const Value& y) { return Equal(x, y); });
    case Kind::kObject:
      if (a.size() != b.size()) return false;
      for (const Member& member : a.members()) {
        const Value* other = b.Find(member.name);
        if (other == nullptr || !Equal(member.value, *other)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace zorgbrug::fhir::json
