#!/bin/sh
# Runs the kiosk headless against the reference platform (plain http on
# loopback): SCRIPT drives it, and afterwards the platform must hold
# exactly the records the kiosk committed -- the number on the script's
# "# expect-at-platform: N" line -- each once.
# Usage: upload.sh KIOSK CONF SCRIPT SHOTS WORKDIR SOURCE_DIR
set -u
kiosk=$1 conf=$2 script=$3 shots=$4 work=$5 src=$6
expect=$(sed -n 's/^# expect-at-platform: *\([0-9][0-9]*\)$/\1/p' "$script")
[ -n "$expect" ] || { echo "upload: $script has no '# expect-at-platform: N' line"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
fail() { echo "upload: FAIL: $*"; kill "$plat" 2>/dev/null; exit 1; }
python3 "$src/platform/refplat.py" --port 0 --port-file "$work/port" --db "$work/plat.db" \
    --quiet &
plat=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$work/port" ] || fail "the reference platform did not start"
port=$(cat "$work/port")
# the e2e config, paths made absolute, with [platform] added
sed -e "s|= \.\./\.\./|= $src/|" "$conf" >"$work/kiosk.conf"
printf '\n[platform]\nendpoint = http://127.0.0.1:%s\nbackoff_max = 60\nretry_after_max = 90\n' \
    "$port" >>"$work/kiosk.conf"
"$kiosk" --headless --config "$work/kiosk.conf" --script "$script" --shots "$shots" \
    --data-dir "$work/data" || fail "the script failed"
stats=$(python3 -c "import json,urllib.request;s=json.load(urllib.request.urlopen('http://127.0.0.1:$port/_admin/stats'));print(s['records_unique'], s['records_total']-s['duplicates'], s['max_deliveries_per_key'])")
set -- $stats
[ "$1" -eq "$expect" ] || fail "the platform holds $1 records, expected $expect"
kill "$plat"
echo "upload: ok ($1 record(s) at the platform, at most $3 deliveries of one key)"
