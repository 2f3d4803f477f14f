// mossd: a store published to other CAF nodes with CAF's middleman.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <span>
#include <string_view>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/io/publish.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <optional>
#include <thread>
#include <sys/socket.h>
#include <unistd.h>

#include <moss/version.hpp>

#include "actors/replica_follower.hpp"
#include "actors/session.hpp"
#include "actors/spawn_store.hpp"
#include "client/tls_error_queue.hpp"
#include "tools/mossd/server_options.hpp"

namespace {

// CAF reports a failed bind as "tcp socket creation failed"; a bind of our
// own says why (e.g. "port 7821 is already in use").
std::optional<std::string> why_unbindable(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
    return "cannot resolve host " + host;
  std::optional<std::string> why;
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd >= 0) {
    int one = 1;
    (void) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0)
      why = errno == EADDRINUSE ? "port " + std::to_string(port) + " is already in use"
                                : std::string{"bind failed: "} + std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return why;
}

// mossd's log: one line each on stderr, from any thread.
void log_line(std::string_view line) {
  std::string out = "mossd: ";
  out.append(line);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);
}

// The replication part of the stats line: a replica's lag, a primary's replicas.
std::string replication_summary(const moss::store_stats& s) {
  std::string out;
  if (!s.replica_of.empty())
    out += ", replica of " + s.replica_of + (s.replica_connected ? "" : " (not connected)") + ", lag "
           + std::to_string(s.replica_lag_revs) + " revisions / " + std::to_string(s.replica_lag_ms) + " ms";
  if (!s.replicas.empty())
    out += ", replicas " + std::to_string(s.replicas.size());
  return out;
}

// The periodic stats line (--stats-interval).
void log_stats(caf::scoped_actor& self, const moss::store_actor& store, const moss::session_counts& counts) {
  self->request(store, std::chrono::seconds(5), moss::stats_atom_v)
    .receive(
      [&](const moss::store_stats& s) {
        log_line("stats: rev " + std::to_string(s.rev) + ", keys " + std::to_string(s.keys) + ", commits "
                 + std::to_string(s.commits) + " in " + std::to_string(s.groups) + " groups, log "
                 + std::to_string(s.log_bytes) + " B, fsyncs " + std::to_string(s.fsyncs) + ", watchers "
                 + std::to_string(s.watchers) + ", sessions " + std::to_string(counts.total())
                 + replication_summary(s));
      },
      [&](caf::error& err) { log_line("stats: " + moss::to_status(err).to_string()); });
}

} // namespace

