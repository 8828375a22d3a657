/*
 * records: see records.h.
 */
#include "platform/records.h"
#include "common/textcheck.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/utf8.h"

/* ---- the text, in guarded memory (platform/online_body.h) ---------------- */

static bool put(records_body *b, const char *s, size_t n)
{
    online_body_raw_n(&b->json, s, n);
    return !b->json.oom;
}

static bool puts_(records_body *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* A JSON string; bytes that are not well-formed UTF-8 become U+FFFD, so
 * the body is valid JSON whatever a salvaged row holds. */
static bool put_str(records_body *b, const char *s)
{
    online_body_str(&b->json, s);
    return !b->json.oom;
}

static bool put_member(records_body *b, const char *name, const char *value, bool *first)
{
    if (!value || !*value)
        return true;
    bool ok = (*first || put(b, ",", 1)) && put_str(b, name) && put(b, ":", 1) &&
              put_str(b, value);
    *first = false;
    return ok;
}

void records_body_free(records_body *b)
{
    if (!b)
        return;
    online_body_free(&b->json);
    b->taken = 0;
}

void records_time(int64_t t, bool utc, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (utc ? !gmtime_r(&tt, &tm) : !localtime_r(&tt, &tm)) {
        snprintf(out, size, "1970-01-01T00:00:00Z");
        return;
    }
    if (utc) {
        strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return;
    }
    char off[8];
    strftime(off, sizeof off, "%z", &tm); /* +0800 -> +08:00 */
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s%.3s:%.2s", date, off, off + 3);
}

/* The row's payload with "personal" and "receipt_no" added. The payload
 * was written by this kiosk, but a salvaged row may hold anything: it is
 * parsed, and an unreadable one is sent as such. */
static bool put_payload(records_body *b, const outbox_key *k, const outbox_row *r)
{
    json_error_t err;
    json_t *j = r->payload ? json_loads(r->payload, JSON_REJECT_DUPLICATES, &err) : NULL;
    bool ok = true;
    bool first = true;
    if (json_is_object(j)) {
        /* the object's text without its closing brace */
        const char *t = r->payload;
        size_t end = strlen(t);
        while (end && t[end - 1] != '}')
            end--;
        ok = put(b, t, end ? end - 1 : 0);
        first = json_object_size(j) == 0;
    } else {
        ok = puts_(b, "{\"payload_unreadable\":true");
        first = false;
    }
    json_decref(j);
    char number[40];
    outbox_number(r->created_wall, r->seq, r->key, number, sizeof number);
    ok = ok && put_member(b, "receipt_no", number, &first);
    if (ok && r->sealed_len) {
        outbox_opened o;
        if (outbox_unseal(k, r->sealed, r->sealed_len, r->key, &o)) {
            bool pf = true;
            ok = put(b, first ? "" : ",", first ? 0 : 1) && puts_(b, "\"personal\":{") &&
                 put_member(b, "name", o.p.name, &pf) &&
                 put_member(b, "id_number", o.p.id_number, &pf) &&
                 put_member(b, "phone", o.p.phone, &pf) &&
                 put_member(b, "address", o.p.address, &pf) &&
                 put_member(b, "free_text", o.p.free_text, &pf) && put(b, "}", 1);
            outbox_opened_free(&o);
        } else {
            ok = puts_(b, first ? "\"personal_unreadable\":true" : ",\"personal_unreadable\":true");
        }
        first = false;
    }
    return ok && put(b, "}", 1);
}

static bool put_record(records_body *b, const outbox_key *k, const outbox_row *r)
{
    char num[32], created[40];
    records_time(r->created_wall, false, created, sizeof created);
    snprintf(num, sizeof num, ",\"seq\":%" PRId64, r->seq);
    bool ok = puts_(b, "{\"key\":") && put_str(b, r->key) && puts_(b, num) &&
         puts_(b, ",\"kind\":") && put_str(b, r->kind) && puts_(b, ",\"service_code\":") &&
         put_str(b, r->item_code) && puts_(b, ",\"created_at\":") && put_str(b, created) &&
         puts_(b, r->wall_synced ? ",\"clock_synced\":true" : ",\"clock_synced\":false") &&
         puts_(b, ",\"payload\":") && put_payload(b, k, r) && put(b, "}", 1);
    return ok;
}

bool records_build(records_body *b, const char *device_id, const outbox_key *k,
                   const outbox_row *rows, size_t n, size_t max_bytes, int64_t sent_at)
{
    memset(b, 0, sizeof *b);
    char sent[40];
    records_time(sent_at, true, sent, sizeof sent);
    bool ok = puts_(b, "{\"device_id\":") && put_str(b, device_id) &&
              puts_(b, ",\"sent_at\":") && put_str(b, sent) && puts_(b, ",\"records\":[");
    for (size_t i = 0; ok && i < n; i++) {
        size_t before = b->json.len;
        ok = (i == 0 || put(b, ",", 1)) && put_record(b, k, &rows[i]);
        /* "]}" still has to fit; the first record goes whatever its size */
        if (ok && i > 0 && b->json.len + 2 > max_bytes) {
            sodium_memzero(b->json.text + before, b->json.len - before);
            b->json.len = before;
            b->json.text[before] = '\0';
            break;
        }
        if (ok)
            b->taken = i + 1;
    }
    ok = ok && puts_(b, "]}");
    if (!ok)
        records_body_free(b);
    return ok;
}

/* ---- the reply -------------------------------------------------------------- */

const char *records_verdict_name(records_verdict v)
{
    static const char *const names[] = {"missing", "accepted", "duplicate", "rejected", "retry"};
    return (unsigned)v < sizeof names / sizeof *names ? names[v] : "?";
}

/* A reason as technicians will read it: printable, cut on a character. */
static void copy_reason(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; s[i] && n + 1 < size;) {
        size_t l = utf8_valid_seq((const unsigned char *)s + i, strlen(s + i));
        /* a technician reads it in `kioskctl queue`: control and format
         * characters (escape sequences, bidi overrides) show as '?' */
        if (!text_char_shown(s + i, l)) {
            out[n++] = '?';
            i += l ? l : 1;
            continue;
        }
        if (n + l >= size)
            break;
        memcpy(out + n, s + i, l);
        n += l;
        i += l;
    }
    out[n] = '\0';
}

