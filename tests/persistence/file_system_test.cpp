#include "persistence/file.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/persistence/log_test_util.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

class FileSystemTest : public ::testing::Test {
protected:
  test::temp_dir dir_;
  file_system& fs_ = default_file_system();
};

TEST_F(FileSystemTest, AppendModeKeepsContentsAndTracksSize) {
  std::string path = dir_.file("f");
  test::write_file(fs_, path, "abc");
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(fs_.open_writable(path, open_mode::append, f).is_ok());
  EXPECT_EQ(f->size(), 3u);
  ASSERT_TRUE(f->append("de").is_ok());
  ASSERT_TRUE(f->sync().is_ok());
  EXPECT_EQ(f->size(), 5u);
  EXPECT_EQ(f->path(), path);
  ASSERT_TRUE(f->close().is_ok());
  EXPECT_EQ(f->append("x").code(), errc::io_error);
  EXPECT_EQ(test::read_file(fs_, path), "abcde");

  ASSERT_TRUE(fs_.open_writable(path, open_mode::truncate, f).is_ok());
  EXPECT_EQ(f->size(), 0u);
}

TEST_F(FileSystemTest, TruncateRenameRemoveAndSize) {
  std::string a = dir_.file("a"), b = dir_.file("b");
  test::write_file(fs_, a, "0123456789");
  test::write_file(fs_, b, "old");
  ASSERT_TRUE(fs_.truncate(a, 4).is_ok());
  uint64_t size = 0;
  ASSERT_TRUE(fs_.file_size(a, size).is_ok());
  EXPECT_EQ(size, 4u);
  ASSERT_TRUE(fs_.rename(a, b).is_ok());
  EXPECT_FALSE(fs_.exists(a));
  EXPECT_EQ(test::read_file(fs_, b), "0123");
  ASSERT_TRUE(fs_.remove(b).is_ok());
  EXPECT_FALSE(fs_.exists(b));
}

TEST_F(FileSystemTest, DirectoriesCanBeCreatedListedAndSynced) {
  std::string sub = dir_.file("sub");
  ASSERT_TRUE(fs_.create_dir(sub).is_ok());
  ASSERT_TRUE(fs_.create_dir(sub).is_ok()) << "creating an existing directory succeeds";
  test::write_file(fs_, sub + "/x", "");
  test::write_file(fs_, sub + "/y", "");
  std::vector<std::string> names;
  ASSERT_TRUE(fs_.list_dir(sub, names).is_ok());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(fs_.sync_dir(sub).is_ok());
  EXPECT_EQ(fs_.create_dir(sub + "/x").code(), errc::io_error) << "a file is in the way";
}

TEST_F(FileSystemTest, ErrorsNameThePathAndTheReason) {
  std::string missing = dir_.file("missing");
  std::string data;
  status s = fs_.read_file(missing, data);
  EXPECT_EQ(s.code(), errc::io_error);
  EXPECT_EQ(s.message(), "open of " + missing + " failed: No such file or directory");
  EXPECT_EQ(fs_.remove(missing).code(), errc::io_error);
  uint64_t size;
  EXPECT_EQ(fs_.file_size(missing, size).code(), errc::io_error);
  std::vector<std::string> names;
  EXPECT_EQ(fs_.list_dir(missing, names).code(), errc::io_error);
}

TEST_F(FileSystemTest, FullDiskIsNoSpace) {
  if (!fs_.exists("/dev/full"))
    GTEST_SKIP() << "no /dev/full";
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(fs_.open_writable("/dev/full", open_mode::append, f).is_ok());
  status s = f->append("x");
  EXPECT_EQ(s.code(), errc::no_space);
  EXPECT_EQ(s.message(), "write to /dev/full failed: No space left on device");
}

TEST(PathTest, JoinAndDirName) {
  EXPECT_EQ(join_path("/d", "f"), "/d/f");
  EXPECT_EQ(join_path("/d/", "f"), "/d/f");
  EXPECT_EQ(dir_name("/d/e/f"), "/d/e");
  EXPECT_EQ(dir_name("/f"), "/");
  EXPECT_EQ(dir_name("f"), ".");
}

} // namespace
} // namespace moss
