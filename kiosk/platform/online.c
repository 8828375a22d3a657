/*
 * online: see online.h.
 *
 * Two threads share one list of requests under on.mu (then the clock's
 * lock): "online" keeps the deadlines and posts the answers, "online-io"
 * owns the platform client and does one request at a time. A request is
 * QUEUED until the io thread takes it (SENDING), then DONE with its answer.
 * The deadline thread answers TIMEOUT for any request still unanswered at
 * its deadline -- a QUEUED one is then dropped unsent, a SENDING one is
 * left to finish and its late answer only feeds the progress cache. Both
 * are clock threads, so under the script harness a step waits for a
 * request in flight as it waits for any thread, and `wait` moves the
 * deadline on the virtual clock.
 *
 * The UI thread builds each request whole (method, path, body) before it
 * is queued, and alone keeps the idempotency keys ("intents", guarded
 * memory), so the threads never see the session.
 */
#include "platform/online.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "app/app.h"
#include "common/clock.h"
#include "platform/online_body.h"
#include "platform/platform.h"
#include "platform/records.h"
#include "platform/uploader.h"
#include "status/status.h"

#define STATUS_NAME "online"
#define MAX_INTENTS 32
#define MAX_CACHE 64
#define MAX_POSTS 16

typedef enum req_state { REQ_QUEUED, REQ_SENDING, REQ_DONE } req_state;

typedef struct request {
    struct request *next;
    uint64_t id;
    unsigned gen;           /* the session it was asked in */
    online_kind kind;
    req_state state;
    bool answered;          /* an answer (TIMEOUT) went out already */
    uint64_t deadline;      /* kiosk clock */
    const char *method;
    char path[320];
    char key[OUTBOX_UUID_SIZE];
    char receipt[40];
    char cache_key[80];     /* PROGRESS: "no:NUMBER" or "id:" + keyed hash */
    char service_code[65], date[11];    /* SLOTS */
    online_body body;       /* guarded: may hold names and ID numbers */
    online_answer *result;  /* DONE */
} request;

/* What was asked, under one idempotency key (UI thread only). */
typedef struct intent {
    bool used;
    online_kind kind;
    unsigned char hash[crypto_generichash_BYTES];
    char key[OUTBOX_UUID_SIZE];
    char receipt[40];
    int64_t created;        /* wall time of the first asking */
    uint64_t last;          /* for replacing the oldest */
} intent;

/* The last answer to one progress query: its text without notes. */
typedef struct cache_entry {
    char key[80];
    uint64_t at_ms;
    uint64_t used;
    char *json;             /* {"applications": [...]}, malloc'd */
} cache_entry;

static struct {
    pthread_mutex_t mu;
    clock_cond cv;
    pthread_t deadline_thread, io_thread;
    clock_thread *deadline_clk, *io_clk;
    bool running, stop;
    bool hang;              /* script `online hang`: nothing is sent */
    request *head;
    uint64_t next_id;
    unsigned gen;
    int source;
    app *app;
    platform *p;            /* the io thread's once started */
    bool configured;
    uint64_t deadline_ms;
    char device_id[80];
    unsigned char *hash_key;    /* guarded: keys the hashes of what was asked */
    intent *intents;            /* guarded, MAX_INTENTS */
    uint64_t intent_clock;
    cache_entry cache[MAX_CACHE];
    uint64_t cache_clock;
    bool skew_known;
    int64_t skew;           /* platform's Date - kiosk wall, seconds */
    /* the day of slots listed last (script platform-fill) */
    char fill_code[65], fill_date[11];
    char fill_slot[ONLINE_MAX_SLOTS][17];
    size_t n_fill;
} on = {.mu = PTHREAD_MUTEX_INITIALIZER, .source = -1};

static const char *kind_name(online_kind k)
{
    switch (k) {
    case ONLINE_TICKET:
        return "ticket";
    case ONLINE_SLOTS:
        return "slots";
    case ONLINE_BOOK:
        return "booking";
    case ONLINE_PROGRESS:
        return "progress";
    case ONLINE_CERTIFICATE:
        return "certificate";
    case ONLINE_SUBMIT:
        return "application";
    }
    return "?";
}

static const char *outcome_name(online_outcome o)
{
    static const char *const names[] = {"ok", "offline", "timeout", "refused", "fault", "none"};
    return (unsigned)o < sizeof names / sizeof *names ? names[o] : "?";
}

/* ---- answers ------------------------------------------------------------------ */

static online_answer *answer_new(const request *r)
{
    /* sodium_malloc puts the block against its trailing guard page: a size
     * that is a multiple of the alignment keeps the start aligned */
    size_t size = (sizeof(online_answer) + _Alignof(max_align_t) - 1) &
                  ~(_Alignof(max_align_t) - 1);
    online_answer *a = sodium_malloc(size);
    if (!a)
        return NULL;
    memset(a, 0, sizeof *a);
    a->id = r->id;
    a->kind = r->kind;
    a->data.kind = r->kind;
    snprintf(a->key, sizeof a->key, "%s", r->key);
    snprintf(a->receipt, sizeof a->receipt, "%s", r->receipt);
    return a;
}

void online_answer_free(online_answer *a)
{
    if (a)
        sodium_free(a); /* wipes: a certificate holds a name and an ID number */
}

