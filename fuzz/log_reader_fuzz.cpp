// The log reader over a whole segment of fuzz bytes: never crashes; reports
// damage before the tail as corruption; visits only whole records; and its
// valid prefix reads back as exactly the same records with nothing dropped.
#include "fuzz/fuzz_util.hpp"
#include "persistence/log_reader.hpp"

using namespace moss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes = fuzz::as_view(data, size);
  std::vector<std::pair<uint64_t, std::string>> seen;
  auto visit = [&](uint64_t rev, log_format::record_type, std::string_view payload) {
    fuzz::require(payload.data() >= bytes.data() && payload.data() + payload.size() <= bytes.data() + bytes.size());
    seen.emplace_back(rev, std::string{payload});
    return status::ok();
  };
  log_read_result r = scan_log(bytes, "fuzz.log", visit);
  fuzz::require(r.outcome.is_ok() || r.outcome.code() == errc::corruption);
  fuzz::require(r.records == seen.size());
  fuzz::require(r.valid_bytes <= size && r.valid_bytes + r.dropped_bytes <= size);
  if (r.outcome.is_ok()) {
    fuzz::require(r.valid_bytes + r.dropped_bytes == size);
    // The good prefix alone: the same records, no tail.
    size_t i = 0;
    bool same = true;
    log_read_result again = scan_log(bytes.substr(0, r.valid_bytes), "fuzz.log",
                                     [&](uint64_t rev, log_format::record_type, std::string_view payload) {
                                       same = same && i < seen.size() && seen[i].first == rev && seen[i].second == payload;
                                       ++i;
                                       return status::ok();
                                     });
    fuzz::require(again.outcome.is_ok() && again.records == r.records && again.dropped_bytes == 0 && same);
  }
  return 0;
}
