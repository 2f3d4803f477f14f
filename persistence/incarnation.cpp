// Reading, deciding and recording a directory's incarnation.
#include "persistence/incarnation.hpp"

#include <cinttypes>
#include <cstdio>
#include <random>

#include "persistence/atomic_write.hpp"

namespace moss {

namespace {

constexpr std::string_view header = "moss-incarnation 1\n";

struct recorded {
  uint64_t id = 0;
  bool always = false;  ///< the last run was under `always`
};

// The recorded id and policy; id 0 when missing or unreadable.
recorded read_recorded(file_system& fs, const std::string& dir) {
  recorded out;
  std::string text;
  if (!fs.read_file(join_path(dir, incarnation_file_name), text).is_ok() || !text.starts_with(header))
    return out;
  char policy[16] = {0};
  uint64_t id = 0;
  if (std::sscanf(text.c_str() + header.size(), "%16" SCNx64 " %15s", &id, policy) != 2)
    return out;
  out.id = id;
  out.always = std::string_view{policy} == "always";
  return out;
}

} // namespace

uint64_t new_incarnation_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t id = 0;
  while (id == 0)
    id = rng();
  return id;
}

result<uint64_t> open_incarnation(file_system& fs, const std::string& dir, bool syncs_every_write) {
  const std::string marker = join_path(dir, clean_marker_name);
  const bool clean = fs.exists(marker);
  recorded last = read_recorded(fs, dir);
  uint64_t id = last.id;
  if (id == 0 || (!clean && !last.always))
    id = new_incarnation_id();
  char line[64];
  std::snprintf(line, sizeof line, "%016" PRIx64 " %s\n", id, syncs_every_write ? "always" : "lazy");
  if (auto st = write_file_atomically(fs, dir, incarnation_file_name, std::string{header} + line); !st)
    return st;
  if (clean) {
    if (auto st = fs.remove(marker); !st)
      return st;
    if (auto st = fs.sync_dir(dir); !st)
      return st;
  }
  return id;
}

status mark_clean_close(file_system& fs, const std::string& dir) {
  return write_file_atomically(fs, dir, clean_marker_name, "clean\n");
}

status forget_incarnation(file_system& fs, const std::string& dir) {
  const std::string path = join_path(dir, incarnation_file_name);
  if (!fs.exists(path))
    return status::ok();
  if (auto st = fs.remove(path); !st)
    return st;
  return fs.sync_dir(dir);
}

} // namespace moss
