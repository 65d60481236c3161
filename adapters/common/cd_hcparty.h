#pragma once

// The Belgian CD-HCPARTY code system: the roles of healthcare parties ("persmidwife",
// "persgeneralphysician") and the types of organisations ("orghospital"), as
// BePractitionerRole.code and BeOrganization.type carry them. Shared by the adapters that map
// professionals and organisations.

#include <string_view>

namespace zorgbrug::adapters::common {

// The core 2.x system, and the 1.x system still accepted on input (DOMAIN.md section 3).
inline constexpr std::string_view kCdHcpartySystem =
    "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty";
inline constexpr std::string_view kLegacyCdHcpartySystem =
    "https://www.ehealth.fgov.be/standards/fhir/CodeSystem/cd-hcparty";

// Whether `code` is a CD-HCPARTY code (cd_hcparty.cc lists them with their source).
bool IsKnownCdHcpartyCode(std::string_view code);

// Whether `system` is the 2.x or the 1.x CD-HCPARTY system.
bool IsCdHcpartySystem(std::string_view system);

}  // namespace zorgbrug::adapters::common
