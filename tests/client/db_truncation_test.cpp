// A log cut at every byte offset: the store opens, holds exactly the longest
// whole prefix of commits, and a write made after reopening survives the
// next reopen.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <moss/db.hpp>

#include "persistence/log_reader.hpp"
#include "tests/persistence/temp_dir.hpp"

namespace moss {
namespace {

options small(const std::string& dir) {
  options o;
  o.dir = dir;
  o.fsync = fsync_policy::never;
  o.threads = 1;
  o.shards = 1;
  return o;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DbTruncationTest, EveryCutOpensToTheLongestWholePrefixAndKeepsLaterWrites) {
  test::temp_dir original;
  constexpr int commits = 210;
  {
    auto d = db::open(small(original.path()));
    ASSERT_TRUE(d);
    for (int i = 0; i < commits; ++i)
      ASSERT_TRUE(d->set("k" + std::to_string(i), ""));
  }
  std::string segment;
  for (auto& f : std::filesystem::directory_iterator(original.path()))
    if (f.path().filename().string().starts_with("wal-") && f.file_size() > 0)
      segment = f.path().filename();
  const std::string log = read_file(original.file(segment));
  const std::string manifest = read_file(original.file("MANIFEST"));
  ASSERT_GT(log.size(), 200u * 17u);

  test::temp_dir work;
  for (size_t cut = 0; cut <= log.size(); ++cut) {
    std::filesystem::remove_all(work.path());
    std::filesystem::create_directory(work.path());
    std::ofstream(work.file("MANIFEST"), std::ios::binary) << manifest;
    std::ofstream(work.file(segment), std::ios::binary) << log.substr(0, cut);
    // What a whole-record prefix of this length holds, by the log reader.
    uint64_t whole = scan_log(std::string_view{log}.substr(0, cut), segment,
                              [](uint64_t, log_format::record_type, std::string_view) { return status::ok(); })
                       .records;
    {
      auto d = db::open(small(work.path()));
      ASSERT_TRUE(d) << "cut at " << cut << ": " << d.error().to_string();
      ASSERT_EQ(d->stats()->keys, whole) << "cut at " << cut;
      ASSERT_EQ(d->stats()->rev, whole) << "cut at " << cut;
      if (whole > 0) {
        ASSERT_TRUE(*d->exists("k" + std::to_string(whole - 1))) << "cut at " << cut;
      }
      ASSERT_TRUE(d->set("after-cut", std::to_string(cut)));
    }
    auto d = db::open(small(work.path()));
    ASSERT_TRUE(d) << "reopen after cut at " << cut;
    ASSERT_EQ(**d->get("after-cut"), std::to_string(cut));
    ASSERT_EQ(d->stats()->keys, whole + 1) << "cut at " << cut;
  }
}

} // namespace
} // namespace moss
