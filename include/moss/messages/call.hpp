// Call batches: how a remote moss::db ships the gets, exists and
// transactions its threads issue concurrently in one message each way (one
// round trip carries every call that queued while the last one was out).
#pragma once

#include <string>
#include <vector>

#include <moss/errc.hpp>
#include <moss/messages/kv.hpp>
#include <moss/messages/txn.hpp>

namespace moss {

enum class call_kind : uint8_t { get, exists, txn };

/// One call of a batch.
struct call {
  call_kind kind = call_kind::get;
  std::string key;  ///< get, exists
  txn_request txn;  ///< txn
};

/// The answer to one call: an error, or the field of its kind.
struct call_answer {
  errc code = errc::ok;
  std::string message;  ///< why, when code is not ok
  lookup_result lookup; ///< get
  bool exists = false;  ///< exists
  txn_result txn;       ///< txn
};

/// Calls answered in order: reads see every transaction before them in the batch.
struct call_batch {
  std::vector<call> calls;
};

struct call_batch_answer {
  std::vector<call_answer> answers;  ///< one per call, in order
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call& x) {
  return f(x.kind, x.key, x.txn);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_answer& x) {
  return f(x.code, x.message, x.lookup, x.exists, x.txn);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_batch& x) {
  return f(x.calls);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_batch_answer& x) {
  return f(x.answers);
}

} // namespace moss
