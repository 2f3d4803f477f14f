// The POSIX file system: unbuffered appends with write(2), fdatasync for
// durability, and the directory calls recovery and compaction need.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "persistence/file.hpp"

namespace moss {
namespace {

// Closes a descriptor when it goes out of scope.
class fd_guard {
public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const noexcept { return fd_; }

private:
  int fd_;
};

int open_retrying(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

class posix_writable_file final : public writable_file {
public:
  posix_writable_file(std::string path, int fd, uint64_t size)
    : path_(std::move(path)), fd_(fd), size_(size) {}

  ~posix_writable_file() override {
    if (fd_ >= 0)
      ::close(fd_);
  }

  status append(std::string_view data) override {
    if (fd_ < 0)
      return closed_error("write to");
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return errno_status("write to", path_, errno);
      }
      size_ += static_cast<uint64_t>(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return status::ok();
  }

  status flush() override {
    return fd_ < 0 ? closed_error("flush of") : status::ok();
  }

  status sync() override {
    if (fd_ < 0)
      return closed_error("fdatasync of");
    if (::fdatasync(fd_) != 0)
      return errno_status("fdatasync of", path_, errno);
    return status::ok();
  }

  status close() override {
    if (fd_ < 0)
      return closed_error("close of");
    int rc = ::close(fd_);
    fd_ = -1;
    // Linux releases the descriptor even when close reports an error.
    if (rc != 0 && errno != EINTR)
      return errno_status("close of", path_, errno);
    return status::ok();
  }

  uint64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

private:
  status closed_error(std::string_view what) const {
    return {errc::io_error, std::string(what) + " " + path_ + " failed: file is closed"};
  }

  std::string path_;
  int fd_;
  uint64_t size_;
};

class posix_file_system final : public file_system {
public:
  status open_writable(const std::string& path, open_mode mode,
                       std::unique_ptr<writable_file>& out) override {
    int flags = O_WRONLY | O_CREAT | (mode == open_mode::truncate ? O_TRUNC : O_APPEND);
    int fd = open_retrying(path.c_str(), flags, 0644);
    if (fd < 0)
      return errno_status("open of", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return errno_status("stat of", path, err);
    }
    out = std::make_unique<posix_writable_file>(path, fd, static_cast<uint64_t>(st.st_size));
    return status::ok();
  }

  status read_file(const std::string& path, std::string& out) override {
    fd_guard fd(open_retrying(path.c_str(), O_RDONLY));
    if (fd.get() < 0)
      return errno_status("open of", path, errno);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
      return errno_status("stat of", path, errno);
    // Read into a buffer of the expected size, growing it should the file
    // grow meanwhile; stop at end of file.
    out.resize(static_cast<size_t>(st.st_size) + 1);
    size_t got = 0;
    for (;;) {
      if (got == out.size())
        out.resize(out.size() * 2);
      ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return errno_status("read of", path, errno);
      }
      if (n == 0)
        break;
      got += static_cast<size_t>(n);
    }
    out.resize(got);
    return status::ok();
  }

  status truncate(const std::string& path, uint64_t size) override {
    fd_guard fd(open_retrying(path.c_str(), O_WRONLY));
    if (fd.get() < 0)
      return errno_status("open of", path, errno);
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
      return errno_status("truncate of", path, errno);
    if (::fsync(fd.get()) != 0)
      return errno_status("fsync of", path, errno);
    return status::ok();
  }

  status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return errno_status("rename of", from + " to " + to, errno);
    return status::ok();
  }

  status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0)
      return errno_status("removal of", path, errno);
    return status::ok();
  }

  status list_dir(const std::string& dir, std::vector<std::string>& names) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr)
      return errno_status("listing of", dir, errno);
    names.clear();
    errno = 0;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..")
        names.emplace_back(name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0)
      return errno_status("listing of", dir, err);
    return status::ok();
  }

  status create_dir(const std::string& dir) override {
    // Missing parents first, as mkdir -p does.
    if (auto slash = dir.find_last_of('/'); slash != std::string::npos && slash > 0) {
      std::string parent = dir.substr(0, slash);
      struct stat pst;
      if (::stat(parent.c_str(), &pst) != 0)
        if (auto st = create_dir(parent); !st)
          return st;
    }
    if (::mkdir(dir.c_str(), 0755) == 0)
      return status::ok();
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return status::ok();
    return errno_status("creation of directory", dir, err);
  }

  status sync_dir(const std::string& dir) override {
    fd_guard fd(open_retrying(dir.c_str(), O_RDONLY | O_DIRECTORY));
    if (fd.get() < 0)
      return errno_status("open of directory", dir, errno);
    if (::fsync(fd.get()) != 0)
      return errno_status("fsync of directory", dir, errno);
    return status::ok();
  }

  bool exists(const std::string& path) override {
    return ::access(path.c_str(), F_OK) == 0;
  }

  status file_size(const std::string& path, uint64_t& size) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      return errno_status("stat of", path, errno);
    size = static_cast<uint64_t>(st.st_size);
    return status::ok();
  }
};

} // namespace

file_system& default_file_system() {
  static posix_file_system fs;
  return fs;
}

status errno_status(std::string_view what, const std::string& path, int error_number) {
  std::string message(what);
  message += ' ';
  message += path;
  message += " failed: ";
  message += std::generic_category().message(error_number);
  return {error_number == ENOSPC ? errc::no_space : errc::io_error, std::move(message)};
}

std::string join_path(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/')
    out += '/';
  out += name;
  return out;
}

std::string dir_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

} // namespace moss
