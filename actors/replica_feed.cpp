// The feed's behavior: choose between catching up and a full sync, then
// frame the stream as fast as the replica acknowledges it.
#include "actors/replica_feed.hpp"

#include <chrono>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <moss/messages/errors.hpp>

#include "actors/local_only.hpp"
#include "actors/watch_hub.hpp"
#include "core/log_commits.hpp"
#include "core/replicated_group.hpp"
#include "persistence/file_names.hpp"
#include "persistence/manifest.hpp"

namespace moss {

namespace {

struct feed_state {
  replication_source src;
  caf::actor sink;
  repl_hello hello;
  feed_limits lim;
  uint64_t id = 0;  ///< in src.status

  enum class phase : uint8_t { starting, snapshot, streaming } ph = phase::starting;
  bool ready = false;        ///< the follower said it knows this feed (repl_ready_seq)
  revision next_rev = 0;     ///< the first revision not yet framed
  revision primary_rev = 0;  ///< the newest revision seen
  revision acked_rev = 0;    ///< what the replica has acknowledged applying
  std::deque<group_ptr> pending;
  size_t pending_bytes = 0;
  // Catching up from the log: commits [log_next, log_end) come from the log
  // segments (read a budget at a time into log_queue), then `pending`.
  revision log_next = 0;
  revision log_end = 0;
  std::deque<repl_commit> log_queue;
  uint64_t seq = 0;  ///< of the last frame sent
  /// Frames sent, not acknowledged: seq and the revision the replica is at
  /// once it has applied the frame (0: unchanged).
  std::deque<std::pair<uint64_t, revision>> unacked;

  // A full sync: the snapshot file, open from its begin frame to its end.
  int fd = -1;
  revision snap_rev = 0;
  uint64_t snap_size = 0;
  uint64_t snap_sent = 0;
  bool snap_begin_sent = false;

