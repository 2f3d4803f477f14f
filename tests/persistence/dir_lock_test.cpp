#include "persistence/dir_lock.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "persistence/file.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

class DirLockTest : public ::testing::Test {
protected:
  test::temp_dir dir_;
};

TEST_F(DirLockTest, SecondLockOnTheSameDirectoryFails) {
  dir_lock first, second;
  ASSERT_TRUE(first.acquire(dir_.path()).is_ok());
  status s = second.acquire(dir_.path());
  EXPECT_EQ(s.code(), errc::locked);
  EXPECT_EQ(s.message(), "data directory " + dir_.path() + " is in use by another process");
  EXPECT_FALSE(second.held());
}

TEST_F(DirLockTest, ReleaseLetsTheNextOwnerInAndKeepsTheLockFile) {
  dir_lock first, second;
  ASSERT_TRUE(first.acquire(dir_.path()).is_ok());
  first.release();
  EXPECT_FALSE(first.held());
  EXPECT_TRUE(second.acquire(dir_.path()).is_ok());
  EXPECT_TRUE(default_file_system().exists(dir_.file("LOCK")));
  second.release();
  EXPECT_TRUE(default_file_system().exists(dir_.file("LOCK")));
}

TEST_F(DirLockTest, DestroyingOrMovingTheLockHandsItOn) {
  dir_lock moved;
  {
    dir_lock scoped;
    ASSERT_TRUE(scoped.acquire(dir_.path()).is_ok());
    moved = std::move(scoped);
  }
  EXPECT_TRUE(moved.held());
  dir_lock other;
  EXPECT_EQ(other.acquire(dir_.path()).code(), errc::locked);
  moved = dir_lock{};
  EXPECT_TRUE(other.acquire(dir_.path()).is_ok());
}

TEST_F(DirLockTest, AnotherProcessIsLockedOut) {
  dir_lock lock;
  ASSERT_TRUE(lock.acquire(dir_.path()).is_ok());
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child inherits our descriptor; drop it so only the parent's lock counts
    // (closing an inherited copy does not release the parent's flock).
    lock.release();
    dir_lock mine;
    status s = mine.acquire(dir_.path());
    ::_exit(s.code() == errc::locked ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
}

TEST_F(DirLockTest, MissingDirectoryIsAnIoError) {
  dir_lock lock;
  status s = lock.acquire(dir_.file("absent"));
  EXPECT_EQ(s.code(), errc::io_error);
  EXPECT_NE(s.message().find("absent/LOCK"), std::string::npos) << s.message();
}

} // namespace
} // namespace moss
