#!/bin/sh
# `kioskctl voice test`, as a technician checks the speech path:
#  - with --wav: each configured language spoken into FILE-LANG.wav through
#    the real engine, exit 0, files valid and of a plausible length;
#  - --lang of a language not configured, and [voice] enabled = no: exit 1
#    with the reason.
# Usage: kioskctl_voice.sh KIOSKCTL SOURCE_DIR WORKDIR
set -u
kioskctl=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "kioskctl_voice: FAIL: $*"; exit 1; }
conf="$src/tests/e2e/portrait.conf"

out=$("$kioskctl" voice test --wav "$work/t.wav" --config "$conf" 2>&1) ||
    { echo "$out"; fail "voice test --wav exited $?"; }
echo "$out"
for lang in zh en; do
    echo "$out" | grep -q "^  $lang (.*): [0-9]* characters, [0-9.]* s of sound, .*: OK$" ||
        fail "no OK line for $lang"
    python3 - "$work/t-$lang.wav" <<'PY' || fail "t-$lang.wav"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:4] == b"RIFF" and data[8:16] == b"WAVEfmt ", "not a WAV file"
rate = struct.unpack("<I", data[24:28])[0]
size = struct.unpack("<I", data[40:44])[0]
assert 44 + size == len(data), "sizes disagree"
secs = size / 2 / rate
assert 1.0 < secs < 60, "%.1f s of sound" % secs
PY
done

out=$("$kioskctl" voice test --lang fr --wav "$work/fr.wav" --config "$conf" 2>&1)
[ $? -eq 1 ] || { echo "$out"; fail "--lang fr: not exit 1"; }
echo "$out" | grep -q "fr is not one of \[ui\] languages" || { echo "$out"; fail "--lang fr: no reason"; }

sed -e "s|= \.\./\.\./|= $src/|" "$conf" >"$work/off.conf"
printf '\n[voice]\nenabled = no\n' >>"$work/off.conf"
out=$("$kioskctl" voice test --wav "$work/off.wav" --config "$work/off.conf" 2>&1)
[ $? -eq 1 ] || { echo "$out"; fail "enabled = no: not exit 1"; }
echo "$out" | grep -q "switched off" || { echo "$out"; fail "enabled = no: no reason"; }
echo "kioskctl_voice: OK"
