/*
 * The printer service (kiosk/devices/printer.c) against a real, private
 * cupsd, on the kiosk's virtual clock as under the script harness:
 *   - a job to a working queue: PRINTER_EV_DONE, and the sink has the bytes;
 *   - a paused queue and a printer out of paper: PRINTER_EV_FAILED with the
 *     printer's reason, at once rather than at the deadline;
 *   - a device that never answers: FAILED at the printer's deadline on the
 *     kiosk clock (5 virtual seconds), not before;
 *   - each printer's status "printer.NAME" in the status model;
 *   - printer_print_receipt: the receipt drawn at the printer's width,
 *     and what the printer receives decodes as that receipt;
 *   - cupsd killed: FAILED with status.printer_no_cups at once, and every
 *     printer turns hardwareError;
 *   - the UI never waits on CUPS: for a paused queue, a printer out of
 *     paper and a stopped cupsd alike, printer_print_receipt returns a
 *     ticket without one libcups call on the calling thread, and the
 *     fallback's reason comes later through the hub; the time the call
 *     took is printed, never judged (shared machines);
 *   - purged: once a job is over (completed, cancelled at once or at its
 *     deadline) neither its document (the spool's dNNNNN-001) nor its
 *     history (cNNNNN) is left and cupsd no longer knows it -- while a job
 *     printed past the printer service keeps both on this cupsd
 *     (PreserveJobFiles Yes, tests/print/cupsd.sh), so what goes is the
 *     service's doing; and a job whose cupsd hung (SIGSTOP) is purged once
 *     cupsd answers again;
 *   - without an A4 printer cairo and pango are never loaded.
 * Usage: service_test CONFIG CUPSD_PID SINK_DIR SPOOL_DIR   (service_test.sh)
 */
#include <cups/cups.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "../support/escpos_decode.h"
#include "../support/receipt_samples.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "ui/text.h"
#include "devices/printer.h"
#include "hub/hub.h"
#include "print/certificate.h"
#include "print/cups_job.h"
#include "settings/settings.h"
#include "status/status.h"

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            printf("FAIL line %d: ", __LINE__);            \
            printf(__VA_ARGS__);                           \
            printf("\n");                                  \
            failures++;                                    \
        }                                                  \
    } while (0)

/* ---- libcups calls on the UI thread ----------------------------------------
 * Every exchange kiosk/print/cups_job.c has with cupsd begins with one of
 * these four. Defined here, they take libcups's place for the code linked
 * into this program: each counts the calls made on the test's main thread
 * (the UI thread's stand-in) and goes on to libcups's own. */

static pthread_t ui_thread;
static atomic_int cups_calls_on_ui;

static struct {
    __typeof__(httpConnect2) *httpConnect2;
    __typeof__(cupsGetNamedDest) *cupsGetNamedDest;
    __typeof__(cupsDoRequest) *cupsDoRequest;
    __typeof__(cupsCancelJob2) *cupsCancelJob2;
} real;

static void count_call(void)
{
    if (pthread_equal(pthread_self(), ui_thread))
        atomic_fetch_add(&cups_calls_on_ui, 1);
}

http_t *httpConnect2(const char *host, int port, http_addrlist_t *addrlist, int family,
                     http_encryption_t encryption, int blocking, int msec, int *cancel)
{
    count_call();
    return real.httpConnect2(host, port, addrlist, family, encryption, blocking, msec, cancel);
}

cups_dest_t *cupsGetNamedDest(http_t *http, const char *name, const char *instance)
{
    count_call();
    return real.cupsGetNamedDest(http, name, instance);
}

ipp_t *cupsDoRequest(http_t *http, ipp_t *request, const char *resource)
{
    count_call();
    return real.cupsDoRequest(http, request, resource);
}

ipp_status_t cupsCancelJob2(http_t *http, const char *name, int job_id, int purge)
{
    count_call();
    return real.cupsCancelJob2(http, name, job_id, purge);
}

