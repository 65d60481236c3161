#include "fhir/validation/bundle_index.h"

namespace zorgbrug::fhir::validation::internal {

BundleIndex::BundleIndex(const json::Value& bundle) : type_(bundle.FindString("type")) {
  self_contained_ = type_ == "message" || type_ == "document";
  const json::Value* entries = bundle.Find("entry");
  if (entries == nullptr || !entries->IsArray()) return;
  for (const json::Value& entry : entries->items()) {
    const json::Value* resource = entry.Find("resource");
    if (resource == nullptr || !resource->IsObject()) continue;
    std::string_view full_url = entry.FindString("fullUrl");
    if (!full_url.empty()) by_full_url_.emplace(full_url, *resource);
    std::string_view type = resource->FindString("resourceType");
    std::string_view id = resource->FindString("id");
    if (!type.empty() && !id.empty()) {
      std::string key(type);
      key += '/';
      key += id;
      by_type_id_.emplace(std::move(key), *resource);
    }
  }
}

const json::Value* BundleIndex::Resolve(std::string_view reference) const {
  if (auto it = by_full_url_.find(reference); it != by_full_url_.end()) return &it->second;
  if (reference.starts_with("urn:")) return nullptr;
  std::string_view tail = TypeAndId(reference);
  if (tail.empty()) return nullptr;
  // A relative reference resolves against any entry with that type and id; an absolute one only
  // when it is exactly an entry's fullUrl (handled above) or names an entry's RESTful identity.
  if (IsAbsoluteUrl(reference)) {
    auto it = by_type_id_.find(std::string(tail));
    if (it == by_type_id_.end()) return nullptr;
    for (const auto& [url, resource] : by_full_url_) {
      if (url == reference.substr(0, url.size()) && url.ends_with(tail)) return &resource;
    }
    return nullptr;
  }
  auto it = by_type_id_.find(std::string(tail));
  return it == by_type_id_.end() ? nullptr : &it->second;
}

}  // namespace zorgbrug::fhir::validation::internal