bool records_parse_reply(const char *body, size_t len, const char *const *keys, size_t n,
                         records_result *out, char *why, size_t wsize)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (records_result){RECORDS_MISSING, ""};
    json_error_t err;
    json_t *root = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &err) : NULL;
    if (!root) {
        snprintf(why, wsize, "reply is not JSON (line %d, column %d: %.100s)",
                 body ? err.line : 0, body ? err.column : 0, body ? err.text : "empty");
        return false;
    }
    json_t *results = json_object_get(root, "results");
    bool ok = json_is_array(results);
    if (!ok)
        snprintf(why, wsize, "reply has no \"results\" array");
    size_t idx;
    json_t *it;
    json_array_foreach(ok ? results : NULL, idx, it)
    {
        json_t *key = json_object_get(it, "key"), *status = json_object_get(it, "status");
        json_t *reason = json_object_get(it, "reason");
        if (!json_is_object(it) || !json_is_string(key) || !json_is_string(status) ||
            (reason && !json_is_string(reason) && !json_is_null(reason))) {
            snprintf(why, wsize, "results[%zu] is not {\"key\", \"status\", \"reason\"}", idx);
            ok = false;
            break;
        }
        const char *s = json_string_value(status);
        records_verdict v = !strcmp(s, "accepted")    ? RECORDS_ACCEPTED
                            : !strcmp(s, "duplicate") ? RECORDS_DUPLICATE
                            : !strcmp(s, "rejected")  ? RECORDS_REJECTED
                            : !strcmp(s, "retry")     ? RECORDS_RETRY
                                                      : RECORDS_MISSING;
        if (v == RECORDS_MISSING) {
            snprintf(why, wsize, "results[%zu]: unknown status \"%.40s\"", idx, s);
            ok = false;
            break;
        }
        /* keys come back mostly in the order sent: look there first */
        const char *k = json_string_value(key);
        size_t at = n;
        if (idx < n && !strcmp(keys[idx], k))
            at = idx;
        for (size_t i = 0; at == n && i < n; i++)
            if (!strcmp(keys[i], k))
                at = i;
        if (at == n)
            continue; /* not ours: ignored */
        out[at].verdict = v;
        copy_reason(json_is_string(reason) ? json_string_value(reason) : "", out[at].reason,
                    sizeof out[at].reason);
    }
    json_decref(root);
    if (!ok)
        for (size_t i = 0; i < n; i++)
            out[i] = (records_result){RECORDS_MISSING, ""};
    return ok;
}

void records_reply_error(const char *body, size_t len, char *out, size_t size)
{
    out[0] = '\0';
    json_t *root = body ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *e = json_object_get(root, "error");
    if (json_is_string(e))
        copy_reason(json_string_value(e), out, size);
    json_decref(root);
}
