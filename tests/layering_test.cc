// The tree shows the architecture (STYLE.md rule 1): dependencies point one way,
//   proto/, fhir/  <-  adapters/  <-  gateway/  <-  tests/, bench/
// This test reads every C++ and .proto file and fails when an include or import crosses a layer the
// wrong way, when an adapter includes a sibling adapter (shared helpers go to adapters/common/), or
// when RapidJSON is included outside fhir/json/ (STYLE.md rule 5).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The layers an include target may belong to, for a file in `layer`.
const std::set<std::string>& AllowedLayers(const std::string& layer) {
  static const std::map<std::string, std::set<std::string>> kAllowed = {
      {"proto", {"proto"}},
      {"fhir", {"fhir"}},
      {"adapters", {"adapters", "fhir", "proto"}},
      {"gateway", {"gateway", "adapters", "fhir", "proto"}},
  };
  static const std::set<std::string> kNone;
  auto it = kAllowed.find(layer);
  return it == kAllowed.end() ? kNone : it->second;
}

// The layer of an include path such as "fhir/json/value.h" or a generated "zorgbrug/v1/x.pb.h"
// (generated code belongs to proto/). Empty for third-party and standard headers.
std::string LayerOfInclude(const std::string& include) {
  if (include.rfind("zorgbrug/v1/", 0) == 0) return "proto";
  for (const char* layer : {"proto", "fhir", "adapters", "gateway", "tests", "bench"}) {
    if (include.rfind(std::string(layer) + "/", 0) == 0) return layer;
  }
  return "";
}

// Returns a description of every violation in `file` (a path relative to the source root) whose
// text is `content`.
std::vector<std::string> Violations(const std::string& file, const std::string& content) {
  std::vector<std::string> found;
  std::string layer = file.substr(0, file.find('/'));
  if (AllowedLayers(layer).empty()) return found;  // tests/, bench/ may include anything
  static const std::regex kInclude(R"re(^\s*(?:#\s*include|import)\s*[<"]([^>"]+)[>"])re");
  std::string adapter;  // adapters/<name>/..., the adapter this file belongs to
  if (layer == "adapters") {
    size_t end = file.find('/', 9);
    adapter = end == std::string::npos ? "" : file.substr(9, end - 9);
  }
  std::istringstream lines(content);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::smatch match;
    if (!std::regex_search(line, match, kInclude)) continue;
    std::string include = match[1];
    std::string where = file + ":" + std::to_string(number) + " includes " + include;
    if (include.rfind("rapidjson/", 0) == 0 && file.rfind("fhir/json/", 0) != 0) {
      found.push_back(where + ": RapidJSON is only used inside fhir/json/");
    }
    std::string target = LayerOfInclude(include);
    if (target.empty()) continue;
    if (!AllowedLayers(layer).count(target)) {
      found.push_back(where + ": " + layer + "/ may not depend on " + target + "/");
    }
    if (!adapter.empty() && target == "adapters" && include.rfind("adapters/common/", 0) != 0 &&
        include.rfind("adapters/" + adapter + "/", 0) != 0) {
      found.push_back(where + ": an adapter may not include a sibling adapter");
    }
  }
  return found;
}

TEST(LayeringTest, DetectsViolations) {
  EXPECT_EQ(Violations("fhir/x.cc", "#include \"gateway/server.h\"\n").size(), 1u);
  EXPECT_EQ(Violations("fhir/x.cc", "#include \"zorgbrug/v1/validation.pb.h\"\n").size(), 1u);
  EXPECT_EQ(Violations("adapters/epd/x.cc", "#include \"adapters/bib/y.h\"\n").size(), 1u);
  EXPECT_EQ(Violations("adapters/epd/x.cc", "#include \"adapters/common/y.h\"\n").size(), 0u);
  EXPECT_EQ(Violations("adapters/epd/x.cc", "#include \"gateway/y.h\"\n").size(), 1u);
  EXPECT_EQ(Violations("gateway/x.cc", "#include \"rapidjson/document.h\"\n").size(), 1u);
  EXPECT_EQ(Violations("gateway/x.cc", "#include \"fhir/resource.h\"\n").size(), 0u);
  EXPECT_EQ(Violations("proto/zorgbrug/v1/a.proto", "import \"zorgbrug/v1/b.proto\";\n").size(),
            0u);
  EXPECT_EQ(Violations("proto/zorgbrug/v1/a.proto", "import \"fhir/b.proto\";\n").size(), 1u);
}

TEST(LayeringTest, SourceTreeRespectsTheLayers) {
  const fs::path root(ZORGBRUG_SOURCE_DIR);
  size_t checked = 0;
  std::vector<std::string> found;
  for (const char* layer : {"proto", "fhir", "adapters", "gateway"}) {
    if (!fs::is_directory(root / layer)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / layer)) {
      std::string extension = entry.path().extension().string();
      if (extension != ".h" && extension != ".cc" && extension != ".proto") continue;
      std::ifstream in(entry.path());
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (std::string& violation :
           Violations(fs::relative(entry.path(), root).string(), content)) {
        found.push_back(std::move(violation));
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u);
  for (const std::string& violation : found) ADD_FAILURE() << violation;
}

}  // namespace
