// Reaching a store on another CAF node, two ways: the moss::db facade
// (db::connect: the same calls as an embedded store), and a CAF application
// that obtains the remote store actor and requests it directly.
//
//   mossd --dir /tmp/node &            # prints "listening 127.0.0.1:7821"
//   ./remote_store 127.0.0.1 7821
//
// Without arguments it publishes a store of its own on a free port first,
// so it runs anywhere.
#include <cstdlib>
#include <iostream>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/remote_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <moss/db.hpp>
#include <moss/remote.hpp>
#include <moss/store.hpp>

using namespace std::chrono_literals;

namespace {

// 1. The facade: one class for embedded and remote stores.
int with_the_facade(const std::string& host, uint16_t port) {
  moss::connect_options opts;
  opts.timeout = 2s;  // no call waits longer; a lost node fails calls at once
  auto db = moss::db::connect(host, port, opts);
  if (!db) {
    std::cerr << "connect: " << db.error().to_string() << "\n";
    return 1;
  }
  auto watch = db->watch_prefix("config/");
  if (auto st = db->set("config/mode", "fast"); !st) {
    std::cerr << "set: " << st.to_string() << "\n";
    return 1;
  }
  auto value = db->get("config/mode");
  std::cout << "facade: config/mode = " << value->value_or("(nil)") << "\n";
  if (auto ev = watch.next(2s))
    std::cout << "facade: watch saw rev " << ev->rev << " " << ev->key << " = " << ev->value << "\n";
  return 0;
}

// 2. Plain CAF: the published actor is a moss::gateway_actor; a hello to it
//    gives this node a session (a moss::store_actor of its own) to request.
int with_caf_requests(const std::string& host, uint16_t port) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  moss::add_moss_types(cfg);  // both ends register the message types
  caf::actor_system sys{cfg};
  auto gateway = caf::io::remote_actor<moss::gateway_actor>(sys, host, port);
  if (!gateway) {
    std::cerr << "remote_actor: " << sys.render(gateway.error()) << "\n";
    return 1;
  }
  // The session lives as long as its anchor (or this node's connection).
  auto anchor = moss::spawn_anchor(sys);
  auto store = moss::open_session(sys, *gateway, anchor, 2s);
  if (!store) {
    caf::anon_send_exit(anchor, caf::exit_reason::user_shutdown);
    std::cerr << "hello: " << store.error().to_string() << "\n";
    return 1;
  }
  caf::scoped_actor self{sys};
  int rc = 0;
  self->request(*store, 2s, moss::get_atom_v, std::string{"config/mode"})
    .receive(
      [](const moss::lookup_result& r) {
        std::cout << "caf: config/mode = " << (r.found ? r.entry.value : "(nil)") << " (mod rev "
                  << r.entry.meta.mod_rev << ")\n";
      },
      [&](caf::error& err) {
        std::cerr << "get: " << moss::to_status(err).to_string() << "\n";
        rc = 1;
      });
  caf::anon_send_exit(anchor, caf::exit_reason::user_shutdown);  // ends the session
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // No address given: publish an in-memory store of our own.
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  moss::add_moss_types(cfg);
  caf::actor_system node{cfg};
  std::optional<moss::served_store> own;
  if (argc == 3) {
    host = argv[1];
    port = static_cast<uint16_t>(std::atoi(argv[2]));
  } else {
    // What mossd does: publish a gateway, which gives each peer a session.
    auto served = moss::serve(node, moss::options{}, 0, "127.0.0.1");
    if (!served) {
      std::cerr << "cannot publish a store: " << served.error().to_string() << "\n";
      return 1;
    }
    own = std::move(*served);
    port = own->port();
    std::cout << "published a store on 127.0.0.1:" << port << "\n";
  }
  int rc = with_the_facade(host, port);
  if (rc == 0)
    rc = with_caf_requests(host, port);
  if (own)
    (void) own->stop();
  return rc;
}
