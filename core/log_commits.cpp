// Reading commits back out of log segments.
#include "core/log_commits.hpp"

#include "persistence/log_reader.hpp"
#include "persistence/manifest.hpp"

namespace moss {

result<std::vector<repl_commit>> read_log_commits(file_system& fs, const std::string& dir, revision from,
                                                  revision to, size_t budget) {
  std::vector<repl_commit> out;
  if (from >= to)
    return out;
  manifest m;
  if (auto st = read_manifest(fs, dir, m); !st)
    return st;
  if (from <= m.snapshot_revision)
    return status{errc::compacted, "the log starts after revision " + std::to_string(m.snapshot_revision)};
  revision next = from;
  size_t bytes = 0;
  bool done = false;  // the range or the budget is read: the visitor stops the scan
  status bad = status::ok();
  const status stop{errc::busy, "enough"};  // never returned: `done` tells it apart
  for (const std::string& name : m.segments) {
    const std::string path = join_path(dir, name);
    log_read_result r = read_log(fs, path, [&](uint64_t rev, log_format::record_type type, std::string_view payload) {
      if (rev < next)
        return status::ok();
      if (rev >= to || bytes >= budget) {
        done = true;
        return stop;
      }
      if (rev != next) {
        bad = status{errc::corruption, path + ": revision " + std::to_string(rev) + " where "
                                         + std::to_string(next) + " was due"};
        return bad;
      }
      if (type != log_format::record_type::commit_at) {
        bad = status{errc::corruption, path + ": revision " + std::to_string(rev)
                                         + " is a record of the older kind, which replicas do not take"};
        return bad;
      }
      out.push_back({rev, std::string{payload}});
      bytes += payload.size();
      ++next;
      return status::ok();
    });
    if (!bad.is_ok())
      return bad;
    if (done)
      return out;
    if (!r.outcome.is_ok())
      return r.outcome;
  }
  if (next < to)  // the log ends before the range does
    return status{errc::corruption, "the log ends at revision " + std::to_string(next - 1) + ", before "
                                      + std::to_string(to - 1)};
  return out;
}

} // namespace moss
