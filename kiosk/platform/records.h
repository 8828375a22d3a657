/*
 * records: the upload API's two texts -- the body of
 * `POST {endpoint}/v1/records` built from outbox rows, and the platform's
 * reply read back into one verdict per record (README "The platform API").
 *
 * The body carries the residents' personal fields, opened from the sealed
 * blob, so it is built in guarded memory (sodium_malloc) and wiped when
 * freed; nothing here logs. The reply is outside input: every shape it may
 * take is checked, and a reply that does not make sense is a failure of
 * the whole batch, never a guess (tests/fuzz/fuzz_records_reply.c).
 */
#ifndef KIOSK_PLATFORM_RECORDS_H
#define KIOSK_PLATFORM_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "outbox/outbox_crypt.h"
#include "outbox/outbox_db.h"
#include "platform/online_body.h"

typedef struct records_body {
    online_body json;   /* .text, .len: the body, in guarded memory */
    size_t taken;       /* rows[0..taken) are in it */
} records_body;

/* Builds the body for as many of rows[0..n) as fit in max_bytes (always at
 * least one), in order; sent_at is the wall time of sending. A row whose
 * sealed fields cannot be opened goes without them, marked
 * "personal_unreadable": true (the platform decides; the kiosk never
 * invents data). False when out of memory. */
bool records_build(records_body *b, const char *device_id, const outbox_key *k,
                   const outbox_row *rows, size_t n, size_t max_bytes, int64_t sent_at);

/* Wipes and frees the text. */
void records_body_free(records_body *b);

typedef enum records_verdict {
    RECORDS_MISSING,    /* not in the reply: retried */
    RECORDS_ACCEPTED,
    RECORDS_DUPLICATE,
    RECORDS_REJECTED,
    RECORDS_RETRY,
} records_verdict;

typedef struct records_result {
    records_verdict verdict;
    char reason[160];   /* the platform's words, printable ASCII/UTF-8, cut */
} records_result;

/* Reads a 200 reply for the records with keys[0..n): out[i] for keys[i].
 * False with why (for technicians) when the reply is not the documented
 * shape; then out is all RECORDS_MISSING. Keys in the reply that were not
 * sent are ignored. */
bool records_parse_reply(const char *body, size_t len, const char *const *keys, size_t n,
                         records_result *out, char *why, size_t wsize);

/* The "error" of a 4xx reply's JSON body, or "" when there is none. */
void records_reply_error(const char *body, size_t len, char *out, size_t size);

const char *records_verdict_name(records_verdict v);

/* RFC 3339: UTC with Z (utc) or local time with its offset. */
void records_time(int64_t t, bool utc, char *out, size_t size);

#endif
