/*
 * The clock seam: on virtual time, clock_advance wakes every thread whose
 * deadline falls inside the span, in deadline order, at its deadline, and
 * returns only when the threads it knows are idle again; a broadcast wakes
 * a waiter at once; and on real time the same calls wait for real.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"

/* A worker that wakes every `period` ms of kiosk time and records when. */
typedef struct worker {
    clock_thread *clk;
    pthread_t th;
    pthread_mutex_t mu;
    clock_cond cv;
    uint64_t period;
    bool stop, kicked;
    uint64_t woke_at[64];
    int n;
    int kicks;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    clock_thread_bind(w->clk);
    pthread_mutex_lock(&w->mu);
    uint64_t next = clock_now_ms() + w->period;
    while (!w->stop) {
        if (w->kicked) {
            w->kicked = false;
            w->kicks++;
        }
        if (clock_cond_wait_until(&w->cv, &w->mu, next)) {
            if (w->n < 64)
                w->woke_at[w->n++] = clock_now_ms();
            next += w->period;
        }
    }
    pthread_mutex_unlock(&w->mu);
    clock_thread_exit(w->clk);
    return NULL;
}

static void worker_start(worker *w, uint64_t period)
{
    memset(w, 0, sizeof *w);
    w->period = period;
    pthread_mutex_init(&w->mu, NULL);
    clock_cond_init(&w->cv);
    w->clk = clock_thread_new("test-worker");
    pthread_create(&w->th, NULL, worker_main, w);
}

static void worker_stop(worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    clock_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    clock_thread_free(w->clk);
    clock_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
}

static void test_virtual_advance_steps_through_deadlines(void **state)
{
    (void)state;
    clock_use_virtual(0);
    uint64_t t0 = clock_now_ms();
    assert_true(t0 > 0);
    time_t wall0 = clock_wall();
    worker a, b;
    worker_start(&a, 250);
    worker_start(&b, 400);
    assert_true(clock_settle());    /* both started and asleep */
    assert_int_equal(clock_next_deadline(), t0 + 250);
    assert_true(clock_advance(1000));
    assert_int_equal(clock_now_ms(), t0 + 1000);
    assert_int_equal(clock_wall(), wall0 + 1);
    /* each woke at exactly its deadlines, none past the span */
    pthread_mutex_lock(&a.mu);
    assert_int_equal(a.n, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(a.woke_at[i], t0 + 250u * (unsigned)(i + 1));
    pthread_mutex_unlock(&a.mu);
    pthread_mutex_lock(&b.mu);
    assert_int_equal(b.n, 2);
    assert_int_equal(b.woke_at[0], t0 + 400);
    assert_int_equal(b.woke_at[1], t0 + 800);
    pthread_mutex_unlock(&b.mu);
    /* nothing moves without advance */
    assert_true(clock_settle());
    pthread_mutex_lock(&a.mu);
    assert_int_equal(a.n, 4);
    pthread_mutex_unlock(&a.mu);
    worker_stop(&a);
    worker_stop(&b);
}

static void test_broadcast_wakes_and_settle_waits(void **state)
{
    (void)state;
    clock_use_virtual(0);
    worker w;
    worker_start(&w, 60000);
    assert_true(clock_settle());
    for (int i = 0; i < 20; i++) {
        pthread_mutex_lock(&w.mu);
        w.kicked = true;
        clock_cond_broadcast(&w.cv);
        pthread_mutex_unlock(&w.mu);
        /* settle returns only after the worker handled the kick */
        assert_true(clock_settle());
        pthread_mutex_lock(&w.mu);
        assert_int_equal(w.kicks, i + 1);
        assert_int_equal(w.n, 0);   /* no deadline passed */
        pthread_mutex_unlock(&w.mu);
    }
    worker_stop(&w);
}

static void test_sleep_until_on_virtual_time(void **state)
{
    (void)state;
    clock_use_virtual(0);
    uint64_t t0 = clock_now_ms();
    clock_sleep_until(t0);      /* a deadline already reached returns */
    assert_int_equal(clock_now_ms(), t0);
    assert_int_equal(clock_next_deadline(), 0);
}

/* On real time the waits are real: a deadline 30 ms ahead is not reached
 * before 30 ms have passed (only a lower bound: the machine is shared). */
static void test_real_time(void **state)
{
    (void)state;
    assert_false(clock_is_virtual());   /* runs first, before the switch */
    uint64_t t0 = clock_now_ms();
    clock_sleep_until(t0 + 30);
    assert_true(clock_now_ms() - t0 >= 30);
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    clock_cond c;
    clock_cond_init(&c);
    pthread_mutex_lock(&mu);
    while (!clock_cond_wait_until(&c, &mu, t0 + 50))
        ;
    pthread_mutex_unlock(&mu);
    clock_cond_destroy(&c);
    assert_true(clock_now_ms() - t0 >= 50);
    /* advance and settle do nothing on real time */
    uint64_t t1 = clock_now_ms();
    assert_true(clock_advance(60000));
    assert_true(clock_settle());
    assert_true(clock_now_ms() - t1 < 60000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_time),
        cmocka_unit_test(test_virtual_advance_steps_through_deadlines),
        cmocka_unit_test(test_broadcast_wakes_and_settle_waits),
        cmocka_unit_test(test_sleep_until_on_virtual_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
