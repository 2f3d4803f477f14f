// What moss::repair did to a data directory whose log was damaged.
#pragma once

#include <cstdint>
#include <string>

#include <moss/record_meta.hpp>

namespace moss {

/// What repair did to a data directory.
struct repair_report {
  uint64_t kept_records = 0;     ///< records in the segments left
  revision last_rev = 0;         ///< last revision left
  uint64_t cut_bytes = 0;        ///< bytes removed from the log
  uint64_t dropped_segments = 0; ///< whole segments dropped after a cut
  std::string detail;            ///< human-readable account
};

} // namespace moss
