// The forked snapshot writer.
#include "actors/snapshot_child.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "persistence/file_names.hpp"
#include "persistence/snapshot.hpp"

namespace moss {

namespace {

// Runs in the child: only the forking thread exists there, so it takes no
// locks (no one else can hold the engines) and leaves with _exit.
[[noreturn]] void write_and_exit(const keyspace& ks, file_system& fs, const std::string& dir,
                                 revision rev) {
  std::unique_ptr<snapshot_writer> w;
  if (!snapshot_writer::create(fs, join_path(dir, snapshot_file_name(rev)), rev, w))
    _exit(1);
  status st;
  ks.for_each_unlocked([&](const record& r) {
    record_meta m = r.meta();
    st = w->add({r.key(), r.value(), m.create_rev, m.mod_rev, m.version, m.expiry});
    return st.is_ok();
  });
  _exit(st && w->finish() ? 0 : 1);
}

} // namespace

result<pid_t> fork_snapshot_writer(const keyspace& ks, file_system& fs, const std::string& dir,
                                   revision rev) {
  pid_t pid = ::fork();
  if (pid < 0)
    return status{errc::io_error, std::string{"fork for a snapshot failed: "} + std::strerror(errno)};
  if (pid == 0)
    write_and_exit(ks, fs, dir, rev);
  return pid;
}

} // namespace moss
