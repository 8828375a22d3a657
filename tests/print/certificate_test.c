/*
 * Certificates through a real, private cupsd (tests/print/cupsd.sh) to its
 * raw A4 queue "a4", whose device is the TCP sink:
 *   1. the print_job path (as kioskctl print-test): the Chinese certificate
 *      rendered here, submitted as application/pdf, completed, and the
 *      sink's bytes are exactly that PDF; pdftotext reads its Chinese text
 *      and zbarimg scans its QR code, rendered by pdftoppm, as verify_url;
 *      The test purges that job itself (cups_job_purge), as the printer
 *      service does with each of its own;
 *   2. the printer service (printer_print_certificate): the English
 *      certificate handed over (the time is printed, never judged: the
 *      render is the thread's), rendered on the printer thread,
 *      PRINTER_EV_DONE, and the sink's bytes are the same PDF a render
 *      here makes; cairo and pango were loaded when the service started,
 *      since an A4 printer is configured;
 *   3. refusals: a receipt printer, a certificate without a title (at
 *      once), and fields too long for the page (on the thread:
 *      PRINTER_EV_FAILED with certificate.render_failed, nothing at the
 *      sink).
 * Nothing here prints a holder's name or ID number; certificate_test.sh
 * checks that CUPS's logs do not have them either, and that CUPS's spool
 * holds nothing of any job afterwards (the service purged its own).
 * Usage: certificate_test CONFIG SINK_DIR WORK_DIR   (certificate_test.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../support/certificate_samples.h"
#include "common/clock.h"
#include "devices/printer.h"
#include "hub/hub.h"
#include "i18n/i18n.h"
#include "print/certificate.h"
#include "print/cups_job.h"
#include "print/print_job.h"
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

static const char *sink_dir, *work_dir;

static struct {
    uint64_t ticket;
    bool answered;
    int kind;
    char reason[64];
    char detail[320];
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
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Handles what the printer thread posts until the answer (real time). */
static bool wait_answer(int limit_ms)
{
    for (int t = 0; !last.answered && t < limit_ms; t += 20) {
        sleep_ms(20);
        hub_dispatch(NULL, NULL);
    }
    return last.answered;
}

/* The sink's job n, malloc'd, once it is complete; NULL after 10 s. */
static unsigned char *sink_job(int n, size_t *len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/job-%d.bin", sink_dir, n);
    struct stat st;
    for (int i = 0; i < 200 && stat(path, &st) != 0; i++)
        sleep_ms(50);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fstat(fileno(f), &st);
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    *len = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    return buf;
}

static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    static char out[1 << 16];
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    if (p)
        pclose(p);
    return out;
}

/* What the printer got, as an office would read it: its text, and its QR
 * code scanned from a 150 dpi rendering. */
static void read_back(int n, const char *want_text, const char *want_qr)
{
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s/job-%d.bin' - 2>&1", sink_dir, n);
    const char *text = run(cmd);
    CHECK(strstr(text, want_text) != NULL, "job %d: no \"%s\" in its text", n, want_text);
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 150 -png -singlefile '%s/job-%d.bin' '%s/job-%d' && "
             "zbarimg --raw -q '%s/job-%d.png' 2>/dev/null",
             sink_dir, n, work_dir, n, work_dir, n);
    char want[700];
    snprintf(want, sizeof want, "%s\n", want_qr);
    const char *qr = run(cmd);
    CHECK(!strcmp(qr, want), "job %d: the QR code reads \"%s\"", n, qr);
}

static unsigned char *render(const certificate_doc *d, size_t *len)
{
    char why[300];
    unsigned char *pdf = certificate_render(d, NULL, len, NULL, why, sizeof why);
    CHECK(pdf != NULL, "render: %s", why);
    return pdf;
}

/* 1. render here, submit through print_job, compare with the sink */
static void through_print_job(void)
{
    size_t len = 0, got_len = 0;
    unsigned char *pdf = render(&zh_certificate, &len);
    if (!pdf)
        return;
    char why[300];
    cups_conn *c = cups_conn_open(5000, why, sizeof why);
    CHECK(c != NULL, "cups: %s", why);
    if (!c) {
        certificate_free(pdf, len);
        return;
    }
    print_job j;
    uint64_t deadline = clock_now_ms() + 60000;
    print_job_start(&j, c, "a4", "certificate", PRINT_FORMAT_PDF, pdf, len, deadline);
    while (j.outcome == PRINT_WAITING) {
        sleep_ms(100);
        print_job_check(&j, c, clock_now_ms());
    }
    CHECK(j.outcome == PRINT_DONE, "print_job: %s", j.detail);
    CHECK(cups_job_purge(c, "a4", j.job_id, why, sizeof why) == CUPS_OK, "purge: %s", why);
    cups_conn_close(c);
    unsigned char *got = sink_job(1, &got_len);
    CHECK(got && got_len == len && !memcmp(got, pdf, len),
          "the sink's %zu bytes are not the %zu-byte PDF", got_len, len);
    printf("print_job: job a4-%d, %zu bytes of PDF at the sink, identical\n", j.job_id, len);
    free(got);
    certificate_free(pdf, len);
    read_back(1, "社会保险参保证明", zh_certificate.verify_url);
    read_back(1, "参保状态", zh_certificate.verify_url);
}

