# The reference platform for the shell tests, sourced:
#   . tests/support/refplat.sh
#   refplat_start SOURCE_DIR WORK_DIR [ARGS...]   # sets REFPLAT_PORT, REFPLAT_PID
#   refplat_config CONF OUT [KEY = VALUE lines]   # the e2e config with [platform]
#   refplat_reset                                 # as after a fresh start
#   refplat_stop
# Plain http on a free loopback port, its database in WORK_DIR/plat.db.
# refplat_start returns 1 when the platform did not come up within 10 s.

refplat_start() {
    _rp_src=$1 _rp_work=$2
    shift 2
    rm -f "$_rp_work/port"
    python3 "$_rp_src/platform/refplat.py" --port 0 --port-file "$_rp_work/port" \
        --db "$_rp_work/plat.db" --quiet "$@" &
    REFPLAT_PID=$!
    _rp_i=0
    while [ ! -s "$_rp_work/port" ] && [ $_rp_i -lt 100 ]; do
        sleep 0.1
        _rp_i=$((_rp_i + 1))
    done
    [ -s "$_rp_work/port" ] || return 1
    REFPLAT_PORT=$(cat "$_rp_work/port")
}

# CONF (an e2e config, whose paths are relative to tests/e2e) made usable
# from anywhere, with [platform] endpoint on the reference platform and
# the further [platform] lines given.
refplat_config() {
    _rp_conf=$1 _rp_out=$2
    shift 2
    sed -e "s|= \.\./\.\./|= $_rp_src/|" "$_rp_conf" >"$_rp_out"
    printf '\n[platform]\nendpoint = http://127.0.0.1:%s\n' "$REFPLAT_PORT" >>"$_rp_out"
    for _rp_line in "$@"; do
        printf '%s\n' "$_rp_line" >>"$_rp_out"
    done
}

# GET /_admin/PATH as JSON, then the Python expression EXPR over it (as s).
refplat_admin() {
    python3 -c "
import json, sys, urllib.request
s = json.load(urllib.request.urlopen('http://127.0.0.1:$REFPLAT_PORT/_admin/' + sys.argv[1]))
print($2)" "$1"
}

# POST /_admin/reset: records, tickets, bookings, counters and faults
# cleared, as after a fresh start.
refplat_reset() {
    python3 -c "
import urllib.request
urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$REFPLAT_PORT/_admin/reset', b'', method='POST'))"
}

refplat_stop() {
    [ -n "${REFPLAT_PID:-}" ] && kill "$REFPLAT_PID" 2>/dev/null && wait "$REFPLAT_PID" 2>/dev/null
    REFPLAT_PID=
}
