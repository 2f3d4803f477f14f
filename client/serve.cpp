// moss::serve: a store and its published gateway, as mossd runs them.
#include <moss/remote.hpp>

#include <caf/io/middleman.hpp>
#include <caf/io/publish.hpp>

#include "actors/session.hpp"
#include "actors/spawn_store.hpp"

namespace moss {

struct served_store::impl {
  caf::actor_system* sys = nullptr;
  store_parts parts;
  gateway_actor gateway;
  uint16_t port = 0;
  bool stopped = false;
};

served_store::served_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
served_store::served_store(served_store&&) noexcept = default;
served_store& served_store::operator=(served_store&&) noexcept = default;

served_store::~served_store() {
  if (impl_)
    (void) stop();
}

uint16_t served_store::port() const noexcept {
  return impl_ ? impl_->port : 0;
}

store_actor served_store::store() const {
  return impl_ ? impl_->parts.store : store_actor{};
}

status served_store::stop() {
  if (!impl_ || impl_->stopped)
    return status::ok();
  impl_->stopped = true;
  (void) impl_->sys->middleman().unpublish(impl_->gateway, impl_->port);
  caf::anon_send_exit(impl_->gateway, caf::exit_reason::user_shutdown);
  return stop_store(impl_->parts);
}

result<served_store> serve(caf::actor_system& sys, const options& opts, uint16_t port,
                           const std::string& host) {
  if (!sys.has_middleman())
    return status{errc::invalid_argument, "serve needs the middleman: cfg.load<caf::io::middleman>()"};
  auto parts = start_store(sys, opts);
  if (!parts)
    return parts.error();
  auto p = std::make_unique<served_store::impl>();
  p->sys = &sys;
  p->parts = std::move(*parts);
  p->gateway = spawn_gateway(sys, p->parts.front, p->parts.store, nullptr, replication_source_of(p->parts));
  auto published = caf::io::publish(p->gateway, port, host.c_str(), true);
  if (!published) {
    status why{errc::io_error, "cannot publish on " + host + ":" + std::to_string(port) + ": "
                                 + sys.render(published.error())};
    caf::anon_send_exit(p->gateway, caf::exit_reason::user_shutdown);
    (void) stop_store(p->parts);
    return why;
  }
  p->port = *published;
  return served_store{std::move(p)};
}

} // namespace moss
