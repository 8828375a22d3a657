/*
 * certificate: an official certificate (证明) from the platform's data, as
 * a one-page A4 PDF for a page printer's CUPS queue (application/pdf).
 *
 * Unlike the receipt, which the kiosk draws dot by dot for any ESC/POS
 * printer, a certificate is a document people keep and hand to others: it
 * is real vector PDF made with cairo (PDF surface) and pango (all text,
 * shaped by HarfBuzz, fonts found by fontconfig: Noto Sans CJK SC, the
 * kiosk's font). The text stays text -- sharp at any printer's resolution,
 * searchable, and `pdftotext` reads it back -- and the QR code is drawn as
 * vector squares.
 *
 * The page: a header (title, certificate number, a double rule), a ruled
 * table (holder's name, ID number, then the platform's fields in order),
 * the statement, the issuer and date of issue, a box with the QR code of
 * verify_url (EC level M, quiet zone of 4 modules) beside the
 * verification code and how to use it, and a footer with the print time,
 * the kiosk's id and the page count. Labels come from the strings files
 * (keys certificate.*) in the certificate's language.
 *
 * cairo, pango and their libraries (gobject, fontconfig, pixman, ...) are
 * loaded with dlopen when first needed (common/dynlib.h): the printer
 * thread loads them at start when an A4 printer is configured, and the
 * fonts come at the first certificate; a kiosk without an A4 printer never
 * loads them and never pays their memory.
 *
 * Personal data: see certificate_identity_for_kind. The holder's name, ID
 * number and the field values never appear in an error message or a log,
 * and the PDF, which may carry them, is wiped by certificate_free.
 *
 * Any thread: no SDL, no text stack. The strings (i18n_load) must be
 * loaded and not reloaded meanwhile, as for every thread that reads them.
 * In the kiosk it runs on the printer thread (printer_print_certificate):
 * pango keeps one font map per thread, so one thread rendering them all
 * opens the fonts once, and the UI never waits for a render.
 */
#ifndef KIOSK_CERTIFICATE_H
#define KIOSK_CERTIFICATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Fonts through fontconfig: the family list of the kiosk's own fonts
 * (kiosk.conf's default Noto Sans CJK SC, WenQuanYi Micro Hei as
 * fallback) and the monospaced face of the verification code, where 0/O
 * and 1/l must not be confused. */
#define CERTIFICATE_FONT "Noto Sans CJK SC, WenQuanYi Micro Hei"
#define CERTIFICATE_FONT_MONO "Noto Sans Mono CJK SC, DejaVu Sans Mono, monospace"

/* Limits of the input. More fields, or values so long that the table no
 * longer fits on one A4 page with the verification box, are refused with
 * a message rather than cut: a certificate with a row missing is wrong. */
#define CERTIFICATE_MAX_FIELDS 14
#define CERTIFICATE_TEXT_MAX 256    /* bytes: title, issuer, label, number, ... */
#define CERTIFICATE_VALUE_MAX 512   /* bytes: one field's value */
#define CERTIFICATE_URL_MAX 512     /* bytes: verify_url */

/* A text the platform sends in both of its languages ({"zh": .., "en": ..}).
 * A certificate in Chinese uses zh; in any other language en, else zh. */
typedef struct certificate_text {
    const char *zh;
    const char *en;
} certificate_text;

typedef struct certificate_field {
    certificate_text label;         /* e.g. 参保状态 / Status */
    const char *value;              /* e.g. 正常参保, as the platform wrote it */
} certificate_field;

/* One certificate, as the platform's POST /v1/certificates returned it,
 * plus what the kiosk adds. The strings belong to the caller. */
typedef struct certificate_doc {
    const char *lang;               /* the language to print in, e.g. "zh" */
    const char *kind;               /* "si_enrolment", ...: decides the identity rule */
    certificate_text title;         /* required */
    const char *number;             /* the certificate's number, required */
    const char *holder_name;        /* in full, as the platform sent it; required */
    const char *id_number;          /* in full; required */
    const char *issued_at;          /* RFC 3339, e.g. 2026-12-02T09:15:00+08:00 */
    certificate_text issuer;        /* required */
    const certificate_field *fields;
    size_t n_fields;                /* 0..CERTIFICATE_MAX_FIELDS */
    const char *verify_url;         /* required: the QR code's text */
    const char *verify_code;        /* NULL/"": the code= parameter of verify_url */
    time_t printed_at;              /* printed in the kiosk's local time */
    const char *kiosk_id;           /* the kiosk's device_id, required */
} certificate_doc;

