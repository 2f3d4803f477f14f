// Recovery of a whole data directory built from fuzz bytes: a manifest that
// names a snapshot (when the first byte says so) and one log segment, their
// contents taken from the input. Opening never crashes; it either fails with
// a clear error or recovers, and recovering again (after the first cut any
// torn tail) gives the same keys at the same revision.
#include <cstring>

#include <moss/time_source.hpp>

#include "core/keyspace.hpp"
#include "core/recovery.hpp"
#include "fuzz/fuzz_util.hpp"
#include "persistence/dir_lock.hpp"
#include "persistence/file_names.hpp"
#include "persistence/manifest.hpp"

using namespace moss;

namespace {

struct opened {
  bool ok = false;
  revision rev = 0;
  size_t keys = 0;
};

opened open_once() {
  keyspace ks(engine_kind::radix, 2, system_clock_source());
  dir_lock lock;
  auto r = recover(default_file_system(), fuzz::scratch_dir(), ks, lock);
  if (!r) {
    errc c = r.error().code();
    fuzz::require(c == errc::corruption || c == errc::io_error || c == errc::invalid_argument);
    return {};
  }
  size_t keys = 0;
  ks.for_each_unlocked([&](const record&) {
    ++keys;
    return true;
  });
  return {true, r->last_rev, keys};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5)
    return 0;
  fuzz::clear_scratch();
  const bool with_snapshot = (data[0] & 1) != 0;
  uint32_t snap_len = 0;
  std::memcpy(&snap_len, data + 1, 4);
  std::string_view rest = fuzz::as_view(data + 5, size - 5);
  snap_len = std::min<uint32_t>(snap_len, static_cast<uint32_t>(rest.size()));
  manifest m;
  if (with_snapshot) {
    m.snapshot = snapshot_file_name(1, 1);
    m.snapshot_revision = 1;
    fuzz::put_file(m.snapshot, rest.substr(0, snap_len));
    rest.remove_prefix(snap_len);
  }
  m.segments.push_back(log_file_name(2));
  fuzz::put_file(m.segments.back(), rest);
  fuzz::require(write_manifest(default_file_system(), fuzz::scratch_dir(), m).is_ok());
  opened first = open_once();
  if (first.ok) {
    opened second = open_once();
    fuzz::require(second.ok && second.rev == first.rev && second.keys == first.keys);
  }
  return 0;
}
