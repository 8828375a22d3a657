#!/bin/bash
# bench_idle: CPU the real kiosk binary uses while nobody touches it.
#
#   bench_idle.sh KIOSK CONFIG [SECONDS [BENCH_UI]]
#
# Starts `KIOSK --config CONFIG --windowed`, lets it settle, then reads
# utime+stime (fields 14 and 15 of /proc/PID/stat) and the context-switch
# counters of every thread before and after SECONDS of idling. Runs:
#   1. SDL's dummy video driver (no display needed). The kiosk refuses that
#      driver outside --headless, and --headless only runs scripts on a
#      virtual clock, so this one is `BENCH_UI --idle SECONDS`: the kiosk's
#      own app_run, headless, on the real clock;
#   2. Xvfb with the x11 driver, when Xvfb is installed (package xvfb);
#   2b. the same with SDL_FRAMEBUFFER_ACCELERATION=0.
# Prints the figures; never fails on them (exit 0 unless it cannot run).
#
# The idle timers cannot interfere: the defaults are 90 s (idle) and 120 s
# (attract), far beyond the measuring window.

set -u

KIOSK=${1:?usage: bench_idle.sh KIOSK CONFIG [SECONDS [BENCH_UI]]}
CONFIG=${2:?usage: bench_idle.sh KIOSK CONFIG [SECONDS [BENCH_UI]]}
SECONDS_IDLE=${3:-10}
BENCH_UI=${4:-}
SETTLE=2            # start-up and the first frames are not idle
HZ=$(getconf CLK_TCK)

KIOSK_PID=
XVFB_PID=
cleanup() {
    # only the processes this script started, by their ids
    [ -n "$KIOSK_PID" ] && kill "$KIOSK_PID" 2>/dev/null && wait "$KIOSK_PID" 2>/dev/null
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    KIOSK_PID=
    XVFB_PID=
}
trap cleanup EXIT INT TERM

# utime+stime in clock ticks; fields counted after the ")" that ends the
# command name, which may itself contain spaces.
cpu_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    # $1 is field 3 (state), so utime (14) is $12 and stime (15) is $13
    echo $(( ${12} + ${13} ))
}

# "TID COMM TICKS VCSW" for every thread of PID
thread_table() {
    local t stat comm rest vcsw
    for t in /proc/"$1"/task/*; do
        stat=$(cat "$t/stat" 2>/dev/null) || continue
        comm=${stat#*(}; comm=${comm%)*}; comm=${comm// /_}
        rest=${stat##*) }
        # shellcheck disable=SC2086
        set -- $rest
        vcsw=$(awk '$1 == "voluntary_ctxt_switches:" { print $2 }' "$t/status" 2>/dev/null)
        echo "${t##*/} $comm $(( ${12} + ${13} )) ${vcsw:-0}"
    done
}

status_field() {   # status_field PID KEY -> number
    awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null
}

