// The codes of the consultation code systems (fhir_shape.h).

#include "adapters/consultation/fhir_shape.h"

#include "adapters/common/code_table.h"

namespace zorgbrug::adapters::consultation::internal {
namespace {

constexpr common::CodeTable<v1::ConsultationKind, 3> kKinds = {{
    {v1::CONSULTATION_KIND_PERINATAL, "perinatal", "Perinatal consultation"},
    {v1::CONSULTATION_KIND_MDO, "mdo", "Multidisciplinary consultation for home care (MDO)"},
    {v1::CONSULTATION_KIND_ONCOLOGICAL_MOC, "oncological-moc",
     "Oncological multidisciplinary consultation (MOC)"},
}};

constexpr common::CodeTable<v1::ConsultationFunction, 4> kFunctions = {{
    {v1::CONSULTATION_FUNCTION_ORGANISER, "organiser", "Organiser"},
    {v1::CONSULTATION_FUNCTION_COORDINATOR, "coordinator", "Care and welfare coordinator"},
    {v1::CONSULTATION_FUNCTION_CASE_MANAGER, "case-manager", "Case manager"},
    {v1::CONSULTATION_FUNCTION_CARE_MEDIATOR, "care-mediator", "Care mediator"},
}};

constexpr common::CodeTable<v1::ParticipationMode, 3> kModes = {{
    {v1::PARTICIPATION_MODE_PHYSICAL, "physical", "Physically present"},
    {v1::PARTICIPATION_MODE_ONLINE, "online", "Online (video)"},
    {v1::PARTICIPATION_MODE_PHONE, "phone", "By phone"},
}};

}  // namespace

std::string_view KindCode(v1::ConsultationKind kind) { return common::CodeOf(kKinds, kind); }
std::string_view KindDisplay(v1::ConsultationKind kind) { return common::DisplayOf(kKinds, kind); }
std::string_view FunctionCode(v1::ConsultationFunction function) {
  return common::CodeOf(kFunctions, function);
}
std::string_view FunctionDisplay(v1::ConsultationFunction function) {
  return common::DisplayOf(kFunctions, function);
}
std::string_view ModeCode(v1::ParticipationMode mode) { return common::CodeOf(kModes, mode); }
std::string_view ModeDisplay(v1::ParticipationMode mode) { return common::DisplayOf(kModes, mode); }
std::optional<v1::ConsultationKind> KindFromCode(std::string_view code) {
  return common::ValueOf(kKinds, code);
}
std::optional<v1::ConsultationFunction> FunctionFromCode(std::string_view code) {
  return common::ValueOf(kFunctions, code);
}
std::optional<v1::ParticipationMode> ModeFromCode(std::string_view code) {
  return common::ValueOf(kModes, code);
}

}  // namespace zorgbrug::adapters::consultation::internal
