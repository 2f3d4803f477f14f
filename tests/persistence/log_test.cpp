#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "persistence/fault_injection_file_system.hpp"
#include "persistence/framing.hpp"
#include "persistence/log_reader.hpp"
#include "persistence/log_writer.hpp"
#include "persistence/wal_record.hpp"
#include "tests/persistence/log_test_util.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

using log_format::record_type;
using test::commit_payload;
using test::read_and_check;
using test::write_commits;
using test::write_file;

constexpr uint64_t record_count = 210;

class LogTest : public ::testing::Test {
protected:
  // Writes revisions 1..record_count into `path_` and remembers where each
  // record ends.
  void write_full_log() {
    std::unique_ptr<writable_file> f;
    ASSERT_TRUE(fs_.open_writable(path_, open_mode::truncate, f).is_ok());
    log_writer w(std::move(f));
    ends_ = write_commits(w, 1, record_count);
    ASSERT_TRUE(w.close().is_ok());
    full_ = test::read_file(fs_, path_);
    ASSERT_EQ(full_.size(), ends_.back());
  }

  // Start offset of record `i` (0-based).
  uint64_t start_of(size_t i) const { return i == 0 ? 0 : ends_[i - 1]; }

  // Number of whole records in the first `n` bytes.
  uint64_t whole_records_in(uint64_t n) const {
    return std::upper_bound(ends_.begin(), ends_.end(), n) - ends_.begin();
  }

  test::temp_dir dir_;
  file_system& fs_ = default_file_system();
  std::string path_ = dir_.file("wal-000001.log");
  std::vector<uint64_t> ends_;
  std::string full_;
};

TEST_F(LogTest, MixedCommitsRoundTrip) {
  write_full_log();
  std::vector<wal_op_view> ops;
  uint64_t puts = 0, dels = 0, expires = 0;
  log_read_result r = read_log(fs_, path_, [&](uint64_t rev, record_type, std::string_view p) {
    EXPECT_EQ(p, commit_payload(rev));
    status s = decode_commit(p, ops);
    for (const auto& op : ops) {
      puts += op.kind == wal_op_kind::put;
      dels += op.kind == wal_op_kind::del;
      expires += op.kind == wal_op_kind::expire;
    }
    return s;
  });
  ASSERT_TRUE(r.outcome.is_ok()) << r.outcome.to_string();
  EXPECT_EQ(r.records, record_count);
  EXPECT_EQ(r.first_revision, 1u);
  EXPECT_EQ(r.last_revision, record_count);
  EXPECT_EQ(r.valid_bytes, full_.size());
  EXPECT_EQ(r.dropped_bytes, 0u);
  EXPECT_GT(puts, 0u);
  EXPECT_GT(dels, 0u);
  EXPECT_GT(expires, 0u);
}

TEST_F(LogTest, ManyRecordsGoOutInOneWriteAndOneSync) {
  fault_injection_file_system faulty(fs_);
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(faulty.open_writable(path_, open_mode::truncate, f).is_ok());
  log_writer w(std::move(f));
  for (uint64_t rev = 1; rev <= 100; ++rev)
    ASSERT_TRUE(w.add_record(rev, record_type::commit, commit_payload(rev)).is_ok());
  EXPECT_EQ(faulty.write_calls(), 0u);
  ASSERT_TRUE(w.sync().is_ok());
  EXPECT_EQ(faulty.write_calls(), 1u);
  EXPECT_EQ(faulty.sync_calls(), 1u);
  EXPECT_EQ(w.bytes_written(), w.logical_size());
  EXPECT_EQ(read_and_check(fs_, path_).records, 100u);
}

TEST_F(LogTest, EncodedInPlaceRecordsMatchCopiedOnes) {
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(fs_.open_writable(path_, open_mode::truncate, f).is_ok());
  log_writer w(std::move(f));
  ASSERT_TRUE(w.add_record_with(1, record_type::commit, [](std::string& out) {
                 encode_op_count(out, 1);
                 encode_put(out, "key", "value", 0, 1, 1);
               }).is_ok());
  ASSERT_TRUE(w.close().is_ok());
  std::string payload;
  encode_op_count(payload, 1);
  encode_put(payload, "key", "value", 0, 1, 1);
  std::string expected;
  append_record(expected, record_type::commit, 1, payload);
  EXPECT_EQ(test::read_file(fs_, path_), expected);
}

TEST_F(LogTest, WriterRefusesRevisionsOutOfSequence) {
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(fs_.open_writable(path_, open_mode::truncate, f).is_ok());
  log_writer w(std::move(f), 41);
  status gap = w.add_record(43, record_type::commit, "x");
  EXPECT_EQ(gap.code(), errc::invalid_argument);
  EXPECT_NE(gap.message().find("revision 43 does not follow 41"), std::string::npos);
  EXPECT_EQ(w.add_record(41, record_type::commit, "x").code(), errc::invalid_argument);
  EXPECT_TRUE(w.add_record(42, record_type::commit, "x").is_ok());
  EXPECT_EQ(w.buffered_bytes(), log_format::header_size + 1);
}