  ~feed_state() {
    if (fd >= 0)
      ::close(fd);
  }
  static inline const char* name = "moss.replica_feed";
};

using self_ptr = caf::stateful_actor<feed_state>*;

void send_frame(self_ptr self, repl_frame&& f, revision reached) {
  auto& st = self->state;
  f.seq = ++st.seq;
  f.primary_rev = st.primary_rev;
  st.unacked.emplace_back(f.seq, reached);
  self->send(st.sink, repl_atom_v, std::move(f));
}

// Ends the stream with a reason the replica logs; it connects again.
void end_feed(self_ptr self, const std::string& why) {
  repl_frame f;
  f.kind = repl_frame_kind::end;
  f.bytes = why;
  f.primary_rev = self->state.primary_rev;
  self->send(self->state.sink, repl_atom_v, std::move(f));
  self->quit();
}

void report(self_ptr self) {
  auto& st = self->state;
  if (st.src.status)
    st.src.status->replica_acked(st.id, st.acked_rev, st.primary_rev, st.ph != feed_state::phase::streaming);
}

// Frames the next commits read from the log; false when it ended the feed.
bool frame_from_log(self_ptr self) {
  auto& st = self->state;
  if (st.log_queue.empty()) {
    auto got = read_log_commits(default_file_system(), st.src.dir, st.log_next, st.log_end,
                                st.lim.frame_bytes * st.lim.window * 2);
    if (!got || got->empty()) {
      end_feed(self, "the primary could not read its log from revision " + std::to_string(st.log_next) + " ("
                       + (got ? std::string{"nothing there"} : got.error().to_string()) + "); connect again");
      return false;
    }
    for (repl_commit& c : *got)
      st.log_queue.push_back(std::move(c));
  }
  repl_frame f;
  f.kind = repl_frame_kind::commits;
  size_t bytes = 0;
  while (!st.log_queue.empty() && bytes < st.lim.frame_bytes) {
    bytes += st.log_queue.front().payload.size();
    f.commits.push_back(std::move(st.log_queue.front()));
    st.log_queue.pop_front();
  }
  const revision reached = f.commits.back().rev;
  st.log_next = reached + 1;
  send_frame(self, std::move(f), reached);
  return true;
}

// Sends what the window allows: the snapshot's begin, chunks and end, then
// commits. Nothing before the follower is ready.
void pump(self_ptr self) {
  auto& st = self->state;
  while (st.ready && st.unacked.size() < st.lim.window) {
    if (st.ph == feed_state::phase::starting)
      return;
    if (st.ph == feed_state::phase::snapshot) {
      if (!st.snap_begin_sent) {
        repl_frame f;
        f.kind = repl_frame_kind::snap_begin;
        f.incarnation = st.src.incarnation;
        f.rev = st.snap_rev;
        f.size = st.snap_size;
        send_frame(self, std::move(f), 0);
        st.snap_begin_sent = true;
        continue;
      }
      if (st.snap_sent < st.snap_size) {
        repl_frame f;
        f.kind = repl_frame_kind::snap_chunk;
        f.bytes.resize(std::min<uint64_t>(st.lim.frame_bytes, st.snap_size - st.snap_sent));
        ssize_t n = ::pread(st.fd, f.bytes.data(), f.bytes.size(), static_cast<off_t>(st.snap_sent));
        if (n <= 0) {
          end_feed(self, "the primary could not read its snapshot");
          return;
        }
        f.bytes.resize(static_cast<size_t>(n));
        st.snap_sent += static_cast<uint64_t>(n);
        send_frame(self, std::move(f), 0);
        continue;
      }
      repl_frame f;
      f.kind = repl_frame_kind::snap_end;
      f.rev = st.snap_rev;
      send_frame(self, std::move(f), st.snap_rev);
      ::close(st.fd);
      st.fd = -1;
      st.ph = feed_state::phase::streaming;
      continue;
    }
    if (st.log_next < st.log_end) {
      if (!frame_from_log(self))
        return;
      continue;
    }
    if (st.pending.empty())
      return;
    repl_frame f;
    f.kind = repl_frame_kind::commits;
    size_t bytes = 0;
    while (!st.pending.empty() && bytes < st.lim.frame_bytes) {
      const group_ptr g = std::move(st.pending.front());
      st.pending.pop_front();
      st.pending_bytes -= g->log_bytes;
      bytes += append_commits(*g, st.next_rev, f.commits);
      st.next_rev = std::max(st.next_rev, g->last_rev() + 1);
    }
    if (f.commits.empty())
      continue;
    const revision reached = f.commits.back().rev;
    send_frame(self, std::move(f), reached);
  }
}

// Streams from the hub's history, starting at `from`; `then` runs on the
// hub's answer (its last revision) or error.
template <class OnOk, class OnErr>
void follow_hub(self_ptr self, revision from, OnOk on_ok, OnErr on_err) {
  auto& st = self->state;
  st.next_rev = from;
  self->request(st.src.hub, caf::infinite, follow_atom_v, from, caf::actor_cast<change_listener>(self))
    .then(on_ok, on_err);
}

// The replica cannot be caught up from the history: the primary's newest
// snapshot (a compaction makes one of everything committed so far) goes
// first, then every group after it, buffered meanwhile.
void full_sync(self_ptr self) {
  auto& st = self->state;
  if (st.src.dir.empty()) {
    end_feed(self, "the primary keeps no snapshots (it runs in memory) to send a full sync from");
    return;
  }
  // The phase stays `starting` (pump sends nothing) until the snapshot is
  // open and the hub is followed: groups arriving meanwhile are only buffered.
  report(self);
  self->request(st.src.coordinator, caf::infinite, compact_atom_v)
    .then(
      [self](revision) {
        auto& st = self->state;
        manifest m;
        if (auto s = read_manifest(default_file_system(), st.src.dir, m); !s) {
          end_feed(self, "the primary cannot read its manifest: " + s.to_string());
          return;
        }
        st.snap_rev = m.snapshot_revision;
        st.snap_size = 0;
        if (!m.snapshot.empty()) {
          st.fd = ::open(join_path(st.src.dir, m.snapshot).c_str(), O_RDONLY | O_CLOEXEC);
          struct stat info {};
          if (st.fd < 0 || ::fstat(st.fd, &info) != 0) {
            end_feed(self, "the primary's snapshot went away under a compaction; connect again");
            return;
          }
          st.snap_size = static_cast<uint64_t>(info.st_size);
        }
        follow_hub(
          self, st.snap_rev + 1,
          [self](revision last) {
            auto& st = self->state;
            st.primary_rev = std::max(st.primary_rev, last);
            st.ph = feed_state::phase::snapshot;
            pump(self);
          },
          [self](caf::error& err) {
            end_feed(self, "the primary's history moved past its snapshot during a full sync ("
                             + to_status(err).to_string() + "); connect again");
          });
      },
      [self](caf::error& err) { end_feed(self, "the primary cannot compact for a full sync: " + to_status(err).to_string()); });
}

// The history no longer holds the replica's place (it starts at `oldest`),
// but the log may: commits before `oldest` come from the log segments, the
// rest from the hub as usual. A full sync when the log does not reach back.
void catch_up_from_log(self_ptr self, revision oldest, int attempt = 1) {
  auto& st = self->state;
  manifest m;
  if (st.src.dir.empty() || !read_manifest(default_file_system(), st.src.dir, m)
      || st.hello.applied < m.snapshot_revision) {
    full_sync(self);
    return;
  }
  follow_hub(
    self, oldest,
    [self, oldest](revision last) {
      auto& st = self->state;
      st.ph = feed_state::phase::streaming;
      st.log_next = st.hello.applied + 1;
      st.log_end = oldest;
      st.primary_rev = std::max(st.primary_rev, last);
      report(self);
      pump(self);
    },
    [self, attempt](caf::error& err) {
      // The history moved on meanwhile: try from its new start, a few times.
      if (const revision again = compact_revision_of(err); again > 0 && attempt < 3)
        catch_up_from_log(self, again, attempt + 1);
      else
        full_sync(self);
    });
}

void start(self_ptr self) {
  auto& st = self->state;
  if (!st.src.refuse.empty()) {
    end_feed(self, st.src.refuse);
    return;
  }
  if (st.hello.incarnation != st.src.incarnation || st.hello.incarnation == 0) {
    full_sync(self);
    return;
  }
  follow_hub(
    self, st.hello.applied + 1,
    [self](revision last) {
      auto& st = self->state;
      st.ph = feed_state::phase::streaming;
      st.primary_rev = std::max(st.primary_rev, last);
      report(self);
      pump(self);
    },
    [self](caf::error& err) {
      if (const revision oldest = compact_revision_of(err); oldest > 0)
        catch_up_from_log(self, oldest);  // compacted away from the history
      else
        full_sync(self);  // ahead of us
    });
}

caf::behavior feed_impl(self_ptr self, replication_source src, caf::actor sink, repl_hello hello,
                        feed_limits lim) {
  auto& st = self->state;
  st.src = std::move(src);
  st.sink = std::move(sink);
  st.hello = std::move(hello);
  st.lim = lim;
  st.acked_rev = st.hello.applied;
  if (st.src.status) {
    st.id = st.src.status->add_replica(st.hello.name);
    self->attach_functor([status = st.src.status, id = st.id] { status->remove_replica(id); });
  }
  self->set_default_handler(caf::drop);
  self->set_exit_handler([](caf::exit_msg&) {});  // a peer's exit (but kill) does not end it
  // The replica going away (or its node) ends the feed; so does the store
  // (its hub ends with it).
  self->monitor(st.sink);
  self->monitor(st.src.hub);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  start(self);
  self->delayed_send(self, std::chrono::seconds(1), tick_atom_v);
  return {
    [self](change_atom, const group_ptr& g) {
      auto& st = self->state;
      if (from_afar(self) || !g || g->last_rev() < st.next_rev)
        return;
      st.primary_rev = std::max(st.primary_rev, g->last_rev());
      st.pending_bytes += g->log_bytes;
      st.pending.push_back(g);
      if (st.pending_bytes > st.lim.max_pending_bytes) {
        end_feed(self, "this replica fell more than " + std::to_string(st.lim.max_pending_bytes)
                         + " bytes behind; it syncs again when it connects");
        return;
      }
      pump(self);
    },
    [self](repl_ack_atom, uint64_t seq) {
      auto& st = self->state;
      const auto& from = self->current_sender();
      if (!from || from->address() != st.sink.address())
        return;  // only the replica's own follower acknowledges
      if (seq == repl_ready_seq)
        st.ready = true;
      while (!st.unacked.empty() && st.unacked.front().first <= seq) {
        st.acked_rev = std::max(st.acked_rev, st.unacked.front().second);
        st.unacked.pop_front();
      }
      report(self);
      pump(self);
    },
    [self](repl_atom, const repl_frame& f) {  // the replica leaves this stream
      const auto& from = self->current_sender();
      if (from && from->address() == self->state.sink.address() && f.kind == repl_frame_kind::end)
        self->quit();
    },
    [self](tick_atom) {
      auto& st = self->state;
      if (self->current_sender() && self->current_sender()->address() != self->address())
        return;
      if (st.ready) {
        repl_frame beat;
        beat.kind = repl_frame_kind::beat;
        beat.primary_rev = st.primary_rev;
        self->send(st.sink, repl_atom_v, std::move(beat));
      }
      report(self);
      self->delayed_send(self, std::chrono::seconds(1), tick_atom_v);
    },
  };
}

} // namespace

caf::actor spawn_replica_feed(caf::actor_system& sys, replication_source src, caf::actor sink,
                              repl_hello hello, feed_limits lim) {
  return sys.spawn(feed_impl, std::move(src), std::move(sink), std::move(hello), lim);
}

} // namespace moss
