#pragma once
// Result<T>: errors as values. API-compatible subset of std::expected (C++23) so it can become an
// alias once the toolchain has it (g++ 12 in C++20 mode has none).
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace hub {

struct Error {
  std::string code;     // stable, machine-readable (see error_codes.h)
  std::string message;  // one line, no personal data
};

template <class E = Error>
class Unexpected {
 public:
  explicit Unexpected(E e) : error_(std::move(e)) {}
  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

inline Unexpected<Error> unexpected(std::string code, std::string message) {
  return Unexpected<Error>(Error{std::move(code), std::move(message)});
}
inline Unexpected<Error> unexpected(Error e) { return Unexpected<Error>(std::move(e)); }

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT implicit
  Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e).error()) {}  // NOLINT
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  template <class U>
  T value_or(U&& u) const& {
    return has_value() ? std::get<0>(v_) : T(std::forward<U>(u));
  }

 private:
  void check() const {
    if (!has_value()) std::abort();
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected<Error> e) : err_(std::move(e).error()), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {
    if (!ok_) std::abort();
  }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

}  // namespace hub
