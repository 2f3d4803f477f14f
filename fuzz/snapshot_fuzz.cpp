// Snapshot decoding: a snapshot file of fuzz bytes is read without crashing;
// a damaged one is refused before its visitor sees any entry.
#include "fuzz/fuzz_util.hpp"
#include "persistence/file.hpp"
#include "persistence/snapshot.hpp"

using namespace moss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = fuzz::put_file("snap-0000000000000001-000001.snap", fuzz::as_view(data, size));
  uint64_t entries = 0;
  snapshot_info info;
  status st = read_snapshot(default_file_system(), path, [&](const snapshot_entry&) {
    ++entries;
    return status::ok();
  }, &info);
  fuzz::require(st.is_ok() || st.code() == errc::corruption || st.code() == errc::io_error);
  if (st.is_ok())
    fuzz::require(entries == info.entries);
  else
    fuzz::require(entries == 0);
  return 0;
}
