// The typed handle of an actor that receives a watch's events. Declared here,
// not in actors/interfaces.hpp, because the type-ID block registers it: the
// handle travels inside watch requests, also to other nodes.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <moss/messages/watch.hpp>

namespace moss {

/// Receives the batches of its watches, then one watch_end per watch.
using watch_subscriber = caf::typed_actor<caf::reacts_to<watch_batch>, caf::reacts_to<watch_end>>;

} // namespace moss
