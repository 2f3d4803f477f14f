// The ticker's behavior: tick itself, upgrade the weak handle, pass it on.
#include "actors/ticker.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <moss/messages/type_ids.hpp>

#include "actors/local_only.hpp"

namespace moss {

namespace {

struct ticker_state {
  caf::weak_actor_ptr target;
  caf::timespan period{};
  static inline const char* name = "moss.ticker";
};

caf::behavior ticker_impl(caf::stateful_actor<ticker_state>* self, caf::weak_actor_ptr target,
                          caf::timespan period) {
  self->state.target = std::move(target);
  self->state.period = period;
  self->set_default_handler(caf::drop);
  self->delayed_send(self, period, tick_atom_v);
  return {
    [self](tick_atom) {
      if (from_afar(self))
        return;
      auto target = caf::actor_cast<caf::strong_actor_ptr>(self->state.target);
      if (!target) {
        self->quit();
        return;
      }
      self->send(caf::actor_cast<caf::actor>(std::move(target)), tick_atom_v);
      self->delayed_send(self, self->state.period, tick_atom_v);
    },
  };
}

} // namespace

caf::actor spawn_ticker(caf::actor_system& sys, const caf::actor& target, caf::timespan period) {
  return sys.spawn(ticker_impl, caf::actor_cast<caf::weak_actor_ptr>(target), period);
}

} // namespace moss
