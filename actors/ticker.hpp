// A ticker: sends `tick_atom` to one actor every period, for as long as that
// actor lives. Owns nothing but a weak handle of its target, so a detached
// target never has a pending delayed message keeping it alive: CAF 0.17
// stops its clock before it waits for detached threads, and a strong handle
// left in the clock would make ~actor_system wait forever.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/timespan.hpp>

namespace moss {

/// Starts ticking `target` every `period`; the ticker ends with the target.
caf::actor spawn_ticker(caf::actor_system& sys, const caf::actor& target, caf::timespan period);

} // namespace moss
