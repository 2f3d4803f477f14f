// The follower's behavior: connect, say where the replica stands, apply
// frames in order, and reconnect with backoff whenever the stream breaks.
#include "actors/replica_follower.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <set>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <moss/messages/errors.hpp>

#include "actors/local_only.hpp"
#include "actors/ticker.hpp"
#include "core/replicated_group.hpp"
#include "persistence/atomic_write.hpp"
#include "persistence/file_names.hpp"
#include "persistence/snapshot.hpp"

namespace moss {

namespace {

using namespace std::chrono_literals;

constexpr auto silence_limit = 10s;  // the feed beats every second
constexpr auto tick_period = 100ms;  // a retry's and the silence check's resolution
constexpr auto min_backoff = 100ms;
constexpr auto max_backoff = 5s;

struct follower_state {
  follower_config cfg;
  file_system* fs = nullptr;
  uint64_t incarnation = 0;  ///< of the primary the data came from (0: none)
  revision applied = 0;
  caf::actor feed;           ///< null while not connected
  uint64_t generation = 0;   ///< of the connection attempt; stale answers are ignored
  uint64_t expect_seq = 1;
  std::chrono::milliseconds backoff = min_backoff;
  std::optional<std::chrono::steady_clock::time_point> retry_at;  ///< the next connection attempt
  std::chrono::steady_clock::time_point last_heard;
  std::string last_failure;  ///< logged once until it changes

  // A full sync being received.
  std::unique_ptr<writable_file> staged;
  uint64_t staged_bytes = 0;
  uint64_t staged_size = 0;
  revision staged_rev = 0;
  uint64_t staged_incarnation = 0;

