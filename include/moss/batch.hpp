// A batch: many writes committed as one atomic transaction at one revision.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <moss/messages/txn.hpp>

namespace moss {

class batch {
public:
  /// With a ttl (which must be positive) the key expires that long after
  /// the commit; without, it never expires and a TTL it had is cleared.
  batch& set(std::string_view key, std::string_view value,
             std::optional<std::chrono::nanoseconds> ttl = std::nullopt) {
    req_.success.push_back(txn_op::put(std::string{key}, std::string{value}, ttl));
    return *this;
  }
  batch& del(std::string_view key) {
    req_.success.push_back(txn_op::del(std::string{key}));
    return *this;
  }
  batch& del_prefix(std::string_view prefix) {
    req_.success.push_back(txn_op::del_prefix(std::string{prefix}));
    return *this;
  }
  size_t size() const noexcept { return req_.success.size(); }
  bool empty() const noexcept { return req_.success.empty(); }

  /// The batch as a transaction, leaving the batch empty.
  txn_request take() { return std::exchange(req_, {}); }

private:
  txn_request req_;
};

} // namespace moss
