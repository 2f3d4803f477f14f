// Manifest decoding: a MANIFEST of fuzz bytes is read without crashing; what
// reads back names only plain file names and writes back identically.
#include "fuzz/fuzz_util.hpp"
#include "persistence/file.hpp"
#include "persistence/manifest.hpp"

using namespace moss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::clear_scratch();
  fuzz::put_file("MANIFEST", fuzz::as_view(data, size));
  manifest m;
  bool found = false;
  status st = read_manifest(default_file_system(), fuzz::scratch_dir(), m, &found);
  fuzz::require(st.is_ok() || st.code() == errc::corruption || st.code() == errc::io_error);
  if (st.is_ok() && found) {
    fuzz::require(write_manifest(default_file_system(), fuzz::scratch_dir(), m).is_ok());
    manifest again;
    fuzz::require(read_manifest(default_file_system(), fuzz::scratch_dir(), again).is_ok() && again == m);
  }
  return 0;
}
