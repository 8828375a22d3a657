#!/bin/sh
# kioskctl queue salvage on a truly damaged queue: 400 probes committed,
# then three pages of the file (the header page among them) overwritten
# with garbage, so integrity_check fails and SQLite cannot open it. The
# kiosk's next start moves it aside (never deletes it) and goes on with a
# new queue; salvage brings back every row on the undamaged pages, under
# its own key, once: a second salvage adds nothing, and no key appears
# twice or that was never committed.
# Usage: salvage.sh KIOSKCTL CONFIG WORKDIR
set -eu
ctl=$1 conf=$2 work=$3
rm -rf "$work"
mkdir -p "$work/data"
fail() { echo "salvage: FAIL: $*"; exit 1; }

"$ctl" queue probe 400 --config "$conf" --data-dir "$work/data" |
    sed -n 's/^committed //p' | sort >"$work/committed"
[ "$(wc -l <"$work/committed")" -eq 400 ] || fail "probe committed $(wc -l <"$work/committed") of 400"

# everything into the main file first, so the damage is not undone by
# older page images in the -wal
sqlite3 "$work/data/outbox.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
python3 - "$work/data/outbox.db" <<'PY'
import sys
# the header page, and two of the table's leaf pages (type 13, holding rows)
with open(sys.argv[1], "r+b") as f:
    data = f.read()
    leaves = [i + 1 for i in range(1, len(data) // 4096)
              if data[i * 4096] == 13 and b"probe" in data[i * 4096:(i + 1) * 4096]]
    for page in (1, leaves[1], leaves[4]):
        f.seek((page - 1) * 4096)
        f.write(bytes((i * 167 + 13) % 256 for i in range(4096)))
PY
if sqlite3 "$work/data/outbox.db" "PRAGMA integrity_check" 2>/dev/null | grep -qx ok; then
    fail "the damaged file still passes integrity_check"
fi

# the next start: moved aside, a new queue in its place
out=$("$ctl" queue status --config "$conf" --data-dir "$work/data" 2>&1) || true
echo "$out"
aside=$(ls "$work/data" | grep -E '^outbox\.db\.corrupt' | grep -v -- '-wal$\|-shm$' | head -n 1)
[ -n "$aside" ] || fail "no moved-aside file in $work/data: $(ls "$work/data")"

out=$("$ctl" queue salvage "$work/data/$aside" --config "$conf" --data-dir "$work/data")
echo "$out"
n=$(echo "$out" | sed -n 's/^salvaged \([0-9]*\), already queued 0, failed 0$/\1/p')
[ -n "$n" ] || fail "unexpected salvage output"
# two 4 KiB leaf pages hold at most ~50 of these rows; the header page none
[ "$n" -ge 350 ] && [ "$n" -lt 400 ] || fail "salvaged $n of 400"

"$ctl" queue list --json --config "$conf" --data-dir "$work/data" |
    sed -n 's/.*"key": "\([0-9a-f-]*\)".*/\1/p' | sort >"$work/listed"
[ "$(wc -l <"$work/listed")" -eq "$n" ] || fail "queue lists $(wc -l <"$work/listed") rows, salvage said $n"
[ -z "$(uniq -d "$work/listed")" ] || fail "a key is queued twice"
[ -z "$(comm -23 "$work/listed" "$work/committed")" ] || fail "a key that was never committed"

out=$("$ctl" queue salvage "$work/data/$aside" --config "$conf" --data-dir "$work/data")
echo "$out" | grep -qx "salvaged 0, already queued $n, failed 0" || fail "second salvage: $out"
echo "salvage: ok ($n of 400 rows back from a file with 3 pages destroyed)"
