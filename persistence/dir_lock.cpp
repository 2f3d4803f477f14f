// Directory lock with flock(2). flock locks belong to the open file, so two
// dir_locks in one process exclude each other as two processes do.
#include "persistence/dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "persistence/file.hpp"
#include "persistence/file_names.hpp"

namespace moss {

dir_lock::dir_lock(dir_lock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

dir_lock& dir_lock::operator=(dir_lock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

status dir_lock::acquire(const std::string& dir) {
  if (held())
    return {errc::invalid_argument, "dir_lock already holds a directory"};
  std::string path = join_path(dir, lock_file_name);
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return errno_status("open of", path, errno);
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return {errc::locked, "data directory " + dir + " is in use by another process"};
    return errno_status("lock of", path, err);
  }
  fd_ = fd;
  return status::ok();
}

void dir_lock::release() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

} // namespace moss
