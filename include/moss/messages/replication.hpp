// What a replica and its primary say to each other: the replica's hello,
// then frames of the commit stream (or of a full sync) that the replica
// acknowledges one by one. Plain structs with their `inspect`.
//
//   replica --hello(incarnation, applied)--> primary's gateway --> a feed of its own
//   replica --ack(0): ready--> feed (the feed sends nothing before it)
//   feed --frame(commits | snap_begin, snap_chunk..., snap_end | beat | end)--> replica
//   replica --ack(frame seq)--> feed
//   replica --frame(end)--> feed: the replica leaves this stream (e.g. to reconnect)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <moss/record_meta.hpp>

namespace moss {

/// Where a replica stands when it connects.
struct repl_hello {
  uint64_t incarnation = 0;  ///< the primary incarnation its data came from (0: none)
  revision applied = 0;      ///< the last revision it applied
  std::string name;          ///< how the primary lists it (e.g. its host:port)
};

/// One commit of the primary: its revision and its log payload (the
/// commit_at record, see persistence/wal_record.hpp).
struct repl_commit {
  revision rev = 0;
  std::string payload;
};

enum class repl_frame_kind : uint8_t {
  commits = 1,     ///< commits, the first at the replica's applied revision + 1
  snap_begin = 2,  ///< a full sync: the primary's snapshot at `rev`, `size` bytes, follows
  snap_chunk = 3,  ///< the next `bytes` of it
  snap_end = 4,    ///< all of it was sent; commits after `rev` follow
  beat = 5,        ///< nothing new; the primary is at `primary_rev`
  end = 6,         ///< the primary ends the stream (`bytes` says why); connect again
};

/// The ack a follower sends first, once it knows its feed: frames sent
/// before it could arrive ahead of the feed's handle and be dropped.
inline constexpr uint64_t repl_ready_seq = 0;

/// One message of the stream. Every kind but beat is acknowledged by its seq.
struct repl_frame {
  repl_frame_kind kind = repl_frame_kind::beat;
  uint64_t seq = 0;          ///< 1, 2, ... for acknowledged frames; 0 for beats
  revision primary_rev = 0;  ///< the primary's last revision when it sent this
  uint64_t incarnation = 0;  ///< snap_begin: the primary's incarnation
  revision rev = 0;          ///< snap_begin/snap_end: the snapshot's revision
  uint64_t size = 0;         ///< snap_begin: the snapshot's bytes
  std::string bytes;         ///< snap_chunk: data; end: the reason
  std::vector<repl_commit> commits;
};

/// A replica as its primary lists it in stats.
struct replica_info {
  std::string name;
  revision applied = 0;   ///< what it acknowledged
  uint64_t lag_revs = 0;  ///< the primary's revision minus that
  uint64_t lag_ms = 0;    ///< since it was last caught up (0: caught up)
  bool syncing = false;   ///< a full sync is under way
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, repl_hello& x) {
  return f(x.incarnation, x.applied, x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, repl_commit& x) {
  return f(x.rev, x.payload);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, repl_frame& x) {
  return f(x.kind, x.seq, x.primary_rev, x.incarnation, x.rev, x.size, x.bytes, x.commits);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_info& x) {
  return f(x.name, x.applied, x.lag_revs, x.lag_ms, x.syncing);
}

} // namespace moss
