#include "fhir/validation/primitives.h"

#include <cstdint>
#include <string_view>

namespace zorgbrug::fhir::validation {
namespace {

// The whitespace of the R4 regexes' \s, read as java.util.regex reads it (the engine of the HL7
// reference validator): space, \t, \n, \v (0x0B), \f and \r. Non-ASCII spaces are not \s there.
constexpr bool IsRegexSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }
constexpr bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// ---------------------------------------------------------------------------------------------
// Numbers (datatypes.html#integer, #decimal; json.html: all four are JSON numbers).

constexpr std::string_view kIntegerSyntax =
    "not a valid integer: expected an optional '-' and digits without leading zeros, fraction or "
    "exponent";
constexpr std::string_view kIntegerRange =
    "not a valid integer: outside the signed 32-bit range -2147483648..2147483647";
constexpr std::string_view kPositiveIntSyntax =
    "not a valid positiveInt: expected digits without sign, leading zeros, fraction or exponent";
constexpr std::string_view kPositiveIntRange = "not a valid positiveInt: outside 1..2147483647";
constexpr std::string_view kUnsignedIntSyntax =
    "not a valid unsignedInt: expected digits without sign, leading zeros, fraction or exponent";
constexpr std::string_view kUnsignedIntRange = "not a valid unsignedInt: outside 0..2147483647";
constexpr std::string_view kDecimalSyntax =
    "not a valid decimal: expected an optional '-', digits without leading zeros, an optional "
    "fraction and an optional exponent";

constexpr uint64_t kMaxPositive = 2147483647;  // 2^31 - 1
constexpr uint64_t kMaxNegative = 2147483648;  // magnitude of -2^31
constexpr uint64_t kSaturated = uint64_t{1} << 32;

// Parses the whole of `text` as -?(0|[1-9][0-9]*) (the '-' only when `allow_sign`). The magnitude
// saturates at 2^32, which is out of every range checked here. Returns false on a syntax error.
bool ParseInteger(std::string_view text, bool allow_sign, bool* negative, uint64_t* magnitude) {
  size_t i = 0;
  *negative = allow_sign && !text.empty() && text[0] == '-';
  if (*negative) ++i;
  if (i == text.size() || !IsDigit(text[i])) return false;
  if (text[i] == '0') {  // a zero stands alone
    *magnitude = 0;
    return i + 1 == text.size();
  }
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
    if (value > kSaturated) value = kSaturated;
  }
  *magnitude = value;
  return true;
}

// R4 regex -?([0]|([1-9][0-9]*)); "-0" matches it and is accepted.
std::string_view CheckInteger(std::string_view text) {
  bool negative = false;
  uint64_t magnitude = 0;
  if (!ParseInteger(text, /*allow_sign=*/true, &negative, &magnitude)) return kIntegerSyntax;
  if (magnitude > (negative ? kMaxNegative : kMaxPositive)) return kIntegerRange;
  return {};
}

// R4 regex [1-9][0-9]*, range 1..2147483647.
std::string_view CheckPositiveInt(std::string_view text) {
  bool negative = false;
  uint64_t magnitude = 0;
  if (!ParseInteger(text, /*allow_sign=*/false, &negative, &magnitude)) return kPositiveIntSyntax;
  if (magnitude == 0 || magnitude > kMaxPositive) return kPositiveIntRange;
  return {};
}

// R4 regex [0]|([1-9][0-9]*), range 0..2147483647.
std::string_view CheckUnsignedInt(std::string_view text) {
  bool negative = false;
  uint64_t magnitude = 0;
  if (!ParseInteger(text, /*allow_sign=*/false, &negative, &magnitude)) return kUnsignedIntSyntax;
  if (magnitude > kMaxPositive) return kUnsignedIntRange;
  return {};
}

// Advances `i` over one or more digits; false when there is none.
bool SkipDigits(std::string_view text, size_t& i) {
  const size_t start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i > start;
}

// R4 regex -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, which is also the JSON number grammar.
// The JSON parser already enforces it; Document::MakeNumber does not, hence the check.
std::string_view CheckDecimal(std::string_view text) {
  size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (i == text.size() || text[i] == '0' || !SkipDigits(text, i)) {
    return kDecimalSyntax;
  }
  if (i < text.size() && text[i] == '.' && !SkipDigits(text, ++i)) return kDecimalSyntax;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!SkipDigits(text, i)) return kDecimalSyntax;
  }
  return i == text.size() ? std::string_view() : kDecimalSyntax;
}

