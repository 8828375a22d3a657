/*
 * kioskctl print-test [--printer NAME] [--kind receipt|a4] [--config FILE]
 *     prints a test receipt (or a test A4 page) with a QR code on every
 *     configured printer, or on NAME: a [printer.NAME] of the config, else
 *     a CUPS queue, printed as a receipt unless --kind says a4. It waits
 *     for the job with the printer's own deadline, exactly as the kiosk
 *     does (print_job), and reports the printer's state and reasons; exit
 *     1 with the reason when a job did not complete (cancelled, so it does
 *     not come out later).
 * kioskctl printer status [--config FILE]
 *     every configured printer: its CUPS queue, state, reasons and what
 *     the kiosk's status model makes of them; exit 1 when one is not online.
 *
 * Both talk to the CUPS server libcups is set up for (CUPS_SERVER, else
 * client.conf, else the local cupsd), like lp and lpstat.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "preflight/preflight.h"
#include "print/certificate.h"
#include "print/cups_job.h"
#include "print/escpos.h"
#include "print/print_job.h"
#include "print/printer_state.h"
#include "platform/platform.h"
#include "print/test_page.h"
#include "settings/settings.h"
#include "ui/text.h"

/* How often kioskctl looks at a job: it has nothing else to do. */
#define CHECK_EVERY_MS 200

static int usage(void)
{
    fputs("usage: kioskctl print-test [--printer NAME] [--kind receipt|a4] [--config FILE]\n"
          "       kioskctl printer status [--config FILE]\n"
          "NAME is a [printer.NAME] of the config, else a CUPS queue (lpstat -e).\n", stderr);
    return 2;
}

static bool load_config(const char *path, settings *s)
{
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(s, path, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        fprintf(stderr, "kioskctl: fix %s first (kioskctl config check)\n", path);
        settings_free(s);
        return false;
    }
    diag_clear(&errs);
    return true;
}

/* The strings, for the test page and for reasons in words. */
static bool load_strings(const settings *s)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/strings", s->assets_dir);
    diag_list errs = DIAG_LIST_INIT;
    bool ok = i18n_load(dir, s->langs, s->n_langs, s->fallback_lang, &errs);
    if (!ok)
        diag_print(&errs, stderr);
    diag_clear(&errs);
    return ok;
}

/* "Printer out of paper (status.printer_paper_out)" */
static void reason_words(const char *key, char *out, size_t size)
{
    const char *en = key ? tr_lang("en", key) : NULL;
    if (!key)
        snprintf(out, size, "no reason given");
    else if (en && strcmp(en, key))
        snprintf(out, size, "%s (%s)", en, key);
    else
        snprintf(out, size, "%s", key);
}

/* ---- print-test ----------------------------------------------------------- */

/* The text stack on SDL's dummy driver: no window, no display needed. */
static bool start_text(const settings *s)
{
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "kioskctl print-test: SDL: %s\n", SDL_GetError());
        return false;
    }
    text_font_spec fs = {s->font_regular, s->font_regular_index, s->font_bold,
                         s->font_bold_index};
    diag_list errs = DIAG_LIST_INIT;
    bool ok = text_init(&fs, &errs);
    if (!ok)
        diag_print(&errs, stderr);
    diag_clear(&errs);
    return ok;
}

static void stop_text(void)
{
    text_shutdown();
    TTF_Quit();
    SDL_Quit();
}

/* The document for p: ESC/POS bytes of the test receipt, or the PDF of
 * the test A4 page. NULL with why. */
static unsigned char *test_document(const settings *s, const settings_printer *p, size_t *len,
                                    char *qr, size_t qr_size, char *why, size_t why_size)
{
    test_page t = {
        .lang = s->langs[0],
        .site_name = settings_site_name(s, s->langs[0]),
        .hotline = s->hotline,
        .printer = p->name,
        .destination = p->destination,
        .time = time(NULL),
    };
    test_page_qr_text(&t, qr, qr_size);
    unsigned char *doc = NULL;
    if (p->kind == PRINTER_KIND_RECEIPT) {
        receipt_format f = {p->width, p->dpi};
        raster *r = test_page_receipt(&t, &f, why, why_size);
        if (!r)
            return NULL;
        escpos_options o = {.band_rows = p->band_rows, .feed_lines = -1};
        doc = escpos_encode(r, &o, len);
        raster_free(r);
    } else {
        /* the certificate layout with test data, as vector PDF: what a
         * resident's certificate will look like on this printer */
        /* the id the platform knows this kiosk by, as on a resident's
         * certificate */
        char kiosk_id[80];
        platform_config_device_id(s, kiosk_id, sizeof kiosk_id);
        doc = test_page_a4_pdf(&t, kiosk_id, len, why, why_size);
        if (!doc)
            return NULL;
    }
    if (!doc)
        snprintf(why, why_size, "out of memory");
    return doc;
}

