/*
 * outbox: see outbox.h.
 *
 * Lock order: ob.mu, then the clock's (clock_cond_wait_until). The store
 * is touched by the thread only; the queue by both sides under ob.mu.
 */
#include "outbox/outbox.h"
#include "print/receipt_store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "app/app.h"
#include "common/clock.h"
#include "outbox/outbox_fault.h"
#include "outbox/outbox_store.h"
#include "status/status.h"

#define STATUS_NAME "storage"
#define PURGE_EVERY_MS (3600u * 1000u)

/* One queued transaction: a single guarded block holding the struct and
 * copies of every string, wiped as a whole when freed. */
typedef struct item {
    struct item *next;
    uint64_t ticket;
    outbox_txn txn;
    size_t size;
} item;

static struct {
    pthread_mutex_t mu;
    clock_cond cv;
    pthread_t thread;
    clock_thread *clk;
    bool running, stop;
    bool hold;              /* script `outbox hold`: queue, do not write */
    enum { OPENING, OPENED, OPEN_FAILED } open_state;
    item *head, *tail;
    uint64_t next_ticket;
    int source;
    outbox_limits lim;
} ob = {.mu = PTHREAD_MUTEX_INITIALIZER, .source = -1};

const char *outbox_reason_key(outbox_result r)
{
    switch (r) {
    case OUTBOX_ERR_CAP_COUNT:
    case OUTBOX_ERR_CAP_AGE:
        return "outbox.cap_reached";
    case OUTBOX_ERR_FULL:
    case OUTBOX_ERR_READONLY:
    case OUTBOX_ERR_CORRUPT:
    case OUTBOX_ERR_IO:
        return "outbox.storage_fault";
    case OUTBOX_ERR_DUPLICATE:
        return "outbox.duplicate";
    default:
        return "outbox.failed";
    }
}

