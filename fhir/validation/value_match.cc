#include "fhir/validation/value_match.h"

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "fhir/json/parser.h"

namespace zorgbrug::fhir::validation::internal {
namespace {

class NullSink final : public IssueSink {
 public:
  void Report(Issue) override {}
};

struct ExpectedValues {
  std::shared_mutex mutex;
  std::unordered_map<const definitions::ElementDef*, std::optional<json::Document>> values;
};

ExpectedValues& Cache() {
  static ExpectedValues* cache = new ExpectedValues();
  return *cache;
}

}  // namespace

const json::Value* ExpectedValue(const definitions::ElementDef& def) {
  if (def.value_rule == definitions::ValueRule::kNone || def.value_json.empty()) return nullptr;
  ExpectedValues& cache = Cache();
  {
    std::shared_lock lock(cache.mutex);
    auto it = cache.values.find(&def);
    if (it != cache.values.end()) return it->second ? &it->second->root() : nullptr;
  }
  // The value may be a primitive, which json::Parse does not accept at the root: wrap it.
  std::string text = "{\"v\":" + std::string(def.value_json) + "}";
  NullSink sink;
  std::optional<json::Document> doc = json::Parse(text, json::ParseLimits{}, sink);
  if (doc) {
    json::Document value;
    value.root() = value.Copy(*doc->root().Find("v"));
    doc = std::move(value);
  }
  std::unique_lock lock(cache.mutex);
  auto [it, inserted] = cache.values.try_emplace(&def, std::move(doc));
  return it->second ? &it->second->root() : nullptr;
}

bool ContainsPattern(const json::Value& value, const json::Value& pattern) {
  if (pattern.IsObject()) {
    if (!value.IsObject()) return false;
    for (const json::Member& m : pattern.members()) {
      const json::Value* v = value.Find(m.name);
      if (v == nullptr || !ContainsPattern(*v, m.value)) return false;
    }
    return true;
  }
  if (pattern.IsArray()) {
    if (!value.IsArray()) return false;
    for (const json::Value& p : pattern.items()) {
      bool held = false;
      for (const json::Value& v : value.items()) {
        if (ContainsPattern(v, p)) {
          held = true;
          break;
        }
      }
      if (!held) return false;
    }
    return true;
  }
  return json::Equal(value, pattern);
}

}  // namespace zorgbrug::fhir::validation::internal
