// A status is the result of an operation that returns nothing else: ok, or an
// error code with a message for humans. It must be checked.
#pragma once

#include <string>
#include <utility>

#include <moss/errc.hpp>

namespace moss {

class [[nodiscard]] status {
public:
  status() = default;
  status(errc code, std::string message) : code_(code), message_(std::move(message)) {}

  static status ok() { return {}; }

  bool is_ok() const noexcept { return code_ == errc::ok; }
  explicit operator bool() const noexcept { return is_ok(); }
  errc code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  /// "io_error: fsync of 00000001.log failed: No space left on device"
  std::string to_string() const;

private:
  errc code_ = errc::ok;
  std::string message_;
};

} // namespace moss