// ---------------------------------------------------------------------------------------------
// Text types (datatypes.html#string, #markdown, #code, #id, #uri, #oid, #uuid).

// Diagnostics of one string-like type.
struct TextMessages {
  std::string_view empty;
  std::string_view whitespace;
  std::string_view too_long;
};

constexpr TextMessages kStringMessages = {
    "not a valid string: empty strings are not allowed (json.html)",
    "not a valid string: contains a vertical tab or form feed; the only whitespace allowed is "
    "space, tab, CR and LF",
    "not a valid string: longer than 1048576 characters (1 MB)",
};
constexpr TextMessages kMarkdownMessages = {
    "not a valid markdown: empty strings are not allowed (json.html)",
    "not a valid markdown: contains a vertical tab or form feed; the only whitespace allowed is "
    "space, tab, CR and LF",
    "not a valid markdown: longer than 1048576 characters (1 MB)",
};
constexpr std::string_view kCodeSyntax =
    "not a valid code: expected at least one character, no leading or trailing whitespace and "
    "single spaces between words";
constexpr std::string_view kCodeTooLong = "not a valid code: longer than 1048576 characters (1 MB)";
constexpr std::string_view kIdSyntax =
    "not a valid id: expected 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'";
constexpr std::string_view kUriSyntax =
    "not a valid uri: expected at least one character and no whitespace";
constexpr std::string_view kUrlSyntax =
    "not a valid url: expected at least one character and no whitespace";
constexpr std::string_view kCanonicalSyntax =
    "not a valid canonical: expected at least one character and no whitespace";
constexpr std::string_view kOidSyntax =
    "not a valid oid: expected urn:oid: then 0, 1 or 2 and one or more '.'-separated numbers "
    "without leading zeros";
constexpr std::string_view kUuidSyntax =
    "not a valid uuid: expected urn:uuid: then lowercase hexadecimal in 8-4-4-4-12 form";

// Whether `text` holds more than kMaxStringCharacters code points. A code point takes 1 to 4 bytes,
// so only texts between the two bounds are counted: every byte that is not a UTF-8 continuation
// byte (10xxxxxx) starts one (the JSON parser guarantees valid UTF-8).
bool ExceedsMaxCharacters(std::string_view text) {
  if (text.size() <= kMaxStringCharacters) return false;
  if (text.size() > 4 * kMaxStringCharacters) return true;
  size_t code_points = 0;
  for (char c : text) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return code_points > kMaxStringCharacters;
}

// R4 regex [ \r\n\t\S]+: at least one character, and no \s other than space, CR, LF and tab, i.e.
// no \v or \f. datatypes.html only says strings SHOULD NOT contain other characters below U+0020;
// that is a recommendation, not a SHALL, so it is not an error here.
std::string_view CheckText(std::string_view text, const TextMessages& messages) {
  if (text.empty()) return messages.empty;
  for (char c : text) {
    if (c == '\v' || c == '\f') return messages.whitespace;
  }
  return ExceedsMaxCharacters(text) ? messages.too_long : std::string_view();
}
std::string_view CheckString(std::string_view text) { return CheckText(text, kStringMessages); }
std::string_view CheckMarkdown(std::string_view text) { return CheckText(text, kMarkdownMessages); }

// R4 definition of code: "at least one character and no leading or trailing whitespace and where
// there is no whitespace other than single spaces in the contents". Stricter than the regex
// [^\s]+(\s[^\s]+)*, which lets any single \s (a tab, a newline) separate words.
std::string_view CheckCode(std::string_view text) {
  if (text.empty() || IsRegexSpace(text.front()) || IsRegexSpace(text.back())) return kCodeSyntax;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (IsRegexSpace(text[i]) && (text[i] != ' ' || IsRegexSpace(text[i + 1]))) {
      return kCodeSyntax;
    }
  }
  return ExceedsMaxCharacters(text) ? kCodeTooLong : std::string_view();
}

// R4 regex [A-Za-z0-9\-\.]{1,64}.
std::string_view CheckId(std::string_view text) {
  if (text.empty() || text.size() > 64) return kIdSyntax;
  for (char c : text) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '-' && c != '.') return kIdSyntax;
  }
  return {};
}