TEST_F(LogTest, EmptyLogHasNoRecords) {
  write_file(fs_, path_, "");
  log_read_result r = read_and_check(fs_, path_);
  EXPECT_TRUE(r.outcome.is_ok());
  EXPECT_EQ(r.records, 0u);
  EXPECT_EQ(r.last_revision, 0u);
}

TEST_F(LogTest, MissingLogIsAnIoErrorNamingThePath) {
  log_read_result r = read_and_check(fs_, path_);
  EXPECT_EQ(r.outcome.code(), errc::io_error);
  EXPECT_NE(r.outcome.message().find(path_), std::string::npos);
}

TEST_F(LogTest, TruncatedTailIsIgnoredAtEveryOffset) {
  write_full_log();
  for (uint64_t cut = 0; cut <= full_.size(); ++cut) {
    write_file(fs_, path_, std::string_view(full_).substr(0, cut));
    log_read_result r = read_and_check(fs_, path_);
    uint64_t whole = whole_records_in(cut);
    ASSERT_TRUE(r.outcome.is_ok()) << "cut at " << cut << ": " << r.outcome.to_string();
    ASSERT_EQ(r.records, whole) << "cut at " << cut;
    ASSERT_EQ(r.last_revision, whole);
    ASSERT_EQ(r.valid_bytes, start_of(whole));
    ASSERT_EQ(r.dropped_bytes, cut - start_of(whole));
    ASSERT_EQ(r.tail_reason.empty(), r.dropped_bytes == 0);
  }
}

TEST_F(LogTest, AppendsAfterRepairSurviveAtEveryCut) {
  write_full_log();
  for (uint64_t cut = 0; cut <= full_.size(); ++cut) {
    write_file(fs_, path_, std::string_view(full_).substr(0, cut));
    log_repair_result rep = repair_log(fs_, path_);
    uint64_t whole = whole_records_in(cut);
    ASSERT_TRUE(rep.outcome.is_ok()) << rep.outcome.to_string();
    ASSERT_EQ(rep.kept_records, whole);
    ASSERT_EQ(rep.kept_bytes, start_of(whole));
    ASSERT_EQ(rep.cut_bytes, cut - start_of(whole));

    std::unique_ptr<writable_file> f;
    ASSERT_TRUE(fs_.open_writable(path_, open_mode::append, f).is_ok());
    log_writer w(std::move(f), rep.last_revision);
    write_commits(w, whole + 1, 2);
    ASSERT_TRUE(w.close().is_ok());

    log_read_result r = read_and_check(fs_, path_);
    ASSERT_TRUE(r.outcome.is_ok()) << "cut at " << cut << ": " << r.outcome.to_string();
    ASSERT_EQ(r.records, whole + 2) << "cut at " << cut;
    ASSERT_EQ(r.dropped_bytes, 0u);
  }
}

TEST_F(LogTest, BitFlipInLastRecordIsATornTail) {
  write_full_log();
  size_t last = record_count - 1;
  for (uint64_t at = start_of(last); at < full_.size(); ++at) {
    std::string damaged = full_;
    damaged[at] ^= static_cast<char>(1u << (at % 8));
    write_file(fs_, path_, damaged);
    log_read_result r = read_and_check(fs_, path_);
    ASSERT_TRUE(r.outcome.is_ok()) << "flip at " << at << ": " << r.outcome.to_string();
    ASSERT_EQ(r.records, record_count - 1);
    ASSERT_EQ(r.valid_bytes, start_of(last));
    ASSERT_EQ(r.dropped_bytes, full_.size() - start_of(last));

    log_repair_result rep = repair_log(fs_, path_);
    ASSERT_TRUE(rep.outcome.is_ok());
    ASSERT_EQ(rep.kept_bytes, start_of(last));
    uint64_t size = 0;
    ASSERT_TRUE(fs_.file_size(path_, size).is_ok());
    ASSERT_EQ(size, start_of(last));
  }
}

TEST_F(LogTest, BitFlipInMiddleRecordIsCorruptionAtItsOffset) {
  write_full_log();
  size_t middle = record_count / 2;
  std::string offset_text = "bad record at offset " + std::to_string(start_of(middle));
  // Every byte of the record: CRC, length, type, revision and payload.
  for (uint64_t at = start_of(middle); at < ends_[middle]; ++at) {
    std::string damaged = full_;
    damaged[at] ^= static_cast<char>(1u << (at % 8));
    write_file(fs_, path_, damaged);
    log_read_result r = read_and_check(fs_, path_);
    ASSERT_EQ(r.outcome.code(), errc::corruption) << "flip at " << at;
    ASSERT_NE(r.outcome.message().find(path_), std::string::npos) << r.outcome.message();
    ASSERT_NE(r.outcome.message().find(offset_text), std::string::npos) << r.outcome.message();
    ASSERT_NE(r.outcome.message().find("valid records follow"), std::string::npos);
    ASSERT_EQ(r.records, middle);
    ASSERT_EQ(r.valid_bytes, start_of(middle));
  }
}

