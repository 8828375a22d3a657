/*
 * upload: one pass of emptying the outbox into the platform -- the part the
 * kiosk's uploader thread and `kioskctl queue flush` share, so a
 * technician's flush takes exactly the path the kiosk takes.
 *
 * A pass takes the pending rows that are due, lowest sequence first, in
 * batches of at most [platform] batch_records rows and batch_kib bytes,
 * marks them in flight, posts them, and settles every row of the batch in
 * one transaction:
 *   accepted, duplicate   acknowledged (the platform has it);
 *   rejected              kept as rejected with the platform's reason,
 *                         never sent again, shown to technicians;
 *   retry, or missing     pending again, due after a back-off of its own;
 *   400 for the batch     split in halves until the refused records stand
 *                         alone, and those are rejected;
 *   409, 429, 503, 5xx,   the whole batch pending again; the pass stops
 *   no answer             and says how long to wait (Retry-After, clamped,
 *                         or the caller's back-off).
 * A row keeps its key through all of it: the platform deduplicates by key,
 * so a reply lost after the platform stored a batch costs a "duplicate"
 * next time, never a second transaction.
 */
#ifndef KIOSK_PLATFORM_UPLOAD_H
#define KIOSK_PLATFORM_UPLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "outbox/outbox_store.h"
#include "platform/platform.h"
#include "platform/records.h"

typedef enum upload_outcome {
    UPLOAD_DRAINED,     /* nothing due is left */
    UPLOAD_FAILED,      /* the platform or the network failed: wait, then again */
    UPLOAD_STORAGE,     /* the queue database failed */
} upload_outcome;

typedef struct upload_ctx {
    platform *p;
    outbox_store *store;
    int batch_records;
    size_t batch_bytes;
    int retry_after_max;    /* seconds */
    bool all_due;           /* a technician's flush: rows still in their
                               own back-off go too */
    /* kept between passes: the batch size now allowed (0 = batch_records).
     * A 400 halves it and a 200 doubles it back, so a bisection that a
     * failure interrupts goes on where it was instead of starting again */
    int cap;
    /* Called for every row the platform answered (any thread: the
     * caller's); NULL for none. Never gets personal data. */
    void (*on_record)(void *user, const outbox_row *row, records_verdict v, const char *reason);
    void *user;
    /* out, after a pass */
    platform_err last_err;  /* of the last failed request, PLATFORM_OK when none */
    long last_status;       /* HTTP status of the last reply, 0 none */
    int64_t retry_after;    /* seconds the platform asked for, -1 none */
    int64_t server_date;    /* the last reply's Date header, 0 none */
    char last_error[256];   /* "" when the pass ended well */
    long requests, acked, rejected, retried;
    long long bytes_sent;   /* request bodies, for the benchmarks */
} upload_ctx;

/* One pass at wall time now (seconds). Stops early when *stop becomes
 * true (may be NULL). */
upload_outcome upload_pass(upload_ctx *c, int64_t now, const volatile bool *stop);

/* Nothing to send: is the platform there? GET /v1/health, with the
 * outcome and the last error set as a pass would set them. */
upload_outcome upload_health(upload_ctx *c);

/* Full-jitter back-off after the n-th consecutive failure: a uniform
 * random wait in [0, min(cap_ms, 1000 * 2^n)), at least 250 ms. Spreads
 * thousands of kiosks that lost the platform at the same moment. */
int64_t upload_backoff_ms(unsigned n, int64_t cap_ms);

#endif
