#include "persistence/manifest.hpp"

#include <gtest/gtest.h>

#include "persistence/file_names.hpp"
#include "tests/persistence/log_test_util.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

class ManifestTest : public ::testing::Test {
protected:
  test::temp_dir dir_;
  file_system& fs_ = default_file_system();
  std::string path_ = dir_.file("MANIFEST");
  manifest sample_{"snap-00000000000004d2.snap", 1234, {"wal-000007.log", "wal-000008.log"}};
};

TEST_F(ManifestTest, MissingManifestIsANewEmptyDirectory) {
  manifest m = sample_;
  bool found = true;
  ASSERT_TRUE(read_manifest(fs_, dir_.path(), m, &found).is_ok());
  EXPECT_FALSE(found);
  EXPECT_EQ(m, manifest{});
}

TEST_F(ManifestTest, RoundTrips) {
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), sample_).is_ok());
  manifest m;
  bool found = false;
  ASSERT_TRUE(read_manifest(fs_, dir_.path(), m, &found).is_ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(m, sample_);
}

TEST_F(ManifestTest, ManifestWithoutSnapshotRoundTrips) {
  manifest fresh{"", 0, {"wal-000001.log"}};
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), fresh).is_ok());
  manifest m;
  ASSERT_TRUE(read_manifest(fs_, dir_.path(), m).is_ok());
  EXPECT_EQ(m, fresh);
}

TEST_F(ManifestTest, SwitchReplacesTheWholeManifest) {
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), sample_).is_ok());
  manifest next{"snap-0000000000000900.snap", 0x900, {"wal-000009.log"}};
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), next).is_ok());
  manifest m;
  ASSERT_TRUE(read_manifest(fs_, dir_.path(), m).is_ok());
  EXPECT_EQ(m, next);
  EXPECT_FALSE(fs_.exists(path_ + ".tmp"));
}

TEST_F(ManifestTest, LeftoverTempFileIsIgnored) {
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), sample_).is_ok());
  // A crash between writing MANIFEST.tmp and the rename leaves this behind.
  test::write_file(fs_, path_ + ".tmp", "half a manif");
  manifest m;
  ASSERT_TRUE(read_manifest(fs_, dir_.path(), m).is_ok());
  EXPECT_EQ(m, sample_);
  // The next switch simply replaces it.
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), manifest{}).is_ok());
  ASSERT_TRUE(read_manifest(fs_, dir_.path(), m).is_ok());
  EXPECT_EQ(m, manifest{});
}

TEST_F(ManifestTest, AnyDamageIsCorruptionNamingTheFile) {
  ASSERT_TRUE(write_manifest(fs_, dir_.path(), sample_).is_ok());
  std::string full = test::read_file(fs_, path_);
  for (size_t at = 0; at < full.size(); ++at) {
    std::string damaged = full;
    damaged[at] ^= static_cast<char>(1u << (at % 8));
    test::write_file(fs_, path_, damaged);
    manifest m;
    status s = read_manifest(fs_, dir_.path(), m);
    ASSERT_EQ(s.code(), errc::corruption) << "flip at " << at;
    ASSERT_NE(s.message().find(path_ + ": bad manifest at offset"), std::string::npos);
  }
  for (size_t cut = 0; cut < full.size(); ++cut) {
    test::write_file(fs_, path_, std::string_view(full).substr(0, cut));
    manifest m;
    ASSERT_EQ(read_manifest(fs_, dir_.path(), m).code(), errc::corruption) << "cut at " << cut;
  }
}

TEST_F(ManifestTest, NamesWithSlashesAreRefused) {
  EXPECT_EQ(write_manifest(fs_, dir_.path(), manifest{"../snap", 1, {}}).code(),
            errc::invalid_argument);
  EXPECT_EQ(write_manifest(fs_, dir_.path(), manifest{"", 0, {"a/wal-000001.log"}}).code(),
            errc::invalid_argument);
  EXPECT_FALSE(fs_.exists(path_));
}

TEST(FileNamesTest, NamesFollowTheDirectoryLayout) {
  EXPECT_EQ(snapshot_file_name(1234, 7), "snap-00000000000004d2-000007.snap");
  EXPECT_EQ(log_file_name(42), "wal-000042.log");
  EXPECT_EQ(log_file_name(1234567), "wal-1234567.log");
  EXPECT_EQ(temp_file_name("MANIFEST"), "MANIFEST.tmp");
}

TEST(FileNamesTest, ParsingInvertsNaming) {
  uint64_t n = 0;
  uint64_t seq = 0;
  EXPECT_TRUE(parse_snapshot_file_name(snapshot_file_name(0xdeadbeef12ull, 42), n, seq));
  EXPECT_EQ(n, 0xdeadbeef12ull);
  EXPECT_EQ(seq, 42u);
  EXPECT_TRUE(parse_snapshot_file_name("snap-00000000000004d2.snap", n, seq));  // the older form
  EXPECT_EQ(n, 1234u);
  EXPECT_EQ(seq, 0u);
  EXPECT_TRUE(parse_log_file_name(log_file_name(7), n));
  EXPECT_EQ(n, 7u);
  EXPECT_TRUE(parse_log_file_name("wal-1234567.log", n));
  EXPECT_EQ(n, 1234567u);
}

TEST(FileNamesTest, OtherNamesAreNotParsed) {
  uint64_t n = 0;
  for (const char* name : {"LOCK", "MANIFEST", "wal-42.log", "wal-00004x.log", "wal-000042.log.tmp",
                           "snap-4d2.snap", "snap-00000000000004D2.snap", "snap-00000000000004d2.snap.tmp",
                           "snap-00000000000004d2-42.snap", "snap-00000000000004d2-00004x.snap",
                           "snap-00000000000004d2_000042.snap"}) {
    EXPECT_FALSE(parse_log_file_name(name, n)) << name;
    EXPECT_FALSE(parse_snapshot_file_name(name, n)) << name;
  }
}

} // namespace
} // namespace moss
