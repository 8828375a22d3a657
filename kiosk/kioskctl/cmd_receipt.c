/*
 * kioskctl receipt reprint ID [--printer NAME] [--config FILE] [--data-dir DIR]
 *     prints again a receipt the kiosk kept (print/receipt_store.h): ID is
 *     the transaction number the resident was shown (case does not count)
 *     or the outbox key. Drawn as the kiosk draws it, at the receipt
 *     printer's width, and waited for with the printer's own deadline
 *     exactly as print-test does; exit 1 with the reason when the job did
 *     not complete (it is then cancelled) or no such receipt is kept.
 *     Either way the job is then purged from CUPS's spool, as the kiosk
 *     purges its own (print/cups_job.h: cups_job_purge).
 * kioskctl receipt list [--config FILE] [--data-dir DIR]
 *     number, time, service of every receipt kept (masked texts only).
 *
 * For the day a printer was out of paper: the resident photographed the
 * screen, and the desk prints the paper later from the number.
 */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "common/clock.h"
#include "common/storage.h"
#include "preflight/preflight.h"
#include "print/cups_job.h"
#include "print/escpos.h"
#include "print/print_job.h"
#include "print/receipt_store.h"

#define CHECK_EVERY_MS 200
/* a job cancelled while printing is purged once its backend stopped */
#define PURGE_TRIES 25

static int usage(void)
{
    fputs("usage: kioskctl receipt reprint ID [--printer NAME] [--config FILE] [--data-dir DIR]\n"
          "       kioskctl receipt list [--config FILE] [--data-dir DIR]\n"
          "ID is the transaction number shown to the resident, or the outbox key.\n", stderr);
    return 2;
}

static bool open_storage(const settings *s, const char *data_dir)
{
    diag_list errs = DIAG_LIST_INIT;
    bool ok = storage_open(data_dir ? data_dir : s->data_dir, &errs);
    if (!ok)
        diag_print(&errs, stderr);
    diag_clear(&errs);
    return ok;
}

static void list_one(const receipt_stored *r, void *ctx)
{
    (void)ctx;
    struct tm tm;
    char when[32];
    localtime_r(&r->rc.time, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    printf("%-24s %s  %-4s %s\n", r->rc.transaction_no, when, r->rc.lang, r->rc.service_name);
}

/* Renders r for p, sends it, waits with p's deadline. 0 printed, 1 not. */
static int reprint(const settings_printer *p, const receipt_stored *r)
{
    char why[400];
    receipt_format f = {p->width, p->dpi};
    raster *ras = receipt_render(&r->rc, &f, NULL, why, sizeof why);
    if (!ras) {
        printf("%s: FAILED: the receipt could not be drawn: %s\n", p->name, why);
        return 1;
    }
    escpos_options o = {.band_rows = p->band_rows, .feed_lines = -1};
    size_t len = 0;
    unsigned char *doc = escpos_encode(ras, &o, &len);
    raster_free(ras);
    if (!doc) {
        printf("%s: FAILED: out of memory\n", p->name);
        return 1;
    }
    printf("%s: receipt %s, CUPS queue %s, %d dots at %d dpi, deadline %d s\n", p->name,
           r->rc.transaction_no, p->destination, p->width, p->dpi, p->deadline);
    cups_conn *c = cups_conn_open(5000, why, sizeof why);
    if (!c) {
        free(doc);
        printf("%s: FAILED: %s\n", p->name, why);
        return 1;
    }
    uint64_t start = clock_now_ms();
    print_job j;
    /* the title is never personal: CUPS lists it */
    print_job_start(&j, c, p->destination, "receipt", PRINT_FORMAT_ESCPOS, doc, len,
                    start + (uint64_t)p->deadline * 1000);
    free(doc);
    if (j.job_id)
        printf("%s: job %s-%d, %zu bytes\n", p->name, p->destination, j.job_id, len);
    while (j.outcome == PRINT_WAITING) {
        clock_sleep_until(clock_now_ms() + CHECK_EVERY_MS);
        print_job_check(&j, c, clock_now_ms());
    }
    double secs = (double)(clock_now_ms() - start) / 1000.0;
    int rc = 0;
    if (j.outcome == PRINT_DONE) {
        printf("%s: printed: job %s-%d completed in %.1f s\n", p->name, p->destination, j.job_id,
               secs);
    } else {
        char words[200];
        cmd_print_reason(j.reason_key, words, sizeof words);
        printf("%s: FAILED after %.1f s: %s: %s\n", p->name, secs, words, j.detail);
        rc = 1;
    }
    /* the resident's receipt: nothing of it stays in CUPS's spool */
    if (j.job_id > 0) {
        cups_err e = CUPS_ERR_SERVER;
        snprintf(why, sizeof why, "cupsd did not answer");
        if (!j.server_lost)
            e = cups_job_purge(c, p->destination, j.job_id, why, sizeof why);
        for (int i = 1; i < PURGE_TRIES && e == CUPS_ERR_BUSY; i++) {
            clock_sleep_until(clock_now_ms() + CHECK_EVERY_MS);
            e = cups_job_purge(c, p->destination, j.job_id, why, sizeof why);
        }
        if (e != CUPS_OK)
            printf("%s: job %s-%d is left in CUPS's spool: %s\n", p->name, p->destination,
                   j.job_id, why);
    }
    cups_conn_close(c);
    return rc;
}

int cmd_receipt(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    bool list = !strcmp(argv[1], "list");
    if (!list && strcmp(argv[1], "reprint"))
        return usage();
    const char *config = NULL, *data_dir = NULL, *name = NULL, *id = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
            data_dir = argv[++i];
        else if (!strcmp(argv[i], "--printer") && i + 1 < argc && !list)
            name = argv[++i];
        else if (argv[i][0] != '-' && !id && !list)
            id = argv[i];
        else
            return usage();
    }
    if (!list && !id)
        return usage();
    if (!config)
        config = preflight_default_path();
    settings s;
    if (!cmd_print_config(config, &s))
        return 1;
    int rc = 1;
    if (!open_storage(&s, data_dir))
        goto out;
    if (list) {
        int n = receipt_store_each(list_one, NULL);
        if (n == 0)
            printf("no receipts kept\n");
        rc = 0;
        goto out;
    }
    /* the named printer, else the first receipt printer */
    const settings_printer *p = NULL;
    for (int i = 0; i < s.n_printers && !p; i++)
        if (s.printers[i].kind == PRINTER_KIND_RECEIPT &&
            (!name || !strcmp(s.printers[i].name, name)))
            p = &s.printers[i];
    if (!p) {
        fprintf(stderr, "kioskctl receipt reprint: no %s%s receipt printer in %s "
                "([printer.NAME] with kind = receipt)\n", name ? name : "", name ? ":" : "",
                config);
        goto out;
    }
    receipt_stored r;
    char why[300];
    if (!receipt_store_load(id, &r, why, sizeof why)) {
        fprintf(stderr, "kioskctl receipt reprint: %s\n", why);
        goto out;
    }
    /* the receipt in its own language: those strings must be loaded */
    if (cmd_print_text_start(&s)) {
        rc = reprint(p, &r);
        cmd_print_text_stop();
    }
    receipt_stored_free(&r);
out:
    storage_close();
    settings_free(&s);
    return rc;
}
