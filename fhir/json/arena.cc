#include "fhir/json/arena.h"

#include <algorithm>

namespace zorgbrug::fhir::json {

void* Arena::AllocateSlow(size_t bytes, size_t align) {
  // Large requests get a block of their own so that the current block's tail is not wasted.
  if (bytes + align > kBlockSize / 4) {
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(bytes + align));
    reserved_ += bytes + align;
    auto address = reinterpret_cast<uintptr_t>(blocks_.back().get());
    uintptr_t aligned = (address + align - 1) & ~(uintptr_t{align} - 1);
    return reinterpret_cast<void*>(aligned);
  }
  size_t size = std::max(kBlockSize, bytes + align);
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
  reserved_ += size;
  current_ = blocks_.back().get();
  capacity_ = size;
  used_ = 0;
  return Allocate(bytes, align);
}

}  // namespace zorgbrug::fhir::json
