/*
 * bench_print: from "print" to the job accepted by cupsd, through the
 * printer service (kiosk/devices/printer.c) against a private cupsd
 * (tests/print/cupsd.sh, started by bench_print.sh): a raw receipt queue
 * and a raw A4 queue, both printing to the TCP sink.
 *
 * For JOBS jobs of each kind, handed over one at a time after a first one
 * (fonts opened, libraries warmed) shown on its own, p50 / p95 / max of:
 *   (a) the call on the calling thread -- what the UI pays, against the
 *       16.7 ms of a frame: printer_print_receipt draws and encodes the
 *       receipt there; printer_print_bytes and printer_print_certificate
 *       copy their data -- and the part of it before the job reached the
 *       printer thread's queue (drawing, encoding, copying);
 *   (b) from the hand-over (the job on the printer thread's queue:
 *       printer_done.handed_ns) to cupsd accepting the document (job id
 *       returned, document finished: printer_done.accepted_ns); for a
 *       certificate this includes its render on the printer thread;
 *   (c) from the hand-over to PRINTER_EV_DONE on the hub: cupsd says
 *       completed, which the thread learns at its next look at the job,
 *       PRINTER_JOB_POLL_MS after the submission.
 * Then the same receipt bytes through cups_job on this thread with a look
 * every 2 ms: when cupsd itself has completed a job, and what the purge
 * each finished job gets costs (cups_job_purge). Last, what the spool
 * holds after the run (nothing: every job purged).
 *
 * Prints figures; never fails on time (shared build machines).
 * Usage: bench_print CONFIG SPOOL_DIR [JOBS]   (bench_print.sh)
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <cups/cups.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../support/certificate_samples.h"
#include "../support/receipt_samples.h"
#include "common/diag.h"
#include "devices/printer.h"
#include "hub/hub.h"
#include "i18n/i18n.h"
#include "print/certificate.h"
#include "print/cups_job.h"
#include "print/escpos.h"
#include "print/receipt.h"
#include "settings/settings.h"
#include "status/status.h"
#include "ui/text.h"

#define JOBS_DEFAULT 30
#define JOBS_MAX 500
#define FRAME_MS 16.7
#define ANSWER_LIMIT_S 60       /* a job not answered by then: the run stops */

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *sorted, int n, double p)
{
    return sorted[(int)(p * (n - 1) + 0.5)];
}

/* "p50 1.23  p95 2.34  max 3.45 ms" of n figures (sorted here) */
static void line(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("    %-44s p50 %8.3f  p95 %8.3f  max %8.3f ms\n", what, pct(v, n, 0.5),
           pct(v, n, 0.95), v[n - 1]);
}

static void load_average(const char *when)
{
    double l1 = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l1) != 1)
            l1 = -1;
        fclose(f);
    }
    printf("  load average (1 min) %s: %.2f\n", when, l1);
}

/* ---- answers, on this thread through the hub ------------------------------ */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t posted = PTHREAD_COND_INITIALIZER;
static bool pending;

/* the hub's wake-up, on the posting thread */
static void wake(void *user)
{
    (void)user;
    pthread_mutex_lock(&mu);
    pending = true;
    pthread_cond_signal(&posted);
    pthread_mutex_unlock(&mu);
}

static struct {
    uint64_t ticket;
    bool answered;
    int kind;
    char reason[64];
    char detail[320];
    uint64_t handed_ns, accepted_ns, answered_ns;
} last;

static void on_printer(void *user, hub_event *ev)
{
    (void)user;
    const printer_done *d = printer_event_done(ev);
    if (!d || d->ticket != last.ticket)
        return;
    last.answered = true;
    last.kind = ev->kind;
    snprintf(last.reason, sizeof last.reason, "%s", d->reason_key ? d->reason_key : "");
    snprintf(last.detail, sizeof last.detail, "%s", d->detail);
    last.handed_ns = d->handed_ns;
    last.accepted_ns = d->accepted_ns;
    last.answered_ns = ev->posted_ns;
}

/* Handles what the hub gets until the answer to last.ticket. */
static bool wait_answer(void)
{
    uint64_t end = mono_ns() + (uint64_t)ANSWER_LIMIT_S * 1000000000u;
    while (!last.answered && mono_ns() < end) {
        pthread_mutex_lock(&mu);
        if (!pending) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&posted, &mu, &ts);
        }
        pending = false;
        pthread_mutex_unlock(&mu);
        hub_dispatch(NULL, NULL);
    }
    return last.answered;
}

/* ---- one kind of job ---------------------------------------------------- */

typedef enum { KIND_RECEIPT, KIND_BYTES, KIND_PDF, KIND_CERTIFICATE } job_kind;

static const unsigned char *escpos_bytes, *pdf_bytes;
static size_t escpos_len, pdf_len;

/* Hands one job of kind k over; when the call began in *start_ns, the
 * time on this thread in *call_ns. */
