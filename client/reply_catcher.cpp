// The reply catcher: direct sends, and answers completed where they arrive.
#include "client/reply_catcher.hpp"

#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/make_actor.hpp>
#include <caf/mailbox_element.hpp>

namespace moss {

reply_catcher::reply_catcher(caf::actor_config& cfg, std::string where, caf::timespan timeout)
  : caf::monitorable_actor(cfg), where_(std::move(where)), timeout_(timeout) {}

caf::strong_actor_ptr reply_catcher::make(caf::actor_system& sys, std::string where, caf::timespan timeout) {
  caf::actor_config cfg;
  return caf::make_actor<reply_catcher, caf::strong_actor_ptr>(sys.next_actor_id(), sys.node(), &sys, cfg,
                                                               std::move(where), timeout);
}

void reply_catcher::send(const store_actor& store, batch_item_ptr item) {
  call_batch batch;
  batch.calls.push_back(item->take_call());
  uint64_t id;
  {
    std::unique_lock lock(mu_);
    if (gone_) {
      status why = *gone_;
      lock.unlock();
      item->fail(why);
      return;
    }
    id = next_id_++ & caf::message_id::request_id_mask;
    out_.emplace(id, out_call{std::move(item), std::chrono::steady_clock::now() + timeout_});
  }
  // A request id of the normal category: the store answers it with its response id.
  caf::message_id mid{caf::message_id::default_async_value | id};
  caf::actor_cast<caf::abstract_actor*>(store)->enqueue(
    caf::make_mailbox_element(caf::strong_actor_ptr{ctrl()}, mid, {}, call_atom_v, std::move(batch)), nullptr);
}

void reply_catcher::enqueue(caf::mailbox_element_ptr what, caf::execution_unit*) {
  if (!what || !what->mid.is_response())
    return;  // only answers are expected here
  const uint64_t id = what->mid.request_id().integer_value() & caf::message_id::request_id_mask;
  batch_item_ptr item;
  {
    std::lock_guard lock(mu_);
    auto i = out_.find(id);
    if (i == out_.end())
      return;  // expired or failed already
    item = std::move(i->second.item);
    out_.erase(i);
  }
  auto msg = what->move_content_to_message();
  if (msg.match_elements<call_batch_answer>()) {
    auto& answer = msg.get_mutable_as<call_batch_answer>(0);
    if (answer.answers.size() == 1)
      item->answer(answer.answers.front());
    else
      item->fail(status{errc::unreachable, where_ + " answered a call with " + std::to_string(answer.answers.size())
                                             + " answers"});
  } else if (msg.match_elements<caf::error>()) {
    item->fail(describe_call_error(msg.get_as<caf::error>(0), where_, timeout_));
  } else {
    item->fail(status{errc::unreachable, where_ + " answered a call with an unexpected message"});
  }
}

void reply_catcher::fail_all(const status& why) {
  std::unordered_map<uint64_t, out_call> failing;
  {
    std::lock_guard lock(mu_);
    if (!gone_)
      gone_ = why;
    failing.swap(out_);
  }
  for (auto& [id, c] : failing)
    c.item->fail(why);
}

void reply_catcher::expire(std::chrono::steady_clock::time_point now) {
  std::vector<batch_item_ptr> late;
  {
    std::lock_guard lock(mu_);
    for (auto i = out_.begin(); i != out_.end();) {
      if (i->second.deadline <= now) {
        late.push_back(std::move(i->second.item));
        i = out_.erase(i);
      } else {
        ++i;
      }
    }
  }
  for (auto& c : late)
    c->fail(describe_call_error(caf::make_error(caf::sec::request_timeout), where_, timeout_));
}

void reply_catcher::stop() {
  fail_all(status{errc::closed, "the connection was closed before the answer came"});
  cleanup(caf::exit_reason::user_shutdown, nullptr);
}

} // namespace moss
