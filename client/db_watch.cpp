// The facade's watches: each runs through a bridge actor that fills the
// channel a watch_stream (or a callback) reads.
#include "client/db_impl.hpp"
#include "client/watch_channel.hpp"
#include "core/watch_registry.hpp"

namespace moss {

namespace {

watch_request to_request(watch_scope scope, std::string_view key, std::string_view end,
                         const watch_options& wo) {
  watch_request req;
  req.scope = scope;
  req.key.assign(key);
  req.range_end.assign(end);
  req.start_rev = wo.start_rev;
  req.prev_value = wo.prev_value;
  req.kinds = wo.kinds;
  req.queue_limit = wo.queue_limit;
  req.incarnation = wo.incarnation;
  auto ms = wo.progress.count();
  req.progress_ms = ms <= 0 ? 0 : static_cast<uint32_t>(std::min<int64_t>(ms, UINT32_MAX));
  return req;
}

// Validates, has the back end start the bridge, and waits until the hub
// registered the watch (so a write that starts after this returns is seen).
std::shared_ptr<watch_channel> start_watch(db::impl* d_ptr, watch_request req, watch_callback on_event,
                                           watch_end_callback on_end) {
  auto ch = std::make_shared<watch_channel>();
  ch->on_event = std::move(on_event);
  ch->on_end = std::move(on_end);
  if (d_ptr == nullptr) {
    ch->fail(closed_error());
    return ch;
  }
  db::impl& d = *d_ptr;
  if (auto st = validate_watch(req, d.limit().max_key_size); !st) {
    ch->fail(st);
    return ch;
  }
  d.start_watch(std::move(req), ch);
  ch->wait_started();
  return ch;
}

} // namespace

watch_stream db::watch(std::string_view key, const watch_options& wo) {
  return watch(to_request(watch_scope::key, key, {}, wo));
}

watch_stream db::watch_prefix(std::string_view prefix, const watch_options& wo) {
  return watch(to_request(watch_scope::prefix, prefix, {}, wo));
}

watch_stream db::watch_range(std::string_view from, std::string_view to, const watch_options& wo) {
  return watch(to_request(watch_scope::range, from, to, wo));
}

watch_stream db::watch(watch_request req) {
  return watch_stream{start_watch(impl_.get(), std::move(req), {}, {})};
}

watch_handle db::watch(watch_request req, watch_callback on_event, watch_end_callback on_end) {
  if (!on_event) {
    auto ch = std::make_shared<watch_channel>();
    ch->fail(status{errc::invalid_argument, "a callback watch needs a callback"});
    return watch_handle{std::move(ch)};
  }
  return watch_handle{start_watch(impl_.get(), std::move(req), std::move(on_event), std::move(on_end))};
}

} // namespace moss
