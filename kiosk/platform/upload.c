/*
 * upload: see upload.h.
 */
#include "platform/upload.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BATCH 1000

int64_t upload_backoff_ms(unsigned n, int64_t cap_ms)
{
    int64_t ceiling = 1000;
    for (unsigned i = 0; i < n && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    if (ceiling <= 250)
        return 250;
    /* uniform in [250, ceiling): randombytes_uniform is unbiased */
    return 250 + (int64_t)randombytes_uniform((uint32_t)(ceiling - 250));
}

/* A row's own wait after the platform said "retry" for it: grows with its
 * attempts, jittered, at most an hour. */
static int64_t row_retry_at(const outbox_row *r, int64_t now)
{
    return now + upload_backoff_ms((unsigned)r->attempts + 1, 3600 * 1000) / 1000 + 1;
}

/* Settles rows[0..n) all the same way. */
static bool settle_all(upload_ctx *c, outbox_row *rows, size_t n, outbox_settle_kind kind,
                       int64_t now, int64_t next, const char *error)
{
    if (n == 0)
        return true;
    outbox_settle *items = calloc(n, sizeof *items);
    if (!items)
        return false;
    for (size_t i = 0; i < n; i++)
        items[i] = (outbox_settle){rows[i].seq, kind, next, error};
    if (kind == OUTBOX_SETTLE_RETRY)
        c->retried += (long)n;
    bool ok = outbox_db_settle(c->store->db, items, n, now) == OUTBOX_OK;
    free(items);
    return ok;
}

static void tell(upload_ctx *c, const outbox_row *r, records_verdict v, const char *reason)
{
    if (c->on_record)
        c->on_record(c->user, r, v, reason);
}

/* A reply of 200: one verdict per row. */
static upload_outcome settle_reply(upload_ctx *c, outbox_row *rows, size_t n,
                                   const platform_reply *rep, int64_t now)
{
    /* up to a thousand rows: on the heap, not the uploader's stack */
    const char **keys = calloc(n, sizeof *keys);
    records_result *res = calloc(n, sizeof *res);
    outbox_settle *items = calloc(n, sizeof *items);
    upload_outcome out = UPLOAD_DRAINED;
    if (!keys || !res || !items) {
        snprintf(c->last_error, sizeof c->last_error, "out of memory reading a reply");
        c->last_err = PLATFORM_ERR_NOMEM;
        out = settle_all(c, rows, n, OUTBOX_SETTLE_RETRY, now, now, c->last_error)
                  ? UPLOAD_FAILED
                  : UPLOAD_STORAGE;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = rows[i].key;
    char why[200];
    if (!records_parse_reply(rep->body, rep->body_len, keys, n, res, why, sizeof why)) {
        /* stored or not, we cannot tell: all again, under the same keys */
        snprintf(c->last_error, sizeof c->last_error, "HTTP 200 but %s", why);
        c->last_err = PLATFORM_ERR_BROKEN;
        out = settle_all(c, rows, n, OUTBOX_SETTLE_RETRY, now, now, c->last_error)
                  ? UPLOAD_FAILED
                  : UPLOAD_STORAGE;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].seq = rows[i].seq;
        items[i].next_attempt = 0;
        items[i].error = NULL;
        switch (res[i].verdict) {
        case RECORDS_ACCEPTED:
        case RECORDS_DUPLICATE:
            items[i].kind = OUTBOX_SETTLE_ACK;
            c->acked++;
            break;
        case RECORDS_REJECTED:
            items[i].kind = OUTBOX_SETTLE_REJECT;
            items[i].error = *res[i].reason ? res[i].reason : "rejected by the platform";
            c->rejected++;
            break;
        default:
            items[i].kind = OUTBOX_SETTLE_RETRY;
            items[i].next_attempt = row_retry_at(&rows[i], now);
            items[i].error = res[i].verdict == RECORDS_RETRY ? "platform asked to retry"
                                                             : "missing from the reply";
            c->retried++;
            break;
        }
    }
    if (outbox_db_settle(c->store->db, items, n, now) != OUTBOX_OK) {
        out = UPLOAD_STORAGE;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        tell(c, &rows[i], res[i].verdict, res[i].reason);
done:
    free(keys);
    free(res);
    free(items);
    return out;
}

/* Posts rows[0..n) (all in flight); settles each. */
static upload_outcome send_rows(upload_ctx *c, outbox_row *rows, size_t n, int64_t now)
{
    records_body b;
    if (!records_build(&b, platform_device_id(c->p), c->store->key, rows, n, c->batch_bytes,
                       now)) {
        snprintf(c->last_error, sizeof c->last_error, "out of memory building a batch");
        c->last_err = PLATFORM_ERR_NOMEM;
        return settle_all(c, rows, n, OUTBOX_SETTLE_RELEASE, now, 0, NULL) ? UPLOAD_FAILED
                                                                           : UPLOAD_STORAGE;
    }
    size_t taken = b.taken;
    /* what did not fit goes back as it was; the next batch takes it */
    if (taken < n && !settle_all(c, rows + taken, n - taken, OUTBOX_SETTLE_RELEASE, now, 0, NULL)) {
        records_body_free(&b);
        return UPLOAD_STORAGE;
    }
    platform_reply rep;
    platform_request(c->p, "POST", "/v1/records", b.json.text, b.json.len, 0, &rep);
    c->bytes_sent += (long long)b.json.len;
    records_body_free(&b); /* wipes the personal fields it carried */
    c->requests++;
    c->last_status = rep.status;
    if (rep.server_date)
        c->server_date = rep.server_date;
    upload_outcome out = UPLOAD_FAILED;
    if (rep.err != PLATFORM_OK) {
        c->last_err = rep.err;
        snprintf(c->last_error, sizeof c->last_error, "%s", rep.error);
        if (!settle_all(c, rows, taken, OUTBOX_SETTLE_RETRY, now, now, c->last_error))
            out = UPLOAD_STORAGE;
    } else if (rep.status == 200) {
        out = settle_reply(c, rows, taken, &rep, now);
        int full = c->batch_records > 0 ? c->batch_records : MAX_BATCH;
        c->cap = c->cap && c->cap < full / 2 ? c->cap * 2 : 0;
    } else if (rep.status == 400 && taken > 1) {
        c->cap = (int)(taken / 2);
        /* the platform refuses the batch for what one record holds: halve
         * until the refused ones stand alone (at most log2(n) rounds each) */
        size_t half = taken / 2;
        out = send_rows(c, rows, half, now);
        if (out == UPLOAD_DRAINED)
            out = send_rows(c, rows + half, taken - half, now);
        else if (!settle_all(c, rows + half, taken - half, OUTBOX_SETTLE_RELEASE, now, 0, NULL))
            out = UPLOAD_STORAGE;
    } else if (rep.status == 400) {
        char reason[160];
        records_reply_error(rep.body, rep.body_len, reason, sizeof reason);
        const char *why = *reason ? reason : "refused by the platform (HTTP 400)";
        out = settle_all(c, rows, 1, OUTBOX_SETTLE_REJECT, now, 0, why) ? UPLOAD_DRAINED
                                                                         : UPLOAD_STORAGE;
        c->rejected++;
        tell(c, &rows[0], RECORDS_REJECTED, why);
    } else {
        /* 409 (a key is being processed), 429 and 503 (with Retry-After),
         * other 5xx, 401/403 (the token), 404 (the endpoint): all again */
        char reason[160];
        records_reply_error(rep.body, rep.body_len, reason, sizeof reason);
        snprintf(c->last_error, sizeof c->last_error, "HTTP %ld%s%s", rep.status,
                 *reason ? ": " : "", reason);
        c->last_err = PLATFORM_OK;
        int64_t wait = 0;
        if ((rep.status == 429 || rep.status == 503) && rep.retry_after >= 0) {
            wait = rep.retry_after < c->retry_after_max ? rep.retry_after : c->retry_after_max;
            c->retry_after = wait;
        }
        if (!settle_all(c, rows, taken, OUTBOX_SETTLE_RETRY, now, now + wait, c->last_error))
            out = UPLOAD_STORAGE;
    }
    platform_reply_clear(&rep);
    return out;
}

upload_outcome upload_pass(upload_ctx *c, int64_t now, const volatile bool *stop)
{
    c->last_err = PLATFORM_OK;
    c->last_error[0] = '\0';
    c->retry_after = -1;
    if (!c->store || !c->store->db)
        return UPLOAD_STORAGE;
    size_t max = c->batch_records > 0 && c->batch_records <= MAX_BATCH ? (size_t)c->batch_records
                                                                       : MAX_BATCH;
    outbox_row *rows = calloc(max, sizeof *rows);
    if (!rows)
        return UPLOAD_FAILED;
    upload_outcome out = UPLOAD_DRAINED;
    while (out == UPLOAD_DRAINED && !(stop && *stop)) {
        size_t n = 0;
        size_t take = c->cap > 0 && (size_t)c->cap < max ? (size_t)c->cap : max;
        if (outbox_db_next_batch(c->store->db, c->all_due ? INT64_MAX : now, rows, take, &n) !=
            OUTBOX_OK) {
            out = UPLOAD_STORAGE;
            break;
        }
        if (n == 0)
            break;
        long retried = c->retried;
        out = send_rows(c, rows, n, now);
        for (size_t i = 0; i < n; i++)
            outbox_row_clear(&rows[i]);
        /* over TLS 1.3 a server that refuses our certificate says so after
         * the handshake, and a POST sees only a broken connection; a GET on
         * a fresh one reads the alert and names the cause */
        if (out == UPLOAD_FAILED && c->last_err == PLATFORM_ERR_BROKEN) {
            upload_ctx probe = *c;
            /* a reset can overtake the alert: a few fresh tries */
            for (int i = 0; i < 3; i++) {
                if (upload_health(&probe) != UPLOAD_FAILED ||
                    probe.last_err != PLATFORM_ERR_BROKEN)
                    break;
            }
            if (probe.last_err == PLATFORM_ERR_CERT || probe.last_err == PLATFORM_ERR_TLS ||
                probe.last_err == PLATFORM_ERR_PIN) {
                c->last_err = probe.last_err;
                snprintf(c->last_error, sizeof c->last_error, "%s", probe.last_error);
            }
            c->requests = probe.requests;
        }
        /* with every row due, a row the platform asked to retry would come
         * straight back: the caller waits first */
        if (c->all_due && c->retried > retried)
            break;
    }
    free(rows);
    return out;
}

upload_outcome upload_health(upload_ctx *c)
{
    platform_reply r;
    platform_request(c->p, "GET", "/v1/health", NULL, 0, 0, &r);
    c->requests++;
    c->last_status = r.status;
    c->retry_after = r.status == 503 || r.status == 429 ? r.retry_after : -1;
    if (r.server_date)
        c->server_date = r.server_date;
    upload_outcome out = UPLOAD_DRAINED;
    if (r.err != PLATFORM_OK) {
        c->last_err = r.err;
        snprintf(c->last_error, sizeof c->last_error, "%s", r.error);
        out = UPLOAD_FAILED;
    } else if (r.status != 200) {
        c->last_err = PLATFORM_OK;
        snprintf(c->last_error, sizeof c->last_error, "HTTP %ld from /v1/health", r.status);
        out = UPLOAD_FAILED;
    }
    platform_reply_clear(&r);
    return out;
}
