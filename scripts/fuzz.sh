#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) into
# ./build-fuzz and runs each for SECONDS (default 60), one at a time, from its
# seed corpus in fuzz/corpus/. Exits non-zero on any crash, leak, timeout or
# out-of-memory; the input that caused it is kept as build-fuzz/findings/TARGET-*.
# Replay one: ./build-fuzz/fuzz/TARGET build-fuzz/findings/TARGET-crash-...
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
bash scripts/setup.sh fuzz
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" -DCMAKE_CXX_FLAGS="$flags" \
  -DMOSS_FUZZ=ON -DMOSS_BUILD_TESTS=OFF -DMOSS_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --target fuzzers -j"$(nproc)"
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(wal_record_fuzz log_reader_fuzz snapshot_fuzz manifest_fuzz recovery_fuzz
           shell_parser_fuzz config_fuzz message_fuzz)
fi
mkdir -p build-fuzz/findings
failed=()
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== $t (${secs}s)"
  # Findings go to build-fuzz/findings; new inputs to build-fuzz/corpus/$t,
  # the committed seeds in fuzz/corpus/$t are only read.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "build-fuzz/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$t-" \
      "build-fuzz/corpus/$t" "fuzz/corpus/$t" 2>"build-fuzz/$t.log"; then
    failed+=("$t")
    tail -40 "build-fuzz/$t.log"
  fi
  grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)|cov: " "build-fuzz/$t.log" | tail -4 || true
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (inputs in build-fuzz/findings)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${secs}s each without a finding"
