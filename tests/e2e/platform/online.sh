#!/bin/sh
# Runs the kiosk headless against the reference platform (plain http on
# loopback) with [platform] online_deadline = 3: SCRIPT drives the online
# services online and offline (`platform down|up`, `online hang|answer`,
# `platform-fault KIND`, `platform-fill`). Afterwards:
#  - every "# stats: NAME=N ..." line of the script must match the
#    platform's /_admin/stats (tickets=1: a retry never took a second
#    number);
#  - the kiosk's log and data directory hold none of the demo cards' names,
#    addresses or ID numbers, nor the phone numbers the script typed.
# Usage: online.sh KIOSK CONF SCRIPT SHOTS WORKDIR SOURCE_DIR
set -u
kiosk=$1 conf=$2 script=$3 shots=$4 work=$5 src=$6
rm -rf "$work"
mkdir -p "$work"
fail() { echo "online: FAIL: $*"; refplat_stop; exit 1; }
. "$src/tests/support/refplat.sh"
refplat_start "$src" "$work" || fail "the reference platform did not start"
port=$REFPLAT_PORT
refplat_config "$conf" "$work/kiosk.conf" "backoff_max = 60" "online_deadline = 3"
"$kiosk" --headless --config "$work/kiosk.conf" --script "$script" --shots "$shots" \
    --data-dir "$work/data" >"$work/kiosk.log" 2>&1 || {
    tail -n 60 "$work/kiosk.log"; fail "the script failed"; }
tail -n 1 "$work/kiosk.log"
# the platform's counters against the script's "# stats:" lines
want=$(sed -n 's/^# stats: *//p' "$script" | tr '\n' ' ')
if [ -n "$want" ]; then
    got=$(python3 -c "
import json, sys, urllib.request
s = json.load(urllib.request.urlopen('http://127.0.0.1:$port/_admin/stats'))
bad = [f'{k}={s.get(k)} (want {v})' for k, v in (w.split('=') for w in sys.argv[1:])
       if str(s.get(k)) != v]
print('; '.join(bad))" $want) || fail "cannot read the platform's stats"
    [ -z "$got" ] || fail "platform stats: $got"
    echo "online: platform stats as the script says: $want"
fi
# nothing personal in the log or the data directory
values=$( (sed -n 's/^ *"\(name\|name_en\|address\|id_number\|pass_number\)": *"\([^"]*\)".*/\2/p' \
    "$src"/assets/demo-cards/*.json; sed -n 's/^type \([0-9]\{11\}\)$/\1/p' "$script") | sort -u)
for f in "$work/kiosk.log" $(find "$work/data" -type f 2>/dev/null); do
    echo "$values" | while IFS= read -r v; do
        [ -n "$v" ] || continue
        if grep -qF -- "$v" "$f"; then
            echo "online: '$f' holds personal data (${#v} bytes)"; exit 1
        fi
    done || fail "personal data in what the kiosk wrote"
done
refplat_stop
echo "online: ok"
