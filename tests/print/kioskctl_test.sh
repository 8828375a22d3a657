#!/bin/sh
# kioskctl print-test and printer status against a real, private cupsd
# (tests/print/cupsd.sh):
#   - a test receipt reaches the printer (a TCP sink) as ESC/POS that the
#     strict test decoder reads, and its QR code scans as exactly the text
#     print-test announced; the same for the A4 page, sent as PDF (the
#     certificate layout with test data, whose text pdftotext reads);
#   - a paused queue: exit 1 at once (well within the deadline) saying the
#     printer is stopped, and the job is cancelled, not left to print later;
#   - a printer out of paper (a backend saying media-empty-error): its
#     reason is reported;
#   - a job that never ends (the device does not answer): exit 1 after the
#     printer's deadline, the job cancelled;
#   - printer status lists every printer's state;
#   - cupsd stopped: a clear error at once.
# Usage: kioskctl_test.sh KIOSKCTL ESCPOS_PNG SOURCE_DIR WORKDIR
set -u
ctl=$1 topng=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
. "$src/tests/print/cupsd.sh"
fail() {
    echo "print.kioskctl: FAIL: $*"
    cupsd_log
    cupsd_stop
    exit 1
}
cupsd_start "$src" "$work" || fail "no private cupsd"
command -v zbarimg >/dev/null || fail "zbarimg missing (apt-get install zbar-tools)"
command -v pdftoppm >/dev/null || fail "pdftoppm missing (apt-get install poppler-utils)"

conf() {
    cupsd_kiosk_conf "$work/$1.conf" "$src" "$work"
    printf '%s\n' "$2" >>"$work/$1.conf"
}
conf main "[printer.receipt]
destination = receipt
[printer.a4]
destination = a4
kind = a4
dpi = 150
[printer.paused]
destination = paused
deadline = 20
[printer.empty]
destination = empty"
conf slow "[printer.nowhere]
destination = nowhere
deadline = 5"

# 1. the test receipt, decoded and scanned as printed
out=$("$ctl" print-test --printer receipt --config "$work/main.conf" 2>&1) ||
    fail "print-test receipt: $out"
echo "$out"
qr=$(echo "$out" | sed -n 's/^receipt: qr //p')
[ -n "$qr" ] || fail "print-test did not say its QR text: $out"
echo "$out" | grep -q "^receipt: printed: job receipt-[0-9]* completed" || fail "no 'printed': $out"
echo "$out" | grep -q "^receipt: printer online" || fail "no printer state: $out"
job=$(sink_job 1)
[ -f "$job" ] || fail "the printer received nothing"
"$topng" "$job" "$work/receipt.png" || fail "the bytes the printer got do not decode"
got=$(zbarimg --raw -q "$work/receipt.png" 2>/dev/null)
[ "$got" = "$qr" ] || fail "receipt QR reads '$got', expected '$qr'"

# 2. the A4 page, as PDF, rendered back and scanned
out=$("$ctl" print-test --printer a4 --config "$work/main.conf" 2>&1) || fail "print-test a4: $out"
echo "$out"
qr=$(echo "$out" | sed -n 's/^a4: qr //p')
job=$(sink_job 2)
[ -f "$job" ] || fail "the A4 printer received nothing"
head -c 8 "$job" | grep -q "^%PDF-1\.[4-7]" || fail "the A4 job is not a PDF"
# the certificate layout with test data: real text, the specimen masked
text=$(pdftotext -enc UTF-8 "$job" - 2>&1) || fail "pdftotext cannot read the A4 job"
echo "$text" | grep -q "打印机测试页" || fail "no test page title in the A4 job: $text"
echo "$text" | grep -q "0000\*\*\*\*\*\*\*\*\*\*0000" || fail "the specimen is not masked: $text"
pdftoppm -r 100 -png "$job" "$work/a4" || fail "pdftoppm cannot read the A4 job"
got=$(zbarimg --raw -q "$work"/a4*.png 2>/dev/null)
[ "$got" = "$qr" ] || fail "A4 QR reads '$got', expected '$qr'"

