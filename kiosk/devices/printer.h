/*
 * printer: the printer thread, the kiosk's service "printer" -- every
 * [printer.NAME] of kiosk.conf, one thread for all of them.
 *
 * The UI hands over a job and gets a ticket back at once:
 * printer_print_receipt draws the receipt (on the UI thread, where the
 * fonts live: about 10 ms) and encodes it as ESC/POS; printer_print_bytes
 * takes a document as it is (a PDF for an A4 printer);
 * printer_print_certificate takes a certificate's data, which the thread
 * renders as PDF (print/certificate.h). Each copies what it is given onto
 * the thread's queue and returns; nothing on the UI thread waits on CUPS
 * or on cairo. The thread submits the job (print_job), watches it with
 * the printer's own [printer.NAME] deadline, cancels a job that will not
 * complete, and answers through the event hub, source "printer":
 *   PRINTER_EV_DONE    payload printer_done: CUPS completed the job;
 *   PRINTER_EV_FAILED  payload printer_done: with a reason key for the
 *                      resident (status.printer_paper_out, ...,
 *                      printer.timeout) -- the transaction itself is
 *                      complete whatever the printer does;
 *   PRINTER_EV_STATUS  no payload: a printer's status changed (redraw).
 *
 * Once a job is over -- completed, cancelled or failed -- and the answer
 * is posted, the thread has cupsd purge it (cups_job_purge): its document
 * leaves CUPS's spool and its history goes, so no certificate or receipt
 * stays on the kiosk's disk after it printed. When cupsd cannot be reached
 * the purge waits (up to PRINTER_MAX_UNPURGED jobs) until it answers again;
 * a job cancelled while printing is purged again once cupsd has stopped it.
 *
 * Status: each printer reports as "printer.NAME" in the XFS4IoT states
 * (printer_state.h has the table): online, with a warning key for
 * technicians when paper runs low; hardwareError for paper out, jam,
 * cover open, a stopped queue or cupsd down; offline when the printer is
 * away; noDevice when CUPS has no such queue. The thread asks CUPS every
 * PRINTER_POLL_MS on the kiosk clock, at once after each job, and every
 * PRINTER_JOB_POLL_MS about a job that is out, so the harness's virtual
 * clock drives it like every other thread (the CUPS calls themselves are
 * real I/O, each bounded by PRINTER_CUPS_TIMEOUT_MS).
 */
#ifndef KIOSK_PRINTER_H
#define KIOSK_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/service.h"
#include "hub/hub.h"
#include "print/certificate.h"
#include "print/receipt.h"
#include "settings/settings.h"

#define PRINTER_POLL_MS 10000u
#define PRINTER_JOB_POLL_MS 500u
#define PRINTER_CUPS_TIMEOUT_MS 5000
/* jobs handed over and not answered yet, all printers together */
#define PRINTER_MAX_JOBS 8
/* finished jobs whose purge waits (cupsd not answering, or still stopping
 * a job it was printing) */
#define PRINTER_MAX_UNPURGED 32

enum { PRINTER_EV_DONE = 1, PRINTER_EV_FAILED = 2, PRINTER_EV_STATUS = 3 };

typedef struct printer_done {
    uint64_t ticket;                            /* from printer_print_* */
    char printer[SETTINGS_PRINTER_NAME_MAX + 1];/* NAME of [printer.NAME] */
    const char *reason_key;                     /* FAILED: i18n key for the resident */
    char detail[320];                           /* FAILED: for technicians (no personal data) */
    int job_id;                                 /* CUPS's, 0 when no job was created */
    /* Latency figures (bench_print), CLOCK_MONOTONIC nanoseconds: real
     * time even under the virtual clock, as cupsd runs in real time. The
     * job was handed over at handed_ns and cupsd accepted its document at
     * accepted_ns (0: never); the event's posted_ns is the answer. */
    uint64_t handed_ns, accepted_ns;
} printer_done;

/* which: a printer's NAME, else a kind ("receipt", "a4": the first printer
 * of that kind); NULL is "receipt". */

/* Copies len bytes of format (PRINT_FORMAT_ESCPOS, PRINT_FORMAT_PDF) onto
 * the thread's queue for printer which, to print as job title (no
 * personal data: CUPS lists it). Returns a ticket (> 0) that the answer
 * will carry, or 0 with why when nothing was queued (no such printer, the
 * service not running, PRINTER_MAX_JOBS waiting, memory). Any thread. */
uint64_t printer_print_bytes(const char *which, const void *data, size_t len,
                             const char *format, const char *title, char *why, size_t why_size);

/* Draws rc at the receipt printer's width and resolution, encodes it as
 * ESC/POS and hands the bytes over as printer_print_bytes. UI thread
 * only (receipt_render); 0 with why when rc cannot be drawn or which is
 * not a receipt printer. */
uint64_t printer_print_receipt(const char *which, const receipt *rc, char *why,
                               size_t why_size);

/* Hands the certificate d over to the A4 printer which (NULL: the first
 * A4 printer). The printer thread renders it (certificate_render, tens of
 * milliseconds, never on the UI thread; cairo and pango were loaded when
 * the thread started) and prints the PDF as job "certificate". d is
 * copied, and the copy and the PDF are wiped once CUPS has the bytes: the
 * caller may free d at once. Returns a ticket, or 0 with why (no such A4
 * printer, PRINTER_MAX_JOBS waiting, d refused by certificate_check,
 * memory). A certificate the thread cannot lay out (fields too long for
 * the page, a glyph missing) answers PRINTER_EV_FAILED with
 * certificate.render_failed. Any thread.
 *
 * Nothing is printed without data: a screen whose request to the platform
 * failed shows certificate.unreachable and never calls this. */
uint64_t printer_print_certificate(const char *which, const certificate_doc *d, char *why,
                                   size_t why_size);

/* The answer carried by ev, or NULL when ev is not the printer's. */
const printer_done *printer_event_done(const hub_event *ev);

/* The service without an app (tests, tools): starts the thread for cfg's
 * printers (kept by pointer until printer_close), or does nothing when
 * there are none. False when the thread did not start. */
bool printer_open(const settings *cfg);
void printer_close(void);

extern const app_service printer_service;

#endif
