// Result printing; the formats are specified in docs/shell.md, "Output".
#include "tools/moss/format.hpp"

#include "tools/moss/quote.hpp"

namespace moss::shell {

void print_value(std::ostream& out, const std::optional<std::string>& value) {
  out << (value ? quote(*value) : "(nil)") << '\n';
}

void print_entries(std::ostream& out, const scan_result& r, bool keys_only, bool interactive) {
  for (const kv& e : r.entries) {
    out << quote(e.key);
    if (!keys_only)
      out << ' ' << quote(e.value);
    out << '\n';
  }
  if (r.more)
    out << "(more)\n";
  else if (r.entries.empty() && interactive)
    out << "(empty)\n";
}

void print_txn(std::ostream& out, const txn_request& req, const txn_result& r) {
  out << (r.succeeded ? "success" : "failure") << " rev " << r.rev << '\n';
  const auto& ops = r.succeeded ? req.success : req.failure;
  for (size_t i = 0; i < r.results.size(); ++i) {
    const op_result& res = r.results[i];
    std::string key = i < ops.size() ? quote(ops[i].key) : std::string{"?"};
    switch (res.kind) {
      case op_kind::put: out << "set " << key << " OK\n"; break;
      case op_kind::del: out << "del " << key << ' ' << res.count << '\n'; break;
      case op_kind::del_prefix: out << "delprefix " << key << ' ' << res.count << '\n'; break;
      case op_kind::get:
        out << "get " << key << ' ' << (res.found ? quote(res.entry.value) : "(nil)") << '\n';
        break;
      case op_kind::expire_if: out << "expire " << key << ' ' << res.count << '\n'; break;
      case op_kind::persist: out << "persist " << key << ' ' << (res.found ? 1 : 0) << '\n'; break;
    }
  }
}

void print_event(std::ostream& out, const watch_event& ev) {
  out << ev.rev << ' ';
  switch (ev.kind) {
    case event_kind::create: out << "create"; break;
    case event_kind::update: out << "update"; break;
    case event_kind::del: out << "del"; break;
    case event_kind::expire: out << "expire"; break;
    case event_kind::progress: out << "progress\n"; return;
  }
  out << ' ' << quote(ev.key);
  if (ev.kind == event_kind::create || ev.kind == event_kind::update)
    out << ' ' << quote(ev.value);
  if (ev.has_prev)
    out << " prev " << quote(ev.prev_value);
  out << '\n';
}

void print_stats(std::ostream& out, const store_stats& s) {
  out << "keys " << s.keys << '\n'
      << "revision " << s.rev << '\n'
      << "memory_bytes " << s.memory_bytes << '\n'
      << "shards " << s.shards << '\n'
      << "commits " << s.commits << '\n'
      << "groups " << s.groups << '\n'
      << "conflicts " << s.conflicts << '\n'
      << "log_bytes " << s.log_bytes << '\n'
      << "snapshot_revision " << s.snapshot_rev << '\n'
      << "fsyncs " << s.fsyncs << '\n'
      << "compactions " << s.compactions << '\n'
      << "torn_tails " << s.torn_tails << '\n'
      << "expired_at_open " << s.expired_at_open << '\n'
      << "expired " << s.expired << '\n'
      << "watchers " << s.watchers << '\n'
      << "history_bytes " << s.history_bytes << '\n'
      << "history_oldest_revision " << s.history_oldest_rev << '\n'
      << "incarnation " << s.incarnation << '\n';
  if (!s.replica_of.empty())
    out << "replica_of " << s.replica_of << '\n'
        << "replica_connected " << (s.replica_connected ? "yes" : "no") << '\n'
        << "primary_revision " << s.primary_rev << '\n'
        << "replica_lag_revisions " << s.replica_lag_revs << '\n'
        << "replica_lag_ms " << s.replica_lag_ms << '\n'
        << "full_syncs " << s.full_syncs << '\n';
  out << "replicas " << s.replicas.size() << '\n';
  for (const auto& r : s.replicas)
    out << "replica " << r.name << " applied " << r.applied << " lag_revisions " << r.lag_revs
        << " lag_ms " << r.lag_ms << (r.syncing ? " syncing" : "") << '\n';
}

} // namespace moss::shell
