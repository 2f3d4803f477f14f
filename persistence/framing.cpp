// Record framing: header layout, masked CRC32C over length, type, revision
// and payload.
#include "persistence/framing.hpp"

#include "persistence/coding.hpp"
#include "persistence/crc32c.hpp"

namespace moss {

namespace lf = log_format;

std::string_view to_string(frame_error e) noexcept {
  switch (e) {
    case frame_error::none: return "ok";
    case frame_error::cut_short: return "record cut short";
    case frame_error::bad_length: return "length out of range";
    case frame_error::bad_checksum: return "checksum mismatch";
  }
  return "unknown";
}

size_t begin_record(std::string& out) {
  size_t start = out.size();
  out.append(lf::header_size, '\0');
  return start;
}

void finish_record(std::string& out, size_t start, lf::record_type type, uint64_t revision) {
  char* h = out.data() + start;
  size_t length = out.size() - start - lf::header_size;
  encode_fixed32(h + lf::length_offset, static_cast<uint32_t>(length));
  h[lf::type_offset] = static_cast<char>(type);
  encode_fixed64(h + lf::revision_offset, revision);
  uint32_t crc = crc32c::value(h + lf::length_offset, out.size() - start - lf::length_offset);
  encode_fixed32(h + lf::crc_offset, crc32c::mask(crc));
}

void append_record(std::string& out, lf::record_type type, uint64_t revision,
                   std::string_view payload) {
  size_t start = begin_record(out);
  out.append(payload);
  finish_record(out, start, type, revision);
}

frame_error parse_record(std::string_view data, size_t offset, record_view& out) noexcept {
  if (offset > data.size() || data.size() - offset < lf::header_size)
    return frame_error::cut_short;
  const char* h = data.data() + offset;
  uint32_t length = decode_fixed32(h + lf::length_offset);
  if (length > lf::max_payload)
    return frame_error::bad_length;
  if (data.size() - offset - lf::header_size < length)
    return frame_error::cut_short;
  uint32_t stored = crc32c::unmask(decode_fixed32(h + lf::crc_offset));
  if (crc32c::value(h + lf::length_offset, lf::header_size - lf::length_offset + length) != stored)
    return frame_error::bad_checksum;
  out.type = static_cast<lf::record_type>(h[lf::type_offset]);
  out.revision = decode_fixed64(h + lf::revision_offset);
  out.payload = std::string_view(h + lf::header_size, length);
  out.size = lf::header_size + length;
  return frame_error::none;
}

} // namespace moss
