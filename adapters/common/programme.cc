#include "adapters/common/programme.h"

#include <array>

namespace zorgbrug::adapters::common {
namespace {

struct KceRow {
  v1::KceIndicator value;
  std::string_view code;
  std::string_view display;
};
// DOMAIN.md section 2: "The eight KCE vulnerability indicators that decide entry".
constexpr std::array<KceRow, 8> kKce = {{
    {v1::KCE_INDICATOR_FINANCIAL_PROBLEMS, "financial-problems", "Financial problems"},
    {v1::KCE_INDICATOR_MENTAL_HEALTH_PROBLEMS, "mental-health-problems", "Mental health problems"},
    {v1::KCE_INDICATOR_HOUSING_PROBLEMS, "housing-problems", "Housing problems"},
    {v1::KCE_INDICATOR_LACK_OF_SOCIAL_SUPPORT, "lack-of-social-support",
     "Lack of social support or social isolation"},
    {v1::KCE_INDICATOR_SUBSTANCE_USE, "substance-use", "Substance use"},
    {v1::KCE_INDICATOR_COMMUNICATION_BARRIERS, "communication-barriers", "Communication barriers"},
    {v1::KCE_INDICATOR_VICTIM_OF_VIOLENCE, "victim-of-violence", "Victim of violence"},
    {v1::KCE_INDICATOR_NO_LEGAL_RESIDENCE, "no-legal-residence", "No legal residence status"},
}};

struct ServiceRow {
  v1::ProgrammeService value;
  std::string_view code;
  std::string_view display;
};
constexpr std::array<ServiceRow, 4> kServices = {{
    {v1::PROGRAMME_SERVICE_BIB_SCREENING, "bib-screening", "Born in Belgium screening"},
    {v1::PROGRAMME_SERVICE_PPA, "ppa", "Personal prenatal advice consultation (PPA)"},
    {v1::PROGRAMME_SERVICE_COORDINATION, "coordination", "Care and welfare coordination"},
    {v1::PROGRAMME_SERVICE_PERINATAL_CONSULTATION, "perinatal-consultation",
     "Perinatal consultation"},
}};

struct BibRow {
  v1::BibIndicator value;
  std::string_view code;
  std::string_view display;
  v1::KceIndicator kce;
};
// DOMAIN.md section 2, "The BiB screening instrument": the 13 indicators in the tool's order and
// the KCE indicator each counts towards.
constexpr std::array<BibRow, 13> kBib = {{
    {v1::BIB_INDICATOR_COMMUNICATION, "communication", "Communication",
     v1::KCE_INDICATOR_COMMUNICATION_BARRIERS},
    {v1::BIB_INDICATOR_COUNTRY_OF_BIRTH, "country-of-birth", "Country of birth",
     v1::KCE_INDICATOR_UNSPECIFIED},
    {v1::BIB_INDICATOR_RESIDENCE_STATUS, "residence-status", "Residence status",
     v1::KCE_INDICATOR_NO_LEGAL_RESIDENCE},
    {v1::BIB_INDICATOR_EDUCATION, "education", "Education", v1::KCE_INDICATOR_UNSPECIFIED},
    {v1::BIB_INDICATOR_OCCUPATIONAL_STATUS, "occupational-status", "Occupational status",
     v1::KCE_INDICATOR_UNSPECIFIED},
    {v1::BIB_INDICATOR_PARTNER_OCCUPATION, "partner-occupation", "Partner's occupation",
     v1::KCE_INDICATOR_UNSPECIFIED},
    {v1::BIB_INDICATOR_FINANCIAL_SITUATION, "financial-situation", "Financial situation",
     v1::KCE_INDICATOR_FINANCIAL_PROBLEMS},
    {v1::BIB_INDICATOR_HOUSING, "housing", "Housing", v1::KCE_INDICATOR_HOUSING_PROBLEMS},
    {v1::BIB_INDICATOR_SOCIAL_SUPPORT, "social-support", "Social support",
     v1::KCE_INDICATOR_LACK_OF_SOCIAL_SUPPORT},
    {v1::BIB_INDICATOR_DEPRESSION, "depression", "Depression",
     v1::KCE_INDICATOR_MENTAL_HEALTH_PROBLEMS},
    {v1::BIB_INDICATOR_ANXIETY, "anxiety", "Anxiety", v1::KCE_INDICATOR_MENTAL_HEALTH_PROBLEMS},
    {v1::BIB_INDICATOR_SUBSTANCE_USE, "substance-use", "Substance use",
     v1::KCE_INDICATOR_SUBSTANCE_USE},
    {v1::BIB_INDICATOR_DOMESTIC_VIOLENCE, "domestic-violence", "Domestic violence",
     v1::KCE_INDICATOR_VICTIM_OF_VIOLENCE},
}};

template <typename Rows, typename Enum>
const auto* FindValue(const Rows& rows, Enum value) {
  for (const auto& row : rows) {
    if (row.value == value) return &row;
  }
  return static_cast<const typename Rows::value_type*>(nullptr);
}

template <typename Rows>
const auto* FindCode(const Rows& rows, std::string_view code) {
  for (const auto& row : rows) {
    if (row.code == code) return &row;
  }
  return static_cast<const typename Rows::value_type*>(nullptr);
}

}  // namespace

std::string_view KceIndicatorCode(v1::KceIndicator indicator) {
  const auto* row = FindValue(kKce, indicator);
  return row ? row->code : std::string_view();
}
std::string_view ProgrammeServiceCode(v1::ProgrammeService service) {
  const auto* row = FindValue(kServices, service);
  return row ? row->code : std::string_view();
}
std::string_view BibIndicatorCode(v1::BibIndicator indicator) {
  const auto* row = FindValue(kBib, indicator);
  return row ? row->code : std::string_view();
}
std::string_view KceIndicatorDisplay(v1::KceIndicator indicator) {
  const auto* row = FindValue(kKce, indicator);
  return row ? row->display : std::string_view();
}
std::string_view ProgrammeServiceDisplay(v1::ProgrammeService service) {
  const auto* row = FindValue(kServices, service);
  return row ? row->display : std::string_view();
}
std::string_view BibIndicatorDisplay(v1::BibIndicator indicator) {
  const auto* row = FindValue(kBib, indicator);
  return row ? row->display : std::string_view();
}
std::optional<v1::KceIndicator> KceIndicatorFromCode(std::string_view code) {
  const auto* row = FindCode(kKce, code);
  return row ? std::optional(row->value) : std::nullopt;
}
std::optional<v1::ProgrammeService> ProgrammeServiceFromCode(std::string_view code) {
  const auto* row = FindCode(kServices, code);
  return row ? std::optional(row->value) : std::nullopt;
}
std::optional<v1::BibIndicator> BibIndicatorFromCode(std::string_view code) {
  const auto* row = FindCode(kBib, code);
  return row ? std::optional(row->value) : std::nullopt;
}
v1::KceIndicator KceIndicatorOf(v1::BibIndicator indicator) {
  const auto* row = FindValue(kBib, indicator);
  return row ? row->kce : v1::KCE_INDICATOR_UNSPECIFIED;
}

}  // namespace zorgbrug::adapters::common
