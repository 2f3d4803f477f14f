// A model of the store for randomized tests: a std::map of entries with their
// metadata, and the store's transaction semantics written the obvious way.
// Given the revision the store answered, the model predicts every result and
// every entry the store must then hold.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <moss/messages/txn.hpp>
#include <moss/time_source.hpp>

namespace moss::test {

class kv_model {
public:
  struct entry {
    std::string value;
    record_meta meta;
    friend bool operator==(const entry&, const entry&) = default;
  };
  using state = std::map<std::string, entry>;

  /// The live entries at `now` (expired ones are invisible, as in the store).
  state live(int64_t now) const {
    state out;
    for (const auto& [k, e] : entries_)
      if (e.meta.expiry == 0 || e.meta.expiry > now)
        out.emplace(k, e);
    return out;
  }

  /// Evaluates `req` at `now` without changing anything: the result the
  /// store must give (rev left 0) and whether it writes.
  txn_result evaluate(const txn_request& req, int64_t now, bool& writes) const {
    state s = live(now);
    return run(req, now, 0, s, writes);
  }

  /// Applies `req` as the commit at `rev` (if it writes: then `wrote`, when
  /// given, is set), decided at `now`.
  txn_result apply(const txn_request& req, int64_t now, revision rev, bool* wrote = nullptr) {
    state s = live(now);
    bool writes = false;
    txn_result r = run(req, now, rev, s, writes);
    if (writes)
      entries_ = std::move(s);
    if (wrote != nullptr)
      *wrote = writes;
    return r;
  }

  const state& entries() const { return entries_; }
  void reset(state s) { entries_ = std::move(s); }

private:
  static bool compare_holds(const compare& c, const state& s) {
    auto it = s.find(c.key);
    const entry* e = it == s.end() ? nullptr : &it->second;
    auto cmp = [&](auto lhs, auto rhs) {
      switch (c.op) {
        case compare_op::equal: return lhs == rhs;
        case compare_op::not_equal: return lhs != rhs;
        case compare_op::less: return lhs < rhs;
        case compare_op::greater: return lhs > rhs;
      }
      return false;
    };
    switch (c.target) {
      case compare_target::value: return e != nullptr && cmp(e->value, c.value);
      case compare_target::version: return cmp(e ? static_cast<int64_t>(e->meta.version) : 0, c.number);
      case compare_target::create_rev:
        return cmp(e ? static_cast<int64_t>(e->meta.create_rev) : 0, c.number);
      case compare_target::mod_rev: return cmp(e ? static_cast<int64_t>(e->meta.mod_rev) : 0, c.number);
      case compare_target::exists: return cmp(e ? int64_t{1} : int64_t{0}, c.number);
    }
    return false;
  }

  static void put(state& s, const std::string& key, std::string value, int64_t expiry, revision rev) {
    auto it = s.find(key);
    record_meta m{rev, rev, 1, expiry};
    if (it != s.end()) {
      m.create_rev = it->second.meta.create_rev;
      m.version = it->second.meta.version + 1;
    }
    s[key] = entry{std::move(value), m};
  }

  static txn_result run(const txn_request& req, int64_t now, revision rev, state& s, bool& writes) {
    txn_result out;
    writes = false;
    out.succeeded = true;
    for (const compare& c : req.compares)
      out.succeeded = out.succeeded && compare_holds(c, s);
    for (const txn_op& op : out.succeeded ? req.success : req.failure) {
      op_result& res = out.results.emplace_back();
      res.kind = op.kind;
      auto it = s.find(op.key);
      switch (op.kind) {
        case op_kind::get:
          if (it != s.end()) {
            res.found = true;
            res.entry = kv{op.key, it->second.value, it->second.meta};
          }
          break;
        case op_kind::put:
          put(s, op.key, op.value, op.ttl ? deadline_after(now, op.ttl->count()) : 0, rev);
          writes = true;
          break;
        case op_kind::del:
          if (it != s.end()) {
            s.erase(it);
            res.found = true;
            res.count = 1;
            writes = true;
          }
          break;
        case op_kind::persist:
          if (it != s.end() && it->second.meta.expiry != 0) {
            put(s, op.key, it->second.value, 0, rev);
            res.found = true;
            writes = true;
          }
          break;
        case op_kind::del_prefix:
          for (auto p = s.lower_bound(op.key); p != s.end() && p->first.starts_with(op.key);) {
            p = s.erase(p);
            ++res.count;
          }
          res.found = res.count > 0;
          writes = writes || res.found;
          break;
        case op_kind::expire_if: break;  // the TTL timer's op: never generated
      }
    }
    return out;
  }

  state entries_;
};

} // namespace moss::test
