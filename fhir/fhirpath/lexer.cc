#include "fhir/fhirpath/lexer.h"

#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath::internal {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

absl::Status ErrorAt(size_t pos, std::string_view what) {
  return absl::InvalidArgumentError(Cat("FHIRPath syntax error at offset ", pos, ": ", what));
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads a quoted string or delimited identifier starting at text[pos] (the quote); unescapes.
absl::StatusOr<std::string> Quoted(std::string_view text, size_t& pos) {
  char quote = text[pos];
  size_t start = pos++;
  std::string out;
  while (pos < text.size() && text[pos] != quote) {
    char c = text[pos++];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (pos >= text.size()) break;
    char e = text[pos++];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        if (pos + 4 > text.size()) return ErrorAt(pos, "bad \\u escape");
        uint32_t cp = 0;
        for (int i = 0; i < 4; ++i) {
          char h = text[pos++];
          int v = IsDigit(h)               ? h - '0'
                  : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                  : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                           : -1;
          if (v < 0) return ErrorAt(pos - 1, "bad \\u escape");
          cp = cp * 16 + v;
        }
        AppendUtf8(out, cp);
        break;
      }
      default:
        out.push_back(e);  // \' \" \` \\ \/ and unknown escapes keep the character
    }
  }
  if (pos >= text.size()) return ErrorAt(start, "unterminated quoted text");
  ++pos;
  return out;
}

// Reads the text of a date/time literal after '@'.
std::string TemporalText(std::string_view text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size()) {
    char c = text[pos];
    if (IsDigit(c) || c == '-' || c == ':' || c == 'T' || c == '.' || c == 'Z' || c == '+') {
      ++pos;
    } else {
      break;
    }
  }
  return std::string(text.substr(start, pos - start));
}

// Skips whitespace and comments; returns false for an unterminated block comment.
bool SkipBlank(std::string_view text, size_t& pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos;
    } else if (text.substr(pos, 2) == "//") {
      while (pos < text.size() && text[pos] != '\n') ++pos;
    } else if (text.substr(pos, 2) == "/*") {
      size_t end = text.find("*/", pos + 2);
      if (end == std::string_view::npos) return false;
      pos = end + 2;
    } else {
      break;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t pos = 0;
  while (true) {
    if (!SkipBlank(text, pos)) return ErrorAt(pos, "unterminated comment");
    Token token;
    token.position = static_cast<uint32_t>(pos);
    if (pos >= text.size()) {
      tokens.push_back(std::move(token));
      return tokens;
    }
    char c = text[pos];
    if (IsIdentStart(c)) {
      size_t start = pos;
      while (pos < text.size() && IsIdentChar(text[pos])) ++pos;
      token.kind = TokenKind::kIdentifier;
      token.text = std::string(text.substr(start, pos - start));
    } else if (c == '`' || c == '\'') {
      auto quoted = Quoted(text, pos);
      if (!quoted.ok()) return quoted.status();
      token.kind = c == '`' ? TokenKind::kIdentifier : TokenKind::kString;
      token.delimited = c == '`';
      token.text = *std::move(quoted);
    } else if (IsDigit(c)) {
      size_t start = pos;
      while (pos < text.size() && IsDigit(text[pos])) ++pos;
      if (pos + 1 < text.size() && text[pos] == '.' && IsDigit(text[pos + 1])) {
        ++pos;
        while (pos < text.size() && IsDigit(text[pos])) ++pos;
      }
      token.kind = TokenKind::kNumber;
      token.text = std::string(text.substr(start, pos - start));
    } else if (c == '@') {
      ++pos;
      bool time = pos < text.size() && text[pos] == 'T';
      if (time) ++pos;
      token.kind = time ? TokenKind::kTime : TokenKind::kDateTime;
      token.text = TemporalText(text, pos);
      if (token.text.empty()) return ErrorAt(token.position, "empty date/time literal");
    } else if (c == '%') {
      ++pos;
      token.kind = TokenKind::kVariable;
      if (pos < text.size() && (text[pos] == '`' || text[pos] == '\'')) {
        auto quoted = Quoted(text, pos);
        if (!quoted.ok()) return quoted.status();
        token.text = *std::move(quoted);
      } else {
        size_t start = pos;
        while (pos < text.size() && (IsIdentChar(text[pos]) || text[pos] == '-')) ++pos;
        token.text = std::string(text.substr(start, pos - start));
      }
      if (token.text.empty()) return ErrorAt(token.position, "'%' without a name");
    } else if (c == '$') {
      size_t start = ++pos;
      while (pos < text.size() && IsIdentChar(text[pos])) ++pos;
      token.kind = TokenKind::kSpecial;
      token.text = std::string(text.substr(start, pos - start));
      if (token.text != "this" && token.text != "index" && token.text != "total") {
        return ErrorAt(token.position, "unknown $ variable");
      }
    } else {
      static constexpr std::string_view kTwo[] = {"!=", "!~", "<=", ">="};
      token.kind = TokenKind::kSymbol;
      std::string_view two = text.substr(pos, 2);
      bool matched = false;
      for (std::string_view t : kTwo) {
        if (two == t) {
          token.text = std::string(t);
          pos += 2;
          matched = true;
        }
      }
      if (!matched) {
        if (std::string_view(".,()[]{}+-*/&|=~<>").find(c) == std::string_view::npos) {
          return ErrorAt(pos, Cat("unexpected character '", std::string(1, c), "'"));
        }
        token.text = std::string(1, c);
        ++pos;
      }
    }
    tokens.push_back(std::move(token));
  }
}

}  // namespace zorgbrug::fhir::fhirpath::internal
