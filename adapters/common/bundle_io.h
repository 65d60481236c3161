#pragma once

// Building an adapter's output Bundle and reading an input one, shared by the adapters: every
// mapping writes through a BundleWriter and reads through a BundleReader, with the small builders
// below.

#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/mapping_context.h"
#include "fhir/issues.h"
#include "fhir/json/value.h"
#include "google/protobuf/timestamp.pb.h"
#include "zorgbrug/v1/common.pb.h"

namespace zorgbrug::adapters::common {

class BundleWriter {
 public:
  // Starts an empty collection Bundle in `doc`.
  BundleWriter(fhir::json::Document& doc, const MappingContext& context);

  struct Entry {
    fhir::json::Value resource;  // the new resource object, with resourceType and id set
    std::string full_url;        // "urn:uuid:<id>"
  };
  // Appends an entry for a new resource of `type`. Values stay valid while the Document lives.
  Entry Add(std::string_view type, std::string_view profile = {});

  // Remembers the fullUrl of the resource a key stands for ("Patient|<local_key>",
  // "Practitioner|<nihdi>", "Organization|<nihdi or cbe>"), so that several mentions of one
  // professional or organisation yield one resource; nullptr when not registered.
  void Register(std::string key, std::string full_url);
  const std::string* Find(std::string_view key) const;

  fhir::json::Document& doc() { return doc_; }
  const MappingContext& context() const { return context_; }

 private:
  fhir::json::Document& doc_;
  const MappingContext& context_;
  fhir::json::Value entries_;
  std::map<std::string, std::string, std::less<>> registered_;
};

class BundleReader {
 public:
  // `fhir` is a Bundle (its entries' resources are read) or a single resource.
  explicit BundleReader(const fhir::json::Value& fhir);

  struct Resource {
    fhir::json::Value value;
    std::string expression;  // "Bundle.entry[2].resource" or "Patient" for a single resource
    std::string_view full_url;
  };
  const std::vector<Resource>& resources() const { return resources_; }
  // The resource a reference string points to (a fullUrl, "Type/id" or "#id" is not resolved),
  // or nullptr.
  const Resource* Resolve(std::string_view reference) const;

  // Marks a resource as mapped; FromFhir reports the resources nobody marked.
  void MarkUsed(const Resource& resource) const;
  bool used(size_t i) const { return used_[i]; }

 private:
  std::vector<Resource> resources_;
  mutable std::vector<bool> used_;
};

// Shared small builders.
void SetString(fhir::json::Document& doc, fhir::json::Value& object, std::string_view name,
               std::string_view value);  // nothing when `value` is empty
fhir::json::Value AppendObject(fhir::json::Document& doc, fhir::json::Value& object,
                               std::string_view array_name);  // object appended to the array
fhir::json::Value Coding(fhir::json::Document& doc, std::string_view system, std::string_view code,
                         std::string_view display = {});
// "2026-11-23T10:00:00Z" for a Timestamp; "2026-11" for a partial Date; empty when unset.
std::string InstantText(const google::protobuf::Timestamp& t);
std::string DateText(const v1::Date& d);
// The inverse; false when `text` is not a FHIR date/dateTime (or a dateTime without zone).
bool ParseInstant(std::string_view text, google::protobuf::Timestamp& out);
bool ParseDate(std::string_view text, v1::Date& out);

// The EPD key of `resource`: the value of its identifier with `system`; for FHIR from another
// system, which has no such identifier, its resource id stands in (reported as information at
// `expression`.identifier). Empty, with an error at `expression`.identifier, when it has neither.
std::string LocalKeyOf(const fhir::json::Value& resource, std::string_view system,
                       std::string_view expression, fhir::IssueSink& issues);

// Reports every member of `object` whose name is not in `mapped` as an information issue at
// `expression` + "." + name: the EpdRecord has no place for it ("resourceType" is always mapped).
void ReportUnmapped(const fhir::json::Value& object, std::string_view expression,
                    std::initializer_list<std::string_view> mapped, fhir::IssueSink& issues);

// Concatenates std::string_views (Debian's abseil has its own string_view, which absl::StrCat
// needs); numbers go through std::to_string first.
std::string Cat(std::initializer_list<std::string_view> parts);

// The items of object.<member> when it is an array; empty otherwise.
std::span<const fhir::json::Value> Items(const fhir::json::Value& object, std::string_view member);
// "<path>.<member>[<i>]".
std::string Indexed(std::string_view path, std::string_view member, size_t i);
// An error of `type`, and an information issue (informational), at `expression`.
void Error(fhir::IssueSink& issues, fhir::IssueType type, std::string expression,
           std::string diagnostics);
void Info(fhir::IssueSink& issues, std::string expression, std::string diagnostics);

// Passes every issue on to `inner` and counts them: a check that reports only errors tells with
// `count()` whether this call found any, whatever the sink held before.
class CountingSink final : public fhir::IssueSink {
 public:
  explicit CountingSink(fhir::IssueSink& inner) : inner_(inner) {}
  void Report(fhir::Issue issue) override {
    ++count_;
    inner_.Report(std::move(issue));
  }
  int count() const { return count_; }

 private:
  fhir::IssueSink& inner_;
  int count_ = 0;
};

// Reports `diagnostics` at `expression` with `severity` and `type`.
void Report(fhir::IssueSink& issues, fhir::Severity severity, fhir::IssueType type,
            std::string expression, std::string diagnostics);

}  // namespace zorgbrug::adapters::common
