/*
 * clock: the one source of time for every thread of the kiosk, the UI and
 * the device and service threads alike.
 *
 * Everything that reads the time (idle timeout, countdowns, the attract
 * loop, scrolling inertia, the status-bar clock, a reader's poll interval,
 * a transfer deadline, later retries, back-off and print deadlines) calls
 * clock_now_ms() or clock_wall(), never SDL_GetTicks(), time() or a private
 * clock_gettime(); and everything that waits for a deadline waits through
 * clock_cond_wait_until(). That is the seam the script harness turns: in a
 * headless scripted run the clock is virtual and only moves when the script
 * says `wait MS`, and clock_advance() then wakes every thread whose deadline
 * falls inside that span, in deadline order, waiting after each step until
 * every thread the clock knows (clock_thread_new) is idle again. A 90-second
 * idle timeout or a 250 ms reader poll takes microseconds of real time, and
 * screenshots always show the same time of day.
 *
 * Thread-safe throughout. Lock order: a caller's own mutex, then the clock's.
 */
#ifndef KIOSK_CLOCK_H
#define KIOSK_CLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds on a monotonic scale with an arbitrary origin (never 0). */
uint64_t clock_now_ms(void);

/* Local wall-clock time for display and records. */
time_t clock_wall(void);

/* Switches to virtual time starting at wall time `start` (0: a fixed
 * 2026-11-22 09:30 local). Only the script harness and tests call this,
 * before any thread waits on the clock. */
void clock_use_virtual(time_t start);

bool clock_is_virtual(void);

/* Moves virtual time forward by ms, stepping through every deadline that
 * falls inside (see above). Returns false when a known thread did not go
 * idle within a few seconds of real time (it is stuck in real I/O): time
 * still moves, and the caller may report it. Ignored on the real clock. */
bool clock_advance(uint64_t ms);

/* The earliest deadline any thread waits for (clock_now_ms scale), or 0
 * when none waits with a deadline. Lets the harness step to the next
 * moment something happens. */
uint64_t clock_next_deadline(void);

/* Waits (on the virtual clock) until every known thread is idle: waiting
 * on the clock with a deadline still ahead or for a signal only. Returns
 * false after a few seconds of real time when one is not. Immediate on the
 * real clock. */
bool clock_settle(void);

/* ---- waiting --------------------------------------------------------- */

/* No deadline: wait for a signal only. */
#define CLOCK_FOREVER UINT64_MAX

/* A condition variable that waits on the kiosk clock. Use it exactly like a
 * pthread condition: with the caller's mutex held, in a loop that re-checks
 * the caller's predicate. */
typedef struct clock_cond {
    pthread_cond_t cv;
} clock_cond;

void clock_cond_init(clock_cond *c);
void clock_cond_destroy(clock_cond *c);

/* Releases mu and waits until clock_cond_broadcast(c), the deadline
 * (clock_now_ms scale; CLOCK_FOREVER for none) or a spurious wake-up, then
 * takes mu again. Returns true when the deadline has passed. */
bool clock_cond_wait_until(clock_cond *c, pthread_mutex_t *mu, uint64_t deadline);

/* Wakes every waiter of c. Call it with the waiters' mutex held (after
 * changing their predicate), as with pthread_cond_broadcast. */
void clock_cond_broadcast(clock_cond *c);

/* Sleeps the calling thread until the deadline (no signal can end it). */
void clock_sleep_until(uint64_t deadline);

/* ---- threads the virtual clock waits for ------------------------------- */

/* A device or service thread registers so that clock_advance() and
 * clock_settle() know to wait for it: create the record BEFORE starting the
 * thread (so a harness step right after the start already waits for it),
 * bind it first thing on the new thread, and free it after joining. Until
 * it first waits on the clock the thread counts as busy. name is a static
 * string for messages. */
typedef struct clock_thread clock_thread;

clock_thread *clock_thread_new(const char *name);
void clock_thread_bind(clock_thread *t);    /* on the thread itself */
void clock_thread_exit(clock_thread *t);    /* on the thread, as it ends */
void clock_thread_free(clock_thread *t);    /* after pthread_join; NULL ok */

#endif
