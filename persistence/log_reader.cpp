// Log reader. Each record is framed and checksummed on its own, so the reader
// walks the buffer record by record:
//   1. parse the record at the current offset (length, CRC);
//   2. if it is whole, check that its revision follows the previous one and
//      hand it to the visitor;
//   3. if it is not, scan forward for any intact record with a later revision:
//      found means damage in the middle (corruption), none means a torn tail
//      (dropped and reported, not an error).
#include "persistence/log_reader.hpp"

#include "persistence/framing.hpp"

namespace moss {
namespace {

// Finds the first offset after `from` holding an intact record whose revision
// is at least `min_revision`; returns npos when there is none.
size_t find_intact_record(std::string_view data, size_t from, uint64_t min_revision) {
  record_view rec;
  for (size_t pos = from + 1; pos + log_format::header_size <= data.size(); ++pos) {
    if (parse_record(data, pos, rec) == frame_error::none && rec.revision >= min_revision)
      return pos;
  }
  return std::string_view::npos;
}

status corruption_at(const std::string& name, size_t offset, std::string_view why,
                     std::string_view more = {}) {
  std::string msg = name + ": bad record at offset " + std::to_string(offset) + " (";
  msg += why;
  msg += ')';
  msg += more;
  return {errc::corruption, std::move(msg)};
}

} // namespace

log_read_result scan_log(std::string_view data, const std::string& name,
                         const log_visitor& visit, uint64_t first_revision) {
  log_read_result r;
  size_t pos = 0;
  record_view rec;
  while (pos < data.size()) {
    frame_error e = parse_record(data, pos, rec);
    if (e != frame_error::none) {
      // A record that replaced the bad one would carry the next revision.
      uint64_t min_next = r.records > 0 ? r.last_revision + 1 : first_revision;
      size_t next = find_intact_record(data, pos, min_next);
      r.valid_bytes = pos;
      if (next != std::string_view::npos) {
        r.outcome = corruption_at(name, pos, to_string(e),
                                  ", valid records follow (next at offset " +
                                    std::to_string(next) + ")");
        return r;
      }
      r.dropped_bytes = data.size() - pos;
      r.tail_reason = std::string(to_string(e)) + " at offset " + std::to_string(pos);
      return r;
    }
    uint64_t expected = r.records > 0 ? r.last_revision + 1 : first_revision;
    if (expected != 0 && rec.revision != expected) {
      r.valid_bytes = pos;
      r.outcome = corruption_at(name, pos, "revision " + std::to_string(rec.revision) +
                                             " where " + std::to_string(expected) +
                                             " was expected");
      return r;
    }
    if (visit) {
      if (status s = visit(rec.revision, rec.type, rec.payload); !s.is_ok()) {
        r.valid_bytes = pos;
        r.outcome = status(s.code(), name + ": record at offset " + std::to_string(pos) +
                                       " (revision " + std::to_string(rec.revision) +
                                       "): " + s.message());
        return r;
      }
    }
    if (r.records == 0)
      r.first_revision = rec.revision;
    ++r.records;
    r.last_revision = rec.revision;
    pos += rec.size;
  }
  r.valid_bytes = pos;
  return r;
}

log_read_result read_log(file_system& fs, const std::string& path, const log_visitor& visit,
                         uint64_t first_revision) {
  std::string data;
  if (status s = fs.read_file(path, data); !s.is_ok()) {
    log_read_result r;
    r.outcome = std::move(s);
    return r;
  }
  return scan_log(data, path, visit, first_revision);
}

log_repair_result repair_log(file_system& fs, const std::string& path) {
  log_repair_result out;
  std::string data;
  if (status s = fs.read_file(path, data); !s.is_ok()) {
    out.outcome = std::move(s);
    return out;
  }
  log_read_result r = scan_log(data, path, nullptr);
  if (!r.outcome.is_ok() && r.outcome.code() != errc::corruption) {
    out.outcome = std::move(r.outcome);
    return out;
  }
  out.kept_bytes = r.valid_bytes;
  out.cut_bytes = data.size() - r.valid_bytes;
  out.kept_records = r.records;
  out.last_revision = r.last_revision;
  out.reason = r.outcome.is_ok() ? r.tail_reason : r.outcome.message();
  if (out.cut_bytes > 0)
    out.outcome = fs.truncate(path, r.valid_bytes);
  return out;
}

} // namespace moss
