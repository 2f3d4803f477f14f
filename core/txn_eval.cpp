// Compare evaluation and op expansion for transactions.
#include "core/txn_eval.hpp"

#include <algorithm>

#include "persistence/log_format.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

std::optional<kv> commit_view::lookup(std::string_view key, bool with_value,
                                      bool include_expired) const {
  auto it = latest_.find(key);
  if (it == latest_.end()) {
    std::optional<kv> e = ks_.get(key, with_value, include_expired);
    if (e && !include_expired && e->meta.expiry != 0 && e->meta.expiry <= now_)
      return std::nullopt;  // the group's clock reading is the one that counts
    return e;
  }
  const write_op& op = ops_[*it];
  if (op.kind != change_kind::put)
    return std::nullopt;
  if (!op.resolved) {
    std::optional<kv> prior = before(*it, false);
    resolve_put(op, prior ? &prior->meta : nullptr);
  }
  if (!include_expired && op.meta.expiry != 0 && op.meta.expiry <= now_)
    return std::nullopt;
  return kv{op.key, with_value ? op.value : std::string{}, op.meta};
}

std::optional<kv> commit_view::before(uint32_t index, bool with_value) const {
  const write_op& op = ops_[index];
  if (op.prev < 0) {
    std::optional<kv> e = ks_.get(op.key, with_value);
    if (e && e->meta.expiry != 0 && e->meta.expiry <= now_)
      return std::nullopt;
    return e;
  }
  const write_op& prior = ops_[static_cast<uint32_t>(op.prev)];
  if (prior.kind != change_kind::put)
    return std::nullopt;
  if (!prior.resolved) {
    std::optional<kv> older = before(static_cast<uint32_t>(op.prev), false);
    resolve_put(prior, older ? &older->meta : nullptr);
  }
  if (prior.meta.expiry != 0 && prior.meta.expiry <= now_)
    return std::nullopt;
  return kv{prior.key, with_value ? prior.value : std::string{}, prior.meta};
}

