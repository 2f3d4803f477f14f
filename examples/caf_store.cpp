// Spawning a store inside a CAF application and talking to it with requests:
// from a blocking scoped_actor, and from an event-based actor of your own.
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <moss/store.hpp>

using namespace std::chrono_literals;

int main() {
  caf::actor_system_config cfg;
  moss::add_moss_types(cfg);  // message types and the "moss" error category
  caf::actor_system sys{cfg};
  auto spawned = moss::spawn_store(sys, moss::options{});
  if (!spawned) {
    std::cerr << "cannot start the store: " << spawned.error().to_string() << "\n";
    return 1;
  }
  moss::store_actor store = *spawned;

  {
    // A blocking caller (a plain thread). Destroy it before the system goes.
    caf::scoped_actor self{sys};
    moss::txn_request put;
    put.success = {moss::txn_op::put("config/a", "1"), moss::txn_op::put("config/b", "2")};
    self->request(store, 5s, moss::txn_atom_v, put)
      .receive([](const moss::txn_result& r) { std::cout << "committed at revision " << r.rev << "\n"; },
               [](caf::error& err) { std::cerr << "txn failed: " << caf::to_string(err) << "\n"; });
    self->request(store, 5s, moss::get_atom_v, std::string{"config/a"})
      .receive([](const moss::lookup_result& r) {
                 std::cout << "config/a = " << (r.found ? r.entry.value : "(none)") << "\n";
               },
               [](caf::error& err) { std::cerr << "get failed: " << caf::to_string(err) << "\n"; });
    // Bad input comes back as a moss error, not a crash.
    self->request(store, 5s, moss::get_atom_v, std::string{})
      .receive([](const moss::lookup_result&) {},
               [&](caf::error& err) { std::cout << "empty key: " << sys.render(err) << "\n"; });
  }

  // An event-based actor of your own, scanning without blocking; it stops
  // the store when done (an exit to the store stops all of its actors).
  sys.spawn([store](caf::event_based_actor* self) {
    self->request(store, 5s, moss::scan_atom_v, moss::scan_request::prefix("config/"))
      .then([self, store](const moss::scan_result& r) {
        for (const auto& e : r.entries)
          std::cout << "scan: " << e.key << " = " << e.value << "\n";
        self->send_exit(store, caf::exit_reason::user_shutdown);
      });
  });
  return 0;  // ~actor_system waits for every actor to finish
}
