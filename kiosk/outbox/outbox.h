/*
 * outbox: the outbox writer thread, the kiosk's service "outbox".
 *
 * The UI hands a finished transaction to outbox_submit(), which copies it
 * (personal fields into guarded memory) onto the queue the thread owns and
 * returns at once with a ticket; the UI shows "submitting". The thread makes
 * it durable (outbox_store_put: BEGIN IMMEDIATE ... COMMIT with the WAL
 * synced) and answers through the event hub, source "outbox":
 *   OUTBOX_EV_DURABLE  payload outbox_done: the ticket, key, sequence
 *                      number and receipt number -- only now may the UI say
 *                      "done" and show the number;
 *   OUTBOX_EV_FAILED   payload outbox_done: the ticket, the result and a
 *                      reason key for the resident (disk full, read-only,
 *                      queue full: "please go to a window").
 * The UI thread never waits on fsync.
 *
 * The thread reports to the status model as "storage": online with the
 * number of rows waiting, or hardwareError with a reason key when the
 * database cannot be written. It purges acknowledged rows past
 * [outbox] retention_days once an hour, waiting on the kiosk clock.
 */
#ifndef KIOSK_OUTBOX_H
#define KIOSK_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "app/service.h"
#include "hub/hub.h"
#include "outbox/outbox_db.h"

enum { OUTBOX_EV_DURABLE = 1, OUTBOX_EV_FAILED = 2 };

typedef struct outbox_done {
    uint64_t ticket;        /* from outbox_submit */
    outbox_result result;   /* OUTBOX_OK for DURABLE */
    outbox_receipt receipt; /* DURABLE only */
    const char *reason_key; /* FAILED: i18n key for the resident */
} outbox_done;

/* Copies t onto the thread's queue and returns at once: a ticket (> 0)
 * that the answer will carry, or 0 when the outbox is not running or
 * memory is short (the UI then says so; nothing was queued). Any thread. */
uint64_t outbox_submit(const outbox_txn *t);

/* The answer carried by ev, or NULL when ev is not the outbox's. */
const outbox_done *outbox_event_done(const hub_event *ev);

/* Waits (on the kiosk clock) until the outbox thread has opened -- and if
 * need be checked, repaired or replaced -- the queue file, so another
 * thread (the uploader) may open it as a follower. False when the outbox
 * is not running or could not open it. */
bool outbox_wait_open(void);

/* The resident-facing i18n key for a failed write. */
const char *outbox_reason_key(outbox_result r);

extern const app_service outbox_service;

#endif
