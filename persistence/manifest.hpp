// The manifest names what a data directory holds: the base snapshot and the
// log segments after it. It is replaced atomically, never edited in place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <moss/status.hpp>

#include "persistence/file.hpp"

namespace moss {

/// The current state of a data directory.
struct manifest {
  std::string snapshot;               ///< base snapshot file name, empty for none
  uint64_t snapshot_revision = 0;     ///< its revision (0 with no snapshot)
  std::vector<std::string> segments;  ///< log file names after it, oldest first

  friend bool operator==(const manifest&, const manifest&) = default;
};

/// Reads "<dir>/MANIFEST" into `out`. A missing manifest is a new, empty
/// directory: `out` is cleared, `found` (when given) set false, and the result
/// is ok. A damaged one is errc::corruption naming the file and offset.
status read_manifest(file_system& fs, const std::string& dir, manifest& out,
                     bool* found = nullptr);

/// Replaces "<dir>/MANIFEST" with `m` atomically: write MANIFEST.tmp, sync it,
/// rename it over MANIFEST, sync the directory. File names must be plain names
/// (no '/'), else errc::invalid_argument.
status write_manifest(file_system& fs, const std::string& dir, const manifest& m);

} // namespace moss
