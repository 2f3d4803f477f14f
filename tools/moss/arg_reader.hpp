// Walking a command's arguments: a cursor over tokens, plus parsers for the
// numbers and durations arguments hold. Parse errors are invalid_argument.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <moss/result.hpp>

#include "tools/moss/token.hpp"

namespace moss::shell {

class arg_reader {
public:
  explicit arg_reader(std::span<const token> args) : args_(args) {}

  bool done() const noexcept { return pos_ == args_.size(); }
  size_t remaining() const noexcept { return args_.size() - pos_; }
  /// The next token, or null at the end.
  const token* peek() const noexcept { return done() ? nullptr : &args_[pos_]; }
  /// Consumes the next token; only when !done().
  const token& take() noexcept { return args_[pos_++]; }
  /// Consumes the next token if it is the bare word `kw` (any case).
  bool take_keyword(std::string_view kw) noexcept;
  /// Consumes the next token if it is the punctuation `c`.
  bool take_punct(char c) noexcept;

private:
  std::span<const token> args_;
  size_t pos_ = 0;
};

/// How an error message names a token: 'text', "quoted", ',' or end of line.
std::string describe(const token* t);

/// "500ms", "10s", "5m", "1h", also "ns" and "us"; a leading '-' is allowed
/// (the store rejects TTLs that are not positive).
result<std::chrono::nanoseconds> parse_duration(std::string_view text);
/// A decimal integer in [0, 2^64).
result<uint64_t> parse_count(std::string_view text);
/// A decimal integer in int64 range, optionally with a leading '-'.
result<int64_t> parse_int(std::string_view text);

} // namespace moss::shell
