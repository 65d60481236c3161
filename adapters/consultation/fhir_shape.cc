// The codes of the consultation code systems (fhir_shape.h).

#include "adapters/consultation/fhir_shape.h"

#include <array>
#include <utility>

namespace zorgbrug::adapters::consultation::internal {
namespace {

template <typename Enum>
struct Code {
  Enum value;
  std::string_view code;
  std::string_view display;
};

constexpr std::array<Code<v1::ConsultationKind>, 3> kKinds = {{
    {v1::CONSULTATION_KIND_PERINATAL, "perinatal", "Perinatal consultation"},
    {v1::CONSULTATION_KIND_MDO, "mdo", "Multidisciplinary consultation for home care (MDO)"},
    {v1::CONSULTATION_KIND_ONCOLOGICAL_MOC, "oncological-moc",
     "Oncological multidisciplinary consultation (MOC)"},
}};

constexpr std::array<Code<v1::ConsultationFunction>, 4> kFunctions = {{
    {v1::CONSULTATION_FUNCTION_ORGANISER, "organiser", "Organiser"},
    {v1::CONSULTATION_FUNCTION_COORDINATOR, "coordinator", "Care and welfare coordinator"},
    {v1::CONSULTATION_FUNCTION_CASE_MANAGER, "case-manager", "Case manager"},
    {v1::CONSULTATION_FUNCTION_CARE_MEDIATOR, "care-mediator", "Care mediator"},
}};

constexpr std::array<Code<v1::ParticipationMode>, 3> kModes = {{
    {v1::PARTICIPATION_MODE_PHYSICAL, "physical", "Physically present"},
    {v1::PARTICIPATION_MODE_ONLINE, "online", "Online (video)"},
    {v1::PARTICIPATION_MODE_PHONE, "phone", "By phone"},
}};

template <typename Enum, size_t N>
const Code<Enum>* ByValue(const std::array<Code<Enum>, N>& table, Enum value) {
  for (const Code<Enum>& c : table) {
    if (c.value == value) return &c;
  }
  return nullptr;
}

template <typename Enum, size_t N>
std::optional<Enum> ByCode(const std::array<Code<Enum>, N>& table, std::string_view code) {
  for (const Code<Enum>& c : table) {
    if (c.code == code) return c.value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view KindCode(v1::ConsultationKind kind) {
  const auto* c = ByValue(kKinds, kind);
  return c != nullptr ? c->code : std::string_view();
}
std::string_view KindDisplay(v1::ConsultationKind kind) {
  const auto* c = ByValue(kKinds, kind);
  return c != nullptr ? c->display : std::string_view();
}
std::string_view FunctionCode(v1::ConsultationFunction function) {
  const auto* c = ByValue(kFunctions, function);
  return c != nullptr ? c->code : std::string_view();
}
std::string_view FunctionDisplay(v1::ConsultationFunction function) {
  const auto* c = ByValue(kFunctions, function);
  return c != nullptr ? c->display : std::string_view();
}
std::string_view ModeCode(v1::ParticipationMode mode) {
  const auto* c = ByValue(kModes, mode);
  return c != nullptr ? c->code : std::string_view();
}
std::string_view ModeDisplay(v1::ParticipationMode mode) {
  const auto* c = ByValue(kModes, mode);
  return c != nullptr ? c->display : std::string_view();
}
std::optional<v1::ConsultationKind> KindFromCode(std::string_view code) {
  return ByCode(kKinds, code);
}
std::optional<v1::ConsultationFunction> FunctionFromCode(std::string_view code) {
  return ByCode(kFunctions, code);
}
std::optional<v1::ParticipationMode> ModeFromCode(std::string_view code) {
  return ByCode(kModes, code);
}

}  // namespace zorgbrug::adapters::consultation::internal
