// The snapshot job's thread.
#include "core/snapshot_job.hpp"

#include "persistence/file_names.hpp"
#include "persistence/snapshot.hpp"

namespace moss {

snapshot_job::snapshot_job(std::shared_ptr<keyspace> ks, file_system& fs, std::string dir,
                           uint64_t sequence, done_fn done) {
  thread_ = std::thread([this, ks = std::move(ks), &fs, dir = std::move(dir), sequence,
                         done = std::move(done)] { done(run(*ks, fs, dir, sequence)); });
}

snapshot_job::~snapshot_job() {
  cancel();
  if (thread_.joinable())
    thread_.join();
}

// 1. Pin a consistent cut; 2. write its entries; 3. unpin (whatever happened);
// 4. finish the file: trailer, fsync, rename into place, fsync the directory.
snapshot_outcome snapshot_job::run(keyspace& ks, file_system& fs, const std::string& dir,
                                   uint64_t sequence) {
  snapshot_outcome out;
  std::optional<keyspace::cut> pinned = ks.pin(cancelled_);
  if (!pinned) {
    out.result = {errc::closed, "the compaction was cancelled: the store is closing"};
    return out;
  }
  keyspace::cut cut = std::move(*pinned);
  out.rev = cut.rev;
  out.name = snapshot_file_name(cut.rev, sequence);
  std::unique_ptr<snapshot_writer> w;
  out.result = snapshot_writer::create(fs, join_path(dir, out.name), cut.rev, w);
  for (size_t s = 0; out.result && s < cut.shards.size(); ++s) {
    for (size_t i = 0; i < cut.shards[s].size(); ++i) {
      if ((i & 1023) == 0 && cancelled_.load(std::memory_order_relaxed)) {
        out.result = {errc::closed, "the compaction was cancelled: the store is closing"};
        break;
      }
      const record& r = *cut.shards[s][i];
      record_meta m = r.meta();
      out.result = w->add({r.key(), r.value(), m.create_rev, m.mod_rev, m.version, m.expiry});
      if (!out.result)
        break;
    }
  }
  cut = {};
  ks.unpin();
  if (out.result)
    out.result = w->finish();
  if (w)
    out.entries = w->entries();
  if (out.result)
    out.bytes = w->bytes();
  w.reset();  // an unfinished writer removes its temporary file
  return out;
}

} // namespace moss
