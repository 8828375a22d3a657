/*
 * printer: see printer.h.
 *
 * Lock order: pr.mu, then the clock's. The UI thread only appends to
 * pr.inbox under pr.mu; everything else (the CUPS connection, the jobs
 * out, the last status of each printer) belongs to the thread, which never
 * holds pr.mu while it talks to CUPS.
 */
#include "devices/printer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "common/clock.h"
#include "print/certificate.h"
#include "print/escpos.h"
#include "print/print_job.h"
#include "print/printer_state.h"
#include "status/status.h"

typedef struct job {
    uint64_t ticket;
    int printer;                /* index into cfg->printers */
    unsigned char *data;
    size_t len;
    certificate_doc *cert;      /* a certificate the thread renders into data */
    char format[40];
    char title[64];
    uint64_t deadline_ms;       /* counted from the hand-over */
    uint64_t next_check_ms;
    uint64_t handed_ns, accepted_ns;    /* printer_done's latency figures */
    print_job pj;
    struct job *next;
} job;

static struct {
    pthread_mutex_t mu;
    clock_cond cv;
    pthread_t thread;
    clock_thread *clk;
    bool running;
    bool stop;
    int source;
    const settings *cfg;
    job *inbox, **inbox_tail;   /* handed over, not taken by the thread yet */
    int waiting;                /* jobs handed over and not answered */
    uint64_t next_ticket;
} pr = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* The document's bytes are wiped as soon as they are not needed: a
 * certificate carries its holder's name and ID number in full. */
static void job_drop_data(job *j)
{
    if (j->data)
        explicit_bzero(j->data, j->len);
    free(j->data);
    j->data = NULL;
    certificate_doc_free(j->cert);
    j->cert = NULL;
}

/* CLOCK_MONOTONIC for the latency figures only: every decision goes by
 * the kiosk clock. */
static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void job_free(job *j)
{
    if (!j)
        return;
    job_drop_data(j);
    free(j);
}

/* ---- choosing a printer ------------------------------------------------- */

static int find_printer(const settings *cfg, const char *which)
{
    if (!cfg)
        return -1;
    if (!which)
        which = "receipt";
    for (int i = 0; i < cfg->n_printers; i++)
        if (!strcmp(cfg->printers[i].name, which))
            return i;
    for (int i = 0; i < cfg->n_printers; i++)
        if (!strcmp(settings_printer_kind_name(cfg->printers[i].kind), which))
            return i;
    return -1;
}

static void status_name(const settings_printer *p, char *out, size_t size)
{
    snprintf(out, size, "printer.%s", p->name);
}

/* ---- the UI's side ---------------------------------------------------- */

/* The printer for which, or -1 with why (none, or the queue is full). */
static int printer_for(const char *which, const char *dflt, char *why, size_t why_size)
{
    pthread_mutex_lock(&pr.mu);
    int i = pr.running ? find_printer(pr.cfg, which ? which : dflt) : -1;
    bool full = pr.waiting >= PRINTER_MAX_JOBS;
    pthread_mutex_unlock(&pr.mu);
    if (i < 0) {
        snprintf(why, why_size, "no printer '%s' ([printer.NAME] in kiosk.conf)%s",
                 which ? which : dflt, pr.running ? "" : " or the printer service is not running");
        return -1;
    }
    if (full) {
        snprintf(why, why_size, "%d print jobs are waiting already", PRINTER_MAX_JOBS);
        return -1;
    }
    return i;
}

/* Puts j, for printer i, on the thread's queue; its ticket, or 0 (j freed)
 * when the service stopped meanwhile. */
static uint64_t hand_over(job *j, int i, char *why, size_t why_size)
{
    j->printer = i;
    j->handed_ns = mono_ns();
    pthread_mutex_lock(&pr.mu);
    if (!pr.running) {
        pthread_mutex_unlock(&pr.mu);
        job_free(j);
        snprintf(why, why_size, "the printer service is not running");
        return 0;
    }
    j->deadline_ms = clock_now_ms() + (uint64_t)pr.cfg->printers[i].deadline * 1000;
    j->ticket = ++pr.next_ticket;
    *pr.inbox_tail = j;
    pr.inbox_tail = &j->next;
    pr.waiting++;
    uint64_t ticket = j->ticket;
    clock_cond_broadcast(&pr.cv);
    pthread_mutex_unlock(&pr.mu);
    return ticket;
}

