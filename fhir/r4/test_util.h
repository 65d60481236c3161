#pragma once

// Test-only helpers of fhir_r4_test: where the shared FHIR R4 examples are and how to read them.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace zorgbrug::fhir::r4::testdata {

// shared/fhir-r4-examples: $ZORGBRUG_SHARED_DIR when set, else the CMake cache variable of the same
// name compiled into the test.
inline std::string ExamplesDir() {
  const char* shared = std::getenv("ZORGBRUG_SHARED_DIR");
  return std::string(shared != nullptr ? shared : ZORGBRUG_SHARED_DIR) + "/fhir-r4-examples";
}

inline bool HaveExamples() { return std::filesystem::is_directory(ExamplesDir()); }

// The whole file, or an empty string when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace zorgbrug::fhir::r4::testdata
