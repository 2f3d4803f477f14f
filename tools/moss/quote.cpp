// Output quoting; see docs/shell.md, "Quoting".
#include "tools/moss/quote.hpp"

namespace moss::shell {

bool prints_bare(std::string_view bytes) noexcept {
  if (bytes.empty())
    return false;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7e)
      return false;
    if (c == '"' || c == '\'' || c == '\\' || c == ',' || c == '(' || c == ')')
      return false;
  }
  return true;
}

std::string quote(std::string_view bytes) {
  if (prints_bare(bytes))
    return std::string{bytes};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() + 2);
  out.push_back('"');
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x20 && c <= 0x7e) {
          out.push_back(ch);
        } else {
          out += "\\x";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xf]);
        }
    }
  }
  out.push_back('"');
  return out;
}

} // namespace moss::shell
