#include "fhir/fhirpath/resolve.h"

#include "fhir/fhirpath/navigation.h"
#include "fhir/reference.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

std::string_view ReferenceText(const Item& item) {
  if (item.kind() == ItemKind::kString) return item.text();
  if (item.kind() != ItemKind::kNode) return {};
  if (item.node().IsString()) return item.node().text();
  return item.node().FindString("reference");
}

const json::Value* FindContained(const json::Value& container, std::string_view id) {
  const json::Value* contained = container.Find("contained");
  if (contained == nullptr) return nullptr;
  for (const json::Value& r : contained->items()) {
    if (r.FindString("id") == id) return &r;
  }
  return nullptr;
}

const json::Value* FindInBundle(const json::Value& bundle, std::string_view reference) {
  const json::Value* entries = bundle.Find("entry");
  if (entries == nullptr) return nullptr;
  for (const json::Value& entry : entries->items()) {
    if (entry.FindString("fullUrl") == reference) return entry.Find("resource");
  }
  std::string_view wanted = TypeAndId(reference);
  if (wanted.empty()) return nullptr;
  size_t slash = wanted.find('/');
  std::string_view type = wanted.substr(0, slash);
  std::string_view id = wanted.substr(slash + 1);
  for (const json::Value& entry : entries->items()) {
    const json::Value* resource = entry.Find("resource");
    if (resource == nullptr) continue;
    if (resource->FindString("resourceType") == type && resource->FindString("id") == id) {
      return resource;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Collection> Resolve(const Context& context, std::span<const Item> input) {
  Collection out;
  const json::Value& container =
      context.root_resource.IsNull() ? context.resource : context.root_resource;
  for (const Item& item : input) {
    std::string_view reference = ReferenceText(item);
    if (reference.empty()) continue;
    const json::Value* target = nullptr;
    if (reference[0] == '#') {
      target = reference.size() == 1 ? &container : FindContained(container, reference.substr(1));
    } else if (context.bundle.IsObject()) {
      target = FindInBundle(context.bundle, reference);
    }
    if (target != nullptr) out.push_back(ResourceItem(*target));
  }
  return out;
}

}  // namespace zorgbrug::fhir::fhirpath::internal