const online_answer *online_event_answer(const hub_event *ev)
{
    if (!ev || on.source < 0 || ev->source != on.source || ev->kind != ONLINE_EV_ANSWER)
        return NULL;
    return ev->payload;
}

online_answer *online_take_answer(hub_event *ev)
{
    online_answer *a = (online_answer *)online_event_answer(ev);
    if (a)
        ev->payload = NULL;
    return a;
}

static void drop_answer(void *p)
{
    online_answer_free(p);
}

bool online_configured(void)
{
    return on.configured;
}

uint64_t online_deadline_ms(void)
{
    return on.deadline_ms ? on.deadline_ms : 8000;
}

/* ---- the progress cache (under on.mu) -------------------------------------------- */

static json_t *text_json(const online_text *t)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < t->n; i++)
        json_object_set_new(o, t->item[i].lang, json_string(t->item[i].text));
    return o;
}

static void cache_put(const char *key, const online_data *d, uint64_t now)
{
    json_t *root = json_object(), *list = json_array();
    for (size_t i = 0; root && list && i < d->progress.n; i++) {
        const online_application *x = &d->progress.app[i];
        json_t *o = json_object();
        json_object_set_new(o, "number", json_string(x->number));
        if (x->service_code[0])
            json_object_set_new(o, "service_code", json_string(x->service_code));
        json_object_set_new(o, "title", text_json(&x->title));
        json_object_set_new(o, "status", json_string(x->status));
        json_object_set_new(o, "status_text", text_json(&x->status_text));
        json_object_set_new(o, "updated_at", json_string(x->updated_at));
        json_array_append_new(list, o);
    }
    json_object_set_new(root, "applications", list);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (!text)
        return;
    cache_entry *slot = NULL;
    for (size_t i = 0; i < MAX_CACHE && !slot; i++)
        if (on.cache[i].json && !strcmp(on.cache[i].key, key))
            slot = &on.cache[i];
    for (size_t i = 0; i < MAX_CACHE && !slot; i++)
        if (!on.cache[i].json)
            slot = &on.cache[i];
    if (!slot) {    /* full: the query asked least recently goes */
        slot = &on.cache[0];
        for (size_t i = 1; i < MAX_CACHE; i++)
            if (on.cache[i].used < slot->used)
                slot = &on.cache[i];
    }
    free(slot->json);
    snprintf(slot->key, sizeof slot->key, "%s", key);
    slot->json = text;
    slot->at_ms = now;
    slot->used = ++on.cache_clock;
}

/* Fills a's data with the last known answer to key; false when none. */
static bool cache_get(const char *key, online_answer *a)
{
    for (size_t i = 0; i < MAX_CACHE; i++) {
        cache_entry *e = &on.cache[i];
        if (!e->json || strcmp(e->key, key))
            continue;
        char why[200];
        if (!online_reply_parse(ONLINE_PROGRESS, e->json, strlen(e->json), NULL, &a->data, why,
                                sizeof why))
            return false;
        e->used = ++on.cache_clock;
        a->cached = true;
        a->cached_ms = e->at_ms;
        return true;
    }
    return false;
}

static void cache_clear(void)
{
    for (size_t i = 0; i < MAX_CACHE; i++) {
        free(on.cache[i].json);
        memset(&on.cache[i], 0, sizeof on.cache[i]);
    }
}

/* ---- one request (the io thread) ------------------------------------------------- */

static void classify(online_answer *a, const platform_reply *rep, const request *r)
{
    snprintf(a->detail, sizeof a->detail, "%s", rep->error);
    switch (rep->err) {
    case PLATFORM_OK:
        break;
    case PLATFORM_ERR_NONE:
        a->outcome = ONLINE_NONE;
        snprintf(a->code, sizeof a->code, "%s", platform_err_name(rep->err));
        return;
    case PLATFORM_ERR_DNS:
    case PLATFORM_ERR_CONNECT:
    case PLATFORM_ERR_BROKEN:
        a->outcome = ONLINE_OFFLINE;
        snprintf(a->code, sizeof a->code, "%s", platform_err_name(rep->err));
        return;
    case PLATFORM_ERR_TIMEOUT:
        a->outcome = ONLINE_TIMEOUT;
        snprintf(a->code, sizeof a->code, "timeout");
        return;
    default:    /* TLS, pin, certificate, token file, memory */
        a->outcome = ONLINE_FAULT;
        snprintf(a->code, sizeof a->code, "%s", platform_err_name(rep->err));
        return;
    }
    a->status = rep->status;
    if (rep->status >= 200 && rep->status < 300) {
        char why[200];
        if (!online_reply_parse(r->kind, rep->body, rep->body_len, r->key, &a->data, why,
                                sizeof why)) {
            a->outcome = ONLINE_FAULT;
            snprintf(a->code, sizeof a->code, "bad_reply");
            snprintf(a->detail, sizeof a->detail, "HTTP %ld, reply not understood: %s",
                     rep->status, why);
            return;
        }
        a->outcome = ONLINE_OK;
        snprintf(a->detail, sizeof a->detail, "HTTP %ld in %.2f s", rep->status, rep->seconds);
        if (r->kind == ONLINE_SUBMIT) {
            online_verdict v = a->data.submit.verdict;
            if (v == ONLINE_REJECTED) {
                /* refused for good: as a 4xx would be */
                a->outcome = ONLINE_REFUSED;
                snprintf(a->code, sizeof a->code, "rejected");
                snprintf(a->detail, sizeof a->detail, "rejected: %.200s", a->data.submit.reason);
            } else if (v == ONLINE_RETRY) {
                a->outcome = ONLINE_FAULT;
                snprintf(a->code, sizeof a->code, "retry");
                snprintf(a->detail, sizeof a->detail, "not stored this time: %.180s",
                         a->data.submit.reason);
            }
        }
        return;
    }
    char code[48];
    online_reply_error(rep->body, rep->body_len, code, sizeof code);
    if (rep->status >= 400 && rep->status < 500) {
        a->outcome = ONLINE_REFUSED;
        if (code[0])
            snprintf(a->code, sizeof a->code, "%s", code);
        else
            snprintf(a->code, sizeof a->code, "http_%ld", rep->status);
    } else {
        a->outcome = ONLINE_FAULT;
        snprintf(a->code, sizeof a->code, "http_%ld", rep->status);
    }
    snprintf(a->detail, sizeof a->detail, "HTTP %ld%s%s", rep->status, code[0] ? " " : "", code);
}

