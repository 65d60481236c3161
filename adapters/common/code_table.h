#pragma once

// A table of the codes of one proto enum in a code system (the project's, or FHIR's for a status):
// each value with its code and display, looked up both ways. Shared by the adapters' fhir_shape.cc
// files; a table is a constexpr std::array, so lookups are linear over a handful of rows.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace zorgbrug::adapters::common {

template <typename Enum>
struct EnumCode {
  Enum value;
  std::string_view code;
  std::string_view display;
};

template <typename Enum, size_t N>
using CodeTable = std::array<EnumCode<Enum>, N>;

// The code of `value` ("active"); empty when the table has no row for it (*_UNSPECIFIED).
template <typename Enum, size_t N>
std::string_view CodeOf(const CodeTable<Enum, N>& table, Enum value) {
  for (const EnumCode<Enum>& row : table) {
    if (row.value == value) return row.code;
  }
  return {};
}

// The display of `value`; empty when the table has no row for it.
template <typename Enum, size_t N>
std::string_view DisplayOf(const CodeTable<Enum, N>& table, Enum value) {
  for (const EnumCode<Enum>& row : table) {
    if (row.value == value) return row.display;
  }
  return {};
}

// The value of `code`; nullopt for a code outside the table.
template <typename Enum, size_t N>
std::optional<Enum> ValueOf(const CodeTable<Enum, N>& table, std::string_view code) {
  for (const EnumCode<Enum>& row : table) {
    if (row.code == code) return row.value;
  }
  return std::nullopt;
}

}  // namespace zorgbrug::adapters::common
