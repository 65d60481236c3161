// The log scan of issue #9: SSIN check digits, fixture extraction, finding planted SSINs in a log,
// and the promise that the scanner's own report never shows a full SSIN.
//
// Every SSIN here is synthetic, check digits computed as in docs/DOMAIN.md section 3:
//   85073003328: N = 850730033, 97 - (N mod 97) = 28 (born 1985).
//   06070500252: N = 060705002, 97 - ((2000000000 + N) mod 97) = 52 (born 2006).
//   99010100118: N = 990101001, 97 - (N mod 97) = 18 (born 1999).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/log_scan/cli.h"
#include "tests/log_scan/log_scan.h"

namespace zorgbrug::log_scan {
namespace {

namespace fs = std::filesystem;

// Whether `text` contains `part`; the failure message shows the text.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not in:\n" << text;
}

constexpr char kSsin[] = "85073003328";
constexpr char kSsin2000[] = "06070500252";
constexpr char kOtherSsin[] = "99010100118";

// A fresh directory under the test temp dir, removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "log_scan_XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? fs::path(pattern) : fs::path();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

  // Writes `content` to `relative` under the directory, creating parent directories.
  fs::path Write(const std::string& relative, const std::string& content) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << content;
    return file;
  }

 private:
  fs::path path_;
};

TEST(IsSsinTest, CheckDigitsBornBefore2000) {
  EXPECT_TRUE(IsSsin(kSsin));
  EXPECT_TRUE(IsSsin(kOtherSsin));
  EXPECT_FALSE(IsSsin("85073003329"));
  EXPECT_FALSE(IsSsin("85073003327"));
}

TEST(IsSsinTest, CheckDigitsBornIn2000OrLater) {
  EXPECT_TRUE(IsSsin(kSsin2000));
  EXPECT_FALSE(IsSsin("06070500253"));
}

TEST(IsSsinTest, RejectsWrongLengthNonDigitsAndImpossibleMonths) {
  EXPECT_FALSE(IsSsin("8507300332"));
  EXPECT_FALSE(IsSsin("850730033288"));
  EXPECT_FALSE(IsSsin("8507300332a"));
  EXPECT_FALSE(IsSsin("00000000000"));
  // 851330012: 97 - (N mod 97) = 91, so the check digits match, but month 13 does not exist.
  EXPECT_FALSE(IsSsin("85133001291"));
}

TEST(MaskSsinTest, KeepsTheFirstTwoAndLastTwoDigits) { EXPECT_EQ(MaskSsin(kSsin), "85*******28"); }

TEST(SsinsInTextTest, FindsRawAndEveryFormattedLayout) {
  EXPECT_EQ(SsinsInText(R"({"value":"85073003328"})"), std::set<std::string>{kSsin});
  EXPECT_EQ(SsinsInText("ssin: \"85.07.30-033.28\""), std::set<std::string>{kSsin});
  EXPECT_EQ(SsinsInText("<id>850730-033-28</id>"), std::set<std::string>{kSsin});
  EXPECT_EQ(SsinsInText("nr 850730 033 28."), std::set<std::string>{kSsin});
  EXPECT_EQ(SsinsInText("a 12 06070500252 b"), std::set<std::string>{kSsin2000});
}

TEST(SsinsInTextTest, IgnoresNumbersThatFailTheCheckOrTheLayout) {
  EXPECT_TRUE(SsinsInText(R"({"value":"85073003329","other":"12345678901"})").empty());
  EXPECT_TRUE(SsinsInText("185073003328 850730033280").empty());   // inside longer numbers
  EXPECT_TRUE(SsinsInText("85073-003328, 850-73003328").empty());  // breaks inside a field
  EXPECT_TRUE(SsinsInText("2026-11-24 05:24:40.041").empty());
}

TEST(FixtureSsinsTest, CollectsFromFixtureDataOnly) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  dir.Write("a/patient.json", R"({"identifier":[{"value":"85073003328"}],"x":"85073003329"})");
  dir.Write("a/b/record.textproto", "ssin: \"06.07.05-002.52\"\n");
  dir.Write("code.cc", "const char* kSsin = \"99010100118\";\n");      // code, not a fixture
  dir.Write("node_modules/p/package.json", R"({"v":"99010100118"})");  // skipped directory
  FixtureStats stats;
  const std::set<std::string> ssins = FixtureSsins({dir.path()}, &stats);
  EXPECT_EQ(ssins, (std::set<std::string>{kSsin2000, kSsin}));
  EXPECT_EQ(stats.files, 2u);
  EXPECT_TRUE(stats.errors.empty());
}

TEST(FixtureSsinsTest, AMissingRootIsAnError) {
  FixtureStats stats;
  EXPECT_TRUE(FixtureSsins({"/nonexistent/log_scan_fixtures"}, &stats).empty());
  ASSERT_EQ(stats.errors.size(), 1u);
  EXPECT_TRUE(Contains(stats.errors[0], "/nonexistent/log_scan_fixtures"));
}

