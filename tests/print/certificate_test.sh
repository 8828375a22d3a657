#!/bin/sh
# Certificates through a private cupsd (tests/print/cupsd.sh) to its A4
# queue; the checks are in certificate_test.c. Afterwards: no holder's name
# or ID number in CUPS's logs, and nothing of any job in CUPS's spool, which
# keeps every document here (tests/print/cupsd.sh): the printer service
# purged its own jobs, the test the one it printed itself (docs-print.md).
# Usage: certificate_test.sh CERTIFICATE_TEST SOURCE_DIR WORKDIR
set -u
bin=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
. "$src/tests/print/cupsd.sh"
fail() {
    echo "print.certificate: FAIL: $*"
    cupsd_log
    cupsd_stop
    exit 1
}
cupsd_start "$src" "$work" || fail "no private cupsd"
command -v zbarimg >/dev/null || fail "zbarimg missing (apt-get install zbar-tools)"
command -v pdftotext >/dev/null || fail "pdftotext missing (apt-get install poppler-utils)"
cupsd_kiosk_conf "$work/kiosk.conf" "$src" "$work"
cat >>"$work/kiosk.conf" <<EOF2
[printer.receipt]
destination = receipt
[printer.a4]
destination = a4
kind = a4
EOF2
"$bin" "$work/kiosk.conf" "$SINK_DIR" "$work" >"$work/out.txt" 2>&1
rc=$?
cat "$work/out.txt"
[ $rc -eq 0 ] || fail "certificate_test exited $rc"
for who in 张三 330106199003070014 安娜 933124198804150025; do
    grep -rq "$who" "$CUPS_ROOT/log" "$work/out.txt" && fail "personal data ($who) in a log"
done
left=$(ls "$CUPS_ROOT/spool" | grep -E '^[cd][0-9]' | tr '\n' ' ')
[ -z "$left" ] || fail "CUPS's spool still holds $left"
cupsd_stop
echo "print.certificate: ok"