/* One line about the printer's state now. */
static void print_state(cups_conn *c, const settings_printer *p)
{
    cups_printer_info info;
    printer_verdict v;
    char why[300], words[200];
    cups_err e = cups_printer_query(c, p->destination, &info, why, sizeof why);
    if (e == CUPS_OK)
        printer_state_judge(p->destination, &info, &v);
    else
        printer_state_judge_error(p->destination, e, why, &v);
    printf("%s: printer %s", p->name, status_state_name(v.state));
    if (v.reason_key) {
        reason_words(v.reason_key, words, sizeof words);
        printf(", %s", words);
    }
    if (v.warning_key) {
        reason_words(v.warning_key, words, sizeof words);
        printf(", warning: %s", words);
    }
    printf(" -- %s\n", v.detail);
}

/* Prints the test document on p; true when CUPS completed the job. */
static bool test_one(const settings *s, cups_conn *c, const settings_printer *p)
{
    char why[400], qr[200];
    if (p->kind == PRINTER_KIND_RECEIPT)
        printf("%s: CUPS queue %s, test receipt %d dots at %d dpi, deadline %d s\n", p->name,
               p->destination, p->width, p->dpi, p->deadline);
    else
        printf("%s: CUPS queue %s, test A4 page (certificate layout, vector PDF), deadline "
               "%d s\n", p->name, p->destination, p->deadline);
    size_t len = 0;
    unsigned char *doc = test_document(s, p, &len, qr, sizeof qr, why, sizeof why);
    if (!doc) {
        printf("%s: FAILED: the test page could not be drawn: %s\n", p->name, why);
        return false;
    }
    printf("%s: qr %s\n", p->name, qr);
    uint64_t start = clock_now_ms();
    print_job j;
    print_job_start(&j, c, p->destination, "kiosk print test",
                    p->kind == PRINTER_KIND_RECEIPT ? PRINT_FORMAT_ESCPOS : PRINT_FORMAT_PDF,
                    doc, len, start + (uint64_t)p->deadline * 1000);
    if (p->kind == PRINTER_KIND_RECEIPT)
        free(doc);
    else
        certificate_free(doc, len);
    if (j.job_id)
        printf("%s: job %s-%d, %zu bytes\n", p->name, p->destination, j.job_id, len);
    while (j.outcome == PRINT_WAITING) {
        clock_sleep_until(clock_now_ms() + CHECK_EVERY_MS);
        print_job_check(&j, c, clock_now_ms());
    }
    double secs = (double)(clock_now_ms() - start) / 1000.0;
    if (j.outcome == PRINT_DONE) {
        printf("%s: printed: job %s-%d completed in %.1f s\n", p->name, p->destination,
               j.job_id, secs);
    } else {
        char words[200];
        reason_words(j.reason_key, words, sizeof words);
        printf("%s: FAILED after %.1f s: %s: %s\n", p->name, secs, words, j.detail);
    }
    print_state(c, p);
    return j.outcome == PRINT_DONE;
}

