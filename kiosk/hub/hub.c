/*
 * hub: see hub.h.
 *
 * One mutex guards the queue and the counters: posts are rare (a handful a
 * second at most) and the critical sections are a few pointer moves, so a
 * lock-free queue would buy nothing but risk.
 */
#include "hub.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct node {
    hub_event ev;
    struct node *next;
} node;

typedef struct handler {
    int source;
    hub_handler fn;
    void *user;
} handler;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static bool running;
static node *head, *tail;
static void (*wake_fn)(void *user);
static void *wake_user;
static const char *names[HUB_MAX_SOURCES];
static int n_sources;
static hub_counts counts[HUB_MAX_SOURCES];
/* handlers are only touched on the UI thread */
static handler handlers[HUB_MAX_HANDLERS];
static int n_handlers;

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void drop_event(hub_event *ev)
{
    if (ev->payload && ev->drop)
        ev->drop(ev->payload);
    ev->payload = NULL;
}

void hub_init(void (*wake)(void *user), void *user)
{
    pthread_mutex_lock(&mu);
    wake_fn = wake;
    wake_user = user;
    running = true;
    for (int i = 0; i < HUB_MAX_SOURCES; i++)
        counts[i] = (hub_counts){0, 0, 0, -1};
    pthread_mutex_unlock(&mu);
    n_handlers = 0;
}

void hub_shutdown(void)
{
    pthread_mutex_lock(&mu);
    running = false;
    node *n = head;
    head = tail = NULL;
    wake_fn = NULL;
    pthread_mutex_unlock(&mu);
    while (n) {
        node *next = n->next;
        drop_event(&n->ev);
        free(n);
        n = next;
    }
    n_handlers = 0;
}

int hub_source(const char *name)
{
    pthread_mutex_lock(&mu);
    int id = -1;
    for (int i = 0; i < n_sources; i++)
        if (!strcmp(names[i], name))
            id = i;
    if (id < 0 && n_sources < HUB_MAX_SOURCES) {
        id = n_sources++;
        names[id] = name;
        counts[id] = (hub_counts){0, 0, 0, -1};
    }
    pthread_mutex_unlock(&mu);
    return id;
}

const char *hub_source_name(int source)
{
    pthread_mutex_lock(&mu);
    const char *n = source >= 0 && source < n_sources ? names[source] : "?";
    pthread_mutex_unlock(&mu);
    return n;
}

bool hub_on(int source, hub_handler fn, void *user)
{
    if (source < 0 || source >= HUB_MAX_SOURCES || !fn || n_handlers == HUB_MAX_HANDLERS)
        return false;
    handlers[n_handlers++] = (handler){source, fn, user};
    return true;
}

bool hub_post(int source, int kind, void *payload, void (*drop)(void *payload))
{
    node *n = malloc(sizeof *n);
    hub_event ev = {source, kind, payload, drop, monotonic_ns()};
    if (!n) {
        drop_event(&ev);
        return false;
    }
    n->ev = ev;
    n->next = NULL;
    pthread_mutex_lock(&mu);
    if (!running || source < 0 || source >= n_sources) {
        pthread_mutex_unlock(&mu);
        drop_event(&n->ev);
        free(n);
        return false;
    }
    bool was_empty = head == NULL;
    if (tail)
        tail->next = n;
    else
        head = n;
    tail = n;
    counts[source].posted++;
    void (*w)(void *) = was_empty ? wake_fn : NULL;
    void *wu = wake_user;
    pthread_mutex_unlock(&mu);
    if (w)
        w(wu);
    return true;
}

size_t hub_dispatch(void (*to_screen)(void *ctx, hub_event *ev), void *ctx)
{
    /* take the whole queue at once: what handlers post goes to the next
     * round, so a handler that posts cannot keep the UI thread here */
    pthread_mutex_lock(&mu);
    node *n = head;
    head = tail = NULL;
    pthread_mutex_unlock(&mu);
    size_t delivered = 0;
    while (n) {
        node *next = n->next;
        hub_event *ev = &n->ev;
        for (int i = 0; i < n_handlers; i++)
            if (handlers[i].source == ev->source)
                handlers[i].fn(handlers[i].user, ev);
        if (to_screen)
            to_screen(ctx, ev);
        drop_event(ev);
        pthread_mutex_lock(&mu);
        counts[ev->source].handled++;
        counts[ev->source].last_posted_ns = ev->posted_ns;
        counts[ev->source].last_kind = ev->kind;
        pthread_mutex_unlock(&mu);
        free(n);
        delivered++;
        n = next;
    }
    return delivered;
}

hub_counts hub_source_counts(int source)
{
    hub_counts c = {0, 0, 0, -1};
    pthread_mutex_lock(&mu);
    if (source >= 0 && source < n_sources)
        c = counts[source];
    pthread_mutex_unlock(&mu);
    return c;
}

bool hub_idle(void)
{
    pthread_mutex_lock(&mu);
    bool idle = true;
    for (int i = 0; i < n_sources; i++)
        if (counts[i].posted != counts[i].handled)
            idle = false;
    pthread_mutex_unlock(&mu);
    return idle;
}