/* Before any thread starts. */
static bool find_libcups(void)
{
    *(void **)&real.httpConnect2 = dlsym(RTLD_NEXT, "httpConnect2");
    *(void **)&real.cupsGetNamedDest = dlsym(RTLD_NEXT, "cupsGetNamedDest");
    *(void **)&real.cupsDoRequest = dlsym(RTLD_NEXT, "cupsDoRequest");
    *(void **)&real.cupsCancelJob2 = dlsym(RTLD_NEXT, "cupsCancelJob2");
    ui_thread = pthread_self();
    return real.httpConnect2 && real.cupsGetNamedDest && real.cupsDoRequest &&
           real.cupsCancelJob2;
}

/* ---- answers ------------------------------------------------------------------ */

static struct {
    uint64_t ticket;
    bool answered;
    int kind;
    char reason[64];
    char detail[320];
    int job_id;
    uint64_t at_ms;
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
    last.job_id = d->job_id;
    last.at_ms = clock_now_ms();
}

/* Moves the kiosk clock on in 250 ms steps, handling what the thread
 * posts, until the answer or limit_ms. Real time passes too (20 ms a
 * step): cupsd runs its backends in real time. */
static bool wait_answer(uint64_t limit_ms)
{
    uint64_t end = clock_now_ms() + limit_ms;
    while (!last.answered && clock_now_ms() < end) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        clock_advance(250);
        hub_dispatch(NULL, NULL);
    }
    return last.answered;
}

/* Whether a library whose file name contains name is mapped. */
static bool mapped(const char *name)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, name) != NULL;
    if (f)
        fclose(f);
    return found;
}

static const char job_bytes[] = "\x1b@kiosk service test\n\x1d\x56\x42\x00";

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A job handed over as the UI does, on this thread: a ticket, and not one
 * libcups call made here (whatever the printer or cupsd does, the UI
 * cannot wait on it); the answer comes later, through the hub. The time
 * is printed, never judged. */
static void handed_over(const char *what, const char *which, uint64_t start_ns, const char *why)
{
    uint64_t ns = mono_ns() - start_ns;
    int calls = atomic_exchange(&cups_calls_on_ui, 0);
    CHECK(last.ticket > 0, "%s(%s): %s", what, which, why);
    CHECK(calls == 0, "%s(%s) made %d libcups calls on the calling thread", what, which, calls);
    CHECK(!last.answered, "%s(%s): answered before the call returned", what, which);
    printf("hand-over: %s(%s) returned after %.3f ms on the calling thread, no libcups call\n",
           what, which, (double)ns / 1e6);
}

static uint64_t print(const char *which)
{
    char why[200] = "";
    memset(&last, 0, sizeof last);
    atomic_store(&cups_calls_on_ui, 0);
    uint64_t t = mono_ns();
    last.ticket = printer_print_bytes(which, job_bytes, sizeof job_bytes - 1,
                                      PRINT_FORMAT_ESCPOS, "service test", why, sizeof why);
    handed_over("printer_print_bytes", which, t, why);
    return clock_now_ms();
}

/* printer_print_receipt, the UI's call: draws and encodes on this thread,
 * then hands over. */
static uint64_t print_receipt(const char *which)
{
    char why[200] = "";
    memset(&last, 0, sizeof last);
    atomic_store(&cups_calls_on_ui, 0);
    uint64_t t = mono_ns();
    last.ticket = printer_print_receipt(which, &zh_receipt, why, sizeof why);
    handed_over("printer_print_receipt", which, t, why);
    return clock_now_ms();
}

/* ---- the spool -------------------------------------------------------------- */

static const char *spool_dir;