# 3. a paused queue: refused at once with the reason; the job cancelled
start=$(date +%s)
out=$("$ctl" print-test --printer paused --config "$work/main.conf" 2>&1)
rc=$?
took=$(($(date +%s) - start))
echo "$out"
[ $rc -eq 1 ] || fail "print-test on a paused queue exited $rc"
[ $took -lt 20 ] || fail "print-test on a paused queue took $took s (deadline 20 s)"
echo "$out" | grep -q "^paused: FAILED after .*Printer stopped (status.printer_stopped)" ||
    fail "no reason for the paused queue: $out"
id=$(echo "$out" | sed -n 's/^paused: job paused-\([0-9]*\),.*/\1/p')
[ -n "$id" ] || fail "no job id: $out"
echo "$out" | grep -q "job paused-$id cancelled" || fail "the job was not cancelled: $out"
lpstat -W not-completed -o paused | grep -q "^paused-$id " && fail "job paused-$id still queued"
lpstat -W completed -o paused | grep -q "^paused-$id " || fail "job paused-$id unknown to CUPS"

# 4. out of paper: the backend's media-empty-error is the reason
out=$("$ctl" print-test --printer empty --config "$work/main.conf" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 1 ] || fail "print-test out of paper exited $rc"
echo "$out" | grep -q "FAILED after .*Printer out of paper (status.printer_paper_out)" ||
    fail "media-empty not reported: $out"
echo "$out" | grep -q "media-empty-error" || fail "the CUPS reason is not shown: $out"

# 5. a job that never ends: given up at the deadline (5 s) and cancelled
start=$(date +%s)
out=$("$ctl" print-test --config "$work/slow.conf" 2>&1)
rc=$?
took=$(($(date +%s) - start))
echo "$out"
[ $rc -eq 1 ] || fail "print-test on an unreachable printer exited $rc"
[ $took -ge 5 ] && [ $took -lt 15 ] || fail "gave up after $took s, deadline 5 s"
echo "$out" | grep -q "still .* at its deadline" || fail "not the deadline: $out"
echo "$out" | grep -q "cancelled" || fail "not cancelled: $out"

# 6. a CUPS queue outside the config, and one that does not exist
out=$("$ctl" print-test --printer receipt --kind receipt --config "$src/config/kiosk.conf" 2>&1) ||
    fail "print-test on a plain CUPS queue: $out"
out=$("$ctl" print-test --printer no-such-queue --config "$work/main.conf" 2>&1)
[ $? -eq 1 ] || fail "print-test on a missing queue passed"
echo "$out" | grep -q "status.printer_missing" || fail "missing queue not named: $out"

# 7. printer status
out=$("$ctl" printer status --config "$work/main.conf" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 1 ] || fail "printer status exited $rc with printers in error"
echo "$out" | grep -Eq "^receipt +receipt +receipt +online " || fail "status receipt: $out"
echo "$out" | grep -Eq "^a4 +a4 +a4 +online " || fail "status a4: $out"
echo "$out" | grep -Eq "^paused +paused +receipt +hardwareError +Printer stopped" ||
    fail "status paused: $out"
echo "$out" | grep -Eq "^empty +empty +receipt +hardwareError +Printer out of paper" ||
    fail "status empty: $out"

# 8. cupsd down: a clear error at once, for every printer
cupsd_kill
start=$(date +%s)
out=$("$ctl" print-test --config "$work/main.conf" 2>&1)
rc=$?
took=$(($(date +%s) - start))
echo "$out"
[ $rc -eq 1 ] || fail "print-test without cupsd exited $rc"
[ $took -lt 5 ] || fail "print-test without cupsd took $took s"
[ "$(echo "$out" | grep -c "FAILED: cannot reach CUPS at 127.0.0.1:[0-9]*: is cupsd running")" -eq 4 ] ||
    fail "not one clear line per printer: $out"
out=$("$ctl" printer status --config "$work/main.conf" 2>&1)
echo "$out"
[ "$(echo "$out" | grep -c "hardwareError *Print service not running")" -eq 4 ] ||
    fail "printer status without cupsd: $out"

cupsd_stop
echo "print.kioskctl: ok"
