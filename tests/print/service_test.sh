#!/bin/sh
# The printer service thread against a private cupsd (tests/print/cupsd.sh);
# the checks are in service_test.c.
# Usage: service_test.sh SERVICE_TEST SOURCE_DIR WORKDIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
. "$src/tests/print/cupsd.sh"
cupsd_start "$src" "$work" || { cupsd_stop; echo "print.service: FAIL: no private cupsd"; exit 1; }
cupsd_kiosk_conf "$work/kiosk.conf" "$src" "$work"
cat >>"$work/kiosk.conf" <<EOF2
[printer.receipt]
destination = receipt
[printer.paused]
destination = paused
[printer.empty]
destination = empty
[printer.nowhere]
destination = nowhere
deadline = 5
EOF2
"$bin" "$work/kiosk.conf" "$CUPSD_PID" "$SINK_DIR" "$CUPS_ROOT/spool"
rc=$?
[ $rc -eq 0 ] || cupsd_log
CUPSD_PID=    # the test stopped it
cupsd_stop
exit $rc
