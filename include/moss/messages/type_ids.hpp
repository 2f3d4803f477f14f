// The CAF type-ID block and atoms of mossdb: every type that may cross a
// process boundary is listed here, and both sides of a connection register
// it with cfg.add_message_types<caf::id_block::moss>().
#pragma once

#include <vector>

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include <moss/messages/call.hpp>
#include <moss/messages/kv.hpp>
#include <moss/messages/replication.hpp>
#include <moss/messages/scan.hpp>
#include <moss/messages/stats.hpp>
#include <moss/messages/txn.hpp>
#include <moss/messages/watch.hpp>
#include <moss/messages/watch_subscriber.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(moss, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(moss, (moss::record_meta))
  CAF_ADD_TYPE_ID(moss, (moss::kv))
  CAF_ADD_TYPE_ID(moss, (moss::lookup_result))
  CAF_ADD_TYPE_ID(moss, (moss::compare))
  CAF_ADD_TYPE_ID(moss, (moss::txn_op))
  CAF_ADD_TYPE_ID(moss, (moss::txn_request))
  CAF_ADD_TYPE_ID(moss, (moss::op_result))
  CAF_ADD_TYPE_ID(moss, (moss::txn_result))
  CAF_ADD_TYPE_ID(moss, (moss::scan_request))
  CAF_ADD_TYPE_ID(moss, (moss::scan_result))
  CAF_ADD_TYPE_ID(moss, (moss::store_stats))

  CAF_ADD_ATOM(moss, moss, get_atom, "get")
  CAF_ADD_ATOM(moss, moss, exists_atom, "exists")
  CAF_ADD_ATOM(moss, moss, scan_atom, "scan")
  CAF_ADD_ATOM(moss, moss, txn_atom, "txn")
  CAF_ADD_ATOM(moss, moss, stats_atom, "stats")
  CAF_ADD_ATOM(moss, moss, apply_atom, "apply")
  CAF_ADD_ATOM(moss, moss, append_atom, "append")
  CAF_ADD_ATOM(moss, moss, tick_atom, "tick")
  CAF_ADD_ATOM(moss, moss, compact_atom, "compact")
  CAF_ADD_ATOM(moss, moss, rotate_atom, "rotate")
  CAF_ADD_ATOM(moss, moss, snap_done_atom, "snapdone")
  CAF_ADD_ATOM(moss, moss, install_atom, "install")
  CAF_ADD_ATOM(moss, moss, revision_atom, "revision")
  CAF_ADD_ATOM(moss, moss, flush_atom, "flush")
  CAF_ADD_ATOM(moss, moss, commit_atom, "commit")
  CAF_ADD_ATOM(moss, moss, change_atom, "change")
  CAF_ADD_ATOM(moss, moss, subscribe_atom, "subscribe")
  CAF_ADD_ATOM(moss, moss, close_atom, "close")

  CAF_ADD_TYPE_ID(moss, (moss::watch_event))
  CAF_ADD_TYPE_ID(moss, (moss::watch_request))
  CAF_ADD_TYPE_ID(moss, (moss::watch_created))
  CAF_ADD_TYPE_ID(moss, (moss::watch_batch))
  CAF_ADD_TYPE_ID(moss, (moss::watch_end))
  CAF_ADD_TYPE_ID(moss, (moss::watch_stats))
  CAF_ADD_TYPE_ID(moss, (moss::watch_subscriber))
  CAF_ADD_ATOM(moss, moss, watch_atom, "watch")
  CAF_ADD_ATOM(moss, moss, unwatch_atom, "unwatch")
  CAF_ADD_ATOM(moss, moss, watch_ack_atom, "watch_ack")
  CAF_ADD_ATOM(moss, moss, progress_atom, "progress")

  CAF_ADD_TYPE_ID(moss, (moss::call_batch))
  CAF_ADD_TYPE_ID(moss, (moss::call_batch_answer))
  CAF_ADD_ATOM(moss, moss, call_atom, "call")
  CAF_ADD_ATOM(moss, moss, hello_atom, "hello")

  CAF_ADD_TYPE_ID(moss, (moss::repl_hello))
  CAF_ADD_TYPE_ID(moss, (moss::repl_frame))
  CAF_ADD_ATOM(moss, moss, replicate_atom, "replicate")
  CAF_ADD_ATOM(moss, moss, repl_atom, "repl")
  CAF_ADD_ATOM(moss, moss, repl_ack_atom, "repl_ack")
  CAF_ADD_ATOM(moss, moss, follow_atom, "follow")
  CAF_ADD_ATOM(moss, moss, adopt_atom, "adopt")

CAF_END_TYPE_ID_BLOCK(moss)
