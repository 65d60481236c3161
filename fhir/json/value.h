#pragma once

// A lossless JSON element tree for FHIR. Numbers keep their exact text ("1.50" stays "1.50",
// "1e-30" and 30-digit values are never rounded), object members keep their order, strings may hold
// any Unicode including U+0000. Every node lives in the arena of the Document that made it; a Value
// is a small handle (24 bytes) and is only valid while its Document lives. Values of one Document
// must not be stored into another: use Document::Copy.
//
// This header does not expose RapidJSON (STYLE.md rule 5); parser.h and writer.h are the only way
// in and out of text.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace zorgbrug::fhir::json {

class Arena;
struct Member;

namespace internal {
// The body of an array (Value items) or object (Member members), shared by every handle to it.
struct Container {
  void* data;
  uint32_t size;
  uint32_t capacity;
};
}  // namespace internal

enum class Kind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

class Value {
 public:
  Value() = default;  // null

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsBool() const { return kind_ == Kind::kFalse || kind_ == Kind::kTrue; }
  bool IsNumber() const { return kind_ == Kind::kNumber; }
  bool IsString() const { return kind_ == Kind::kString; }
  bool IsArray() const { return kind_ == Kind::kArray; }
  bool IsObject() const { return kind_ == Kind::kObject; }

  // Requires IsBool().
  bool GetBool() const { return kind_ == Kind::kTrue; }
  // The unescaped string (IsString()) or the exact number text (IsNumber()); empty otherwise.
  std::string_view text() const {
    return (kind_ == Kind::kString || kind_ == Kind::kNumber) ? std::string_view(chars_, size_)
                                                              : std::string_view();
  }

  // Number of array items or object members; 0 for scalars.
  size_t size() const { return IsContainer() ? container_->size : 0; }
  // Array items; empty for non-arrays.
  std::span<const Value> items() const {
    return kind_ == Kind::kArray ? std::span<const Value>(ItemData(), container_->size)
                                 : std::span<const Value>();
  }
  std::span<Value> items() {
    return kind_ == Kind::kArray ? std::span<Value>(ItemData(), container_->size)
                                 : std::span<Value>();
  }
  // Object members in document order; empty for non-objects.
  std::span<const Member> members() const;
  std::span<Member> members();

  // The member called `name`, or nullptr (also for non-objects). Linear: FHIR objects are small.
  const Value* Find(std::string_view name) const;
  Value* Find(std::string_view name);
  // The string member `name` as text, or an empty view when absent or not a string.
  std::string_view FindString(std::string_view name) const;

 private:
  friend class Document;
  friend class TreeBuilder;

  bool IsContainer() const { return kind_ == Kind::kArray || kind_ == Kind::kObject; }
  Value* ItemData() const { return static_cast<Value*>(container_->data); }
  Member* MemberData() const { return static_cast<Member*>(container_->data); }

  union {
    const char* chars_ = nullptr;     // kString, kNumber (not NUL-terminated)
    internal::Container* container_;  // kArray, kObject; never null
  };
  uint32_t size_ = 0;  // text length of kString, kNumber
  Kind kind_ = Kind::kNull;
};

struct Member {
  std::string_view name;  // points into the owning Document's arena
  Value value;
};

inline std::span<const Member> Value::members() const {
  return kind_ == Kind::kObject ? std::span<const Member>(MemberData(), container_->size)
                                : std::span<const Member>();
}
inline std::span<Member> Value::members() {
  return kind_ == Kind::kObject ? std::span<Member>(MemberData(), container_->size)
                                : std::span<Member>();
}

// Owns an arena and a root value. Movable, not copyable. Every Make*/Append/Set call allocates from
// this Document's arena; memory is released only when the Document is destroyed.
class Document {
 public:
  Document();
  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Value& root() { return root_; }
  const Value& root() const { return root_; }

  // Scalars. `text` is copied. MakeNumber does not check JSON number syntax: callers pass text that
  // is already a valid JSON number (for example produced by a decimal formatter or taken from
  // input).
  static Value MakeNull() { return Value(); }
  static Value MakeBool(bool b);
  Value MakeString(std::string_view text);
  Value MakeNumber(std::string_view text);
  Value MakeInteger(int64_t n);
  Value MakeArray();
  Value MakeObject();

  // Appends `item` to `array` (which must be IsArray() and belong to this Document). Every handle
  // to `array` sees the new item.
  void Append(Value& array, Value item);
  // Sets member `name` of `object`: replaces the value of an existing member, else appends one.
  // Returns the stored value.
  Value& Set(Value& object, std::string_view name, Value value);
  // Removes member `name`; returns whether it was present. Keeps the order of the others.
  bool Remove(Value& object, std::string_view name);
  // Empties an array or object in place: every handle to it sees it empty. No-op for scalars.
  void Clear(Value& container);
  // Deep, independent copy of `from` (which may belong to another Document) into this Document.
  Value Copy(const Value& from);

  // Bytes held by the arena (for benchmarks and limits).
  size_t ArenaBytes() const;

 private:
  friend class TreeBuilder;
  // An array or object with room for `capacity` children and size 0.
  Value NewContainer(Kind kind, uint32_t capacity);

  std::unique_ptr<Arena> arena_;
  Value root_;
};

// Structural equality by meaning: object members compare regardless of order, numbers compare by
// exact text ("1.50" != "1.5"), strings byte by byte.
bool Equal(const Value& a, const Value& b);

}  // namespace zorgbrug::fhir::json
