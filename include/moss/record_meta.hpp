// Revisions and the metadata every stored entry carries; shared by engines,
// messages and the on-disk layer's callers.
#pragma once

#include <cstdint>

namespace moss {

/// A global, gap-free commit number. 0 means "never".
using revision = uint64_t;

/// The metadata stored with every entry.
struct record_meta {
  revision create_rev = 0;  ///< revision of the commit that created the key
  revision mod_rev = 0;     ///< revision of the last commit that wrote it
  uint64_t version = 0;     ///< writes since creation: 1 after the first put
  int64_t expiry = 0;       ///< absolute deadline, ns since the Unix epoch; 0 = none

  friend bool operator==(const record_meta&, const record_meta&) = default;
};

} // namespace moss
