#!/bin/sh
# The receipt after a transaction, end to end, against a private cupsd
# (tests/print/cupsd.sh: a TCP sink standing in for the printer, and an
# "empty" queue whose backend is out of paper):
#  1. printed.kiosk on [printer.receipt] -> receipt: "请取走回执", and the
#     sink got ESC/POS that decodes (escpos_png) and whose QR code scans
#     (zbarimg) to the transaction number the kiosk kept;
#  2. paper_out.kiosk on [printer.receipt] -> empty: the receipt on screen
#     with the plain sentence, nothing at the sink; then `kioskctl receipt
#     reprint NUMBER` on the good queue: the sink got it and it scans.
# Afterwards nothing typed is in the kept receipts or the kiosk's log.
# Usage: receipt.sh KIOSK KIOSKCTL ESCPOS_PNG CONF SCRIPT_DIR SHOTS WORKDIR SOURCE_DIR
set -u
kiosk=$1 kioskctl=$2 escpos_png=$3 conf=$4 dir=$5 shots=$6 work=$7 src=$8
rm -rf "$work" "$shots"
mkdir -p "$work"
fail() { echo "receipt: FAIL: $*"; cupsd_log; cupsd_stop; exit 1; }
command -v zbarimg >/dev/null || { echo "receipt: FAIL: zbarimg missing (zbar-tools)"; exit 1; }
. "$src/tests/print/cupsd.sh"
cupsd_start "$src" "$work" || fail "no private cupsd"

# the e2e config, paths made absolute, with the receipt printer on QUEUE
config() {
    sed -e "s|= \.\./\.\./|= $src/|" "$conf" >"$work/$1.conf"
    printf '\n[printer.receipt]\ndestination = %s\nkind = receipt\ndeadline = 30\n' "$2" \
        >>"$work/$1.conf"
}
config good receipt
config empty empty
jobs() { ls "$SINK_DIR" 2>/dev/null | grep -c '^job-.*\.bin$'; }

# the newest job at the sink, decoded and scanned: its QR text
scan_last() {
    last=$(ls -t "$SINK_DIR"/job-*.bin | head -n 1)
    "$escpos_png" "$last" "$work/$1.png" >/dev/null || fail "$1: the printer's bytes do not decode"
    zbarimg --raw -q "$work/$1.png" 2>/dev/null
}
# sink.py writes a job once the connection closes: give it a moment
wait_jobs() {
    i=0
    while [ "$(jobs)" -lt "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ "$(jobs)" -ge "$1" ] || fail "$2: the sink holds $(jobs) job(s), expected $1"
}

# 1. printed
"$kiosk" --headless --config "$work/good.conf" --script "$dir/printed.kiosk" \
    --shots "$shots/printed" --data-dir "$work/data1" 2>"$work/kiosk1.log" ||
    { cat "$work/kiosk1.log"; fail "printed.kiosk failed"; }
wait_jobs 1 printed
no=$(ls "$work/data1/receipts" | sed -n 's/\.json$//p')
[ -n "$no" ] || fail "printed: no receipt kept under data_dir/receipts"
got=$(scan_last printed)
[ "$got" = "$no" ] || fail "printed: the QR code reads '$got', expected '$no'"
mode=$(stat -c %a "$work/data1/receipts/$no.json")
[ "$mode" = 600 ] || fail "printed: the kept receipt has mode $mode, not 600"

# 2. out of paper, then a reprint
"$kiosk" --headless --config "$work/empty.conf" --script "$dir/paper_out.kiosk" \
    --shots "$shots/paper_out" --data-dir "$work/data2" 2>"$work/kiosk2.log" ||
    { cat "$work/kiosk2.log"; fail "paper_out.kiosk failed"; }
[ "$(jobs)" -eq 1 ] || fail "paper_out: the sink got a job from the empty queue"
"$kioskctl" receipt list --config "$work/good.conf" --data-dir "$work/data2" >"$work/list" ||
    fail "receipt list failed"
no2=$(awk 'NR == 1 {print $1}' "$work/list")
case "$no2" in 20261122-*) ;; *) fail "receipt list: '$no2' is not a transaction number";; esac
"$kioskctl" receipt reprint "$no2" --config "$work/good.conf" --data-dir "$work/data2" \
    >"$work/reprint.out" 2>&1 || { cat "$work/reprint.out"; fail "receipt reprint failed"; }
grep -q "printed: job" "$work/reprint.out" || fail "reprint: $(cat "$work/reprint.out")"
wait_jobs 2 reprint
got=$(scan_last reprint)
[ "$got" = "$no2" ] || fail "reprint: the QR code reads '$got', expected '$no2'"
# a number nobody was given: told so, exit 1
if "$kioskctl" receipt reprint 20991231-000001-FFFF --config "$work/good.conf" \
    --data-dir "$work/data2" >"$work/none.out" 2>&1; then
    fail "reprint of an unknown number succeeded"
fi
grep -q "no receipt" "$work/none.out" || fail "unknown number: $(cat "$work/none.out")"

# nothing typed in clear: the phone and the request, on disk or in the log
for d in "$work/data1/receipts" "$work/data2/receipts" "$work/kiosk1.log" "$work/kiosk2.log"; do
    if grep -rq -e 13800138000 -e 社保卡 "$d"; then fail "personal data in clear in $d"; fi
done
cupsd_stop
echo "receipt: ok (printed $no; on screen then reprinted $no2)"
