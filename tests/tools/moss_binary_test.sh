#!/bin/sh
# Runs the built moss binary without a terminal and checks its output and
# exit codes: stdin mode, -c mode, stop at the first error, --help, and
# --connect to a mossd node (commands, a watch, the node going away).
# Usage: moss_binary_test.sh PATH/TO/moss PATH/TO/mossd PATH/TO/CMakeLists.txt
moss="$1"
mossd="$2"
failures=0
tmp=$(mktemp -d)
node=
trap '[ -n "$node" ] && kill -9 "$node" 2>/dev/null; rm -rf "$tmp"' EXIT

# check NAME EXPECTED_CODE EXPECTED_OUTPUT ACTUAL_CODE ACTUAL_OUTPUT
check() {
  if [ "$4" != "$2" ] || [ "$5" != "$3" ]; then
    printf 'FAIL %s: exit %s (want %s), output:\n%s\nwant:\n%s\n' \
      "$1" "$4" "$2" "$5" "$3"
    failures=$((failures + 1))
  fi
}

out=$(printf 'set a 1\nset "b c" "x\\x00y"\nget a\nscan ""\nget missing\n' | "$moss" "$tmp/s1" 2>&1)
check stdin 0 'OK
OK
1
a 1
"b c" "x\x00y"
(nil)' $? "$out"

out=$(printf 'set a 1\nget\nset b 2\n' | "$moss" "$tmp/s2" 2>&1)
check stdin-usage-error 2 'OK
error: usage: expected: get KEY (line 2)' $? "$out"

out=$("$moss" "$tmp/s3" -c 'set a 1 ttl 0s' -c 'set b 2' 2>&1 </dev/null)
check c-store-error 1 'error: invalid_argument: a TTL must be positive, got 0 ns' $? "$out"

out=$("$moss" "$tmp/s4" -c 'batch set a 1, set b 2' -c 'txn if value(a) = 1 then get b else get a' \
  2>&1 </dev/null)
check c-txn 0 'OK rev 1
success rev 1
get b 2' $? "$out"

"$moss" --help >/dev/null 2>&1
check help 0 '' $? ''

"$moss" "$tmp/s5" -c 'set kept "across runs"' >/dev/null 2>&1 </dev/null
out=$("$moss" "$tmp/s5" -c 'get kept' 2>&1 </dev/null)
check persists 0 '"across runs"' $? "$out"

"$moss" "$tmp/s6" -c 'set a 1' -c 'set b 2' -c 'set c 3' >/dev/null 2>&1 </dev/null
out=$("$moss" "$tmp/s6" --check 2>&1 </dev/null)
check check-clean 0 'snapshot_revision 0
snapshot_entries 0
log_records 3
last_revision 3
ok' $? "$out"
# Flip a byte inside the first record: valid records follow, so opening refuses.
seg=$(ls "$tmp/s6"/wal-*.log | head -1)
printf '\377' | dd of="$seg" bs=1 seek=20 conv=notrunc 2>/dev/null
"$moss" "$tmp/s6" -c 'get a' >/dev/null 2>&1 </dev/null
check refuses-damage 1 '' $? ''
"$moss" "$tmp/s6" --check >/dev/null 2>&1 </dev/null
check check-damaged 1 '' $? ''
"$moss" "$tmp/s6" --check --fix >/dev/null 2>&1 </dev/null
check fix 0 '' $? ''
out=$("$moss" "$tmp/s6" -c 'scan ""' -c 'set d 4' -c 'get d' 2>&1 </dev/null)
check opens-after-fix 0 'OK
4' $? "$out"

# --check counts the whole records before damage, as --fix then keeps them.
"$moss" "$tmp/s6b" -c 'set a 1' -c 'set b 2' -c 'set c 3' >/dev/null 2>&1 </dev/null
seg=$(ls "$tmp/s6b"/wal-*.log | head -1)
printf '\377' | dd of="$seg" bs=1 seek=60 conv=notrunc 2>/dev/null
out=$("$moss" "$tmp/s6b" --check 2>&1 </dev/null | grep -E '^(log_records|last_revision) ')
check check-counts-before-damage 0 'log_records 1
last_revision 1' $? "$out"

# Compacting twice, and compacting a store with nothing new since it opened.
"$moss" "$tmp/s7" -c 'set a 1' -c compact -c compact >/dev/null 2>&1 </dev/null
check compact-twice 0 '' $? ''
"$moss" "$tmp/s7" -c compact >/dev/null 2>&1 </dev/null
check compact-idle 0 '' $? ''
out=$("$moss" "$tmp/s7" -c 'get a' 2>&1 </dev/null)
check compact-twice-get 0 '1' $? "$out"

# A store directory whose parents do not exist yet.
out=$("$moss" "$tmp/new/sub/store" -c 'set a 1' -c 'get a' 2>&1 </dev/null)
check creates-parents 0 'OK
1' $? "$out"

