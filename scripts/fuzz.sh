#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) into
# ./build-fuzz and runs each for SECONDS (default 60), one at a time, from its
# seed corpus in fuzz/corpus/ (and dictionary in fuzz/dict/). Exits non-zero
# on any crash, leak, UBSan report, timeout or out-of-memory; the input that caused it is kept as
# build-fuzz/findings/TARGET-*. Replay one:
#   ./build-fuzz/fuzz/TARGET build-fuzz/findings/TARGET-crash-...
# With MOSS_SANITIZED_TESTS=1 it first builds the in-process tests (engine,
# persistence, core, actors, watch, the embedded facade, data safety, the
# shell's logic, mossd's options) in the same sanitized tree and runs them
# (what CI does; the two-process and long crash tests run in scripts/test.sh).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
bash scripts/setup.sh fuzz
tests=(engine_test persistence_test core_test watch_core_test actors_test watch_actors_test
       data_safety_test client_test persistence_db_test watch_client_test write_path_test
       shell_test server_options_test)
with_tests="${MOSS_SANITIZED_TESTS:-0}"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" -DCMAKE_CXX_FLAGS="$flags" -DMOSS_FUZZ=ON \
  -DMOSS_BUILD_TESTS="$([[ $with_tests == 1 ]] && echo ON || echo OFF)" -DMOSS_BUILD_BENCH=OFF >/dev/null
build_targets=(fuzzers)
[[ $with_tests == 1 ]] && build_targets+=("${tests[@]}")
cmake --build build-fuzz --target "${build_targets[@]}" -j"$(nproc)"
# Any UBSan report stops the run, except CAF's own (see .ci/ubsan.supp).
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/.ci/ubsan.supp"
export ASAN_OPTIONS="detect_leaks=1"
if [[ $with_tests == 1 ]]; then
  for t in "${tests[@]}"; do
    bin=$(find build-fuzz/tests -type f -name "$t" -perm -u+x | head -1)
    echo "== $t (ASan+UBSan)"
    "$bin" --gtest_brief=1
  done
fi
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
  dict=()
  [[ -f "fuzz/dict/$t.dict" ]] && dict=(-dict="fuzz/dict/$t.dict")
  # New inputs go to build-fuzz/corpus/$t; the committed seeds are only read.
  if ! "build-fuzz/fuzz/$t" "${dict[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$t-" \
      "build-fuzz/corpus/$t" "fuzz/corpus/$t" 2>"build-fuzz/$t.log"; then
    failed+=("$t")
    tail -40 "build-fuzz/$t.log"
  fi
  grep -E "DONE" "build-fuzz/$t.log" | tail -1 || true
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (inputs in build-fuzz/findings)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${secs}s each without a finding"
