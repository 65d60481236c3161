#include "fhir/r4/view.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace zorgbrug::fhir::r4 {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Advances `i` over one or more digits; false when there is none.
bool Digits(std::string_view text, size_t& i) {
  size_t start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i > start;
}

// The array member `name` of `object`, created (replacing a non-array) when needed.
json::Value& ArrayMember(json::Document& doc, json::Value& object, std::string_view name) {
  json::Value* array = object.Find(name);
  if (array != nullptr && array->IsArray()) return *array;
  return doc.Set(object, name, doc.MakeArray());
}

json::Value& ObjectMember(json::Document& doc, json::Value& object, std::string_view name) {
  json::Value* child = object.Find(name);
  if (child != nullptr && child->IsObject()) return *child;
  return doc.Set(object, name, doc.MakeObject());
}

json::Value& AppendTo(json::Document& doc, json::Value& array, json::Value item) {
  doc.Append(array, item);
  return array.items().back();
}

}  // namespace

const ElementInfo* FindElement(std::span<const ElementInfo> elements, std::string_view name) {
  for (const ElementInfo& element : elements) {
    if (element.name == name) return &element;
  }
  return nullptr;
}

bool IsNumberText(std::string_view text, bool integer) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (i >= text.size() || !Digits(text, i)) {
    return false;
  }
  if (integer) return i == text.size();
  if (i < text.size() && text[i] == '.' && !Digits(text, ++i)) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!Digits(text, i)) return false;
  }
  return i == text.size();
}

Node& Node::SetString(std::string_view name, std::string_view text) {
  doc_->Set(value_, name, doc_->MakeString(text));
  return *this;
}

Node& Node::SetNumber(std::string_view name, std::string_view number_text) {
  if (IsNumberText(number_text, false)) doc_->Set(value_, name, doc_->MakeNumber(number_text));
  return *this;
}

Node& Node::SetBool(std::string_view name, bool value) {
  doc_->Set(value_, name, json::Document::MakeBool(value));
  return *this;
}

Node& Node::Set(std::string_view name, const json::Value& value) {
  doc_->Set(value_, name, doc_->Copy(value));
  return *this;
}

Node& Node::AddString(std::string_view name, std::string_view text) {
  doc_->Append(ArrayMember(*doc_, value_, name), doc_->MakeString(text));
  return *this;
}

Node Node::Child(std::string_view name) { return Node(ObjectMember(*doc_, value_, name), *doc_); }

Node Node::Add(std::string_view name) {
  json::Value& array = ArrayMember(*doc_, value_, name);
  return Node(AppendTo(*doc_, array, doc_->MakeObject()), *doc_);
}

Node View::AsNode() {
  json::Value& object = Mutable();
  return Node(object, *doc_);
}

bool View::Clear(std::string_view name) {
  json::Value& object = Mutable();
  bool removed = doc_->Remove(object, name);
  return doc_->Remove(object, "_" + std::string(name)) || removed;
}

View::Text View::Str(std::string_view name) const {
  const json::Value* member = value_.Find(name);
  if (member == nullptr || !member->IsString()) return std::nullopt;
  return member->text();
}

View::Text View::Num(std::string_view name) const {
  const json::Value* member = value_.Find(name);
  if (member == nullptr || !member->IsNumber()) return std::nullopt;
  return member->text();
}

std::optional<bool> View::Bool(std::string_view name) const {
  const json::Value* member = value_.Find(name);
  if (member == nullptr || !member->IsBool()) return std::nullopt;
  return member->GetBool();
}

const json::Value* View::Obj(std::string_view name) const {
  const json::Value* member = value_.Find(name);
  return member != nullptr && member->IsObject() ? member : nullptr;
}

View::Items View::Arr(std::string_view name) const {
  const json::Value* member = value_.Find(name);
  return member != nullptr ? member->items() : Items();
}

void View::PutString(Elements elements, std::string_view name, std::string_view text) {
  json::Value& object = Mutable();
  ClearOtherChoices(elements, name);
  doc_->Set(object, name, doc_->MakeString(text));
}

bool View::PutNumber(Elements elements, std::string_view name, std::string_view text,
                     bool integer) {
  json::Value& object = Mutable();
  if (!IsNumberText(text, integer)) return false;
  ClearOtherChoices(elements, name);
  doc_->Set(object, name, doc_->MakeNumber(text));
  return true;
}

void View::PutBool(Elements elements, std::string_view name, bool value) {
  json::Value& object = Mutable();
  ClearOtherChoices(elements, name);
  doc_->Set(object, name, json::Document::MakeBool(value));
}

Node View::PutObject(Elements elements, std::string_view name) {
  json::Value& object = Mutable();
  ClearOtherChoices(elements, name);
  return Node(ObjectMember(*doc_, object, name), *doc_);
}

void View::AddString(std::string_view name, std::string_view text) {
  json::Value& array = MutableArray(name);
  doc_->Append(array, doc_->MakeString(text));
}

bool View::AddNumber(std::string_view name, std::string_view text, bool integer) {
  Mutable();
  if (!IsNumberText(text, integer)) return false;
  json::Value& array = MutableArray(name);
  doc_->Append(array, doc_->MakeNumber(text));
  return true;
}

void View::AddBool(std::string_view name, bool value) {
  json::Value& array = MutableArray(name);
  doc_->Append(array, json::Document::MakeBool(value));
}

Node View::AddObject(std::string_view name) {
  json::Value& array = MutableArray(name);
  return Node(AppendTo(*doc_, array, doc_->MakeObject()), *doc_);
}

json::Value& View::Mutable() const {
  if (doc_ == nullptr) {
    std::fputs("zorgbrug: setter called on a read-only FHIR view (fhir/r4/view.h)\n", stderr);
    std::abort();
  }
  return value_;
}

json::Value& View::MutableArray(std::string_view name) const {
  json::Value& object = Mutable();
  return ArrayMember(*doc_, object, name);
}

void View::ClearOtherChoices(Elements elements, std::string_view name) {
  const ElementInfo* element = FindElement(elements, name);
  if (element == nullptr || element->choice.empty()) return;
  for (const ElementInfo& other : elements) {
    if (other.choice == element->choice && other.name != name) Clear(other.name);
  }
}

}  // namespace zorgbrug::fhir::r4
