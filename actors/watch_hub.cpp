// The watch hub's behavior: registration (resolving "now" with the
// coordinator), dispatch of change groups, acks, cancellation, progress ticks.
#include "actors/watch_hub.hpp"

#include <caf/actor_system.hpp>

#include <moss/messages/errors.hpp>

#include "actors/local_only.hpp"

namespace moss {

namespace {

using self_ptr = watch_hub_actor::stateful_pointer<watch_hub_state>;

int64_t now_ns(self_ptr self) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           self->clock().now().time_since_epoch())
    .count();
}

// Watches of subscribers on other nodes, counted per node against
// watch_config::max_watches_per_node.
void count_remote(self_ptr self, const caf::node_id& node, int delta) {
  if (node == self->node())
    return;
  auto& per_node = self->state.per_node;
  size_t& n = per_node[node];
  n += delta;
  if (n == 0)
    per_node.erase(node);
}

void forget_subscription(self_ptr self, const caf::actor_addr& addr, watch_id id) {
  auto& by_sub = self->state.by_subscriber;
  auto it = by_sub.find(addr);
  if (it == by_sub.end())
    return;
  std::erase(it->second, id);
  count_remote(self, addr.node(), -1);
  if (it->second.empty()) {
    self->demonitor(addr);
    by_sub.erase(it);
  }
}

// Turns what the registry emits into messages.
class hub_sink final : public watch_sink {
public:
  explicit hub_sink(self_ptr self) : self_(self) {}

  // Anonymous: a subscriber on another node never learns the hub's handle.
  void deliver(uint32_t slot, watch_batch&& batch) override {
    caf::anon_send(self_->state.subs[slot], std::move(batch));
  }

  void end(uint32_t slot, watch_end&& end) override {
    auto& sub = self_->state.subs[slot];
    forget_subscription(self_, sub.address(), end.id);
    caf::anon_send(sub, std::move(end));
    sub = nullptr;
  }

private:
  self_ptr self_;
};

// Watch control counts only from the watch's own subscriber.
bool subscribed_by(self_ptr self, watch_id id, const caf::actor_addr& from) {
  auto slot = self->state.reg.slot_of(id);
  return slot && from && self->state.subs[*slot].address() == from;
}

void schedule_tick(self_ptr self, int64_t due) {
  auto& st = self->state;
  if (st.tick_at != 0 && st.tick_at <= due)
    return;
  st.tick_at = due;
  ++st.tick_gen;
  auto delay = std::chrono::nanoseconds(std::max<int64_t>(due - now_ns(self), 0));
  self->delayed_send(self, delay, progress_atom_v, st.tick_gen);
}

// Registers a watch whose start revision is resolved, answers, then starts
// delivery (the answer goes out before any batch).
void register_watch(self_ptr self, watch_request req, watch_subscriber sub,
                    caf::typed_response_promise<watch_created> rp) {
  auto& st = self->state;
  if (st.closed) {
    rp.deliver(to_error(status{errc::closed, "the store is closing"}));
    return;
  }
  const uint32_t progress_ms = req.progress_ms;
  if (sub.node() != self->node()) {
    auto it = st.per_node.find(sub.node());
    if (it != st.per_node.end() && it->second >= st.max_watches_per_node) {
      rp.deliver(to_error(status{errc::busy, "this node already has "
                                               + std::to_string(st.max_watches_per_node)
                                               + " watches open"}));
      return;
    }
  }
  auto added = st.reg.add(std::move(req));
  if (!added) {
    status err = added.error();
    if (err.code() == errc::compacted)
      rp.deliver(caf::make_error(errc::compacted, err.message(), st.reg.oldest_rev()));
    else
      rp.deliver(to_error(err));
    return;
  }
  if (st.subs.size() <= added->slot)
    st.subs.resize(added->slot + 1);
  auto addr = sub.address();
  auto& ids = st.by_subscriber[addr];
  if (ids.empty())
    self->monitor(sub);
  ids.push_back(added->id);
  count_remote(self, addr.node(), +1);
  st.subs[added->slot] = std::move(sub);
  rp.deliver(watch_created{added->id, added->start_rev, added->limit, added->incarnation});
  hub_sink out{self};
  const int64_t now = now_ns(self);
  st.reg.start(added->slot, now, out);
  if (progress_ms != 0 && st.reg.contains(added->id))
    schedule_tick(self, now + static_cast<int64_t>(progress_ms) * 1'000'000);
}

} // namespace

