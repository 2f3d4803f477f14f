// watch_handle and watch_stream: thin views of a watch_channel.
#include "client/watch_channel.hpp"

namespace moss {

watch_handle& watch_handle::operator=(watch_handle&& other) noexcept {
  if (this != &other) {
    cancel();
    ch_ = std::move(other.ch_);
  }
  return *this;
}

watch_handle::~watch_handle() {
  cancel();
}

void watch_handle::cancel() {
  if (ch_)
    ch_->cancel();
}

bool watch_handle::done() const {
  if (!ch_)
    return true;
  std::lock_guard lk(ch_->mu);
  return ch_->finished && ch_->queue.empty();
}

status watch_handle::error() const {
  if (!ch_)
    return status::ok();
  std::lock_guard lk(ch_->mu);
  if (!ch_->end || ch_->end->code == errc::ok)
    return status::ok();
  return status{ch_->end->code, ch_->end->message};
}

revision watch_handle::reached() const {
  if (!ch_)
    return 0;
  std::lock_guard lk(ch_->mu);
  // Once the queue is drained, the hub's word counts: it may have passed
  // revisions with nothing for this watch.
  if (ch_->end && ch_->queue.empty())
    return std::max(ch_->position, ch_->end->reached);
  return ch_->position;
}

std::optional<watch_end> watch_handle::ended() const {
  if (!ch_)
    return std::nullopt;
  std::optional<watch_end> out;
  {
    std::lock_guard lk(ch_->mu);
    out = ch_->end;
  }
  if (out)
    out->reached = reached();
  return out;
}

watch_id watch_handle::id() const {
  if (!ch_)
    return 0;
  std::lock_guard lk(ch_->mu);
  return ch_->id;
}

revision watch_handle::start_revision() const {
  if (!ch_)
    return 0;
  std::lock_guard lk(ch_->mu);
  return ch_->start_rev;
}

uint64_t watch_handle::incarnation() const {
  if (!ch_)
    return 0;
  std::lock_guard lk(ch_->mu);
  return ch_->incarnation;
}

std::optional<watch_event> watch_stream::next() {
  if (!ch_)
    return std::nullopt;
  return ch_->pop(true, std::nullopt);
}

std::optional<watch_event> watch_stream::next(std::chrono::nanoseconds timeout) {
  if (!ch_)
    return std::nullopt;
  return ch_->pop(true, std::chrono::steady_clock::now() + timeout);
}

std::optional<watch_event> watch_stream::try_next() {
  if (!ch_)
    return std::nullopt;
  return ch_->pop(false, std::nullopt);
}

} // namespace moss
