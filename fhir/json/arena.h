#pragma once

// A bump allocator for one Document: memory is handed out from large blocks and released all at
// once when the Arena is destroyed. Not thread-safe. Internal to fhir/json.

#include <cstddef>
#include <memory>
#include <vector>

namespace zorgbrug::fhir::json {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `bytes` of storage aligned to `align` (a power of two, at most alignof(max_align_t)).
  void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    size_t offset = (used_ + align - 1) & ~(align - 1);
    if (offset + bytes > capacity_) return AllocateSlow(bytes, align);
    used_ = offset + bytes;
    return current_ + offset;
  }

  template <typename T>
  T* AllocateArray(size_t n) {
    return static_cast<T*>(Allocate(n * sizeof(T), alignof(T)));
  }

  // Bytes reserved from the system so far.
  size_t BytesReserved() const { return reserved_; }

 private:
  static constexpr size_t kBlockSize = 64 * 1024;

  void* AllocateSlow(size_t bytes, size_t align);

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* current_ = nullptr;
  size_t used_ = 0;
  size_t capacity_ = 0;
  size_t reserved_ = 0;
};

}  // namespace zorgbrug::fhir::json
