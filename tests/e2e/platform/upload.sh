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
fail() { echo "upload: FAIL: $*"; refplat_stop; exit 1; }
. "$src/tests/support/refplat.sh"
refplat_start "$src" "$work" || fail "the reference platform did not start"
refplat_config "$conf" "$work/kiosk.conf" "backoff_max = 60" "retry_after_max = 90"
"$kiosk" --headless --config "$work/kiosk.conf" --script "$script" --shots "$shots" \
    --data-dir "$work/data" || fail "the script failed"
stats=$(refplat_admin stats "s['records_unique'], s['records_total'] - s['duplicates'], s['max_deliveries_per_key']")
set -- $stats
[ "$1" -eq "$expect" ] || fail "the platform holds $1 records, expected $expect"
refplat_stop
echo "upload: ok ($1 record(s) at the platform, at most $3 deliveries of one key)"
