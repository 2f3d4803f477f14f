// A result<T> is a value or the status that explains why there is none; it
// must be checked. Library calls return it instead of throwing.
#pragma once

#include <cassert>
#include <stdexcept>
#include <utility>
#include <variant>

#include <moss/status.hpp>

namespace moss {

/// Thrown by result<T>::value() when the result holds an error.
class bad_result_access : public std::logic_error {
public:
  explicit bad_result_access(const status& s) : std::logic_error(s.to_string()) {}
};

template <class T>
class [[nodiscard]] result {
public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  result(status error) : v_(std::in_place_index<1>, std::move(error)) {  // NOLINT: implicit
    assert(!std::get<1>(v_).is_ok());
  }
  result(errc code, std::string message) : result(status{code, std::move(message)}) {}

  bool is_ok() const noexcept { return v_.index() == 0; }  ///< as status::is_ok()
  explicit operator bool() const noexcept { return is_ok(); }

  /// The value; throws bad_result_access on an error.
  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }

  /// The value without a check: only after is_ok() said true.
  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }

  /// The error; an ok status when the result holds a value.
  status error() const { return is_ok() ? status::ok() : std::get<1>(v_); }
  errc code() const noexcept { return is_ok() ? errc::ok : std::get<1>(v_).code(); }

private:
  void check() const {
    if (!is_ok())
      throw bad_result_access(std::get<1>(v_));
  }
  std::variant<T, status> v_;
};

} // namespace moss
