/*
 * test_page: what `kioskctl print-test` prints -- a receipt for a roll
 * printer, an A4 page for a page printer -- so a technician sees at once
 * whether text, the QR code, the margins and the cut come out right.
 *
 * Both are the real receipt (receipt_render: the kiosk's fonts and line
 * breaking) with test texts from the strings files (keys printer.test_*)
 * and a QR code whose text names the printer and the time, which the
 * technician's phone -- or a test -- scans back. The A4 page is the
 * certificate layout (print/certificate.h: vector PDF with cairo and
 * pango) filled with test data, so the technician sees exactly what a
 * resident's certificate will look like. No personal data on either: the
 * test certificate's holder is a specimen, masked.
 *
 * UI-thread rules as for receipt_render: TTF_Init, text_init and the
 * strings (i18n_load) with t->lang among them.
 */
#ifndef KIOSK_TEST_PAGE_H
#define KIOSK_TEST_PAGE_H

#include <stddef.h>
#include <time.h>

#include "print/raster.h"
#include "print/receipt.h"

typedef struct test_page {
    const char *lang;           /* e.g. "zh" */
    const char *site_name;
    const char *hotline;
    const char *printer;        /* [printer.NAME] NAME, or the CUPS queue */
    const char *destination;    /* the CUPS queue */
    time_t time;
} test_page;

/* The QR code's text for t: "https://kiosk.invalid/print-test/PRINTER/
 * YYYYMMDDTHHMMSS" (.invalid: never a real site). */
void test_page_qr_text(const test_page *t, char *out, size_t size);

/* The test receipt at format f; NULL with why. */
raster *test_page_receipt(const test_page *t, const receipt_format *f, char *why,
                          size_t why_size);

/* The test A4 page as a certificate (PDF, *len bytes, released with
 * certificate_free) from kiosk kiosk_id; NULL with why. Needs the strings
 * (certificate.*, printer.test_title), not the text stack. */
unsigned char *test_page_a4_pdf(const test_page *t, const char *kiosk_id, size_t *len,
                                char *why, size_t why_size);

#endif
