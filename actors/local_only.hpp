// Defence in depth for internal actors: no handle of one ever reaches another
// node (the store fronts answer every request themselves), and should one
// leak anyway, a message whose sender is on another node is refused.
#pragma once

#include <caf/local_actor.hpp>

#include <moss/messages/errors.hpp>
#include <moss/status.hpp>

namespace moss {

/// True when the message being handled comes from an actor on another node.
inline bool from_afar(caf::local_actor* self) {
  const auto& from = self->current_sender();
  return from && from->node() != self->node();
}

/// The error an internal actor answers such a request with.
inline caf::error refused_from_afar() {
  return to_error(status{errc::refused, "an internal actor of the store takes no messages from other nodes"});
}

} // namespace moss
