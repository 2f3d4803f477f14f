// A snapshot file holds the whole keyspace at one revision. It is written to
// "<name>.tmp" and renamed into place once complete, so a snapshot on disk is
// whole or it is damaged: any flaw is errc::corruption.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <moss/status.hpp>

#include "persistence/file.hpp"

namespace moss {

/// One key of a snapshot. When read back, key and value point into the
/// reader's buffer and live only during the visitor call.
struct snapshot_entry {
  std::string_view key;
  std::string_view value;
  uint64_t create_revision = 0;  ///< revision that created the key
  uint64_t mod_revision = 0;     ///< revision that last wrote it (≤ the snapshot's)
  uint64_t version = 0;          ///< writes since creation
  int64_t expiry = 0;            ///< deadline in ns since the Unix epoch, 0 = none

  friend bool operator==(const snapshot_entry&, const snapshot_entry&) = default;
};

/// Streams entries into a new snapshot file. Destroying an unfinished writer
/// removes its temporary file.
class snapshot_writer {
public:
  /// Starts the snapshot `path` of the keyspace at `revision`, writing
  /// "<path>.tmp" (replacing any leftover).
  static status create(file_system& fs, const std::string& path, uint64_t revision,
                       std::unique_ptr<snapshot_writer>& out);

  ~snapshot_writer();
  snapshot_writer(const snapshot_writer&) = delete;
  snapshot_writer& operator=(const snapshot_writer&) = delete;

  /// Adds one entry. Needs create_revision ≤ mod_revision ≤ the snapshot's
  /// revision (errc::invalid_argument otherwise).
  status add(const snapshot_entry& entry);

  /// Writes the trailer, syncs, renames the file into place and syncs the directory.
  status finish();

  /// Entries added so far.
  uint64_t entries() const noexcept { return entries_; }

  /// Bytes of the file so far (all of it once finished).
  uint64_t bytes() const noexcept { return file_->size() + buffer_.size(); }

private:
  snapshot_writer(file_system& fs, std::string path, uint64_t revision,
                  std::unique_ptr<writable_file> file);
  status check_usable() const;
  status flush_buffer();

  file_system& fs_;
  std::string path_;
  std::string temp_path_;
  uint64_t revision_;
  std::unique_ptr<writable_file> file_;
  std::string buffer_;
  uint64_t entries_ = 0;
  bool done_ = false;  ///< renamed into place
  status broken_;      ///< ok until a write fails
};

/// What a snapshot file holds besides its entries.
struct snapshot_info {
  uint64_t revision = 0;  ///< the revision the snapshot was taken at
  uint64_t entries = 0;   ///< number of entries
  uint64_t bytes = 0;     ///< file size
};

/// Called once per entry, in file order.
using snapshot_visitor = std::function<status(const snapshot_entry& entry)>;

/// Checks the whole snapshot at `path`, then visits its entries: the visitor
/// never sees an entry of a damaged file. Fills `info` when given.
status read_snapshot(file_system& fs, const std::string& path, const snapshot_visitor& visit,
                     snapshot_info* info = nullptr);

} // namespace moss
