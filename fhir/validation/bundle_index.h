#pragma once

// Internal: the entries of a Bundle by fullUrl and by "Type/id", to resolve references inside it
// (http://hl7.org/fhir/R4/bundle.html#references).

#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/json/value.h"
#include "fhir/reference.h"

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

// Shared with the FHIRPath engine and the messaging engine (fhir/reference.h).
using ::zorgbrug::fhir::IsAbsoluteUrl;
using ::zorgbrug::fhir::TypeAndId;

}  // namespace zorgbrug::fhir::validation::internal
