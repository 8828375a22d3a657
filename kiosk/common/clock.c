/*
 * clock: see clock.h.
 *
 * Virtual time and lost wake-ups: a waiter registers its deadline under the
 * clock's lock, drops that lock, and then blocks on its own condition with
 * its own mutex. clock_advance() cannot take the waiter's mutex (it does not
 * know it), so a broadcast can fall between the two steps and be lost.
 * Rather than make every waiter poll, the side that moves time keeps
 * re-broadcasting to every waiter that is due until that waiter has woken
 * and left its entry; it has to wait for the threads to go idle anyway.
 */
#include "clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Virtual time does not start at 0: code that treats 0 as "never happened"
 * must keep working under the script harness. */
#define VIRTUAL_ORIGIN 1000000u

/* How long (real time) clock_settle waits for a thread stuck outside the
 * clock, e.g. in real USB I/O, before it gives up and says so. */
#define SETTLE_LIMIT_MS 5000

typedef struct wait_entry {
    pthread_cond_t *cv;
    uint64_t deadline;
    bool woken;                 /* clock_cond_broadcast reached it */
    clock_thread *owner;        /* NULL: a thread the clock does not track */
    struct wait_entry *prev, *next;
} wait_entry;

struct clock_thread {
    const char *name;
    bool waiting;               /* inside clock_cond_wait_until */
    bool exited;
    wait_entry *entry;          /* while waiting */
    clock_thread *next;
};

static atomic_bool virtual_mode;
static _Atomic uint64_t virtual_ms;
static time_t virtual_start;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_changed = PTHREAD_COND_INITIALIZER;
static wait_entry *g_waits;
static clock_thread *g_threads;
static _Thread_local clock_thread *tls_thread;

static uint64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct timespec monotonic_at(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    return ts;
}

uint64_t clock_now_ms(void)
{
    if (atomic_load(&virtual_mode))
        return atomic_load(&virtual_ms);
    return real_ms();
}

time_t clock_wall(void)
{
    if (atomic_load(&virtual_mode))
        return virtual_start + (time_t)((atomic_load(&virtual_ms) - VIRTUAL_ORIGIN) / 1000u);
    return time(NULL);
}

void clock_use_virtual(time_t start)
{
    if (start == 0) {
        struct tm tm = {0};
        tm.tm_year = 2026 - 1900;
        tm.tm_mon = 10;
        tm.tm_mday = 22;
        tm.tm_hour = 9;
        tm.tm_min = 30;
        tm.tm_isdst = -1;
        start = mktime(&tm);
    }
    pthread_mutex_lock(&g_mu);
    virtual_start = start;
    atomic_store(&virtual_ms, VIRTUAL_ORIGIN);
    atomic_store(&virtual_mode, true);
    pthread_mutex_unlock(&g_mu);
}

bool clock_is_virtual(void)
{
    return atomic_load(&virtual_mode);
}

/* ---- waiting ------------------------------------------------------------ */

void clock_cond_init(clock_cond *c)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
}

void clock_cond_destroy(clock_cond *c)
{
    pthread_cond_destroy(&c->cv);
}

static bool due(const wait_entry *e, uint64_t now)
{
    return e->deadline != CLOCK_FOREVER && e->deadline <= now;
}

bool clock_cond_wait_until(clock_cond *c, pthread_mutex_t *mu, uint64_t deadline)
{
    if (!atomic_load(&virtual_mode)) {
        if (deadline == CLOCK_FOREVER) {
            pthread_cond_wait(&c->cv, mu);
            return false;
        }
        struct timespec ts = monotonic_at(deadline);
        pthread_cond_timedwait(&c->cv, mu, &ts);
        return real_ms() >= deadline;
    }

    wait_entry e = {&c->cv, deadline, false, tls_thread, NULL, NULL};
    pthread_mutex_lock(&g_mu);
    if (due(&e, atomic_load(&virtual_ms))) {
        pthread_mutex_unlock(&g_mu);
        return true;
    }
    e.next = g_waits;
    if (g_waits)
        g_waits->prev = &e;
    g_waits = &e;
    if (e.owner) {
        e.owner->waiting = true;
        e.owner->entry = &e;
        pthread_cond_broadcast(&g_changed);
    }
    pthread_mutex_unlock(&g_mu);

    pthread_cond_wait(&c->cv, mu);

    pthread_mutex_lock(&g_mu);
    if (e.prev)
        e.prev->next = e.next;
    else
        g_waits = e.next;
    if (e.next)
        e.next->prev = e.prev;
    if (e.owner) {
        e.owner->waiting = false;
        e.owner->entry = NULL;
    }
    bool passed = due(&e, atomic_load(&virtual_ms));
    pthread_mutex_unlock(&g_mu);
    return passed;
}

