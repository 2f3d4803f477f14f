// Appends framed records to one log segment. Records collect in a buffer;
// flush() writes them with one append and sync() adds one fdatasync, so a
// whole group of commits costs one write and one fsync.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <moss/status.hpp>

#include "persistence/file.hpp"
#include "persistence/framing.hpp"

namespace moss {

/// Writes one log segment. Not thread-safe. After any failed flush or sync
/// the writer is broken: every later call fails with errc::write_failed
/// naming the first error (the file's tail is unknown; recovery sorts it out).
/// Destroying a writer drops records not yet flushed; close() first.
class log_writer {
public:
  /// Takes over `file`. `last_revision` is the revision of the last record
  /// already in it (0 for a fresh segment); the next record must follow it.
  explicit log_writer(std::unique_ptr<writable_file> file, uint64_t last_revision = 0);

  log_writer(const log_writer&) = delete;
  log_writer& operator=(const log_writer&) = delete;

  /// Frames a record into the buffer. Revisions must go up by exactly one;
  /// a payload above the size cap is refused (errc::invalid_argument).
  status add_record(uint64_t revision, log_format::record_type type, std::string_view payload);

  /// Like add_record, but `encode(std::string&)` appends the payload straight
  /// into the buffer, so nothing is copied.
  template <class Encode>
  status add_record_with(uint64_t revision, log_format::record_type type, Encode&& encode) {
    if (status s = check_next(revision); !s)
      return s;
    size_t start = begin_record(buffer_);
    encode(buffer_);
    return end_record(start, revision, type);
  }

  /// Writes the buffered records with one append.
  status flush();

  /// Flushes, then makes everything written durable (fdatasync).
  status sync();

  /// Flushes and closes the file (no sync).
  status close();

  /// Revision of the last record added (0 if none).
  uint64_t last_revision() const noexcept { return last_revision_; }

  /// Bytes this writer handed to the file successfully.
  uint64_t bytes_written() const noexcept { return bytes_written_; }

  /// Bytes added but not yet flushed.
  size_t buffered_bytes() const noexcept { return buffer_.size(); }

  /// The file's size including buffered bytes: where the next record starts.
  uint64_t logical_size() const noexcept { return file_->size() + buffer_.size(); }

  /// The segment's path.
  const std::string& path() const { return file_->path(); }

private:
  status check_next(uint64_t revision) const;
  status end_record(size_t start, uint64_t revision, log_format::record_type type);
  status fail(status s);
  status after_failure() const;

  std::unique_ptr<writable_file> file_;
  std::string buffer_;
  uint64_t last_revision_;
  uint64_t bytes_written_ = 0;
  status broken_;  ///< ok until a write or sync fails
};

} // namespace moss
