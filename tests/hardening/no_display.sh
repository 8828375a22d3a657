#!/bin/sh
# The kiosk (not headless) with DISPLAY=:99 where no X server runs, and
# neither WAYLAND_DISPLAY nor SDL_VIDEODRIVER set: it must name the display
# it tried, what to check, and exit 3 (app/display.h) -- not "no display
# found (SDL video driver 'offscreen')" after SDL's stray Wayland line.
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/var"
fail() { echo "no_display: FAIL: $*"; exit 1; }
printf '[catalog]\npath = %s/config/catalog.json\n[paths]\ndata_dir = var\nassets_dir = %s/assets\n' \
    "$src" "$src" >"$work/kiosk.conf"
# An X server on :99 would make this test meaningless.
[ -e /tmp/.X11-unix/X99 ] && { echo "no_display: skipped, an X server runs on :99"; exit 77; }

env -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER DISPLAY=:99 \
    timeout 60 "$kiosk" --config "$work/kiosk.conf" >"$work/out" 2>&1
rc=$?
cat "$work/out"
[ $rc -eq 3 ] || fail "exit status $rc, want 3"
grep -qF "tried X11 display ':99' (DISPLAY)" "$work/out" || fail "does not name the display tried"
grep -qF "no X server answers there" "$work/out" || fail "does not say why"
grep -q "WAYLAND_DISPLAY" "$work/out" || fail "does not name WAYLAND_DISPLAY"
grep -q "XAUTHORITY" "$work/out" || fail "does not name XAUTHORITY"
grep -qF "SDL_VIDEODRIVER=kmsdrm" "$work/out" || fail "does not name the console-only setting"
grep -qF "exiting with status 3 (no display)" "$work/out" || fail "does not say the status"
grep -q "offscreen" "$work/out" && fail "still falls back to the offscreen driver"
grep -q "XDG_RUNTIME_DIR is invalid" "$work/out" && fail "SDL still probes Wayland"

# The same without DISPLAY either: the console (KMS/DRM) was tried.
env -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER -u DISPLAY \
    timeout 60 "$kiosk" --config "$work/kiosk.conf" >"$work/out" 2>&1
rc=$?
if [ $rc -eq 3 ]; then
    grep -qF "tried the console's KMS/DRM display" "$work/out" || fail "console: $(cat "$work/out")"
elif [ $rc -ne 0 ] && [ $rc -ne 124 ]; then
    fail "without DISPLAY: exit status $rc: $(cat "$work/out")"
fi # a machine with a usable DRM device really shows the kiosk: not a failure

# A config problem is still 1, not 3: systemd's journal tells them apart.
printf '[nosuch]\n' >>"$work/kiosk.conf"
env -u WAYLAND_DISPLAY DISPLAY=:99 "$kiosk" --config "$work/kiosk.conf" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] || fail "invalid config: exit status $rc, want 1"
grep -q '^RestartSec=' "$src/config/kiosk.service" || fail "kiosk.service has no RestartSec"
echo "no_display: OK"
