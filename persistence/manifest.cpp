// Manifest file: 8 magic bytes, then one framed record whose revision is the
// snapshot's and whose payload lists the files, then nothing.
#include "persistence/manifest.hpp"

#include "persistence/atomic_write.hpp"
#include "persistence/coding.hpp"
#include "persistence/file_names.hpp"
#include "persistence/framing.hpp"

namespace moss {
namespace {

constexpr std::string_view magic = "MOSSMANI";
constexpr uint32_t format_version = 1;

bool plain_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

status corrupt(const std::string& path, size_t offset, std::string_view why) {
  std::string msg = path + ": bad manifest at offset " + std::to_string(offset) + " (";
  msg += why;
  msg += ')';
  return {errc::corruption, std::move(msg)};
}

std::string encode(const manifest& m) {
  std::string out(magic);
  size_t start = begin_record(out);
  put_fixed32(out, format_version);
  put_length_prefixed(out, m.snapshot);
  put_varint32(out, static_cast<uint32_t>(m.segments.size()));
  for (const std::string& s : m.segments)
    put_length_prefixed(out, s);
  finish_record(out, start, log_format::record_type::manifest, m.snapshot_revision);
  return out;
}

status decode(std::string_view data, const std::string& path, manifest& m) {
  if (data.substr(0, magic.size()) != magic)
    return corrupt(path, 0, "not a manifest: bad magic");
  record_view rec;
  if (frame_error e = parse_record(data, magic.size(), rec); e != frame_error::none)
    return corrupt(path, magic.size(), to_string(e));
  if (rec.type != log_format::record_type::manifest)
    return corrupt(path, magic.size(), "wrong record type");
  if (magic.size() + rec.size != data.size())
    return corrupt(path, magic.size() + rec.size, "trailing bytes");
  size_t base = magic.size() + log_format::header_size;
  byte_cursor in(rec.payload);
  uint32_t version;
  if (!in.read_fixed32(version) || version != format_version)
    return corrupt(path, base, "unknown format version");
  std::string_view snapshot;
  uint32_t count;
  if (!in.read_length_prefixed(snapshot) || !in.read_varint32(count) || count > in.remaining())
    return corrupt(path, base + in.offset(), "malformed file list");
  if (!snapshot.empty() && !plain_name(snapshot))
    return corrupt(path, base, "bad snapshot file name");
  m.snapshot = snapshot;
  m.snapshot_revision = rec.revision;
  m.segments.clear();
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!in.read_length_prefixed(name) || !plain_name(name))
      return corrupt(path, base + in.offset(), "bad segment file name");
    m.segments.emplace_back(name);
  }
  if (!in.at_end())
    return corrupt(path, base + in.offset(), "bytes after the file list");
  return status::ok();
}

} // namespace

status read_manifest(file_system& fs, const std::string& dir, manifest& out, bool* found) {
  std::string path = join_path(dir, manifest_file_name);
  out = manifest{};
  if (found)
    *found = false;
  if (!fs.exists(path))
    return status::ok();
  std::string data;
  if (status s = fs.read_file(path, data); !s.is_ok())
    return s;
  manifest m;
  if (status s = decode(data, path, m); !s.is_ok())
    return s;
  out = std::move(m);
  if (found)
    *found = true;
  return status::ok();
}

status write_manifest(file_system& fs, const std::string& dir, const manifest& m) {
  if (!m.snapshot.empty() && !plain_name(m.snapshot))
    return {errc::invalid_argument, "manifest: bad snapshot file name '" + m.snapshot + "'"};
  for (const std::string& s : m.segments) {
    if (!plain_name(s))
      return {errc::invalid_argument, "manifest: bad segment file name '" + s + "'"};
  }
  return write_file_atomically(fs, dir, manifest_file_name, encode(m));
}

} // namespace moss
