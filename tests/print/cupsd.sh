# A private CUPS for the print tests, sourced by the test scripts:
#   . tests/print/cupsd.sh
#   cupsd_start SOURCE_DIR OUT_DIR [CONF]  # exports CUPS_SERVER, sets SINK_DIR;
#                                          # CONF: more cupsd.conf lines
#   ...
#   cupsd_kiosk_conf FILE SOURCE_DIR WORK   # a kiosk.conf head for the tests
#   cupsd_stop
#
# cupsd starts in milliseconds without systemd: `cupsd -f -c cupsd.conf -s
# cups-files.conf`, listening on a free loopback port only, with its own
# ServerRoot, RequestRoot (spool), CacheDir, StateDir, logs and printcap in
# a directory of its own, so it neither needs nor touches the machine's
# CUPS. CUPS_SERVER=127.0.0.1:PORT then points every libcups client at it
# (kioskctl and the kiosk as much as lpadmin and lpstat).
#
# Queues:
#   receipt, a4  raw, device socket://127.0.0.1:SINK: tests/print/sink.py
#                stands in for a network printer and keeps each job's bytes
#                as SINK_DIR/job-N.bin
#   paused       the same device, queue disabled (cupsdisable): CUPS keeps
#                its jobs pending forever
#   empty        device kiosktest:/media-empty, a test backend that says
#                "STATE: +media-empty-error" and exits 4 (CUPS_BACKEND_STOP:
#                the queue stops, the job waits), as a receipt printer out
#                of paper does
#   nowhere      socket:// to a port nothing listens on: the backend retries
#                for ever and the job never ends by itself
#
# Running as root (CI does): cupsd refuses to run filters and backends as
# root, so cups-files.conf names User lp / Group lp (Debian's), and every
# directory the backends read (ServerBin) lives in a mktemp directory made
# world-readable; cupsd itself makes the spool directory root:lp 0710. It
# runs backends from ServerBin only if they and their directory belong to
# root and are not writable by others, which a directory of our own
# satisfies; the system's backends and filters are linked in by name.
# Printcap must name a file (an empty value is refused in cups-files.conf):
# a private one. No FileDevice: no queue prints to a file: URI.
# As another user cupsd simply runs everything as that user.
#
# Job files: this cupsd keeps every job's document (RequestRoot/dNNNNN-001)
# and history (cNNNNN) after it printed, as a stock cupsd keeps documents
# for a day (PreserveJobFiles 86400) and history without limit. So a
# document that is gone from the spool was purged by whoever printed it:
# print.service checks that the printer service purges each of its jobs.
# (A kiosk's own cupsd keeps them for less: config/cups/cupsd-kiosk.conf,
# which print.cupsd_conf passes as CONF; its lines come last and win.)