time_t online_platform_time(void)
{
    pthread_mutex_lock(&on.mu);
    int64_t skew = on.skew_known ? on.skew : 0;
    pthread_mutex_unlock(&on.mu);
    return clock_wall() + (time_t)skew;
}

/* The io thread: what the platform's Date says of the kiosk's clock. */
static void note_date(int64_t server_date)
{
    if (!server_date)
        return;
    pthread_mutex_lock(&on.mu);
    on.skew = server_date - (int64_t)clock_wall();
    on.skew_known = true;
    pthread_mutex_unlock(&on.mu);
}

static online_answer *perform(platform *p, const request *r, int timeout_ms)
{
    online_answer *a = answer_new(r);
    if (!a)
        return NULL;
    platform_reply rep;
    for (int attempt = 0;; attempt++) {
        platform_request(p, r->method, r->path, r->body.text, r->body.len, timeout_ms, &rep);
        /* a kept-alive connection the platform closed meanwhile breaks on
         * the first write: once more on a fresh one, with the same key, is
         * safe for every request here */
        if (rep.err == PLATFORM_ERR_BROKEN && attempt == 0 &&
            clock_now_ms() + 250 < r->deadline) {
            platform_reply_clear(&rep);
            continue;
        }
        break;
    }
    note_date(rep.server_date);
    classify(a, &rep, r);
    platform_reply_clear(&rep); /* the body held personal data: wiped */
    return a;
}

static void report(const online_answer *a)
{
    char when[32], detail[160];
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(detail, sizeof detail, "%s %s at %s: %.90s", kind_name(a->kind),
             outcome_name(a->outcome), when, a->detail);
    bool fix = a->outcome == ONLINE_FAULT &&
               (!strcmp(a->code, "tls") || !strcmp(a->code, "pin") || !strcmp(a->code, "cert") ||
                !strcmp(a->code, "config"));
    fix |= a->outcome == ONLINE_REFUSED && (a->status == 401 || a->status == 403);
    status_state st = fix ? STATUS_HARDWARE_ERROR
                      : a->outcome == ONLINE_OK || a->outcome == ONLINE_REFUSED ? STATUS_ONLINE
                                                                                : STATUS_OFFLINE;
    /* no reason for residents: the uploader's "platform" already says
     * whether the platform is reached, and a screen says what failed */
    status_report(STATUS_NAME, st, NULL, detail);
}

static void *io_run(void *arg)
{
    (void)arg;
    clock_thread_bind(on.io_clk);
    if (on.configured) {
        /* once at start: is the platform there, and what day is it there */
        platform_reply rep;
        platform_request(on.p, "GET", "/v1/health", NULL, 0, (int)on.deadline_ms, &rep);
        note_date(rep.server_date);
        bool ok = rep.err == PLATFORM_OK && rep.status == 200;
        char detail[160];
        snprintf(detail, sizeof detail, "health at start: %.120s",
                 ok ? "ok" : rep.err == PLATFORM_OK ? "refused" : rep.error);
        status_report(STATUS_NAME, ok ? STATUS_ONLINE : STATUS_OFFLINE, NULL, detail);
        platform_reply_clear(&rep);
    }
    pthread_mutex_lock(&on.mu);
    while (!on.stop) {
        request *r = NULL;
        for (r = on.hang ? NULL : on.head; r && r->state != REQ_QUEUED; r = r->next)
            ;
        if (!r) {
            clock_cond_wait_until(&on.cv, &on.mu, CLOCK_FOREVER);
            continue;
        }
        r->state = REQ_SENDING;
        uint64_t now = clock_now_ms();
        /* the same deadline as the curl timeout: what is left of it */
        uint64_t left = r->deadline > now ? r->deadline - now : 0;
        int timeout = left < 250 ? 250 : (int)left;
        pthread_mutex_unlock(&on.mu);
        online_answer *a = perform(on.p, r, timeout);
        if (a)
            report(a);
        pthread_mutex_lock(&on.mu);
        r->result = a;
        r->state = REQ_DONE;
        clock_cond_broadcast(&on.cv);
    }
    pthread_mutex_unlock(&on.mu);
    clock_thread_exit(on.io_clk);
    return NULL;
}

/* ---- the deadline thread ------------------------------------------------------------ */

