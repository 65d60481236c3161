#pragma once

// Internal: the entries of a Bundle by fullUrl and by "Type/id", to resolve references inside it
// (http://hl7.org/fhir/R4/bundle.html#references).

#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation::internal {

class BundleIndex {
 public:
  explicit BundleIndex(const json::Value& bundle);

  // The resource `reference` ("urn:uuid:…", an absolute URL, or "Type/id[/_history/v]") stands
  // for, or nullptr when it is not in the Bundle.
  const json::Value* Resolve(std::string_view reference) const;

  // A message or document Bundle, inside which relative and urn: references must resolve.
  bool self_contained() const { return self_contained_; }
  std::string_view type() const { return type_; }

 private:
  std::string_view type_;
  bool self_contained_ = false;
  std::unordered_map<std::string_view, json::Value> by_full_url_;
  std::unordered_map<std::string, json::Value> by_type_id_;
};

// The "Type/id" part of a RESTful reference, without a "/_history/…" suffix; empty when the
// reference has no such form.
std::string_view TypeAndId(std::string_view reference);

// Whether `reference` is an absolute URL other than urn: (a server elsewhere may resolve it).
bool IsAbsoluteUrl(std::string_view reference);

}  // namespace zorgbrug::fhir::validation::internal