TEST(ScanLogTest, FindsAPlantedRawSsinWithLineAndTest) {
  const std::string log =
      "1/2 Test: MessagingTest.Clean\n"
      "[info] listening on 127.0.0.1:40541\n"
      "2/2 Test: MessagingTest.Leaky\n"
      "[info] patient 85073003328 accepted\n";
  const std::vector<Finding> findings = ScanLog(log, {kSsin});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].line, 4u);
  EXPECT_EQ(findings[0].test, "MessagingTest.Leaky");
  EXPECT_EQ(findings[0].masked, "85*******28");
  EXPECT_EQ(findings[0].excerpt, "[info] patient 85*******28 accepted");
}

TEST(ScanLogTest, FindsPlantedFormattedSsins) {
  const std::string log =
      "[warn] bad value 85.07.30-033.28 in record\n"
      "[warn] seq 5 850730 033 28\n"
      "[warn] 850730-033-28\n"
      "id=x85073003328y\n";
  const std::vector<Finding> findings = ScanLog(log, {kSsin});
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].excerpt, "[warn] bad value 85.**.**-***.28 in record");
  EXPECT_EQ(findings[1].line, 2u);
  EXPECT_EQ(findings[1].excerpt, "[warn] seq 5 85**** *** 28");
  EXPECT_EQ(findings[2].line, 3u);
  EXPECT_EQ(findings[3].line, 4u);
}

TEST(ScanLogTest, ACleanLogPasses) {
  const std::string log =
      "[2026-11-24 05:24:40.041] [info] message store /tmp/zorgbrug-store-3Bm2h6/zorgbrug.db\n"
      "[info] Reject bihr: sequence 5 rejected; 85073003329 is not valid; nihdi 10012345601\n"
      "[  PASSED  ] 1 test.\n";
  EXPECT_TRUE(ScanLog(log, {kSsin, kSsin2000}).empty());
}

TEST(ScanLogTest, ExcerptMasksEverySsinOnTheLine) {
  // kOtherSsin is not a fixture SSIN but is valid: the excerpt still does not show it whole.
  const std::vector<Finding> findings = ScanLog("85073003328 and 99010100118\n", {kSsin});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].excerpt, "85*******28 and 99*******18");
}

// The command line: temp fixtures and a temp log.
class RunLogScanTest : public ::testing::Test {
 protected:
  int Run(const std::string& log_text, std::string* output) {
    const fs::path log = dir_.Write("logs/LastTest.log", log_text);
    std::ostringstream out;
    const int status = RunLogScan(
        {"--fixtures", (dir_.path() / "fixtures").string(), "--logs", log.string()}, out);
    *output = out.str();
    return status;
  }

  TempDir dir_;
};

TEST_F(RunLogScanTest, ReportsAFindingWithTheSsinMasked) {
  dir_.Write("fixtures/patient.json", R"({"value":"85073003328"})");
  std::string output;
  EXPECT_EQ(Run("1/1 Test: T.Leaky\nssin 85.07.30-033.28 and 85073003328\n", &output),
            kExitFindings);
  EXPECT_TRUE(Contains(output, "1 fixture SSINs known, from 1 fixture files"));
  EXPECT_TRUE(Contains(output, "LastTest.log:2 [T.Leaky] 85*******28"));
  EXPECT_TRUE(Contains(output, "2 occurrence(s)"));
  EXPECT_FALSE(Contains(output, kSsin));
  EXPECT_FALSE(Contains(output, "85.07.30-033.28"));
  EXPECT_FALSE(Contains(output, "0730033"));
  EXPECT_FALSE(Contains(output, "07.30"));
}

TEST_F(RunLogScanTest, ACleanLogExitsZeroAndSaysWhatItScanned) {
  dir_.Write("fixtures/patient.json", R"({"value":"85073003328"})");
  std::string output;
  EXPECT_EQ(Run("[info] all good 12345678901\n", &output), kExitClean);
  EXPECT_TRUE(Contains(output, "scanned 1 log file(s), 28 bytes"));
  EXPECT_TRUE(Contains(output, "OK: none of the 1 fixture SSINs"));
}

TEST_F(RunLogScanTest, FixturesWithoutAnySsinProveNothing) {
  dir_.Write("fixtures/patient.json", R"({"value":"85073003329"})");
  std::string output;
  EXPECT_EQ(Run("85073003329\n", &output), kExitUsage);
  EXPECT_TRUE(Contains(output, "proves nothing"));
}

TEST(RunLogScanUsageTest, MissingArgumentsAndMissingLogsAreUsageErrors) {
  std::ostringstream out;
  EXPECT_EQ(RunLogScan({}, out), kExitUsage);
  EXPECT_EQ(RunLogScan({"--fixtures", "x"}, out), kExitUsage);
  EXPECT_EQ(RunLogScan({"--bogus"}, out), kExitUsage);
  EXPECT_TRUE(Contains(out.str(), "usage: log_scan"));
  TempDir dir;
  dir.Write("fixtures/p.json", R"({"value":"85073003328"})");
  std::ostringstream missing;
  EXPECT_EQ(RunLogScan({"--fixtures", (dir.path() / "fixtures").string(), "--logs",
                        (dir.path() / "no-such.log").string()},
                       missing),
            kExitUsage);
  EXPECT_TRUE(Contains(missing.str(), "neither a file nor a directory"));
}

}  // namespace
}  // namespace zorgbrug::log_scan