static void request_free(request *r)
{
    if (!r)
        return;
    online_body_free(&r->body);
    online_answer_free(r->result);
    free(r);
}

/* A TIMEOUT by the kiosk clock, or NULL when memory is short. */
static online_answer *deadline_answer(const request *r)
{
    online_answer *a = answer_new(r);
    if (a) {
        a->outcome = ONLINE_TIMEOUT;
        snprintf(a->code, sizeof a->code, "deadline");
        snprintf(a->detail, sizeof a->detail, "no answer within %llu ms (kiosk clock)%s",
                 (unsigned long long)on.deadline_ms,
                 r->state == REQ_QUEUED ? ", not sent" : "");
    }
    return a;
}

/* Under on.mu: what r's answer becomes. A progress answer feeds the cache
 * when it is one, or is filled from it when the platform could not be
 * asked. Returns the answer to post, or NULL (late, or another session's). */
static online_answer *settle_answer(request *r, online_answer *a)
{
    if (!a)
        return NULL;
    /* What a resident just met says something of the network: when it
     * disagrees with the uploader's "platform" status (what the status bar
     * shows), the uploader looks now instead of at its next minute. */
    status_entry st;
    bool platform_online = status_get("platform", &st) && st.state == STATUS_ONLINE;
    if ((a->outcome == ONLINE_OK && !platform_online) ||
        (a->outcome == ONLINE_OFFLINE && platform_online))
        uploader_wake();
    if (r->kind == ONLINE_PROGRESS) {
        if (a->outcome == ONLINE_OK)
            cache_put(r->cache_key, &a->data, clock_now_ms());
        else if (a->outcome == ONLINE_OFFLINE || a->outcome == ONLINE_TIMEOUT)
            cache_get(r->cache_key, a);
    }
    if (r->kind == ONLINE_SLOTS && a->outcome == ONLINE_OK) {
        snprintf(on.fill_code, sizeof on.fill_code, "%s", r->service_code);
        snprintf(on.fill_date, sizeof on.fill_date, "%s", r->date);
        on.n_fill = 0;
        for (size_t i = 0; i < a->data.slots.n; i++)
            if (a->data.slots.slot[i].free > 0)
                snprintf(on.fill_slot[on.n_fill++], sizeof on.fill_slot[0], "%s",
                         a->data.slots.slot[i].id);
    }
    if (r->gen != on.gen) { /* the resident it was for has gone */
        online_answer_free(a);
        return NULL;
    }
    return a;
}

static void *deadline_run(void *arg)
{
    (void)arg;
    clock_thread_bind(on.deadline_clk);
    pthread_mutex_lock(&on.mu);
    while (!on.stop) {
        online_answer *posts[MAX_POSTS];
        int n = 0;
        uint64_t now = clock_now_ms(), next = CLOCK_FOREVER;
        for (request **pp = &on.head; *pp && n < MAX_POSTS;) {
            request *r = *pp;
            if (r->state == REQ_DONE) {
                *pp = r->next;
                online_answer *a = r->result;
                r->result = NULL;
                if (r->answered) {  /* late: the cache may still learn from it */
                    if (r->kind == ONLINE_PROGRESS && a && a->outcome == ONLINE_OK)
                        cache_put(r->cache_key, &a->data, now);
                    online_answer_free(a);
                } else if ((a = settle_answer(r, a)) != NULL) {
                    posts[n++] = a;
                }
                request_free(r);
                continue;
            }
            if (!r->answered && now >= r->deadline) {
                r->answered = true;
                online_answer *a = settle_answer(r, deadline_answer(r));
                if (a)
                    posts[n++] = a;
                if (r->state == REQ_QUEUED) {   /* never sent: it goes */
                    *pp = r->next;
                    request_free(r);
                    continue;
                }
            } else if (!r->answered && r->deadline < next) {
                next = r->deadline;
            }
            pp = &r->next;
        }
        if (n) {
            pthread_mutex_unlock(&on.mu);
            for (int i = 0; i < n; i++)
                hub_post(on.source, ONLINE_EV_ANSWER, posts[i], drop_answer);
            pthread_mutex_lock(&on.mu);
            continue;
        }
        clock_cond_wait_until(&on.cv, &on.mu, next);
    }
    pthread_mutex_unlock(&on.mu);
    clock_thread_exit(on.deadline_clk);
    return NULL;
}

/* ---- asking (UI thread) -------------------------------------------------------------- */

static bool code_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_' || c == ':' || c == '.'))
            return false;
    }
    return true;
}

static bool date_ok(const char *s)
{
    return s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' && code_ok(s, 10);
}

static request *request_new(online_kind kind, const char *method)
{
    request *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->kind = kind;
    r->method = method;
    return r;
}

/* Queues r (taking it); its id, or 0. */
static uint64_t enqueue(request *r)
{
    if (!r)
        return 0;
    if (r->body.oom) {
        request_free(r);
        return 0;
    }
    pthread_mutex_lock(&on.mu);
    if (!on.running || on.stop) {
        pthread_mutex_unlock(&on.mu);
        request_free(r);
        return 0;
    }
    r->id = ++on.next_id;
    r->gen = on.gen;
    r->deadline = clock_now_ms() + on.deadline_ms;
    request **pp = &on.head;
    while (*pp)
        pp = &(*pp)->next;
    *pp = r;
    clock_cond_broadcast(&on.cv);
    uint64_t id = r->id;
    pthread_mutex_unlock(&on.mu);
    return id;
}