static uint64_t hand_over(job_kind k, uint64_t *start_ns, uint64_t *call_ns, char *why,
                          size_t why_size)
{
    uint64_t t0 = mono_ns(), ticket = 0;
    *start_ns = t0;
    switch (k) {
    case KIND_RECEIPT:
        ticket = printer_print_receipt("receipt", &zh_receipt, why, why_size);
        break;
    case KIND_BYTES:
        ticket = printer_print_bytes("receipt", escpos_bytes, escpos_len, PRINT_FORMAT_ESCPOS,
                                     "receipt", why, why_size);
        break;
    case KIND_PDF:
        ticket = printer_print_bytes("a4", pdf_bytes, pdf_len, PRINT_FORMAT_PDF, "certificate",
                                     why, why_size);
        break;
    case KIND_CERTIFICATE:
        ticket = printer_print_certificate("a4", &zh_certificate, why, why_size);
        break;
    }
    *call_ns = mono_ns() - t0;
    return ticket;
}

/* One job to its answer: (a), the part of (a) before the queue, (b), (c)
 * in ms; false when it failed. */
static bool one(job_kind k, double *a, double *a_before, double *b, double *c)
{
    char why[300] = "";
    memset(&last, 0, sizeof last);
    uint64_t start, call;
    last.ticket = hand_over(k, &start, &call, why, sizeof why);
    if (!last.ticket) {
        fprintf(stderr, "bench_print: not handed over: %s\n", why);
        return false;
    }
    if (!wait_answer() || last.kind != PRINTER_EV_DONE || !last.accepted_ns) {
        fprintf(stderr, "bench_print: job not printed: %s %s\n", last.reason, last.detail);
        return false;
    }
    *a = ms(call);
    *a_before = ms(last.handed_ns - start);
    *b = ms(last.accepted_ns - last.handed_ns);
    *c = ms(last.answered_ns - last.handed_ns);
    return true;
}

static bool series(const char *name, job_kind k, int jobs)
{
    static double a[JOBS_MAX], a_before[JOBS_MAX], b[JOBS_MAX], c[JOBS_MAX];
    double a0, a0_before, b0, c0;
    printf("  %s\n", name);
    if (!one(k, &a0, &a0_before, &b0, &c0))
        return false;
    printf("    first job: (a) %.3f ms (%.3f before the queue), (b) %.3f ms, (c) %.1f ms\n", a0,
           a0_before, b0, c0);
    for (int i = 0; i < jobs; i++)
        if (!one(k, &a[i], &a_before[i], &b[i], &c[i]))
            return false;
    char what[80];
    snprintf(what, sizeof what, "(a) call on the calling thread, %d jobs", jobs);
    line(what, a, jobs);
    line("  of which before the queue (draw, copy)", a_before, jobs);
    printf("        (a) max %s one frame (16.7 ms)\n", a[jobs - 1] < FRAME_MS ? "within" : "over");
    line("(b) hand-over -> accepted by cupsd", b, jobs);
    line("(c) hand-over -> DONE on the hub", c, jobs);
    return true;
}

/* ---- cupsd alone --------------------------------------------------------- */

static bool direct(int jobs)
{
    static double sub[JOBS_MAX], done[JOBS_MAX], purge[JOBS_MAX];
    char why[300];
    cups_conn *conn = cups_conn_open(5000, why, sizeof why);
    if (!conn) {
        fprintf(stderr, "bench_print: %s\n", why);
        return false;
    }
    printf("  receipt bytes through cups_job on this thread, a look every 2 ms\n");
    bool ok = true;
    for (int i = 0; i < jobs && ok; i++) {
        int id = 0;
        uint64_t t0 = mono_ns();
        cups_err e = cups_job_submit(conn, "receipt", "receipt", PRINT_FORMAT_ESCPOS,
                                     escpos_bytes, escpos_len, &id, why, sizeof why);
        uint64_t t1 = mono_ns();
        cups_job_info info = {0};
        for (int n = 0; e == CUPS_OK && info.state != CUPS_JOB_COMPLETED && n < 10000; n++) {
            usleep(2000);
            e = cups_job_query(conn, "receipt", id, &info, why, sizeof why);
        }
        uint64_t t2 = mono_ns();
        if (e == CUPS_OK && info.state == CUPS_JOB_COMPLETED)
            e = cups_job_purge(conn, "receipt", id, why, sizeof why);
        uint64_t t3 = mono_ns();
        if (e != CUPS_OK) {
            fprintf(stderr, "bench_print: direct job %d: %s\n", id, why);
            ok = false;
            break;
        }
        sub[i] = ms(t1 - t0);
        done[i] = ms(t2 - t0);
        purge[i] = ms(t3 - t2);
    }
    cups_conn_close(conn);
    if (!ok)
        return false;
    line("submit -> accepted by cupsd", sub, jobs);
    line("submit -> completed (seen within 2 ms)", done, jobs);
    line("cups_job_purge (purge-job, then a look)", purge, jobs);
    return true;
}

