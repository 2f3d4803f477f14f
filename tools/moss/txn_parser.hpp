// The one-line syntax of txn and batch, parsed into a txn_request:
//   txn [if COMPARE {and COMPARE} then] OPS [else OPS]
//   batch OP {, OP}
// Parse errors are invalid_argument; the shell reports them as usage errors.
#pragma once

#include <chrono>
#include <optional>
#include <span>

#include <moss/messages/txn.hpp>
#include <moss/result.hpp>

#include "tools/moss/token.hpp"

namespace moss::shell {

struct parsed_txn {
  txn_request req;  ///< batch: every op is in `success`
};

/// The arguments after `txn`, tokenized with punctuation on.
result<parsed_txn> parse_txn(std::span<const token> args);
/// The arguments after `batch`: set, del and delprefix ops, at least one.
result<parsed_txn> parse_batch(std::span<const token> args);

} // namespace moss::shell
