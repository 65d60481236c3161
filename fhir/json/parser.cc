#include "fhir/json/parser.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "fhir/json/arena.h"
#include "fhir/json/utf8.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

namespace zorgbrug::fhir::json {
namespace {

// Valid UTF-8 input (checked up front by the fast FindInvalidUtf8) is parsed without RapidJSON's
// per-character validation; invalid input is parsed with it, so the issue carries the location.
constexpr unsigned kReaderFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
constexpr unsigned kValidatingReaderFlags = kReaderFlags | rapidjson::kParseValidateEncodingFlag;

// Line and column (both 1-based, column in bytes) of byte `offset` in `text`.
std::string DescribeOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1 + std::count(text.begin(), text.begin() + offset, '\n');
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  size_t column =
      line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
  return "byte " + std::to_string(offset) + " (line " + std::to_string(line) + ", column " +
         std::to_string(column) + ")";
}

bool HasDuplicate(std::span<const std::string_view> names, std::string_view& duplicate) {
  if (names.size() <= 16) {
    for (size_t i = 1; i < names.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (names[i] == names[j]) {
          duplicate = names[i];
          return true;
        }
      }
    }
    return false;
  }
  std::vector<std::string_view> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  auto it = std::adjacent_find(sorted.begin(), sorted.end());
  if (it == sorted.end()) return false;
  duplicate = *it;
  return true;
}

}  // namespace

// The RapidJSON SAX handler that builds a Document. Children are collected on scratch stacks and
// moved into exact-size arena arrays when their container closes, so the arena holds no slack.
class TreeBuilder {
 public:
  using Ch = char;

  TreeBuilder(Document& doc, const ParseLimits& limits, const rapidjson::MemoryStream& stream)
      : doc_(doc), arena_(*doc.arena_), limits_(limits), stream_(stream) {}

  bool Null() { return Push(Value()); }
  bool Bool(bool b) { return Push(Document::MakeBool(b)); }
  // With kParseNumbersAsStringsFlag every number arrives through RawNumber.
  bool Int(int) { return Unexpected(); }
  bool Uint(unsigned) { return Unexpected(); }
  bool Int64(int64_t) { return Unexpected(); }
  bool Uint64(uint64_t) { return Unexpected(); }
  bool Double(double) { return Unexpected(); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    return Scalar(Kind::kNumber, text, length);
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    return Scalar(Kind::kString, text, length);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    if (!CheckStringLength(length)) return false;
    Frame& frame = frames_.back();
    if (keys_.size() - frame.key_base >= limits_.max_object_members) {
      return Fail(IssueType::kTooCostly, "an object has more than max_object_members = " +
                                             std::to_string(limits_.max_object_members) +
                                             " members");
    }
    keys_.emplace_back(CopyChars(text, length), length);
    return true;
  }
  bool StartObject() { return Open(true); }
  bool StartArray() { return Open(false); }
  bool EndObject(rapidjson::SizeType count);
  bool EndArray(rapidjson::SizeType count);

  // Moves the parsed root into the Document. Requires a successful parse.
  void Finish() { doc_.root_ = values_.front(); }
  // The failure recorded by a handler that returned false.
  const Issue& failure() const { return failure_; }
  // The FHIRPath-style location of the value being parsed.
  std::string Location() const;

 private:
  struct Frame {
    bool object;
    size_t value_base;  // index in values_ of this container's first child
    size_t key_base;    // index in keys_ of this container's first key
  };

  const char* CopyChars(const char* text, size_t length) {
    if (length == 0) return "";
    char* chars = arena_.AllocateArray<char>(length);
    std::memcpy(chars, text, length);
    return chars;
  }
  bool Scalar(Kind kind, const char* text, size_t length) {
    if (!CheckStringLength(length)) return false;
    Value value;
    value.kind_ = kind;
    value.chars_ = CopyChars(text, length);
    value.size_ = static_cast<uint32_t>(length);
    return Push(value);
  }
  bool Push(Value value) {
    if (!frames_.empty() && !frames_.back().object &&
        values_.size() - frames_.back().value_base >= limits_.max_array_items) {
      return Fail(IssueType::kTooCostly, "an array has more than max_array_items = " +
                                             std::to_string(limits_.max_array_items) + " items");
    }
    values_.push_back(value);
    return true;
  }
  bool Open(bool object) {
    if (frames_.size() >= limits_.max_depth) {
      return Fail(IssueType::kTooCostly,
                  "nesting depth exceeds max_depth = " + std::to_string(limits_.max_depth));
    }
    frames_.push_back(Frame{object, values_.size(), keys_.size()});
    return true;
  }
  bool CheckStringLength(size_t length) {
    if (length <= limits_.max_string_bytes) return true;
    return Fail(IssueType::kTooLong, "a string or number of " + std::to_string(length) +
                                         " bytes exceeds max_string_bytes = " +
                                         std::to_string(limits_.max_string_bytes));
  }
  bool Unexpected() { return Fail(IssueType::kException, "number delivered without its text"); }
  bool Fail(IssueType type, std::string what) {
    failure_.severity = Severity::kError;
    failure_.type = type;
    failure_.expression = Location();
    failure_.diagnostics = std::move(what);
    return false;
  }
  std::string_view RootResourceType() const;

