#include "gateway/messaging/process.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>
#include <deque>
#include <string>
#include <utility>

#include "adapters/common/bundle_io.h"
#include "fhir/reference.h"
#include "fhir/resource.h"

namespace zorgbrug::gateway::messaging {
namespace {

namespace json = fhir::json;
using adapters::common::Cat;
using fhir::IsAbsoluteUrl;
using fhir::IssueType;
using fhir::Severity;
using fhir::TypeAndId;

constexpr std::string_view kHeader = "Bundle.entry[0].resource";

// Passes issues on and remembers whether one was an error.
class ErrorTracker final : public fhir::IssueSink {
 public:
  explicit ErrorTracker(fhir::IssueSink& inner) : inner_(inner) {}
  void Report(fhir::Issue issue) override {
    if (issue.severity == Severity::kError || issue.severity == Severity::kFatal) errors_ = true;
    inner_.Report(std::move(issue));
  }
  bool errors() const { return errors_; }

 private:
  fhir::IssueSink& inner_;
  bool errors_ = false;
};

void Report(fhir::IssueSink& sink, Severity severity, IssueType type, std::string expression,
            std::string diagnostics) {
  sink.Report({severity, type, std::move(expression), std::move(diagnostics)});
}

std::string At(std::string_view element) { return Cat({kHeader, ".", element}); }

// R4 id: [A-Za-z0-9\-\.]{1,64}.
bool IsFhirId(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// R4 url: \S*, never empty.
bool IsUrl(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return false;
  }
  return true;
}

struct FoundReference {
  std::string path;            // the Reference element, e.g. "Bundle.entry[3].resource.subject"
  std::string_view reference;  // its reference string
};

// Every Reference.reference string under `root`, in document order. Iterative: the depth of the
// tree is bounded by the parser, but no recursion is needed.
std::vector<FoundReference> CollectReferences(const json::Value& root, std::string root_path) {
  std::vector<FoundReference> found;
  std::vector<std::pair<json::Value, std::string>> stack;
  stack.emplace_back(root, std::move(root_path));
  while (!stack.empty()) {
    auto [value, path] = std::move(stack.back());
    stack.pop_back();
    if (value.IsArray()) {
      for (size_t i = value.size(); i-- > 0;) {
        stack.emplace_back(value.items()[i], Cat({path, "[", std::to_string(i), "]"}));
      }
      continue;
    }
    const json::Value* reference = value.Find("reference");
    if (reference != nullptr && reference->IsString()) found.push_back({path, reference->text()});
    const auto members = value.members();
    for (size_t i = members.size(); i-- > 0;) {
      const json::Member& member = members[i];
      if (member.value.IsArray() || member.value.IsObject()) {
        stack.emplace_back(member.value, Cat({path, ".", member.name}));
      }
    }
  }
  return found;
}

// The Bundle-level rules; false when the message cannot be answered.
bool CheckBundle(const json::Value& bundle, fhir::IssueSink& sink) {
  const std::string_view type = fhir::ResourceType(bundle);
  if (type != "Bundle") {
    Report(sink, Severity::kError, IssueType::kStructure, std::string(type),
           "a FHIR message is a Bundle of type message; this is not a Bundle");
    return false;
  }
  bool answerable = true;
  if (bundle.FindString("type") != "message") {
    Report(sink, Severity::kError, IssueType::kInvalid, "Bundle.type",
           "a FHIR message is a Bundle of type message");
    answerable = false;
  }
  if (bundle.FindString("id").empty()) {
    Report(sink, Severity::kError, IssueType::kRequired, "Bundle.id",
           "a message Bundle needs an id: with MessageHeader.id it identifies the message for "
           "duplicate detection");
    answerable = false;
  }
  return answerable;
}

// The first entry's MessageHeader, or nullptr (reported).
const json::Value* FindHeader(const json::Value& bundle, fhir::IssueSink& sink) {
  const json::Value* entries = bundle.Find("entry");
  if (entries == nullptr || !entries->IsArray() || entries->size() == 0) {
    Report(sink, Severity::kError, IssueType::kRequired, "Bundle.entry",
           "a message Bundle starts with a MessageHeader entry");
    return nullptr;
  }
  const json::Value* header = entries->items()[0].Find("resource");
  if (header == nullptr || fhir::ResourceType(*header) != "MessageHeader") {
    Report(sink, Severity::kError, IssueType::kStructure, std::string(kHeader),
           "the first entry of a message Bundle is its MessageHeader");
    return nullptr;
  }
  return header;
}

// eventCoding / eventUri into `message`; false when there is no event to repeat in a response.
bool ReadEvent(const json::Value& header, const ReadOptions& options, IncomingMessage& message,
               fhir::IssueSink& sink) {
  const json::Value* coding = header.Find("eventCoding");
  if (coding != nullptr && coding->IsObject()) {
    message.event_system = coding->FindString("system");
    message.event_code = coding->FindString("code");
    if (message.event_system.empty() || message.event_code.empty()) {
      Report(sink, Severity::kError, IssueType::kRequired, At("eventCoding"),
             "the event needs a system and a code");
      return false;
    }
    if (message.event_system == kMessageEventSystem) {
      message.event = EventFromCode(message.event_code);
      if (!message.event.has_value()) {
        Report(sink, Severity::kError, IssueType::kCodeInvalid, At("eventCoding"),
               Cat({"the code is not an event of ", kMessageEventSystem}));
      }
    } else if (options.require_known_event) {
      Report(sink, Severity::kError, IssueType::kNotSupported, At("eventCoding"),
             Cat({"the gateway processes the events of ", kMessageEventSystem, " only"}));
    }
    return true;
  }
  message.event_uri = header.FindString("eventUri");
  if (message.event_uri.empty()) {
    Report(sink, Severity::kError, IssueType::kRequired, At("eventCoding"),
           "the MessageHeader has no event (eventCoding or eventUri)");
    return false;
  }
  if (options.require_known_event) {
    Report(sink, Severity::kError, IssueType::kNotSupported, At("eventUri"),
           Cat({"the gateway processes the events of ", kMessageEventSystem,
                " only, as eventCoding"}));
  }
  return true;
}

// source and destination[]; false when source.endpoint is missing or not a url.
bool ReadEndpoints(const json::Value& header, IncomingMessage& message, fhir::IssueSink& sink) {
  for (const json::Value& destination : adapters::common::Items(header, "destination")) {
    message.destinations.push_back({std::string(destination.FindString("name")),
                                    std::string(destination.FindString("endpoint"))});
  }
  const json::Value* source = header.Find("source");
  if (source != nullptr) {
    message.source = {std::string(source->FindString("name")),
                      std::string(source->FindString("endpoint"))};
  }
  if (!IsUrl(message.source.endpoint)) {
    Report(sink, Severity::kError, IssueType::kRequired, At("source.endpoint"),
           "source.endpoint is where the response goes: a url is required");
    return false;
  }
  return true;
}

// focus[i]: each resolves to an entry of a type the event allows. Returns the resolved entries.
std::vector<const BundleEntry*> ReadFocus(const json::Value& header, const BundleEntries& entries,
                                          IncomingMessage& message, fhir::IssueSink& sink) {
  std::vector<const BundleEntry*> resolved;
  const auto focus = adapters::common::Items(header, "focus");
  if (focus.empty() && message.event.has_value() && header.Find("response") == nullptr) {
    Report(sink, Severity::kError, IssueType::kRequired, At("focus"),
           Cat({"a ", EventCode(*message.event), " message has a focus"}));
  }
  for (size_t i = 0; i < focus.size(); ++i) {
    const std::string where = adapters::common::Indexed(kHeader, "focus", i);
    const BundleEntry* entry = entries.Resolve(focus[i].FindString("reference"));
    if (entry == nullptr) {
      Report(sink, Severity::kError, IssueType::kInvalid, where,
             "the focus does not reference an entry of the Bundle (R4: the focus is always "
             "included in the message)");
      continue;
    }
    if (message.event.has_value() && !IsFocusType(*message.event, entry->resource_type)) {
      Report(sink, Severity::kError, IssueType::kInvalid, where,
             Cat({"a ", entry->resource_type, " is not a focus of a ", EventCode(*message.event),
                  " message (gateway/messaging/README.md)"}));
      continue;
    }
    message.focus.push_back(*entry);
    resolved.push_back(entry);
  }
  return resolved;
}

// The focus closure: references from the focus entries, and from every entry they reach.
void CheckClosure(const BundleEntries& entries, const std::vector<const BundleEntry*>& focus,
                  fhir::IssueSink& sink) {
  const std::vector<BundleEntry>& all = entries.entries();
  std::vector<bool> seen(all.size(), false);
  std::deque<size_t> queue;
  auto visit = [&](const BundleEntry* entry) {
    const size_t position = static_cast<size_t>(entry - all.data());
    if (!seen[position]) {
      seen[position] = true;
      queue.push_back(position);
    }
  };
  for (const BundleEntry* entry : focus) visit(entry);
  while (!queue.empty()) {
    const BundleEntry& entry = all[queue.front()];
    queue.pop_front();
    const std::string root = Cat({"Bundle.entry[", std::to_string(entry.index), "].resource"});
    for (const FoundReference& found : CollectReferences(entry.resource, root)) {
      if (found.reference.starts_with("#")) continue;  // a contained resource
      if (const BundleEntry* target = entries.Resolve(found.reference); target != nullptr) {
        visit(target);
      } else if (found.reference.starts_with("urn:")) {
        Report(sink, Severity::kError, IssueType::kInvalid, found.path,
               "the reference is a urn: that no entry of the Bundle has as fullUrl");
      } else {
        Report(sink, Severity::kWarning, IssueType::kInvalid, found.path,
               "the reference does not resolve to an entry of the Bundle (R4: the resources the "
               "focus references should be in the message)");
      }
    }
  }
}

}  // namespace

BundleEntries::BundleEntries(const json::Value& bundle) {
  const auto items = adapters::common::Items(bundle, "entry");
  for (size_t i = 0; i < items.size(); ++i) {
    const json::Value* resource = items[i].Find("resource");
    if (resource == nullptr || !resource->IsObject()) continue;
    BundleEntry entry{i, items[i].FindString("fullUrl"), fhir::ResourceType(*resource), *resource};
    const size_t position = entries_.size();
    if (!entry.full_url.empty()) by_full_url_.emplace(entry.full_url, position);
    std::string_view id = resource->FindString("id");
    if (!entry.resource_type.empty() && !id.empty()) {
      by_type_id_.emplace(Cat({entry.resource_type, "/", id}), position);
    }
    entries_.push_back(entry);
  }
}

const BundleEntry* BundleEntries::Resolve(std::string_view reference) const {
  if (reference.empty() || reference.starts_with("#")) return nullptr;
  if (auto it = by_full_url_.find(reference); it != by_full_url_.end()) {
    return &entries_[it->second];
  }
  if (reference.starts_with("urn:")) return nullptr;
  const std::string_view tail = TypeAndId(reference);
  if (tail.empty()) return nullptr;
  auto it = by_type_id_.find(std::string(tail));
  if (it == by_type_id_.end()) return nullptr;
  const BundleEntry& entry = entries_[it->second];
  if (!IsAbsoluteUrl(reference)) return &entry;
  // An absolute URL names this entry when the entry's RESTful fullUrl is its start.
  const std::string_view url = entry.full_url;
  return url.ends_with(tail) && reference.starts_with(url) ? &entry : nullptr;
}

std::optional<IncomingMessage> ReadMessage(const json::Value& bundle, fhir::IssueSink& sink,
                                           const ReadOptions& options) {
  ErrorTracker tracked(sink);
  if (!CheckBundle(bundle, tracked)) return std::nullopt;
  const json::Value* header = FindHeader(bundle, tracked);
  if (header == nullptr) return std::nullopt;
  IncomingMessage message;
  message.bundle_id = bundle.FindString("id");
  message.header_id = header->FindString("id");
  bool answerable = true;
  if (!IsFhirId(message.header_id)) {
    Report(tracked, Severity::kError, IssueType::kRequired, At("id"),
           "the MessageHeader needs an id (1 to 64 of A-Z a-z 0-9 - .): a response quotes it");
    answerable = false;
  }
  answerable = ReadEvent(*header, options, message, tracked) && answerable;
  answerable = ReadEndpoints(*header, message, tracked) && answerable;
  if (const json::Value* response = header->Find("response"); response != nullptr) {
    message.response_identifier = response->FindString("identifier");
    message.response_code = response->FindString("code");
  }
  const BundleEntries entries(bundle);
  CheckClosure(entries, ReadFocus(*header, entries, message, tracked), tracked);
  if (!answerable) return std::nullopt;
  message.valid = !tracked.errors();
  return message;
}

std::optional<ReceivedMessage> ParseMessage(std::string_view bytes, const json::ParseLimits& limits,
                                            fhir::IssueSink& sink, const ReadOptions& options) {
  std::optional<json::Document> document = fhir::ParseResource(bytes, limits, sink);
  if (!document.has_value()) return std::nullopt;
  ReceivedMessage received{std::move(*document), {}};
  std::optional<IncomingMessage> message = ReadMessage(received.document.root(), sink, options);
  if (!message.has_value()) return std::nullopt;
  received.message = std::move(*message);
  received.message.content_hash = ContentHash(bytes);
  return received;
}

std::string ContentHash(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    // SHA-256 from OpenSSL's default provider failing is an environment fault, not bad data.
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace zorgbrug::gateway::messaging
