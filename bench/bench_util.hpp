// Small helpers shared by the whole-system benchmarks: key generation,
// latency recording with percentiles, and table printing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace moss::bench {

using clock_type = std::chrono::steady_clock;

/// n distinct 16-byte keys: hex of a mixed 64-bit number (seeded, stable).
inline std::vector<std::string> make_keys(size_t n, uint64_t seed = 42) {
  std::vector<std::string> keys;
  keys.reserve(n);
  std::mt19937_64 rng(seed);
  char buf[17];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    keys.emplace_back(buf, 16);
  }
  return keys;
}

/// Per-operation latencies of one run, in nanoseconds.
struct latencies {
  std::vector<int64_t> ns;
  double seconds = 0;  ///< wall time of the whole run
  size_t ops = 0;

  void merge(const latencies& other) {
    ns.insert(ns.end(), other.ns.begin(), other.ns.end());
    ops += other.ops;
    seconds = std::max(seconds, other.seconds);
  }
  int64_t percentile(double p) {
    if (ns.empty())
      return 0;
    size_t i = static_cast<size_t>(p * static_cast<double>(ns.size() - 1));
    std::nth_element(ns.begin(), ns.begin() + static_cast<ptrdiff_t>(i), ns.end());
    return ns[i];
  }
  double ops_per_sec() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

/// Times `op(i)` for i in [0, n), one sample per call.
template <class Op>
latencies time_each(size_t n, Op&& op) {
  latencies out;
  out.ns.reserve(n);
  auto start = clock_type::now();
  for (size_t i = 0; i < n; ++i) {
    auto t0 = clock_type::now();
    op(i);
    out.ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t0).count());
  }
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.ops = n;
  return out;
}

/// Times `op(i)` for i in [0, n) as a whole (throughput only).
template <class Op>
latencies time_total(size_t n, Op&& op) {
  latencies out;
  auto start = clock_type::now();
  op(n);
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.ops = n;
  return out;
}

/// A fresh directory under /tmp, removed with its contents at the end.
class scratch_dir {
public:
  explicit scratch_dir(const char* name) {
    std::string tmpl = std::string{"/tmp/"} + name + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr)
      path_ = tmpl;
  }
  ~scratch_dir() {
    std::error_code ec;
    if (!path_.empty())
      std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

inline std::string fmt_ns(int64_t ns) {
  char buf[32];
  if (ns < 10'000)
    std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
  else
    std::snprintf(buf, sizeof buf, "%.1f us", static_cast<double>(ns) / 1000.0);
  return buf;
}

inline std::string fmt_rate(double ops) {
  char buf[32];
  if (ops >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f M/s", ops / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.0f k/s", ops / 1e3);
  return buf;
}

} // namespace moss::bench