static void body_start(online_body *b)
{
    online_body_open(b, NULL);
    online_body_member(b, "device_id", on.device_id);
}

static void make_uuid(char out[OUTBOX_UUID_SIZE])
{
    outbox_uuid(out);
}

/* The intent for what[0..len) of kind: the one asked before in this
 * session, or a new one with a fresh key. NULL when the table is not
 * there (memory). */
static intent *intent_for(online_kind kind, const char *what, size_t len)
{
    if (!on.intents || !on.hash_key)
        return NULL;
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)what, len, on.hash_key,
                       crypto_generichash_KEYBYTES);
    intent *slot = NULL;
    for (size_t i = 0; i < MAX_INTENTS; i++)
        if (on.intents[i].used && on.intents[i].kind == kind &&
            !sodium_memcmp(on.intents[i].hash, h, sizeof h)) {
            on.intents[i].last = ++on.intent_clock;
            return &on.intents[i];
        }
    for (size_t i = 0; i < MAX_INTENTS && !slot; i++)
        if (!on.intents[i].used)
            slot = &on.intents[i];
    if (!slot) {
        slot = &on.intents[0];
        for (size_t i = 1; i < MAX_INTENTS; i++)
            if (on.intents[i].last < slot->last)
                slot = &on.intents[i];
    }
    sodium_memzero(slot, sizeof *slot);
    slot->used = true;
    slot->kind = kind;
    memcpy(slot->hash, h, sizeof h);
    make_uuid(slot->key);
    slot->created = (int64_t)clock_wall();
    slot->last = ++on.intent_clock;
    return slot;
}

static void intent_drop(const char *key)
{
    for (size_t i = 0; on.intents && key[0] && i < MAX_INTENTS; i++)
        if (on.intents[i].used && !strcmp(on.intents[i].key, key))
            sodium_memzero(&on.intents[i], sizeof on.intents[i]);
}

uint64_t online_ticket(const char *service_code)
{
    if (!code_ok(service_code, 64))
        return 0;
    request *r = request_new(ONLINE_TICKET, "POST");
    if (!r)
        return 0;
    char what[80];
    snprintf(what, sizeof what, "ticket\x1f%s", service_code);
    intent *in = intent_for(ONLINE_TICKET, what, strlen(what));
    if (in)
        snprintf(r->key, sizeof r->key, "%s", in->key);
    else
        make_uuid(r->key);
    snprintf(r->path, sizeof r->path, "/v1/queue/tickets");
    body_start(&r->body);
    online_body_member(&r->body, "key", r->key);
    online_body_member(&r->body, "service_code", service_code);
    online_body_close(&r->body);
    return enqueue(r);
}

uint64_t online_slots(const char *service_code, const char *date)
{
    char code[200], day[40];
    if (!code_ok(service_code, 64) || !date_ok(date) ||
        !online_url_value(service_code, code, sizeof code) ||
        !online_url_value(date, day, sizeof day))
        return 0;
    request *r = request_new(ONLINE_SLOTS, "GET");
    if (!r)
        return 0;
    snprintf(r->path, sizeof r->path, "/v1/appointments/slots?service_code=%s&date=%s", code,
             day);
    snprintf(r->service_code, sizeof r->service_code, "%s", service_code);
    snprintf(r->date, sizeof r->date, "%s", date);
    return enqueue(r);
}

uint64_t online_book(const char *service_code, const char *date, const char *slot_id,
                     const online_resident *res)
{
    if (!code_ok(service_code, 64) || !date_ok(date) || !code_ok(slot_id, 16) || !res ||
        !res->name || !*res->name || !res->id_number || !*res->id_number || !res->phone ||
        !*res->phone)
        return 0;
    request *r = request_new(ONLINE_BOOK, "POST");
    if (!r)
        return 0;
    /* the same booking asked again is the same booking: its key says so */
    online_body what = {0};
    online_body_raw(&what, "book\x1f");
    online_body_raw(&what, service_code);
    online_body_raw(&what, "\x1f");
    online_body_raw(&what, date);
    online_body_raw(&what, "\x1f");
    online_body_raw(&what, slot_id);
    online_body_raw(&what, "\x1f");
    online_body_raw(&what, res->id_number);
    online_body_raw(&what, "\x1f");
    online_body_raw(&what, res->name);
    online_body_raw(&what, "\x1f");
    online_body_raw(&what, res->phone);
    intent *in = what.oom ? NULL : intent_for(ONLINE_BOOK, what.text, what.len);
    online_body_free(&what);
    if (in)
        snprintf(r->key, sizeof r->key, "%s", in->key);
    else
        make_uuid(r->key);
    snprintf(r->path, sizeof r->path, "/v1/appointments");
    body_start(&r->body);
    online_body_member(&r->body, "key", r->key);
    online_body_member(&r->body, "service_code", service_code);
    online_body_member(&r->body, "date", date);
    online_body_member(&r->body, "slot_id", slot_id);
    online_body_open(&r->body, "resident");
    online_body_member(&r->body, "id_number", res->id_number);
    online_body_member(&r->body, "name", res->name);
    online_body_member(&r->body, "phone", res->phone);
    online_body_close(&r->body);
    online_body_close(&r->body);
    return enqueue(r);
}

