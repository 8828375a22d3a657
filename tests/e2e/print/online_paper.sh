#!/bin/sh
# Paper after the online services, end to end: the reference platform and
# a private cupsd (tests/print/cupsd.sh, a TCP sink standing in for both
# printers).
#  1. online_printed.kiosk, [printer.receipt] -> receipt, [printer.a4] ->
#     a4: the ticket's and the booking's receipts reach the sink as ESC/POS
#     whose QR codes scan (zbarimg) to signed rating links for the numbers
#     the kiosk kept, which `kioskctl rating verify` accepts with this
#     kiosk's key (the ticket printed once, though shown twice); the
#     certificate reaches it as a PDF whose text (pdftotext) holds the
#     certificate and whose QR code (pdftoppm, zbarimg) is the platform's
#     verification link;
#  2. online_paper_out.kiosk, both printers on the "empty" queue (out of
#     paper): nothing reaches the sink, the receipt is on screen and kept
#     for a reprint.
# Afterwards the kiosk's logs, kept receipts and data hold none of the
# demo resident's name, ID number or the phone typed.
# Usage: online_paper.sh KIOSK KIOSKCTL ESCPOS_PNG CONF SCRIPT_DIR SHOTS WORKDIR SOURCE_DIR
set -u
kiosk=$1 kioskctl=$2 escpos_png=$3 conf=$4 dir=$5 shots=$6 work=$7 src=$8
rm -rf "$work" "$shots"
mkdir -p "$work"
fail() { echo "online_paper: FAIL: $*"; cupsd_log; cupsd_stop; refplat_stop; exit 1; }
for tool in zbarimg pdftotext pdftoppm; do
    command -v $tool >/dev/null || { echo "online_paper: FAIL: $tool missing"; exit 1; }
done
. "$src/tests/print/cupsd.sh"
. "$src/tests/support/refplat.sh"
cupsd_start "$src" "$work" || fail "no private cupsd"
refplat_start "$src" "$work" ||
    fail "the reference platform did not start"
printers() {
    printf '[printer.receipt]\ndestination = %s\nkind = receipt\ndeadline = 30\n' "$1"
    printf '[printer.a4]\ndestination = %s\nkind = a4\ndeadline = 30\n' "$2"
}
refplat_config "$conf" "$work/good.conf" "online_deadline = 5" "$(printers receipt a4)"
refplat_config "$conf" "$work/empty.conf" "online_deadline = 5" "$(printers empty empty)"
jobs() { ls "$SINK_DIR" 2>/dev/null | grep -c '^job-.*\.bin$'; }
wait_jobs() {
    i=0
    while [ "$(jobs)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    [ "$(jobs)" -ge "$1" ] || fail "$2: the sink holds $(jobs) job(s), expected $1"
}
endpoint="http://127.0.0.1:$REFPLAT_PORT"

# 1. printed
"$kiosk" --headless --config "$work/good.conf" --script "$dir/online_printed.kiosk" \
    --shots "$shots/printed" --data-dir "$work/data1" 2>"$work/kiosk1.log" ||
    { tail -n 40 "$work/kiosk1.log"; fail "online_printed.kiosk failed"; }
wait_jobs 4 printed
sleep 0.3
[ "$(jobs)" -eq 4 ] || fail "printed: $(jobs) jobs at the sink, expected 4 (a ticket, a booking, a certificate twice)"
kept=$(ls "$work/data1/receipts" | sed -n 's/\.json$//p' | sort)
ticket_no=$(echo "$kept" | grep -- '-A013$') || fail "printed: no ticket receipt kept ($kept)"
booking_no=$(echo "$kept" | grep '^YY') || fail "printed: no booking receipt kept ($kept)"
scans=""
for n in 1 2; do
    job=$(sink_job $n)
    "$escpos_png" "$job" "$work/job$n.png" >/dev/null || fail "job $n is not ESC/POS that decodes"
    scans="$scans$(zbarimg --raw -q "$work/job$n.png" 2>/dev/null)
"
done
for no in "$ticket_no" "$booking_no"; do
    url=$(echo "$scans" | grep -- "^$endpoint/rate?txn=$no&") ||
        fail "printed: no receipt scans to a rating link for $no (scanned: $scans)"
    "$kioskctl" rating verify "$url" --config "$work/good.conf" --data-dir "$work/data1" \
        >"$work/verify.out" 2>&1 || fail "printed: the link of $no does not verify: $(cat "$work/verify.out")"
    # a link for another transaction, with this one's signature, does not
    bad=$(echo "$url" | sed "s/txn=$no/txn=${no}9/")
    if "$kioskctl" rating verify "$bad" --config "$work/good.conf" --data-dir "$work/data1" \
        >"$work/verify.out" 2>&1; then fail "printed: a changed link verifies"; fi
done
pdf=$(sink_job 3)
head -c 5 "$pdf" | grep -q '%PDF-' || fail "printed: job 3 is not a PDF"
pdftotext "$pdf" "$work/cert.txt" || fail "pdftotext cannot read the certificate"
for want in 社会保险参保证明 SB330106-2026-004711 正常参保; do
    grep -q "$want" "$work/cert.txt" || fail "printed: the certificate lacks '$want'"
done
pdftoppm -r 150 -png -singlefile "$pdf" "$work/cert" || fail "pdftoppm failed"
url=$(zbarimg --raw -q "$work/cert.png" 2>/dev/null)
case "$url" in http*verify*) ;; *) fail "printed: the certificate's QR code reads '$url'";; esac

# 2. out of paper, on a platform as new (the same ticket number again)
refplat_reset || fail "cannot reset the reference platform"
"$kiosk" --headless --config "$work/empty.conf" --script "$dir/online_paper_out.kiosk" \
    --shots "$shots/paper_out" --data-dir "$work/data2" 2>"$work/kiosk2.log" ||
    { tail -n 40 "$work/kiosk2.log"; fail "online_paper_out.kiosk failed"; }
[ "$(jobs)" -eq 4 ] || fail "paper out: the sink got a job from the empty queue"
ls "$work/data2/receipts" | grep -q -- '-A013\.json$' ||
    fail "paper out: the ticket's receipt was not kept for a reprint"

# nothing personal in clear where the kiosk writes
values=$( (sed -n 's/^ *"\(name\|address\|id_number\)": *"\([^"]*\)".*/\2/p' \
    "$src/assets/demo-cards/resident.json"; echo 13800138000) | sort -u)
for f in "$work/kiosk1.log" "$work/kiosk2.log" $(find "$work/data1" "$work/data2" -type f); do
    echo "$values" | while IFS= read -r v; do
        [ -n "$v" ] || continue
        if grep -qF -- "$v" "$f"; then echo "'$f' holds personal data (${#v} bytes)"; exit 1; fi
    done || fail "personal data in what the kiosk wrote"
done
cupsd_stop
refplat_stop
echo "online_paper: ok (ticket $ticket_no, booking $booking_no, certificate printed; out of paper on screen)"
