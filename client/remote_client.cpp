// The remote client actor: calls out, answers back, and a lost store fails them all.
#include "client/remote_client.hpp"

#include <caf/sec.hpp>

#include "client/reply_catcher.hpp"

#include <moss/messages/errors.hpp>

namespace moss {

single_call_ptr remote_client_state::take(uint64_t id) {
  auto i = pending.find(id);
  if (i == pending.end())
    return nullptr;
  auto c = std::move(i->second);
  pending.erase(i);
  return c;
}

status remote_client_state::describe(const caf::error& err) const {
  return describe_call_error(err, where, timeout);
}

status describe_call_error(const caf::error& err, const std::string& where, caf::timespan timeout) {
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout)
      return {errc::timeout, "no answer from " + where + " within "
                               + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count())
                               + " ms"};
    return {errc::unreachable, where + " is unreachable: " + caf::to_string(code)};
  }
  return to_status(err);
}

namespace {

/// At most this many calls per batch, to bound a message's size and latency.
constexpr size_t max_batch_calls = 1024;
/// Batches out at once: two keep both ends busy (one is being answered while
/// the next fills), yet leave calls to gather into large batches.
constexpr size_t max_batches_out = 2;

void fail_all(std::vector<batch_item_ptr>& calls, const status& why) {
  auto failing = std::move(calls);
  calls.clear();
  for (auto& c : failing)
    c->fail(why);
}

// Sends the queued calls as one batch, unless enough batches are out.
void send_batch(remote_client_ptr self) {
  auto& st = self->state;
  if (st.flying.size() >= max_batches_out || st.queued.empty())
    return;
  size_t n = std::min(st.queued.size(), max_batch_calls);
  uint64_t id = st.next_id++;
  auto& calls = st.flying[id];
  calls.assign(std::make_move_iterator(st.queued.begin()), std::make_move_iterator(st.queued.begin() + n));
  st.queued.erase(st.queued.begin(), st.queued.begin() + n);
  call_batch batch;
  batch.calls.reserve(n);
  for (auto& c : calls)
    batch.calls.push_back(c->take_call());
  self->request(st.store, st.timeout, call_atom_v, std::move(batch))
    .then(
      [self, id](call_batch_answer& out) {
        auto& st = self->state;
        auto i = st.flying.find(id);
        if (i == st.flying.end())
          return;  // failed already (the store went away)
        auto answered = std::move(i->second);
        st.flying.erase(i);
        if (out.answers.size() != answered.size()) {
          fail_all(answered, status{errc::unreachable, st.where + " answered a batch of "
                                                         + std::to_string(answered.size()) + " calls with "
                                                         + std::to_string(out.answers.size())});
        } else {
          for (size_t k = 0; k < answered.size(); ++k)
            answered[k]->answer(out.answers[k]);
        }
        send_batch(self);
      },
      [self, id](caf::error& err) {
        auto& st = self->state;
        if (auto i = st.flying.find(id); i != st.flying.end()) {
          auto failed = std::move(i->second);
          st.flying.erase(i);
          fail_all(failed, st.describe(err));
        }
        send_batch(self);
      });
}

} // namespace

caf::behavior remote_client(remote_client_ptr self, store_actor store, caf::timespan timeout,
                            std::string where, caf::strong_actor_ptr catcher) {
  auto& st = self->state;
  st.store = std::move(store);
  st.timeout = timeout;
  st.where = std::move(where);
  st.catcher = std::move(catcher);
  self->monitor(st.store);
  // The direct calls' deadlines, checked a few times per timeout.
  const auto sweep = std::max<caf::timespan>(timeout / 8, std::chrono::milliseconds(10));
  self->delayed_send(self, sweep, tick_atom_v);
  self->set_down_handler([self](caf::down_msg&) {
    auto& st = self->state;
    st.gone = status{errc::unreachable, "lost the connection to " + st.where};
    auto pending = std::move(st.pending);
    st.pending.clear();
    for (auto& [id, call] : pending)
      call->fail(st.gone);
    auto flying = std::move(st.flying);
    st.flying.clear();
    for (auto& [id, calls] : flying)
      fail_all(calls, st.gone);
    fail_all(st.queued, st.gone);
    if (st.catcher)
      reply_catcher::of(st.catcher).fail_all(st.gone);
  });
  return {
    [self, sweep](tick_atom) {
      if (self->state.catcher)
        reply_catcher::of(self->state.catcher).expire(std::chrono::steady_clock::now());
      self->delayed_send(self, sweep, tick_atom_v);
    },
    [self](batch_item_ptr& item) {
      auto& st = self->state;
      if (!st.gone.is_ok()) {
        item->fail(st.gone);
        return;
      }
      st.queued.push_back(std::move(item));
      send_batch(self);
    },
    [self](single_call_ptr& call) {
      auto& st = self->state;
      if (!st.gone.is_ok()) {
        call->fail(st.gone);
        return;
      }
      uint64_t id = st.next_id++;
      st.pending.emplace(id, call);
      call->send(self, id);
    },
  };
}

} // namespace moss
