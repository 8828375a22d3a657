/*
 * uploader: see uploader.h.
 *
 * Lock order: up.mu, then the clock's. The store and the client belong to
 * the thread; the UI thread only sets flags under up.mu.
 */
#include "platform/uploader.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/app.h"
#include "common/clock.h"
#include "hub/hub.h"
#include "outbox/outbox.h"
#include "outbox/outbox_fault.h"
#include "outbox/outbox_store.h"
#include "platform/platform.h"
#include "platform/upload.h"
#include "status/status.h"

#define STATUS_NAME "platform"
#define HEALTH_EVERY_MS 60000u
enum { UPLOADER_EV_STATUS = 1 };

static struct {
    pthread_mutex_t mu;
    clock_cond cv;
    pthread_t thread, netwatch;
    bool netwatch_running;
    clock_thread *clk;
    bool running;
    volatile bool stop;
    bool wake;
    int source;             /* hub: a status change redraws the status bar */
    const settings *cfg;
    outbox_limits lim;
} up = {.mu = PTHREAD_MUTEX_INITIALIZER};

void uploader_wake(void)
{
    pthread_mutex_lock(&up.mu);
    up.wake = true;
    if (up.running)
        clock_cond_broadcast(&up.cv);
    pthread_mutex_unlock(&up.mu);
}

/* ---- the network coming back ---------------------------------------------- */

/* A link going up or an address or route appearing is worth a try at once
 * rather than at the end of a back-off that may be minutes long. The
 * thread blocks in poll (real time) and is not a clock thread: it only
 * ever wakes the uploader. */
static void *netwatch(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[8192];
    while (!up.stop) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 500);
        if (n <= 0)
            continue;
        ssize_t got = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        bool interesting = false;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; got > 0 && NLMSG_OK(h, (size_t)got);
             h = NLMSG_NEXT(h, got))
            if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_NEWADDR ||
                h->nlmsg_type == RTM_NEWROUTE)
                interesting = true;
        if (interesting)
            uploader_wake();
    }
    close(fd);
    return NULL;
}

static void netwatch_start(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return; /* no netlink (a container): the back-off still retries */
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
                             .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
                                          RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        pthread_create(&up.netwatch, NULL, netwatch, (void *)(intptr_t)fd) != 0) {
        close(fd);
        return;
    }
    up.netwatch_running = true;
}

/* ---- status ------------------------------------------------------------- */

/* The status bar shows the state and the rows waiting: redraw when either
 * changed (the event itself carries nothing). */
static void redraw_if_changed(bool had, const status_entry *before)
{
    status_entry after;
    if (status_get(STATUS_NAME, &after) &&
        (!had || after.state != before->state || after.pending != before->pending ||
         strcmp(after.reason_key, before->reason_key)))
        hub_post(up.source, UPLOADER_EV_STATUS, NULL, NULL);
}

/* The rows waiting, as the status model's count. */
static void count_waiting(outbox_store *s)
{
    outbox_counts n;
    if (s->db && outbox_db_counts(s->db, &n) == OUTBOX_OK)
        status_set_pending(STATUS_NAME, (int)n.waiting);
}

static void show_waiting(outbox_store *s)
{
    status_entry before;
    bool had = status_get(STATUS_NAME, &before);
    count_waiting(s);
    redraw_if_changed(had, &before);
}

static void report(upload_outcome o, const upload_ctx *c, outbox_store *s, bool enabled)
{
    status_entry before;
    bool had = status_get(STATUS_NAME, &before);
    count_waiting(s);
    char detail[160], when[32];
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    if (!enabled) {
        status_report(STATUS_NAME, STATUS_OFFLINE, "status.platform_none",
                      "no [platform] endpoint: transactions wait here");
    } else if (o == UPLOAD_DRAINED) {
        snprintf(detail, sizeof detail, "last contact %s", when);
        status_report(STATUS_NAME, STATUS_ONLINE, "status.platform_online", detail);
    } else if (o == UPLOAD_STORAGE) {
        status_report(STATUS_NAME, STATUS_OFFLINE, "status.platform_offline",
                      "the queue database cannot be read; see storage");
    } else {
        /* what a technician must fix, against what passes by itself */
        bool fix = c->last_err == PLATFORM_ERR_TLS || c->last_err == PLATFORM_ERR_PIN ||
                   c->last_err == PLATFORM_ERR_CERT || c->last_err == PLATFORM_ERR_CONFIG ||
                   c->last_status == 401 || c->last_status == 403 || c->last_status == 404;
        snprintf(detail, sizeof detail, "%.120s (at %s)", c->last_error, when);
        status_report(STATUS_NAME, fix ? STATUS_HARDWARE_ERROR : STATUS_OFFLINE,
                      fix ? "status.platform_fault" : "status.platform_offline", detail);
    }
    redraw_if_changed(had, &before);
}

