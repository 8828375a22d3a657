/*
 * test_page: see test_page.h.
 */
#include "print/test_page.h"

#include <stdio.h>
#include <string.h>

#include "i18n/i18n.h"
#include "print/certificate.h"

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
