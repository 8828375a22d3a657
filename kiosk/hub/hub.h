/*
 * hub: the one hallway from every thread to the UI thread.
 *
 * Device and service threads (the ID-card reader today; the outbox writer,
 * the uploader and the printers next) never call into the app. They post an
 * event -- a source, a kind of their own, a payload and a drop function --
 * from whatever thread they run on, and return at once. The UI thread calls
 * hub_dispatch() from its main loop: each event goes first to the handlers
 * registered for its source at start-up, then to the screen on top of the
 * stack, and finally, if nobody took the payload, to its drop function,
 * which wipes and frees it. A payload can therefore carry personal data
 * (an identity read from a card) and still never outlive a session: an
 * event posted while the kiosk shuts down, or that no screen wanted, is
 * wiped just the same.
 *
 * The hub counts what each source posted and what the UI thread handled,
 * so the script harness can wait for "everything posted so far has been
 * handled" without knowing which devices exist.
 *
 * No SDL in here: the UI thread's loop is woken through a function the app
 * installs (hub_init), so the hub is testable on its own.
 */
#ifndef KIOSK_HUB_H
#define KIOSK_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HUB_MAX_SOURCES 16
#define HUB_MAX_HANDLERS 32

typedef struct hub_event {
    int source;                 /* from hub_source() */
    int kind;                   /* the source's own event kinds */
    void *payload;              /* a handler that keeps it sets this to NULL */
    void (*drop)(void *payload);/* wipes and frees an untaken payload; may be NULL */
    uint64_t posted_ns;         /* CLOCK_MONOTONIC at post (latency figures) */
} hub_event;

/* A handler runs on the UI thread; user is what was given to hub_on. */
typedef void (*hub_handler)(void *user, hub_event *ev);

/* Starts the hub. wake is called (on the posting thread) when the queue goes
 * from empty to not empty, so the UI loop wakes up; NULL for none. Calling
 * it again after hub_shutdown starts afresh. */
void hub_init(void (*wake)(void *user), void *user);

/* Drops every undelivered event (through its drop function), forgets the
 * handlers and refuses posts until hub_init. */
void hub_shutdown(void);

/* The id of the source called name (a short static string such as
 * "idcard"), registered on first use. -1 when HUB_MAX_SOURCES are taken.
 * Thread-safe; the same name always gives the same id. */
int hub_source(const char *name);

/* The name of a source id, "?" when unknown. */
const char *hub_source_name(int source);

/* Registers a handler for one source (UI thread, at start-up). False when
 * the table is full. */
bool hub_on(int source, hub_handler fn, void *user);

/* Queues an event; safe from any thread. Ownership of payload passes to the
 * hub: when the event cannot be queued (out of memory, hub not running) the
 * payload is dropped at once and false is returned. */
bool hub_post(int source, int kind, void *payload, void (*drop)(void *payload));

/* Delivers every queued event, in order (UI thread): the source's handlers,
 * then to_screen(ctx, ev) when not NULL, then drop for an untaken payload.
 * Events posted while dispatching wait for the next call. Returns how many
 * were delivered. */
size_t hub_dispatch(void (*to_screen)(void *ctx, hub_event *ev), void *ctx);

typedef struct hub_counts {
    uint64_t posted, handled;
    uint64_t last_posted_ns;    /* posted_ns of the last event handled */
    int last_kind;              /* kind of the last event handled, -1 none */
} hub_counts;

/* Counts of one source; zeroes for an unknown one. */
hub_counts hub_source_counts(int source);

/* True when every event posted so far, from every source, was handled. */
bool hub_idle(void);

#endif