// R4 regex \S* for uri, url and canonical, plus json.html's "never empty".
bool IsNonEmptyWithoutSpace(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (IsRegexSpace(c)) return false;
  }
  return true;
}
std::string_view CheckUri(std::string_view text) {
  return IsNonEmptyWithoutSpace(text) ? std::string_view() : kUriSyntax;
}
std::string_view CheckUrl(std::string_view text) {
  return IsNonEmptyWithoutSpace(text) ? std::string_view() : kUrlSyntax;
}
std::string_view CheckCanonical(std::string_view text) {
  return IsNonEmptyWithoutSpace(text) ? std::string_view() : kCanonicalSyntax;
}

// R4 regex urn:oid:[0-2](\.(0|[1-9][0-9]*))+.
std::string_view CheckOid(std::string_view text) {
  constexpr std::string_view kPrefix = "urn:oid:";
  if (!text.starts_with(kPrefix)) return kOidSyntax;
  text.remove_prefix(kPrefix.size());
  if (text.size() < 3 || text[0] < '0' || text[0] > '2') return kOidSyntax;
  size_t i = 1;
  while (i < text.size()) {
    if (text[i] != '.' || ++i == text.size()) return kOidSyntax;
    if (text[i] == '0') {
      ++i;
    } else if (!SkipDigits(text, i)) {
      return kOidSyntax;
    }
    if (i < text.size() && text[i] != '.') return kOidSyntax;  // "0" followed by digits
  }
  return {};
}

// R4 regex urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}.
std::string_view CheckUuid(std::string_view text) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (text.size() != kPrefix.size() + 36 || !text.starts_with(kPrefix)) return kUuidSyntax;
  text.remove_prefix(kPrefix.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !IsLowerHex(text[i])) return kUuidSyntax;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// base64Binary (datatypes.html#base64Binary: "A stream of bytes, base64 encoded (RFC 4648)").

constexpr std::string_view kBase64Alphabet =
    "not a valid base64Binary: expected only A-Z, a-z, 0-9, '+', '/', '=' padding and whitespace";
constexpr std::string_view kBase64Padding =
    "not a valid base64Binary: '=' padding may only be the last one or two characters";
constexpr std::string_view kBase64Length =
    "not a valid base64Binary: expected a non-zero number of characters (whitespace not counted) "
    "that is a multiple of 4";

constexpr bool IsBase64Data(char c) {
  return IsAsciiLetter(c) || IsDigit(c) || c == '+' || c == '/';
}

// RFC 4648 section 4, whitespace ignored anywhere (MIME line breaks, XML-style wrapping): the
// alphabet A-Z a-z 0-9 + /, a length that is a multiple of 4, and at most two '=' only at the end.
// The R4 regex (\s*([0-9a-zA-Z\+/=]){4}\s*)+ is looser about '=' (allowed anywhere) and stricter
// about whitespace (only between groups of four). It does include '/' (it is sometimes quoted
// without it; the published StructureDefinition-base64Binary.json has it). Non-zero padding bits
// are accepted, as RFC 4648 section 3.5 allows decoders to do.
std::string_view CheckBase64Binary(std::string_view text) {
  size_t data = 0;
  size_t padding = 0;
  for (char c : text) {
    if (IsRegexSpace(c)) continue;
    if (c == '=') {
      ++padding;
    } else if (!IsBase64Data(c)) {
      return kBase64Alphabet;
    } else if (padding > 0) {
      return kBase64Padding;
    } else {
      ++data;
    }
  }
  if (padding > 2) return kBase64Padding;
  if (data + padding == 0 || (data + padding) % 4 != 0) return kBase64Length;
  return {};
}

// ---------------------------------------------------------------------------------------------
// date, dateTime, instant, time (datatypes.html#date, #dateTime, #instant, #time).

constexpr std::string_view kDateSyntax =
    "not a valid date: expected YYYY, YYYY-MM or YYYY-MM-DD with a real calendar day";
constexpr std::string_view kDateNoSuchDay =
    "not a valid date: that day does not exist in that month (leap years counted)";
constexpr std::string_view kDateTimeSyntax =
    "not a valid dateTime: expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with optional "
    ".fraction and a time zone Z, +hh:mm or -hh:mm";