/* ---- the thread ------------------------------------------------------------ */

static void *run(void *arg)
{
    (void)arg;
    clock_thread_bind(up.clk);
    const settings *cfg = up.cfg;
    outbox_store s = {0};
    char why[600] = "";
    /* the outbox thread checks and, if need be, replaces the file first */
    bool open = outbox_wait_open() && outbox_store_open(&s, &up.lim, why, sizeof why) == OUTBOX_OK;
    if (!open)
        fprintf(stderr, "uploader: %s\n", why);
    platform *p = platform_new(cfg, why, sizeof why);
    if (!p) {
        fprintf(stderr, "uploader: %s\n", why);
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, "status.platform_fault", why);
    }
    upload_ctx c = {
        .p = p,
        .store = &s,
        .batch_records = cfg->platform_batch_records,
        .batch_bytes = (size_t)cfg->platform_batch_kib * 1024,
        .retry_after_max = cfg->platform_retry_after_max,
    };
    bool enabled = p && platform_enabled(p);
    unsigned fails = 0;
    platform_err cause = PLATFORM_OK;   /* the last cause a technician must fix */
    char cause_text[256] = "";
    uint64_t wake_at = clock_now_ms();
    /* the platform's Retry-After: nothing, not even a new transaction or
     * the network coming back, sends anything before it */
    uint64_t hold_until = 0;
    pthread_mutex_lock(&up.mu);
    while (!up.stop) {
        bool go_after_hold = false;
        for (;;) {
            uint64_t now = clock_now_ms();
            if (up.stop || now >= wake_at || (go_after_hold && now >= hold_until))
                break;
            if (up.wake) {
                if (now >= hold_until)
                    break;
                /* held: count the new transaction on the status bar now,
                 * send it when the hold ends */
                up.wake = false;
                go_after_hold = true;
                pthread_mutex_unlock(&up.mu);
                show_waiting(&s);
                pthread_mutex_lock(&up.mu);
                continue;
            }
            clock_cond_wait_until(&up.cv, &up.mu,
                                  go_after_hold && hold_until < wake_at ? hold_until : wake_at);
        }
        up.wake = false;
        if (up.stop)
            break;
        pthread_mutex_unlock(&up.mu);
        upload_outcome o = UPLOAD_DRAINED;
        if (!open) {
            o = UPLOAD_STORAGE;
            /* the outbox may make a new file: try to open it again later */
            open = outbox_store_open(&s, &up.lim, why, sizeof why) == OUTBOX_OK;
        }
        if (open && enabled) {
            long sent = c.requests;
            o = upload_pass(&c, (int64_t)clock_wall(), &up.stop);
            /* nothing to send says nothing of the platform: ask it, so
             * "online" on the status bar is a fact */
            if (o == UPLOAD_DRAINED && c.requests == sent)
                o = upload_health(&c);
        }
        /* a broken connection after a refused certificate or pin is most
         * likely the same refusal (under TLS 1.3 a reset can overtake the
         * alert): keep naming the cause a technician can fix until a pass
         * goes through */
        if (o == UPLOAD_FAILED && (c.last_err == PLATFORM_ERR_CERT ||
                                   c.last_err == PLATFORM_ERR_TLS || c.last_err == PLATFORM_ERR_PIN)) {
            cause = c.last_err;
            snprintf(cause_text, sizeof cause_text, "%s", c.last_error);
        } else if (o == UPLOAD_FAILED && c.last_err == PLATFORM_ERR_BROKEN && cause) {
            c.last_err = cause;
            snprintf(c.last_error, sizeof c.last_error, "%s", cause_text);
        } else if (o == UPLOAD_DRAINED) {
            cause = PLATFORM_OK;
        }
        report(o, &c, &s, enabled);
        int64_t due;
        if (!enabled || !open) {
            wake_at = open ? CLOCK_FOREVER : clock_now_ms() + 60000;
        } else if (o == UPLOAD_DRAINED) {
            fails = 0;
            /* the next row due, and a look at the platform every minute */
            uint64_t next = clock_now_ms() + HEALTH_EVERY_MS;
            if (outbox_db_next_due(s.db, &due)) {
                uint64_t at = clock_now_ms() +
                              (uint64_t)(due > clock_wall() ? due - clock_wall() : 0) * 1000;
                next = at < next ? at : next;
            }
            wake_at = next;
        } else {
            /* a full-jitter back-off, which a new transaction or the
             * network coming back cuts short (they are spread in time
             * across a fleet anyway), but never the Retry-After */
            int64_t ms = upload_backoff_ms(fails++, (int64_t)cfg->platform_backoff_max * 1000);
            hold_until = 0;
            if (c.retry_after >= 0) {
                hold_until = clock_now_ms() + (uint64_t)c.retry_after * 1000;
                if (c.retry_after * 1000 > ms)
                    ms = c.retry_after * 1000;
            }
            wake_at = clock_now_ms() + (uint64_t)ms;
        }
        pthread_mutex_lock(&up.mu);
    }
    pthread_mutex_unlock(&up.mu);
    platform_free(p);
    if (open)
        outbox_store_close(&s);
    clock_thread_exit(up.clk);
    return NULL;
}

