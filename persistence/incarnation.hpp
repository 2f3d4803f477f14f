// A data directory's incarnation: a random id that changes whenever the
// store's history may have been rewritten, so a watcher resuming from a
// revision it saw before can tell that revision may no longer exist.
//
//   INCARNATION  "moss-incarnation 1\n<id, 16 hex digits> always|lazy\n"
//   CLEAN        present only between a clean close and the next open
//
// A new id: when the directory is created (or has no INCARNATION yet), when
// it is repaired, and when it is opened after an unclean stop of a store that
// ran under every_second or never (a power loss may have taken acknowledged
// groups the OS had not written yet). Under `always` nothing acknowledged
// can be lost, so an unclean stop keeps the id.
#pragma once

#include <cstdint>
#include <string>

#include <moss/result.hpp>

#include "persistence/file.hpp"

namespace moss {

inline constexpr std::string_view incarnation_file_name = "INCARNATION";
inline constexpr std::string_view clean_marker_name = "CLEAN";

/// Opening: decides the id as above, records it with whether this run syncs
/// every write before acknowledging it (`always`), and removes the clean
/// marker, both durably, before the store takes a write.
result<uint64_t> open_incarnation(file_system& fs, const std::string& dir, bool syncs_every_write);

/// Closing cleanly, after the last write was fsynced: leaves the marker.
status mark_clean_close(file_system& fs, const std::string& dir);

/// A repair cut the log: the next open starts a new incarnation.
status forget_incarnation(file_system& fs, const std::string& dir);

/// A fresh random id (never 0).
uint64_t new_incarnation_id();

} // namespace moss
