// A transaction in the style of etcd: compares, then the `success` ops if all
// compares hold, else the `failure` ops; atomic, at one revision. Single
// writes (set, del) and batches are transactions without compares.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/none.hpp>

#include <moss/messages/kv.hpp>

namespace moss {

/// What a compare looks at.
enum class compare_target : uint8_t {
  value,       ///< the value bytes (compared bytewise)
  version,     ///< writes since creation (0 when missing)
  create_rev,  ///< revision that created the key (0 when missing)
  mod_rev,     ///< revision of the last write (0 when missing)
  exists,      ///< 1 when the key exists, else 0
};

enum class compare_op : uint8_t { equal, not_equal, less, greater };

/// One condition of a transaction. Missing and expired keys have version,
/// revisions and existence 0 and never equal any value.
struct compare {
  std::string key;
  compare_target target = compare_target::exists;
  compare_op op = compare_op::equal;
  std::string value;   ///< operand when target is value
  int64_t number = 0;  ///< operand for every other target

  static compare value_is(std::string key, std::string value) {
    return {std::move(key), compare_target::value, compare_op::equal, std::move(value), 0};
  }
  static compare mod_rev_is(std::string key, int64_t rev) {
    return {std::move(key), compare_target::mod_rev, compare_op::equal, {}, rev};
  }
  static compare version_is(std::string key, int64_t version) {
    return {std::move(key), compare_target::version, compare_op::equal, {}, version};
  }
  static compare exists(std::string key) {
    return {std::move(key), compare_target::exists, compare_op::equal, {}, 1};
  }
  static compare missing(std::string key) {
    return {std::move(key), compare_target::exists, compare_op::equal, {}, 0};
  }
};

enum class op_kind : uint8_t {
  put,         ///< set key to value (with a ttl: expire after that long)
  del,         ///< delete key
  get,         ///< read key as of this transaction
  del_prefix,  ///< delete every key starting with `key`
  expire_if,   ///< expire `key` if its deadline is still `deadline` (the TTL timer's op)
  persist,     ///< drop `key`'s deadline, keeping its value
};

struct txn_op {
  op_kind kind = op_kind::get;
  std::string key;
  std::string value;
  /// put only: set, the key expires this long after the commit (it must be
  /// positive); unset, the key never expires and a TTL it had is cleared.
  std::optional<std::chrono::nanoseconds> ttl;
  int64_t deadline = 0;  ///< expire_if only: the deadline the key must still carry

  static txn_op put(std::string key, std::string value,
                    std::optional<std::chrono::nanoseconds> ttl = std::nullopt) {
    return {op_kind::put, std::move(key), std::move(value), ttl};
  }
  static txn_op del(std::string key) { return {op_kind::del, std::move(key), {}, std::nullopt}; }
  static txn_op get(std::string key) { return {op_kind::get, std::move(key), {}, std::nullopt}; }
  static txn_op del_prefix(std::string prefix) {
    return {op_kind::del_prefix, std::move(prefix), {}, std::nullopt};
  }
  static txn_op expire_if(std::string key, int64_t deadline) {
    return {op_kind::expire_if, std::move(key), {}, std::nullopt, deadline};
  }
  static txn_op persist(std::string key) { return {op_kind::persist, std::move(key), {}, std::nullopt}; }
};

struct txn_request {
  std::vector<compare> compares;
  std::vector<txn_op> success;  ///< run when every compare holds (or there are none)
  std::vector<txn_op> failure;  ///< run otherwise

  /// A transaction of one unconditional op.
  static txn_request of(txn_op op) {
    txn_request r;
    r.success.push_back(std::move(op));
    return r;
  }
};

/// The outcome of one op, in the order of the branch that ran.
struct op_result {
  op_kind kind = op_kind::get;
  bool found = false;  ///< get: the key exists; del/del_prefix/expire_if: something went; persist: a deadline was dropped
  uint64_t count = 0;  ///< keys deleted (del, del_prefix)
  kv entry;            ///< get: the entry
};

struct txn_result {
  bool succeeded = true;  ///< which branch ran
  revision rev = 0;       ///< the commit's revision, or the current one if nothing was written
  std::vector<op_result> results;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, compare& x) {
  return f(x.key, x.target, x.op, x.value, x.number);
}

// CAF 0.17 has no std::optional: the TTL travels as a flag and a count of ns.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, txn_op& x) {
  bool has_ttl = x.ttl.has_value();
  int64_t ttl_ns = has_ttl ? static_cast<int64_t>(x.ttl->count()) : 0;
  auto loaded = caf::meta::load_callback([&]() -> caf::error {
    x.ttl = has_ttl ? std::optional{std::chrono::nanoseconds{ttl_ns}} : std::nullopt;
    return caf::none;
  });
  return f(x.kind, x.key, x.value, has_ttl, ttl_ns, x.deadline, loaded);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, txn_request& x) {
  return f(x.compares, x.success, x.failure);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, op_result& x) {
  return f(x.kind, x.found, x.count, x.entry);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, txn_result& x) {
  return f(x.succeeded, x.rev, x.results);
}

} // namespace moss
