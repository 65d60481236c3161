#include "fhir/reference.h"

namespace zorgbrug::fhir {

std::string_view TypeAndId(std::string_view reference) {
  size_t history = reference.find("/_history/");
  if (history != std::string_view::npos) reference = reference.substr(0, history);
  size_t slash = reference.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == reference.size()) return {};
  size_t type_start = reference.rfind('/', slash - 1);
  type_start = type_start == std::string_view::npos ? 0 : type_start + 1;
  return reference.substr(type_start);
}

bool IsAbsoluteUrl(std::string_view reference) {
  return reference.starts_with("http://") || reference.starts_with("https://");
}

}  // namespace zorgbrug::fhir
