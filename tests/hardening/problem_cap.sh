#!/bin/sh
# Lists of problems are capped (DIAG_PRINT_MAX = 20 in common/diag.h) with
# a count of the rest: 10,000 unknown sections in kiosk.conf, or a
# catalogue with a problem in each of its 56 services, print the first 20
# and "... and N more problems not shown", not one line each.
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/var"
fail() { echo "problem_cap: FAIL: $*"; exit 1; }

{
    printf '[catalog]\npath = %s/config/catalog.json\n' "$src"
    printf '[paths]\ndata_dir = var\nassets_dir = %s/assets\n' "$src"
    i=1
    while [ $i -le 10000 ]; do echo "[unknown$i]"; i=$((i + 1)); done
} >"$work/many.conf"

for prog in "$ctl config check" "$kiosk --check-config"; do
    $prog "$work/many.conf" >"$work/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || fail "$prog: exit status $rc, want 1"
    lines=$(wc -l <"$work/out")
    [ "$lines" -le 30 ] || fail "$prog: $lines lines of output, want at most 30"
    [ "$(grep -c 'unknown section' "$work/out")" -eq 20 ] ||
        fail "$prog: want exactly 20 problems listed: $(head -25 "$work/out")"
    grep -q '/many.conf:6: unknown section \[unknown1\]' "$work/out" ||
        fail "$prog: the first problem is not listed first: $(head -3 "$work/out")"
    grep -qF '... and 9,980 more problems not shown (at most 20 are listed)' "$work/out" ||
        fail "$prog: no count of the rest: $(tail -5 "$work/out")"
done

# A catalogue with an unknown key in every one of its 56 services.
python3 - "$src/config/catalog.json" "$work/catalog.json" <<'PY' || fail "cannot make the catalogue"
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
for s in c["services"]:
    s["no_such_field"] = 1
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
"$ctl" catalog check "$work/catalog.json" >"$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "catalog check: exit status $rc, want 1"
[ "$(grep -c 'no_such_field' "$work/out")" -eq 20 ] ||
    fail "catalog check: want exactly 20 problems listed: $(head -25 "$work/out")"
grep -qF '... and 36 more problems not shown' "$work/out" ||
    fail "catalog check: no count of the rest: $(tail -3 "$work/out")"

# Under the cap nothing changes: every problem, no count line.
printf '[catalog]\npath = %s/config/catalog.json\n[paths]\ndata_dir = var\nassets_dir = %s/assets\n[a]\n[b]\n' \
    "$src" "$src" >"$work/two.conf"
"$ctl" config check "$work/two.conf" >"$work/out" 2>&1
[ "$(grep -c 'unknown section' "$work/out")" -eq 2 ] || fail "two problems: $(cat "$work/out")"
grep -q 'more problem' "$work/out" && fail "a count line under the cap: $(cat "$work/out")"
echo "problem_cap: OK"