uint64_t printer_print_bytes(const char *which, const void *data, size_t len,
                             const char *format, const char *title, char *why, size_t why_size)
{
    int i = printer_for(which, "receipt", why, why_size);
    if (i < 0)
        return 0;
    job *j = calloc(1, sizeof *j);
    if (j)
        j->data = malloc(len ? len : 1);
    if (!j || !j->data) {
        job_free(j);
        snprintf(why, why_size, "out of memory");
        return 0;
    }
    memcpy(j->data, data, len);
    j->len = len;
    snprintf(j->format, sizeof j->format, "%s", format);
    snprintf(j->title, sizeof j->title, "%s", title ? title : "kiosk");
    return hand_over(j, i, why, why_size);
}

uint64_t printer_print_certificate(const char *which, const certificate_doc *d, char *why,
                                   size_t why_size)
{
    int i = printer_for(which, "a4", why, why_size);
    if (i < 0)
        return 0;
    if (pr.cfg->printers[i].kind != PRINTER_KIND_A4) {
        snprintf(why, why_size, "printer %s is not an A4 printer", pr.cfg->printers[i].name);
        return 0;
    }
    job *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(why, why_size, "out of memory");
        return 0;
    }
    if (!(j->cert = certificate_doc_copy(d, why, why_size))) {
        job_free(j);
        return 0;
    }
    snprintf(j->format, sizeof j->format, "%s", PRINT_FORMAT_PDF);
    /* CUPS lists the title: never the holder's name */
    snprintf(j->title, sizeof j->title, "certificate");
    return hand_over(j, i, why, why_size);
}

uint64_t printer_print_receipt(const char *which, const receipt *rc, char *why,
                               size_t why_size)
{
    pthread_mutex_lock(&pr.mu);
    const settings *cfg = pr.running ? pr.cfg : NULL;
    pthread_mutex_unlock(&pr.mu);
    int i = find_printer(cfg, which);
    if (i < 0) {
        snprintf(why, why_size, "no printer '%s' ([printer.NAME] in kiosk.conf), or the "
                 "printer service is not running", which ? which : "receipt");
        return 0;
    }
    const settings_printer *p = &cfg->printers[i];
    if (p->kind != PRINTER_KIND_RECEIPT) {
        snprintf(why, why_size, "printer %s is not a receipt printer", p->name);
        return 0;
    }
    receipt_format f = {p->width, p->dpi};
    raster *r = receipt_render(rc, &f, NULL, why, why_size);
    if (!r)
        return 0;
    escpos_options o = {.band_rows = p->band_rows, .feed_lines = -1};
    size_t len;
    unsigned char *bytes = escpos_encode(r, &o, &len);
    raster_free(r);
    if (!bytes) {
        snprintf(why, why_size, "the receipt could not be encoded (memory)");
        return 0;
    }
    uint64_t t = printer_print_bytes(p->name, bytes, len, PRINT_FORMAT_ESCPOS, "receipt", why,
                                     why_size);
    free(bytes);
    return t;
}

const printer_done *printer_event_done(const hub_event *ev)
{
    if (ev->source != pr.source || (ev->kind != PRINTER_EV_DONE && ev->kind != PRINTER_EV_FAILED))
        return NULL;
    return ev->payload;
}

/* ---- the thread ----------------------------------------------------------- */