  Document& doc_;
  Arena& arena_;
  const ParseLimits& limits_;
  const rapidjson::MemoryStream& stream_;
  std::vector<Value> values_;
  std::vector<std::string_view> keys_;
  std::vector<Frame> frames_;
  Issue failure_;
};

bool TreeBuilder::EndObject(rapidjson::SizeType count) {
  Frame frame = frames_.back();
  std::span<const std::string_view> names(keys_.data() + frame.key_base, count);
  std::string_view duplicate;
  if (HasDuplicate(names, duplicate)) {
    Fail(IssueType::kDuplicate, "the key \"" + std::string(duplicate.substr(0, 64)) +
                                    "\" occurs more than once in one object");
    if (!failure_.expression.empty()) failure_.expression += '.';
    failure_.expression.append(duplicate.substr(0, 128));
    return false;
  }
  Value object = doc_.NewContainer(Kind::kObject, count);
  object.container_->size = count;
  Member* members = object.MemberData();
  for (size_t i = 0; i < count; ++i) {
    members[i].name = names[i];
    members[i].value = values_[frame.value_base + i];
  }
  values_.resize(frame.value_base);
  keys_.resize(frame.key_base);
  frames_.pop_back();
  return Push(object);
}

bool TreeBuilder::EndArray(rapidjson::SizeType count) {
  Frame frame = frames_.back();
  Value array = doc_.NewContainer(Kind::kArray, count);
  array.container_->size = count;
  if (count > 0) {
    std::memcpy(static_cast<void*>(array.ItemData()), values_.data() + frame.value_base,
                count * sizeof(Value));
  }
  values_.resize(frame.value_base);
  frames_.pop_back();
  return Push(array);
}

std::string_view TreeBuilder::RootResourceType() const {
  if (frames_.empty() || !frames_[0].object) return {};
  size_t end = frames_.size() > 1 ? frames_[1].value_base : values_.size();
  for (size_t i = frames_[0].value_base; i < end; ++i) {
    const Value& value = values_[i];
    if (keys_[frames_[0].key_base + (i - frames_[0].value_base)] == "resourceType" &&
        value.IsString()) {
      return value.text();
    }
  }
  return {};
}

std::string TreeBuilder::Location() const {
  std::string path(RootResourceType());
  for (size_t f = 0; f < frames_.size(); ++f) {
    const Frame& frame = frames_[f];
    size_t end = f + 1 < frames_.size() ? frames_[f + 1].value_base : values_.size();
    size_t child = end - frame.value_base;  // index of the child being parsed
    if (frame.object) {
      size_t key_end = f + 1 < frames_.size() ? frames_[f + 1].key_base : keys_.size();
      // Between members (every key read has its value) the location is the object itself.
      if (key_end - frame.key_base == child) break;
      std::string_view key = keys_[key_end - 1];
      if (!path.empty()) path += '.';
      path.append(key.substr(0, 128));
    } else {
      path += '[' + std::to_string(child) + ']';
    }
  }
  return path;
}

std::optional<Document> Parse(std::string_view text, const ParseLimits& limits, IssueSink& sink) {
  if (text.size() > limits.max_bytes) {
    sink.Report(Issue{Severity::kError, IssueType::kTooLong, "",
                      "the input of " + std::to_string(text.size()) +
                          " bytes exceeds max_bytes = " + std::to_string(limits.max_bytes)});
    return std::nullopt;
  }
  Document doc;
  rapidjson::MemoryStream stream(text.data(), text.size());
  TreeBuilder builder(doc, limits, stream);
  rapidjson::Reader reader;
  size_t invalid_utf8 = FindInvalidUtf8(text);
  rapidjson::ParseResult result = invalid_utf8 == std::string_view::npos
                                      ? reader.Parse<kReaderFlags>(stream, builder)
                                      : reader.Parse<kValidatingReaderFlags>(stream, builder);
  if (result && invalid_utf8 != std::string_view::npos) {
    // RapidJSON's validation is laxer than RFC 3629 in places; ours decides.
    result.Set(rapidjson::kParseErrorStringInvalidEncoding, invalid_utf8);
  }
  if (result && stream.Tell() != text.size()) {
    // MemoryStream reports a NUL byte like the end of input; anything after the root is refused.
    result.Set(rapidjson::kParseErrorDocumentRootNotSingular, stream.Tell());
  }
  if (!result) {
    if (result.Code() == rapidjson::kParseErrorTermination) {
      Issue issue = builder.failure();
      issue.diagnostics += " at " + DescribeOffset(text, stream.Tell());
      sink.Report(std::move(issue));
    } else {
      sink.Report(Issue{Severity::kError, IssueType::kStructure, builder.Location(),
                        std::string("invalid JSON at ") + DescribeOffset(text, result.Offset()) +
                            ": " + rapidjson::GetParseError_En(result.Code())});
    }
    return std::nullopt;
  }
  builder.Finish();
  return doc;
}

}  // namespace zorgbrug::fhir::json
