#!/usr/bin/env bash
# Builds the Debian package from ./build (building it first if needed):
#   bash scripts/package.sh          -> build/mossdb_VERSION_amd64.deb
#   bash scripts/package.sh --check  -> also installs it with dpkg -i, runs
#       the installed moss and mossd, checks the service's files and the
#       mossdb user, then purges it again (what scripts/test.sh does as root)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/tools/mossd ]] || bash scripts/build.sh
(cd build && rm -f mossdb_*.deb && cpack -G DEB >/dev/null)
deb=$(ls build/mossdb_*_amd64.deb)
echo "package: $deb"
[[ "${1:-}" == --check ]] || exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "package: --check needs root (dpkg -i); skipped"
  exit 0
fi
if dpkg-query -W -f='${Status}' mossdb 2>/dev/null | grep -q "install ok installed"; then
  echo "package: mossdb is already installed here; --check leaves it alone"
  exit 0
fi
# Afterwards: purged, and the data directory gone if this check made it.
data_was_there=0; [[ -e /var/lib/mossdb ]] && data_was_there=1
cleanup() {
  dpkg --purge mossdb >/dev/null 2>&1 || true
  [[ $data_was_there == 1 ]] || rm -rf /var/lib/mossdb
}
trap cleanup EXIT
dpkg -i "$deb" >/dev/null
fail() { echo "package: $*" >&2; exit 1; }
/usr/bin/mossd --help | grep -q '^usage: mossd' || fail "mossd --help"
/usr/bin/mossd --version | grep -q "^mossd (mossdb) " || fail "mossd --version"
/usr/bin/moss --version | grep -q "^moss (mossdb) " || fail "moss --version"
tmp=$(mktemp -d)
[[ $(/usr/bin/moss "$tmp/s" -c 'set a 1' -c 'get a') == $'OK\n1' ]] || fail "the installed moss"
rm -rf "$tmp"
test -f /usr/lib/systemd/system/mossd.service || fail "no systemd unit"
test -f /etc/mossdb/mossd.conf || fail "no /etc/mossdb/mossd.conf"
test -f /usr/share/man/man1/mossd.1 || fail "no man page"
test -f /usr/lib/cmake/mossdb/mossdbConfig.cmake || fail "no CMake package"
pkg-config --exists mossdb || fail "pkg-config does not find mossdb"
getent passwd mossdb >/dev/null || fail "no mossdb user"
[[ $(stat -c %U /var/lib/mossdb) == mossdb ]] || fail "/var/lib/mossdb is not the mossdb user's"
# The service's own command line, as the mossdb user, until it listens.
out=$(mktemp)
setpriv --reuid=mossdb --regid=mossdb --init-groups /usr/bin/mossd --config /etc/mossdb/mossd.conf --port 0 >"$out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do grep -q '^listening ' "$out" && break; sleep 0.1; done
grep -q '^listening 127.0.0.1:' "$out" || { kill "$pid" 2>/dev/null; fail "the service's mossd did not listen"; }
kill -TERM "$pid" && wait "$pid" || fail "the service's mossd did not stop cleanly"
rm -f "$out"
test -d /var/lib/mossdb/store || fail "the service's store was not created"
echo "package: installed, ran and purged"
