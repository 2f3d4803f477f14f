#include "persistence/wal_record.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "persistence/coding.hpp"
#include "persistence/framing.hpp"

namespace moss {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

TEST(CodingTest, VarintsRoundTripAtEveryWidth) {
  std::vector<uint64_t> values = {0, 1, 127, 128, 255, 16383, 16384, (1ull << 32) - 1,
                                  1ull << 32, (1ull << 63), std::numeric_limits<uint64_t>::max()};
  std::string buf;
  for (uint64_t v : values)
    put_varint64(buf, v);
  byte_cursor in(buf);
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(in.read_varint64(got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.at_end());
}

TEST(CodingTest, Varint32RejectsValuesPast32Bits) {
  std::string buf;
  put_varint64(buf, 1ull << 32);
  byte_cursor in(buf);
  uint32_t v;
  EXPECT_FALSE(in.read_varint32(v));
  EXPECT_EQ(in.offset(), 0u);
}

TEST(CodingTest, FixedWidthIsLittleEndian) {
  std::string buf;
  put_fixed32(buf, 0x04030201u);
  put_fixed64(buf, 0x0c0b0a0908070605ull);
  EXPECT_EQ(buf, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"s);
}

// Views of static literals (sv), so the ops outlive this function.
std::vector<wal_op_view> sample_ops(std::string_view large) {
  return {
    {wal_op_kind::put, "plain", "value", 0},
    {wal_op_kind::put, "\0nul\0"sv, "\xff\x00\xfe"sv, 1'700'000'000'000'000'000},
    {wal_op_kind::put, "empty-value", "", -5},
    {wal_op_kind::put, "", "empty key", 0},
    {wal_op_kind::put, "large", large, std::numeric_limits<int64_t>::max()},
    {wal_op_kind::del, "\xff\xff"sv, "", 0},
    {wal_op_kind::expire, "ttl-key", "", 0},
  };
}

TEST(WalRecordTest, MixedOpsWithBinaryBytesRoundTrip) {
  std::string large(1 << 20, '\0');
  for (size_t i = 0; i < large.size(); ++i)
    large[i] = static_cast<char>(i * 7);
  auto ops = sample_ops(large);
  std::string payload;
  encode_commit(payload, ops);
  std::vector<wal_op_view> decoded;
  ASSERT_TRUE(decode_commit(payload, decoded).is_ok());
  EXPECT_EQ(decoded, ops);
  // Views point into the payload, not into copies.
  EXPECT_GE(decoded[4].value.data(), payload.data());
  EXPECT_LT(decoded[4].value.data(), payload.data() + payload.size());
}

TEST(WalRecordTest, EmptyCommitRoundTrips) {
  std::string payload;
  encode_commit(payload, {});
  std::vector<wal_op_view> decoded{{wal_op_kind::del, "stale", "", 0}};
  ASSERT_TRUE(decode_commit(payload, decoded).is_ok());
  EXPECT_TRUE(decoded.empty());
}

TEST(WalRecordTest, PiecewiseEncodingMatchesWholeEncoding) {
  std::string whole, pieces = "prefix";
  std::vector<wal_op_view> ops = {{wal_op_kind::put, "k", "v", 9}, {wal_op_kind::del, "d", "", 0}};
  encode_commit(whole, ops);
  encode_op_count(pieces, 2);
  encode_put(pieces, "k", "v", 9, 0, 0);
  encode_del(pieces, "d");
  EXPECT_EQ(pieces, "prefix" + whole);
}

TEST(WalRecordTest, EveryStrictPrefixIsRejected) {
  std::string payload;
  encode_commit(payload, sample_ops("a value"));
  std::vector<wal_op_view> decoded;
  for (size_t n = 0; n < payload.size(); ++n) {
    status s = decode_commit(std::string_view(payload).substr(0, n), decoded);
    ASSERT_EQ(s.code(), errc::corruption) << "prefix of " << n << " bytes";
    EXPECT_NE(s.message().find("malformed commit payload"), std::string::npos);
  }
}

TEST(WalRecordTest, TrailingBytesAreRejected) {
  std::string payload;
  encode_commit(payload, sample_ops("v"));
  payload += '\0';
  std::vector<wal_op_view> decoded;
  status s = decode_commit(payload, decoded);
  EXPECT_EQ(s.code(), errc::corruption);
  EXPECT_NE(s.message().find("trailing bytes after the last op (1)"), std::string::npos) << s.message();
}

TEST(WalRecordTest, UnknownOpKindIsRejected) {
  std::string payload;
  encode_op_count(payload, 1);
  payload += '\x07';
  put_length_prefixed(payload, "key");
  std::vector<wal_op_view> decoded;
  status s = decode_commit(payload, decoded);
  EXPECT_EQ(s.code(), errc::corruption);
  EXPECT_NE(s.message().find("unknown op kind 7"), std::string::npos) << s.message();
}

TEST(WalRecordTest, HugeOpCountIsRejectedBeforeAllocating) {
  std::string payload;
  encode_op_count(payload, 0xffffffffu);
  encode_del(payload, "k");
  std::vector<wal_op_view> decoded;
  EXPECT_EQ(decode_commit(payload, decoded).code(), errc::corruption);
  EXPECT_LT(decoded.capacity(), 1000u);
}

TEST(WalRecordTest, OverlongVarintIsRejected) {
  std::string payload = "\x01\x01\xff\xff\xff\xff\xff\x01k"s;  // 6-byte key length
  std::vector<wal_op_view> decoded;
  EXPECT_EQ(decode_commit(payload, decoded).code(), errc::corruption);
}

TEST(WalRecordTest, KeyLengthPastEndNamesTheOp) {
  std::string payload;
  encode_op_count(payload, 2);
  encode_del(payload, "ok");
  payload += static_cast<char>(wal_op_kind::del);
  put_varint32(payload, 100);
  payload += "short";
  std::vector<wal_op_view> decoded;
  status s = decode_commit(payload, decoded);
  EXPECT_EQ(s.code(), errc::corruption);
  EXPECT_NE(s.message().find("op 2 of 2: key runs past the end"), std::string::npos)
    << s.message();
}

TEST(WalRecordTest, CommitAtRoundTripsWithItsClockReading) {
  std::string payload;
  encode_commit_at_header(payload, -5, 3);
  encode_put_at(payload, "k", std::string("v\0w", 3), 99);
  encode_del(payload, "d");
  encode_expire(payload, "e");
  int64_t now = 0;
  std::vector<wal_op_view> ops;
  ASSERT_TRUE(decode_commit_at(payload, now, ops));
  EXPECT_EQ(now, -5);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].kind, wal_op_kind::put);
  EXPECT_EQ(ops[0].value, std::string_view("v\0w", 3));
  EXPECT_EQ(ops[0].expiry, 99);
  EXPECT_EQ(ops[0].create_rev, 0u);
  EXPECT_EQ(ops[1].kind, wal_op_kind::del);
  EXPECT_EQ(ops[2].kind, wal_op_kind::expire);
  EXPECT_EQ(decode_commit_at(payload.substr(0, 7), now, ops).code(), errc::corruption);
  EXPECT_EQ(decode_commit_at(payload + "x", now, ops).code(), errc::corruption);
}

TEST(WalRecordTest, TheDocumentedCommitAtExampleIsByteExact) {
  // docs/log_format.md: revision 1, clock reading 1000, put "a" = "b".
  std::string payload;
  encode_commit_at_header(payload, 1000, 1);
  encode_put_at(payload, "a", "b", 0);
  std::string record;
  append_record(record, log_format::record_type::commit_at, 1, payload);
  const unsigned char want[] = {0x3a, 0xb2, 0xb0, 0x16, 0x16, 0, 0, 0, 0x05, 0x01, 0, 0, 0, 0, 0, 0, 0,
                                0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0x01, 0x01, 0x01, 0x61, 0x01, 0x62,
                                0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(record, std::string(reinterpret_cast<const char*>(want), sizeof want));
}

TEST(WalRecordTest, EncodedSizeBoundsCoverTheRealEncoding) {
  for (size_t k : {0u, 1u, 127u, 128u, 70000u})
    for (size_t v : {0u, 5u, 200u, 1u << 20}) {
      std::string out;
      encode_put_at(out, std::string(k, 'k'), std::string(v, 'v'), 1);
      EXPECT_LE(out.size(), encoded_put_size(k, v));
      std::string del;
      encode_del(del, std::string(k, 'k'));
      EXPECT_LE(del.size(), encoded_del_size(k));
    }
}

} // namespace
} // namespace moss
