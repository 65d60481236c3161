#include "fhir/validation/primitives.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "fhir/issues.h"
#include "fhir/json/parser.h"
#include "fhir/json/value.h"

namespace zorgbrug::fhir::validation {
namespace {

using json::Document;
using json::Value;

// The checks take a json::Value; these build one of each JSON type.
class PrimitivesTest : public ::testing::Test {
 protected:
  std::string_view Str(std::string_view type, std::string_view text) {
    return CheckPrimitive(type, doc_.MakeString(text));
  }
  std::string_view Num(std::string_view type, std::string_view text) {
    return CheckPrimitive(type, doc_.MakeNumber(text));
  }
  std::string_view Bool(std::string_view type, bool b) {
    return CheckPrimitive(type, Document::MakeBool(b));
  }

  Document doc_;
};

constexpr std::string_view kAllTypes[] = {
    "base64Binary", "boolean",     "canonical", "code",     "date", "dateTime",    "decimal",
    "id",           "instant",     "integer",   "markdown", "oid",  "positiveInt", "string",
    "time",         "unsignedInt", "uri",       "url",      "uuid", "xhtml",
};

TEST_F(PrimitivesTest, KnowsExactlyTheR4Primitives) {
  for (std::string_view type : kAllTypes) EXPECT_TRUE(IsPrimitiveType(type)) << type;
  for (std::string_view type : {"", "Patient", "String", "Date",
                                "http://hl7.org/fhirpath/System.String", "integer64", "Quantity"}) {
    EXPECT_FALSE(IsPrimitiveType(type)) << type;
    EXPECT_EQ(Str(type, "anything at all"), "") << type;
  }
}

TEST_F(PrimitivesTest, WrongJsonTypeNamesTheTypeAndTheExpectedJsonType) {
  for (std::string_view type : kAllTypes) {
    const bool is_number =
        type == "integer" || type == "positiveInt" || type == "unsignedInt" || type == "decimal";
    const std::string_view diagnostic =
        type == "boolean" ? Str(type, "true") : (is_number ? Str(type, "1") : Num(type, "1"));
    EXPECT_TRUE(diagnostic.find(type) != std::string_view::npos) << type << ": " << diagnostic;
    EXPECT_TRUE(diagnostic.find(type == "boolean" ? "true or false"
                                : is_number       ? "JSON number"
                                                  : "JSON string") != std::string_view::npos)
        << diagnostic;
    EXPECT_NE(CheckPrimitive(type, Value()), "") << type << " accepts null";
    EXPECT_NE(CheckPrimitive(type, doc_.MakeObject()), "") << type;
  }
  EXPECT_EQ(Bool("boolean", true), "");
  EXPECT_EQ(Bool("boolean", false), "");
  EXPECT_NE(Bool("string", true), "");
  EXPECT_EQ(Str("decimal", "1.5"), "not a valid decimal: expected a JSON number, not a string");
}

TEST_F(PrimitivesTest, IntegerDiagnostics) {
  EXPECT_EQ(Num("integer", "-2147483648"), "");
  EXPECT_EQ(Num("integer", "2147483647"), "");
  EXPECT_EQ(Num("integer", "-0"), "");  // the R4 regex -?([0]|([1-9][0-9]*)) allows it
  EXPECT_EQ(Num("integer", "007"),
            "not a valid integer: expected an optional '-' and digits without leading zeros, "
            "fraction or exponent");
  EXPECT_EQ(Num("integer", "1e2"), Num("integer", "007"));
  EXPECT_EQ(Num("integer", "2147483648"),
            "not a valid integer: outside the signed 32-bit range -2147483648..2147483647");
  EXPECT_EQ(Num("integer", "-2147483649"), Num("integer", "2147483648"));
  EXPECT_EQ(Num("integer", "123456789012345678901234567890"), Num("integer", "2147483648"));

  EXPECT_EQ(Num("positiveInt", "1"), "");
  EXPECT_EQ(Num("positiveInt", "0"), "not a valid positiveInt: outside 1..2147483647");
  EXPECT_EQ(Num("positiveInt", "2147483648"), Num("positiveInt", "0"));
  EXPECT_EQ(Num("positiveInt", "-1"),
            "not a valid positiveInt: expected digits without sign, leading zeros, fraction or "
            "exponent");

  EXPECT_EQ(Num("unsignedInt", "0"), "");
  EXPECT_EQ(Num("unsignedInt", "2147483648"), "not a valid unsignedInt: outside 0..2147483647");
  EXPECT_EQ(Num("unsignedInt", "-0"),
            "not a valid unsignedInt: expected digits without sign, leading zeros, fraction or "
            "exponent");
}

TEST_F(PrimitivesTest, DecimalDiagnostics) {
  EXPECT_EQ(Num("decimal", "1.50"), "");
  EXPECT_EQ(Num("decimal", "-1.5e-30"), "");
  EXPECT_EQ(Num("decimal", "123456789012345678901234567890.1"), "");
  // Only reachable through Document::MakeNumber, which does not check JSON number syntax.
  EXPECT_EQ(Num("decimal", "01"),
            "not a valid decimal: expected an optional '-', digits without leading zeros, an "
            "optional fraction and an optional exponent");
}

TEST_F(PrimitivesTest, StringDiagnostics) {
  EXPECT_EQ(Str("string", " \r\n\t x \x01 ü"), "");
  EXPECT_EQ(Str("string", ""), "not a valid string: empty strings are not allowed (json.html)");
  EXPECT_EQ(Str("string", "a\vb"),
            "not a valid string: contains a vertical tab or form feed; the only whitespace allowed "
            "is space, tab, CR and LF");
  EXPECT_EQ(Str("string", "a\fb"), Str("string", "a\vb"));
  EXPECT_EQ(Str("markdown", ""), "not a valid markdown: empty strings are not allowed (json.html)");
  EXPECT_EQ(Str("markdown", "\f"),
            "not a valid markdown: contains a vertical tab or form feed; the only whitespace "
            "allowed is space, tab, CR and LF");

  // 1 MB is counted in characters: 1048576 two-byte characters are fine, one more is not.
  std::string text;
  for (size_t i = 0; i < kMaxStringCharacters; ++i) text += "é";
  EXPECT_EQ(Str("string", text), "");
  EXPECT_EQ(Str("markdown", text), "");
  text += "x";
  EXPECT_EQ(Str("string", text), "not a valid string: longer than 1048576 characters (1 MB)");
  EXPECT_EQ(Str("markdown", text), "not a valid markdown: longer than 1048576 characters (1 MB)");
  EXPECT_EQ(Str("code", text), "not a valid code: longer than 1048576 characters (1 MB)");
}

TEST_F(PrimitivesTest, CodeIdUriDiagnostics) {
  EXPECT_EQ(Str("code", "final draft"), "");
  EXPECT_EQ(Str("code", "a\tb"),
            "not a valid code: expected at least one character, no leading or trailing whitespace "
            "and single spaces between words");
  EXPECT_EQ(Str("id", std::string(64, 'a')), "");
  EXPECT_EQ(Str("id", std::string(65, 'a')),
            "not a valid id: expected 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'");
  EXPECT_EQ(Str("uri", ""), "not a valid uri: expected at least one character and no whitespace");
  EXPECT_EQ(Str("url", "http://a b"),
            "not a valid url: expected at least one character and no whitespace");
  EXPECT_EQ(Str("canonical", "x\n"),
            "not a valid canonical: expected at least one character and no whitespace");
  EXPECT_EQ(Str("oid", "urn:oid:1.02"),
            "not a valid oid: expected urn:oid: then 0, 1 or 2 and one or more '.'-separated "
            "numbers without leading zeros");
  EXPECT_EQ(Str("uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520"),
            "not a valid uuid: expected urn:uuid: then lowercase hexadecimal in 8-4-4-4-12 form");
}

TEST_F(PrimitivesTest, Base64Diagnostics) {
  EXPECT_EQ(Str("base64Binary", "aGVs\r\nbG8= "), "");
  EXPECT_EQ(Str("base64Binary", "aGVs_G8="),
            "not a valid base64Binary: expected only A-Z, a-z, 0-9, '+', '/', '=' padding and "
            "whitespace");
  EXPECT_EQ(Str("base64Binary", "aG=s"),
            "not a valid base64Binary: '=' padding may only be the last one or two characters");
  EXPECT_EQ(Str("base64Binary", "a==="), Str("base64Binary", "aG=s"));
  EXPECT_EQ(Str("base64Binary", "aGVsbG8"),
            "not a valid base64Binary: expected a non-zero number of characters (whitespace not "
            "counted) that is a multiple of 4");
  EXPECT_EQ(Str("base64Binary", " \n "), Str("base64Binary", "aGVsbG8"));
}

TEST_F(PrimitivesTest, DateAndTimeDiagnostics) {
  EXPECT_EQ(Str("date", "2020-13"),
            "not a valid date: expected YYYY, YYYY-MM or YYYY-MM-DD with a real calendar day");
  EXPECT_EQ(Str("date", "2021-02-29"),
            "not a valid date: that day does not exist in that month (leap years counted)");
  EXPECT_EQ(Str("dateTime", "2020-01-01T10:00"),
            "not a valid dateTime: expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with "
            "optional .fraction and a time zone Z, +hh:mm or -hh:mm");
  EXPECT_EQ(Str("dateTime", "2020-01-01T10:00:00"),
            "not a valid dateTime: a time zone (Z, +hh:mm or -hh:mm) is required when a time is "
            "given");
  EXPECT_EQ(Str("dateTime", "2019-02-29T10:00:00Z"),
            "not a valid dateTime: that day does not exist in that month (leap years counted)");
  EXPECT_EQ(Str("instant", "2020-01-01"),
            "not a valid instant: expected YYYY-MM-DDThh:mm:ss with optional .fraction and a time "
            "zone Z, +hh:mm or -hh:mm");
  EXPECT_EQ(Str("instant", "2020-01-01T10:00:00.123"),
            "not a valid instant: a time zone (Z, +hh:mm or -hh:mm) is required");
  EXPECT_EQ(Str("instant", "2100-02-29T10:00:00Z"),
            "not a valid instant: that day does not exist in that month (leap years counted)");
  EXPECT_EQ(Str("time", "24:00:00"),
            "not a valid time: expected hh:mm:ss with optional .fraction, from 00:00:00 to "
            "23:59:59 (60 seconds for a leap second), without a time zone");
}

constexpr std::string_view kXhtmlRoot =
    "not valid xhtml: expected the root element <div xmlns=\"http://www.w3.org/1999/xhtml\">";
constexpr std::string_view kXhtmlNotClosed =
    "not valid xhtml: the root <div> must be closed by </div> at the end";
constexpr std::string_view kXhtmlMalformed =
    "not valid xhtml: a tag, comment or attribute value is not well-formed or not closed (a '<' "
    "in text must be written &lt;)";
constexpr std::string_view kXhtmlForbidden =
    "not valid xhtml: narrative must not contain script, object, iframe, form, embed, applet, "
    "base, link, meta, style, head, body, frame or frameset elements";
constexpr std::string_view kXhtmlEvent =
    "not valid xhtml: narrative must not contain event attributes (onclick, onload, ...)";

TEST_F(PrimitivesTest, XhtmlAcceptsNarrative) {
  for (
      std::string_view div : {
          R"(<div xmlns="http://www.w3.org/1999/xhtml">Hello</div>)",
          R"(<div xmlns='http://www.w3.org/1999/xhtml' class="x"/>)",
          "<div\n  xmlns = \"http://www.w3.org/1999/xhtml\" >a<br/><p style=\"color:red\">b "
          "&amp; c</p><!-- note --><a href=\"#x\" name='online'>d</a></div >\n",
          R"(<div xmlns="http://www.w3.org/1999/xhtml"><![CDATA[a > b]]><img src="x.png" alt=""/></div>)",
      }) {
    EXPECT_EQ(Str("xhtml", div), "") << div;
  }
}

TEST_F(PrimitivesTest, XhtmlRefusesActiveContentAndBadShape) {
  const std::string open = R"(<div xmlns="http://www.w3.org/1999/xhtml">)";
  const std::map<std::string, std::string_view> cases = {
      {"Hello", kXhtmlRoot},
      {" <div xmlns=\"http://www.w3.org/1999/xhtml\"></div>", kXhtmlRoot},
      {"<div>no namespace</div>", kXhtmlRoot},
      {"<divx xmlns=\"http://www.w3.org/1999/xhtml\"></divx>", kXhtmlRoot},
      {"<div xmlns=\"http://www.w3.org/1999/xhtml/\"></div>", kXhtmlRoot},
      {open + "text", kXhtmlNotClosed},
      {open + "a</div><p>b</p>", kXhtmlNotClosed},
      {"<div xmlns=\"http://www.w3.org/1999/xhtml\"/><p/>", kXhtmlNotClosed},
      {"<div xmlns=\"http://www.w3.org/1999/xhtml\"/>text", kXhtmlNotClosed},
      {open + "a < b</div>", kXhtmlMalformed},
      {open + "<p class=x>a</p></div>", kXhtmlMalformed},
      {open + "<p class>a</p></div>", kXhtmlMalformed},
      {open + "<p class=\"a>b</p></div>", kXhtmlMalformed},
      {open + "<!-- open</div>", kXhtmlMalformed},
      {open + "<!--><script>alert(1)</script>--></div>", kXhtmlMalformed},
      {open + "<![CDATA[ x ><script>alert(1)</script>]]></div>", kXhtmlMalformed},
      {"<div xmlns=\"http://www.w3.org/1999/xhtml\"", kXhtmlMalformed},
      {open + "<script>alert(1)</script></div>", kXhtmlForbidden},
      {open + "<SCRIPT>alert(1)</SCRIPT></div>", kXhtmlForbidden},
      {open + "<h:script xmlns:h=\"http://www.w3.org/1999/xhtml\"/></div>", kXhtmlForbidden},
      {open + "<script/src=\"x\"></script></div>", kXhtmlForbidden},
      {open + "<iframe src=\"x\"></iframe></div>", kXhtmlForbidden},
      {open + "<object/></div>", kXhtmlForbidden},
      {open + "<form></form></div>", kXhtmlForbidden},
      {open + "<embed/></div>", kXhtmlForbidden},
      {open + "<applet/></div>", kXhtmlForbidden},
      {open + "<base href=\"x\"/></div>", kXhtmlForbidden},
      {open + "<link rel=\"stylesheet\"/></div>", kXhtmlForbidden},
      {open + "<meta/></div>", kXhtmlForbidden},
      {open + "<style>p{}</style></div>", kXhtmlForbidden},
      {open + "<img src=\"x\" onerror=\"alert(1)\"/></div>", kXhtmlEvent},
      {open + "<p OnClick='x'>a</p></div>", kXhtmlEvent},
      {"<div xmlns=\"http://www.w3.org/1999/xhtml\" onload=\"x\"></div>", kXhtmlEvent},
  };
  for (const auto& [div, diagnostic] : cases) EXPECT_EQ(Str("xhtml", div), diagnostic) << div;
}

TEST_F(PrimitivesTest, DiagnosticsNeverQuoteTheValue) {
  // A Belgian national number (INSZ) in the wrong place must not leak into the OperationOutcome.
  constexpr std::string_view kInsz = "85073003328";
  for (std::string_view type : kAllTypes) {
    const std::string_view as_string = Str(type, kInsz);
    const std::string_view as_number = Num(type, kInsz);
    EXPECT_EQ(as_string.find(kInsz), std::string_view::npos) << type;
    EXPECT_EQ(as_number.find(kInsz), std::string_view::npos) << type;
  }
}

// ---------------------------------------------------------------------------------------------
// Agreement with the official R4 regexes.
//
// The regexes are read from the R4 StructureDefinitions in the shared data (the regex extension on
// type[0] of <type>.value). They are evaluated with std::regex (ECMAScript, "C" locale), whose \s
// is the ASCII [ \t\n\v\f\r] of java.util.regex, the engine of the HL7 reference validator. (RE2's
// \s lacks \v; this test target links no regex library, and std::regex needs none.) The samples are
// short: std::regex recurses per character.

// Where the shared data is: $ZORGBRUG_SHARED_DIR, else ../shared beside the repository root.
std::filesystem::path SharedDir() {
  if (const char* dir = std::getenv("ZORGBRUG_SHARED_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." / "shared";
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The regex on `type`.value in StructureDefinition-<type>.json, or nullopt.
std::optional<std::string> OfficialRegex(const std::filesystem::path& examples,
                                         std::string_view type) {
  const std::optional<std::string> text =
      ReadFile(examples / ("StructureDefinition-" + std::string(type) + ".json"));
  if (!text) return std::nullopt;
  IssueCollector issues;
  const std::optional<Document> doc = json::Parse(*text, json::ParseLimits(), issues);
  if (!doc) return std::nullopt;
  const std::string value_id = std::string(type) + ".value";
  const Value* elements = doc->root().Find("snapshot");
  elements = elements == nullptr ? nullptr : elements->Find("element");
  if (elements == nullptr) return std::nullopt;
  for (const Value& element : elements->items()) {
    if (element.FindString("id") != value_id) continue;
    const Value* types = element.Find("type");
    if (types == nullptr || types->size() == 0) return std::nullopt;
    const Value* extensions = types->items()[0].Find("extension");
    if (extensions == nullptr) return std::nullopt;
    for (const Value& extension : extensions->items()) {
      if (extension.FindString("url") == "http://hl7.org/fhir/StructureDefinition/regex") {
        return std::string(extension.FindString("valueString"));
      }
    }
  }
  return std::nullopt;
}

struct Sample {
  std::string_view type;
  std::string_view text;  // a JSON number's text for the numeric types, else a JSON string
  bool valid;             // the verdict of R4 (datatypes.html, json.html), not of the regex
};

// Where R4 says more than its regex does, the verdict differs from the regex on purpose. Each
// entry names the sample and why.
struct Difference {
  std::string_view type;
  std::string_view text;
  std::string_view reason;
};

constexpr Difference kDifferences[] = {
    {"integer", "2147483648", "datatypes.html: integer is 32-bit; the regex has no range"},
    {"integer", "-2147483649", "datatypes.html: integer is 32-bit"},
    {"integer", "99999999999999999999", "datatypes.html: integer is 32-bit"},
    {"positiveInt", "2147483648", "datatypes.html: positiveInt is 1..2,147,483,647"},
    {"unsignedInt", "2147483648", "datatypes.html: unsignedInt is 0..2,147,483,647"},
    {"code", "a\tb", "datatypes.html: 'no whitespace other than single spaces'; regex allows \\s"},
    {"code", "a\nb", "datatypes.html: 'no whitespace other than single spaces'"},
    {"uri", "", "json.html: a string value is never empty; the regex \\S* allows it"},
    {"url", "", "json.html: a string value is never empty"},
    {"canonical", "", "json.html: a string value is never empty"},
    {"base64Binary", "A===", "RFC 4648: at most two '=', only at the end"},
    {"base64Binary", "=AAA", "RFC 4648: '=' only at the end"},
    {"base64Binary", "AA=A", "RFC 4648: '=' only at the end"},
    {"base64Binary", "AAAA====", "RFC 4648: a whole group of padding is not base64"},
    {"base64Binary", "AA AA\nAA==", "whitespace is ignored anywhere, not only between quads"},
    {"date", "2021-02-29", "'Dates SHALL be valid dates': 2021 is not a leap year"},
    {"date", "1900-02-29", "'Dates SHALL be valid dates': 1900 is not a leap year"},
    {"date", "2020-04-31", "'Dates SHALL be valid dates': April has 30 days"},
    {"dateTime", "2021-02-29", "'Dates SHALL be valid dates'"},
    {"dateTime", "2021-02-29T10:00:00Z", "'Dates SHALL be valid dates'"},
    {"instant", "2021-02-29T10:00:00Z", "'Dates SHALL be valid dates'"},
};

constexpr std::string_view kUuid = "urn:uuid:c757873d-ec9a-4326-a141-556f43239520";

constexpr Sample kSamples[] = {
    // integer, positiveInt, unsignedInt, decimal: JSON number text.
    {"integer", "0", true},
    {"integer", "-0", true},
    {"integer", "1", true},
    {"integer", "-1", true},
    {"integer", "2147483647", true},
    {"integer", "-2147483648", true},
    {"integer", "007", false},
    {"integer", "01", false},
    {"integer", "-", false},
    {"integer", "1.0", false},
    {"integer", "1e2", false},
    {"integer", "+1", false},
    {"integer", "2147483648", false},
    {"integer", "-2147483649", false},
    {"integer", "99999999999999999999", false},
    {"integer", "0x1", false},
    {"positiveInt", "1", true},
    {"positiveInt", "10", true},
    {"positiveInt", "2147483647", true},
    {"positiveInt", "0", false},
    {"positiveInt", "-1", false},
    {"positiveInt", "01", false},
    {"positiveInt", "+1", false},
    {"positiveInt", "1e2", false},
    {"positiveInt", "2147483648", false},
    {"unsignedInt", "0", true},
    {"unsignedInt", "2147483647", true},
    {"unsignedInt", "-0", false},
    {"unsignedInt", "00", false},
    {"unsignedInt", "-1", false},
    {"unsignedInt", "1.5", false},
    {"unsignedInt", "2147483648", false},
    {"decimal", "0", true},
    {"decimal", "-0", true},
    {"decimal", "0.0", true},
    {"decimal", "1.50", true},
    {"decimal", "-1.5e-3", true},
    {"decimal", "1E+10", true},
    {"decimal", "1e2", true},
    {"decimal", "01", false},
    {"decimal", "1.", false},
    {"decimal", ".5", false},
    {"decimal", "+1", false},
    {"decimal", "1e", false},
    {"decimal", "1e+", false},
    {"decimal", "-", false},
    // string, markdown
    {"string", "a", true},
    {"string", " ", true},
    {"string", "hello\r\nworld\t", true},
    {"string", "\xc3\xbc\xc3\xa9", true},
    {"string", "\x01", true},
    {"string", "", false},
    {"string", "a\vb", false},
    {"string", "a\fb", false},
    {"markdown", "# Title\n\n*a*", true},
    {"markdown", "", false},
    {"markdown", "\f", false},
    // code, id
    {"code", "a", true},
    {"code", "a b", true},
    {"code", "ABC-1.2", true},
    {"code", "", false},
    {"code", " a", false},
    {"code", "a ", false},
    {"code", "a  b", false},
    {"code", "a\tb", false},
    {"code", "a\nb", false},
    {"code", "\t", false},
    {"id", "a", true},
    {"id", "A-b.9", true},
    {"id", "0123456789012345678901234567890123456789012345678901234567890123", true},
    {"id", "01234567890123456789012345678901234567890123456789012345678901234", false},
    {"id", "", false},
    {"id", "a_b", false},
    {"id", "a b", false},
    {"id", "\xc3\xa9", false},
    // uri, url, canonical
    {"uri", "http://example.org/a?b=c#d", true},
    {"uri", kUuid, true},
    {"uri", "", false},
    {"uri", "a b", false},
    {"uri", "a\tb", false},
    {"url", "https://example.org/fhir/Patient/1", true},
    {"url", "", false},
    {"url", "http://a b", false},
    {"canonical", "http://hl7.org/fhir/StructureDefinition/Patient|4.0.1", true},
    {"canonical", "", false},
    {"canonical", "http://a\nb", false},
    // oid, uuid
    {"oid", "urn:oid:1.2.3", true},
    {"oid", "urn:oid:2.16.840.1.113883", true},
    {"oid", "urn:oid:0.0", true},
    {"oid", "urn:oid:1.02", false},
    {"oid", "urn:oid:3.1", false},
    {"oid", "urn:oid:1", false},
    {"oid", "urn:oid:1.", false},
    {"oid", "urn:oid:1..2", false},
    {"oid", "URN:OID:1.2", false},
    {"oid", "urn:oid:01.2", false},
    {"oid", "1.2.3", false},
    {"uuid", kUuid, true},
    {"uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", false},
    {"uuid", "c757873d-ec9a-4326-a141-556f43239520", false},
    {"uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f4323952", false},
    {"uuid", "urn:uuid:c757873dec9a-4326-a141-556f43239520-", false},
    {"uuid", "urn:uuid:{c757873d-ec9a-4326-a141-556f43239520}", false},
    {"uuid", "urn:uuid:g757873d-ec9a-4326-a141-556f43239520", false},
    // base64Binary
    {"base64Binary", "AAAA", true},
    {"base64Binary", "AA==", true},
    {"base64Binary", "AAA=", true},
    {"base64Binary", "aGVsbG8=", true},
    {"base64Binary", "ab+/", true},
    {"base64Binary", "AAAA\r\nBBBB", true},
    {"base64Binary", " AAAA ", true},
    {"base64Binary", "AA AA\nAA==", true},
    {"base64Binary", "A", false},
    {"base64Binary", "AAA", false},
    {"base64Binary", "A===", false},
    {"base64Binary", "=AAA", false},
    {"base64Binary", "AA=A", false},
    {"base64Binary", "AAAA====", false},
    {"base64Binary", "AA-_", false},
    {"base64Binary", "", false},
    {"base64Binary", "AA*A", false},
    // date
    {"date", "2020", true},
    {"date", "2020-02", true},
    {"date", "2020-02-29", true},
    {"date", "2000-02-29", true},
    {"date", "0001-01-01", true},
    {"date", "9999-12-31", true},
    {"date", "2021-02-29", false},
    {"date", "1900-02-29", false},
    {"date", "2020-04-31", false},
    {"date", "2020-13", false},
    {"date", "2020-00", false},
    {"date", "0000", false},
    {"date", "20200", false},
    {"date", "2020-1-01", false},
    {"date", "2020-01-32", false},
    {"date", "2020-01-01T00:00:00Z", false},
    {"date", "99", false},
    {"date", "2020/01", false},
    // dateTime
    {"dateTime", "2020", true},
    {"dateTime", "2020-02", true},
    {"dateTime", "2020-02-29", true},
    {"dateTime", "2020-02-29T10:00:00Z", true},
    {"dateTime", "2016-12-31T23:59:60+01:00", true},
    {"dateTime", "2020-01-01T00:00:00.123456-14:00", true},
    {"dateTime", "2020-01-01T00:00:00+14:00", true},
    {"dateTime", "2020-01-01T00:00:00+13:59", true},
    {"dateTime", "2020-01-01T24:00:00Z", false},
    {"dateTime", "2020-01-01T10:00:00", false},
    {"dateTime", "2020-01-01T10:00Z", false},
    {"dateTime", "2020-01T10:00:00Z", false},
    {"dateTime", "2020-01-01T10:00:00+14:01", false},
    {"dateTime", "2020-01-01T10:00:00+15:00", false},
    {"dateTime", "2020-01-01T10:00:00.Z", false},
    {"dateTime", "2020-01-01 10:00:00Z", false},
    {"dateTime", "2020-01-01T10:00:00z", false},
    {"dateTime", "2020-01-01T10:00:00+0100", false},
    {"dateTime", "2021-02-29", false},
    {"dateTime", "2021-02-29T10:00:00Z", false},
    // instant
    {"instant", "2020-01-01T00:00:00Z", true},
    {"instant", "2020-02-29T12:30:45.123+02:00", true},
    {"instant", "2020-01-01", false},
    {"instant", "2020-01-01T00:00:00", false},
    {"instant", "2020", false},
    {"instant", "2021-02-29T10:00:00Z", false},
    // time
    {"time", "00:00:00", true},
    {"time", "23:59:59", true},
    {"time", "23:59:60", true},
    {"time", "12:30:00.5", true},
    {"time", "24:00:00", false},
    {"time", "12:60:00", false},
    {"time", "12:00", false},
    {"time", "12:00:00Z", false},
    {"time", "1:00:00", false},
    {"time", "12:00:61", false},
    {"time", "12:00:00.", false},
};

bool IsNumericType(std::string_view type) {
  return type == "integer" || type == "positiveInt" || type == "unsignedInt" || type == "decimal";
}

const Difference* FindDifference(const Sample& sample) {
  for (const Difference& difference : kDifferences) {
    if (difference.type == sample.type && difference.text == sample.text) return &difference;
  }
  return nullptr;
}

TEST_F(PrimitivesTest, VerdictsAreR4) {
  for (const Sample& sample : kSamples) {
    const std::string_view diagnostic =
        IsNumericType(sample.type) ? Num(sample.type, sample.text) : Str(sample.type, sample.text);
    EXPECT_EQ(diagnostic.empty(), sample.valid)
        << sample.type << " \"" << sample.text << "\": " << diagnostic;
  }
}

TEST_F(PrimitivesTest, VerdictsAgreeWithTheOfficialRegexesExceptWhereListed) {
  const std::filesystem::path examples = SharedDir() / "fhir-r4-examples";
  if (!std::filesystem::exists(examples / "StructureDefinition-string.json")) {
    GTEST_SKIP() << "no R4 StructureDefinitions at " << examples
                 << " (set ZORGBRUG_SHARED_DIR to the shared data folder)";
  }
  std::map<std::string_view, std::regex> regexes;
  for (std::string_view type : kAllTypes) {
    if (type == "xhtml") continue;  // R4 gives xhtml no regex
    const std::optional<std::string> regex = OfficialRegex(examples, type);
    ASSERT_TRUE(regex.has_value()) << "no regex for " << type;
    regexes.emplace(type, std::regex(*regex, std::regex::ECMAScript));
  }
  EXPECT_TRUE(std::regex_match("true", regexes.at("boolean")));
  for (const Sample& sample : kSamples) {
    const bool regex_valid =
        std::regex_match(sample.text.begin(), sample.text.end(), regexes.at(sample.type));
    const Difference* difference = FindDifference(sample);
    if (difference == nullptr) {
      EXPECT_EQ(sample.valid, regex_valid) << sample.type << " \"" << sample.text << "\"";
    } else {
      EXPECT_NE(sample.valid, regex_valid)
          << sample.type << " \"" << sample.text << "\" is listed as a difference ("
          << difference->reason << ") but agrees with the regex";
    }
  }
  // Every listed difference is exercised by a sample.
  for (const Difference& difference : kDifferences) {
    bool sampled = false;
    for (const Sample& sample : kSamples) {
      sampled |= sample.type == difference.type && sample.text == difference.text;
    }
    EXPECT_TRUE(sampled) << difference.type << " \"" << difference.text << "\"";
  }
}

// Visits every Narrative (an object with "status" and "div") under `value`.
template <typename Visit>
void ForEachNarrative(const Value& value, Visit& visit) {
  if (value.IsObject() && value.Find("status") != nullptr && value.Find("div") != nullptr) {
    visit(*value.Find("div"));
  }
  for (const Value& item : value.items()) ForEachNarrative(item, visit);
  for (const json::Member& member : value.members()) ForEachNarrative(member.value, visit);
}

// The official examples are valid R4: their resource ids, lastUpdated instants and narratives
// pass (one id excepted, below).
TEST_F(PrimitivesTest, AcceptsTheOfficialExamples) {
  const std::filesystem::path examples = SharedDir() / "fhir-r4-examples";
  if (!std::filesystem::exists(examples)) {
    GTEST_SKIP() << "no R4 examples at " << examples
                 << " (set ZORGBRUG_SHARED_DIR to the shared data folder)";
  }
  size_t narratives = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    if (entry.path().extension() != ".json") continue;
    const std::optional<std::string> text = ReadFile(entry.path());
    ASSERT_TRUE(text.has_value()) << entry.path();
    IssueCollector issues;
    const std::optional<Document> doc = json::Parse(*text, json::ParseLimits(), issues);
    if (!doc) continue;  // the JSON layer's tests own unparseable files
    const std::string name = entry.path().filename().string();
    // This published example's id has 67 characters: it breaks the R4 id rule ({1,64}).
    constexpr std::string_view kKnownLongId =
        "SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json";
    if (const Value* id = doc->root().Find("id"); id != nullptr && name != kKnownLongId) {
      EXPECT_EQ(CheckPrimitive("id", *id), "") << name;
    }
    const Value* meta = doc->root().Find("meta");
    if (const Value* updated = meta == nullptr ? nullptr : meta->Find("lastUpdated")) {
      EXPECT_EQ(CheckPrimitive("instant", *updated), "") << name;
    }
    auto visit = [&](const Value& div) {
      ++narratives;
      EXPECT_EQ(CheckPrimitive("xhtml", div), "") << name;
    };
    ForEachNarrative(doc->root(), visit);
  }
  EXPECT_GT(narratives, 1000u);
}

}  // namespace
}  // namespace zorgbrug::fhir::validation
