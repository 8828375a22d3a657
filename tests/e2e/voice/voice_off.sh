#!/bin/sh
# A kiosk that does not speak, on purpose or for want of an engine:
#  1. [voice] enabled = no: no speech at all (no WAV, no speech.tsv), no
#     声音 button, and the rest of the kiosk as usual;
#  2. [voice] engine names a program that is not there: the kiosk says so
#     once in its log, runs silent and does not offer the 声音 button;
#     `kiosk --check-config` warns at the engine's line and still exits 0.
# Usage: voice_off.sh KIOSK SOURCE_DIR WORKDIR
set -u
kiosk=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "voice_off: FAIL: $*"; exit 1; }
conf() {  # the portrait e2e config, paths made absolute, plus [voice] lines
    sed -e "s|= \.\./\.\./|= $src/|" "$src/tests/e2e/portrait.conf" >"$1"
    shift
    printf '\n[voice]\n' >>"$conf"
    for line in "$@"; do printf '%s\n' "$line" >>"$conf"; done
}
cat >"$work/off.kiosk" <<'SCRIPT'
expect 刷身份证登录
expect-not 声音
tap 搜索事项
type sbjf
expect 社会保险费缴纳
tap 帮助
expect 使用帮助
SCRIPT

for case in off missing; do
    conf="$work/$case.conf"
    if [ $case = off ]; then
        conf "$conf" "enabled = no"
    else
        conf "$conf" "engine = $work/no-such-dir/espeak-ng"
    fi
    mkdir -p "$work/$case/speech"
    "$kiosk" --headless --config "$conf" --script "$work/off.kiosk" --shots "$work/$case/shots" \
        --data-dir "$work/$case/data" --speech "$work/$case/speech" >"$work/$case.log" 2>&1 ||
        { tail -n 30 "$work/$case.log"; fail "$case: the script failed"; }
    [ -z "$(ls -A "$work/$case/speech")" ] || fail "$case: something was spoken: $(ls "$work/$case/speech")"
done
grep -q "speech engine '.*no-such-dir/espeak-ng' not found" "$work/missing.log" ||
    fail "missing: the log does not say the engine is missing"
[ "$(grep -c "not found" "$work/missing.log")" -eq 1 ] || fail "missing: said more than once"

out=$("$kiosk" --check-config "$work/missing.conf" --data-dir "$work/check" 2>&1)
rc=$?
echo "$out" | grep -q "missing.conf:[0-9]*: warning: \[voice\] engine = .*: not found (Debian package espeak-ng); the kiosk will run silent" ||
    { echo "$out"; fail "check-config: no warning at the engine's line"; }
[ $rc -eq 0 ] || { echo "$out"; fail "check-config: exit $rc for a warning"; }
echo "voice_off: OK"