static size_t len0(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static const char *put_str(char **cursor, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = *cursor;
    memcpy(d, s, n);
    *cursor += n;
    return d;
}

static void item_free(item *it)
{
    if (it)
        sodium_free(it); /* wipes the copies of the personal fields */
}

static item *item_copy(const outbox_txn *t)
{
    const outbox_personal *p = &t->personal;
    size_t size = sizeof(item) + len0(t->kind) + len0(t->key) + len0(t->item_code) +
                  len0(t->payload) +
                  len0(p->name) + len0(p->id_number) + len0(p->phone) + len0(p->address) +
                  len0(p->free_text);
    /* sodium_malloc puts the block against its trailing guard page, so the
     * start is only aligned when the size is a multiple of the alignment */
    size = (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    item *it = sodium_malloc(size);
    if (!it)
        return NULL;
    memset(it, 0, sizeof *it);
    it->size = size;
    char *c = (char *)(it + 1);
    it->txn.kind = put_str(&c, t->kind);
    it->txn.key = put_str(&c, t->key);
    it->txn.item_code = put_str(&c, t->item_code);
    it->txn.payload = put_str(&c, t->payload);
    it->txn.personal.name = put_str(&c, p->name);
    it->txn.personal.id_number = put_str(&c, p->id_number);
    it->txn.personal.phone = put_str(&c, p->phone);
    it->txn.personal.address = put_str(&c, p->address);
    it->txn.personal.free_text = put_str(&c, p->free_text);
    return it;
}

uint64_t outbox_submit(const outbox_txn *t)
{
    if (!t || !t->kind)
        return 0;
    item *it = item_copy(t);
    if (!it)
        return 0;
    pthread_mutex_lock(&ob.mu);
    if (!ob.running || ob.stop) {
        pthread_mutex_unlock(&ob.mu);
        item_free(it);
        return 0;
    }
    it->ticket = ++ob.next_ticket;
    if (ob.tail)
        ob.tail->next = it;
    else
        ob.head = it;
    ob.tail = it;
    uint64_t ticket = it->ticket;
    clock_cond_broadcast(&ob.cv);
    pthread_mutex_unlock(&ob.mu);
    return ticket;
}

bool outbox_wait_open(void)
{
    pthread_mutex_lock(&ob.mu);
    while (ob.running && !ob.stop && ob.open_state == OPENING)
        clock_cond_wait_until(&ob.cv, &ob.mu, CLOCK_FOREVER);
    bool open = ob.running && ob.open_state == OPENED;
    pthread_mutex_unlock(&ob.mu);
    return open;
}

const outbox_done *outbox_event_done(const hub_event *ev)
{
    if (!ev || ev->source != ob.source || ob.source < 0)
        return NULL;
    return ev->payload;
}

static void report(outbox_store *s, outbox_result last, const char *detail)
{
    if (last == OUTBOX_OK || last == OUTBOX_ERR_CAP_COUNT || last == OUTBOX_ERR_CAP_AGE) {
        /* the rows waiting are the uploader's to show ("platform") */
        /* a cap is the queue doing its job, not a broken disk: online,
         * with the technician told in the detail */
        status_report(STATUS_NAME, STATUS_ONLINE, NULL, detail);
    } else {
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR,
                      last == OUTBOX_ERR_FULL       ? "status.storage_full"
                      : last == OUTBOX_ERR_READONLY ? "status.storage_readonly"
                                                    : "status.storage_fault",
                      detail);
    }
}

static void write_one(outbox_store *s, item *it)
{
    outbox_done *d = calloc(1, sizeof *d);
    char why[300] = "";
    outbox_receipt rc;
    outbox_result r = outbox_store_put(s, &it->txn, &rc, why, sizeof why);
    if (!d)
        return; /* nobody can be told; the status below still says it */
    d->ticket = it->ticket;
    d->result = r;
    if (r == OUTBOX_OK) {
        d->receipt = rc;
        hub_post(ob.source, OUTBOX_EV_DURABLE, d, free);
        report(s, r, "last write durable");
    } else {
        d->reason_key = outbox_reason_key(r);
        hub_post(ob.source, OUTBOX_EV_FAILED, d, free);
        fprintf(stderr, "outbox: transaction not stored (%s): %s\n", outbox_result_name(r), why);
        /* a duplicate (a second rating of one transaction) or a bad
         * request says nothing about the disk: the status stays */
        if (r != OUTBOX_ERR_DUPLICATE && r != OUTBOX_ERR_INVALID)
            report(s, r, why);
    }
}

static void *run(void *arg)
{
    (void)arg;
    clock_thread_bind(ob.clk);
    outbox_store s;
    char why[600] = "";
    outbox_result r = outbox_store_open(&s, &ob.lim, why, sizeof why);
    pthread_mutex_lock(&ob.mu);
    ob.open_state = r == OUTBOX_OK ? OPENED : OPEN_FAILED;
    clock_cond_broadcast(&ob.cv);
    pthread_mutex_unlock(&ob.mu);
    if (r != OUTBOX_OK) {
        fprintf(stderr, "outbox: %s\n", why);
        report(&s, r == OUTBOX_OK ? OUTBOX_ERR_IO : r, why);
    } else {
        if (s.info.moved_aside[0]) {
            /* the technician salvages it with `kioskctl queue salvage` */
            fprintf(stderr, "outbox: damaged queue moved aside to %s; started a new one\n",
                    s.info.moved_aside);
            status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, "status.storage_fault",
                          "damaged queue moved aside; run kioskctl queue salvage");
        }
        report(&s, OUTBOX_OK, "queue open");
    }
    uint64_t next_purge = clock_now_ms();
    pthread_mutex_lock(&ob.mu);
    while (!ob.stop) {
        if (ob.head && !ob.hold) {
            item *it = ob.head;
            ob.head = it->next;
            if (!ob.head)
                ob.tail = NULL;
            pthread_mutex_unlock(&ob.mu);
            write_one(&s, it);
            item_free(it);
            pthread_mutex_lock(&ob.mu);
            continue;
        }
        if (clock_now_ms() >= next_purge) {
            pthread_mutex_unlock(&ob.mu);
            int purged = 0;
            if (s.db)
                outbox_db_purge(s.db, (int64_t)clock_wall(), &purged);
            /* the receipts kept for reprint go with their transactions:
             * by the same retention, in the same hourly pass */
            if (ob.lim.retention_days > 0)
                receipt_store_purge(clock_wall() - (time_t)ob.lim.retention_days * 86400);
            pthread_mutex_lock(&ob.mu);
            next_purge = clock_now_ms() + PURGE_EVERY_MS;
            continue;
        }
        clock_cond_wait_until(&ob.cv, &ob.mu, next_purge);
    }
    /* what is still queued at shutdown was never acknowledged to anyone:
     * it is written, so a resident who saw "submitting" loses nothing */
    while (ob.head) {
        item *it = ob.head;
        ob.head = it->next;
        pthread_mutex_unlock(&ob.mu);
        write_one(&s, it);
        item_free(it);
        pthread_mutex_lock(&ob.mu);
    }
    ob.tail = NULL;
    pthread_mutex_unlock(&ob.mu);
    outbox_store_close(&s);
    clock_thread_exit(ob.clk);
    return NULL;
}

