// The call pipe: callers queue, batches go straight to the store's proxy,
// answers are completed where they arrive.
#include "client/call_pipe.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/make_actor.hpp>
#include <caf/mailbox_element.hpp>

namespace moss {

call_pipe::call_pipe(caf::actor_config& cfg, store_actor store, std::string where, caf::timespan timeout)
  : caf::monitorable_actor(cfg), where_(std::move(where)), timeout_(timeout), store_(std::move(store)) {}

caf::strong_actor_ptr call_pipe::make(caf::actor_system& sys, store_actor store, std::string where,
                                      caf::timespan timeout) {
  caf::actor_config cfg;
  return caf::make_actor<call_pipe, caf::strong_actor_ptr>(sys.next_actor_id(), sys.node(), &sys, cfg,
                                                           std::move(store), std::move(where), timeout);
}

bool call_pipe::submit(batch_item_ptr item) {
  std::unique_lock lock(mu_);
  if (gone_) {
    status why = *gone_;
    lock.unlock();
    item->fail(why);
    return false;
  }
  const bool shared = !queued_.empty() || !out_.empty();
  queued_.push_back(queued_call{std::move(item), clock::now() + timeout_});
  pump(lock);
  return shared;
}

void call_pipe::pump(std::unique_lock<std::mutex>& lock) {
  if (sending_) {
    lock.unlock();  // the thread sending now sees this call before it stops
    return;
  }
  sending_ = true;
  while (!gone_ && !queued_.empty() && out_.size() < max_batches_out) {
    const size_t n = std::min(queued_.size(), max_batch_calls);
    const uint64_t id = next_id_++ & caf::message_id::request_id_mask;
    auto& out = out_[id];
    out.deadline = queued_.front().deadline;
    out.items.reserve(n);
    call_batch batch;
    batch.calls.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      batch.calls.push_back(queued_[i].item->take_call());
      out.items.push_back(std::move(queued_[i].item));
    }
    queued_.erase(queued_.begin(), queued_.begin() + static_cast<ptrdiff_t>(n));
    const store_actor store = store_;  // stop() may reset store_ meanwhile
    // Sent without the lock: an answer (or a bounce) may arrive on this very
    // thread. Only this thread sends meanwhile (sending_), so batches keep
    // their calls' order.
    lock.unlock();
    // A request id of the normal category: the store answers it with its response id.
    caf::message_id mid{caf::message_id::default_async_value | id};
    caf::actor_cast<caf::abstract_actor*>(store)->enqueue(
      caf::make_mailbox_element(caf::strong_actor_ptr{ctrl()}, mid, {}, call_atom_v, std::move(batch)), nullptr);
    lock.lock();
  }
  sending_ = false;
  lock.unlock();
}

void call_pipe::enqueue(caf::mailbox_element_ptr what, caf::execution_unit*) {
  if (!what || !what->mid.is_response())
    return;  // only answers are expected here
  const uint64_t id = what->mid.request_id().integer_value() & caf::message_id::request_id_mask;
  std::vector<batch_item_ptr> items;
  {
    std::unique_lock lock(mu_);
    auto i = out_.find(id);
    if (i == out_.end())
      return;  // expired or failed already
    items = std::move(i->second.items);
    out_.erase(i);
    pump(lock);  // the next batch leaves before this one's callers hear back
  }
  auto msg = what->move_content_to_message();
  if (msg.match_elements<call_batch_answer>()) {
    auto& answer = msg.get_mutable_as<call_batch_answer>(0);
    if (answer.answers.size() == items.size()) {
      for (size_t k = 0; k < items.size(); ++k)
        items[k]->answer(answer.answers[k]);
      return;
    }
    const status bad{errc::unreachable, where_ + " answered a batch of " + std::to_string(items.size())
                                          + " calls with " + std::to_string(answer.answers.size())};
    for (auto& item : items)
      item->fail(bad);
  } else {
    const status why = msg.match_elements<caf::error>()
                         ? describe_call_error(msg.get_as<caf::error>(0), where_, timeout_)
                         : status{errc::unreachable, where_ + " answered a call with an unexpected message"};
    for (auto& item : items)
      item->fail(why);
  }
}

void call_pipe::fail_all(const status& why) {
  std::unordered_map<uint64_t, out_batch> failing;
  std::vector<queued_call> waiting;
  {
    std::lock_guard lock(mu_);
    if (!gone_)
      gone_ = why;
    failing.swap(out_);
    waiting.swap(queued_);
  }
  for (auto& [id, b] : failing)
    for (auto& item : b.items)
      item->fail(why);
  for (auto& q : waiting)
    q.item->fail(why);
}

void call_pipe::expire(clock::time_point now) {
  std::vector<batch_item_ptr> late;
  {
    std::unique_lock lock(mu_);
    for (auto i = out_.begin(); i != out_.end();) {
      if (i->second.deadline <= now) {
        std::move(i->second.items.begin(), i->second.items.end(), std::back_inserter(late));
        i = out_.erase(i);
      } else {
        ++i;
      }
    }
    // Queued calls are in the order they came, so their deadlines ascend.
    auto first_alive = std::find_if(queued_.begin(), queued_.end(),
                                    [now](const queued_call& q) { return q.deadline > now; });
    for (auto q = queued_.begin(); q != first_alive; ++q)
      late.push_back(std::move(q->item));
    queued_.erase(queued_.begin(), first_alive);
    pump(lock);  // the window may have opened
  }
  const status why = describe_call_error(caf::make_error(caf::sec::request_timeout), where_, timeout_);
  for (auto& c : late)
    c->fail(why);
}

void call_pipe::stop() {
  fail_all(status{errc::closed, "the connection was closed before the answer came"});
  {
    std::lock_guard lock(mu_);
    store_ = nullptr;
  }
  cleanup(caf::exit_reason::user_shutdown, nullptr);
}

} // namespace moss
