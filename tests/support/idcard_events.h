/*
 * idcard_events: the ID-card driver tests' stand-in for the kiosk's event
 * bridge. The reader thread posts into a bounded queue (copying the event
 * and taking the identity, as kiosk/app/idreader.c does); the test thread
 * waits for the next event with a deadline.
 *
 * Header-only with static functions: each test program is one file and
 * includes this once, after <cmocka.h>.
 */
#ifndef KIOSK_TEST_IDCARD_EVENTS_H
#define KIOSK_TEST_IDCARD_EVENTS_H

#include <pthread.h>
#include <time.h>

#include "idcard/idcard_reader.h"

#define EVENTS_CAP 64

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    idcard_event ev[EVENTS_CAP];
    size_t head, tail;
} events_q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {{0}}, 0, 0};

/* The idcard_post_fn: copy the event, take the identity, return at once. */
static void events_post(void *user, idcard_event *ev)
{
    (void)user;
    pthread_mutex_lock(&events_q.mu);
    if (events_q.tail - events_q.head < EVENTS_CAP)
        events_q.ev[events_q.tail++ % EVENTS_CAP] = *ev;
    else
        idcard_identity_wipe(ev->identity);
    pthread_cond_broadcast(&events_q.cv);
    pthread_mutex_unlock(&events_q.mu);
}

/* Drops every queued event, wiping the identities they carry. */
__attribute__((unused)) static void events_drain(void)
{
    pthread_mutex_lock(&events_q.mu);
    while (events_q.head < events_q.tail)
        idcard_identity_wipe(events_q.ev[events_q.head++ % EVENTS_CAP].identity);
    pthread_mutex_unlock(&events_q.mu);
}

__attribute__((unused)) static size_t events_pending(void)
{
    pthread_mutex_lock(&events_q.mu);
    size_t n = events_q.tail - events_q.head;
    pthread_mutex_unlock(&events_q.mu);
    return n;
}

/* The next event within timeout_ms; fails the test otherwise. */
static idcard_event events_next(int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&events_q.mu);
    while (events_q.head == events_q.tail)
        if (pthread_cond_timedwait(&events_q.cv, &events_q.mu, &ts) != 0)
            break;
    if (events_q.head == events_q.tail) {
        pthread_mutex_unlock(&events_q.mu);
        fail_msg("no event within %d ms", timeout_ms);
    }
    idcard_event ev = events_q.ev[events_q.head++ % EVENTS_CAP];
    pthread_mutex_unlock(&events_q.mu);
    return ev;
}

/* The next event, which must be of this type (the caller wipes its
 * identity). */
static idcard_event events_expect(idcard_event_type type, int timeout_ms)
{
    idcard_event ev = events_next(timeout_ms);
    if (ev.type != type) {
        idcard_identity_wipe(ev.identity);
        fail_msg("expected %s, got %s (%s)", idcard_event_name(type),
                 idcard_event_name(ev.type), idcard_result_name(ev.result));
    }
    return ev;
}

#endif
