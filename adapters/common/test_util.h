#pragma once

// Test support shared by the adapters' tests: a deterministic MappingContext, a stand-in for
// the patient family, lookups in a built Bundle, issue checks and validation. Not part of the
// library.

#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "adapters/common/bundle_io.h"
#include "adapters/common/mapping_context.h"
#include "fhir/issues.h"
#include "fhir/validation/validator.h"

namespace zorgbrug::adapters::common::testutil {

inline constexpr char kBase[] = "https://epd.hospital.example.be/fhir/NamingSystem";

// UUIDs 00000000-0000-4000-8000-000000000001, ...002, ... in call order.
inline MappingContext TestContext(std::string base = kBase) {
  return SequentialContext(std::move(base));
}

// Stands in for the patient family: a Patient with the EPD key identifier, registered by `key`.
inline void AddPatient(common::BundleWriter& out, const std::string& key) {
  common::BundleWriter::Entry patient = out.Add("Patient");
  fhir::json::Value identifier = common::AppendObject(out.doc(), patient.resource, "identifier");
  common::SetString(out.doc(), identifier, "system",
                    out.context().local_key_system_base + "/patient");
  common::SetString(out.doc(), identifier, "value", key);
  out.Register("Patient|" + key, patient.full_url);
}

// The first entry resource of `type` in a Bundle document, or nullptr.
inline const fhir::json::Value* FindResource(const fhir::json::Document& doc,
                                             std::string_view type) {
  for (const fhir::json::Value& entry : doc.root().Find("entry")->items()) {
    const fhir::json::Value* resource = entry.Find("resource");
    if (resource->FindString("resourceType") == type) return resource;
  }
  return nullptr;
}

inline bool HasError(const fhir::IssueCollector& issues, std::string_view expression) {
  for (const fhir::Issue& issue : issues.issues()) {
    if (issue.severity == fhir::Severity::kError && issue.expression == expression) return true;
  }
  return false;
}

// One line per issue: "<severity> <expression>: <diagnostics>".
inline std::string Dump(const fhir::IssueCollector& issues) {
  std::string out;
  for (const fhir::Issue& i : issues.issues()) {
    out += std::string(fhir::SeverityCode(i.severity)) + " " + i.expression + ": " + i.diagnostics +
           "\n";
  }
  return out;
}

// Validates `root` against the R4 base and the profiles it claims; fails on any error.
inline void ExpectValid(const fhir::json::Value& root) {
  fhir::IssueCollector sink;
  fhir::validation::Validate(root, {}, sink);
  for (const fhir::Issue& issue : sink.issues()) {
    EXPECT_NE(issue.severity, fhir::Severity::kError)
        << issue.expression << ": " << issue.diagnostics;
  }
}

// The whole text of the file at `path`; empty when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The message in protobuf text format in the file at `path` (a test failure when it does not
// parse).
template <typename Message>
Message LoadTextProto(const std::string& path) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(ReadFile(path), &message)) << path;
  return message;
}

// A file of ../shared (the build's ZORGBRUG_SHARED_DIR).
inline std::string SharedFile(std::string_view relative) {
  return std::string(ZORGBRUG_SHARED_DIR) + "/" + std::string(relative);
}

}  // namespace zorgbrug::adapters::common::testutil
