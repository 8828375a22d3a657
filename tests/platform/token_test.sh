#!/bin/sh
# The bearer token from [platform] token_file: the right one uploads; a
# wrong one is refused (401) and `kioskctl platform check` says so; a
# token file that cannot be read stops the client with a clear message.
# Usage: token_test.sh KIOSKCTL SOURCE_DIR WORKDIR
set -u
ctl=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "token: FAIL: $*"; kill "$plat" 2>/dev/null; exit 1; }
echo "s3cret-token-for-tests" >"$work/platform.token"
python3 "$src/platform/refplat.py" --port 0 --port-file "$work/port" --db "$work/plat.db" \
    --token-file "$work/platform.token" --quiet &
plat=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$work/port" ] || fail "the reference platform did not start"
conf() {
    printf '[catalog]\npath = %s/config/catalog.json\n[paths]\nassets_dir = %s/assets\n[platform]\nendpoint = http://127.0.0.1:%s\ntoken_file = %s\ntimeout = 5\n' \
        "$src" "$src" "$(cat "$work/port")" "$2" >"$work/$1.conf"
}
printf '  s3cret-token-for-tests  \n' >"$work/good.token"
echo "wrong-token" >"$work/wrong.token"
conf good "$work/good.token"
conf wrong "$work/wrong.token"

out=$("$ctl" platform check --config "$work/good.conf") || fail "check: $out"
echo "$out" | grep -Eq "^token +ok +accepted" || fail "check does not say the token was accepted: $out"
"$ctl" queue probe 2 --config "$work/good.conf" --data-dir "$work/good" >/dev/null || fail "probe"
out=$("$ctl" queue flush --timeout 10 --config "$work/good.conf" --data-dir "$work/good") ||
    fail "flush with the right token: $out"

out=$("$ctl" platform check --config "$work/wrong.conf")
[ $? -eq 1 ] || fail "check with a wrong token passed: $out"
echo "$out" | grep -Eq "^token +FAIL +HTTP 401" || fail "check does not name the token: $out"
"$ctl" queue probe 1 --config "$work/wrong.conf" --data-dir "$work/wrong" >/dev/null || fail "probe"
out=$("$ctl" queue flush --timeout 2 --config "$work/wrong.conf" --data-dir "$work/wrong")
[ $? -ne 0 ] || fail "flush with a wrong token succeeded"
echo "$out" | grep -q "request failed: HTTP 401" || fail "flush does not say 401: $out"

rm "$work/wrong.token"
out=$("$ctl" config check "$work/wrong.conf" 2>&1)
[ $? -ne 0 ] || fail "config check passes with a missing token file"
echo "$out" | grep -q "token_file" || fail "config check does not name token_file: $out"
kill "$plat"
echo "token: ok"
