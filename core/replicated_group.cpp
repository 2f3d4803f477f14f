// Commit groups to and from the replication stream.
#include "core/replicated_group.hpp"

#include "core/group_record.hpp"
#include "core/validate.hpp"
#include "persistence/wal_record.hpp"

namespace moss {

size_t append_commits(const write_group& g, revision from, std::vector<repl_commit>& out) {
  size_t bytes = 0;
  for (const commit_span& c : g.commits) {
    if (c.rev < from)
      continue;
    repl_commit& rc = out.emplace_back();
    rc.rev = c.rev;
    encode_commit_ops(rc.payload, g, c);
    bytes += rc.payload.size();
  }
  return bytes;
}

result<std::vector<std::shared_ptr<write_group>>> replicated_groups(const keyspace& ks, revision applied,
                                                                    const std::vector<repl_commit>& commits,
                                                                    const limits& lim) {
  std::vector<std::shared_ptr<write_group>> out;
  std::vector<wal_op_view> ops;
  revision expected = applied + 1;
  auto bad = [](revision rev, const std::string& why) {
    return status{errc::corruption, "replicated commit at revision " + std::to_string(rev) + ": " + why};
  };
  for (const repl_commit& c : commits) {
    if (c.rev != expected)
      return bad(c.rev, "expected revision " + std::to_string(expected) + " (a gap or a repeat)");
    int64_t now = 0;
    if (auto st = decode_commit_at(c.payload, now, ops); !st)
      return bad(c.rev, st.message());
    if (ops.empty())
      return bad(c.rev, "a commit with no ops");
    if (out.empty() || out.back()->now != now) {
      auto g = std::make_shared<write_group>();
      g->now = now;
      out.push_back(std::move(g));
    }
    write_group& g = *out.back();
    const auto first = static_cast<uint32_t>(g.ops.size());
    for (const wal_op_view& v : ops) {
      if (auto st = validate_key(v.key, lim); !st)
        return bad(c.rev, st.message());
      if (v.value.size() > lim.max_value_size)
        return bad(c.rev, "a value of " + std::to_string(v.value.size()) + " bytes exceeds the limit");
      write_op& op = g.ops.emplace_back();
      op.kind = v.kind == wal_op_kind::put   ? change_kind::put
                : v.kind == wal_op_kind::del ? change_kind::del
                                             : change_kind::expire;
      op.shard = static_cast<uint32_t>(ks.shard_of(v.key));
      op.rev = c.rev;
      op.key.assign(v.key);
      op.value.assign(v.value);
      op.meta.mod_rev = c.rev;
      op.meta.expiry = op.kind == change_kind::put ? v.expiry : 0;
    }
    g.commits.push_back({c.rev, first, static_cast<uint32_t>(ops.size())});
    g.log_bytes += c.payload.size();
    ++expected;
  }
  return out;
}

} // namespace moss
