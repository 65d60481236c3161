// The committed generated files of fhir/definitions/ must be exactly what
// zorgbrug_generate_definitions writes from the shared definitions (STYLE.md rule 7).

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fhir/tools/drift_check.h"

namespace zorgbrug::fhir::definitions {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGeneratedFiles[] = {"core_structures.cc", "profiles.cc", "core_profiles.cc",
                                           "value_sets.cc"};

// shared/: $ZORGBRUG_SHARED_DIR when set, else the CMake cache variable compiled into the test.
std::string SharedDir() {
  const char* shared = std::getenv("ZORGBRUG_SHARED_DIR");
  return shared != nullptr ? shared : ZORGBRUG_SHARED_DIR;
}

// Runs the generator with `args`; returns its exit status, or -1 when it did not exit normally.
int RunGenerator(std::vector<std::string> args) {
  return tools::RunProgram(ZORGBRUG_GENERATE_DEFINITIONS, std::move(args));
}

TEST(GenerateDefinitionsTest, CommittedFilesMatchGeneratorOutput) {
  std::string r4 = SharedDir() + "/fhir-r4-examples";
  std::string be = SharedDir() + "/fhir-be";
  if (!fs::is_directory(r4) || !fs::is_directory(be)) {
    GTEST_SKIP() << "drift check skipped: " << r4 << " or " << be
                 << " not found (set ZORGBRUG_SHARED_DIR to the shared/ folder)";
  }
  tools::TempDir out("fhir_definitions_drift");
  ASSERT_FALSE(out.path().empty());
  ASSERT_EQ(RunGenerator({r4, be, out.path()}), 0);
  for (const char* file : kGeneratedFiles) {
    std::string committed =
        tools::ReadWholeFile(std::string(ZORGBRUG_DEFINITIONS_SOURCE_DIR) + "/" + file);
    std::string generated = tools::ReadWholeFile(out.path() + "/" + file);
    ASSERT_FALSE(generated.empty()) << file;
    EXPECT_EQ(tools::FirstDifference(committed, generated), "")
        << "fhir/definitions/" << file << " differs from the generator output; rebuild the "
        << "regenerate_definitions target and commit the result";
  }
}

TEST(GenerateDefinitionsTest, FailsWithoutDefinitions) {
  tools::TempDir out("fhir_definitions_drift");
  ASSERT_FALSE(out.path().empty());
  EXPECT_EQ(RunGenerator({out.path() + "/absent", out.path() + "/absent", out.path()}), 1);
  for (const char* file : kGeneratedFiles) EXPECT_FALSE(fs::exists(out.path() + "/" + file));
}

TEST(GenerateDefinitionsTest, FailsOnUsage) { EXPECT_EQ(RunGenerator({}), 1); }

}  // namespace
}  // namespace zorgbrug::fhir::definitions
