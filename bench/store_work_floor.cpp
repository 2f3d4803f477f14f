// The store's work for sets on one thread: the pieces the actors run, called
// directly in the order the actors call them.
#include "bench/store_work_floor.hpp"

#include <cstdlib>
#include <thread>

#include <moss/options.hpp>

#include "core/group_record.hpp"
#include "core/keyspace.hpp"
#include "core/txn_eval.hpp"
#include "persistence/file.hpp"
#include "persistence/log_writer.hpp"

namespace moss::bench {

namespace {

struct one_thread_store {
  keyspace ks;
  std::unique_ptr<log_writer> log;
  revision rev = 0;
  size_t max_commit_bytes = limits{}.max_commit_bytes;

  one_thread_store(engine_kind kind, const std::string& path)
    : ks(kind, std::max(1u, std::thread::hardware_concurrency()), system_clock_source()) {
    std::unique_ptr<writable_file> file;
    if (!default_file_system().open_writable(path, open_mode::truncate, file))
      std::abort();
    log = std::make_unique<log_writer>(std::move(file), 0);
  }

  // One group: evaluate, log, apply; the results are made and dropped, as
  // the callers' answers would be.
  void commit_group(std::vector<txn_request>& reqs) {
    write_group g;
    g.now = ks.clock().now_ns();
    commit_view view{ks, g.ops, g.now};
    std::vector<txn_result> results;
    results.reserve(reqs.size());
    for (auto& req : reqs) {
      const auto first = static_cast<uint32_t>(g.ops.size());
      auto r = evaluate_txn(req, rev + 1, ks, view, g.ops, max_commit_bytes, g.log_bytes);
      const auto count = static_cast<uint32_t>(g.ops.size()) - first;
      if (count > 0)
        g.commits.push_back({++rev, first, count});
      results.push_back(std::move(*r));
    }
    for (const commit_span& c : g.commits)
      if (!log->add_record_with(c.rev, log_format::record_type::commit_at,
                                [&](std::string& out) { encode_commit_ops(out, g, c); }))
        std::abort();
    if (!log->flush())
      std::abort();
    std::vector<uint8_t> touched(ks.shard_count(), 0);
    for (const write_op& op : g.ops)
      g.shards_touched += touched[op.shard] == 0 ? (touched[op.shard] = 1) : 0;
    g.shards_pending.store(g.shards_touched);
    for (size_t s = 0; s < touched.size(); ++s)
      if (touched[s] != 0)
        ks.apply(s, g);
  }
};

} // namespace

latencies store_work_floor(engine_kind kind, const std::vector<std::string>& keys,
                           const std::string& dir, size_t ops_per_commit, size_t commits_per_group,
                           size_t total_ops, const std::function<const std::string&()>& pick,
                           const std::string& value) {
  one_thread_store store(kind, dir + "/floor-work.log");
  std::vector<txn_request> reqs;
  for (size_t i = 0; i < keys.size(); i += 10'000) {
    reqs.assign(1, {});
    for (size_t j = i; j < std::min(keys.size(), i + 10'000); ++j)
      reqs[0].success.push_back(txn_op::put(keys[j], value));
    store.commit_group(reqs);
  }
  latencies out;
  out.ns.reserve(total_ops / (ops_per_commit * commits_per_group) + 1);
  const auto start = clock_type::now();
  for (size_t done = 0; done < total_ops;) {
    const auto t0 = clock_type::now();
    reqs.clear();
    size_t in_group = 0;
    for (size_t c = 0; c < commits_per_group && done < total_ops; ++c) {
      txn_request req;
      for (size_t k = 0; k < ops_per_commit && done < total_ops; ++k, ++done, ++in_group)
        req.success.push_back(txn_op::put(pick(), value));
      reqs.push_back(std::move(req));
    }
    store.commit_group(reqs);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count();
    out.ns.push_back(ns / static_cast<int64_t>(in_group));
  }
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.ops = total_ops;
  return out;
}

} // namespace moss::bench