# measure LABEL PID [WATCH_PID]: CPU, wake-ups per thread and memory of PID
# over SECONDS_IDLE, and the CPU of WATCH_PID (Xvfb) over the same time.
measure() {
    local label=$1 pid=$2 watch_pid=${3:-}
    sleep "$SETTLE"
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "  $label: the kiosk exited during start-up (see its messages above)"
        return 1
    fi
    local c0 n0 x0 t0 c1 n1 x1 t1
    c0=$(cpu_ticks "$pid")
    n0=$(status_field "$pid" nonvoluntary_ctxt_switches)
    [ -n "$watch_pid" ] && x0=$(cpu_ticks "$watch_pid")
    local th0 th1
    th0=$(thread_table "$pid")
    t0=$(date +%s.%N)
    sleep "$SECONDS_IDLE"
    c1=$(cpu_ticks "$pid")
    n1=$(status_field "$pid" nonvoluntary_ctxt_switches)
    [ -n "$watch_pid" ] && x1=$(cpu_ticks "$watch_pid")
    th1=$(thread_table "$pid")
    t1=$(date +%s.%N)
    local hwm rss anon file shmem gl
    hwm=$(status_field "$pid" VmHWM); rss=$(status_field "$pid" VmRSS)
    anon=$(status_field "$pid" RssAnon); file=$(status_field "$pid" RssFile)
    shmem=$(status_field "$pid" RssShmem)
    # SDL may present a software frame through OpenGL (Mesa, LLVM): say so,
    # because it changes the memory figure several times over
    gl=no
    grep -qE 'libGL|swrast|libLLVM' "/proc/$pid/maps" 2>/dev/null && gl=yes
    awk -v l="$label" -v c="$((c1 - c0))" -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
        -v n="$((n1 - n0))" -v hwm="$hwm" -v rss="$rss" \
        -v anon="$anon" -v file="$file" -v shmem="$shmem" -v gl="$gl" 'BEGIN {
        dt = t1 - t0
        printf "  %-28s CPU %5.2f %% of one core (%d ticks of 1/%d s in %.1f s)\n", l ":",
               100 * c / hz / dt, c, hz, dt
        printf "  %-28s %.1f preemptions/s of the UI thread\n", "", n / dt
        printf "  %-28s VmRSS %.1f MB (anon %.1f, file %.1f, shmem %.1f), VmHWM %.1f MB\n",
               "", rss / 1024, anon / 1024, file / 1024, shmem / 1024, hwm / 1024
        printf "  %-28s OpenGL/Mesa libraries mapped: %s\n", "", gl
    }'
    # which thread it was: threads that never named themselves show the
    # program's name, the UI thread has the process id
    awk -v pid="$pid" -v hz="$HZ" -v t0="$t0" -v t1="$t1" '
        NR == FNR { c[$1] = $3; v[$1] = $4; next }
        { dt = t1 - t0; name = ($1 == pid) ? "UI (main)" : $2 " [" $1 "]"
          w = ($4 - v[$1]) / dt; total += w
          printf "  %-28s   thread %-24s CPU %5.2f %%  %6.1f wake-ups/s\n", "", name,
                 100 * ($3 - c[$1]) / hz / dt, w }
        END { printf "  %-28s   all threads: %.1f wake-ups/s (voluntary context switches)\n",
                     "", total }' \
        <(echo "$th0") <(echo "$th1")
    if [ -n "$watch_pid" ]; then
        awk -v c="$((x1 - x0))" -v hz="$HZ" -v t0="$t0" -v t1="$t1" 'BEGIN {
            printf "  %-28s Xvfb itself: CPU %.2f %% over the same interval\n", "",
                   100 * c / hz / (t1 - t0) }'
    fi
}

echo "bench_idle: $KIOSK --config $CONFIG --windowed, ${SECONDS_IDLE} s idle after ${SETTLE} s settling"
echo "  target: idle CPU 0 %"

# --- 1. dummy video driver ---------------------------------------------------
echo
echo "1. SDL dummy video driver, software renderer (headless)"
echo "   note: SDL's dummy driver has no blocking event wait, so"
echo "   SDL_WaitEventTimeout falls back to polling (pump events, sleep 1 ms,"
echo "   repeat) until the kiosk's next timer; most of the figure below is that"
echo "   polling loop, not the kiosk's own work. A real display driver blocks."
if [ -n "$BENCH_UI" ] && [ -x "$BENCH_UI" ]; then
    "$BENCH_UI" --idle "$SECONDS_IDLE"
else
    echo "   skipped: pass the bench_ui executable as the 4th argument"
fi

# --- 2. Xvfb + x11 ----------------------------------------------------------
echo
echo "2. Xvfb 1080x1920x24, x11 video driver, software renderer"
if ! command -v Xvfb >/dev/null 2>&1; then
    echo "   skipped: Xvfb is not installed (apt-get install xvfb)"
    exit 0
fi
# a display number nobody else on this shared machine is using
DISP=
for n in $(seq 99 140); do
    if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
        DISP=$n
        break
    fi
done
if [ -z "$DISP" ]; then
    echo "   skipped: no free X display number in 99..140"
    exit 0
fi
Xvfb ":$DISP" -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do
    [ -e "/tmp/.X11-unix/X$DISP" ] && break
    sleep 0.1
done
if [ ! -e "/tmp/.X11-unix/X$DISP" ]; then
    echo "   skipped: Xvfb :$DISP did not come up"
    exit 0
fi
DISPLAY=":$DISP" SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software \
    "$KIOSK" --config "$CONFIG" --windowed &
KIOSK_PID=$!
measure "x11 on Xvfb :$DISP" "$KIOSK_PID" "$XVFB_PID"
kill "$KIOSK_PID" 2>/dev/null && wait "$KIOSK_PID" 2>/dev/null
KIOSK_PID=

# SDL presents a software renderer's frames through an OpenGL texture on
# x11 unless told not to; the same run without that shows what it costs.
echo
echo "2b. as 2, with SDL_FRAMEBUFFER_ACCELERATION=0 (XShm instead of OpenGL)"
DISPLAY=":$DISP" SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
    "$KIOSK" --config "$CONFIG" --windowed &
KIOSK_PID=$!
measure "x11, no GL framebuffer" "$KIOSK_PID" "$XVFB_PID"
cleanup
exit 0
