#pragma once

// Small string helpers for fhir/fhirpath/ (internal). Abseil's string functions take
// absl::string_view, which is not std::string_view in the Debian build of Abseil; these take the
// std types directly.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace zorgbrug::fhir::fhirpath::internal {

inline void AppendPiece(std::string& out, std::string_view s) { out.append(s); }
inline void AppendPiece(std::string& out, const char* s) { out.append(s); }
inline void AppendPiece(std::string& out, const std::string& s) { out.append(s); }
template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
void AppendPiece(std::string& out, T n) {
  out.append(std::to_string(n));
}

// Concatenates strings, string views and integers.
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(out, args), ...);
  return out;
}

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

inline std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// `s` with every occurrence of the non-empty `from` replaced by `to`.
inline std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  for (size_t i; (i = s.find(from, start)) != std::string_view::npos; start = i + from.size()) {
    out.append(s.substr(start, i - start)).append(to);
  }
  out.append(s.substr(start));
  return out;
}

}  // namespace zorgbrug::fhir::fhirpath::internal
