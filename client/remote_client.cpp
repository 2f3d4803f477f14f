// The remote client actor: calls out, answers back, and a lost store fails them all.
#include "client/remote_client.hpp"

#include <caf/sec.hpp>

#include "client/call_pipe.hpp"

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

caf::behavior remote_client(remote_client_ptr self, store_actor store, caf::timespan timeout,
                            std::string where, caf::strong_actor_ptr pipe) {
  auto& st = self->state;
  st.store = std::move(store);
  st.timeout = timeout;
  st.where = std::move(where);
  st.pipe = std::move(pipe);
  self->monitor(st.store);
  // The pipe's calls' deadlines, checked a few times per timeout.
  const auto sweep = std::max<caf::timespan>(timeout / 8, std::chrono::milliseconds(10));
  self->delayed_send(self, sweep, tick_atom_v);
  self->set_down_handler([self](caf::down_msg&) {
    auto& st = self->state;
    st.gone = status{errc::unreachable, "lost the connection to " + st.where};
    auto pending = std::move(st.pending);
    st.pending.clear();
    for (auto& [id, call] : pending)
      call->fail(st.gone);
    if (st.pipe)
      call_pipe::of(st.pipe).fail_all(st.gone);
  });
  return {
    [self, sweep](tick_atom) {
      if (self->state.pipe)
        call_pipe::of(self->state.pipe).expire(std::chrono::steady_clock::now());
      self->delayed_send(self, sweep, tick_atom_v);
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
