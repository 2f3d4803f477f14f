#!/usr/bin/env bash
# What a user of the installed package does, after scripts/build.sh:
#  1. `cmake --install build --prefix P` into a temporary prefix;
#  2. the examples built out of tree with find_package(mossdb) alone, and run;
#  3. the quickstart built with nothing but `pkg-config --cflags --libs mossdb`;
#  4. a parent project's add_subdirectory(mossdb) configures mossdb::mossdb
#     and none of mossdb's tests, benchmarks or tools.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/moss-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
step() { echo "consumer: $*"; }

step "cmake --install build --prefix $work/prefix"
cmake --install build --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/lib/cmake/mossdb/mossdbConfig.cmake"
test -x "$work/prefix/bin/moss" && test -x "$work/prefix/bin/mossd"
if grep -rn '#include "' "$work/prefix/include/moss"; then
  echo "consumer: an installed header includes a header that is not installed" >&2
  exit 1
fi

step "examples against the installed package (find_package(mossdb))"
cmake -S examples -B "$work/examples" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/examples" -j"$(nproc)" >/dev/null
for ex in quickstart caf_store remote_store; do
  step "run $ex"
  (cd "$work" && timeout 60 "$work/examples/$ex" >/dev/null)
done

step "quickstart with pkg-config alone"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
g++ -O1 -o "$work/quickstart_pc" examples/quickstart.cpp $(pkg-config --cflags --libs mossdb)
(cd "$work" && timeout 60 "$work/quickstart_pc" >/dev/null)

step "add_subdirectory(mossdb) from a parent project"
cmake -S tests/consumer -B "$work/parent" -DMOSS_SOURCE_DIR="$root" -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=$(cmake --build "$work/parent" --target help)
grep -E -q '^\.\.\. parent_app$' <<<"$targets"
grep -E -q '^\.\.\. mossdb$' <<<"$targets"
if grep -E -q '^\.\.\. (engine_test|db_bench|moss|mossd|quickstart)$' <<<"$targets"; then
  echo "consumer: add_subdirectory(mossdb) brought in mossdb's tests, benchmarks, tools or examples" >&2
  exit 1
fi
step "ok"
