// A snapshot written on a thread of its own, without a fork: the job pins a
// consistent cut of the keyspace (keyspace::pin), writes it to
// "snap-<rev>-<sequence>.snap" (a temporary file, fsync, rename, fsync of the
// directory), unpins, and reports. The store goes on reading and writing
// meanwhile; its only pause is the copy of the record pointers.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <moss/status.hpp>

#include "core/keyspace.hpp"
#include "persistence/file.hpp"

namespace moss {

/// What a snapshot job reports when it ends.
struct snapshot_outcome {
  status result;          ///< ok: the file is whole, synced and in place
  std::string name;       ///< the snapshot's file name in the data directory
  revision rev = 0;       ///< the consistent cut it holds
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

class snapshot_job {
public:
  using done_fn = std::function<void(snapshot_outcome)>;

  /// Starts the job; `done` runs once, on the job's thread, as its last act.
  snapshot_job(std::shared_ptr<keyspace> ks, file_system& fs, std::string dir, uint64_t sequence,
               done_fn done);
  /// Cancels the job and waits for its thread.
  ~snapshot_job();
  snapshot_job(const snapshot_job&) = delete;
  snapshot_job& operator=(const snapshot_job&) = delete;

  /// Asks the job to stop soon: it removes its temporary file and reports
  /// errc::closed.
  void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }

private:
  snapshot_outcome run(keyspace& ks, file_system& fs, const std::string& dir, uint64_t sequence);

  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

} // namespace moss
