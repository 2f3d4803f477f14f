#!/usr/bin/env bash
# Installs what is missing, builds everything, runs the whole test suite with
# ctest, then builds and runs the examples against the installed package, and
# builds the .deb and (as root) installs, runs and purges it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)
bash scripts/consumer_test.sh
bash scripts/package.sh --check
