/*
 * The printer service (kiosk/devices/printer.c) against a real, private
 * cupsd, on the kiosk's virtual clock as under the script harness:
 *   - a job to a working queue: PRINTER_EV_DONE, and the sink has the bytes;
 *   - a paused queue and a printer out of paper: PRINTER_EV_FAILED with the
 *     printer's reason, at once rather than at the deadline;
 *   - a device that never answers: FAILED at the printer's deadline on the
 *     kiosk clock (5 virtual seconds), not before;
 *   - each printer's status "printer.NAME" in the status model;
 *   - handing a job over takes microseconds (the UI never waits);
 *   - printer_print_receipt: the receipt drawn at the printer's width,
 *     and what the printer receives decodes as that receipt;
 *   - cupsd killed: FAILED with status.printer_no_cups at once, and every
 *     printer turns hardwareError;
 *   - without an A4 printer cairo and pango are never loaded.
 * Usage: service_test CONFIG CUPSD_PID SINK_DIR   (tests/print/service_test.sh)
 */
#include <signal.h>
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

static struct {
    uint64_t ticket;
    bool answered;
    int kind;
    char reason[64];
    char detail[320];
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

static uint64_t print(const char *which)
{
    char why[200] = "";
    memset(&last, 0, sizeof last);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    last.ticket = printer_print_bytes(which, job_bytes, sizeof job_bytes - 1,
                                      PRINT_FORMAT_ESCPOS, "service test", why, sizeof why);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    CHECK(last.ticket > 0, "printer_print_bytes(%s): %s", which, why);
    /* a frame is 16 ms; handing over must be a tiny part of one */
    CHECK(us < 2000, "handing a job over took %.0f us", us);
    return clock_now_ms();
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
    if (argc != 4) {
        fputs("usage: service_test CONFIG CUPSD_PID SINK_DIR\n", stderr);
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

    /* 1b. a receipt through the UI's call: drawn, encoded, printed */
    setenv("TZ", "CST-8", 1);
    tzset();
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    static const char langs[][8] = {"zh", "en"};
    CHECK(SDL_Init(SDL_INIT_VIDEO) == 0 && TTF_Init() == 0 && text_init(NULL, &errs) &&
              i18n_load(KIOSK_SOURCE_DIR "/assets/strings", langs, 2, "zh", &errs),
          "the text stack did not start");
    diag_clear(&errs);
    memset(&last, 0, sizeof last);
    last.ticket = printer_print_receipt("receipt", &zh_receipt, why, sizeof why);
    CHECK(last.ticket > 0, "printer_print_receipt: %s", why);
    CHECK(wait_answer(10000) && last.kind == PRINTER_EV_DONE, "receipt: %s %s", last.reason,
          last.detail);
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

    /* 2. a paused queue: failed at once, with its reason */
    uint64_t t0 = print("paused");
    CHECK(wait_answer(20000), "no answer for the paused job");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "status.printer_stopped"),
          "paused: %d %s %s", last.kind, last.reason, last.detail);
    CHECK(last.at_ms - t0 < 3000, "paused: failed only after %llu ms",
          (unsigned long long)(last.at_ms - t0));
    CHECK(strstr(last.detail, "cancelled") != NULL, "paused job not cancelled: %s", last.detail);

    /* 3. out of paper */
    print("empty");
    CHECK(wait_answer(20000), "no answer for the out-of-paper job");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "status.printer_paper_out"),
          "empty: %d %s %s", last.kind, last.reason, last.detail);
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

    /* 5. cupsd gone */
    pid_t cupsd = (pid_t)atoi(argv[2]);
    CHECK(kill(cupsd, SIGTERM) == 0, "cannot stop cupsd %d", (int)cupsd);
    for (int i = 0; i < 100 && kill(cupsd, 0) == 0; i++)
        usleep(50000);
    /* let the thread notice (its next look at the printers) */
    clock_advance(PRINTER_POLL_MS);
    hub_dispatch(NULL, NULL);
    t0 = print("receipt");
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
