// Argument cursor and number/duration parsing.
#include "tools/moss/arg_reader.hpp"

#include <charconv>
#include <limits>

#include "tools/moss/quote.hpp"

namespace moss::shell {

bool arg_reader::take_keyword(std::string_view kw) noexcept {
  if (done() || !args_[pos_].is_keyword(kw))
    return false;
  ++pos_;
  return true;
}

bool arg_reader::take_punct(char c) noexcept {
  if (done() || !args_[pos_].is_punct(c))
    return false;
  ++pos_;
  return true;
}

std::string describe(const token* t) {
  if (t == nullptr)
    return "end of line";
  if (t->kind == token_kind::quoted)
    return quote(t->text);
  return "'" + t->text + "'";
}

namespace {

status bad(std::string what, std::string_view text) {
  return {errc::invalid_argument, what + ", got " + quote(text)};
}

} // namespace

result<uint64_t> parse_count(std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return bad("expected a non-negative integer", text);
  return v;
}

result<int64_t> parse_int(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return bad("expected an integer", text);
  return v;
}

result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  const char* usage = "expected a duration such as 500ms, 10s, 5m or 1h";
  size_t digits_end = text.find_first_not_of("-0123456789");
  if (digits_end == 0 || digits_end == std::string_view::npos)
    return bad(usage, text);
  auto n = parse_int(text.substr(0, digits_end));
  if (!n)
    return bad(usage, text);
  std::string_view unit = text.substr(digits_end);
  int64_t scale = 0;
  if (unit == "ns")
    scale = 1;
  else if (unit == "us")
    scale = 1'000;
  else if (unit == "ms")
    scale = 1'000'000;
  else if (unit == "s")
    scale = 1'000'000'000;
  else if (unit == "m")
    scale = 60'000'000'000;
  else if (unit == "h")
    scale = 3'600'000'000'000;
  else
    return bad(usage, text);
  int64_t ns = 0;
  if (__builtin_mul_overflow(*n, scale, &ns))
    return bad("duration out of range", text);
  return std::chrono::nanoseconds{ns};
}

} // namespace moss::shell