/* Files of jobs left in the spool: dNNNNN-NNN documents, cNNNNN histories. */
static void spool_left(const char *dir)
{
    int docs = 0, hist = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == 'd' && e->d_name[1] >= '0' && e->d_name[1] <= '9')
            docs++;
        else if (e->d_name[0] == 'c' && e->d_name[1] >= '0' && e->d_name[1] <= '9')
            hist++;
    }
    if (d)
        closedir(d);
    printf("  CUPS's spool after the run: %d documents, %d job histories%s\n", docs, hist,
           d ? "" : " (cannot read it)");
}

/* ---- setting up ---------------------------------------------------------- */

static bool text_stack(diag_list *errs)
{
    static const char langs[][8] = {"zh", "en"};
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    return SDL_Init(SDL_INIT_VIDEO) == 0 && TTF_Init() == 0 && text_init(NULL, errs) &&
           i18n_load(KIOSK_SOURCE_DIR "/assets/strings", langs, 2, "zh", errs);
}

/* The documents printer_print_bytes sends: the receipt as ESC/POS and the
 * certificate as PDF, made once here. */
static bool documents(void)
{
    char why[300];
    receipt_format f = {576, 203};
    raster *r = receipt_render(&zh_receipt, &f, NULL, why, sizeof why);
    if (!r) {
        fprintf(stderr, "bench_print: %s\n", why);
        return false;
    }
    escpos_options o = {.band_rows = ESCPOS_BAND_ROWS_DEFAULT, .feed_lines = -1};
    escpos_bytes = escpos_encode(r, &o, &escpos_len);
    raster_free(r);
    pdf_bytes = certificate_render(&zh_certificate, NULL, &pdf_len, NULL, why, sizeof why);
    if (!escpos_bytes || !pdf_bytes) {
        fprintf(stderr, "bench_print: %s\n", escpos_bytes ? why : "out of memory");
        return false;
    }
    return true;
}

/* The printer thread's first look at both printers: online. */
static bool printers_online(void)
{
    for (int i = 0; i < 200; i++) {
        status_entry r, a;
        if (status_get("printer.receipt", &r) && r.state == STATUS_ONLINE &&
            status_get("printer.a4", &a) && a.state == STATUS_ONLINE)
            return true;
        usleep(50000);
        hub_dispatch(NULL, NULL);
    }
    fprintf(stderr, "bench_print: the printers did not come online\n");
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fputs("usage: bench_print CONFIG SPOOL_DIR [JOBS]\n", stderr);
        return 2;
    }
    int jobs = argc == 4 ? atoi(argv[3]) : JOBS_DEFAULT;
    if (jobs < 1 || jobs > JOBS_MAX) {
        fprintf(stderr, "bench_print: JOBS is 1..%d\n", JOBS_MAX);
        return 2;
    }
    setenv("TZ", "CST-8", 1);
    tzset();
    settings cfg;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, argv[1], &errs) || !text_stack(&errs)) {
        diag_print(&errs, stderr);
        return 1;
    }
    diag_clear(&errs);
    printf("bench_print: print -> accepted by cupsd -> completed, private cupsd "
           "(libcups %d.%d.%d), raw queues to a TCP sink, %ld cores\n",
           CUPS_VERSION_MAJOR, CUPS_VERSION_MINOR, CUPS_VERSION_PATCH,
           sysconf(_SC_NPROCESSORS_ONLN));
    load_average("at start");
    if (!documents())
        return 1;
    printf("  documents: receipt %zu bytes of ESC/POS (576 dots, 203 dpi), certificate %zu "
           "bytes of PDF\n", escpos_len, pdf_len);
    hub_init(wake, NULL);
    hub_on(hub_source("printer"), on_printer, NULL);
    bool ok = printer_open(&cfg) && printers_online();
    printf("  (a) on the calling thread; (b), (c) from the hand-over; the printer thread looks "
           "at a job every %u ms\n", PRINTER_JOB_POLL_MS);
    ok = ok && series("receipt: printer_print_receipt (drawn and encoded on the calling thread)",
                      KIND_RECEIPT, jobs);
    ok = ok && series("receipt: printer_print_bytes (ESC/POS made beforehand)", KIND_BYTES, jobs);
    ok = ok && series("A4: printer_print_bytes (certificate PDF made beforehand)", KIND_PDF, jobs);
    ok = ok && series("A4: printer_print_certificate (rendered on the printer thread)",
                      KIND_CERTIFICATE, jobs);
    printer_close();
    ok = ok && direct(jobs);
    spool_left(argv[2]);
    load_average("at end");
    hub_shutdown();
    free((void *)escpos_bytes);
    certificate_free((unsigned char *)pdf_bytes, pdf_len);
    i18n_unload();
    text_shutdown();
    TTF_Quit();
    SDL_Quit();
    settings_free(&cfg);
    return ok ? 0 : 1;
}
