/*
 * refplat_proc: the reference platform (platform/refplat.py) as a child
 * process on a free loopback port, for the tests and benchmarks that
 * upload to it, and the two little clocks they all need.
 */
#ifndef KIOSK_TEST_REFPLAT_PROC_H
#define KIOSK_TEST_REFPLAT_PROC_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct refplat_proc {
    pid_t pid;
    int port;
} refplat_proc;

/* Starts python3 SCRIPT --port 0 with its store and port file in dir
 * (waits up to 10 s for the port). False when it did not come up. */
bool refplat_start(refplat_proc *p, const char *script, const char *dir);

/* SIGTERM and reap. */
void refplat_stop(refplat_proc *p);

/* CLOCK_MONOTONIC seconds; a sleep that survives signals. */
double refplat_now_s(void);
void refplat_sleep_ms(long ms);

#endif
