// The committed generated files of fhir/r4/ must be exactly what zorgbrug_generate_r4 writes from
// the shared R4 StructureDefinitions (STYLE.md rule 7).

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fhir/tools/drift_check.h"

#include "fhir/r4/test_util.h"

namespace zorgbrug::fhir::r4 {
namespace {

namespace fs = std::filesystem;
using testdata::ExamplesDir;
using testdata::ReadFile;

constexpr const char* kGeneratedFiles[] = {"resource_types.cc", "resources.h", "resources.cc"};

// Runs the generator with `args`; returns its exit status, or -1 when it did not exit normally.
int RunGenerator(std::vector<std::string> args) {
  return tools::RunProgram(ZORGBRUG_GENERATE_R4, std::move(args));
}

TEST(GenerateR4Test, CommittedFilesMatchGeneratorOutput) {
  if (!testdata::HaveExamples()) {
    GTEST_SKIP() << "drift check skipped: FHIR R4 StructureDefinitions not found at "
                 << ExamplesDir() << " (set ZORGBRUG_SHARED_DIR to the shared/ folder)";
  }
  tools::TempDir out("fhir_r4_drift");
  ASSERT_FALSE(out.path().empty());
  ASSERT_EQ(RunGenerator({ExamplesDir(), out.path()}), 0);
  for (const char* file : kGeneratedFiles) {
    std::string committed = ReadFile(std::string(ZORGBRUG_R4_SOURCE_DIR) + "/" + file);
    std::string generated = ReadFile(out.path() + "/" + file);
    ASSERT_FALSE(generated.empty()) << file;
    EXPECT_EQ(tools::FirstDifference(committed, generated), "")
        << "fhir/r4/" << file << " differs from the generator output; rebuild the regenerate_r4 "
        << "target and commit the result";
  }
}

TEST(GenerateR4Test, FailsWithoutDefinitions) {
  tools::TempDir out("fhir_r4_drift");
  ASSERT_FALSE(out.path().empty());
  EXPECT_EQ(RunGenerator({out.path() + "/absent", out.path()}), 1);
  for (const char* file : kGeneratedFiles) EXPECT_FALSE(fs::exists(out.path() + "/" + file));
}

TEST(GenerateR4Test, FailsOnUsage) { EXPECT_EQ(RunGenerator({}), 1); }

}  // namespace
}  // namespace zorgbrug::fhir::r4
