#!/bin/sh
# Mutual TLS against the reference platform, with certificates made here by
# platform/make_certs.sh (openssl): the right CA, client certificate and
# pins upload; a wrong CA, an expired client certificate and a wrong pin
# each refuse to upload, and say why -- in `kioskctl platform check` and in
# the kiosk's device status ("platform" hardwareError with the reason in
# its detail, "平台连接故障" on the status bar).
# Usage: mtls_test.sh KIOSK KIOSKCTL SOURCE_DIR WORKDIR
set -u
kiosk=$1 ctl=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "mtls: FAIL: $*"; kill "$plat" 2>/dev/null; exit 1; }

sh "$src/platform/make_certs.sh" "$work/certs" >/dev/null 2>&1 || fail "make_certs.sh"
c=$work/certs
python3 "$src/platform/refplat.py" --port 0 --port-file "$work/port" --db "$work/plat.db" \
    --tls-cert "$c/server.pem" --tls-key "$c/server.key" --client-ca "$c/ca.pem" --quiet &
plat=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$work/port" ] || fail "the reference platform did not start"
port=$(cat "$work/port")

# conf NAME CA CERT KEY PINS: a kiosk.conf for one case
conf() {
    cat >"$work/$1.conf" <<CONF
[catalog]
path = $src/config/catalog.json
[paths]
assets_dir = $src/assets
[display]
width = 1080
height = 1920
fullscreen = no
renderer = software
[platform]
endpoint = https://127.0.0.1:$port
ca_file = $2
client_cert = $3
client_key = $4
pins = $5
timeout = 5
CONF
}
both_pins="$(cat "$c/server.pin");$(cat "$c/other-server.pin")"
conf good "$c/ca.pem" "$c/client.pem" "$c/client.key" "$both_pins"
conf wrong_ca "$c/other-ca.pem" "$c/client.pem" "$c/client.key" ""
conf expired "$c/ca.pem" "$c/client-expired.pem" "$c/client-expired.key" ""
conf wrong_pin "$c/ca.pem" "$c/client.pem" "$c/client.key" "$(cat "$c/other-server.pin")"

# the right certificates: check passes, probes upload
out=$("$ctl" platform check --config "$work/good.conf") || fail "check with good certificates: $out"
echo "$out"
"$ctl" queue probe 3 --config "$work/good.conf" --data-dir "$work/good" >/dev/null || fail "probe"
out=$("$ctl" queue flush --timeout 20 --config "$work/good.conf" --data-dir "$work/good") ||
    fail "flush with good certificates: $out"
[ "$(echo "$out" | grep -c ' accepted$')" -eq 3 ] || fail "flush: $out"

# case NAME LINE WHY: check fails on LINE saying WHY; flush uploads nothing;
# the kiosk reports platform hardwareError with WHY in the detail
case_() {
    name=$1 line=$2 why=$3
    out=$("$ctl" platform check --config "$work/$name.conf")
    rc=$?
    echo "--- $name"
    echo "$out"
    [ $rc -eq 1 ] || fail "$name: platform check exited $rc"
    echo "$out" | grep -E "^$line +FAIL .*$why" >/dev/null ||
        fail "$name: no '$line FAIL ... $why' line"
    "$ctl" queue probe 1 --config "$work/$name.conf" --data-dir "$work/$name" >/dev/null || fail "probe"
    out=$("$ctl" queue flush --timeout 3 --config "$work/$name.conf" --data-dir "$work/$name")
    [ $? -ne 0 ] || fail "$name: flush succeeded: $out"
    echo "$out" | grep -q "request failed: .*$why" || fail "$name: flush does not say why: $out"
    printf 'wait 10000\nstatus platform hardwareError 1 ~%s\nexpect 平台连接故障\nshot status\n' "$why" \
        >"$work/$name.kiosk"
    "$kiosk" --headless --config "$work/$name.conf" --script "$work/$name.kiosk" \
        --shots "$work/shots/$name" --data-dir "$work/$name" >"$work/$name.log" 2>&1 ||
        { cat "$work/$name.log"; fail "$name: the kiosk's status does not say '$why'"; }
}
case_ wrong_ca tls "certificate"
case_ expired "client certificate" "expired"
case_ wrong_pin pins "pin"

kill "$plat"
echo "mtls: ok"
