#pragma once

// What an adapter's mapping needs from outside, passed in so that mappings stay pure (STYLE.md
// rule 3). Shared by every adapter.

#include <functional>
#include <string>
#include <string_view>

namespace zorgbrug::adapters::common {

struct MappingContext {
  // A fresh random UUID per call, lowercase 8-4-4-4-12 ("6c1a2a9e-8a4b-4c43-9e47-6f1b8c1e0001"):
  // resource ids and the entries' fullUrl "urn:uuid:<uuid>". Tests pass a counter.
  std::function<std::string()> new_uuid;
  // The namespace URI of the sending system's own keys (Patient.local_key, Encounter.local_key,
  // a screening's key, ...), e.g. "https://epd.hospital.example.be/fhir/NamingSystem". The keys
  // travel as identifiers with the systems "<base>/patient", "<base>/encounter",
  // "<base>/pregnancy", "<base>/bib-screening".
  std::string local_key_system_base;
};

// A context whose UUIDs are 00000000-0000-4000-8000-000000000001, ...002, ... in call order: the
// deterministic ids of golden tests and benchmarks (never of the gateway, which passes random
// ones).
MappingContext SequentialContext(std::string local_key_system_base);

// The identifier system of one kind of the sender's keys: "<base>/<what>" ("<base>/patient").
inline std::string KeySystem(const MappingContext& context, std::string_view what) {
  return context.local_key_system_base + "/" + std::string(what);
}

}  // namespace zorgbrug::adapters::common
