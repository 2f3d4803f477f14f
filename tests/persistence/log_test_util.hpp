// Helpers for log tests: deterministic commit payloads with every op kind and
// binary bytes, and writing or reading whole files.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "persistence/file.hpp"
#include "persistence/log_reader.hpp"
#include "persistence/log_writer.hpp"
#include "persistence/wal_record.hpp"

namespace moss::test {

/// The commit payload of revision `rev`: 1-3 ops mixing put, del and expire,
/// keys and values with NUL and 0xFF bytes, some empty values and deadlines.
inline std::string commit_payload(uint64_t rev) {
  std::string out;
  uint32_t count = 1 + rev % 3;
  encode_op_count(out, count);
  for (uint32_t j = 0; j < count; ++j) {
    std::string key = "k" + std::to_string(rev) + std::string(1, static_cast<char>(j * 127));
    switch ((rev + j) % 4) {
      case 0: encode_del(out, key); break;
      case 1: encode_expire(out, key); break;
      default:
        encode_put(out, key, std::string(rev % 13, static_cast<char>(0xf0 + j)),
                   rev % 5 == 0 ? 1'700'000'000'000'000'000 + int64_t(rev) : 0, rev / 2 + 1,
                   rev % 7 + 1);
    }
  }
  return out;
}

/// Adds commits first..first+n-1 and flushes after each; returns the file
/// offset where each record ends.
inline std::vector<uint64_t> write_commits(log_writer& w, uint64_t first, uint64_t n) {
  std::vector<uint64_t> ends;
  for (uint64_t rev = first; rev < first + n; ++rev) {
    EXPECT_TRUE(w.add_record(rev, log_format::record_type::commit, commit_payload(rev)).is_ok());
    EXPECT_TRUE(w.flush().is_ok());
    ends.push_back(w.bytes_written());
  }
  return ends;
}

/// Replaces the file at `path` with `data` (no sync: tests need no durability).
inline void write_file(file_system& fs, const std::string& path, std::string_view data) {
  std::unique_ptr<writable_file> f;
  ASSERT_TRUE(fs.open_writable(path, open_mode::truncate, f).is_ok());
  ASSERT_TRUE(f->append(data).is_ok());
  ASSERT_TRUE(f->close().is_ok());
}

/// Reads `path` whole.
inline std::string read_file(file_system& fs, const std::string& path) {
  std::string data;
  EXPECT_TRUE(fs.read_file(path, data).is_ok());
  return data;
}

/// Reads the log and checks each payload is the one commit_payload made.
inline log_read_result read_and_check(file_system& fs, const std::string& path,
                                      uint64_t first_revision = 0) {
  return read_log(
    fs, path,
    [](uint64_t rev, log_format::record_type type, std::string_view payload) {
      EXPECT_EQ(type, log_format::record_type::commit);
      EXPECT_EQ(payload, commit_payload(rev)) << "revision " << rev;
      return status::ok();
    },
    first_revision);
}

} // namespace moss::test