uint64_t online_progress(const char *application_no)
{
    request *r = NULL;
    if (application_no) {
        /* typed by a resident: blanks around it and the case do not count */
        char no[72];
        size_t n = 0;
        for (const char *c = application_no; *c && n + 1 < sizeof no; c++)
            if (*c != ' ')
                no[n++] = (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c;
        no[n] = '\0';
        if (!code_ok(no, 64) || !(r = request_new(ONLINE_PROGRESS, "POST")))
            return 0;
        snprintf(r->cache_key, sizeof r->cache_key, "no:%s", no);
        body_start(&r->body);
        online_body_member(&r->body, "application_no", no);
        online_body_close(&r->body);
    } else {
        const idcard_identity *id = on.app ? session_identity(app_session(on.app)) : NULL;
        if (!id || !id->id_number[0] || !on.hash_key || !(r = request_new(ONLINE_PROGRESS, "POST")))
            return 0;
        /* the cache never holds the number: a hash keyed by a secret of
         * this run stands for it */
        unsigned char h[16];
        crypto_generichash(h, sizeof h, (const unsigned char *)id->id_number,
                           strlen(id->id_number), on.hash_key, crypto_generichash_KEYBYTES);
        char hex[sizeof h * 2 + 1];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        snprintf(r->cache_key, sizeof r->cache_key, "id:%s", hex);
        body_start(&r->body);
        online_body_member(&r->body, "id_number", id->id_number);
        online_body_close(&r->body);
    }
    snprintf(r->path, sizeof r->path, "/v1/progress");
    return enqueue(r);
}

uint64_t online_certificate(const char *kind, const char *id_number)
{
    if (!code_ok(kind, 32) || !id_number || !*id_number || strlen(id_number) > 32)
        return 0;
    request *r = request_new(ONLINE_CERTIFICATE, "POST");
    if (!r)
        return 0;
    snprintf(r->path, sizeof r->path, "/v1/certificates");
    body_start(&r->body);
    online_body_member(&r->body, "kind", kind);
    online_body_member(&r->body, "id_number", id_number);
    online_body_close(&r->body);
    return enqueue(r);
}

/* Whether the kernel says the wall clock is synchronised (as the outbox
 * records it: the platform weighs a time from an unsynchronised clock). */
static bool wall_synced(void)
{
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int st = ntp_adjtime(&tx);
    return st >= 0 && st != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

/* The number on an online application's receipt: its day, the time of
 * day where the outbox puts its sequence number, and the key's first four
 * characters -- the same shape as the queue's (20261122-000001-0713). */
static void receipt_number(int64_t created, const char *key, char *out, size_t size)
{
    time_t t = (time_t)created;
    struct tm tm;
    localtime_r(&t, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y%m%d-%H%M%S", &tm);
    snprintf(out, size, "%s-%.4s", day, key);
    for (char *c = out; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
}

uint64_t online_submit(const outbox_txn *t)
{
    if (!t || !code_ok(t->kind, 32) || (t->item_code && !code_ok(t->item_code, 64)))
        return 0;
    /* the payload is the form's, without personal data: it must be an object */
    const char *payload = t->payload ? t->payload : "{}";
    json_t *pj = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
    bool is_obj = json_is_object(pj), empty = json_object_size(pj) == 0;
    json_decref(pj);
    if (!is_obj)
        return 0;
    request *r = request_new(ONLINE_SUBMIT, "POST");
    if (!r)
        return 0;
    const outbox_personal *p = &t->personal;
    online_body what = {0};
    const char *parts[] = {t->kind, t->item_code, payload, p->name, p->id_number, p->phone,
                           p->address, p->free_text};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        online_body_raw(&what, parts[i] ? parts[i] : "");
        online_body_raw(&what, "\x1f");
    }
    intent *in = what.oom ? NULL : intent_for(ONLINE_SUBMIT, what.text, what.len);
    online_body_free(&what);
    int64_t created = in ? in->created : (int64_t)clock_wall();
    if (in)
        snprintf(r->key, sizeof r->key, "%s", in->key);
    else
        make_uuid(r->key);
    if (in && !in->receipt[0])
        receipt_number(created, in->key, in->receipt, sizeof in->receipt);
    if (in)
        snprintf(r->receipt, sizeof r->receipt, "%s", in->receipt);
    else
        receipt_number(created, r->key, r->receipt, sizeof r->receipt);
    char sent[40], at[40];
    records_time((int64_t)clock_wall(), true, sent, sizeof sent);
    records_time(created, false, at, sizeof at);
    snprintf(r->path, sizeof r->path, "/v1/records");
    online_body *b = &r->body;
    body_start(b);
    online_body_member(b, "sent_at", sent);
    online_body_member_raw(b, "records", "[");
    online_body_open(b, NULL);
    online_body_member(b, "key", r->key);
    online_body_member_raw(b, "seq", "0");
    online_body_member(b, "kind", t->kind);
    online_body_member(b, "service_code", t->item_code);
    online_body_member(b, "created_at", at);
    online_body_member_raw(b, "clock_synced", wall_synced() ? "true" : "false");
    /* the form's payload with the number and the personal fields added,
     * as the uploader sends a queued application */
    online_body_member_raw(b, "payload", "");
    if (empty) {
        online_body_open(b, NULL);
    } else {
        size_t end = strlen(payload);
        while (end && payload[end - 1] != '}')
            end--;
        char *head = strndup(payload, end ? end - 1 : 0);
        online_body_raw(b, head ? head : "{");
        if (!head)
            b->oom = true;
        free(head);
        b->first = false;
    }
    online_body_member(b, "receipt_no", r->receipt);
    if (p->name || p->id_number || p->phone || p->address || p->free_text) {
        online_body_open(b, "personal");
        online_body_member(b, "name", p->name);
        online_body_member(b, "id_number", p->id_number);
        online_body_member(b, "phone", p->phone);
        online_body_member(b, "address", p->address);
        online_body_member(b, "free_text", p->free_text);
        online_body_close(b);
    }
    online_body_close(b);   /* payload */
    online_body_close(b);   /* the record */
    online_body_raw(b, "]");
    online_body_close(b);
    return enqueue(r);
}

/* ---- the service ----------------------------------------------------------------------- */

/* UI thread, before any screen: a refusal made nothing, so what was asked
 * may be asked afresh under a new key; every answer is logged for
 * technicians (never a value a resident gave). */
static void on_answer(void *user, hub_event *ev)
{
    (void)user;
    const online_answer *a = online_event_answer(ev);
    if (!a)
        return;
    if (a->outcome == ONLINE_REFUSED)
        intent_drop(a->key);
    if (a->outcome != ONLINE_OK)
        fprintf(stderr, "online: %s #%llu %s (%s): %s\n", kind_name(a->kind),
                (unsigned long long)a->id, outcome_name(a->outcome), a->code, a->detail);
}

static bool online_start(app *a)
{
    on.app = a;
    if (sodium_init() < 0) {
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, NULL, "libsodium did not start");
        return false;
    }
    on.source = hub_source("online");
    hub_on(on.source, on_answer, NULL);
    on.deadline_ms = (uint64_t)a->cfg->platform_online_deadline * 1000u;
    char why[300] = "";
    on.p = platform_new(a->cfg, why, sizeof why);
    if (!on.p) {
        fprintf(stderr, "online: %s\n", why);
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, NULL, why);
        return false;
    }
    on.configured = platform_enabled(on.p);
    snprintf(on.device_id, sizeof on.device_id, "%s", platform_device_id(on.p));
    on.hash_key = sodium_malloc(crypto_generichash_KEYBYTES);
    on.intents = sodium_malloc(sizeof(intent) * MAX_INTENTS);
    if (on.hash_key)
        randombytes_buf(on.hash_key, crypto_generichash_KEYBYTES);
    if (on.intents)
        sodium_memzero(on.intents, sizeof(intent) * MAX_INTENTS);
    status_report(STATUS_NAME, on.configured ? STATUS_ONLINE : STATUS_NO_DEVICE, NULL,
                  on.configured ? "ready; nothing asked yet"
                                : "no [platform] endpoint: online services answer offline");
    clock_cond_init(&on.cv);
    on.deadline_clk = clock_thread_new("online");
    on.io_clk = clock_thread_new("online-io");
    pthread_mutex_lock(&on.mu);
    on.stop = false;
    on.hang = false;
    on.running = true;
    pthread_mutex_unlock(&on.mu);
    bool d_ok = pthread_create(&on.deadline_thread, NULL, deadline_run, NULL) == 0;
    bool io_ok = d_ok && pthread_create(&on.io_thread, NULL, io_run, NULL) == 0;
    if (!io_ok) {
        pthread_mutex_lock(&on.mu);
        on.stop = true;
        clock_cond_broadcast(&on.cv);
        on.running = false;
        pthread_mutex_unlock(&on.mu);
        if (d_ok)
            pthread_join(on.deadline_thread, NULL);
        clock_thread_free(on.deadline_clk);
        clock_thread_free(on.io_clk);
        on.deadline_clk = on.io_clk = NULL;
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, NULL, "online threads did not start");
        return false;
    }
    return true;
}

