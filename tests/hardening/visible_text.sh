#!/bin/sh
# Invisible and deceptive text (issue 13 item 4, common/textcheck.h): a
# catalogue whose names hold a right-to-left override, zero-width spaces
# only, combining marks only or a bidi isolate, and a UI strings file with
# the same kind of characters, are refused at FILE:LINE:COL of the
# character, naming its code point -- by `kioskctl catalog check`, and by
# `kiosk --check-config` / `kioskctl config check` for the strings.
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/var"
fail() { echo "visible_text: FAIL: $*"; exit 1; }

cat_fixture=$src/tests/fixtures/catalog/invisible.json
"$ctl" catalog check "$cat_fixture" >"$work/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "catalog check: exit status $rc, want 1: $(cat "$work/out")"
for want in \
    "invisible.json:4:30: categories[1] (id housing) name: must not contain U+200B (a zero-width space" \
    "invisible.json:7:20: services[0] (id 330106-000-00-001) name.zh: must not contain U+202E (a bidi override" \
    "invisible.json:15:27: services[0] (id 330106-000-00-001) materials[1].name: must contain at least one visible character" \
    "invisible.json:19:17: services[0] (id 330106-000-00-001) window: must not contain U+2066 (a bidi isolate"; do
    grep -qF "$want" "$work/out" || fail "catalog check: missing \"$want\" in: $(cat "$work/out")"
done
[ "$(wc -l <"$work/out")" -eq 4 ] || fail "catalog check: want 4 lines: $(cat "$work/out")"

printf '[catalog]\npath = %s/config/catalog.json\n[paths]\ndata_dir = var\nassets_dir = %s/tests/fixtures/invisible/assets\n' \
    "$src" "$src" >"$work/kiosk.conf"
for prog in "$ctl config check" "$kiosk --check-config"; do
    $prog "$work/kiosk.conf" >"$work/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || fail "$prog: exit status $rc, want 1: $(cat "$work/out")"
    for want in \
        "strings/en.json:3:19: key \"status.help\": must not contain U+202E (a bidi override" \
        "strings/en.json:6:18: key \"weekday.0\": must not contain U+00AD (a soft hyphen" \
        "strings/en.json:13:16: key \"nav.back\": must not contain U+200B (a zero-width space"; do
        grep -qF "$want" "$work/out" || fail "$prog: missing \"$want\" in: $(cat "$work/out")"
    done
done

# The shipped files pass the same rule.
"$ctl" catalog check "$src/config/catalog.json" >"$work/out" 2>&1 ||
    fail "the shipped catalogue: $(cat "$work/out")"
printf '[catalog]\npath = %s/config/catalog.json\n[paths]\ndata_dir = var\nassets_dir = %s/assets\n' \
    "$src" "$src" >"$work/good.conf"
"$ctl" config check "$work/good.conf" >"$work/out" 2>&1 ||
    fail "the shipped strings: $(cat "$work/out")"
echo "visible_text: OK"