typedef struct certificate_options {
    const char *font;               /* NULL: CERTIFICATE_FONT */
    /* Leaves the QR code out (its box stays). Only for the tests, which
     * must show that a page without the code does not scan, or a scan of
     * the real page would prove nothing. */
    bool omit_qr;
} certificate_options;

/* Where things landed, in points from the page's top-left corner (the
 * page is 595.28 x 841.89 pt), for tests and previews. */
typedef struct certificate_layout {
    double qr_x, qr_y, qr_side;     /* the QR code's square, quiet zone included */
    double qr_module;               /* points per module */
    int qr_modules;                 /* modules a side, without the quiet zone */
    double table_bottom;            /* the table's last rule */
    double room_left;               /* free height between the issuer block and the
                                       verification box: what one more row may use */
    int fields_drawn;               /* table rows, name and ID number included */
} certificate_layout;

/* How the holder's identity is printed on a certificate of kind.
 *
 * Elsewhere (screen, receipt, logs, outbox) the kiosk only ever shows the
 * masked forms 张* and 3301**********0014. A certificate is the one
 * exception, and only for the kinds listed here (si_enrolment,
 * mi_enrolment): a certificate of enrolment exists to prove to someone
 * else -- an employer, a school, a housing office -- that this very
 * person is enrolled, and it does that only with the holder's full name
 * and citizen ID number on it, exactly as the certificates issued at the
 * counter print them; a masked one would be refused. It is printed only
 * for the resident signed in with their own ID card (the platform is
 * asked with the card's number), while they stand at the kiosk, to the
 * printer in front of them; the PDF lives in memory and is wiped after
 * the hand-over (certificate_free, the printer thread); nothing about it
 * is logged, and the CUPS job is titled "certificate". Every other kind,
 * and NULL, prints masked: a new kind prints in full only after someone
 * adds it here deliberately. */
typedef enum certificate_identity {
    CERTIFICATE_IDENTITY_MASKED,    /* 张*, 3301**********0014 */
    CERTIFICATE_IDENTITY_FULL
} certificate_identity;

certificate_identity certificate_identity_for_kind(const char *kind);

/* Renders d as a one-page A4 PDF: a malloc'd buffer of *len bytes, to be
 * released with certificate_free. o and layout may be NULL. NULL with the
 * reason in why (never personal data) when a required text is missing,
 * text is not UTF-8 or over a limit, the fields do not fit on the page,
 * the font has no glyph for some text, cairo or pango cannot be loaded,
 * or memory is short. Takes tens of milliseconds; the first call also
 * loads the libraries and fontconfig's font list. */
unsigned char *certificate_render(const certificate_doc *d, const certificate_options *o,
                                  size_t *len, certificate_layout *layout, char *why,
                                  size_t why_size);

/* Wipes and frees a PDF from certificate_render (NULL ok). */
void certificate_free(unsigned char *pdf, size_t len);

/* The checks certificate_render makes on the input before it draws
 * anything (required texts, UTF-8, limits, the time of issue, the
 * verification code): a caller learns at once what it would refuse.
 * Whether the fields fit on the page is only known when laid out. */
bool certificate_check(const certificate_doc *d, char *why, size_t why_size);

/* A deep copy of d in one block, for a thread that renders later (the
 * printer's); NULL with why when certificate_check refuses d or memory is
 * short. Released, wiped, with certificate_doc_free (NULL ok). */
certificate_doc *certificate_doc_copy(const certificate_doc *d, char *why, size_t why_size);
void certificate_doc_free(certificate_doc *d);

/* Loads cairo, pango, pangocairo and gobject now: the printer thread
 * calls it at start when an A4 printer is configured, so a kiosk missing
 * them says so when it starts rather than at a resident's certificate.
 * False with why when a library or symbol is missing. */
bool certificate_preload(char *why, size_t why_size);

/* True once the libraries are loaded (the benchmark's memory figure). */
bool certificate_loaded(void);

#endif
