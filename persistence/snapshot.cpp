// Snapshot file: a 24-byte header, one framed record per entry, and a trailer
// record holding the entry count, then nothing.
//
//   0        8         12         20    24
//   +--------+---------+----------+-----+-------------------+---------+
//   | magic  | version | revision | crc | entry records ... | trailer |
//   +--------+---------+----------+-----+-------------------+---------+
#include "persistence/snapshot.hpp"

#include "persistence/coding.hpp"
#include "persistence/crc32c.hpp"
#include "persistence/file_names.hpp"
#include "persistence/framing.hpp"

namespace moss {
namespace {

namespace lf = log_format;

constexpr std::string_view magic = "MOSSSNAP";
constexpr uint32_t format_version = 1;
constexpr size_t header_size = 24;
constexpr size_t flush_threshold = 1u << 20;

std::string encode_header(uint64_t revision) {
  std::string h(magic);
  put_fixed32(h, format_version);
  put_fixed64(h, revision);
  put_fixed32(h, crc32c::mask(crc32c::value(h)));
  return h;
}

status corrupt(const std::string& name, size_t offset, std::string_view why) {
  std::string msg = name + ": bad snapshot at offset " + std::to_string(offset) + " (";
  msg += why;
  msg += ')';
  return {errc::corruption, std::move(msg)};
}

// Decodes an entry record's payload; false if malformed.
bool decode_entry(const record_view& rec, snapshot_entry& e) {
  byte_cursor in(rec.payload);
  uint64_t expiry;
  if (!in.read_length_prefixed(e.key) || !in.read_length_prefixed(e.value) ||
      !in.read_fixed64(e.create_revision) || !in.read_fixed64(e.version) ||
      !in.read_fixed64(expiry) || !in.at_end())
    return false;
  e.mod_revision = rec.revision;
  e.expiry = static_cast<int64_t>(expiry);
  return true;
}

// Walks the file. Without `visit` it checks everything; with it, it visits
// entries of a file already checked.
status walk(std::string_view data, const std::string& name, snapshot_info& info,
            const snapshot_visitor* visit) {
  if (data.size() < header_size)
    return corrupt(name, 0, "file shorter than its header");
  if (data.substr(0, magic.size()) != magic)
    return corrupt(name, 0, "not a snapshot file: bad magic");
  if (crc32c::unmask(decode_fixed32(data.data() + 20)) != crc32c::value(data.data(), 20))
    return corrupt(name, 0, "header checksum mismatch");
  if (uint32_t v = decode_fixed32(data.data() + 8); v != format_version)
    return corrupt(name, 8, "unknown format version " + std::to_string(v));
  info.revision = decode_fixed64(data.data() + 12);
  info.bytes = data.size();
  info.entries = 0;

  size_t pos = header_size;
  record_view rec;
  snapshot_entry entry;
  for (;;) {
    if (pos == data.size())
      return corrupt(name, pos, "cut short: no trailer after " + std::to_string(info.entries) +
                                  " entries");
    if (frame_error e = parse_record(data, pos, rec); e != frame_error::none)
      return corrupt(name, pos, to_string(e));
    if (rec.type == lf::record_type::snapshot_trailer)
      break;
    if (rec.type != lf::record_type::snapshot_entry)
      return corrupt(name, pos, "unexpected record type " +
                                  std::to_string(static_cast<int>(rec.type)));
    if (!decode_entry(rec, entry))
      return corrupt(name, pos, "malformed entry");
    if (entry.create_revision > entry.mod_revision || entry.mod_revision > info.revision)
      return corrupt(name, pos, "entry revisions out of order");
    if (visit) {
      if (status s = (*visit)(entry); !s.is_ok())
        return {s.code(), name + ": entry at offset " + std::to_string(pos) + ": " + s.message()};
    }
    ++info.entries;
    pos += rec.size;
  }
  byte_cursor trailer(rec.payload);
  uint64_t count;
  if (!trailer.read_fixed64(count) || !trailer.at_end() || rec.revision != info.revision)
    return corrupt(name, pos, "malformed trailer");
  if (count != info.entries)
    return corrupt(name, pos, "trailer counts " + std::to_string(count) + " entries, file has " +
                                std::to_string(info.entries));
  if (pos + rec.size != data.size())
    return corrupt(name, pos + rec.size, "data after the trailer (" +
                                           std::to_string(data.size() - pos - rec.size) +
                                           " bytes)");
  return status::ok();
}

} // namespace

snapshot_writer::snapshot_writer(file_system& fs, std::string path, uint64_t revision,
                                 std::unique_ptr<writable_file> file)
  : fs_(fs), path_(std::move(path)), temp_path_(temp_file_name(path_)), revision_(revision),
    file_(std::move(file)), buffer_(encode_header(revision)) {}

status snapshot_writer::create(file_system& fs, const std::string& path, uint64_t revision,
                               std::unique_ptr<snapshot_writer>& out) {
  std::unique_ptr<writable_file> file;
  if (status s = fs.open_writable(temp_file_name(path), open_mode::truncate, file); !s.is_ok())
    return s;
  out.reset(new snapshot_writer(fs, path, revision, std::move(file)));
  return status::ok();
}

snapshot_writer::~snapshot_writer() {
  if (!done_) {
    (void) file_->close();
    (void) fs_.remove(temp_path_);
  }
}

status snapshot_writer::add(const snapshot_entry& e) {
  if (status s = check_usable(); !s.is_ok())
    return s;
  if (e.create_revision > e.mod_revision || e.mod_revision > revision_)
    return {errc::invalid_argument,
            path_ + ": entry revisions must satisfy create (" + std::to_string(e.create_revision) +
              ") <= mod (" + std::to_string(e.mod_revision) + ") <= snapshot (" +
              std::to_string(revision_) + ")"};
  // Two varint32 lengths (at most 5 bytes each) and three 8-byte fields.
  if (e.key.size() + e.value.size() + 34 > lf::max_payload)
    return {errc::invalid_argument, path_ + ": entry too large for one record"};
  size_t start = begin_record(buffer_);
  put_length_prefixed(buffer_, e.key);
  put_length_prefixed(buffer_, e.value);
  put_fixed64(buffer_, e.create_revision);
  put_fixed64(buffer_, e.version);
  put_fixed64(buffer_, static_cast<uint64_t>(e.expiry));
  finish_record(buffer_, start, lf::record_type::snapshot_entry, e.mod_revision);
  ++entries_;
  return buffer_.size() >= flush_threshold ? flush_buffer() : status::ok();
}

status snapshot_writer::check_usable() const {
  if (done_)
    return {errc::invalid_argument, path_ + ": snapshot already finished"};
  if (!broken_.is_ok())
    return {errc::write_failed, "snapshot is unusable after an earlier failure: " +
                                  broken_.to_string()};
  return status::ok();
}

status snapshot_writer::flush_buffer() {
  status s = file_->append(buffer_);
  buffer_.clear();
  if (!s.is_ok())
    broken_ = s;
  return s;
}

status snapshot_writer::finish() {
  if (status s = check_usable(); !s.is_ok())
    return s;
  std::string count;
  put_fixed64(count, entries_);
  append_record(buffer_, lf::record_type::snapshot_trailer, revision_, count);
  // 1. write the rest, 2. make the temporary file durable, 3. rename it into
  // place, 4. make the rename durable.
  status s = flush_buffer();
  if (s.is_ok())
    s = file_->sync();
  if (s.is_ok())
    s = file_->close();
  if (s.is_ok())
    s = fs_.rename(temp_path_, path_);
  if (!s.is_ok()) {
    broken_ = s;
    return s;
  }
  done_ = true;
  return fs_.sync_dir(dir_name(path_));
}

status read_snapshot(file_system& fs, const std::string& path, const snapshot_visitor& visit,
                     snapshot_info* info) {
  std::string data;
  if (status s = fs.read_file(path, data); !s.is_ok())
    return s;
  snapshot_info found;
  if (status s = walk(data, path, found, nullptr); !s.is_ok())
    return s;
  if (visit) {
    if (status s = walk(data, path, found, &visit); !s.is_ok())
      return s;
  }
  if (info)
    *info = found;
  return status::ok();
}

} // namespace moss
