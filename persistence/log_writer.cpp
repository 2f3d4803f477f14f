// Log writer: buffer records, write the group once, sync once.
#include "persistence/log_writer.hpp"

namespace moss {

log_writer::log_writer(std::unique_ptr<writable_file> file, uint64_t last_revision)
  : file_(std::move(file)), last_revision_(last_revision) {}

status log_writer::check_next(uint64_t revision) const {
  if (!broken_.is_ok())
    return after_failure();
  if (last_revision_ != 0 && revision != last_revision_ + 1)
    return {errc::invalid_argument, path() + ": record revision " + std::to_string(revision) +
                                      " does not follow " + std::to_string(last_revision_)};
  return status::ok();
}

status log_writer::end_record(size_t start, uint64_t revision, log_format::record_type type) {
  size_t length = buffer_.size() - start - log_format::header_size;
  if (length > log_format::max_payload) {
    buffer_.resize(start);
    return {errc::invalid_argument, path() + ": record payload of " + std::to_string(length) +
                                      " bytes exceeds the limit of " +
                                      std::to_string(log_format::max_payload)};
  }
  finish_record(buffer_, start, type, revision);
  last_revision_ = revision;
  return status::ok();
}

status log_writer::add_record(uint64_t revision, log_format::record_type type,
                              std::string_view payload) {
  return add_record_with(revision, type, [&](std::string& out) { out.append(payload); });
}

status log_writer::after_failure() const {
  return {errc::write_failed, "log is unusable after an earlier failure: " + broken_.to_string()};
}

status log_writer::fail(status s) {
  broken_ = s;
  buffer_.clear();
  return s;
}

status log_writer::flush() {
  if (!broken_.is_ok())
    return after_failure();
  if (buffer_.empty())
    return status::ok();
  uint64_t before = file_->size();
  status s = file_->append(buffer_);
  bytes_written_ += file_->size() - before;
  if (!s)
    return fail(std::move(s));
  if (s = file_->flush(); !s)
    return fail(std::move(s));
  buffer_.clear();
  // Large one-off groups should not pin their memory forever.
  if (buffer_.capacity() > (4u << 20))
    buffer_.shrink_to_fit();
  return status::ok();
}

status log_writer::sync() {
  if (status s = flush(); !s)
    return s;
  if (status s = file_->sync(); !s)
    return fail(std::move(s));
  return status::ok();
}

status log_writer::close() {
  status s = flush();
  status c = file_->close();
  return s ? c : s;
}

} // namespace moss