static int print_test(int argc, char **argv)
{
    const char *config = NULL, *name = NULL, *kind = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--printer") && i + 1 < argc)
            name = argv[++i];
        else if (!strcmp(argv[i], "--kind") && i + 1 < argc)
            kind = argv[++i];
        else
            return usage();
    }
    if (kind && strcmp(kind, "receipt") && strcmp(kind, "a4"))
        return usage();
    if (!config)
        config = preflight_default_path();
    settings s;
    if (!load_config(config, &s))
        return 1;

    /* what to print on: the named printer, a CUPS queue, or every one */
    settings_printer targets[SETTINGS_MAX_PRINTERS];
    int n = 0;
    const settings_printer *named = name ? settings_printer_find(&s, name) : NULL;
    int rc = 0;
    if (named) {
        if (kind && strcmp(kind, settings_printer_kind_name(named->kind))) {
            fprintf(stderr, "kioskctl print-test: [printer.%s] is a %s printer, not %s\n",
                    named->name, settings_printer_kind_name(named->kind), kind);
            rc = 2;
        }
        targets[n++] = *named;
    } else if (name) {
        /* a CUPS queue outside the config, with the defaults of its kind */
        settings_printer *p = &targets[n++];
        bool a4 = kind && !strcmp(kind, "a4");
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "%.*s", SETTINGS_PRINTER_NAME_MAX, name);
        p->destination = (char *)name;
        p->kind = a4 ? PRINTER_KIND_A4 : PRINTER_KIND_RECEIPT;
        p->width = 576;
        p->dpi = a4 ? 300 : 203;
        p->band_rows = ESCPOS_BAND_ROWS_DEFAULT;
        p->deadline = a4 ? 60 : 30;
    } else {
        for (int i = 0; i < s.n_printers; i++)
            if (!kind || !strcmp(kind, settings_printer_kind_name(s.printers[i].kind)))
                targets[n++] = s.printers[i];
        if (n == 0) {
            fprintf(stderr, "kioskctl print-test: no %s printer in %s ([printer.NAME]); name a "
                    "CUPS queue with --printer\n", kind ? kind : "", config);
            rc = 1;
        }
    }
    if (rc) {
        settings_free(&s);
        return rc;
    }
    if (!load_strings(&s) || !start_text(&s)) {
        settings_free(&s);
        return 1;
    }
    char why[400];
    cups_conn *c = cups_conn_open(5000, why, sizeof why);
    if (!c) {
        for (int i = 0; i < n; i++)
            printf("%s: FAILED: %s\n", targets[i].name, why);
        rc = 1;
    }
    for (int i = 0; c && i < n; i++) {
        if (!test_one(&s, c, &targets[i]))
            rc = 1;
    }
    cups_conn_close(c);
    stop_text();
    i18n_unload();
    settings_free(&s);
    return rc;
}

/* ---- printer status ------------------------------------------------------- */

static int printer_status(int argc, char **argv)
{
    const char *config = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else
            return usage();
    }
    if (!config)
        config = preflight_default_path();
    settings s;
    if (!load_config(config, &s))
        return 1;
    if (s.n_printers == 0) {
        printf("no printers in %s ([printer.NAME] sections)\n", config);
        settings_free(&s);
        return 0;
    }
    bool words = load_strings(&s);
    char why[400];
    cups_conn *c = cups_conn_open(5000, why, sizeof why);
    int rc = 0;
    printf("%-15s %-20s %-7s %-13s %s\n", "PRINTER", "QUEUE", "KIND", "STATE", "WHY");
    for (int i = 0; i < s.n_printers; i++) {
        const settings_printer *p = &s.printers[i];
        printer_verdict v;
        cups_printer_info info;
        cups_err e = CUPS_ERR_SERVER;
        if (c)
            e = cups_printer_query(c, p->destination, &info, why, sizeof why);
        if (e == CUPS_OK)
            printer_state_judge(p->destination, &info, &v);
        else
            printer_state_judge_error(p->destination, e, why, &v);
        char reason[200] = "-", warning[200] = "";
        /* without the strings the keys themselves are shown */
        if (v.reason_key)
            reason_words(v.reason_key, reason, sizeof reason);
        if (v.warning_key) {
            char w[160];
            reason_words(v.warning_key, w, sizeof w);
            snprintf(warning, sizeof warning, "; warning: %s", w);
        }
        printf("%-15s %-20s %-7s %-13s %s%s -- %s\n", p->name, p->destination,
               settings_printer_kind_name(p->kind), status_state_name(v.state), reason, warning,
               v.detail);
        if (v.state != STATUS_ONLINE)
            rc = 1;
    }
    cups_conn_close(c);
    if (words)
        i18n_unload();
    settings_free(&s);
    return rc;
}

int cmd_print_test(int argc, char **argv)
{
    return print_test(argc, argv);
}

int cmd_printer(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "status"))
        return usage();
    return printer_status(argc, argv);
}

/* ---- shared with cmd_receipt.c ------------------------------------------- */

bool cmd_print_config(const char *path, settings *s)
{
    return load_config(path, s);
}

bool cmd_print_text_start(const settings *s)
{
    return load_strings(s) && start_text(s);
}

bool cmd_strings_load(const settings *s)
{
    return load_strings(s);
}

void cmd_print_text_stop(void)
{
    stop_text();
    i18n_unload();
}

void cmd_print_reason(const char *key, char *out, size_t size)
{
    reason_words(key, out, size);
}
