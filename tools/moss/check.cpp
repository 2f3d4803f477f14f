// The --check and --fix modes of the shell.
#include "tools/moss/check.hpp"

#include <moss/db.hpp>

#include "core/recovery.hpp"
#include "persistence/file.hpp"

namespace moss::shell {

int run_check(const std::string& dir, bool fix, std::ostream& out, std::ostream& err) {
  auto report = check(default_file_system(), dir);
  if (!report) {
    err << "error: " << report.error().to_string() << '\n';
    return 1;
  }
  out << "snapshot_revision " << report->snapshot_rev << '\n'
      << "snapshot_entries " << report->snapshot_entries << '\n'
      << "log_records " << report->records << '\n'
      << "last_revision " << report->last_rev << '\n';
  if (!report->torn_tail.empty())
    out << "torn_tail " << report->torn_tail << " (the next open cuts it)\n";
  if (report->clean()) {
    out << "ok\n";
    return 0;
  }
  out << "damage " << report->damage << '\n';
  if (!fix) {
    err << "error: corruption: the store will not open; moss " << dir
        << " --check --fix keeps the longest valid prefix\n";
    return 1;
  }
  auto fixed = repair(dir);
  if (!fixed) {
    err << "error: " << fixed.error().to_string() << '\n';
    return 1;
  }
  out << "fixed " << fixed->detail << '\n'
      << "kept_records " << fixed->kept_records << '\n'
      << "last_revision " << fixed->last_rev << '\n';
  return 0;
}

} // namespace moss::shell