# A TTL at the largest value saturates instead of expiring at once.
out=$("$moss" "$tmp/s8" -c 'set k v ttl 9223372036854775807ns' -c 'get k' 2>&1 </dev/null)
check ttl-max 0 'OK
v' $? "$out"

"$moss" --bogus >/dev/null 2>&1
check bad-option 2 '' $? ''

# --version, --fsync and --engine.
out=$("$moss" --version 2>&1)
check version 0 "moss (mossdb) $(sed -n 's/^project(mossdb VERSION \([0-9.]*\).*/\1/p' "$3")" $? "$out"
out=$("$mossd" --version 2>&1)
check mossd-version 0 "mossd (mossdb) $(sed -n 's/^project(mossdb VERSION \([0-9.]*\).*/\1/p' "$3")" $? "$out"
# Under always every write is fsynced before its answer: two sets, two fsyncs.
out=$("$moss" "$tmp/s9" --fsync always --engine hash -c 'set a 1' -c 'set b 2' -c stats 2>&1 </dev/null \
      | grep -E '^(OK|fsyncs )')
check fsync-always 0 'OK
OK
fsyncs 2' $? "$out"
"$moss" "$tmp/s9" --fsync sometimes -c 'get a' >/dev/null 2>&1 </dev/null
check fsync-bad 2 '' $? ''
"$moss" "$tmp/s9" --engine btree -c 'get a' >/dev/null 2>&1 </dev/null
check engine-bad 2 '' $? ''
"$moss" --connect 127.0.0.1:1 --fsync always -c 'get a' >/dev/null 2>&1 </dev/null
check connect-fsync 2 '' $? ''

# A torn log tail is cut at open and reported on stderr, through the
# store's log sink (the library itself never writes to stderr).
"$moss" "$tmp/s10" -c 'set a 1' >/dev/null 2>&1 </dev/null
printf 'torn' >>"$(ls "$tmp"/s10/wal-*.log | tail -1)"
out=$("$moss" "$tmp/s10" -c 'get a' 2>"$tmp/s10.err" </dev/null)
check torn-tail-answer 0 '1' $? "$out"
grep -q '^moss: .*s10: torn log tail truncated: ' "$tmp/s10.err"
check torn-tail-reported 0 '' $? ''

# --connect: a node on a free port, which it prints.
"$mossd" --dir "$tmp/node" --port 0 --fsync always >"$tmp/listening" 2>"$tmp/node.err" &
node=$!
for _ in $(seq 100); do
  grep -q listening "$tmp/listening" 2>/dev/null && break
  sleep 0.1
done
addr=$(sed -n 's/^listening //p' "$tmp/listening")
# A second node on the same port says which port is taken.
"$mossd" --dir "$tmp/node2" --port "${addr##*:}" 2>"$tmp/second" >/dev/null </dev/null
check second-node-port-in-use 1 "mossd: cannot publish on 127.0.0.1:${addr##*:}: port ${addr##*:} is already in use" \
  $? "$(cat "$tmp/second")"
# A watcher from revision 1 sees the three writes whether it starts before or after them.
"$moss" --connect "$addr" -c 'watch prefix app/ from 1 prev count 3' >"$tmp/watch" 2>&1 </dev/null &
watcher=$!
out=$("$moss" --connect "$addr" -c 'set app/a 1' -c 'set app/a 2' -c 'del app/a' -c 'get app/a' 2>&1 </dev/null)
check connect 0 'OK
OK
1
(nil)' $? "$out"
wait "$watcher"
check connect-watch 0 '1 create app/a 1
2 update app/a 2 prev 1
3 del app/a prev 2' $? "$(cat "$tmp/watch")"
out=$(printf 'stats\n' | "$moss" --connect "$addr" 2>&1 | grep -E '^(revision|watchers) ')
check connect-stats 0 'revision 3
watchers 0' $? "$out"
# mossd logs a line for each session opened and closed.
grep -q '^mossd: peer .* connected (1 of its sessions' "$tmp/node.err" \
  && grep -q '^mossd: peer .* disconnected (0 of its sessions' "$tmp/node.err"
check mossd-logs-sessions 0 '' $? 
# The node goes away under a running watch, then under a command.
"$moss" --connect "$addr" -c 'watch prefix app/' >"$tmp/watch2" 2>&1 </dev/null &
watcher=$!
for _ in $(seq 100); do
  "$moss" --connect "$addr" -c stats 2>/dev/null </dev/null | grep -q '^watchers 1$' && break
  sleep 0.1
done
kill -9 "$node"
wait "$node" 2>/dev/null
node=
wait "$watcher"
check connect-node-gone-watch 1 "error: unreachable: lost the connection to $addr" $? "$(cat "$tmp/watch2")"
"$moss" --connect "$addr" -c 'get a' >/dev/null 2>&1 </dev/null
check connect-refused 1 '' $? ''
"$moss" --connect nohost >/dev/null 2>&1 </dev/null
check connect-bad-address 2 '' $? ''

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "moss binary: all checks passed"
