#!/bin/sh
# The production note config/cups/cupsd-kiosk.conf on a private cupsd
# (tests/print/cupsd.sh): cupsd takes every line of it; a job printed past
# the printer service (kioskctl print-test, which does not purge) is still
# seen completed, as print_job looks for it -- the history outlives that
# look -- and yet its document has left the spool.
# Usage: cupsd_conf_test.sh KIOSKCTL SOURCE_DIR WORKDIR
set -u
ctl=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
. "$src/tests/print/cupsd.sh"
fail() {
    echo "print.cupsd_conf: FAIL: $*"
    cupsd_log
    cupsd_stop
    exit 1
}
cupsd_start "$src" "$work" "$src/config/cups/cupsd-kiosk.conf" || fail "no private cupsd"
if grep -i "directive" "$CUPS_ROOT/log/error_log"; then
    fail "cupsd refused a line of config/cups/cupsd-kiosk.conf"
fi
cupsd_kiosk_conf "$work/kiosk.conf" "$src" "$work"
cat >>"$work/kiosk.conf" <<EOF
[printer.receipt]
destination = receipt
EOF
out=$("$ctl" print-test --printer receipt --config "$work/kiosk.conf" 2>&1) ||
    fail "print-test: $out"
echo "$out" | grep -q "printed: job receipt-1 completed" || fail "print-test: $out"
lpstat -W completed -o receipt | grep -q "^receipt-1 " ||
    fail "cupsd forgot job receipt-1 at once: PreserveJobHistory too short for print_job"
left=$(ls "$CUPS_ROOT/spool" | grep -E '^d[0-9]' | tr '\n' ' ')
[ -z "$left" ] || fail "the spool still holds $left"
cupsd_stop
echo "print.cupsd_conf: ok (job completed as the kiosk sees it, its document gone)"
