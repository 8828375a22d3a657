/*
 * test_page: see test_page.h.
 */
#include "print/test_page.h"

#include <stdio.h>
#include <string.h>

#include "i18n/i18n.h"
#include "print/certificate.h"
#include "print/pdf_raster.h"

void test_page_qr_text(const test_page *t, char *out, size_t size)
{
    struct tm tm;
    localtime_r(&t->time, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y%m%dT%H%M%S", &tm);
    snprintf(out, size, "https://kiosk.invalid/print-test/%s/%s", t->printer, when);
}

raster *test_page_receipt(const test_page *t, const receipt_format *f, char *why,
                          size_t why_size)
{
    char qr[200], no[40], details[300], when[32];
    struct tm tm;
    localtime_r(&t->time, &tm);
    strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
    snprintf(no, sizeof no, "TEST-%s", when);
    test_page_qr_text(t, qr, sizeof qr);
    char width[16], dpi[16];
    snprintf(width, sizeof width, "%d", f->width);
    snprintf(dpi, sizeof dpi, "%d", f->dpi ? f->dpi : 203);
    i18n_format_lang(details, sizeof details, t->lang, "printer.test_details", "name",
                     t->printer, "queue", t->destination, "width", width, "dpi", dpi,
                     (char *)NULL);
    receipt rc = {
        .lang = t->lang,
        .site_name = t->site_name,
        .service_name = tr_lang(t->lang, "printer.test_title"),
        .transaction_no = no,
        .time = t->time,
        .code_kind = RECEIPT_CODE_NONE,
        .next_steps = details,
        .qr_text = qr,
        .hotline = t->hotline,
    };
    return receipt_render(&rc, f, NULL, why, why_size);
}

raster *test_page_a4(const test_page *t, int dpi, char *why, size_t why_size)
{
    if (dpi < 100 || dpi > 600) {
        snprintf(why, why_size, "test page: %d dpi is outside 100..600", dpi);
        return NULL;
    }
    /* whole bytes a row, as every raster */
    int page_w = (int)(PDF_A4_WIDTH_MM / 25.4 * dpi) / 8 * 8;
    int page_h = (int)(PDF_A4_HEIGHT_MM / 25.4 * dpi);
    int margin = (int)(15.0 / 25.4 * dpi);          /* 15 mm: inside any printer's margins */
    int col = (page_w - 2 * margin) / 8 * 8;
    if (col > 2048)
        col = 2048;                                 /* receipt_render's widest */
    receipt_format f = {col, dpi};
    raster *body = test_page_receipt(t, &f, why, why_size);
    if (!body)
        return NULL;
    raster *page = raster_new(page_w, page_h);
    if (!page) {
        raster_free(body);
        snprintf(why, why_size, "test page: out of memory");
        return NULL;
    }
    int x0 = (page_w - col) / 2 / 8 * 8;            /* byte-aligned: rows copy whole */
    int rows = body->height < page_h - 2 * margin ? body->height : page_h - 2 * margin;
    for (int y = 0; y < rows; y++)
        memcpy(page->bits + (size_t)(margin + y) * page->stride + x0 / 8,
               body->bits + (size_t)y * body->stride, (size_t)body->stride);
    raster_free(body);
    return page;
}

unsigned char *test_page_a4_pdf(const test_page *t, const char *kiosk_id, size_t *len,
                                char *why, size_t why_size)
{
    struct tm tm;
    localtime_r(&t->time, &tm);
    char qr[200], number[48], issued[40], when[32];
    test_page_qr_text(t, qr, sizeof qr);
    strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
    snprintf(number, sizeof number, "TEST-%s", when);
    /* RFC 3339 with the kiosk's offset, as the platform writes issued_at */
    char zone[8];
    strftime(zone, sizeof zone, "%z", &tm);
    strftime(issued, sizeof issued, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(issued + strlen(issued), sizeof issued - strlen(issued), "%.3s:%.2s", zone,
             zone + 3);
    const char *title = tr_lang(t->lang, "printer.test_title");
    const char *site = t->site_name && *t->site_name ? t->site_name : "-";
    certificate_field fields[] = {
        {{tr_lang(t->lang, "certificate.test_printer"), NULL}, t->printer},
        {{tr_lang(t->lang, "certificate.test_queue"), NULL}, t->destination},
        {{tr_lang(t->lang, "certificate.test_check"), NULL},
         tr_lang(t->lang, "certificate.test_check_text")},
    };
    certificate_doc d = {
        .lang = t->lang,
        .kind = "print_test",           /* not an enrolment: identity masked */
        .title = {title, title},
        .number = number,
        .holder_name = tr_lang(t->lang, "certificate.test_holder"),
        .id_number = "000000000000000000",
        .issued_at = issued,
        .issuer = {site, site},
        .fields = fields,
        .n_fields = sizeof fields / sizeof *fields,
        .verify_url = qr,
        .verify_code = number,
        .printed_at = t->time,
        .kiosk_id = kiosk_id && *kiosk_id ? kiosk_id : "-",
    };
    return certificate_render(&d, NULL, len, NULL, why, why_size);
}
