#!/bin/sh
# Installs what is missing, builds, and runs the kiosk in a window on the
# default config (config/kiosk.conf), the default catalogue and simulated
# devices. What the kiosk writes goes to build/var, never the source tree.
# Extra arguments go to the kiosk (e.g. --config FILE).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target kiosk kioskctl
# the pinyin engine's one-time preparation, ahead of the first resident
"$root/build/kioskctl" ime prepare "$root/config/kiosk.conf" --data-dir "$root/build/var"
exec "$root/build/kiosk" --windowed --config "$root/config/kiosk.conf" \
    --data-dir "$root/build/var" "$@"
