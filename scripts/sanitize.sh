#!/usr/bin/env bash
# Builds mossdb with ASan and UBSan (-DMOSS_SANITIZE=address) into
# ./build-asan and runs the tests that finish quickly under them; any report
# fails it. CI runs it after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1" \
  -DMOSS_SANITIZE=address -DMOSS_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/.ci/ubsan.supp"
# Left out: the byte-by-byte truncation sweep and the SIGKILL rounds (minutes
# under ASan; they run in scripts/test.sh).
cd build-asan && ctest --output-on-failure -j"$(nproc)" --timeout 600 \
  -E "DbTruncationTest|DbCrashTest|LifetimeModelTest"