static void answer(const job *j)
{
    printer_done *d = calloc(1, sizeof *d);
    const settings_printer *p = &pr.cfg->printers[j->printer];
    bool ok = j->pj.outcome == PRINT_DONE;
    if (!ok)
        fprintf(stderr, "printer %s: %s\n", p->name, j->pj.detail);
    pthread_mutex_lock(&pr.mu);
    pr.waiting--;
    pthread_mutex_unlock(&pr.mu);
    if (!d)
        return; /* the hub cannot be told either: the screen's own timer ends its wait */
    d->ticket = j->ticket;
    d->job_id = j->pj.job_id;
    d->handed_ns = j->handed_ns;
    d->accepted_ns = j->accepted_ns;
    snprintf(d->printer, sizeof d->printer, "%s", p->name);
    d->reason_key = ok ? NULL : j->pj.reason_key;
    snprintf(d->detail, sizeof d->detail, "%s", ok ? "" : j->pj.detail);
    hub_post(pr.source, ok ? PRINTER_EV_DONE : PRINTER_EV_FAILED, d, free);
}

/* Reports printer i's verdict; posts PRINTER_EV_STATUS when it changed
 * what the status bar shows. */
static void report(int i, const printer_verdict *v)
{
    char name[32];
    status_name(&pr.cfg->printers[i], name, sizeof name);
    status_entry before;
    bool had = status_get(name, &before);
    status_report(name, v->state, v->reason_key, v->detail);
    status_set_warning(name, v->warning_key);
    status_entry after;
    if (status_get(name, &after) &&
        (!had || after.state != before.state || strcmp(after.reason_key, before.reason_key) ||
         strcmp(after.warning_key, before.warning_key)))
        hub_post(pr.source, PRINTER_EV_STATUS, NULL, NULL);
}

/* Asks CUPS about every printer. False when cupsd did not answer. */
static bool poll_printers(cups_conn *c)
{
    for (int i = 0; i < pr.cfg->n_printers; i++) {
        const settings_printer *p = &pr.cfg->printers[i];
        printer_verdict v;
        cups_printer_info info;
        char why[300];
        cups_err e = cups_printer_query(c, p->destination, &info, why, sizeof why);
        if (e == CUPS_OK)
            printer_state_judge(p->destination, &info, &v);
        else
            printer_state_judge_error(p->destination, e, why, &v);
        report(i, &v);
        if (e == CUPS_ERR_SERVER)
            return false;
    }
    return true;
}

/* cupsd cannot be reached: every printer says so. */
static void report_no_cups(const char *why)
{
    for (int i = 0; i < pr.cfg->n_printers; i++) {
        printer_verdict v;
        printer_state_judge_error(pr.cfg->printers[i].destination, CUPS_ERR_SERVER, why, &v);
        report(i, &v);
    }
}

/* ---- purging -------------------------------------------------------------- */

/* Finished jobs whose purge waits: for cupsd to answer again, or for a
 * cancelled job's backend to stop (cups_job_purge's CUPS_ERR_BUSY), when
 * the thread tries again at retry_ms. The thread's own: no lock. */
typedef struct purge_list {
    struct {
        int printer;
        int job_id;
    } jobs[PRINTER_MAX_UNPURGED];
    int n;
    uint64_t retry_ms;          /* kiosk clock; 0: at the next look anyway */
} purge_list;

static void purge_later(purge_list *l, int i, int job_id)
{
    if (l->n == PRINTER_MAX_UNPURGED) {
        /* the oldest gives way; cupsd's own PreserveJobFiles is the
         * backstop (config/cups/cupsd-kiosk.conf) */
        const settings_printer *p = &pr.cfg->printers[l->jobs[0].printer];
        fprintf(stderr, "printer %s: job %s-%d left in CUPS's spool: %d more jobs wait for "
                "their purge\n", p->name, p->destination, l->jobs[0].job_id,
                PRINTER_MAX_UNPURGED);
        memmove(l->jobs, l->jobs + 1, sizeof l->jobs[0] * (PRINTER_MAX_UNPURGED - 1));
        l->n--;
    }
    l->jobs[l->n].printer = i;
    l->jobs[l->n].job_id = job_id;
    l->n++;
}

