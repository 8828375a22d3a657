#!/bin/sh
# The category pictograms as a technician checks them: `kioskctl catalog
# check` and `kiosk --check-config` warn (exit 0) about a catalogue icon
# name without a file, at the icon's LINE:COL, and fail (exit 1) on a
# broken icon file, at its FILE:LINE:COL.
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/var" "$work/assets"
fail() { echo "icons_check: FAIL: $*"; exit 1; }

cp -r "$src/assets/icons" "$work/assets/icons"
ln -s "$src/assets/strings" "$work/assets/strings"
ln -s "$src/assets/demo-cards" "$work/assets/demo-cards"
# the catalogue, with one category's icon renamed to one nobody drew
sed 's/"icon": "medal"/"icon": "no-such-picture"/' "$src/config/catalog.json" \
    >"$work/catalog.json" || fail "cannot copy the catalogue"
cp "$src/config/search-words.json" "$work/" 2>/dev/null
printf '[catalog]\npath = catalog.json\n[paths]\ndata_dir = var\nassets_dir = assets\n' \
    >"$work/kiosk.conf"
line=$(grep -n '"icon": "no-such-picture"' "$work/catalog.json" | cut -d: -f1)

for prog in "$ctl catalog check $work/catalog.json --config" "$kiosk --check-config"; do
    $prog "$work/kiosk.conf" >"$work/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] || fail "$prog: exit status $rc, want 0: $(cat "$work/out")"
    grep -q "catalog.json:$line:[0-9]*: warning: categories\[[0-9]*\] (id [a-z-]*) icon: no file .*/icons/no-such-picture.icon; the tile shows the generic pictogram" \
        "$work/out" || fail "$prog: no warning for the missing icon: $(cat "$work/out")"
    grep -q 'icons: OK' "$work/out" || fail "$prog: icons not reported OK: $(cat "$work/out")"
done

# a broken icon file is a problem with its position
printf 'circle 24 24 10\nrect 10 10 50 5\n' >"$work/assets/icons/medal.icon"
for prog in "$ctl catalog check $work/catalog.json --config" "$kiosk --check-config"; do
    $prog "$work/kiosk.conf" >"$work/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || fail "$prog: exit status $rc, want 1: $(cat "$work/out")"
    grep -q 'icons/medal.icon:2:12: w must be more than 0 and at most 48' "$work/out" ||
        fail "$prog: the broken icon is not named: $(cat "$work/out")"
done
echo "icons_check: OK"
