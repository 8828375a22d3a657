/*
 * rating_record: a rating as the outbox keeps it and the platform receives
 * it (record kind "rating", README "The platform API").
 *
 * The payload -- the part without personal data, stored in the clear and
 * counted by `kioskctl rating summary` -- carries the record fields of
 * GB/T 39046-2020 表9 and what provincial interfaces add:
 *   transaction  办件编号 (an..50)
 *   level        the level by NAME ("satisfied"): never a bare number,
 *                whose meaning depends on the scheme
 *   code         满意度代码 under the configured scheme ([rating] scheme,
 *                codes), with scheme naming it
 *   channel      评价渠道 code ([rating] channel_code)
 *   source       data source code ([rating] source_code), "" none
 *   region       行政区划 (n..9)
 *   time         评价时间, YYYYMMDDThhmmss, the kiosk's local time
 *   count        评价次数: 1, the first rating of this transaction (the
 *                kiosk takes one; a later one comes through the signed
 *                link, which the platform counts)
 *   reasons      for a poor rating, the ids the resident picked, and
 *   indicators   their indicator codes, in the same order
 *   anonymous    the resident asked not to be named or called back
 *   comment, phone  whether a comment or a phone number was left (the
 *                texts themselves are sealed personal fields)
 * The service-item code goes in the record's own item code, the
 * resident's name (评价人, unless anonymous), phone and comment in its
 * sealed personal fields, and its key is derived from the transaction
 * number (outbox_uuid_for("rating", txn)), so a second rating of one
 * transaction is refused as a duplicate by the outbox and the platform.
 *
 * Pure: no settings, no storage.
 */
#ifndef KIOSK_RATING_RECORD_H
#define KIOSK_RATING_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rating/rating_level.h"

#define RATING_RECORD_MAX_REASONS 12

typedef struct rating_record {
    const char *transaction;        /* required, 1..50 bytes */
    rating_level level;
    const rating_codes *codes;      /* required */
    const char *channel;            /* required */
    const char *source;             /* NULL or "" for none */
    const char *region;             /* NULL or "" for none */
    int64_t when;                   /* epoch seconds */
    const char *reasons[RATING_RECORD_MAX_REASONS];    /* ids */
    const char *indicators[RATING_RECORD_MAX_REASONS]; /* their codes */
    size_t n_reasons;
    bool anonymous;
    bool comment, phone;            /* left, sealed elsewhere */
} rating_record;

/* The payload JSON of r (malloc'd, free()), or NULL with why: a required
 * field missing, a transaction number too long, a poor rating without a
 * reason, reasons for a good one, memory. */
char *rating_record_payload(const rating_record *r, char *why, size_t wsize);

#endif
