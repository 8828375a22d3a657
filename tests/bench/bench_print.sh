#!/bin/sh
# bench_print against a private cupsd, started as the print tests start
# theirs (tests/print/cupsd.sh): queue receipt and queue a4, both raw, both
# printing to the TCP sink. Figures only; exits non-zero only when the
# benchmark could not run.
# Usage: bench_print.sh BENCH_PRINT SOURCE_DIR WORKDIR [JOBS]
set -u
bin=$1 src=$2 work=$3 jobs=${4:-}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
. "$src/tests/print/cupsd.sh"
cupsd_start "$src" "$work" || { cupsd_stop; echo "bench_print: no private cupsd"; exit 1; }
cupsd_kiosk_conf "$work/kiosk.conf" "$src" "$work"
cat >>"$work/kiosk.conf" <<EOF2
[printer.receipt]
destination = receipt
[printer.a4]
destination = a4
kind = a4
EOF2
"$bin" "$work/kiosk.conf" "$CUPS_ROOT/spool" $jobs
rc=$?
[ $rc -eq 0 ] || cupsd_log
cupsd_stop
exit $rc
