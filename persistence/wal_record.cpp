// Commit payload codec.
#include "persistence/wal_record.hpp"

#include <algorithm>

#include "persistence/coding.hpp"

namespace moss {
namespace {

// The smallest encoded op: kind byte plus an empty key's length byte.
constexpr size_t min_op_size = 2;

status malformed(size_t op, uint32_t count, size_t offset, std::string_view what) {
  std::string msg = "malformed commit payload: ";
  if (count > 0) {
    msg += "op " + std::to_string(op + 1) + " of " + std::to_string(count) + ": ";
  }
  msg += what;
  msg += " at payload byte " + std::to_string(offset);
  return {errc::corruption, std::move(msg)};
}

} // namespace

void encode_op_count(std::string& out, uint32_t op_count) {
  put_varint32(out, op_count);
}

void encode_put(std::string& out, std::string_view key, std::string_view value,
                int64_t expiry, uint64_t create_rev, uint64_t version) {
  out.push_back(static_cast<char>(wal_op_kind::put));
  put_length_prefixed(out, key);
  put_length_prefixed(out, value);
  put_fixed64(out, static_cast<uint64_t>(expiry));
  put_varint64(out, create_rev);
  put_varint64(out, version);
}

void encode_del(std::string& out, std::string_view key) {
  out.push_back(static_cast<char>(wal_op_kind::del));
  put_length_prefixed(out, key);
}

void encode_expire(std::string& out, std::string_view key) {
  out.push_back(static_cast<char>(wal_op_kind::expire));
  put_length_prefixed(out, key);
}

void encode_commit(std::string& out, std::span<const wal_op_view> ops) {
  encode_op_count(out, static_cast<uint32_t>(ops.size()));
  for (const wal_op_view& op : ops) {
    switch (op.kind) {
      case wal_op_kind::put:
        encode_put(out, op.key, op.value, op.expiry, op.create_rev, op.version);
        break;
      case wal_op_kind::del: encode_del(out, op.key); break;
      case wal_op_kind::expire: encode_expire(out, op.key); break;
    }
  }
}

namespace {

// Decodes the op list at `in`; `with_meta` for the older commit records.
status decode_ops(byte_cursor& in, bool with_meta, std::vector<wal_op_view>& ops);

} // namespace

status decode_commit(std::string_view payload, std::vector<wal_op_view>& ops) {
  byte_cursor in(payload);
  return decode_ops(in, true, ops);
}

void encode_commit_at_header(std::string& out, int64_t now_ns, uint32_t op_count) {
  put_fixed64(out, static_cast<uint64_t>(now_ns));
  put_varint32(out, op_count);
}

void encode_put_at(std::string& out, std::string_view key, std::string_view value, int64_t expiry) {
  out.push_back(static_cast<char>(wal_op_kind::put));
  put_length_prefixed(out, key);
  put_length_prefixed(out, value);
  put_fixed64(out, static_cast<uint64_t>(expiry));
}

status decode_commit_at(std::string_view payload, int64_t& now_ns, std::vector<wal_op_view>& ops) {
  byte_cursor in(payload);
  uint64_t now;
  if (!in.read_fixed64(now))
    return malformed(0, 0, 0, "clock reading runs past the end");
  now_ns = static_cast<int64_t>(now);
  return decode_ops(in, false, ops);
}

namespace {

status decode_ops(byte_cursor& in, bool with_meta, std::vector<wal_op_view>& ops) {
  ops.clear();
  uint32_t count;
  if (!in.read_varint32(count))
    return malformed(0, 0, 0, "bad op count");
  // A corrupt count must not trigger a huge allocation.
  if (count > in.remaining() / min_op_size)
    return malformed(0, 0, 0, "op count " + std::to_string(count) + " exceeds payload");
  ops.reserve(std::min<uint32_t>(count, 1024));
  for (uint32_t i = 0; i < count; ++i) {
    wal_op_view op;
    size_t at = in.offset();
    uint8_t kind;
    if (!in.read_u8(kind))
      return malformed(i, count, at, "missing op");
    op.kind = static_cast<wal_op_kind>(kind);
    if (op.kind != wal_op_kind::put && op.kind != wal_op_kind::del &&
        op.kind != wal_op_kind::expire)
      return malformed(i, count, at, "unknown op kind " + std::to_string(kind));
    if (!in.read_length_prefixed(op.key))
      return malformed(i, count, in.offset(), "key runs past the end");
    if (op.kind == wal_op_kind::put) {
      if (!in.read_length_prefixed(op.value))
        return malformed(i, count, in.offset(), "value runs past the end");
      uint64_t expiry;
      if (!in.read_fixed64(expiry))
        return malformed(i, count, in.offset(), "expiry runs past the end");
      op.expiry = static_cast<int64_t>(expiry);
      if (with_meta && (!in.read_varint64(op.create_rev) || !in.read_varint64(op.version)))
        return malformed(i, count, in.offset(), "revisions run past the end");
    }
    ops.push_back(op);
  }
  if (!in.at_end())
    return malformed(0, 0, in.offset(),
                     "trailing bytes after the last op (" + std::to_string(in.remaining()) + ")");
  return status::ok();
}

} // namespace

} // namespace moss
