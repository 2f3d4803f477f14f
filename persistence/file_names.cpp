// Data directory file names.
#include "persistence/file_names.hpp"

#include <charconv>
#include <cstdio>

namespace moss {
namespace {

// Parses `name` as prefix + digits in `base` + suffix, with at least
// `min_digits` digits.
bool parse_number(std::string_view name, std::string_view prefix, std::string_view suffix,
                  int base, size_t min_digits, uint64_t& out) {
  if (!name.starts_with(prefix) || !name.ends_with(suffix))
    return false;
  std::string_view digits = name.substr(prefix.size());
  if (digits.size() < suffix.size() + min_digits)
    return false;
  digits.remove_suffix(suffix.size());
  for (char c : digits)
    if (!(c >= '0' && c <= '9') && !(base == 16 && c >= 'a' && c <= 'f'))
      return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out, base);
  return ec == std::errc() && end == digits.data() + digits.size();
}

} // namespace

std::string snapshot_file_name(uint64_t revision, uint64_t sequence) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "snap-%016llx-%06llu.snap", static_cast<unsigned long long>(revision),
                static_cast<unsigned long long>(sequence));
  return buf;
}

std::string log_file_name(uint64_t sequence) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "wal-%06llu.log", static_cast<unsigned long long>(sequence));
  return buf;
}

std::string temp_file_name(std::string_view name) {
  std::string out(name);
  out += ".tmp";
  return out;
}

bool parse_snapshot_file_name(std::string_view name, uint64_t& revision, uint64_t& sequence) {
  if (name.size() == 26) {  // the older form, without a sequence
    sequence = 0;
    return parse_number(name, "snap-", ".snap", 16, 16, revision);
  }
  if (name.size() < 33 || name[21] != '-')
    return false;
  std::string_view head = name.substr(0, 21), tail = name.substr(21);
  std::string rev_part = std::string{head} + ".snap";
  return parse_number(rev_part, "snap-", ".snap", 16, 16, revision)
         && parse_number(tail, "-", ".snap", 10, 6, sequence);
}

bool parse_log_file_name(std::string_view name, uint64_t& sequence) {
  return parse_number(name, "wal-", ".log", 10, 6, sequence);
}

} // namespace moss
