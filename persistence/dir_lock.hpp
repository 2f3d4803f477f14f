// Keeps a data directory to one process: an exclusive flock on "<dir>/LOCK"
// held for as long as the dir_lock lives. The LOCK file is never deleted.
#pragma once

#include <string>

#include <moss/status.hpp>

namespace moss {

/// An exclusive lock on a data directory. Movable, not copyable.
class dir_lock {
public:
  dir_lock() = default;
  ~dir_lock() { release(); }
  dir_lock(dir_lock&& other) noexcept;
  dir_lock& operator=(dir_lock&& other) noexcept;
  dir_lock(const dir_lock&) = delete;
  dir_lock& operator=(const dir_lock&) = delete;

  /// Creates "<dir>/LOCK" if needed and locks it without waiting. Returns
  /// errc::locked when another process (or another dir_lock) holds it.
  status acquire(const std::string& dir);

  /// Drops the lock (closes the descriptor); does nothing if not held.
  void release() noexcept;

  /// True while the lock is held.
  bool held() const noexcept { return fd_ >= 0; }

private:
  int fd_ = -1;
};

} // namespace moss
