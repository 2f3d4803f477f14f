#include "persistence/snapshot.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/persistence/log_test_util.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

using namespace std::string_literals;

// An owning copy of a snapshot entry.
struct stored_entry {
  std::string key, value;
  uint64_t create_revision, mod_revision, version;
  int64_t expiry;

  snapshot_entry view() const {
    return {key, value, create_revision, mod_revision, version, expiry};
  }
  friend bool operator==(const stored_entry&, const stored_entry&) = default;
};

class SnapshotTest : public ::testing::Test {
protected:
  static std::vector<stored_entry> make_entries(size_t n) {
    std::vector<stored_entry> out;
    for (size_t i = 0; i < n; ++i) {
      out.push_back({"key\0\xff"s + std::to_string(i), std::string(i % 40, static_cast<char>(i)),
                     i + 1, i + 1 + i % 7, 1 + i % 7, i % 3 == 0 ? int64_t(1e18) + int64_t(i) : 0});
    }
    return out;
  }

  status write(const std::vector<stored_entry>& entries, uint64_t revision) {
    std::unique_ptr<snapshot_writer> w;
    if (status s = snapshot_writer::create(fs_, path_, revision, w); !s.is_ok())
      return s;
    for (const auto& e : entries) {
      if (status s = w->add(e.view()); !s.is_ok())
        return s;
    }
    return w->finish();
  }

  status read(std::vector<stored_entry>& out, snapshot_info* info = nullptr) {
    out.clear();
    return read_snapshot(
      fs_, path_,
      [&](const snapshot_entry& e) {
        out.push_back({std::string(e.key), std::string(e.value), e.create_revision,
                       e.mod_revision, e.version, e.expiry});
        return status::ok();
      },
      info);
  }

  test::temp_dir dir_;
  file_system& fs_ = default_file_system();
  std::string path_ = dir_.file("snap-0000000000000400.snap");
};

TEST_F(SnapshotTest, EntriesWithBinaryKeysRoundTrip) {
  auto entries = make_entries(500);
  ASSERT_TRUE(write(entries, 1024).is_ok());
  std::vector<stored_entry> got;
  snapshot_info info;
  ASSERT_TRUE(read(got, &info).is_ok());
  EXPECT_EQ(got, entries);
  EXPECT_EQ(info.revision, 1024u);
  EXPECT_EQ(info.entries, 500u);
  uint64_t size = 0;
  ASSERT_TRUE(fs_.file_size(path_, size).is_ok());
  EXPECT_EQ(info.bytes, size);
  EXPECT_FALSE(fs_.exists(path_ + ".tmp"));
}

TEST_F(SnapshotTest, EmptySnapshotRoundTrips) {
  ASSERT_TRUE(write({}, 0).is_ok());
  std::vector<stored_entry> got;
  snapshot_info info;
  ASSERT_TRUE(read(got, &info).is_ok());
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(info.entries, 0u);
  EXPECT_EQ(info.revision, 0u);
}

TEST_F(SnapshotTest, UnfinishedWriterLeavesNothingBehind) {
  {
    std::unique_ptr<snapshot_writer> w;
    ASSERT_TRUE(snapshot_writer::create(fs_, path_, 5, w).is_ok());
    ASSERT_TRUE(w->add({"k", "v", 1, 5, 1, 0}).is_ok());
    EXPECT_TRUE(fs_.exists(path_ + ".tmp"));
  }
  EXPECT_FALSE(fs_.exists(path_ + ".tmp"));
  EXPECT_FALSE(fs_.exists(path_));
}

TEST_F(SnapshotTest, WriterRefusesEntriesNewerThanTheSnapshot) {
  std::unique_ptr<snapshot_writer> w;
  ASSERT_TRUE(snapshot_writer::create(fs_, path_, 5, w).is_ok());
  EXPECT_EQ(w->add({"k", "v", 1, 6, 1, 0}).code(), errc::invalid_argument);
  EXPECT_EQ(w->add({"k", "v", 4, 3, 1, 0}).code(), errc::invalid_argument);
  EXPECT_TRUE(w->add({"k", "v", 3, 4, 2, 0}).is_ok());
}

TEST_F(SnapshotTest, TruncatedSnapshotIsRefusedAtEveryOffset) {
  ASSERT_TRUE(write(make_entries(20), 100).is_ok());
  std::string full = test::read_file(fs_, path_);
  for (size_t cut = 0; cut < full.size(); ++cut) {
    test::write_file(fs_, path_, std::string_view(full).substr(0, cut));
    std::vector<stored_entry> got;
    status s = read(got);
    ASSERT_EQ(s.code(), errc::corruption) << "cut at " << cut;
    ASSERT_NE(s.message().find(path_ + ": bad snapshot at offset "), std::string::npos)
      << s.message();
    ASSERT_TRUE(got.empty()) << "visited entries of a damaged snapshot, cut at " << cut;
  }
}

TEST_F(SnapshotTest, BitFlipAnywhereIsRefused) {
  ASSERT_TRUE(write(make_entries(20), 100).is_ok());
  std::string full = test::read_file(fs_, path_);
  for (size_t at = 0; at < full.size(); ++at) {
    std::string damaged = full;
    damaged[at] ^= static_cast<char>(1u << (at % 8));
    test::write_file(fs_, path_, damaged);
    std::vector<stored_entry> got;
    status s = read(got);
    ASSERT_EQ(s.code(), errc::corruption) << "flip at " << at;
    ASSERT_TRUE(got.empty());
  }
}

TEST_F(SnapshotTest, DamageMessageNamesTheRecordOffset) {
  ASSERT_TRUE(write(make_entries(3), 100).is_ok());
  std::string full = test::read_file(fs_, path_);
  full[24 + log_format::header_size] ^= 1;  // first entry's payload
  test::write_file(fs_, path_, full);
  std::vector<stored_entry> got;
  status s = read(got);
  EXPECT_EQ(s.message(), path_ + ": bad snapshot at offset 24 (checksum mismatch)");
}

TEST_F(SnapshotTest, BytesAfterTheTrailerAreRefused) {
  ASSERT_TRUE(write(make_entries(3), 100).is_ok());
  std::string full = test::read_file(fs_, path_);
  test::write_file(fs_, path_, full + "x");
  std::vector<stored_entry> got;
  status s = read(got);
  EXPECT_EQ(s.code(), errc::corruption);
  EXPECT_NE(s.message().find("data after the trailer (1 bytes)"), std::string::npos) << s.message();
}

TEST_F(SnapshotTest, VisitorErrorIsReturned) {
  ASSERT_TRUE(write(make_entries(3), 100).is_ok());
  status s = read_snapshot(fs_, path_, [](const snapshot_entry&) {
    return status(errc::aborted, "enough");
  });
  EXPECT_EQ(s.code(), errc::aborted);
  EXPECT_NE(s.message().find("enough"), std::string::npos);
}

} // namespace
} // namespace moss
