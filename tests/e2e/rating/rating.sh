#!/bin/sh
# Ratings end to end against the reference platform: SCRIPT rates (or
# skips) after transactions; afterwards
#  - the platform holds exactly the ratings the script's "# ratings: N"
#    line says, each key delivered once, each with its transaction number,
#    level, code and channel, and no rating for a skipped transaction;
#  - `kioskctl rating summary` counts the same, and lists the poor ones
#    with their reasons and masked phone, never the number in full;
#  - nothing typed (comment, phone) is in clear in the kiosk's data
#    directory or log.
# Usage: rating.sh KIOSK KIOSKCTL CONF SCRIPT SHOTS WORKDIR SOURCE_DIR
set -u
kiosk=$1 kioskctl=$2 conf=$3 script=$4 shots=$5 work=$6 src=$7
want=$(sed -n 's/^# ratings: *\([0-9][0-9]*\)$/\1/p' "$script")
[ -n "$want" ] || { echo "rating: $script has no '# ratings: N' line"; exit 1; }
rm -rf "$work" "$shots"
mkdir -p "$work"
fail() { echo "rating: FAIL: $*"; refplat_stop; exit 1; }
. "$src/tests/support/refplat.sh"
refplat_start "$src" "$work" || fail "the reference platform did not start"
refplat_config "$conf" "$work/kiosk.conf" "backoff_max = 30" "online_deadline = 5"
# "# rating-conf: KEY = VALUE" lines of the script go to [rating]
extra=$(sed -n 's/^# rating-conf: *//p' "$script")
[ -z "$extra" ] || printf '\n[rating]\n%s\n' "$extra" >>"$work/kiosk.conf"
"$kiosk" --headless --config "$work/kiosk.conf" --script "$script" --shots "$shots" \
    --data-dir "$work/data" >"$work/kiosk.log" 2>&1 || {
    tail -n 60 "$work/kiosk.log"; fail "the script failed"; }

# at the platform: N ratings, each delivered once, as the kiosk made them
got=$(refplat_admin "keys?limit=1000" "'\n'.join('%s %s' % (k['key'], k['deliveries']) for k in s['keys'] if k['kind'] == 'rating')")
n=$(echo "$got" | grep -c .)
[ "$n" -eq "$want" ] || fail "the platform holds $n rating(s), expected $want"
echo "$got" | while read -r key deliveries; do
    [ "$deliveries" -eq 1 ] || { echo "rating $key delivered $deliveries times"; exit 1; }
    refplat_admin "keys?key=$key" "s['payload']" >"$work/payload" || exit 1
    python3 - "$work/payload" <<'PY' || exit 1
import ast, json, sys
text = open(sys.argv[1]).read().strip()
try:
    p = json.loads(text)
except ValueError:
    p = ast.literal_eval(text)
if isinstance(p, str):
    p = json.loads(p)
need = {"transaction", "level", "code", "scheme", "channel", "time", "count", "reasons"}
missing = need - set(p)
assert not missing, f"rating payload lacks {sorted(missing)}"
assert p["level"] in ("very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied")
assert p["channel"] and p["count"] == 1 and len(p["time"]) == 15, p
assert (p["level"] in ("dissatisfied", "very_dissatisfied")) == bool(p["reasons"]), p
PY
done || fail "a rating at the platform is not as the kiosk made it"

# the service centre's summary: the same count, poor ones with masked phones
"$kioskctl" rating summary --config "$work/kiosk.conf" --data-dir "$work/data" \
    >"$work/summary" 2>&1 || { cat "$work/summary"; fail "rating summary failed"; }
cat "$work/summary"
grep -q -- "$want" "$work/summary" || fail "the summary does not count $want"
# --days N: only the last N days. The script's ratings carry the harness's
# virtual date (2026-11-22), so they are inside 3650 days and outside 1.
"$kioskctl" rating summary --days 3650 --config "$work/kiosk.conf" --data-dir "$work/data" \
    >"$work/summary_days" 2>&1 || fail "rating summary --days 3650 failed"
grep -q "^ratings of the last 3650 day(s) kept in the outbox: $want " "$work/summary_days" ||
    fail "--days 3650: $(head -n 1 "$work/summary_days")"
"$kioskctl" rating summary --days 1 --config "$work/kiosk.conf" --data-dir "$work/data" \
    >"$work/summary_days" 2>&1 || fail "rating summary --days 1 failed"
grep -q "^ratings of the last 1 day(s) kept in the outbox: 0 " "$work/summary_days" ||
    fail "--days 1 counted ratings of 2026-11-22: $(head -n 1 "$work/summary_days")"
if "$kioskctl" rating summary --days 0 --config "$work/kiosk.conf" --data-dir "$work/data" \
    >/dev/null 2>&1; then fail "--days 0 was taken"; fi

# nothing typed in clear where the kiosk writes
for f in "$work/kiosk.log" "$work/summary" $(find "$work/data" -type f); do
    for v in 窗口排队太久 13900139000 13800138000 13700137000; do
        if grep -qF -- "$v" "$f"; then fail "'$f' holds what the resident typed"; fi
    done
done
refplat_stop
echo "rating: ok ($want rating(s) at the platform, once each)"
