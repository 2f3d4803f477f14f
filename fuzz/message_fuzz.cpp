// What a remote peer can send a store: arbitrary bytes deserialized with
// CAF's binary deserializer (as BASP does) into each public request type,
// then handed to a peer session of a store on the deterministic test
// coordinator. No crash, no hang, no unbounded allocation, and every
// request gets an answer (a result or an error).
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/session.hpp"
#include "actors/spawn_store.hpp"
#include "fuzz/fuzz_util.hpp"

using namespace moss;

namespace {

struct harness {
  caf::actor_system_config cfg;
  std::optional<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  store_parts parts;
  caf::actor anchor;
  store_actor session;
  watch_subscriber sub;

  harness() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    add_moss_types(cfg);
    sys.emplace(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    options opts;
    opts.shards = 2;
    auto p = start_store(*sys, opts);
    fuzz::require(static_cast<bool>(p));
    parts = std::move(*p);
    anchor = spawn_anchor(*sys);
    session = sys->spawn(session_impl, parts.front, anchor, caf::actor_cast<caf::actor>(parts.store));
    sub = sys->spawn([](watch_subscriber::pointer) -> watch_subscriber::behavior_type {
      return {[](watch_batch&) {}, [](watch_end&) {}};
    });
    sched->run();
  }

  // Sends one request and runs until nothing is left; true if answered.
  template <class T, class... Ts>
  bool ask(Ts... xs) {
    bool answered = false;
    sys->spawn([&, xs...](caf::event_based_actor* self) {
      self->request(session, caf::infinite, xs...)
        .then([&](const T&) { answered = true; }, [&](caf::error&) { answered = true; });
    });
    sched->run();
    return answered;
  }
};

// Never destroyed: ~actor_system would wait for actors that only the test
// coordinator runs. Reachable through the static, so not reported as a leak.
harness& h() {
  static harness* instance = new harness;
  return *instance;
}

template <class T>
bool decode(const uint8_t* data, size_t size, T& out) {
  caf::binary_deserializer src{*h().sys, reinterpret_cast<const char*>(data), size};
  return !src(out);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  harness& x = h();
  const uint8_t which = data[0] % 8;
  ++data;
  --size;
  switch (which) {
    case 0: {
      txn_request req;
      if (decode(data, size, req))
        fuzz::require(x.ask<txn_result>(txn_atom_v, req));
      break;
    }
    case 1: {
      scan_request req;
      if (decode(data, size, req))
        fuzz::require(x.ask<scan_result>(scan_atom_v, req));
      break;
    }
    case 2: {
      call_batch req;
      if (decode(data, size, req))
        fuzz::require(x.ask<call_batch_answer>(call_atom_v, req));
      break;
    }
    case 3: {
      watch_request req;
      if (decode(data, size, req))
        fuzz::require(x.ask<watch_created>(watch_atom_v, req, x.sub));
      break;
    }
    case 4:
    case 5: {
      std::string key;
      if (decode(data, size, key))
        fuzz::require(which == 4 ? x.ask<lookup_result>(get_atom_v, key) : x.ask<bool>(exists_atom_v, key));
      break;
    }
    default: {
      watch_id id = 0;
      uint64_t n = 0;
      if (decode(data, size, id) && decode(data, size, n)) {
        caf::anon_send(x.session, unwatch_atom_v, id);
        caf::anon_send(x.session, watch_ack_atom_v, id, n);
        x.sched->run();
        fuzz::require(x.ask<store_stats>(stats_atom_v));  // still answering
      }
    }
  }
  return 0;
}