static void online_stop(app *a)
{
    (void)a;
    pthread_mutex_lock(&on.mu);
    if (!on.running) {
        pthread_mutex_unlock(&on.mu);
        return;
    }
    on.stop = true;
    clock_cond_broadcast(&on.cv);
    pthread_mutex_unlock(&on.mu);
    pthread_join(on.deadline_thread, NULL);
    pthread_join(on.io_thread, NULL);
    clock_thread_free(on.deadline_clk);
    clock_thread_free(on.io_clk);
    on.deadline_clk = on.io_clk = NULL;
    clock_cond_destroy(&on.cv);
    while (on.head) {
        request *r = on.head;
        on.head = r->next;
        request_free(r);
    }
    cache_clear();
    platform_free(on.p);
    on.p = NULL;
    if (on.intents)
        sodium_free(on.intents);
    if (on.hash_key)
        sodium_free(on.hash_key);
    on.intents = NULL;
    on.hash_key = NULL;
    on.running = false;
    on.app = NULL;
}

/* The resident has gone: the keys of what they asked are forgotten, and
 * answers still on their way are wiped unread. */
static void online_session_ended(app *a)
{
    (void)a;
    pthread_mutex_lock(&on.mu);
    on.gen++;
    pthread_mutex_unlock(&on.mu);
    if (on.intents)
        sodium_memzero(on.intents, sizeof(intent) * MAX_INTENTS);
}

/* ---- script verbs ------------------------------------------------------------------------ */