int main(int argc, char** argv) {
  using namespace moss;
  std::span<const char* const> args{argv + 1, static_cast<size_t>(argc - 1)};
  if (!args.empty() && (std::string_view{args[0]} == "--help" || std::string_view{args[0]} == "-h")) {
    std::cout << server::server_usage();
    return 0;
  }
  if (!args.empty() && std::string_view{args[0]} == "--version") {
    std::cout << "mossd (mossdb) " MOSS_VERSION "\n";
    return 0;
  }
  auto opts = server::parse_server_options(args);
  if (!opts) {
    std::cerr << "mossd: " << opts.error().message() << "\n" << server::server_usage();
    return 2;
  }
  // Signals are taken by sigwait below; threads started from here inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  if (opts->tls()) {
    (void) tls_error_queue_guarded();  // links the workaround in (see its header)
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = opts->tls_cert;
    cfg.openssl_key = opts->tls_key;
    cfg.openssl_cafile = opts->tls_ca;
  }
  cfg.set("work-stealing.moderate-poll-attempts", int64_t{0});
  cfg.set("middleman.workers", int64_t{0});
  // A peer silent for 10 s (no heartbeat either) is dropped, and its
  // sessions and watches with it.
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds{2500}});
  cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds{10}});
  add_moss_types(cfg);
  caf::actor_system sys{cfg};
  opts->store.log = log_line;
  auto parts = start_store(sys, opts->store);
  if (!parts) {
    std::cerr << "mossd: cannot open " << opts->store.dir << ": " << parts.error().to_string() << "\n";
    return 1;
  }
  // Peers reach a gateway, never the store actor: each gets a session of its
  // own, and a gateway that a peer kills is replaced (see supervise).
  auto counts = std::make_shared<session_counts>(log_line);
  auto new_gateway = [&] { return spawn_gateway(sys, parts->front, parts->store, counts, replication_source_of(*parts)); };
  auto publish = [&](const gateway_actor& gw, uint16_t p) {
    return opts->tls() ? caf::openssl::publish(gw, p, opts->host.c_str(), true)
                       : caf::io::publish(gw, p, opts->host.c_str(), true);
  };
  auto mm_handle = [&] {
    return caf::actor_cast<caf::actor>(opts->tls() ? sys.openssl_manager().actor_handle()
                                                   : sys.middleman().actor_handle());
  };
  gateway_actor gateway = new_gateway();
  auto port = publish(gateway, opts->port);
  if (!port) {
    std::cerr << "mossd: cannot publish on " << opts->host << ":" << opts->port << ": "
              << why_unbindable(opts->host, opts->port).value_or(sys.render(port.error())) << "\n";
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    (void) stop_store(*parts);
    return 1;
  }
  // A replica follows its primary from here on; reads are served meanwhile.
  if (!opts->replica_host.empty())
    spawn_replica_follower(sys, follower_config{opts->replica_host, opts->replica_port, mm_handle(),
                                                opts->host + ":" + std::to_string(*port), *parts, log_line});
  std::printf("listening %s:%u\n", opts->host.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);
  std::cerr << "mossd: serving " << opts->store.dir << " on " << opts->host << ":" << *port
            << (opts->tls() ? " (TLS)" : "") << "\n";

  // The main thread supervises the gateway until a signal arrives.
  caf::scoped_actor self{sys};
  std::thread signal_waiter([&stop_signals, me = caf::actor_cast<caf::actor>(self)] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    caf::anon_send(me, close_atom_v, sig);
  });
  auto mm = mm_handle();
  self->monitor(gateway);
  int sig = 0;
  bool signalled = false;
  const auto interval = std::chrono::seconds{opts->stats_interval_s};
  auto next_stats = std::chrono::steady_clock::now() + interval;
  for (bool running = true; running;) {
    if (interval.count() > 0 && std::chrono::steady_clock::now() >= next_stats) {
      next_stats += interval;
      log_stats(self, parts->store, *counts);
    }
    const auto wait = interval.count() > 0
                        ? std::chrono::duration_cast<caf::timespan>(next_stats - std::chrono::steady_clock::now())
                        : caf::timespan{std::chrono::hours{24}};
    self->receive(
      [&](caf::down_msg& down) {
        if (down.source != gateway.address())
          return;
        // A peer ended the gateway (an exit it cannot trap, e.g. kill):
        // publish a new one on the same port. Open sessions never noticed.
        self->request(mm, caf::infinite, caf::unpublish_atom_v, down.source, *port)
          .receive([] {}, [](caf::error&) {});
        gateway = new_gateway();
        if (auto again = publish(gateway, *port); !again) {
          std::cerr << "mossd: cannot publish a new gateway: " << sys.render(again.error()) << "\n";
          sig = SIGTERM;
          running = false;
          return;
        }
        self->monitor(gateway);
        std::cerr << "mossd: the gateway ended (" << sys.render(down.reason) << "); a new one is published\n";
      },
      [&](close_atom, int s) {
        sig = s;
        signalled = true;
        running = false;
      },
      caf::after(std::max(wait, caf::timespan{0})) >> [] {});
  }
  if (!signalled)
    pthread_kill(signal_waiter.native_handle(), SIGTERM);  // ends its sigwait
  signal_waiter.join();
  std::cerr << "mossd: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
  caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  status st = stop_store(*parts);
  if (!st) {
    std::cerr << "mossd: " << st.to_string() << "\n";
    return 1;
  }
  return 0;  // ~actor_system waits for every actor
}
