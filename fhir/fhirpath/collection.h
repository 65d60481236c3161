#pragma once

// A vector that keeps its first item inline: most FHIRPath steps yield zero or one item, and those
// cost no heap allocation (internal to fhir/fhirpath/; Collection in item.h is the public name).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <utility>

namespace zorgbrug::fhir::fhirpath::internal {

template <typename T>
class SmallVector {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  SmallVector() = default;
  template <typename It>
  SmallVector(It first, It last) {
    assign(first, last);
  }
  SmallVector(std::initializer_list<T> items) { assign(items.begin(), items.end()); }
  SmallVector(const SmallVector& other) { assign(other.begin(), other.end()); }
  SmallVector(SmallVector&& other) noexcept { Steal(other); }
  SmallVector& operator=(const SmallVector& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  SmallVector& operator=(SmallVector&& other) noexcept {
    if (this != &other) {
      clear();
      FreeHeap();
      Steal(other);
    }
    return *this;
  }
  ~SmallVector() {
    clear();
    FreeHeap();
  }

  T* data() { return heap_ != nullptr ? heap_ : Inline(); }
  const T* data() const { return heap_ != nullptr ? heap_ : Inline(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T& front() { return data()[0]; }
  T& back() { return data()[size_ - 1]; }
  const T& back() const { return data()[size_ - 1]; }

  void clear() {
    std::destroy_n(data(), size_);
    size_ = 0;
  }
  // Room for `n` items; grows geometrically, so that reserving before each append stays linear.
  void reserve(size_t n) {
    if (n > capacity_) Grow(n > 2 * size_t{capacity_} ? n : 2 * size_t{capacity_});
  }
  void push_back(const T& item) {
    if (size_ == capacity_) {
      T copy(item);  // `item` may live in this vector
      Grow(capacity_ * 2);
      new (data() + size_++) T(std::move(copy));
      return;
    }
    new (data() + size_++) T(item);
  }
  void push_back(T&& item) {
    if (size_ == capacity_) {
      T moved(std::move(item));
      Grow(capacity_ * 2);
      new (data() + size_++) T(std::move(moved));
      return;
    }
    new (data() + size_++) T(std::move(item));
  }
  // Appends the contiguous range [first, last), which must not point into this vector.
  template <typename It>
  void append(It first, It last) {
    size_t n = static_cast<size_t>(last - first);
    if (n == 0) return;
    reserve(size_ + n);
    std::uninitialized_copy_n(std::to_address(first), n, data() + size_);
    size_ += static_cast<uint32_t>(n);
  }
  template <typename It>
  void assign(It first, It last) {
    clear();
    append(first, last);
  }

 private:
  T* Inline() { return std::launder(reinterpret_cast<T*>(inline_)); }
  const T* Inline() const { return std::launder(reinterpret_cast<const T*>(inline_)); }
  void FreeHeap() {
    if (heap_ != nullptr) ::operator delete(heap_);
    heap_ = nullptr;
    capacity_ = 1;
  }
  void Grow(size_t n) {
    if (n < 4) n = 4;
    T* fresh = static_cast<T*>(::operator new(n * sizeof(T)));
    std::uninitialized_move(begin(), end(), fresh);
    std::destroy_n(data(), size_);
    if (heap_ != nullptr) ::operator delete(heap_);
    heap_ = fresh;
    capacity_ = static_cast<uint32_t>(n);
  }
  void Steal(SmallVector& other) {
    if (other.heap_ != nullptr) {
      heap_ = other.heap_;
      capacity_ = other.capacity_;
      size_ = other.size_;
      other.heap_ = nullptr;
      other.capacity_ = 1;
      other.size_ = 0;
      return;
    }
    if (other.size_ == 1) new (Inline()) T(std::move(*other.Inline()));
    size_ = other.size_;
    other.clear();
  }

  T* heap_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 1;
  alignas(T) unsigned char inline_[sizeof(T)];
};

}  // namespace zorgbrug::fhir::fhirpath::internal
