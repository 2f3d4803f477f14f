// What running one command came to: done, a store error (exit code 1), a
// usage or syntax error (exit code 2), or a request to leave the shell.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <moss/status.hpp>

namespace moss::shell {

enum class outcome_kind : uint8_t { ok, store_error, usage_error, quit };

struct outcome {
  outcome_kind kind = outcome_kind::ok;
  std::string message;  ///< errors: the text after "error: "

  static outcome ok() { return {}; }
  static outcome quit() { return {outcome_kind::quit, {}}; }
  /// "error: invalid_argument: a key must not be empty"
  static outcome store(const status& st) { return {outcome_kind::store_error, st.to_string()}; }
  /// "error: usage: get takes 1 argument: get KEY"
  static outcome usage(std::string what) {
    return {outcome_kind::usage_error, "usage: " + std::move(what)};
  }

  /// "error: syntax: unterminated double quote at column 5"
  static outcome syntax(std::string what) {
    return {outcome_kind::usage_error, "syntax: " + std::move(what)};
  }

  bool failed() const noexcept {
    return kind == outcome_kind::store_error || kind == outcome_kind::usage_error;
  }
  /// The process exit code this outcome asks for: 0, 1 or 2.
  int exit_code() const noexcept {
    return kind == outcome_kind::store_error ? 1 : kind == outcome_kind::usage_error ? 2 : 0;
  }
};

} // namespace moss::shell