watch_hub_actor::behavior_type watch_hub_impl(self_ptr self, coordinator_actor coordinator,
                                              watch_config cfg, revision recovered_rev) {
  auto& st = self->state;
  st.reg = watch_registry{cfg};
  st.reg.reset(recovered_rev);
  st.max_key_size = cfg.max_key_size;
  st.max_watches_per_node = cfg.max_watches_per_node;
  st.coordinator = std::move(coordinator);
  // The store's exit (or a close) ends every watch cleanly: changes already
  // in the mailbox came first, so subscribers have seen everything.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    st.closed = true;
    hub_sink out{self};
    st.reg.end_all(errc::closed, "the store was closed", out);
    self->quit(msg.reason);
  });
  // A subscriber that goes away takes its watches with it.
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    std::erase_if(st.followers, [&](const change_listener& f) { return f.address() == msg.source; });
    auto it = st.by_subscriber.find(msg.source);
    if (it == st.by_subscriber.end())
      return;
    for (watch_id id : it->second)
      if (auto slot = st.reg.drop(id)) {
        st.subs[*slot] = nullptr;
        count_remote(self, msg.source.node(), -1);
      }
    st.by_subscriber.erase(it);
  });
  return {
    [self](change_atom, const group_ptr& g) {
      if (from_afar(self))
        return;
      hub_sink out{self};
      self->state.reg.on_group(g, out);
      for (const change_listener& f : self->state.followers)
        self->send(f, change_atom_v, g);
    },
    [self](follow_atom, revision from, change_listener& feed) -> caf::result<revision> {
      auto& st = self->state;
      if (from_afar(self))
        return refused_from_afar();
      if (st.closed || !feed)
        return to_error(status{errc::closed, "the store is closing"});
      const watch_history& h = st.reg.history();
      if (from > h.last_rev() + 1)
        return to_error(status{errc::invalid_argument, "revision " + std::to_string(from)
                                                         + " is past the next one, "
                                                         + std::to_string(h.last_rev() + 1)});
      if (from < h.oldest_rev())
        return caf::make_error(errc::compacted, "the history starts at revision " + std::to_string(h.oldest_rev()),
                               h.oldest_rev());
      h.for_each_group_from(from, [&](const group_ptr& g) {
        self->send(feed, change_atom_v, g);
        return true;
      });
      self->monitor(feed);
      st.followers.push_back(std::move(feed));
      return h.last_rev();
    },
    [self](adopt_atom, revision rev) {
      auto& st = self->state;
      if (from_afar(self))
        return;
      hub_sink out{self};
      st.reg.end_all(errc::compacted,
                     "this replica installed its primary's snapshot at revision " + std::to_string(rev)
                       + "; watch again from after it",
                     out);
      st.reg.reset(rev);
    },
    [self](watch_atom, watch_request& req,
           watch_subscriber& sub) -> caf::result<watch_created> {
      auto& st = self->state;
      if (from_afar(self))
        return refused_from_afar();
      if (st.closed)
        return to_error(status{errc::closed, "the store is closing"});
      if (!sub)
        return to_error(status{errc::invalid_argument, "a watch needs a subscriber"});
      if (auto v = validate_watch(req, st.max_key_size); !v)
        return to_error(v);
      auto rp = self->make_response_promise<watch_created>();
      if (req.start_rev != 0 || !st.coordinator) {
        if (req.start_rev == 0)
          req.start_rev = st.reg.rev() + 1;
        register_watch(self, std::move(req), std::move(sub), rp);
        return rp;
      }
      // "Now": after every commit the coordinator has decided, so a watch
      // created after a write returned never reports that write.
      self->request(st.coordinator, caf::infinite, revision_atom_v)
        .then(
          [self, req, sub, rp](revision rev) mutable {
            req.start_rev = rev + 1;
            register_watch(self, std::move(req), std::move(sub), rp);
          },
          [rp](caf::error&) mutable {
            rp.deliver(to_error(status{errc::closed, "the store is closing"}));
          });
      return rp;
    },
    [self](unwatch_atom, watch_id id, const caf::actor_addr& from) {
      if (from_afar(self) || !subscribed_by(self, id, from))
        return;
      hub_sink out{self};
      self->state.reg.cancel(id, errc::ok, "cancelled", out);
    },
    [self](watch_ack_atom, watch_id id, uint64_t consumed, const caf::actor_addr& from) {
      if (from_afar(self) || !subscribed_by(self, id, from))
        return;
      hub_sink out{self};
      self->state.reg.ack(id, consumed, out);
    },
    [self](stats_atom) -> caf::result<watch_stats> {
      if (from_afar(self))
        return refused_from_afar();
      return self->state.reg.stats();
    },
    [self](progress_atom, uint64_t gen) {
      auto& st = self->state;
      if (from_afar(self))
        return;
      if (gen != st.tick_gen)
        return;  // superseded by an earlier tick
      st.tick_at = 0;
      hub_sink out{self};
      if (int64_t next = st.reg.tick(now_ns(self), out); next != 0)
        schedule_tick(self, next);
    },
  };
}

watch_hub_actor spawn_watch_hub(caf::actor_system& sys, coordinator_actor coordinator,
                                watch_config cfg, revision recovered_rev) {
  auto hub = sys.spawn(watch_hub_impl, coordinator, cfg, recovered_rev);
  // Subscribed before any commit can follow (the caller has not returned),
  // so the hub's first group is recovered_rev + 1. With previous values: any
  // watcher may ask for them, also from the history.
  caf::anon_send(coordinator, subscribe_atom_v,
                 subscription{change_listener{hub}, /*want_prev=*/true, /*deadlines_only=*/false});
  return hub;
}

revision compact_revision_of(const caf::error& err) {
  if (err.category() != caf::atom("moss") || static_cast<errc>(err.code()) != errc::compacted)
    return 0;
  const caf::message& ctx = err.context();
  if (ctx.match_elements<std::string, revision>())
    return ctx.get_as<revision>(1);
  return 0;
}

} // namespace moss