void clock_cond_broadcast(clock_cond *c)
{
    if (atomic_load(&virtual_mode)) {
        /* Mark the waiters busy before they run, so a settle that starts
         * right now waits for them instead of calling the kiosk idle. */
        pthread_mutex_lock(&g_mu);
        for (wait_entry *e = g_waits; e; e = e->next)
            if (e->cv == &c->cv)
                e->woken = true;
        pthread_mutex_unlock(&g_mu);
    }
    pthread_cond_broadcast(&c->cv);
}

void clock_sleep_until(uint64_t deadline)
{
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    clock_cond c;
    clock_cond_init(&c);
    pthread_mutex_lock(&mu);
    while (!clock_cond_wait_until(&c, &mu, deadline))
        ;
    pthread_mutex_unlock(&mu);
    clock_cond_destroy(&c);
}

/* ---- threads --------------------------------------------------------------- */

clock_thread *clock_thread_new(const char *name)
{
    clock_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->name = name;
    pthread_mutex_lock(&g_mu);
    t->next = g_threads;
    g_threads = t;
    pthread_mutex_unlock(&g_mu);
    return t;
}

void clock_thread_bind(clock_thread *t)
{
    tls_thread = t;
}

void clock_thread_exit(clock_thread *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&g_mu);
    t->exited = true;
    pthread_cond_broadcast(&g_changed);
    pthread_mutex_unlock(&g_mu);
    tls_thread = NULL;
}

void clock_thread_free(clock_thread *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&g_mu);
    for (clock_thread **p = &g_threads; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    pthread_mutex_unlock(&g_mu);
    free(t);
}

/* ---- moving virtual time ----------------------------------------------------- */

/* Caller holds g_mu. The first thread that is not idle, or NULL. */
static clock_thread *busy_thread(uint64_t now)
{
    for (clock_thread *t = g_threads; t; t = t->next) {
        if (t->exited)
            continue;
        if (!t->waiting || t->entry->woken || due(t->entry, now))
            return t;
    }
    return NULL;
}

/* Caller holds g_mu. */
static bool settle_locked(void)
{
    uint64_t limit = real_ms() + SETTLE_LIMIT_MS;
    clock_thread *t;
    while ((t = busy_thread(atomic_load(&virtual_ms))) != NULL) {
        uint64_t now = atomic_load(&virtual_ms);
        for (wait_entry *e = g_waits; e; e = e->next)
            if (e->woken || due(e, now))
                pthread_cond_broadcast(e->cv);
        uint64_t r = real_ms();
        if (r >= limit) {
            fprintf(stderr, "clock: thread '%s' did not go idle within %d ms of real "
                            "time; virtual time moves on without it\n",
                    t->name, SETTLE_LIMIT_MS);
            return false;
        }
        /* g_changed is a plain (CLOCK_REALTIME) condition: a short relative
         * wait is all that is needed, and a wake-up comes with every state
         * change anyway. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g_changed, &g_mu, &ts);
    }
    return true;
}

bool clock_settle(void)
{
    if (!atomic_load(&virtual_mode))
        return true;
    pthread_mutex_lock(&g_mu);
    bool ok = settle_locked();
    pthread_mutex_unlock(&g_mu);
    return ok;
}

uint64_t clock_next_deadline(void)
{
    pthread_mutex_lock(&g_mu);
    uint64_t best = 0;
    for (wait_entry *e = g_waits; e; e = e->next)
        if (e->deadline != CLOCK_FOREVER && (!best || e->deadline < best))
            best = e->deadline;
    pthread_mutex_unlock(&g_mu);
    return best;
}

bool clock_advance(uint64_t ms)
{
    if (!atomic_load(&virtual_mode))
        return true;
    pthread_mutex_lock(&g_mu);
    uint64_t target = atomic_load(&virtual_ms) + ms;
    bool ok = settle_locked();
    for (;;) {
        /* the earliest deadline inside the span: wake its thread there, so
         * every thread sees the same sequence of moments as in real time */
        uint64_t now = atomic_load(&virtual_ms), next = 0;
        for (wait_entry *e = g_waits; e; e = e->next)
            if (e->deadline != CLOCK_FOREVER && e->deadline > now && e->deadline <= target &&
                (!next || e->deadline < next))
                next = e->deadline;
        if (!next)
            break;
        atomic_store(&virtual_ms, next);
        ok &= settle_locked();
    }
    atomic_store(&virtual_ms, target);
    ok &= settle_locked();
    pthread_mutex_unlock(&g_mu);
    return ok;
}