cupsd_start() {
    _src=$1
    _out=$2
    _conf=${3:-}
    CUPS_ROOT=$(mktemp -d /tmp/kiosk-cupsd.XXXXXX) || return 1
    chmod 755 "$CUPS_ROOT"
    SINK_DIR=$_out/sink
    rm -rf "$SINK_DIR"
    mkdir -p "$SINK_DIR" "$CUPS_ROOT/conf" "$CUPS_ROOT/spool" "$CUPS_ROOT/cache" \
        "$CUPS_ROOT/state" "$CUPS_ROOT/log" "$CUPS_ROOT/bin/backend"
    chmod 755 "$CUPS_ROOT/conf" "$CUPS_ROOT/bin" "$CUPS_ROOT/bin/backend" "$CUPS_ROOT/log"
    for f in /usr/lib/cups/backend/*; do
        ln -s "$f" "$CUPS_ROOT/bin/backend/"
    done
    for d in filter daemon notifier monitor driver; do
        [ -d /usr/lib/cups/$d ] && ln -s /usr/lib/cups/$d "$CUPS_ROOT/bin/$d"
    done
    cat >"$CUPS_ROOT/bin/backend/kiosktest" <<'EOF'
#!/bin/sh
# Test backend: a printer that is out of paper. Without arguments CUPS asks
# for devices to list: none. With a job it reads the document, reports the
# reason the way a real backend does, and exits 4 (CUPS_BACKEND_STOP).
[ $# -eq 0 ] && exit 0
cat >/dev/null
echo "STATE: +media-empty-error" >&2
echo "ERROR: out of paper" >&2
exit 4
EOF
    chmod 755 "$CUPS_ROOT/bin/backend/kiosktest"

    CUPS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    DEAD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    {
        echo "ServerRoot $CUPS_ROOT/conf"
        echo "RequestRoot $CUPS_ROOT/spool"
        echo "CacheDir $CUPS_ROOT/cache"
        echo "StateDir $CUPS_ROOT/state"
        echo "ServerBin $CUPS_ROOT/bin"
        echo "ErrorLog $CUPS_ROOT/log/error_log"
        echo "AccessLog $CUPS_ROOT/log/access_log"
        echo "PageLog $CUPS_ROOT/log/page_log"
        echo "Printcap $CUPS_ROOT/state/printcap"
        if [ "$(id -u)" -eq 0 ]; then
            echo "User lp"
            echo "Group lp"
            echo "SystemGroup root"
        fi
    } >"$CUPS_ROOT/conf/cups-files.conf"
    # Loopback only, no browsing, no web interface, no authentication: a
    # throw-away server for one test run.
    cat >"$CUPS_ROOT/conf/cupsd.conf" <<EOF
Listen 127.0.0.1:$CUPS_PORT
LogLevel info
PreserveJobFiles Yes
PreserveJobHistory Yes
Browsing No
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
    if [ -n "$_conf" ]; then
        cat "$_conf" >>"$CUPS_ROOT/conf/cupsd.conf" || return 1
    fi
    cupsd -f -c "$CUPS_ROOT/conf/cupsd.conf" -s "$CUPS_ROOT/conf/cups-files.conf" \
        >"$CUPS_ROOT/log/stdout" 2>&1 &
    CUPSD_PID=$!
    CUPS_SERVER=127.0.0.1:$CUPS_PORT
    export CUPS_SERVER
    _i=0
    until lpstat -r >/dev/null 2>&1; do
        _i=$((_i + 1))
        if [ $_i -gt 100 ] || ! kill -0 "$CUPSD_PID" 2>/dev/null; then
            echo "cupsd did not start:" >&2
            cat "$CUPS_ROOT/log/stdout" "$CUPS_ROOT/log/error_log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.05
    done
    python3 "$_src/tests/print/sink.py" "$SINK_DIR" "$SINK_DIR/port" &
    SINK_PID=$!
    _i=0
    while [ ! -s "$SINK_DIR/port" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
    [ -s "$SINK_DIR/port" ] || { echo "the sink did not start" >&2; return 1; }
    SINK_PORT=$(cat "$SINK_DIR/port")
    lpadmin -p receipt -E -v "socket://127.0.0.1:$SINK_PORT" &&
        lpadmin -p a4 -E -v "socket://127.0.0.1:$SINK_PORT" &&
        lpadmin -p paused -E -v "socket://127.0.0.1:$SINK_PORT" &&
        cupsdisable paused &&
        lpadmin -p empty -E -v "kiosktest:/media-empty" &&
        lpadmin -p nowhere -E -v "socket://127.0.0.1:$DEAD_PORT" || {
        echo "lpadmin failed" >&2
        return 1
    }
}

# A kiosk.conf for the print tests at FILE: the source tree's catalogue
# and assets, data under WORK/var; the caller appends its [printer.NAME]s.
cupsd_kiosk_conf() {
    printf '[catalog]\npath = %s/config/catalog.json\n[paths]\nassets_dir = %s/assets\ndata_dir = %s/var\n' \
        "$2" "$2" "$3" >"$1"
}

# The job file the sink wrote for the n-th connection, waiting up to 10 s.
sink_job() {
    _i=0
    while [ ! -f "$SINK_DIR/job-$1.bin" ] && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
    echo "$SINK_DIR/job-$1.bin"
}

# Stops cupsd only (to test a kiosk whose CUPS is down).
cupsd_kill() {
    [ -n "${CUPSD_PID:-}" ] && kill "$CUPSD_PID" 2>/dev/null && wait "$CUPSD_PID" 2>/dev/null
    CUPSD_PID=
}

cupsd_log() {
    tail -n 30 "$CUPS_ROOT/log/error_log" >&2 2>/dev/null
}

cupsd_stop() {
    cupsd_kill
    [ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
    SINK_PID=
    [ -n "${CUPS_ROOT:-}" ] && rm -rf "$CUPS_ROOT"
    CUPS_ROOT=
}
