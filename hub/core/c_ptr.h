#pragma once
// CPtr<T, fn>: every C handle wrapped once, as a unique_ptr with its library's free function.
#include <memory>

namespace hub {

template <auto Fn>
struct CDeleter {
  template <class T>
  void operator()(T* p) const {
    if (p) Fn(p);
  }
};

template <class T, auto Fn>
using CPtr = std::unique_ptr<T, CDeleter<Fn>>;

}  // namespace hub
