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

// Makes room in `body` (holding elements of type T) for one more element.
template <typename T>
T* GrowForOne(Arena& arena, internal::Container& body) {
  if (body.size == body.capacity) {
    uint32_t capacity = body.capacity == 0 ? 4 : body.capacity * 2;
    T* grown = arena.AllocateArray<T>(capacity);
    if (body.size > 0) std::memcpy(static_cast<void*>(grown), body.data, body.size * sizeof(T));
    body.data = grown;
    body.capacity = capacity;
  }
  return static_cast<T*>(body.data);
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

Value Document::NewContainer(Kind kind, uint32_t capacity) {
  // The body and its first storage are one allocation; appends beyond `capacity` move the storage.
  size_t element = kind == Kind::kArray ? sizeof(Value) : sizeof(Member);
  static_assert(sizeof(internal::Container) % alignof(Member) == 0);
  auto* body = static_cast<internal::Container*>(arena_->Allocate(
      sizeof(internal::Container) + capacity * element, alignof(internal::Container)));
  body->data = capacity == 0 ? nullptr : body + 1;
  body->size = 0;
  body->capacity = capacity;
  Value value;
  value.kind_ = kind;
  value.container_ = body;
  return value;
}

Value Document::MakeArray() { return NewContainer(Kind::kArray, 0); }

Value Document::MakeObject() { return NewContainer(Kind::kObject, 0); }

void Document::Append(Value& array, Value item) {
  internal::Container& body = *array.container_;
  GrowForOne<Value>(*arena_, body)[body.size++] = item;
}

Value& Document::Set(Value& object, std::string_view name, Value value) {
  if (Value* existing = object.Find(name)) {
    *existing = value;
    return *existing;
  }
  internal::Container& body = *object.container_;
  Member& member = GrowForOne<Member>(*arena_, body)[body.size++];
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
  --object.container_->size;
  return true;
}

void Document::Clear(Value& container) {
  if (container.IsContainer()) container.container_->size = 0;
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
      Value copy = NewContainer(Kind::kArray, static_cast<uint32_t>(from.size()));
      for (const Value& item : from.items()) copy.ItemData()[copy.container_->size++] = Copy(item);
      return copy;
    }
    case Kind::kObject: {
      Value copy = NewContainer(Kind::kObject, static_cast<uint32_t>(from.size()));
      for (const Member& member : from.members()) {
        Member& target = copy.MemberData()[copy.container_->size++];
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
