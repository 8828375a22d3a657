#!/bin/sh
# Installs what is missing, builds, and runs the kiosk in a window on the
# default config (config/kiosk.conf), the default catalogue and simulated
# devices, beside the reference platform (platform/refplat.py) on loopback
# with mutual TLS, so transactions upload and online services answer.
# What the kiosk and the platform write goes to build/var, never the
# source tree.
#   --offline   run without the platform: transactions wait in the outbox
# Other arguments go to the kiosk.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
offline=no
if [ "${1:-}" = "--offline" ]; then
    offline=yes
    shift
fi
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target kiosk kioskctl
var="$root/build/var"
mkdir -p "$var"
# the pinyin engine's one-time preparation, ahead of the first resident
"$root/build/kioskctl" ime prepare "$root/config/kiosk.conf" --data-dir "$var"

if [ "$offline" = yes ]; then
    exec "$root/build/kiosk" --windowed --config "$root/config/kiosk.conf" --data-dir "$var" "$@"
fi

# The reference platform: certificates made once (openssl), a free port,
# and this kiosk's rating key registered, so the QR code on a receipt opens
# the platform's rating page (kioskctl device pubkey makes the key as the
# kiosk's first start would).
plat="$var/platform"
mkdir -p "$plat"
sh "$root/platform/make_certs.sh" "$plat/certs" >/dev/null
"$root/build/kioskctl" device pubkey --config "$root/config/kiosk.conf" --data-dir "$var" |
    sed -n 's/^device_id: //p; s/^pubkey: //p' | paste -d ' ' - - >"$plat/device-keys"
rm -f "$plat/port"
python3 "$root/platform/refplat.py" --port 0 --port-file "$plat/port" --db "$plat/platform.db" \
    --tls-cert "$plat/certs/server.pem" --tls-key "$plat/certs/server.key" \
    --client-ca "$plat/certs/ca.pem" --device-keys "$plat/device-keys" 2>"$plat/platform.log" &
plat_pid=$!
trap 'kill "$plat_pid" 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -s "$plat/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$plat/port" ]; then
    echo "run-kiosk: the reference platform did not start; see $plat/platform.log" >&2
    exit 1
fi
port=$(cat "$plat/port")

# config/kiosk.conf with its paths made absolute and [platform] (its last
# section) filled in for the platform just started.
conf="$var/kiosk-demo.conf"
sed -e "s|^path = catalog.json|path = $root/config/catalog.json|" \
    -e "s|^data_dir = ../var|data_dir = $var|" \
    -e "s|^assets_dir = ../assets|assets_dir = $root/assets|" \
    "$root/config/kiosk.conf" >"$conf"
cat >>"$conf" <<EOF
# added by scripts/run-kiosk.sh for the reference platform on loopback
endpoint = https://127.0.0.1:$port
ca_file = $plat/certs/ca.pem
client_cert = $plat/certs/client.pem
client_key = $plat/certs/client.key
pins = $(cat "$plat/certs/server.pin");$(cat "$plat/certs/other-server.pin")
EOF
echo "run-kiosk: reference platform on https://127.0.0.1:$port (log $plat/platform.log);"
echo "run-kiosk: try: $root/build/kioskctl platform check --config $conf"
"$root/build/kiosk" --windowed --config "$conf" --data-dir "$var" "$@"
