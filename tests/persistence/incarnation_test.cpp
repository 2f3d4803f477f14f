// A directory's incarnation: new on creation, after an unclean stop of a
// lazily synced store and after a repair; kept across clean closes and
// across unclean stops under `always`.
#include <gtest/gtest.h>

#include "persistence/incarnation.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

TEST(IncarnationTest, ChangesExactlyWhenAcknowledgedHistoryMayHaveBeenLost) {
  test::temp_dir dir;
  file_system& fs = default_file_system();
  auto open = [&](bool always) {
    auto id = open_incarnation(fs, dir.path(), always);
    EXPECT_TRUE(id) << id.error().to_string();
    EXPECT_FALSE(fs.exists(dir.file(clean_marker_name))) << "the marker outlived the open";
    return id ? *id : 0;
  };
  const uint64_t first = open(false);  // created
  EXPECT_NE(first, 0u);
  ASSERT_TRUE(mark_clean_close(fs, dir.path()));
  EXPECT_EQ(open(false), first);  // a clean close keeps it
  const uint64_t second = open(false);  // that run never closed: lazy sync may have lost groups
  EXPECT_NE(second, first);
  EXPECT_NE(open(false), second);  // and again
}

TEST(IncarnationTest, AnUncleanStopUnderAlwaysKeepsItAndARepairRenewsIt) {
  test::temp_dir dir;
  file_system& fs = default_file_system();
  auto a = open_incarnation(fs, dir.path(), true);
  ASSERT_TRUE(a);
  auto b = open_incarnation(fs, dir.path(), true);  // unclean, but every write was synced
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
  auto c = open_incarnation(fs, dir.path(), false);  // still: the run that stopped was `always`
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, *a);
  auto d = open_incarnation(fs, dir.path(), false);  // the lazy run stopped uncleanly
  ASSERT_TRUE(d);
  EXPECT_NE(*d, *a);
  ASSERT_TRUE(mark_clean_close(fs, dir.path()));
  ASSERT_TRUE(forget_incarnation(fs, dir.path()));  // what repair does
  auto e = open_incarnation(fs, dir.path(), false);
  ASSERT_TRUE(e);
  EXPECT_NE(*e, *d);
}

TEST(IncarnationTest, AnUnreadableFileStartsANewOne) {
  test::temp_dir dir;
  file_system& fs = default_file_system();
  auto a = open_incarnation(fs, dir.path(), true);
  ASSERT_TRUE(a);
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(fs.open_writable(dir.file(incarnation_file_name), open_mode::truncate, f));
  ASSERT_TRUE(f->append("garbage"));
  ASSERT_TRUE(f->close());
  auto b = open_incarnation(fs, dir.path(), true);
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b);
}

} // namespace
} // namespace moss