static bool spooled(const char *fmt, int job_id)
{
    char name[40], path[700];
    snprintf(name, sizeof name, fmt, job_id);
    snprintf(path, sizeof path, "%s/%s", spool_dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

/* CUPS's answer about job_id (a connection of its own, on this thread). */
static cups_err ask_cups(const char *destination, int job_id, cups_job_info *info)
{
    char why[300];
    memset(info, 0, sizeof *info);
    cups_conn *c = cups_conn_open(5000, why, sizeof why);
    if (!c)
        return CUPS_ERR_SERVER;
    cups_err e = cups_job_query(c, destination, job_id, info, why, sizeof why);
    cups_conn_close(c);
    return e;
}

/* Job job_id on destination is over and the printer service purged it:
 * no document, no history, unknown to cupsd. The thread purges right
 * after it answers, so once it is idle again (clock_settle) a job that had
 * not started printing is gone. One cancelled while printing takes a
 * second purge: cupsd first stops its backend (in real time), and the
 * thread tries again PRINTER_JOB_POLL_MS later on the kiosk clock. */
static void expect_purged(const char *what, const char *destination, int job_id)
{
    CHECK(job_id > 0, "%s: the answer carries no CUPS job id", what);
    if (job_id <= 0)
        return;
    clock_settle();
    cups_job_info info;
    cups_err e = ask_cups(destination, job_id, &info);
    int looks = 1;
    for (; looks < 40 && e != CUPS_ERR_NO_JOB; looks++) {
        usleep(50000);
        clock_advance(PRINTER_JOB_POLL_MS);
        hub_dispatch(NULL, NULL);
        clock_settle();
        e = ask_cups(destination, job_id, &info);
    }
    CHECK(!spooled("d%05d-001", job_id), "%s: job %d's document is still in the spool", what,
          job_id);
    CHECK(!spooled("c%05d", job_id), "%s: job %d's history is still in the spool", what,
          job_id);
    CHECK(e == CUPS_ERR_NO_JOB, "%s: cupsd still knows job %d (%d, state %d)", what, job_id,
          (int)e, info.state);
    printf("purged: %s, job %s-%d: no document, no history (%s)\n", what, destination, job_id,
           looks == 1 ? "at once" : "after its backend stopped");
}

/* A job printed past the printer service (as lp would) keeps its document
 * and history on this cupsd, so the purges checked here are the service's
 * doing; cups_job_purge then removes them. */
static void control_job(void)
{
    char why[300];
    cups_conn *c = cups_conn_open(5000, why, sizeof why);
    CHECK(c != NULL, "control job: %s", why);
    if (!c)
        return;
    int id = 0;
    cups_err e = cups_job_submit(c, "receipt", "control", PRINT_FORMAT_ESCPOS, job_bytes,
                                 sizeof job_bytes - 1, &id, why, sizeof why);
    CHECK(e == CUPS_OK && id > 0, "control job: %s", why);
    cups_job_info info = {0};
    for (int i = 0; i < 500 && e == CUPS_OK && info.state != CUPS_JOB_COMPLETED; i++) {
        usleep(20000);
        e = cups_job_query(c, "receipt", id, &info, why, sizeof why);
    }
    CHECK(info.state == CUPS_JOB_COMPLETED, "control job %d: state %d", id, info.state);
    CHECK(spooled("d%05d-001", id), "control job %d: no document in the spool after it "
          "printed: this cupsd does not keep documents, and the purge checks prove nothing",
          id);
    e = cups_job_purge(c, "receipt", id, why, sizeof why);
    CHECK(e == CUPS_OK, "cups_job_purge(%d): %s", id, why);
    CHECK(!spooled("d%05d-001", id) && !spooled("c%05d", id),
          "cups_job_purge(%d) left its files in the spool", id);
    CHECK(cups_job_query(c, "receipt", id, &info, why, sizeof why) == CUPS_ERR_NO_JOB,
          "cupsd still knows job %d after cups_job_purge", id);
    /* a job cupsd no longer knows: nothing left to purge */
    CHECK(cups_job_purge(c, "receipt", id, why, sizeof why) == CUPS_OK,
          "purging job %d again: %s", id, why);
    cups_conn_close(c);
    printf("control: job receipt-%d printed past the service kept its document until "
           "cups_job_purge\n", id);
}

static void expect_status(const char *name, status_state state, const char *reason)
{
    status_entry e;
    CHECK(status_get(name, &e), "no status %s", name);
    CHECK(e.state == state, "%s is %s, expected %s (%s)", name, status_state_name(e.state),
          status_state_name(state), e.detail);
    CHECK(!strcmp(e.reason_key, reason), "%s reason '%s', expected '%s'", name, e.reason_key,
          reason);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: service_test CONFIG CUPSD_PID SINK_DIR SPOOL_DIR\n", stderr);
        return 2;
    }
    spool_dir = argv[4];
    if (!find_libcups()) {
        fputs("service_test: libcups's own functions not found\n", stderr);
        return 2;
    }
    settings cfg;
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, argv[1], &errs)) {
        diag_print(&errs, stderr);
        return 2;
    }
    clock_use_virtual(0);
    hub_init(NULL, NULL);
    hub_on(hub_source("printer"), on_printer, NULL);
    CHECK(printer_open(&cfg), "printer_open");
    /* the first look at every printer */
    clock_advance(100);
    hub_dispatch(NULL, NULL);
    expect_status("printer.receipt", STATUS_ONLINE, "");
    expect_status("printer.paused", STATUS_HARDWARE_ERROR, "status.printer_stopped");
    /* no A4 printer here: cairo and pango never enter the process */
    CHECK(!certificate_loaded() && !mapped("libpango-1.0.so") && !mapped("libcairo.so"),
          "cairo or pango loaded without an A4 printer");

    char why[200];
    CHECK(printer_print_bytes("no-such-printer", "x", 1, PRINT_FORMAT_ESCPOS, "t", why,
                              sizeof why) == 0, "a job for an unknown printer was taken");

    /* 1. printed: by kind ("receipt" is also the first receipt printer) */
    print("receipt");
    CHECK(wait_answer(10000), "no answer for the receipt job");
    CHECK(last.kind == PRINTER_EV_DONE, "receipt job: %s %s", last.reason, last.detail);
    char path[600];
    snprintf(path, sizeof path, "%s/job-1.bin", argv[3]);
    struct stat st;
    for (int i = 0; i < 100 && stat(path, &st) != 0; i++)
        usleep(50000);
    CHECK(stat(path, &st) == 0 && st.st_size == (off_t)(sizeof job_bytes - 1),
          "the sink did not get the job's %zu bytes", sizeof job_bytes - 1);
    expect_purged("completed", "receipt", last.job_id);

    /* 1b. a receipt through the UI's call: drawn, encoded, printed */
    setenv("TZ", "CST-8", 1);
    tzset();
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    static const char langs[][8] = {"zh", "en"};
    CHECK(SDL_Init(SDL_INIT_VIDEO) == 0 && TTF_Init() == 0 && text_init(NULL, &errs) &&
              i18n_load(KIOSK_SOURCE_DIR "/assets/strings", langs, 2, "zh", &errs),
          "the text stack did not start");
    diag_clear(&errs);
    print_receipt("receipt");
    CHECK(wait_answer(10000) && last.kind == PRINTER_EV_DONE, "receipt: %s %s", last.reason,
          last.detail);
    int receipt_job = last.job_id;
    snprintf(path, sizeof path, "%s/job-2.bin", argv[3]);
    for (int i = 0; i < 100 && stat(path, &st) != 0; i++)
        usleep(50000);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "the sink did not get the receipt");
    if (f) {
        static unsigned char buf[1 << 21];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        escpos_decoded d;
        char err[200];
        bool ok = escpos_decode(buf, n, 256, &d, err, sizeof err);
        CHECK(ok, "the receipt's bytes do not decode: %s", err);
        if (ok) {
            CHECK(d.image->width == 576 && d.image->height > 1000, "receipt %d x %d dots",
                  d.image->width, d.image->height);
            escpos_decoded_free(&d);
        }
    }
    CHECK(printer_print_receipt("no-such", &zh_receipt, why, sizeof why) == 0,
          "a receipt for an unknown printer was taken");
    expect_purged("receipt completed", "receipt", receipt_job);
    control_job();

    /* 2. a paused queue: failed at once, with its reason */
    uint64_t t0 = print_receipt("paused");
    CHECK(wait_answer(20000), "no answer for the paused job");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "status.printer_stopped"),
          "paused: %d %s %s", last.kind, last.reason, last.detail);
    CHECK(last.at_ms - t0 < 3000, "paused: failed only after %llu ms",
          (unsigned long long)(last.at_ms - t0));
    CHECK(strstr(last.detail, "cancelled") != NULL, "paused job not cancelled: %s", last.detail);
    expect_purged("cancelled on a paused queue", "paused", last.job_id);

    /* 3. out of paper */
    print_receipt("empty");
    CHECK(wait_answer(20000), "no answer for the out-of-paper job");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "status.printer_paper_out"),
          "empty: %d %s %s", last.kind, last.reason, last.detail);
    expect_purged("stopped by its backend", "empty", last.job_id);
    clock_advance(PRINTER_POLL_MS);
    hub_dispatch(NULL, NULL);
    expect_status("printer.empty", STATUS_HARDWARE_ERROR, "status.printer_paper_out");

    /* 4. never answers: the deadline (5 s on the kiosk clock) */
    t0 = print("nowhere");
    CHECK(wait_answer(20000), "no answer for the job that never ends");
    CHECK(last.kind == PRINTER_EV_FAILED, "nowhere: %s", last.detail);
    CHECK(last.at_ms - t0 >= 5000 && last.at_ms - t0 < 6500,
          "nowhere: given up after %llu ms, deadline 5000",
          (unsigned long long)(last.at_ms - t0));
    CHECK(strstr(last.detail, "at its deadline") && strstr(last.detail, "cancelled"),
          "nowhere: %s", last.detail);
    expect_purged("cancelled at its deadline", "nowhere", last.job_id);
    pid_t cupsd = (pid_t)atoi(argv[2]);

    /* 4b. cupsd hangs (SIGSTOP) while a job is out: the job fails with
     * status.printer_no_cups once a call times out (PRINTER_CUPS_TIMEOUT_MS
     * of real time: the clock says so on stderr), its document stays in
     * the spool as nobody can purge it, and goes once cupsd answers again. */
    print("nowhere");
    clock_settle(); /* submitted */
    CHECK(kill(cupsd, SIGSTOP) == 0, "cannot stop cupsd %d", (int)cupsd);
    CHECK(wait_answer(30000), "no answer for the job out while cupsd hung");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "status.printer_no_cups"),
          "cupsd hung: %d %s %s", last.kind, last.reason, last.detail);
    clock_settle(); /* past its look at the printers, which times out too */
    CHECK(last.job_id > 0 && spooled("d%05d-001", last.job_id),
          "cupsd hung: job %d's document is not in the spool", last.job_id);
    CHECK(kill(cupsd, SIGCONT) == 0, "cannot resume cupsd %d", (int)cupsd);
    /* the thread's next look: a new connection, and the purge that waited */
    clock_advance(PRINTER_POLL_MS);
    hub_dispatch(NULL, NULL);
    expect_purged("failed while cupsd hung, purged once it answered", "nowhere", last.job_id);
    expect_status("printer.receipt", STATUS_ONLINE, "");

    /* 5. cupsd gone */
    CHECK(kill(cupsd, SIGTERM) == 0, "cannot stop cupsd %d", (int)cupsd);
    for (int i = 0; i < 100 && kill(cupsd, 0) == 0; i++)
        usleep(50000);
    /* let the thread notice (its next look at the printers) */
    clock_advance(PRINTER_POLL_MS);
    hub_dispatch(NULL, NULL);
    t0 = print_receipt("receipt");
    CHECK(wait_answer(5000), "no answer without cupsd");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "status.printer_no_cups"),
          "without cupsd: %d %s %s", last.kind, last.reason, last.detail);
    CHECK(last.at_ms - t0 <= 500, "without cupsd: answered after %llu ms",
          (unsigned long long)(last.at_ms - t0));
    clock_advance(PRINTER_POLL_MS);
    hub_dispatch(NULL, NULL);
    expect_status("printer.receipt", STATUS_HARDWARE_ERROR, "status.printer_no_cups");
    expect_status("printer.empty", STATUS_HARDWARE_ERROR, "status.printer_no_cups");

    printer_close();
    hub_shutdown();
    i18n_unload();
    text_shutdown();
    TTF_Quit();
    SDL_Quit();
    settings_free(&cfg);
    printf("%s\n", failures ? "print.service: FAILED" : "print.service: ok");
    return failures ? 1 : 0;
}
