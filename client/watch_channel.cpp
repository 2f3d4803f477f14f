// The channel between a bridge actor and the thread reading a watch.
#include "client/watch_channel.hpp"

#include <moss/messages/errors.hpp>

#include "actors/watch_hub.hpp"

namespace moss {

void watch_channel::on_created(const watch_created& c, caf::actor h, caf::actor_addr me) {
  std::lock_guard lk(mu);
  id = c.id;
  start_rev = c.start_rev;
  incarnation = c.incarnation;
  position = c.start_rev - 1;
  ack_every = std::max<uint64_t>(1, c.queue_limit / 4);
  if (!finished) {
    hub = std::move(h);
    bridge = std::move(me);
  }
  started = true;
  cv.notify_all();
}

void watch_channel::count_consumed_locked(uint64_t n) {
  consumed += n;
  // Every quarter of the queue, and whenever the reader has read everything
  // it was sent: the hub may be holding back a commit that does not fit
  // beside the few unacknowledged items, and would wait for this ack forever.
  if (hub && consumed > acked && (consumed - acked >= ack_every || queue.empty())) {
    send_as_bridge(watch_ack_atom_v, id, consumed);
    acked = consumed;
  }
}

bool watch_channel::on_batch(watch_batch& b) {
  if (on_event) {
    std::lock_guard cb(cb_mu);
    auto ended = [&] {
      std::lock_guard lk(mu);
      return finished;
    };
    if (ended())
      return false;
    if (b.events.empty()) {
      watch_event ev;
      ev.kind = event_kind::progress;
      ev.rev = b.rev;
      on_event(ev);
    }
    for (const watch_event& ev : b.events) {
      on_event(ev);
      if (ended())  // cancelled from inside the callback
        return false;
    }
    std::lock_guard lk(mu);
    position = b.rev;
    count_consumed_locked(b.events.empty() ? 1 : b.events.size());
    return true;
  }
  std::lock_guard lk(mu);
  if (finished)
    return false;
  if (b.events.empty()) {
    watch_event ev;
    ev.kind = event_kind::progress;
    ev.rev = b.rev;
    queue.push_back({std::move(ev), b.rev});
  }
  const size_t n = b.events.size();
  for (size_t i = 0; i < n; ++i) {
    // Mid-commit, only the revision before it is complete.
    revision through = i + 1 < n ? (b.events[i + 1].rev != b.events[i].rev ? b.events[i].rev
                                                                            : b.events[i].rev - 1)
                                 : b.rev;
    queue.push_back({std::move(b.events[i]), through});
  }
  cv.notify_one();
  return true;
}

void watch_channel::finish_locked(watch_end e) {
  if (finished)
    return;
  finished = true;
  end = std::move(e);
  hub = nullptr;
  started = true;
  cv.notify_all();
}

void watch_channel::finish(watch_end e) {
  bool report = false;
  {
    std::lock_guard lk(mu);
    report = !finished && on_end;
    finish_locked(e);
  }
  if (report) {
    std::lock_guard cb(cb_mu);
    on_end(e);
  }
}

void watch_channel::fail(const status& st, revision compact_rev) {
  watch_end e;
  e.code = st.is_ok() ? errc::closed : st.code();
  e.compact_rev = compact_rev;
  e.message = st.is_ok() ? "the store is closed" : st.message();
  finish(std::move(e));
}

void watch_channel::wait_started() {
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return started || finished; });
}

std::optional<watch_event>
watch_channel::pop(bool wait, std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::unique_lock lk(mu);
  for (;;) {
    if (!queue.empty()) {
      item it = std::move(queue.front());
      queue.pop_front();
      position = it.through;
      count_consumed_locked(1);
      return std::move(it.ev);
    }
    if (finished || !wait)
      return std::nullopt;
    if (!deadline)
      cv.wait(lk);
    else if (cv.wait_until(lk, *deadline) == std::cv_status::timeout && queue.empty())
      return std::nullopt;
  }
}

void watch_channel::cancel() {
  std::lock_guard cb(cb_mu);
  std::lock_guard lk(mu);
  if (finished)
    return;
  if (hub)
    send_as_bridge(unwatch_atom_v, id);
  queue.clear();
  finish_locked(watch_end{id, errc::ok, position, 0, "cancelled"});
}

watch_subscriber::behavior_type
watch_bridge(watch_subscriber::stateful_pointer<watch_bridge_state> self,
             std::shared_ptr<watch_channel> ch, watch_source source, watch_request req) {
  self->state.ch = std::move(ch);
  auto gone = [self, why = source.gone] {
    self->state.ch->finish(watch_end{self->state.ch->id, why.code(), self->state.last_rev, 0, why.message()});
  };
  // The hub ends every watch before it stops; these catch the rest (a store
  // stopped abruptly, a node that went away).
  self->set_down_handler([self, gone](caf::down_msg&) {
    gone();
    self->quit();
  });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    st.ch->finish(watch_end{st.ch->id, errc::closed, st.last_rev, 0, "the store is closed"});
    self->quit(msg.reason);
  });
  self->monitor(source.hub);
  auto me = caf::actor_cast<watch_subscriber>(self);
  self->request(source.hub, caf::infinite, watch_atom_v, std::move(req), me)
    .then(
      [self, hub = source.hub](watch_created& c) {
        auto& st = self->state;
        st.last_rev = c.start_rev - 1;
        st.created = true;
        st.ch->on_created(c, hub, self->address());
        for (watch_batch& b : std::exchange(st.early, {})) {
          st.last_rev = b.rev;
          st.ch->on_batch(b);
        }
        if (st.early_end) {
          st.ch->finish(std::move(*st.early_end));
          self->quit();
        }
      },
      [self, why = source.gone](caf::error& err) {
        status st = err.category() == caf::atom("moss") ? to_status(err) : why;
        self->state.ch->fail(st, compact_revision_of(err));
        self->quit();
      });
  return {
    [self](watch_batch& b) {
      auto& st = self->state;
      if (!st.created) {
        st.early.push_back(std::move(b));
        return;
      }
      st.last_rev = b.rev;
      st.ch->on_batch(b);
    },
    [self](watch_end& e) {
      auto& st = self->state;
      if (!st.created) {
        st.early_end = std::move(e);
        return;
      }
      st.ch->finish(std::move(e));
      self->quit();
    },
  };
}

} // namespace moss
