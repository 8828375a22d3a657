#!/bin/sh
# The catalogue's limits besides its 16 MiB (issue 13 item 9): at most
# CATALOG_MAX_SERVICES = 5,000 services and CATALOG_MAX_CATEGORIES = 100
# categories, refused before the file is parsed at the list's
# FILE:LINE:COL; and at most CATALOG_MAX_TREE = 96 MiB for jansson's tree,
# so a file of tiny values cannot make a check take gigabytes. The
# catalogues come from tests/bench/gen_catalog.py (the issue's 45,000
# services took 242 MB to load; they are refused now).
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "catalog_limits: FAIL: $*"; exit 1; }
gen() { python3 "$src/tests/bench/gen_catalog.py" "$src/config/catalog.json" "$@" >/dev/null ||
        fail "gen_catalog.py $*"; }

# exactly at the cap: valid
gen "$work/cap.json" 5000 --minimal
"$ctl" catalog check "$work/cap.json" >"$work/out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "5,000 services: exit status $rc, want 0: $(head -3 "$work/out")"

# one over, and the issue's 45,000: refused with the count, at the list
for n in 5001 45000; do
    gen "$work/over.json" $n --minimal
    line=$(grep -n '"services"' "$work/over.json" | head -1 | cut -d: -f1)
    want=$(printf "%s" $n | sed 's/\(.*\)\(...\)$/\1,\2/')
    "$ctl" catalog check "$work/over.json" >"$work/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || fail "$n services: exit status $rc, want 1"
    grep -qE "over.json:$line:[0-9]+: services: $want services; a catalogue lists at most 5,000 services" \
        "$work/out" || fail "$n services: want the count at line $line: $(head -3 "$work/out")"
    [ "$(wc -l <"$work/out")" -eq 1 ] || fail "$n services: want one line: $(head -5 "$work/out")"
    # the kiosk refuses to start with it, with the same words
    printf '[catalog]\npath = %s\n[paths]\ndata_dir = %s/var\nassets_dir = %s/assets\n' \
        "$work/over.json" "$work" "$src" >"$work/over.conf"
    "$kiosk" --check-config "$work/over.conf" >"$work/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || fail "$n services: kiosk --check-config exit status $rc, want 1"
    grep -qF "services: $want services; a catalogue lists at most 5,000" "$work/out" ||
        fail "$n services: kiosk --check-config: $(head -3 "$work/out")"
done

# 101 categories
python3 - "$src/config/catalog.json" "$work/cats.json" <<'PY' || fail "cannot make the catalogue"
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
for i in range(101 - len(c["categories"])):
    c["categories"].append({"id": "extra-%d" % i, "name": "类别%d" % i})
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
"$ctl" catalog check "$work/cats.json" >"$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "101 categories: exit status $rc, want 1"
grep -qE 'cats.json:[0-9]+:[0-9]+: categories: 101 categories; a catalogue lists at most 100 categories' \
    "$work/out" || fail "101 categories: $(head -3 "$work/out")"

# 5 million empty objects under an unknown key (15 MB of text, gigabytes
# as a tree): reading stops at the tree's limit
python3 - "$src/config/catalog.json" "$work/objs.json" <<'PY' || fail "cannot make the catalogue"
import json, sys
t = json.dumps(json.load(open(sys.argv[1], encoding="utf-8")), ensure_ascii=False, indent=1)
open(sys.argv[2], "w", encoding="utf-8").write(t[:-2] + ',\n "x": [' + "{}," * 5000000 + "{}]\n}\n")
PY
"$ctl" catalog check "$work/objs.json" >"$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "5 million objects: exit status $rc, want 1"
grep -qF 'objs.json: too much to hold in memory: reading it needs more than 96 MiB by this point (the limit for a service catalogue)' \
    "$work/out" || fail "5 million objects: $(head -3 "$work/out")"
rm -rf "$work"
echo "catalog_limits: ok"