  static inline const char* name = "moss.replica_follower";
};

using self_ptr = caf::stateful_actor<follower_state>*;

void log(self_ptr self, const std::string& line) {
  if (self->state.cfg.log)
    self->state.cfg.log(line);
}

std::string where(self_ptr self) {
  return self->state.cfg.host + ":" + std::to_string(self->state.cfg.port);
}

uint64_t read_replica_file(file_system& fs, const std::string& dir) {
  std::string text;
  if (!fs.read_file(join_path(dir, replica_file_name), text))
    return 0;
  uint64_t id = 0;
  if (std::sscanf(text.c_str(), "moss-replica 1\n%" SCNx64, &id) != 1)
    return 0;
  return id;
}

status write_replica_file(file_system& fs, const std::string& dir, uint64_t incarnation,
                          const std::string& primary) {
  char id[32];
  std::snprintf(id, sizeof id, "%016" PRIx64, incarnation);
  return write_file_atomically(fs, dir, replica_file_name,
                               std::string{"moss-replica 1\n"} + id + "\n" + primary + "\n");
}

void connect(self_ptr self);

// Tells a feed this replica no longer follows it (the connection may stay
// up and be used by the next one, so the feed would not end by itself).
void leave(self_ptr self, const caf::actor& feed, const std::string& why) {
  repl_frame bye;
  bye.kind = repl_frame_kind::end;
  bye.bytes = why;
  self->send(feed, repl_atom_v, std::move(bye));
}

// The stream broke (or never started): forget it, and try again later.
void retry(self_ptr self, const std::string& why) {
  auto& st = self->state;
  if (st.feed) {
    self->demonitor(st.feed);
    leave(self, st.feed, why);
  }
  st.feed = nullptr;
  st.staged.reset();
  st.cfg.parts.replication->set_connected(false);
  if (why != st.last_failure) {
    log(self, "replica of " + where(self) + ": " + why + "; retrying (reads go on)");
    st.last_failure = why;
  }
  ++st.generation;  // answers to the attempt that failed are stale now
  st.retry_at = std::chrono::steady_clock::now() + st.backoff;
  st.backoff = std::min<std::chrono::milliseconds>(st.backoff * 2, max_backoff);
}

void ack(self_ptr self, uint64_t seq) {
  self->send(caf::actor_cast<caf::actor>(self->state.feed), repl_ack_atom_v, seq);
}

void connect(self_ptr self) {
  auto& st = self->state;
  st.retry_at.reset();
  const uint64_t gen = ++st.generation;
  self->request(st.cfg.middleman, 5s, caf::connect_atom_v, st.cfg.host, st.cfg.port)
    .then(
      [self, gen](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        auto& st = self->state;
        if (gen != st.generation)
          return;
        if (!ptr) {
          retry(self, "nothing is published there");
          return;
        }
        auto gateway = caf::actor_cast<gateway_actor>(std::move(ptr));
        repl_hello hello{st.incarnation, st.applied, st.cfg.name};
        self->request(gateway, 5s, replicate_atom_v, hello, caf::actor_cast<caf::actor>(self))
          .then(
            [self, gen](caf::actor& feed) {
              auto& st = self->state;
              if (gen != st.generation) {
                if (feed)
                  leave(self, feed, "a newer connection attempt replaced it");
                return;
              }
              if (!feed) {
                retry(self, "the primary answered without a feed");
                return;
              }
              st.feed = std::move(feed);
              st.expect_seq = 1;
              st.last_heard = std::chrono::steady_clock::now();
              self->monitor(st.feed);
              st.cfg.parts.replication->set_connected(true);
              ack(self, repl_ready_seq);  // now its frames are recognised
              // (Logged once per healthy stream: a primary that ends every
              // stream at once is not a line per attempt.)
              if (st.last_failure.empty())
                log(self, "replica of " + where(self) + ": following from revision " + std::to_string(st.applied));
            },
            [self, gen](caf::error& err) {
              if (gen == self->state.generation)
                retry(self, "the primary refused: " + to_status(err).to_string());
            });
      },
      [self, gen](caf::error& err) {
        if (gen == self->state.generation)
          retry(self, "cannot reach the primary: " + self->system().render(err));
      });
}

void apply_commits(self_ptr self, repl_frame& f) {
  auto& st = self->state;
  auto groups = replicated_groups(*st.cfg.parts.ks, st.applied, f.commits, st.cfg.parts.lim);
  if (!groups) {
    retry(self, "the primary sent a bad frame: " + groups.error().to_string());
    return;
  }
  const uint64_t seq = f.seq;
  const uint64_t gen = st.generation;
  self->request(st.cfg.parts.coordinator, caf::infinite, replicate_atom_v, replicated_batch{std::move(*groups)})
    .await(
      [self, seq, gen](revision rev) {
        auto& st = self->state;
        st.applied = rev;
        if (gen == st.generation && st.feed)
          ack(self, seq);
      },
      [self, gen](caf::error& err) {
        if (gen == self->state.generation)
          retry(self, "applying the stream failed: " + to_status(err).to_string());
      });
}

// The whole snapshot is here: check and load it, then the coordinator makes
// it the store (log and keyspace) and the hub restarts its watches after it.
void install_snapshot(self_ptr self, const repl_frame& f) {
  auto& st = self->state;
  const std::string& dir = st.cfg.parts.dir;
  const std::string path = join_path(dir, replica_staging_name);
  if (!st.staged || f.rev != st.staged_rev || st.staged_bytes != st.staged_size) {
    retry(self, "the primary ended a full sync it had not sent whole");
    return;
  }
  status written = st.staged->sync();
  if (written)
    written = st.staged->close();
  st.staged.reset();
  if (written && st.staged_size == 0) {  // nothing committed yet: an empty snapshot of our own
    std::unique_ptr<snapshot_writer> w;
    written = snapshot_writer::create(*st.fs, join_path(dir, "replica-empty.tmp"), f.rev, w);
    if (written)
      written = w->finish();
    if (written)
      written = st.fs->rename(join_path(dir, "replica-empty.tmp"), path);
  }
  if (!written) {
    retry(self, "cannot write the snapshot received: " + written.to_string());
    return;
  }
  const auto& parts = st.cfg.parts;
  auto fresh = std::make_shared<keyspace>(parts.engine, parts.ks->shard_count(), parts.clock);
  snapshot_info info;
  status loaded = read_snapshot(
    *st.fs, path,
    [&](const snapshot_entry& e) {
      fresh->restore(e.key, e.value, record_meta{e.create_revision, e.mod_revision, e.version, e.expiry});
      return status::ok();
    },
    &info);
  if (!loaded || info.revision != f.rev) {
    retry(self, "the snapshot received is damaged: " + (loaded ? std::string{"wrong revision"} : loaded.to_string()));
    return;
  }
  fresh->set_applied_rev(f.rev);
  snapshot_outcome snap;
  snap.name = std::string{replica_staging_name};
  snap.rev = f.rev;
  snap.entries = info.entries;
  snap.bytes = info.bytes;
  const uint64_t seq = f.seq;
  const uint64_t gen = st.generation;
  self->request(parts.coordinator, caf::infinite, adopt_atom_v, replica_install{std::move(fresh), snap})
    .await(
      [self, seq, gen](revision rev) {
        auto& st = self->state;
        caf::anon_send(st.cfg.parts.hub, adopt_atom_v, rev);
        st.applied = rev;
        st.incarnation = st.staged_incarnation;
        if (auto w = write_replica_file(*st.fs, st.cfg.parts.dir, st.incarnation, where(self)); !w)
          log(self, "replica: cannot record the primary's incarnation: " + w.to_string());
        log(self, "replica of " + where(self) + ": installed its snapshot at revision " + std::to_string(rev));
        if (gen == st.generation && st.feed)
          ack(self, seq);
      },
      [self, gen](caf::error& err) {
        if (gen == self->state.generation)
          retry(self, "installing the snapshot failed: " + to_status(err).to_string());
      });
}

void on_frame(self_ptr self, repl_frame& f) {
  auto& st = self->state;
  st.last_heard = std::chrono::steady_clock::now();
  st.cfg.parts.replication->heard(f.primary_rev, st.applied);
  if (f.kind == repl_frame_kind::end) {
    retry(self, "the primary ended the stream: " + f.bytes);
    return;
  }
  // The stream works: the next break is retried soon again, and logged.
  st.backoff = min_backoff;
  st.last_failure.clear();
  if (f.kind == repl_frame_kind::beat)
    return;
  if (f.seq != st.expect_seq) {
    retry(self, "frame " + std::to_string(f.seq) + " came instead of " + std::to_string(st.expect_seq));
    return;
  }
  ++st.expect_seq;
  switch (f.kind) {
    case repl_frame_kind::commits:
      apply_commits(self, f);
      return;
    case repl_frame_kind::snap_begin: {
      std::unique_ptr<writable_file> file;
      if (auto s = st.fs->open_writable(join_path(st.cfg.parts.dir, replica_staging_name), open_mode::truncate, file); !s) {
        retry(self, "cannot stage a full sync: " + s.to_string());
        return;
      }
      log(self, "replica of " + where(self) + ": full sync of revision " + std::to_string(f.rev) + " ("
                  + std::to_string(f.size) + " bytes)");
      st.staged = std::move(file);
      st.staged_bytes = 0;
      st.staged_size = f.size;
      st.staged_rev = f.rev;
      st.staged_incarnation = f.incarnation;
      ack(self, f.seq);
      return;
    }
    case repl_frame_kind::snap_chunk: {
      st.staged_bytes += f.bytes.size();
      if (!st.staged || st.staged_bytes > st.staged_size) {
        retry(self, "the primary sent more of a snapshot than it announced");
        return;
      }
      if (auto s = st.staged->append(f.bytes); !s) {
        retry(self, "cannot stage a full sync: " + s.to_string());
        return;
      }
      ack(self, f.seq);
      return;
    }
    case repl_frame_kind::snap_end:
      install_snapshot(self, f);
      return;
    default:
      retry(self, "the primary sent a frame of an unknown kind");
      return;
  }
}

caf::behavior follower_impl(self_ptr self, follower_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.fs = st.cfg.parts.fs != nullptr ? st.cfg.parts.fs : &default_file_system();
  st.incarnation = read_replica_file(*st.fs, st.cfg.parts.dir);
  st.applied = st.cfg.parts.ks->applied_rev();
  self->set_default_handler(caf::drop);
  self->set_exit_handler([](caf::exit_msg&) {});  // a peer's exit (but kill) does not end it
  self->monitor(st.cfg.parts.coordinator);  // the store's end is ours
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (msg.source == st.cfg.parts.coordinator.address()) {
      self->quit();
      return;
    }
    if (st.feed && msg.source == st.feed.address())
      retry(self, "the primary went away (" + self->system().render(msg.reason) + ")");
  });
  connect(self);
  // Its timing comes from a ticker, not from delayed messages to itself (see
  // actors/ticker.hpp: this actor is detached).
  spawn_ticker(self->system(), caf::actor_cast<caf::actor>(self), tick_period);
  return {
    [self](repl_atom, repl_frame& f) {
      auto& st = self->state;
      const auto& from = self->current_sender();
      if (!st.feed || !from || from->address() != st.feed.address())
        return;  // only the current feed speaks
      on_frame(self, f);
    },
    [self](tick_atom) {  // a retry that is due; a silent primary is a lost one
      auto& st = self->state;
      if (from_afar(self))
        return;
      const auto now = std::chrono::steady_clock::now();
      if (st.retry_at && now >= *st.retry_at)
        connect(self);
      else if (st.feed && now - st.last_heard > silence_limit)
        retry(self, "the primary was silent for " + std::to_string(silence_limit.count()) + " s");
    },
  };
}

} // namespace

caf::actor spawn_replica_follower(caf::actor_system& sys, follower_config cfg) {
  return sys.spawn<caf::detached>(follower_impl, std::move(cfg));
}

} // namespace moss
