#include "adapters/common/mapping_context.h"

#include <cstdio>
#include <memory>
#include <utility>

namespace zorgbrug::adapters::common {

MappingContext SequentialContext(std::string local_key_system_base) {
  auto counter = std::make_shared<int>(0);
  MappingContext context;
  context.new_uuid = [counter] {
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "00000000-0000-4000-8000-%012d", ++*counter);
    return std::string(buffer);
  };
  context.local_key_system_base = std::move(local_key_system_base);
  return context;
}

}  // namespace zorgbrug::adapters::common
