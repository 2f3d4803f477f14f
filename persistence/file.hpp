// The file layer under the log, snapshot and manifest code: an appendable file
// and the few file-system calls persistence needs, behind interfaces tests swap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <moss/status.hpp>

namespace moss {

/// A file opened for appending. Not thread-safe: one owner writes it.
class writable_file {
public:
  virtual ~writable_file() = default;

  /// Appends `data` at the end of the file. On failure part of `data` may
  /// have reached the file (a short write); size() says how much.
  virtual status append(std::string_view data) = 0;

  /// Hands buffered bytes to the operating system (a no-op when unbuffered).
  virtual status flush() = 0;

  /// Flushes, then makes the file's data durable (fdatasync).
  virtual status sync() = 0;

  /// Closes the file; further calls fail. Does not sync.
  virtual status close() = 0;

  /// Bytes in the file: its size when opened plus every byte appended since.
  virtual uint64_t size() const = 0;

  /// The path the file was opened with, for messages.
  virtual const std::string& path() const = 0;
};

/// How open_writable treats an existing file.
enum class open_mode : uint8_t {
  append,    ///< keep the contents, write after them (creates a missing file)
  truncate,  ///< start empty (creates a missing file)
};

/// The file-system calls persistence makes. Paths are plain strings; errors
/// name the path and the system's reason.
class file_system {
public:
  virtual ~file_system() = default;

  /// Opens `path` for appending.
  virtual status open_writable(const std::string& path, open_mode mode,
                               std::unique_ptr<writable_file>& out) = 0;

  /// Replaces `out` with the whole contents of `path`.
  virtual status read_file(const std::string& path, std::string& out) = 0;

  /// Cuts `path` to `size` bytes and makes the new size durable.
  virtual status truncate(const std::string& path, uint64_t size) = 0;

  /// Renames `from` to `to`, atomically replacing `to` if it exists.
  virtual status rename(const std::string& from, const std::string& to) = 0;

  /// Deletes the file `path`.
  virtual status remove(const std::string& path) = 0;

  /// Replaces `names` with the entries of `dir` (without "." and "..").
  virtual status list_dir(const std::string& dir, std::vector<std::string>& names) = 0;

  /// Creates the directory `dir` and missing parents; succeeds if it already exists.
  virtual status create_dir(const std::string& dir) = 0;

  /// Makes the entries of `dir` (creations, renames, removals) durable.
  virtual status sync_dir(const std::string& dir) = 0;

  /// True when `path` exists.
  virtual bool exists(const std::string& path) = 0;

  /// Sets `size` to the size of the file `path`.
  virtual status file_size(const std::string& path, uint64_t& size) = 0;
};

/// The process-wide POSIX file system.
file_system& default_file_system();

/// Builds the status for a failed system call: errc::no_space for ENOSPC,
/// errc::io_error otherwise, with a message like
/// "write to /d/wal-000001.log failed: No space left on device".
status errno_status(std::string_view what, const std::string& path, int error_number);

/// Returns "dir/name" (no doubled slash).
std::string join_path(const std::string& dir, std::string_view name);

/// Returns the directory part of `path` ("." when there is none).
std::string dir_name(const std::string& path);

} // namespace moss
