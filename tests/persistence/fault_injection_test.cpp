#include "persistence/fault_injection_file_system.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "persistence/log_reader.hpp"
#include "persistence/log_writer.hpp"
#include "persistence/manifest.hpp"
#include "persistence/snapshot.hpp"
#include "tests/persistence/log_test_util.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

using log_format::record_type;
using test::commit_payload;
using test::read_and_check;
using test::write_commits;

class FaultInjectionTest : public ::testing::Test {
protected:
  std::unique_ptr<log_writer> open_log(uint64_t last_revision = 0) {
    std::unique_ptr<writable_file> f;
    EXPECT_TRUE(faulty_.open_writable(path_, open_mode::append, f).is_ok());
    return std::make_unique<log_writer>(std::move(f), last_revision);
  }

  bool contains(const status& s, std::string_view text) {
    return s.message().find(text) != std::string::npos;
  }

  test::temp_dir dir_;
  fault_injection_file_system faulty_{default_file_system()};
  std::string path_ = dir_.file("wal-000001.log");
};

TEST_F(FaultInjectionTest, NoSpaceOnWriteSurfacesAsNoSpace) {
  auto w = open_log();
  ASSERT_TRUE(w->add_record(1, record_type::commit, commit_payload(1)).is_ok());
  faulty_.fail_writes(ENOSPC);
  status s = w->flush();
  EXPECT_EQ(s.code(), errc::no_space);
  EXPECT_TRUE(contains(s, "write to " + path_)) << s.message();
  EXPECT_TRUE(contains(s, "No space left on device")) << s.message();

  // The writer stays broken even though the fault fired only once.
  status later = w->add_record(2, record_type::commit, "x");
  EXPECT_EQ(later.code(), errc::write_failed);
  EXPECT_TRUE(contains(later, "No space left on device")) << later.message();
  EXPECT_EQ(w->sync().code(), errc::write_failed);
}

TEST_F(FaultInjectionTest, IoErrorOnWriteSurfacesAsIoError) {
  auto w = open_log();
  ASSERT_TRUE(w->add_record(1, record_type::commit, commit_payload(1)).is_ok());
  faulty_.fail_writes(EIO);
  status s = w->sync();
  EXPECT_EQ(s.code(), errc::io_error);
  EXPECT_TRUE(contains(s, "Input/output error")) << s.message();
  EXPECT_EQ(faulty_.sync_calls(), 0u);
}

TEST_F(FaultInjectionTest, IoErrorOnSyncSurfacesAsIoError) {
  auto w = open_log();
  ASSERT_TRUE(w->add_record(1, record_type::commit, commit_payload(1)).is_ok());
  faulty_.fail_syncs(EIO);
  status s = w->sync();
  EXPECT_EQ(s.code(), errc::io_error);
  EXPECT_TRUE(contains(s, "fdatasync of " + path_)) << s.message();
  EXPECT_TRUE(contains(s, "Input/output error")) << s.message();
  // A failed fsync is never retried: the writer refuses further work.
  EXPECT_EQ(w->sync().code(), errc::write_failed);
}

TEST_F(FaultInjectionTest, EveryWriteFailsUntilHealed) {
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(faulty_.open_writable(path_, open_mode::truncate, f).is_ok());
  faulty_.fail_writes(EIO, fault_mode::always);
  EXPECT_EQ(f->append("a").code(), errc::io_error);
  EXPECT_EQ(f->append("b").code(), errc::io_error);
  faulty_.heal();
  EXPECT_TRUE(f->append("c").is_ok());
  EXPECT_EQ(test::read_file(faulty_, path_), "c");
}

TEST_F(FaultInjectionTest, ShortWriteLeavesATornTailTheReaderDrops) {
  auto w = open_log();
  write_commits(*w, 1, 50);
  ASSERT_TRUE(w->sync().is_ok());
  uint64_t good = w->bytes_written();

  faulty_.fail_after_bytes(30);
  for (uint64_t rev = 51; rev <= 60; ++rev)
    ASSERT_TRUE(w->add_record(rev, record_type::commit, commit_payload(rev)).is_ok());
  status s = w->flush();
  EXPECT_EQ(s.code(), errc::no_space);
  EXPECT_EQ(w->bytes_written(), good + 30);

  log_read_result r = read_and_check(faulty_, path_);
  ASSERT_TRUE(r.outcome.is_ok()) << r.outcome.to_string();
  EXPECT_EQ(r.records, 50u);
  EXPECT_EQ(r.valid_bytes, good);
  EXPECT_EQ(r.dropped_bytes, 30u);

  faulty_.heal();
  log_repair_result rep = repair_log(faulty_, path_);
  ASSERT_TRUE(rep.outcome.is_ok());
  EXPECT_EQ(rep.cut_bytes, 30u);
  auto again = open_log(rep.last_revision);
  write_commits(*again, 51, 5);
  ASSERT_TRUE(again->sync().is_ok());
  EXPECT_EQ(read_and_check(faulty_, path_).records, 55u);
}

TEST_F(FaultInjectionTest, DroppingUnsyncedDataKeepsWhatWasSynced) {
  auto w = open_log();
  write_commits(*w, 1, 20);
  ASSERT_TRUE(w->sync().is_ok());
  write_commits(*w, 21, 20);  // flushed, never synced
  ASSERT_TRUE(faulty_.drop_unsynced_data().is_ok());
  log_read_result r = read_and_check(faulty_, path_);
  EXPECT_TRUE(r.outcome.is_ok());
  EXPECT_EQ(r.records, 20u);
  EXPECT_EQ(r.dropped_bytes, 0u);
}

TEST_F(FaultInjectionTest, FailedSnapshotLeavesNoFileBehind) {
  std::string snap = dir_.file("snap-0000000000000009.snap");
  {
    std::unique_ptr<snapshot_writer> w;
    ASSERT_TRUE(snapshot_writer::create(faulty_, snap, 9, w).is_ok());
    ASSERT_TRUE(w->add({"key", "value", 1, 9, 2, 0}).is_ok());
    faulty_.fail_writes(ENOSPC);
    status s = w->finish();
    EXPECT_EQ(s.code(), errc::no_space);
    EXPECT_EQ(w->finish().code(), errc::write_failed);
  }
  EXPECT_FALSE(faulty_.exists(snap));
  EXPECT_FALSE(faulty_.exists(snap + ".tmp"));
}

TEST_F(FaultInjectionTest, FailedManifestSwitchKeepsTheOldManifest) {
  manifest old{"snap-0000000000000001.snap", 1, {"wal-000001.log"}};
  ASSERT_TRUE(write_manifest(faulty_, dir_.path(), old).is_ok());
  faulty_.fail_syncs(EIO);
  status s = write_manifest(faulty_, dir_.path(), manifest{"", 0, {"wal-000002.log"}});
  EXPECT_EQ(s.code(), errc::io_error);
  EXPECT_TRUE(contains(s, "MANIFEST.tmp")) << s.message();
  manifest now;
  ASSERT_TRUE(read_manifest(faulty_, dir_.path(), now).is_ok());
  EXPECT_EQ(now, old);
}

} // namespace
} // namespace moss
