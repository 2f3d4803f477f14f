// Splitting a command line into arguments: bare words, "double-quoted" strings
// with escapes, 'single-quoted' raw text, and (in txn and batch) punctuation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <moss/result.hpp>

namespace moss::shell {

enum class token_kind : uint8_t {
  word,    ///< a bare word, taken as written
  quoted,  ///< a "double" or 'single' quoted string, unescaped
  punct,   ///< one of , ( ) when punctuation is on
};

struct token {
  std::string text;
  token_kind kind = token_kind::word;
  size_t column = 0;  ///< 1-based column of the token's first character

  /// True for a bare word equal to `kw`, ignoring ASCII case.
  bool is_keyword(std::string_view kw) const;
  /// True for the punctuation token `c`.
  bool is_punct(char c) const {
    return kind == token_kind::punct && text.size() == 1 && text[0] == c;
  }
};

/// Splits `line` into tokens. With `punctuation`, an unquoted , ( or ) is a
/// token of its own; without, it is part of a bare word. Errors (unterminated
/// quote, bad escape, quote glued to a word) are invalid_argument with the column.
result<std::vector<token>> tokenize(std::string_view line, bool punctuation = false);

/// True when `a` equals `b` ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b) noexcept;

} // namespace moss::shell