TEST_F(LogTest, RepairCutsMiddleDamageToTheGoodPrefix) {
  write_full_log();
  full_[start_of(100) + log_format::header_size] ^= 0x40;
  write_file(fs_, path_, full_);
  log_repair_result rep = repair_log(fs_, path_);
  ASSERT_TRUE(rep.outcome.is_ok()) << rep.outcome.to_string();
  EXPECT_EQ(rep.kept_records, 100u);
  EXPECT_EQ(rep.last_revision, 100u);
  EXPECT_EQ(rep.cut_bytes, full_.size() - start_of(100));
  EXPECT_NE(rep.reason.find("checksum mismatch"), std::string::npos) << rep.reason;
  log_read_result r = read_and_check(fs_, path_);
  EXPECT_TRUE(r.outcome.is_ok());
  EXPECT_EQ(r.records, 100u);
}

TEST_F(LogTest, GarbageAfterTheLastRecordIsATornTail) {
  write_full_log();
  std::mt19937 rng(7);
  std::string random(500, '\0');
  for (char& c : random)
    c = static_cast<char>(rng());
  for (const std::string& garbage : {std::string(4096, '\0'), std::string(3, '\x01'), random}) {
    write_file(fs_, path_, full_ + garbage);
    log_read_result r = read_and_check(fs_, path_);
    ASSERT_TRUE(r.outcome.is_ok()) << r.outcome.to_string();
    EXPECT_EQ(r.records, record_count);
    EXPECT_EQ(r.valid_bytes, full_.size());
    EXPECT_EQ(r.dropped_bytes, garbage.size());
  }
}

TEST_F(LogTest, RevisionGapIsCorruptionAtThatRecord) {
  std::string log;
  for (uint64_t rev : {5, 6, 7, 9, 10})
    append_record(log, record_type::commit, rev, commit_payload(rev));
  write_file(fs_, path_, log);
  log_read_result r = read_and_check(fs_, path_);
  EXPECT_EQ(r.outcome.code(), errc::corruption);
  EXPECT_EQ(r.records, 3u);
  EXPECT_NE(r.outcome.message().find("offset " + std::to_string(r.valid_bytes) +
                                     " (revision 9 where 8 was expected)"),
            std::string::npos)
    << r.outcome.message();
}

TEST_F(LogTest, RevisionStepBackIsCorruption) {
  std::string log;
  for (uint64_t rev : {1, 2, 3, 2})
    append_record(log, record_type::commit, rev, commit_payload(rev));
  write_file(fs_, path_, log);
  log_read_result r = read_and_check(fs_, path_);
  EXPECT_EQ(r.outcome.code(), errc::corruption);
  EXPECT_EQ(r.last_revision, 3u);
}

TEST_F(LogTest, FirstRevisionMustBeTheExpectedOne) {
  write_full_log();
  EXPECT_TRUE(read_and_check(fs_, path_, 1).outcome.is_ok());
  log_read_result r = read_and_check(fs_, path_, 2);
  EXPECT_EQ(r.outcome.code(), errc::corruption);
  EXPECT_NE(r.outcome.message().find("offset 0 (revision 1 where 2 was expected)"),
            std::string::npos);
}

TEST_F(LogTest, VisitorErrorStopsTheReadAndNamesTheRecord) {
  write_full_log();
  log_read_result r = read_log(fs_, path_, [](uint64_t rev, record_type, std::string_view) {
    return rev == 3 ? status(errc::aborted, "stop here") : status::ok();
  });
  EXPECT_EQ(r.outcome.code(), errc::aborted);
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.outcome.message(),
            path_ + ": record at offset " + std::to_string(start_of(2)) + " (revision 3): stop here");
}

TEST_F(LogTest, OversizedLengthIsTreatedAsDamage) {
  write_full_log();
  std::string damaged = full_;
  // Length field of the last record set past the cap: a torn tail.
  damaged[start_of(record_count - 1) + log_format::length_offset + 3] = '\x7f';
  write_file(fs_, path_, damaged);
  log_read_result r = read_and_check(fs_, path_);
  EXPECT_TRUE(r.outcome.is_ok());
  EXPECT_EQ(r.records, record_count - 1);
  EXPECT_NE(r.tail_reason.find("length out of range"), std::string::npos) << r.tail_reason;
}

} // namespace
} // namespace moss
