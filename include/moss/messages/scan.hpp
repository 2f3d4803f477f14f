// An ordered scan of the keyspace by prefix or by range [from, to).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <moss/messages/kv.hpp>

namespace moss {

struct scan_request {
  std::string from;        ///< the prefix, or the first key of the range
  std::string to;          ///< range only: first key past the range; empty = no end
  bool by_prefix = true;   ///< prefix scan (from is the prefix) or range scan
  uint64_t limit = 0;      ///< at most this many entries; 0 = all
  bool keys_only = false;  ///< leave values empty

  static scan_request prefix(std::string p, uint64_t limit = 0) {
    return {std::move(p), {}, true, limit, false};
  }
  static scan_request range(std::string from, std::string to, uint64_t limit = 0) {
    return {std::move(from), std::move(to), false, limit, false};
  }
};

struct scan_result {
  std::vector<kv> entries;  ///< in key order
  bool more = false;        ///< the limit (or the node's max_scan_results) cut the scan short
};

/// The first key past every key that starts with `prefix` (empty: no such
/// key, every key from the prefix on starts with it).
inline std::string prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF)
    prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scan_request& x) {
  return f(x.from, x.to, x.by_prefix, x.limit, x.keys_only);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scan_result& x) {
  return f(x.entries, x.more);
}

} // namespace moss