/* online hang|answer: the platform takes requests and never answers (they
 * wait unsent, and the deadline answers on the kiosk clock) / answers
 * again. */
static bool hang_check(const char *arg, char *err, size_t err_size)
{
    if (!strcmp(arg, "hang") || !strcmp(arg, "answer"))
        return true;
    snprintf(err, err_size, "online: expected hang or answer, not '%s'", arg);
    return false;
}

static bool hang_run(app *a, const char *arg, char *err, size_t err_size)
{
    (void)a;
    pthread_mutex_lock(&on.mu);
    bool running = on.running;
    on.hang = !strcmp(arg, "hang");
    clock_cond_broadcast(&on.cv);
    pthread_mutex_unlock(&on.mu);
    if (!running)
        snprintf(err, err_size, "online: not running");
    return running;
}

static const char *const fault_kinds[] = {"slow", "lost", "reset", "malformed", "500", "503",
                                          "429", "409", "none"};

static bool fault_check(const char *arg, char *err, size_t err_size)
{
    for (size_t i = 0; i < sizeof fault_kinds / sizeof *fault_kinds; i++)
        if (!strcmp(arg, fault_kinds[i]))
            return true;
    snprintf(err, err_size,
             "platform-fault: expected slow, lost, reset, malformed, 500, 503, 429, 409 or "
             "none, not '%s'",
             arg);
    return false;
}

/* platform-fault KIND: the reference platform (platform/refplat.py) does
 * KIND to the next request of the online services (`slow` outlasts the
 * online deadline by two seconds). */
static bool fault_run(app *a, const char *arg, char *err, size_t err_size)
{
    char why[200];
    platform *p = platform_new(a->cfg, why, sizeof why);
    if (!p || !platform_enabled(p)) {
        snprintf(err, err_size, "platform-fault: no [platform] endpoint");
        platform_free(p);
        return false;
    }
    char body[200];
    snprintf(body, sizeof body, "{\"online\": true, \"next\": [\"%s\"], \"slow_seconds\": %d}",
             arg, a->cfg->platform_online_deadline + 2);
    platform_reply r;
    platform_request(p, "POST", "/_admin/faults", body, strlen(body), 5000, &r);
    bool ok = r.err == PLATFORM_OK && r.status == 200;
    if (!ok)
        snprintf(err, err_size, "platform-fault %s: %s (HTTP %ld)", arg,
                 r.err == PLATFORM_OK ? "refused" : r.error, r.status);
    platform_reply_clear(&r);
    platform_free(p);
    return ok;
}

/* platform-fill: other residents take every place left on the day the
 * kiosk listed last, at the reference platform, so booking any time of it
 * now meets slot_full. */
static bool fill_run(app *a, const char *arg, char *err, size_t err_size)
{
    (void)arg;
    char code[65], date[11], slots[ONLINE_MAX_SLOTS][17];
    pthread_mutex_lock(&on.mu);
    snprintf(code, sizeof code, "%s", on.fill_code);
    snprintf(date, sizeof date, "%s", on.fill_date);
    size_t n = on.n_fill;
    memcpy(slots, on.fill_slot, sizeof slots);
    pthread_mutex_unlock(&on.mu);
    if (!n) {
        snprintf(err, err_size, "platform-fill: no free time was listed");
        return false;
    }
    char why[200];
    platform *p = platform_new(a->cfg, why, sizeof why);
    if (!p || !platform_enabled(p)) {
        snprintf(err, err_size, "platform-fill: no [platform] endpoint");
        platform_free(p);
        return false;
    }
    bool ok = true;
    for (size_t k = 0; ok && k < n; k++) {
        bool full = false;
        for (int i = 0; i < 100 && ok && !full; i++) {
            char key[OUTBOX_UUID_SIZE], body[2048]; /* code, date, slot: bounded by callers */
            outbox_uuid(key);
            /* a made-up resident with a valid check digit, never a real one */
            snprintf(body, sizeof body,
                     "{\"device_id\": \"script\", \"key\": \"%s\", \"service_code\": "
                     "\"%s\", \"date\": \"%s\", \"slot_id\": \"%s\", \"resident\": "
                     "{\"id_number\": \"11010519491231002X\", \"name\": \"Other\", "
                     "\"phone\": \"13900000000\"}}",
                     key, code, date, slots[k]);
            platform_reply r;
            platform_request(p, "POST", "/v1/appointments", body, strlen(body), 5000, &r);
            char e[48];
            online_reply_error(r.body, r.body_len, e, sizeof e);
            full = r.err == PLATFORM_OK && r.status == 422 && !strcmp(e, "slot_full");
            ok = full || (r.err == PLATFORM_OK && r.status == 200);
            if (!ok)
                snprintf(err, err_size, "platform-fill: %s (HTTP %ld %s)",
                         r.err == PLATFORM_OK ? "refused" : r.error, r.status, e);
            platform_reply_clear(&r);
        }
    }
    platform_free(p);
    return ok;
}

static const app_verb verbs[] = {
    {"online", true, hang_check, hang_run, NULL},
    {"platform-fault", true, fault_check, fault_run, NULL},
    {"platform-fill", false, NULL, fill_run, NULL},
};

const app_service online_service = {
    .name = "online",
    .start = online_start,
    .stop = online_stop,
    .session_ended = online_session_ended,
    .verbs = verbs,
    .n_verbs = sizeof verbs / sizeof *verbs,
};
