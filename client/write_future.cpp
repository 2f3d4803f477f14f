// write_future over the reply slot the store completes.
#include <moss/write_future.hpp>

#include "core/completion.hpp"

namespace moss {

write_future write_future::failed(status st) {
  auto slot = std::make_shared<reply_slot>();
  slot->complete(std::move(st));
  return write_future{std::move(slot)};
}

bool write_future::ready() const noexcept {
  return slot_ && slot_->ready();
}

result<txn_result> write_future::get() {
  return slot_->wait();
}

bool write_future::wait_for(std::chrono::nanoseconds timeout) {
  return slot_->wait_for(timeout);
}

} // namespace moss
