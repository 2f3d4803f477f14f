#!/usr/bin/env bash
# Installs the Debian 12 packages mossdb builds with; does nothing when all are present.
# `setup.sh fuzz` adds clang and its sanitizer/libFuzzer runtimes (scripts/fuzz.sh).
set -euo pipefail
pkgs=(g++ make cmake libcaf-dev libssl-dev libboost-dev libabsl-dev libgtest-dev
      libgmock-dev libbenchmark-dev libreadline-dev openssl pkgconf adduser)
if [[ "${1:-}" == fuzz ]]; then
  pkgs+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