/* Has cupsd forget job_id of printer i. False when cupsd did not answer:
 * the job waits on later, as does one whose backend is still stopping
 * (tried again PRINTER_JOB_POLL_MS later). Any other refusal is logged and
 * not retried (it would be refused again). */
static bool purge(cups_conn *c, int i, int job_id, purge_list *later)
{
    const settings_printer *p = &pr.cfg->printers[i];
    char why[300];
    cups_err e = cups_job_purge(c, p->destination, job_id, why, sizeof why);
    if (e == CUPS_ERR_SERVER || e == CUPS_ERR_BUSY) {
        purge_later(later, i, job_id);
        if (e == CUPS_ERR_BUSY && !later->retry_ms)
            later->retry_ms = clock_now_ms() + PRINTER_JOB_POLL_MS;
        return e != CUPS_ERR_SERVER;
    }
    if (e != CUPS_OK)
        fprintf(stderr, "printer %s: job %s-%d not purged from CUPS's spool: %s\n", p->name,
                p->destination, job_id, why);
    return true;
}

/* The purges that waited, oldest first, until cupsd fails to answer. */
static void purge_waiting(cups_conn *c, purge_list *later)
{
    purge_list waiting = *later;
    later->n = 0;
    later->retry_ms = 0;
    bool reachable = true;
    for (int k = 0; k < waiting.n; k++) {
        if (reachable)
            reachable = purge(c, waiting.jobs[k].printer, waiting.jobs[k].job_id, later);
        else
            purge_later(later, waiting.jobs[k].printer, waiting.jobs[k].job_id);
    }
}

/* A job is over: the answer first (the resident waits for it), then
 * nothing of it may stay with cupsd. A job whose cupsd stopped answering
 * is not asked about again on this connection (each call would wait the
 * whole timeout): its purge waits for a new one. */
static void finish(job *j, cups_conn *c, purge_list *later)
{
    answer(j);
    if (j->pj.job_id <= 0)
        return;
    if (!c || j->pj.server_lost)
        purge_later(later, j->printer, j->pj.job_id);
    else
        purge(c, j->printer, j->pj.job_id, later);
}

