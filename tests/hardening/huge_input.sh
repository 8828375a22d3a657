#!/bin/sh
# Inputs far beyond any reader's limit: refused with the limit and the
# file named, exit status 2, memory bounded by the limit -- not a silent
# exit 1 when memory runs out.
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/var"
fail() { echo "huge_input: FAIL: $*"; exit 1; }
cd "$work" || exit 1

# 64 MiB on standard input: idcard decode keeps at most 64 KiB + 1 bytes.
head -c 64M /dev/zero | timeout 60 "$ctl" idcard decode - >out 2>&1
rc=$?
[ $rc -eq 2 ] || fail "idcard decode -: exit status $rc, want 2: $(cat out)"
grep -qF "standard input: more than 64 KiB; is this really a hex dump of one reader answer?" out ||
    fail "idcard decode -: $(cat out)"

# The same as files: each reader names its own limit.
head -c 65537 /dev/zero >hex.big
timeout 60 "$ctl" idcard decode hex.big >out 2>&1
rc=$?
[ $rc -eq 2 ] || fail "idcard decode FILE: exit status $rc, want 2"
grep -qF "hex.big: file is larger than 64 KiB" out || fail "idcard decode FILE: $(cat out)"

truncate -s 2M conf.big
timeout 60 "$ctl" config check conf.big >out 2>&1
rc=$?
[ $rc -eq 2 ] || fail "config check: exit status $rc, want 2"
grep -qF "conf.big: file is larger than 1 MiB; is this really kiosk.conf?" out ||
    fail "config check: $(cat out)"

truncate -s 17M catalog.big
timeout 60 "$ctl" catalog check catalog.big >out 2>&1
rc=$?
[ $rc -eq 2 ] || fail "catalog check: exit status $rc, want 2"
grep -qF "catalog.big: file is larger than 16 MiB; is this really a service catalogue?" out ||
    fail "catalog check: $(cat out)"

# A hex dump under the limit still decodes from standard input.
"$ctl" idcard decode - <"$src/tests/fixtures/frames/read-resident.hex" >out 2>&1 ||
    fail "a good frame on standard input: $(cat out)"
grep -qF '"frame_bytes": 1295' out || fail "a good frame: $(cat out)"
echo "huge_input: OK"
