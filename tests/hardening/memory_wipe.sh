#!/bin/sh
# Issue 13 item 8: no personal data left in memory after the session.
# Runs the real kiosk headless twice on the demo reader (the default): a
# sign-in with the resident demo card, sign-out and card removal; and the
# card's ID number typed into search, then the idle reset; and a form with
# the card and a phone number typed, queued, rated, then sign-out and the
# idle reset. At each end the
# kiosk writes its own memory to a file (script line `dump-memory`), and
# memory_wipe.py looks in it for the card's ID number, name and address in
# UTF-8, UTF-16LE/BE, UTF-32LE and GB18030 (the ID number also as plain
# digits, which UTF-8 is) and, after the form, the phone number it typed.
# Found values are named masked, never in full.
#   memory_wipe.sh KIOSKCTL KIOSK SOURCE_DIR WORKDIR
set -eu
kiosk=$2 src=$3 work=$4
here=$src/tests/hardening
rm -rf "$work"
mkdir -p "$work"
# The dumps hold whatever memory held: never leave them behind.
trap 'rm -f "$work"/*/*.mem' EXIT
status=0
# what form.kiosk types, digit by digit (as in the e2e form tests)
phone=13800138000
for run in signout search form; do
    if ! "$kiosk" --headless --config "$src/tests/e2e/portrait.conf" \
            --script "$here/memory_wipe/$run.kiosk" --shots "$work/$run" \
            --data-dir "$work/data-$run" >"$work/$run.log" 2>&1; then
        echo "memory_wipe: the $run session script failed:"
        tail -n 30 "$work/$run.log"
        exit 1
    fi
    grep 'dump-memory:' "$work/$run.log" || true
    for dump in "$work/$run"/*.mem; do
        python3 "$here/memory_wipe.py" "$src/assets/demo-cards/resident.json" "$dump" \
            "$phone" || status=1
    done
done
[ "$status" -eq 0 ] && echo "memory_wipe: no field of the card left in memory"
exit "$status"
