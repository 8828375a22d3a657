/*
 * The event hub: posts from any thread arrive on the dispatching thread in
 * order, handlers before the screen, and every payload nobody keeps is
 * dropped through its drop function -- also when the hub shuts down with
 * events still queued, and when a post is refused.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/hub.h"

static int drops, wakes;
static int seen[64], n_seen;
static char trace[256];

static void drop_int(void *p)
{
    drops++;
    free(p);
}

static void wake(void *user)
{
    (void)user;
    wakes++;
}

static void *box(int v)
{
    int *p = malloc(sizeof *p);
    *p = v;
    return p;
}

static void note(char c)
{
    size_t l = strlen(trace);
    if (l + 1 < sizeof trace) {
        trace[l] = c;
        trace[l + 1] = '\0';
    }
}

static void handler_a(void *user, hub_event *ev)
{
    (void)user;
    note('h');
    if (ev->payload && n_seen < 64)
        seen[n_seen++] = *(int *)ev->payload;
}

static void to_screen(void *ctx, hub_event *ev)
{
    note('s');
    if (ctx && ev->payload) {      /* the screen keeps it */
        free(ev->payload);
        ev->payload = NULL;
    }
}

static int setup(void **state)
{
    (void)state;
    drops = wakes = n_seen = 0;
    trace[0] = '\0';
    hub_init(wake, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hub_shutdown();
    return 0;
}

static void test_order_and_routing(void **state)
{
    (void)state;
    int a = hub_source("test.a"), b = hub_source("test.b");
    assert_true(a >= 0 && b >= 0 && a != b);
    assert_int_equal(hub_source("test.a"), a);
    assert_string_equal(hub_source_name(b), "test.b");
    assert_true(hub_on(a, handler_a, NULL));
    assert_true(hub_post(a, 1, box(10), drop_int));
    assert_true(hub_post(b, 2, box(20), drop_int));
    assert_true(hub_post(a, 3, box(30), drop_int));
    assert_int_equal(wakes, 1);     /* once per empty -> not empty */
    assert_false(hub_idle());
    assert_int_equal(hub_dispatch(to_screen, NULL), 3);
    assert_true(hub_idle());
    /* a's handler saw its two, in order; b has no handler */
    assert_int_equal(n_seen, 2);
    assert_int_equal(seen[0], 10);
    assert_int_equal(seen[1], 30);
    assert_string_equal(trace, "hsshs");    /* handler before screen */
    assert_int_equal(drops, 3);             /* nobody kept them */
    hub_counts c = hub_source_counts(a);
    assert_int_equal(c.posted, 2);
    assert_int_equal(c.handled, 2);
    assert_int_equal(c.last_kind, 3);
    assert_true(c.last_posted_ns > 0);
    assert_int_equal(hub_source_counts(999).posted, 0);
}

static void test_screen_keeps_payload(void **state)
{
    (void)state;
    int a = hub_source("test.a");
    hub_post(a, 1, box(1), drop_int);
    hub_dispatch(to_screen, (void *)1);
    assert_int_equal(drops, 0);
}

static void test_shutdown_drops_queued(void **state)
{
    (void)state;
    int a = hub_source("test.a");
    hub_post(a, 1, box(1), drop_int);
    hub_post(a, 1, box(2), drop_int);
    hub_shutdown();
    assert_int_equal(drops, 2);
    /* refused after shutdown: dropped at once */
    assert_false(hub_post(a, 1, box(3), drop_int));
    assert_int_equal(drops, 3);
    hub_init(wake, NULL);
    /* an unknown source is refused the same way */
    assert_false(hub_post(HUB_MAX_SOURCES + 1, 0, box(4), drop_int));
    assert_int_equal(drops, 4);
}

#define THREADS 4
#define PER_THREAD 500

static int source_t;

static void *poster(void *arg)
{
    intptr_t id = (intptr_t)arg;
    for (int i = 0; i < PER_THREAD; i++)
        hub_post(source_t, (int)id, box((int)(id * 100000 + i)), drop_int);
    return NULL;
}

static int last_per_thread[THREADS];
static int out_of_order;

static void check_order(void *user, hub_event *ev)
{
    (void)user;
    int v = *(int *)ev->payload, t = v / 100000, i = v % 100000;
    if (i != last_per_thread[t] + 1)
        out_of_order++;
    last_per_thread[t] = i;
}

/* Many threads posting while the UI thread dispatches: nothing is lost,
 * nothing arrives twice, each thread's events keep their order. */
static void test_threads(void **state)
{
    (void)state;
    source_t = hub_source("test.threads");
    hub_on(source_t, check_order, NULL);
    for (int t = 0; t < THREADS; t++)
        last_per_thread[t] = -1;
    pthread_t th[THREADS];
    for (intptr_t t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, poster, (void *)t);
    size_t got = 0;
    while (got < THREADS * PER_THREAD)
        got += hub_dispatch(NULL, NULL);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    assert_int_equal(got, THREADS * PER_THREAD);
    assert_int_equal(out_of_order, 0);
    assert_int_equal(drops, THREADS * PER_THREAD);
    assert_true(hub_idle());
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_order_and_routing),
        T(test_screen_keeps_payload),
        T(test_shutdown_drops_queued),
        T(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
