#include "bench/messaging_load_inputs.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <tuple>
#include <utility>

#include <google/protobuf/text_format.h>

namespace zorgbrug::bench {
namespace {

constexpr char kSourceSystem[] = "https://epd.az-oost.example.be";
constexpr char kBibGolden[] = "/adapters/bib/testdata/golden/all_kce_positive.textproto";
constexpr char kBundleFile[] = "/bench/message-bundle-15k.json";
constexpr char kBundleId[] = "6f1c0f3e-2b7a-4c1e-9d2a-000000000000";
constexpr char kHeaderId[] = "6f1c0f3e-2b7a-4c1e-9d2a-000000000001";
constexpr char kPatientId[] = "6f1c0f3e-2b7a-4c1e-9d2a-000000000002";
constexpr char kQuestionnaireFocus[] =
    "{\"reference\":\"urn:uuid:6f1c0f3e-2b7a-4c1e-9d2a-000000000010\"},";
constexpr char kForeignEvents[] = "https://example.be/fhir/CodeSystem/message-events";
constexpr char kOurEvents[] = "https://zorgbrug.be/fhir/CodeSystem/message-event";

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Replace(std::string& text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

// A FHIR id of the length of the originals (36), unique per `kind` and `n`.
std::string FreshId(char kind, uint64_t n) {
  char id[40];
  std::snprintf(id, sizeof(id), "%c0000000-0000-4000-8000-%012llx", kind,
                static_cast<unsigned long long>(n & 0xffffffffffffULL));
  return id;
}

}  // namespace

std::optional<v1::SubmitBibScreeningRequest> LoadBibTemplate() {
  std::optional<std::string> text = ReadFile(std::string(ZORGBRUG_SOURCE_DIR) + kBibGolden);
  v1::EvaluateRequest golden;
  if (!text || !google::protobuf::TextFormat::ParseFromString(*text, &golden)) return std::nullopt;
  v1::SubmitBibScreeningRequest request;
  request.mutable_submission()->set_source_system(kSourceSystem);
  v1::BibToFhirRequest& translation = *request.mutable_translation();
  *translation.mutable_screening() = golden.screening();
  *translation.mutable_history() = golden.history();
  *translation.mutable_as_of() = golden.as_of();
  translation.set_local_key_system_base(kKeySystemBase);
  return request;
}

v1::SubmitBibScreeningRequest BibSubmission(const v1::SubmitBibScreeningRequest& bib_template,
                                            uint64_t n, int patients) {
  v1::SubmitBibScreeningRequest request = bib_template;
  const std::string id = "load-" + std::to_string(n);
  request.mutable_submission()->set_submission_id(id);
  v1::BibScreening& screening = *request.mutable_translation()->mutable_screening();
  screening.set_patient_local_key("P-" + std::to_string(n % patients));
  screening.set_local_key("BIB-" + id);
  return request;
}

std::optional<BundleFactory> BundleFactory::Load(bool care_plan_focus_only, int patients) {
  std::optional<std::string> json = ReadFile(std::string(ZORGBRUG_SHARED_DIR) + kBundleFile);
  if (!json || !Replace(*json, kForeignEvents, kOurEvents)) return std::nullopt;
  if (care_plan_focus_only && !Replace(*json, kQuestionnaireFocus, "")) return std::nullopt;
  BundleFactory factory;
  factory.patients_ = patients;
  size_t from = 0;
  for (;;) {
    size_t at = std::string::npos;
    char kind = 0;
    for (const auto& [id, k] : {std::pair{kBundleId, 'b'}, {kHeaderId, 'a'}, {kPatientId, 'c'}}) {
      const size_t found = json->find(id, from);
      if (found < at) std::tie(at, kind) = std::pair{found, k};
    }
    factory.pieces_.push_back(json->substr(from, at == std::string::npos ? at : at - from));
    if (at == std::string::npos) break;
    factory.kinds_.push_back(kind);
    from = at + std::string_view(kBundleId).size();
  }
  if (factory.kinds_.size() < 3) return std::nullopt;
  return factory;
}

std::string BundleFactory::Make(uint64_t n) const {
  std::string json = pieces_[0];
  for (size_t i = 0; i < kinds_.size(); ++i) {
    json += FreshId(kinds_[i], kinds_[i] == 'c' ? n % patients_ : n) + pieces_[i + 1];
  }
  return json;
}

std::string InputPaths() {
  return std::string(ZORGBRUG_SOURCE_DIR) + kBibGolden + ", " + ZORGBRUG_SHARED_DIR + kBundleFile;
}

}  // namespace zorgbrug::bench