std::vector<std::string> commit_view::keys_with_prefix(std::string_view prefix) const {
  std::vector<std::string> keys = ks_.keys_with_prefix(prefix);
  if (latest_.empty())
    return keys;
  // Drop keys the group changed, then add back those it left alive.
  std::erase_if(keys, [&](const std::string& k) { return latest_.contains(std::string_view{k}); });
  for (uint32_t index : latest_) {
    const std::string& key = ops_[index].key;
    if (key.starts_with(prefix) && lookup(key, false))
      keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

void commit_view::note(uint32_t index) {
  auto [it, inserted] = latest_.insert(index);
  if (!inserted) {  // same key, same hash: the slot may take the newer index
    const_cast<write_op&>(ops_[index]).prev = static_cast<int32_t>(*it);
    const_cast<uint32_t&>(*it) = index;
  }
}

void commit_view::forget_from(uint32_t first) {
  for (uint32_t i = static_cast<uint32_t>(ops_.size()); i-- > first;) {
    auto it = latest_.find(std::string_view{ops_[i].key});
    if (it == latest_.end() || *it != i)
      continue;
    if (ops_[i].prev >= 0)
      const_cast<uint32_t&>(*it) = static_cast<uint32_t>(ops_[i].prev);
    else
      latest_.erase(it);
  }
}

namespace {

template <class T>
bool apply_op(compare_op op, const T& lhs, const T& rhs) {
  switch (op) {
    case compare_op::equal: return lhs == rhs;
    case compare_op::not_equal: return lhs != rhs;
    case compare_op::less: return lhs < rhs;
    case compare_op::greater: return lhs > rhs;
  }
  return false;
}

bool holds(const compare& c, const commit_view& view) {
  std::optional<kv> e = view.lookup(c.key, c.target == compare_target::value);
  int64_t actual = 0;
  switch (c.target) {
    case compare_target::value:
      return e && apply_op(c.op, std::string_view{e->value}, std::string_view{c.value});
    case compare_target::version: actual = e ? static_cast<int64_t>(e->meta.version) : 0; break;
    case compare_target::create_rev:
      actual = e ? static_cast<int64_t>(e->meta.create_rev) : 0;
      break;
    case compare_target::mod_rev: actual = e ? static_cast<int64_t>(e->meta.mod_rev) : 0; break;
    case compare_target::exists: actual = e ? 1 : 0; break;
  }
  return apply_op(c.op, actual, c.number);
}

// Appends a change and makes the view see it.
void push(std::vector<write_op>& ops, commit_view& view, write_op op) {
  ops.push_back(std::move(op));
  view.note(static_cast<uint32_t>(ops.size() - 1));
}

write_op deletion(const keyspace& ks, revision rev, std::string key,
                  change_kind kind = change_kind::del) {
  write_op op;
  op.kind = kind;
  op.shard = static_cast<uint32_t>(ks.shard_of(key));
  op.rev = rev;
  op.existed = true;
  op.resolved = true;
  op.key = std::move(key);
  op.meta.mod_rev = rev;
  return op;
}

status too_large(size_t bytes, size_t max) {
  return {errc::invalid_argument, "the commit would take " + std::to_string(bytes)
                                    + " bytes in the log, over the limit of " + std::to_string(max)
                                    + " for one commit; split it (a del_prefix into narrower prefixes)"};
}

} // namespace

result<txn_result> evaluate_txn(txn_request& req, revision rev, const keyspace& ks,
                                commit_view& view, std::vector<write_op>& ops,
                                size_t max_commit_bytes, size_t& log_bytes) {
  const auto first = static_cast<uint32_t>(ops.size());
  size_t bytes = encoded_commit_overhead;
  // Cuts a refused commit back out of the group.
  auto refuse = [&](size_t over) -> result<txn_result> {
    view.forget_from(first);
    ops.resize(first);
    return too_large(over, max_commit_bytes);
  };
  txn_result out;
  out.succeeded = std::all_of(req.compares.begin(), req.compares.end(),
                              [&](const compare& c) { return holds(c, view); });
  auto& branch = out.succeeded ? req.success : req.failure;
  out.results.reserve(branch.size());
  for (txn_op& op : branch) {
    op_result& res = out.results.emplace_back();
    res.kind = op.kind;
    switch (op.kind) {
      case op_kind::get: {
        if (auto e = view.lookup(op.key, true)) {
          res.found = true;
          res.entry = std::move(*e);
        }
        break;
      }
      case op_kind::put: {
        // Blind: create revision, version and `existed` are resolved later
        // (see write_op), so a put costs the coordinator no lookup.
        write_op w;
        w.kind = change_kind::put;
        w.shard = static_cast<uint32_t>(ks.shard_of(op.key));
        w.rev = rev;
        w.key = std::move(op.key);
        w.value = std::move(op.value);
        w.meta.mod_rev = rev;
        w.meta.expiry = op.ttl ? deadline_after(view.now(), op.ttl->count()) : 0;
        bytes += encoded_put_size(w.key.size(), w.value.size());
        if (bytes > max_commit_bytes)
          return refuse(bytes);
        push(ops, view, std::move(w));
        break;
      }
      case op_kind::del: {
        if (view.lookup(op.key, false)) {
          res.found = true;
          res.count = 1;
          bytes += encoded_del_size(op.key.size());
          push(ops, view, deletion(ks, rev, op.key));
        }
        break;
      }
      case op_kind::expire_if: {
        // Only if the key still carries that deadline: a key set again (or
        // given another TTL) is never removed by an old timer.
        auto e = view.lookup(op.key, false, true);
        if (e && op.deadline != 0 && e->meta.expiry == op.deadline) {
          res.found = true;
          res.count = 1;
          bytes += encoded_del_size(op.key.size());
          push(ops, view, deletion(ks, rev, op.key, change_kind::expire));
        }
        break;
      }
      case op_kind::persist: {
        auto e = view.lookup(op.key, true);
        if (e && e->meta.expiry != 0) {  // rewritten without a deadline
          res.found = true;
          write_op w;
          w.kind = change_kind::put;
          w.shard = static_cast<uint32_t>(ks.shard_of(op.key));
          w.rev = rev;
          w.key = std::move(op.key);
          w.value = std::move(e->value);
          w.meta.mod_rev = rev;
          bytes += encoded_put_size(w.key.size(), w.value.size());
          if (bytes > max_commit_bytes)
            return refuse(bytes);
          push(ops, view, std::move(w));
        }
        break;
      }
      case op_kind::del_prefix: {
        std::vector<std::string> keys = view.keys_with_prefix(op.key);
        for (const std::string& key : keys)
          bytes += encoded_del_size(key.size());
        if (bytes > max_commit_bytes)
          return refuse(bytes);
        for (std::string& key : keys) {
          push(ops, view, deletion(ks, rev, std::move(key)));
          ++res.count;
        }
        res.found = res.count > 0;
        break;
      }
    }
  }
  if (ops.size() > first)
    log_bytes += bytes + log_format::header_size;
  return out;
}

} // namespace moss
