// A key with its value and metadata, copied out of the store: what a get, a
// scan or a transaction's get returns.
#pragma once

#include <string>

#include <moss/record_meta.hpp>

namespace moss {

struct kv {
  std::string key;
  std::string value;  ///< empty for keys-only scans
  record_meta meta;

  friend bool operator==(const kv&, const kv&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_meta& x) {
  return f(x.create_rev, x.mod_rev, x.version, x.expiry);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kv& x) {
  return f(x.key, x.value, x.meta);
}

} // namespace moss

namespace moss {

/// The answer to a get: the entry if the key is live.
struct lookup_result {
  bool found = false;
  kv entry;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lookup_result& x) {
  return f(x.found, x.entry);
}

} // namespace moss
