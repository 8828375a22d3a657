#!/bin/sh
# Outside files that are FIFOs: every reader refuses them at once, naming
# the file (common/textfile: textfile_open), instead of blocking in open()
# forever. `timeout 10` is only the watchdog for a command that used to
# hang; none of these should take more than a moment.
set -u
ctl=$1 kiosk=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/var" "$work/keys-var/keys"
fail() { echo "fifo: FAIL: $*"; exit 1; }
cd "$work" || exit 1
mkfifo fifo || { echo "fifo: skipped, mkfifo failed"; exit 77; }

# expect STATUS TEXT COMMAND...: exit status STATUS, TEXT in the output.
expect() {
    want=$1 text=$2
    shift 2
    timeout 10 "$@" >out 2>&1
    rc=$?
    [ $rc -ne 124 ] || fail "$*: still blocks (killed by the watchdog)"
    [ $rc -eq "$want" ] || fail "$*: exit status $rc, want $want: $(cat out)"
    grep -qF -- "$text" out || fail "$*: output lacks '$text': $(cat out)"
}

msg="fifo: cannot read: not a regular file (a FIFO, device or socket)"
expect 2 "$msg" "$ctl" catalog check fifo
expect 2 "$msg" "$ctl" config check fifo
expect 2 "$msg" "$kiosk" --check-config fifo
expect 2 "$msg" "$ctl" idcard decode fifo
expect 2 "$msg" "$ctl" catalog check "$src/config/catalog.json" --config fifo

# A config whose [catalog] path is a FIFO: said once, at the key, and the
# FIFO is never opened for reading.
printf '[catalog]\npath = fifo\n[paths]\ndata_dir = var\nassets_dir = %s/assets\n' "$src" >fifo.conf
for prog in "$ctl config check" "$kiosk --check-config"; do
    expect 1 "fifo.conf:2: [catalog] path: $work/fifo is not a regular file" $prog fifo.conf
    n=$(grep -c "not a regular file" out)
    [ "$n" -eq 1 ] || fail "$prog: the FIFO is reported $n times, want once: $(cat out)"
done
expect 1 "fifo.conf:2: [catalog] path: $work/fifo is not a regular file" "$kiosk" --config fifo.conf

# The kiosk's own key files, read at start: a FIFO in their place (a
# mistake, or someone else's doing) is refused with the file named.
rm -f keys-var/keys/rating.key
mkfifo keys-var/keys/rating.key
printf '[catalog]\npath = %s/config/catalog.json\n[paths]\ndata_dir = keys-var\nassets_dir = %s/assets\n' \
    "$src" "$src" >keys.conf
expect 1 "rating key $work/keys-var/keys/rating.key cannot read: not a regular file" \
    "$ctl" device pubkey --config keys.conf --data-dir "$work/keys-var"
echo "fifo: OK"
