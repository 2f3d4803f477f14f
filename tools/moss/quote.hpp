// Printing bytes so they can be pasted back as input: a bare word when that is
// unambiguous, else a double-quoted string with escapes. The inverse of tokenize().
#pragma once

#include <string>
#include <string_view>

namespace moss::shell {

/// True when `bytes` prints as a bare word: non-empty, only graphic ASCII
/// (0x21-0x7e) other than " ' \ , ( ), and so never mistaken for (nil).
bool prints_bare(std::string_view bytes) noexcept;

/// `bytes` as a bare word, or double-quoted with \" \\ \n \r \t and \xHH
/// (lowercase hex) for every other byte outside 0x20-0x7e.
std::string quote(std::string_view bytes);

} // namespace moss::shell