static void *run(void *arg)
{
    (void)arg;
    clock_thread_bind(pr.clk);
    /* Certificates are rendered here, off the UI thread. A kiosk with an
     * A4 printer loads cairo and pango now, so a missing library shows in
     * the log at start rather than at a resident's certificate; one
     * without an A4 printer never loads them. */
    for (int i = 0; i < pr.cfg->n_printers; i++) {
        if (pr.cfg->printers[i].kind != PRINTER_KIND_A4)
            continue;
        char why[300];
        if (!certificate_preload(why, sizeof why))
            fprintf(stderr, "printer %s: certificates cannot be printed: %s\n",
                    pr.cfg->printers[i].name, why);
        break;
    }
    cups_conn *c = NULL;
    job *out = NULL;                    /* submitted, being watched */
    purge_list later = {.n = 0, .retry_ms = 0};
    uint64_t next_poll = clock_now_ms();
    pthread_mutex_lock(&pr.mu);
    while (!pr.stop) {
        uint64_t wake_at = next_poll;
        for (job *j = out; j; j = j->next)
            if (j->next_check_ms < wake_at)
                wake_at = j->next_check_ms;
        if (c && later.retry_ms && later.retry_ms < wake_at)
            wake_at = later.retry_ms;
        while (!pr.stop && !pr.inbox && clock_now_ms() < wake_at)
            clock_cond_wait_until(&pr.cv, &pr.mu, wake_at);
        if (pr.stop)
            break;
        job *in = pr.inbox;
        pr.inbox = NULL;
        pr.inbox_tail = &pr.inbox;
        pthread_mutex_unlock(&pr.mu);

        char why[300] = "";
        if (!c && !(c = cups_conn_open(PRINTER_CUPS_TIMEOUT_MS, why, sizeof why)))
            report_no_cups(why);
        if (c && later.n)
            purge_waiting(c, &later);
        bool answered = false;
        /* new jobs, in the order they were handed over */
        while (in) {
            job *j = in;
            in = j->next;
            j->next = NULL;
            const settings_printer *p = &pr.cfg->printers[j->printer];
            char cert_why[300];
            if (j->cert && !(j->data = certificate_render(j->cert, NULL, &j->len, NULL,
                                                          cert_why, sizeof cert_why))) {
                print_job_abandon(&j->pj, NULL, "certificate.render_failed", cert_why);
            } else if (!c) {
                print_job_abandon(&j->pj, NULL, "status.printer_no_cups", why);
            } else {
                print_job_start(&j->pj, c, p->destination, j->title, j->format, j->data, j->len,
                                j->deadline_ms);
                if (j->pj.job_id > 0)
                    j->accepted_ns = mono_ns();
            }
            /* the bytes are CUPS's now, or will never be needed */
            job_drop_data(j);
            if (j->pj.outcome != PRINT_WAITING) {
                finish(j, c, &later);
                job_free(j);
                answered = true;
                continue;
            }
            j->next_check_ms = clock_now_ms() + PRINTER_JOB_POLL_MS;
            job **tail = &out;
            while (*tail)
                tail = &(*tail)->next;
            *tail = j;
        }
        /* jobs out that are due a look */
        uint64_t now = clock_now_ms();
        for (job **pj = &out; *pj;) {
            job *j = *pj;
            if (j->next_check_ms > now) {
                pj = &j->next;
                continue;
            }
            if (c)
                print_job_check(&j->pj, c, now);
            else
                print_job_abandon(&j->pj, NULL, "status.printer_no_cups", why);
            if (j->pj.outcome == PRINT_WAITING) {
                j->next_check_ms = now + PRINTER_JOB_POLL_MS;
                pj = &j->next;
                continue;
            }
            *pj = j->next;
            finish(j, c, &later);
            job_free(j);
            answered = true;
        }
        /* the printers' states: on the period, and at once after a job */
        if (c && (answered || clock_now_ms() >= next_poll)) {
            if (!poll_printers(c)) {
                /* cupsd went away: a new connection next time */
                cups_conn_close(c);
                c = NULL;
            }
            next_poll = clock_now_ms() + PRINTER_POLL_MS;
        } else if (!c) {
            next_poll = clock_now_ms() + PRINTER_POLL_MS;
        }
        pthread_mutex_lock(&pr.mu);
    }
    /* shutting down: nothing may come out of the printer afterwards */
    job *in = pr.inbox;
    pr.inbox = NULL;
    pr.inbox_tail = &pr.inbox;
    pthread_mutex_unlock(&pr.mu);
    for (job *j = out, *next; j; j = next) {
        next = j->next;
        print_job_abandon(&j->pj, c, "printer.timeout", "the kiosk is shutting down");
        finish(j, c, &later);
        job_free(j);
    }
    for (job *j = in, *next; j; j = next) {
        next = j->next;
        print_job_abandon(&j->pj, NULL, "printer.timeout", "the kiosk is shutting down");
        answer(j);
        job_free(j);
    }
    /* a job cancelled just now is only stopped: a few short tries for
     * cupsd to let it go (retry_ms says one is waiting for that) */
    for (int tries = 0; c && later.n && tries < 5; tries++) {
        if (tries) {
            struct timespec pause = {0, 100 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
        purge_waiting(c, &later);
        if (!later.retry_ms)
            break;
    }
    if (later.n)
        fprintf(stderr, "printer: %d finished jobs not purged from CUPS (cupsd did not answer, "
                "or was still stopping them)\n", later.n);
    cups_conn_close(c);
    clock_thread_exit(pr.clk);
    return NULL;
}

bool printer_open(const settings *cfg)
{
    pthread_mutex_lock(&pr.mu);
    bool already = pr.running;
    pthread_mutex_unlock(&pr.mu);
    if (already)
        return true;
    pr.cfg = cfg;
    pr.source = hub_source("printer");
    if (cfg->n_printers == 0)
        return true; /* nothing to print on: no thread, no status entries */
    for (int i = 0; i < cfg->n_printers; i++) {
        char name[32];
        status_name(&cfg->printers[i], name, sizeof name);
        status_report(name, STATUS_DEVICE_BUSY, NULL, "starting");
    }
    clock_cond_init(&pr.cv);
    pr.clk = clock_thread_new("printer");
    pthread_mutex_lock(&pr.mu);
    pr.stop = false;
    pr.inbox = NULL;
    pr.inbox_tail = &pr.inbox;
    pr.waiting = 0;
    pr.running = true;
    pthread_mutex_unlock(&pr.mu);
    if (pthread_create(&pr.thread, NULL, run, NULL) != 0) {
        pthread_mutex_lock(&pr.mu);
        pr.running = false;
        pthread_mutex_unlock(&pr.mu);
        clock_thread_free(pr.clk);
        pr.clk = NULL;
        clock_cond_destroy(&pr.cv);
        for (int i = 0; i < cfg->n_printers; i++) {
            char name[32];
            status_name(&cfg->printers[i], name, sizeof name);
            status_report(name, STATUS_HARDWARE_ERROR, "status.printer_fault",
                          "printer thread did not start");
        }
        return false;
    }
    return true;
}

void printer_close(void)
{
    pthread_mutex_lock(&pr.mu);
    if (!pr.running) {
        pthread_mutex_unlock(&pr.mu);
        return;
    }
    pr.stop = true;
    clock_cond_broadcast(&pr.cv);
    pthread_mutex_unlock(&pr.mu);
    pthread_join(pr.thread, NULL);
    pthread_mutex_lock(&pr.mu);
    pr.running = false;
    pthread_mutex_unlock(&pr.mu);
    clock_thread_free(pr.clk);
    pr.clk = NULL;
    clock_cond_destroy(&pr.cv);
}

static bool printer_start(app *a)
{
    return printer_open(a->cfg);
}

static void printer_stop(app *a)
{
    (void)a;
    printer_close();
}

/* ---- script verb: printer wait ------------------------------------------ */

/* CUPS prints in real time while a headless script's clock is virtual, so
 * a script cannot count `wait` steps to see a job end: on a slow machine
 * the thread's job polls would all run before cupsd finished. `printer
 * wait` lets kiosk time run at the speed of real time until every job
 * handed over was answered, at most PRINTER_SCRIPT_WAIT_MS of real time:
 * the thread polls CUPS as it would in service, and the harness then
 * handles the answers (printer_done on the hub) before the next step. */
#define PRINTER_SCRIPT_WAIT_MS 60000
#define PRINTER_SCRIPT_STEP_MS 20

static bool verb_check(const char *arg, char *err, size_t err_size)
{
    if (strcmp(arg, "wait") != 0) {
        snprintf(err, err_size, "printer: expected 'printer wait', got 'printer %s'", arg);
        return false;
    }
    return true;
}

static bool verb_run(app *a, const char *arg, char *err, size_t err_size)
{
    (void)arg;
    struct timespec step = {0, PRINTER_SCRIPT_STEP_MS * 1000000L};
    for (int spent = 0;; spent += PRINTER_SCRIPT_STEP_MS) {
        pthread_mutex_lock(&pr.mu);
        int out = pr.waiting;
        pthread_mutex_unlock(&pr.mu);
        if (out == 0)
            return true;
        if (spent >= PRINTER_SCRIPT_WAIT_MS) {
            snprintf(err, err_size, "printer wait: %d job(s) still unanswered after %d s", out,
                     PRINTER_SCRIPT_WAIT_MS / 1000);
            return false;
        }
        nanosleep(&step, NULL);
        clock_advance(PRINTER_SCRIPT_STEP_MS);
        app_pump(a);
    }
}

static const app_verb verbs[] = {
    {.word = "printer", .takes_arg = true, .check = verb_check, .run = verb_run},
};

const app_service printer_service = {
    .name = "printer",
    .start = printer_start,
    .stop = printer_stop,
    .verbs = verbs,
    .n_verbs = sizeof verbs / sizeof *verbs,
};