static bool outbox_start(app *a)
{
    ob.source = hub_source("outbox");
    ob.lim.max_waiting = a->cfg->outbox_max_waiting;
    ob.lim.max_age_days = a->cfg->outbox_max_age_days;
    ob.lim.retention_days = a->cfg->outbox_retention_days;
    /* under a script the queue sits on the fault shim, so `storage full`
     * can fail the disk on cue; in service, the default VFS */
    ob.lim.vfs = a->headless && outbox_fault_register() ? OUTBOX_FAULT_VFS : NULL;
    ob.hold = false;
    status_report(STATUS_NAME, STATUS_DEVICE_BUSY, NULL, "opening the queue");
    clock_cond_init(&ob.cv);
    ob.clk = clock_thread_new("outbox");
    pthread_mutex_lock(&ob.mu);
    ob.stop = false;
    ob.running = true;
    ob.open_state = OPENING;
    pthread_mutex_unlock(&ob.mu);
    if (pthread_create(&ob.thread, NULL, run, NULL) != 0) {
        ob.running = false;
        clock_thread_free(ob.clk);
        ob.clk = NULL;
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, "status.storage_fault",
                      "outbox thread did not start");
        return false;
    }
    return true;
}

static void outbox_stop(app *a)
{
    (void)a;
    pthread_mutex_lock(&ob.mu);
    if (!ob.running) {
        pthread_mutex_unlock(&ob.mu);
        return;
    }
    ob.stop = true;
    clock_cond_broadcast(&ob.cv);
    pthread_mutex_unlock(&ob.mu);
    pthread_join(ob.thread, NULL);
    clock_thread_free(ob.clk);
    ob.clk = NULL;
    clock_cond_destroy(&ob.cv);
    ob.running = false;
}

/* ---- script verbs: storage full|readonly|ok, outbox hold|release ---------- */

static bool storage_check(const char *arg, char *err, size_t err_size)
{
    if (!strcmp(arg, "full") || !strcmp(arg, "readonly") || !strcmp(arg, "ok"))
        return true;
    snprintf(err, err_size, "storage: expected full, readonly or ok, not '%s'", arg);
    return false;
}

static bool storage_run(app *a, const char *arg, char *err, size_t err_size)
{
    if (!ob.lim.vfs || strcmp(ob.lim.vfs, OUTBOX_FAULT_VFS) != 0) {
        snprintf(err, err_size, "storage: the queue is not on the fault shim");
        return false;
    }
    outbox_fault_set(!strcmp(arg, "full")       ? OUTBOX_FAULT_FULL
                     : !strcmp(arg, "readonly") ? OUTBOX_FAULT_READONLY
                                                : OUTBOX_FAULT_NONE,
                     0);
    return true;
}

static bool hold_check(const char *arg, char *err, size_t err_size)
{
    if (!strcmp(arg, "hold") || !strcmp(arg, "release"))
        return true;
    snprintf(err, err_size, "outbox: expected hold or release, not '%s'", arg);
    return false;
}

/* hold: transactions wait in the thread's queue, unwritten, so a script
 * can see what the resident sees until the commit is durable */
static bool hold_run(app *a, const char *arg, char *err, size_t err_size)
{
    (void)a;
    pthread_mutex_lock(&ob.mu);
    bool running = ob.running;
    ob.hold = !strcmp(arg, "hold");
    clock_cond_broadcast(&ob.cv);
    pthread_mutex_unlock(&ob.mu);
    if (!running)
        snprintf(err, err_size, "outbox: not running");
    return running;
}

static const app_verb verbs[] = {
    {"storage", true, storage_check, storage_run, NULL},
    {"outbox", true, hold_check, hold_run, NULL},
};

const app_service outbox_service = {
    .name = "outbox",
    .start = outbox_start,
    .stop = outbox_stop,
    .verbs = verbs,
    .n_verbs = sizeof verbs / sizeof *verbs,
};
