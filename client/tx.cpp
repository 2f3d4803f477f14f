// Closure transactions: optimistic reads validated at commit, buffered writes.
#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "client/db_impl.hpp"

namespace moss {

result<std::optional<std::string>> tx::get(std::string_view key) {
  if (auto w = writes_.find(key); w != writes_.end())
    return w->second.erase ? std::optional<std::string>{} : std::optional{w->second.value};
  auto e = db_.entry(key);
  if (!e)
    return e.error();
  // The first read of a key fixes the revision the commit checks against.
  reads_.emplace(std::string{key}, *e ? (*e)->meta.mod_rev : 0);
  if (!*e)
    return std::optional<std::string>{};
  return std::optional<std::string>{std::move((*e)->value)};
}

result<bool> tx::exists(std::string_view key) {
  auto v = get(key);
  if (!v)
    return v.error();
  return v->has_value();
}

void tx::set(std::string_view key, std::string_view value, const write_options& wo) {
  writes_.insert_or_assign(std::string{key}, pending_write{false, std::string{value}, wo.ttl});
}

void tx::del(std::string_view key) {
  writes_.insert_or_assign(std::string{key}, pending_write{true, {}, std::nullopt});
}

txn_request tx::to_txn() const {
  txn_request req;
  // A key that was missing has mod revision 0, and so compares equal to 0.
  for (const auto& [key, rev] : reads_)
    req.compares.push_back(compare::mod_rev_is(key, static_cast<int64_t>(rev)));
  for (const auto& [key, w] : writes_)
    req.success.push_back(w.erase ? txn_op::del(key) : txn_op::put(key, w.value, w.ttl));
  return req;
}

namespace {

// After a conflict: yield at first, then sleep a random while that grows with
// the attempts (up to ~1 ms), so contenders that conflicted together (e.g.
// whose calls shared a round trip to a remote store) do not retry in lockstep.
void back_off(int attempt) {
  if (attempt < 2) {
    std::this_thread::yield();
    return;
  }
  thread_local std::minstd_rand rng{std::random_device{}()};
  uint32_t cap = 1u << std::min(attempt, 10);
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % cap));
}

} // namespace

status db::tx(const std::function<status(moss::tx&)>& fn, const tx_options& opts) {
  for (int attempt = 0; attempt < opts.max_attempts; ++attempt) {
    moss::tx t{*this};
    if (auto st = fn(t); !st)
      return st;  // the closure aborted: nothing was written
    auto r = txn(t.to_txn());
    if (!r)
      return r.error();
    if (r->succeeded)
      return status::ok();
    back_off(attempt);  // something read changed meanwhile: run again
  }
  return {errc::too_many_retries, "the transaction conflicted "
                                    + std::to_string(opts.max_attempts) + " times"};
}

} // namespace moss