/* 2. the printer service */
static void through_service(void)
{
    CHECK(certificate_loaded(), "cairo and pango were not loaded with an A4 printer configured");
    memset(&last, 0, sizeof last);
    char why[300] = "";
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    last.ticket = printer_print_certificate(NULL, &en_certificate, why, sizeof why);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    CHECK(last.ticket > 0, "printer_print_certificate: %s", why);
    /* the data is copied and the render is the thread's: the answer comes
     * later, through the hub */
    CHECK(!last.answered, "the certificate was answered before the hand-over returned");
    CHECK(wait_answer(30000), "no answer for the certificate");
    CHECK(last.kind == PRINTER_EV_DONE, "certificate: %s %s", last.reason, last.detail);
    size_t len = 0, got_len = 0;
    unsigned char *got = sink_job(2, &got_len);
    unsigned char *pdf = render(&en_certificate, &len);
    CHECK(got && pdf && got_len == len && !memcmp(got, pdf, len),
          "the sink's %zu bytes are not the certificate's %zu-byte PDF", got_len, len);
    printf("service: handed over in %.0f us, %zu bytes of PDF at the sink, identical\n", us,
           got_len);
    free(got);
    certificate_free(pdf, len);
    read_back(2, "Social Insurance Enrolment Certificate", en_certificate.verify_url);
}

/* 3. refusals */
static void refusals(void)
{
    char why[300] = "";
    CHECK(printer_print_certificate("receipt", &zh_certificate, why, sizeof why) == 0 &&
              strstr(why, "not an A4 printer"),
          "a certificate for the receipt printer: %s", why);
    certificate_doc d = zh_certificate;
    d.title = (certificate_text){NULL, NULL};
    CHECK(printer_print_certificate(NULL, &d, why, sizeof why) == 0 &&
              strstr(why, "the title is missing"),
          "a certificate without a title: %s", why);

    static char big[CERTIFICATE_VALUE_MAX + 1];
    while (strlen(big) + 3 <= CERTIFICATE_VALUE_MAX)
        strcat(big, "险");
    certificate_field f[8];
    for (int i = 0; i < 8; i++)
        f[i] = (certificate_field){zh_cert_fields[i % 6].label, big};
    d = zh_certificate;
    d.fields = f;
    d.n_fields = 8;
    memset(&last, 0, sizeof last);
    last.ticket = printer_print_certificate(NULL, &d, why, sizeof why);
    CHECK(last.ticket > 0, "the long certificate was not taken: %s", why);
    CHECK(wait_answer(10000), "no answer for the long certificate");
    CHECK(last.kind == PRINTER_EV_FAILED && !strcmp(last.reason, "certificate.render_failed") &&
              strstr(last.detail, "do not fit on one A4 page"),
          "long certificate: %d %s %s", last.kind, last.reason, last.detail);
    char path[600];
    snprintf(path, sizeof path, "%s/job-3.bin", sink_dir);
    sleep_ms(500);
    CHECK(access(path, F_OK) != 0, "something reached the printer for the failed certificate");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: certificate_test CONFIG SINK_DIR WORK_DIR\n", stderr);
        return 2;
    }
    sink_dir = argv[2];
    work_dir = argv[3];
    setenv("TZ", "CST-8", 1);
    tzset();
    settings cfg;
    diag_list errs = DIAG_LIST_INIT;
    static const char langs[][8] = {"zh", "en"};
    if (!settings_load(&cfg, argv[1], &errs) ||
        !i18n_load(KIOSK_SOURCE_DIR "/assets/strings", langs, 2, "zh", &errs)) {
        diag_print(&errs, stderr);
        return 2;
    }
    diag_clear(&errs);
    through_print_job();

    hub_init(NULL, NULL);
    hub_on(hub_source("printer"), on_printer, NULL);
    CHECK(printer_open(&cfg), "printer_open");
    /* the thread loads cairo and pango first thing: wait for its first
     * look at the printers, which comes after */
    for (int i = 0; i < 100; i++) {
        status_entry e;
        if (status_get("printer.a4", &e) && e.state == STATUS_ONLINE)
            break;
        sleep_ms(50);
        hub_dispatch(NULL, NULL);
    }
    through_service();
    refusals();
    printer_close();
    hub_shutdown();
    i18n_unload();
    settings_free(&cfg);
    printf("%s\n", failures ? "print.certificate: FAILED" : "print.certificate: ok");
    return failures ? 1 : 0;
}