/* A transaction was made durable: it can go now. */
static void on_outbox(void *user, hub_event *ev)
{
    (void)user;
    if (ev->kind == OUTBOX_EV_DURABLE)
        uploader_wake();
}

static bool uploader_start(app *a)
{
    up.cfg = a->cfg;
    up.lim = (outbox_limits){.max_waiting = a->cfg->outbox_max_waiting,
                             .max_age_days = a->cfg->outbox_max_age_days,
                             .retention_days = a->cfg->outbox_retention_days,
                             .vfs = a->headless && outbox_fault_register() ? OUTBOX_FAULT_VFS
                                                                          : NULL,
                             .follower = true};
    hub_on(hub_source("outbox"), on_outbox, NULL);
    up.source = hub_source("uploader");
    status_report(STATUS_NAME, STATUS_DEVICE_BUSY, NULL, "starting");
    clock_cond_init(&up.cv);
    up.clk = clock_thread_new("uploader");
    up.stop = false;
    up.wake = false;
    pthread_mutex_lock(&up.mu);
    up.running = true;
    pthread_mutex_unlock(&up.mu);
    if (pthread_create(&up.thread, NULL, run, NULL) != 0) {
        up.running = false;
        clock_thread_free(up.clk);
        up.clk = NULL;
        status_report(STATUS_NAME, STATUS_HARDWARE_ERROR, "status.platform_fault",
                      "uploader thread did not start");
        return false;
    }
    netwatch_start();
    return true;
}

static void uploader_stop(app *a)
{
    (void)a;
    pthread_mutex_lock(&up.mu);
    if (!up.running) {
        pthread_mutex_unlock(&up.mu);
        return;
    }
    up.stop = true;
    clock_cond_broadcast(&up.cv);
    pthread_mutex_unlock(&up.mu);
    pthread_join(up.thread, NULL);
    if (up.netwatch_running)
        pthread_join(up.netwatch, NULL);
    up.netwatch_running = false;
    clock_thread_free(up.clk);
    up.clk = NULL;
    clock_cond_destroy(&up.cv);
    up.running = false;
}

/* ---- script verbs: platform down|up (the reference platform's outage) ---- */

static bool platform_check(const char *arg, char *err, size_t err_size)
{
    if (!strcmp(arg, "down") || !strcmp(arg, "up") || !strncmp(arg, "faults {", 8))
        return true;
    snprintf(err, err_size, "platform: expected down, up or faults {JSON}, not '%s'", arg);
    return false;
}

/* Asks the reference platform (platform/refplat.py) to refuse every
 * connection, or to answer again: the outage a kiosk lives through; or to
 * fail on purpose (`faults {JSON}`, its /_admin/faults body). */
static bool platform_run(app *a, const char *arg, char *err, size_t err_size)
{
    char why[200];
    platform *p = platform_new(a->cfg, why, sizeof why);
    if (!p || !platform_enabled(p)) {
        snprintf(err, err_size, "platform: no [platform] endpoint to switch %s", arg);
        platform_free(p);
        return false;
    }
    bool faults = !strncmp(arg, "faults ", 7);
    const char *body = faults                  ? arg + 7
                       : !strcmp(arg, "down") ? "{\"down\": true}"
                                               : "{\"down\": false}";
    platform_reply r;
    platform_request(p, "POST", faults ? "/_admin/faults" : "/_admin/down", body, strlen(body),
                     5000, &r);
    bool ok = r.err == PLATFORM_OK && r.status == 200;
    if (!ok)
        snprintf(err, err_size, "platform %s: %s (HTTP %ld)", arg,
                 r.err == PLATFORM_OK ? "refused" : r.error, r.status);
    platform_reply_clear(&r);
    platform_free(p);
    return ok;
}

static const app_verb verbs[] = {
    {"platform", true, platform_check, platform_run, NULL},
};

const app_service uploader_service = {
    .name = "uploader",
    .start = uploader_start,
    .stop = uploader_stop,
    .verbs = verbs,
    .n_verbs = sizeof verbs / sizeof *verbs,
};
