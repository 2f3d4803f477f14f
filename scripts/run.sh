#!/usr/bin/env bash
# Installs what is missing, builds, and opens the moss shell on an embedded
# store in ./moss-data (pass other arguments through: a directory, -c "...").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh --target moss
if (($#)); then exec ./build/tools/moss "$@"; fi
exec ./build/tools/moss ./moss-data