constexpr std::string_view kDateTimeNoZone =
    "not a valid dateTime: a time zone (Z, +hh:mm or -hh:mm) is required when a time is given";
constexpr std::string_view kDateTimeNoSuchDay =
    "not a valid dateTime: that day does not exist in that month (leap years counted)";
constexpr std::string_view kInstantSyntax =
    "not a valid instant: expected YYYY-MM-DDThh:mm:ss with optional .fraction and a time zone Z, "
    "+hh:mm or -hh:mm";
constexpr std::string_view kInstantNoZone =
    "not a valid instant: a time zone (Z, +hh:mm or -hh:mm) is required";
constexpr std::string_view kInstantNoSuchDay =
    "not a valid instant: that day does not exist in that month (leap years counted)";
constexpr std::string_view kTimeSyntax =
    "not a valid time: expected hh:mm:ss with optional .fraction, from 00:00:00 to 23:59:59 (60 "
    "seconds for a leap second), without a time zone";

// A cursor over date and time text.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  bool Consume(char c) {
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // Reads exactly `width` digits whose value lies in [min, max].
  bool Field(size_t width, int min, int max, int* out) {
    if (text_.size() - pos_ < width) return false;
    int value = 0;
    for (size_t end = pos_ + width; pos_ < end; ++pos_) {
      if (!IsDigit(text_[pos_])) return false;
      value = value * 10 + (text_[pos_] - '0');
    }
    *out = value;
    return value >= min && value <= max;
  }
  // Reads an optional '.' followed by one or more digits.
  bool OptionalFraction() { return !Consume('.') || SkipDigits(text_, pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

constexpr bool IsLeapYear(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// What a date prefix held.
struct DatePart {
  bool full = false;     // YYYY-MM-DD rather than YYYY or YYYY-MM
  bool real_day = true;  // the day exists in that month ("Dates SHALL be valid dates")
};

// Reads YYYY(-MM(-DD)?)? with year 0001-9999, month 01-12 and day 01-31, as the R4 date regex.
bool ReadDate(Cursor& cursor, DatePart* part) {
  int year = 0, month = 0, day = 0;
  if (!cursor.Field(4, 1, 9999, &year)) return false;
  if (!cursor.Consume('-')) return true;
  if (!cursor.Field(2, 1, 12, &month)) return false;
  if (!cursor.Consume('-')) return true;
  if (!cursor.Field(2, 1, 31, &day)) return false;
  part->full = true;
  part->real_day = day <= DaysInMonth(year, month);
  return true;
}

// Reads hh:mm:ss(.fraction)? with hours 00-23, minutes 00-59 and seconds 00-60 (the R4 regexes
// allow a leap second in any minute).
bool ReadTime(Cursor& cursor) {
  int hours = 0, minutes = 0, seconds = 0;
  return cursor.Field(2, 0, 23, &hours) && cursor.Consume(':') &&
         cursor.Field(2, 0, 59, &minutes) && cursor.Consume(':') &&
         cursor.Field(2, 0, 60, &seconds) && cursor.OptionalFraction();
}

// Reads Z or (+|-)hh:mm from -14:00 to +14:00, as the R4 regex
// (Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)).
bool ReadZone(Cursor& cursor) {
  if (cursor.Consume('Z')) return true;
  if (!cursor.Consume('+') && !cursor.Consume('-')) return false;
  int hours = 0, minutes = 0;
  return cursor.Field(2, 0, 14, &hours) && cursor.Consume(':') &&
         cursor.Field(2, 0, 59, &minutes) && (hours < 14 || minutes == 0);
}

std::string_view CheckDate(std::string_view text) {
  Cursor cursor(text);
  DatePart part;
  if (!ReadDate(cursor, &part) || !cursor.AtEnd()) return kDateSyntax;
  return part.real_day ? std::string_view() : kDateNoSuchDay;
}

// "If hours and minutes are specified, a time zone SHALL be populated"; seconds are required.
std::string_view CheckDateTime(std::string_view text) {
  Cursor cursor(text);
  DatePart part;
  if (!ReadDate(cursor, &part)) return kDateTimeSyntax;
  if (!cursor.AtEnd()) {
    if (!part.full || !cursor.Consume('T') || !ReadTime(cursor)) return kDateTimeSyntax;
    if (cursor.AtEnd()) return kDateTimeNoZone;
    if (!ReadZone(cursor) || !cursor.AtEnd()) return kDateTimeSyntax;
  }
  return part.real_day ? std::string_view() : kDateTimeNoSuchDay;
}

// An instant is a full dateTime to the second; "Time zone is always required".
std::string_view CheckInstant(std::string_view text) {
  Cursor cursor(text);
  DatePart part;
  if (!ReadDate(cursor, &part) || !part.full || !cursor.Consume('T') || !ReadTime(cursor)) {
    return kInstantSyntax;
  }
  if (cursor.AtEnd()) return kInstantNoZone;
  if (!ReadZone(cursor) || !cursor.AtEnd()) return kInstantSyntax;
  return part.real_day ? std::string_view() : kInstantNoSuchDay;
}

std::string_view CheckTime(std::string_view text) {
  Cursor cursor(text);
  return ReadTime(cursor) && cursor.AtEnd() ? std::string_view() : kTimeSyntax;
}

// ---------------------------------------------------------------------------------------------
// xhtml (narrative.html#xhtml, json.html#xhtml). A light scan of tags, not an XML parser: it does
// not check nesting, entities or the allowed-element list of txt-1, which the Narrative invariants
// cover. It looks at every start tag, case-insensitively, so that HTML-style spellings of active
// content (<SCRIPT>, ONCLICK=) are refused too.

constexpr std::string_view kXhtmlJsonType =
    "not valid xhtml: expected a JSON string holding the narrative <div>";
constexpr std::string_view kXhtmlRoot =
    "not valid xhtml: expected the root element <div xmlns=\"http://www.w3.org/1999/xhtml\">";
constexpr std::string_view kXhtmlRootNotClosed =
    "not valid xhtml: the root <div> must be closed by </div> at the end";
constexpr std::string_view kXhtmlMalformed =
    "not valid xhtml: a tag, comment or attribute value is not well-formed or not closed "
    "(a '<' in text must be written &lt;)";
constexpr std::string_view kXhtmlForbiddenElement =
    "not valid xhtml: narrative must not contain script, object, iframe, form, embed, applet, "
    "base, link, meta, style, head, body, frame or frameset elements";
constexpr std::string_view kXhtmlEventAttribute =
    "not valid xhtml: narrative must not contain event attributes (onclick, onload, ...)";

constexpr std::string_view kXhtmlNamespace = "http://www.w3.org/1999/xhtml";

// Narrative "SHALL NOT contain a head, a body, external stylesheet references, scripts, forms,
// base/link/xlink, frames, iframes and objects"; embed, applet, meta and style are refused as the
// same kind of active or document-level content. Lowercase, sorted.
constexpr std::string_view kForbiddenElements[] = {
    "applet", "base",   "body", "embed", "form",   "frame",  "frameset",
    "head",   "iframe", "link", "meta",  "object", "script", "style",
};

bool EqualsLowercase(std::string_view text, std::string_view lowercase) {
  if (text.size() != lowercase.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (AsciiLower(text[i]) != lowercase[i]) return false;
  }
  return true;
}

// The part of a qualified name after its prefix ("h:script" -> "script").
std::string_view LocalName(std::string_view name) {
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool IsForbiddenElement(std::string_view name) {
  const std::string_view local = LocalName(name);
  for (std::string_view forbidden : kForbiddenElements) {
    if (EqualsLowercase(local, forbidden)) return true;
  }
  return false;
}

// Event handler attributes are exactly those named on<event> (HTML 4.01 section 18.2.3).
bool IsEventAttribute(std::string_view name) {
  const std::string_view local = LocalName(name);
  return local.size() > 2 && AsciiLower(local[0]) == 'o' && AsciiLower(local[1]) == 'n';
}

// The result of scanning one start tag.
struct StartTag {
  std::string_view diagnostic;  // empty when acceptable
  size_t end = 0;               // position just after '>'
  bool self_closing = false;
  bool declares_xhtml = false;  // carries xmlns="http://www.w3.org/1999/xhtml"
};

size_t SkipSpace(std::string_view text, size_t i) {
  while (i < text.size() && IsRegexSpace(text[i])) ++i;
  return i;
}

// Advances over a name: everything up to whitespace, '=', '/' or '>'.
size_t SkipName(std::string_view text, size_t i) {
  while (i < text.size() && !IsRegexSpace(text[i]) && text[i] != '=' && text[i] != '/' &&
         text[i] != '>') {
    ++i;
  }
  return i;
}

// Scans the start tag at text[pos] == '<': its name, then name="value" or name='value' attributes.
StartTag ScanStartTag(std::string_view text, size_t pos) {
  StartTag tag;
  size_t i = SkipName(text, pos + 1);
  if (IsForbiddenElement(text.substr(pos + 1, i - pos - 1))) return {kXhtmlForbiddenElement};
  while (true) {
    i = SkipSpace(text, i);
    if (i == text.size()) return {kXhtmlMalformed};
    if (text[i] == '>' || text.substr(i, 2) == "/>") {
      tag.self_closing = text[i] == '/';
      tag.end = i + (tag.self_closing ? 2 : 1);
      return tag;
    }
    const size_t name_start = i;
    i = SkipName(text, i);
    const std::string_view name = text.substr(name_start, i - name_start);
    i = SkipSpace(text, i);
    if (name.empty() || i == text.size() || text[i] != '=') return {kXhtmlMalformed};
    i = SkipSpace(text, i + 1);
    if (i == text.size() || (text[i] != '"' && text[i] != '\'')) return {kXhtmlMalformed};
    const size_t close = text.find(text[i], i + 1);
    if (close == std::string_view::npos) return {kXhtmlMalformed};
    if (IsEventAttribute(name)) return {kXhtmlEventAttribute};
    tag.declares_xhtml |= name == "xmlns" && text.substr(i + 1, close - i - 1) == kXhtmlNamespace;
    i = close + 1;
  }
}

// Scans the markup at text[pos] == '<' (start tag, end tag, comment, CDATA section, declaration or
// processing instruction). Sets *end after it; returns a diagnostic or an empty view. The body of
// anything but a start tag must not hold '<': HTML renderers end comments and CDATA differently
// from XML ("<!-->" is a whole HTML comment, "<![CDATA[" runs to the first '>'), so such a body
// could hide a tag from this scan and still be rendered.
std::string_view ScanMarkup(std::string_view text, size_t pos, size_t* end) {
  const std::string_view rest = text.substr(pos);
  std::string_view opener = "<";
  std::string_view terminator = ">";
  if (rest.starts_with("<!--")) {
    opener = "<!--";
    terminator = "-->";
  } else if (rest.starts_with("<![CDATA[")) {
    opener = "<![CDATA[";
    terminator = "]]>";
  } else if (rest.size() > 1 && (IsAsciiLetter(rest[1]) || rest[1] == '_' || rest[1] == ':')) {
    const StartTag tag = ScanStartTag(text, pos);
    *end = tag.end;
    return tag.diagnostic;
  } else if (!rest.starts_with("</") && !rest.starts_with("<!") && !rest.starts_with("<?")) {
    return kXhtmlMalformed;
  }
  const size_t body = pos + opener.size();
  const size_t close = text.find(terminator, body);
  if (close == std::string_view::npos) return kXhtmlMalformed;
  if (text.substr(body, close - body).find('<') != std::string_view::npos) return kXhtmlMalformed;
  *end = close + terminator.size();
  return {};
}

// Whether `text`, without trailing whitespace, ends with the end tag </div> (or </div >).
bool EndsWithDivEndTag(std::string_view text) {
  while (!text.empty() && IsRegexSpace(text.back())) text.remove_suffix(1);
  if (!text.ends_with('>')) return false;
  const size_t open = text.rfind("</");
  if (open == std::string_view::npos) return false;
  std::string_view tail = text.substr(open + 2, text.size() - open - 3);
  if (!tail.starts_with("div")) return false;
  tail.remove_prefix(3);
  return SkipSpace(tail, 0) == tail.size();
}

// json.html#xhtml: the narrative is a string holding one <div> in the XHTML namespace.
std::string_view CheckXhtml(std::string_view text) {
  if (!text.starts_with("<div") || text.size() == 4 ||
      !(IsRegexSpace(text[4]) || text[4] == '>' || text[4] == '/')) {
    return kXhtmlRoot;
  }
  const StartTag root = ScanStartTag(text, 0);
  if (!root.diagnostic.empty()) return root.diagnostic;
  if (!root.declares_xhtml) return kXhtmlRoot;
  size_t pos = root.end;
  while ((pos = text.find('<', pos)) != std::string_view::npos) {
    if (root.self_closing) return kXhtmlRootNotClosed;  // markup after <div .../>
    const std::string_view diagnostic = ScanMarkup(text, pos, &pos);
    if (!diagnostic.empty()) return diagnostic;
  }
  if (root.self_closing) {
    return SkipSpace(text, root.end) == text.size() ? std::string_view() : kXhtmlRootNotClosed;
  }
  return EndsWithDivEndTag(text) ? std::string_view() : kXhtmlRootNotClosed;
}

// ---------------------------------------------------------------------------------------------
// Dispatch.

constexpr std::string_view kBooleanJsonType = "not a valid boolean: expected JSON true or false";

enum class JsonType : uint8_t { kBoolean, kNumber, kString };

// One R4 primitive: the JSON type json.html gives it and the check of its text.
struct PrimitiveRule {
  std::string_view code;
  JsonType json_type;
  std::string_view wrong_json_type;                  // the diagnostic for any other JSON type
  std::string_view (*check_text)(std::string_view);  // nullptr: the JSON type is the whole rule
};

constexpr PrimitiveRule kRules[] = {
    {"string", JsonType::kString, "not a valid string: expected a JSON string", CheckString},
    {"code", JsonType::kString, "not a valid code: expected a JSON string", CheckCode},
    {"dateTime", JsonType::kString, "not a valid dateTime: expected a JSON string", CheckDateTime},
    {"uri", JsonType::kString, "not a valid uri: expected a JSON string", CheckUri},
    {"boolean", JsonType::kBoolean, kBooleanJsonType, nullptr},
    {"decimal", JsonType::kNumber, "not a valid decimal: expected a JSON number, not a string",
     CheckDecimal},
    {"integer", JsonType::kNumber, "not a valid integer: expected a JSON number, not a string",
     CheckInteger},
    {"date", JsonType::kString, "not a valid date: expected a JSON string", CheckDate},
    {"id", JsonType::kString, "not a valid id: expected a JSON string", CheckId},
    {"canonical", JsonType::kString, "not a valid canonical: expected a JSON string",
     CheckCanonical},
    {"markdown", JsonType::kString, "not a valid markdown: expected a JSON string", CheckMarkdown},
    {"instant", JsonType::kString, "not a valid instant: expected a JSON string", CheckInstant},
    {"positiveInt", JsonType::kNumber,
     "not a valid positiveInt: expected a JSON number, not a string", CheckPositiveInt},
    {"unsignedInt", JsonType::kNumber,
     "not a valid unsignedInt: expected a JSON number, not a string", CheckUnsignedInt},
    {"url", JsonType::kString, "not a valid url: expected a JSON string", CheckUrl},
    {"time", JsonType::kString, "not a valid time: expected a JSON string", CheckTime},
    {"base64Binary", JsonType::kString, "not a valid base64Binary: expected a JSON string",
     CheckBase64Binary},
    {"oid", JsonType::kString, "not a valid oid: expected a JSON string", CheckOid},
    {"uuid", JsonType::kString, "not a valid uuid: expected a JSON string", CheckUuid},
    {"xhtml", JsonType::kString, kXhtmlJsonType, CheckXhtml},
};

// Linear over 20 entries ordered by how often they occur in resources; a comparison of two
// string_views first compares their sizes, so a miss costs little.
const PrimitiveRule* FindRule(std::string_view type_code) {
  for (const PrimitiveRule& rule : kRules) {
    if (rule.code == type_code) return &rule;
  }
  return nullptr;
}

bool HasJsonType(const json::Value& value, JsonType type) {
  switch (type) {
    case JsonType::kBoolean:
      return value.IsBool();
    case JsonType::kNumber:
      return value.IsNumber();
    case JsonType::kString:
      return value.IsString();
  }
  return false;
}

}  // namespace

std::string_view CheckPrimitive(std::string_view type_code, const json::Value& value) {
  const PrimitiveRule* rule = FindRule(type_code);
  if (rule == nullptr) return {};
  if (!HasJsonType(value, rule->json_type)) return rule->wrong_json_type;
  return rule->check_text == nullptr ? std::string_view() : rule->check_text(value.text());
}

bool IsPrimitiveType(std::string_view type_code) { return FindRule(type_code) != nullptr; }

}  // namespace zorgbrug::fhir::validation
