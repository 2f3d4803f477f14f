// Log replay benchmark: writes N one-put commit records (10-byte keys, 64-byte
// values) to a temporary log, then replays them (read, check, decode) beside a
// baseline from the same run: a raw read of the file plus a loop touching
// every byte. Usage: log_replay_bench [records]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "persistence/file.hpp"
#include "persistence/log_reader.hpp"
#include "persistence/log_writer.hpp"
#include "persistence/wal_record.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void check(const moss::status& s, const char* what) {
  if (!s.is_ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.to_string().c_str());
    std::exit(1);
  }
}

// Writes `n` commits in groups of 1,000 (one write each), one sync at the end.
void write_log(moss::file_system& fs, const std::string& path, uint64_t n) {
  std::unique_ptr<moss::writable_file> file;
  check(fs.open_writable(path, moss::open_mode::truncate, file), "open");
  moss::log_writer writer(std::move(file));
  char key[16];
  std::string value(64, 'v');
  for (uint64_t rev = 1; rev <= n; ++rev) {
    std::snprintf(key, sizeof key, "k%09llu", static_cast<unsigned long long>(rev));
    value[rev % 64] = static_cast<char>(rev);
    check(writer.add_record_with(rev, moss::log_format::record_type::commit,
                                 [&](std::string& out) {
                                   moss::encode_op_count(out, 1);
                                   moss::encode_put(out, std::string_view(key, 10), value, 0, rev, 1);
                                 }),
          "add_record");
    if (rev % 1000 == 0)
      check(writer.flush(), "flush");
  }
  check(writer.sync(), "sync");
  check(writer.close(), "close");
}

struct replay_stats {
  uint64_t records = 0;
  uint64_t ops = 0;
  uint64_t key_bytes = 0;
};

// Reads, checks and decodes every record, as recovery does.
replay_stats replay(moss::file_system& fs, const std::string& path) {
  replay_stats st;
  std::vector<moss::wal_op_view> ops;
  moss::log_read_result r =
    moss::read_log(fs, path, [&](uint64_t, moss::log_format::record_type, std::string_view p) {
      moss::status s = moss::decode_commit(p, ops);
      st.ops += ops.size();
      for (const auto& op : ops)
        st.key_bytes += op.key.size() + op.value.size();
      return s;
    });
  check(r.outcome, "replay");
  st.records = r.records;
  return st;
}

// The baseline: read the file whole (timed alone into `read_s`), then touch
// every byte.
uint64_t raw_read(moss::file_system& fs, const std::string& path, double& read_s) {
  auto start = clock_type::now();
  std::string data;
  check(fs.read_file(path, data), "read");
  read_s = seconds_since(start);
  uint64_t sum = 0;
  for (unsigned char c : data)
    sum += c;
  return sum;
}

} // namespace

int main(int argc, char** argv) {
  uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/moss-log-replay-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  std::string path = dir + "/wal-000001.log";
  moss::file_system& fs = moss::default_file_system();

  auto start = clock_type::now();
  write_log(fs, path, n);
  double write_s = seconds_since(start);
  uint64_t bytes = 0;
  check(fs.file_size(path, bytes), "size");

  // Best of five, alternating, so both sides see the same page cache and noise.
  double replay_s = 1e9, raw_s = 1e9, read_s = 1e9;
  uint64_t sink = 0;
  replay_stats st;
  for (int round = 0; round < 5; ++round) {
    start = clock_type::now();
    st = replay(fs, path);
    replay_s = std::min(replay_s, seconds_since(start));
    start = clock_type::now();
    double this_read_s;
    sink += raw_read(fs, path, this_read_s);
    raw_s = std::min(raw_s, seconds_since(start));
    read_s = std::min(read_s, this_read_s);
  }
  if (st.records != n || st.ops != n) {
    std::fprintf(stderr, "replay saw %llu records, %llu ops; expected %llu\n",
                 static_cast<unsigned long long>(st.records),
                 static_cast<unsigned long long>(st.ops), static_cast<unsigned long long>(n));
    return 1;
  }

  auto row = [](const char* name, double v, const char* unit, int decimals = 1) {
    std::printf("%-36s %12.*f %s\n", name, decimals, v, unit);
  };
  row("records", double(n), "", 0);
  row("log bytes", double(bytes), "", 0);
  row("bytes/record", double(bytes) / double(n), "");
  row("write (groups of 1,000, one sync)", write_s * 1e3, "ms");
  row("replay: read + check + decode", replay_s * 1e3, "ms");
  row("replay records/s", double(n) / replay_s / 1e6, "M/s", 2);
  row("replay CPU beyond the raw read", (replay_s - read_s) / double(n) * 1e9, "ns/record");
  row("baseline: raw read", read_s * 1e3, "ms");
  row("baseline: raw read + touch every byte", raw_s * 1e3, "ms");
  row("replay / (raw read + touch)", replay_s / raw_s, "x", 2);
  row("replay / raw read", replay_s / read_s, "x", 2);
  std::printf("(byte sum %llu, key+value bytes %llu)\n", static_cast<unsigned long long>(sink),
              static_cast<unsigned long long>(st.key_bytes));

  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
