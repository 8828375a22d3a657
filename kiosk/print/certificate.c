/*
 * certificate: see certificate.h.
 *
 * All of cairo and pango is reached through one table of function
 * pointers, bound with dlopen on first use (common/dynlib.h). Their
 * headers still give every pointer its exact type (__typeof__ of the
 * declaration), so a call with a wrong argument fails to compile just as
 * with ordinary linking. pango's API is plain functions; the only macros
 * used (PANGO_SCALE, the enums) are constants.
 *
 * Units: a cairo PDF surface's user space is the PDF point (1/72 inch),
 * so every length here is in points, from millimetres on paper (MM), and
 * pango works in points times PANGO_SCALE.
 */
#include "print/certificate.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <malloc.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dynlib.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "ui/qr.h"
#include "idcard/idcard_card.h"

/* ---- the libraries, on first use ----------------------------------------- */

#define CAIRO_FNS(X)                                                                    \
    X(cairo_pdf_surface_create_for_stream) X(cairo_pdf_surface_set_metadata)            \
    X(cairo_surface_status) X(cairo_surface_finish) X(cairo_surface_destroy)            \
    X(cairo_create) X(cairo_destroy) X(cairo_status) X(cairo_status_to_string)          \
    X(cairo_set_source_rgb) X(cairo_rectangle) X(cairo_fill) X(cairo_stroke)            \
    X(cairo_move_to) X(cairo_line_to) X(cairo_set_line_width) X(cairo_show_page)        \
    X(cairo_new_path) X(cairo_font_options_create) X(cairo_font_options_destroy)        \
    X(cairo_font_options_set_hint_metrics) X(cairo_font_options_set_hint_style)
#define PANGO_FNS(X)                                                                    \
    X(pango_layout_new) X(pango_layout_set_text) X(pango_layout_set_width)              \
    X(pango_layout_set_wrap) X(pango_layout_set_alignment)                              \
    X(pango_layout_set_font_description) X(pango_layout_get_size)                       \
    X(pango_layout_get_unknown_glyphs_count) X(pango_font_description_new)              \
    X(pango_font_description_free) X(pango_font_description_set_family)                \
    X(pango_font_description_set_weight) X(pango_font_description_set_absolute_size)    \
    X(pango_context_set_language) X(pango_language_from_string)
#define PANGOCAIRO_FNS(X)                                                               \
    X(pango_cairo_create_context) X(pango_cairo_context_set_font_options)               \
    X(pango_cairo_show_layout)
#define GOBJECT_FNS(X) X(g_object_unref)

#define API_FIELD(name) __typeof__(name) *name;
#define API_SYMBOL(name) {#name, (void **)&api.name},

static struct {
    CAIRO_FNS(API_FIELD)
    PANGO_FNS(API_FIELD)
    PANGOCAIRO_FNS(API_FIELD)
    GOBJECT_FNS(API_FIELD)
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool loaded;
static char load_error[400];

static void load_libraries(void)
{
    static const dynlib_symbol cairo_syms[] = {CAIRO_FNS(API_SYMBOL)};
    static const dynlib_symbol pango_syms[] = {PANGO_FNS(API_SYMBOL)};
    static const dynlib_symbol pangocairo_syms[] = {PANGOCAIRO_FNS(API_SYMBOL)};
    static const dynlib_symbol gobject_syms[] = {GOBJECT_FNS(API_SYMBOL)};
    static const struct {
        const char *soname, *package;
        const dynlib_symbol *syms;
        size_t n;
    } libs[] = {
        {"libcairo.so.2", "libcairo2", cairo_syms, sizeof cairo_syms / sizeof *cairo_syms},
        {"libgobject-2.0.so.0", "libglib2.0-0", gobject_syms,
         sizeof gobject_syms / sizeof *gobject_syms},
        {"libpango-1.0.so.0", "libpango-1.0-0", pango_syms,
         sizeof pango_syms / sizeof *pango_syms},
        {"libpangocairo-1.0.so.0", "libpangocairo-1.0-0", pangocairo_syms,
         sizeof pangocairo_syms / sizeof *pangocairo_syms},
    };
    char err[300];
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        if (!dynlib_load(libs[i].soname, libs[i].package, libs[i].syms, libs[i].n, err,
                         sizeof err)) {
            snprintf(load_error, sizeof load_error, "certificate: %s", err);
            return;
        }
    }
    loaded = true;
}

static bool load(char *why, size_t why_size)
{
    pthread_once(&load_once, load_libraries);
    if (!loaded)
        snprintf(why, why_size, "%s", load_error);
    return loaded;
}

bool certificate_loaded(void)
{
    return loaded;
}

/* ---- the page ------------------------------------------------------------ */

#define MM (72.0 / 25.4)
#define PAGE_W (210.0 * MM)
#define PAGE_H (297.0 * MM)
/* Margins inside what any office laser printer can reach (about 5 mm),
 * wide enough that the page still looks like a document when a printer
 * shifts it by a millimetre or two. */
#define MARGIN_X (20.0 * MM)
#define MARGIN_TOP (18.0 * MM)
#define MARGIN_BOTTOM (12.0 * MM)
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)

/* Text sizes in points: body text of 11 pt (3.9 mm), the size official
 * A4 documents use, which elderly readers still read; a title that stands
 * out; footers small, since only the office that checks the paper reads
 * them. */
#define PT_TITLE 21.0
#define PT_BODY 11.0
#define PT_NUMBER 10.0
#define PT_CODE 15.0
#define PT_SMALL 8.5
#define PT_FOOTER 8.0

#define CELL_PAD_X (3.0 * MM)
#define CELL_PAD_Y (1.6 * MM)
#define ROW_MIN_H (8.5 * MM)
#define LABEL_COL_MIN (28.0 * MM)
#define LABEL_COL_MAX (60.0 * MM)
#define RULE_OUTER 0.9
#define RULE_INNER 0.45
#define LABEL_FILL 0.93             /* the label column's grey, a light tint any printer holds */

/* The QR code: EC level M (15 % of the code may be lost to a crease or a
 * stain), a quiet zone of 4 modules as ISO/IEC 18004 asks (the same
 * choices as the receipt's, print/raster.h), modules of at most 0.8 mm and
 * at least 0.4 mm: a phone reads a printed 0.4 mm module at a hand's
 * length, and a bigger code only takes room from the table. */
#define QR_QUIET 4
#define QR_SIDE_MAX (34.0 * MM)
#define QR_MODULE_MAX (0.8 * MM)
#define QR_MODULE_MIN (0.4 * MM)
#define VERIFY_PAD (3.0 * MM)

/* Layouts made during one render, freed together at its end. */
#define MAX_LAYOUTS (3 * (CERTIFICATE_MAX_FIELDS + 2) + 16)

typedef struct pen {
    cairo_t *cr;
    PangoContext *ctx;
    const char *font;
    PangoLayout *made[MAX_LAYOUTS];
    int n_made;
    char *why;
    size_t why_size;
    bool failed;
} pen;

static bool empty(const char *s)
{
    return !s || !*s;
}

static void fail(pen *p, const char *fmt, const char *what)
{
    if (!p->failed)
        snprintf(p->why, p->why_size, fmt, what);
    p->failed = true;
}

/* A layout of text in family at size points, wrapped at width points (<=
 * 0: one line, as wide as it is), aligned as align. NULL (and p failed)
 * when the fonts have no glyph for some of it, which would print as empty
 * boxes: what names the text in the message. */
static PangoLayout *text(pen *p, const char *s, const char *family, double size, bool bold,
                         double width, PangoAlignment align, const char *what)
{
    if (p->failed)
        return NULL;
    if (p->n_made == MAX_LAYOUTS) {
        fail(p, "certificate: too many texts (%s)", what);
        return NULL;
    }
    PangoLayout *l = api.pango_layout_new(p->ctx);
    if (!l) {
        fail(p, "certificate: out of memory (%s)", what);
        return NULL;
    }
    p->made[p->n_made++] = l;
    PangoFontDescription *fd = api.pango_font_description_new();
    api.pango_font_description_set_family(fd, family);
    api.pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    api.pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    api.pango_layout_set_font_description(l, fd);
    api.pango_font_description_free(fd);
    if (width > 0) {
        api.pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        /* words where there are spaces, else anywhere: Chinese has no
         * spaces, and a long number must break rather than leave the cell */
        api.pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    api.pango_layout_set_alignment(l, align);
    api.pango_layout_set_text(l, s, -1);
    if (api.pango_layout_get_unknown_glyphs_count(l) > 0) {
        fail(p, "certificate: the fonts have no glyph for some characters of %s (is "
                "fonts-noto-cjk installed?)", what);
        return NULL;
    }
    return l;
}

static double height_of(PangoLayout *l)
{
    int w, h;
    api.pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double width_of(PangoLayout *l)
{
    int w, h;
    api.pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE;
}

static void show(pen *p, PangoLayout *l, double x, double y, double grey)
{
    api.cairo_set_source_rgb(p->cr, grey, grey, grey);
    api.cairo_move_to(p->cr, x, y);
    api.pango_cairo_show_layout(p->cr, l);
}

static void line(pen *p, double x0, double y0, double x1, double y1, double width)
{
    api.cairo_set_source_rgb(p->cr, 0, 0, 0);
    api.cairo_set_line_width(p->cr, width);
    api.cairo_move_to(p->cr, x0, y0);
    api.cairo_line_to(p->cr, x1, y1);
    api.cairo_stroke(p->cr);
}

static void box(pen *p, double x, double y, double w, double h, double width)
{
    api.cairo_set_source_rgb(p->cr, 0, 0, 0);
    api.cairo_set_line_width(p->cr, width);
    api.cairo_rectangle(p->cr, x, y, w, h);
    api.cairo_stroke(p->cr);
}

/* The QR code's dark modules as one path of squares -- runs of a row
 * merged into one rectangle -- filled at once, so no hairline seams show
 * between neighbouring modules when the page is rasterised. The quiet
 * zone is simply nothing drawn: white paper. */
static void draw_qr(pen *p, const QRcode *q, double x, double y, double module)
{
    int n = q->width;
    api.cairo_new_path(p->cr);
    for (int r = 0; r < n; r++) {
        for (int c = 0; c < n;) {
            if (!(q->data[r * n + c] & 1)) {
                c++;
                continue;
            }
            int run = 1;
            while (c + run < n && (q->data[r * n + c + run] & 1))
                run++;
            api.cairo_rectangle(p->cr, x + (QR_QUIET + c) * module,
                                y + (QR_QUIET + r) * module, run * module, module);
            c += run;
        }
    }
    api.cairo_set_source_rgb(p->cr, 0, 0, 0);
    api.cairo_fill(p->cr);
}

/* ---- the input ----------------------------------------------------------- */

static const char *pick(const certificate_text *t, const char *lang)
{
    bool zh = lang && !strcmp(lang, "zh");
    const char *first = zh ? t->zh : t->en, *second = zh ? t->en : t->zh;
    return !empty(first) ? first : !empty(second) ? second : NULL;
}

/* A text within max bytes and well-formed UTF-8; what names it (never its
 * content, which may be personal). */
static bool check(const char *s, size_t max, const char *what, char *why, size_t why_size)
{
    if (empty(s)) {
        snprintf(why, why_size, "certificate: %s is missing", what);
        return false;
    }
    size_t len = strlen(s);
    if (len > max) {
        snprintf(why, why_size, "certificate: %s is %zu bytes, more than %zu", what, len, max);
        return false;
    }
    size_t bad = utf8_invalid_at(s, len);
    if (bad < len) {
        snprintf(why, why_size, "certificate: %s is not UTF-8 (byte %zu)", what, bad);
        return false;
    }
    return true;
}

/* 2026-12-02T09:15:00+08:00 -> the date as the platform wrote it (the
 * platform's own zone, +08:00): certificates are dated, not timed. */
static bool issued_date(const char *iso, int *y, int *m, int *d)
{
    char sep = 0;
    if (!iso || sscanf(iso, "%4d-%2d-%2d%c", y, m, d, &sep) != 4)
        return false;
    return (sep == 'T' || sep == 't' || sep == ' ') && strlen(iso) >= 19 && *y >= 1900 &&
           *y <= 9999 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* The verification code: the verify_code given, else the code= parameter
 * of the link's query. */
static bool find_code(const certificate_doc *d, char *out, size_t size)
{
    if (!empty(d->verify_code)) {
        snprintf(out, size, "%s", d->verify_code);
        return true;
    }
    const char *q = strchr(d->verify_url, '?');
    for (const char *s = q; s && *s;) {
        s++;
        if (!strncmp(s, "code=", 5)) {
            s += 5;
            size_t n = strcspn(s, "&#");
            if (n == 0 || n >= size)
                return false;
            memcpy(out, s, n);
            out[n] = '\0';
            return true;
        }
        s = strchr(s, '&');
    }
    return false;
}

static bool check_doc(const certificate_doc *d, char *why, size_t why_size)
{
    if (!d) {
        snprintf(why, why_size, "certificate: no data");
        return false;
    }
    const char *lang = empty(d->lang) ? "zh" : d->lang;
    if (!check(pick(&d->title, lang), CERTIFICATE_TEXT_MAX, "the title", why, why_size) ||
        !check(d->number, CERTIFICATE_TEXT_MAX, "the certificate number", why, why_size) ||
        !check(d->holder_name, CERTIFICATE_TEXT_MAX, "the holder's name", why, why_size) ||
        !check(d->id_number, CERTIFICATE_TEXT_MAX, "the ID number", why, why_size) ||
        !check(pick(&d->issuer, lang), CERTIFICATE_TEXT_MAX, "the issuer", why, why_size) ||
        !check(d->verify_url, CERTIFICATE_URL_MAX, "the verification link", why, why_size) ||
        !check(d->kiosk_id, CERTIFICATE_TEXT_MAX, "the kiosk id", why, why_size))
        return false;
    if (!empty(d->verify_code) &&
        !check(d->verify_code, 64, "the verification code", why, why_size))
        return false;
    int y, m, day;
    if (!issued_date(d->issued_at, &y, &m, &day)) {
        snprintf(why, why_size, "certificate: the time of issue is not an RFC 3339 time");
        return false;
    }
    if (d->n_fields > CERTIFICATE_MAX_FIELDS) {
        snprintf(why, why_size, "certificate: %zu fields, at most %d fit on the page",
                 d->n_fields, CERTIFICATE_MAX_FIELDS);
        return false;
    }
    if (d->n_fields && !d->fields) {
        snprintf(why, why_size, "certificate: %zu fields announced, none given", d->n_fields);
        return false;
    }
    for (size_t i = 0; i < d->n_fields; i++) {
        char what[CERTIFICATE_TEXT_MAX + 64];
        const char *label = pick(&d->fields[i].label, lang);
        snprintf(what, sizeof what, "the label of field %zu", i + 1);
        if (!check(label, CERTIFICATE_TEXT_MAX, what, why, why_size))
            return false;
        snprintf(what, sizeof what, "the value of field %zu (%s)", i + 1, label);
        if (!check(d->fields[i].value, CERTIFICATE_VALUE_MAX, what, why, why_size))
            return false;
    }
    char code[80];
    if (!find_code(d, code, sizeof code)) {
        snprintf(why, why_size, "certificate: no verification code (neither verify_code nor "
                                "a code= parameter in the verification link)");
        return false;
    }
    return true;
}

bool certificate_check(const certificate_doc *d, char *why, size_t why_size)
{
    return check_doc(d, why, why_size);
}

/* ---- a copy for another thread ------------------------------------------- */

typedef struct doc_block {
    size_t size;                /* of the whole block, for the wipe */
    certificate_doc doc;
    /* then the fields, then every string */
} doc_block;

static size_t size_of(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static const char *copy_into(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    *at += n;
    return *at - n;
}

certificate_doc *certificate_doc_copy(const certificate_doc *d, char *why, size_t why_size)
{
    if (!check_doc(d, why, why_size))
        return NULL;
    size_t strings = size_of(d->lang) + size_of(d->kind) + size_of(d->title.zh) +
                     size_of(d->title.en) + size_of(d->number) + size_of(d->holder_name) +
                     size_of(d->id_number) + size_of(d->issued_at) + size_of(d->issuer.zh) +
                     size_of(d->issuer.en) + size_of(d->verify_url) + size_of(d->verify_code) +
                     size_of(d->kiosk_id);
    for (size_t i = 0; i < d->n_fields; i++)
        strings += size_of(d->fields[i].label.zh) + size_of(d->fields[i].label.en) +
                   size_of(d->fields[i].value);
    size_t size = sizeof(doc_block) + d->n_fields * sizeof(certificate_field) + strings;
    doc_block *b = malloc(size);
    if (!b) {
        snprintf(why, why_size, "certificate: out of memory");
        return NULL;
    }
    b->size = size;
    certificate_field *fields = (certificate_field *)(b + 1);
    char *at = (char *)(fields + d->n_fields);
    certificate_doc *c = &b->doc;
    *c = *d;
    c->lang = copy_into(&at, d->lang);
    c->kind = copy_into(&at, d->kind);
    c->title.zh = copy_into(&at, d->title.zh);
    c->title.en = copy_into(&at, d->title.en);
    c->number = copy_into(&at, d->number);
    c->holder_name = copy_into(&at, d->holder_name);
    c->id_number = copy_into(&at, d->id_number);
    c->issued_at = copy_into(&at, d->issued_at);
    c->issuer.zh = copy_into(&at, d->issuer.zh);
    c->issuer.en = copy_into(&at, d->issuer.en);
    c->verify_url = copy_into(&at, d->verify_url);
    c->verify_code = copy_into(&at, d->verify_code);
    c->kiosk_id = copy_into(&at, d->kiosk_id);
    for (size_t i = 0; i < d->n_fields; i++) {
        fields[i].label.zh = copy_into(&at, d->fields[i].label.zh);
        fields[i].label.en = copy_into(&at, d->fields[i].label.en);
        fields[i].value = copy_into(&at, d->fields[i].value);
    }
    c->fields = d->n_fields ? fields : NULL;
    return c;
}

void certificate_doc_free(certificate_doc *d)
{
    if (!d)
        return;
    doc_block *b = (doc_block *)((char *)d - offsetof(doc_block, doc));
    explicit_bzero(b, b->size);
    free(b);
}

certificate_identity certificate_identity_for_kind(const char *kind)
{
    /* Deliberately a list, not a rule: see certificate.h. */
    static const char *const full[] = {"si_enrolment", "mi_enrolment"};
    for (size_t i = 0; kind && i < sizeof full / sizeof *full; i++)
        if (!strcmp(kind, full[i]))
            return CERTIFICATE_IDENTITY_FULL;
    return CERTIFICATE_IDENTITY_MASKED;
}

/* ---- the PDF's bytes ----------------------------------------------------- */

/* cairo writes the PDF in pieces; it may carry the holder's identity, so
 * a buffer that grows is copied and the old one wiped, never realloc'd
 * (which could leave a copy behind in freed memory). */
typedef struct sink {
    unsigned char *data;
    size_t len, cap;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
    sink *s = closure;
    if (n > s->cap - s->len) {
        size_t cap = s->cap ? s->cap : 64 * 1024;
        while (n > cap - s->len) {
            if (cap > ((size_t)-1) / 2)
                return CAIRO_STATUS_WRITE_ERROR;
            cap *= 2;
        }
        unsigned char *grown = malloc(cap);
        if (!grown)
            return CAIRO_STATUS_WRITE_ERROR;
        if (s->len)
            memcpy(grown, s->data, s->len);
        certificate_free(s->data, s->len);
        s->data = grown;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, n);
    s->len += n;
    return CAIRO_STATUS_SUCCESS;
}

void certificate_free(unsigned char *pdf, size_t len)
{
    if (!pdf)
        return;
    explicit_bzero(pdf, len);
    free(pdf);
}

/* ---- drawing ------------------------------------------------------------- */

/* Everything printed, in the certificate's language. */
typedef struct words {
    const char *lang;
    const char *title, *issuer;
    char number[CERTIFICATE_TEXT_MAX + 64];
    char name[CERTIFICATE_TEXT_MAX + 1], id_number[CERTIFICATE_TEXT_MAX + 1];
    char issued[CERTIFICATE_TEXT_MAX + 64], issuer_line[CERTIFICATE_TEXT_MAX + 64];
    char code[80];
    char how[CERTIFICATE_URL_MAX + 400];
    char footer_left[512], footer_right[64];
} words;

static void find_words(const certificate_doc *d, words *w)
{
    w->lang = empty(d->lang) ? "zh" : d->lang;
    const char *lang = w->lang;
    w->title = pick(&d->title, lang);
    w->issuer = pick(&d->issuer, lang);
    i18n_format_lang(w->number, sizeof w->number, lang, "certificate.number", "number",
                     d->number, (char *)NULL);
    if (certificate_identity_for_kind(d->kind) == CERTIFICATE_IDENTITY_FULL) {
        /* in full, deliberately: certificate_identity_for_kind says why */
        snprintf(w->name, sizeof w->name, "%s", d->holder_name);
        snprintf(w->id_number, sizeof w->id_number, "%s", d->id_number);
    } else {
        idcard_mask_name(d->holder_name, w->name, sizeof w->name);
        idcard_mask_number(d->id_number, w->id_number, sizeof w->id_number);
    }
    int y, m, day;
    issued_date(d->issued_at, &y, &m, &day);
    char ys[8], ms[4], ds[4], date[64];
    snprintf(ys, sizeof ys, "%04d", y);
    snprintf(ms, sizeof ms, "%02d", m);
    snprintf(ds, sizeof ds, "%02d", day);
    i18n_format_lang(date, sizeof date, lang, "certificate.date", "year", ys, "month", ms,
                     "day", ds, (char *)NULL);
    i18n_format_lang(w->issued, sizeof w->issued, lang, "certificate.issued", "date", date,
                     (char *)NULL);
    i18n_format_lang(w->issuer_line, sizeof w->issuer_line, lang, "certificate.issuer",
                     "issuer", w->issuer, (char *)NULL);
    find_code(d, w->code, sizeof w->code);
    /* the address to type the code into: the link without its query */
    char site[CERTIFICATE_URL_MAX + 1];
    snprintf(site, sizeof site, "%.*s", (int)strcspn(d->verify_url, "?#"), d->verify_url);
    i18n_format_lang(w->how, sizeof w->how, lang, "certificate.verify_how", "url", site,
                     (char *)NULL);
    struct tm tm;
    localtime_r(&d->printed_at, &tm);
    char when[32], printed[96], kiosk[CERTIFICATE_TEXT_MAX + 64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    i18n_format_lang(printed, sizeof printed, lang, "certificate.printed_at", "time", when,
                     (char *)NULL);
    i18n_format_lang(kiosk, sizeof kiosk, lang, "certificate.kiosk", "kiosk", d->kiosk_id,
                     (char *)NULL);
    snprintf(w->footer_left, sizeof w->footer_left, "%s    %s", printed, kiosk);
    i18n_format_lang(w->footer_right, sizeof w->footer_right, lang, "certificate.page", "page",
                     "1", "pages", "1", (char *)NULL);
}

/* One row of the table. */
typedef struct row {
    PangoLayout *label, *value;
    double h;
} row;

/* Lays the page out and draws it; false (p failed) when something does
 * not fit or cannot be shown. */
static bool draw_page(pen *p, const certificate_doc *d, const words *w, const QRcode *q,
                      certificate_layout *out)
{
    const char *lang = w->lang;
    const char *font = p->font;
    double y = MARGIN_TOP;

    /* header: title, number, a double rule */
    PangoLayout *title = text(p, w->title, font, PT_TITLE, true, CONTENT_W, PANGO_ALIGN_CENTER,
                              "the title");
    PangoLayout *number = text(p, w->number, font, PT_NUMBER, false, CONTENT_W,
                               PANGO_ALIGN_RIGHT, "the certificate number");

    /* the table: the label column as wide as its widest label (within
     * limits), the values in the rest */
    size_t n_rows = d->n_fields + 2;
    row rows[CERTIFICATE_MAX_FIELDS + 2];
    const char *labels[CERTIFICATE_MAX_FIELDS + 2], *values[CERTIFICATE_MAX_FIELDS + 2];
    labels[0] = tr_lang(lang, "certificate.name");
    values[0] = w->name;
    labels[1] = tr_lang(lang, "certificate.id_number");
    values[1] = w->id_number;
    for (size_t i = 0; i < d->n_fields; i++) {
        labels[i + 2] = pick(&d->fields[i].label, lang);
        values[i + 2] = d->fields[i].value;
    }
    double label_w = 0;
    for (size_t i = 0; i < n_rows && !p->failed; i++) {
        PangoLayout *l = text(p, labels[i], font, PT_BODY, false, 0, PANGO_ALIGN_LEFT,
                              "a label");
        if (l && width_of(l) > label_w)
            label_w = width_of(l);
    }
    double label_col = label_w + 2 * CELL_PAD_X;
    label_col = label_col < LABEL_COL_MIN ? LABEL_COL_MIN
              : label_col > LABEL_COL_MAX ? LABEL_COL_MAX
                                          : label_col;
    double value_col = CONTENT_W - label_col;
    for (size_t i = 0; i < n_rows && !p->failed; i++) {
        char what[64];
        if (i < 2)
            snprintf(what, sizeof what, "%s", i == 0 ? "the holder's name" : "the ID number");
        else
            snprintf(what, sizeof what, "field %zu", i - 1);
        rows[i].label = text(p, labels[i], font, PT_BODY, false, label_col - 2 * CELL_PAD_X,
                             PANGO_ALIGN_LEFT, what);
        rows[i].value = text(p, values[i], font, PT_BODY, i < 2, value_col - 2 * CELL_PAD_X,
                             PANGO_ALIGN_LEFT, what);
        if (!p->failed) {
            double h = height_of(rows[i].label);
            if (height_of(rows[i].value) > h)
                h = height_of(rows[i].value);
            rows[i].h = h + 2 * CELL_PAD_Y < ROW_MIN_H ? ROW_MIN_H : h + 2 * CELL_PAD_Y;
        }
    }

    /* after the table: the statement, then issuer and date on the right */
    PangoLayout *statement = text(p, tr_lang(lang, "certificate.statement"), font, PT_BODY,
                                  false, CONTENT_W, PANGO_ALIGN_LEFT, "the statement");
    double sign_w = CONTENT_W * 0.62;
    PangoLayout *issuer = text(p, w->issuer_line, font, PT_BODY, false, sign_w,
                               PANGO_ALIGN_RIGHT, "the issuer");
    PangoLayout *issued = text(p, w->issued, font, PT_BODY, false, sign_w, PANGO_ALIGN_RIGHT,
                               "the date of issue");

    /* the footer, from the bottom up */
    PangoLayout *note = text(p, tr_lang(lang, "certificate.footer_note"), font, PT_FOOTER,
                             false, CONTENT_W, PANGO_ALIGN_CENTER, "the footer");
    PangoLayout *foot_l = text(p, w->footer_left, font, PT_FOOTER, false, CONTENT_W * 0.75,
                               PANGO_ALIGN_LEFT, "the footer");
    PangoLayout *foot_r = text(p, w->footer_right, font, PT_FOOTER, false, CONTENT_W * 0.25,
                               PANGO_ALIGN_RIGHT, "the footer");

    /* the verification box: the QR code on the left, its words beside */
    int total = q->width + 2 * QR_QUIET;
    double module = QR_SIDE_MAX / total;
    if (module > QR_MODULE_MAX)
        module = QR_MODULE_MAX;
    if (module < QR_MODULE_MIN) {
        fail(p, "certificate: %s is too long for a QR code a phone can read on paper",
             "the verification link");
        return false;
    }
    double qr_side = module * total;
    double words_w = CONTENT_W - 2 * VERIFY_PAD - qr_side - 4.0 * MM;
    PangoLayout *code_label = text(p, tr_lang(lang, "certificate.verify_code"), font, PT_SMALL,
                                   false, words_w, PANGO_ALIGN_LEFT, "the verification label");
    PangoLayout *code = text(p, w->code, CERTIFICATE_FONT_MONO, PT_CODE, true, words_w,
                             PANGO_ALIGN_LEFT, "the verification code");
    PangoLayout *how = text(p, w->how, font, PT_SMALL, false, words_w, PANGO_ALIGN_LEFT,
                            "the verification text");
    if (p->failed)
        return false;

    /* where everything goes */
    double title_y = y;
    y += height_of(title) + 2.5 * MM;
    double number_y = y;
    y += height_of(number) + 2.0 * MM;
    double rule_y = y;
    y += 1.5 * MM + 6.0 * MM;
    double table_y = y;
    for (size_t i = 0; i < n_rows; i++)
        y += rows[i].h;
    double table_end = y;
    y += 5.0 * MM;
    double statement_y = y;
    y += height_of(statement) + 8.0 * MM;
    double issuer_y = y;
    y += height_of(issuer) + 1.0 * MM;
    double issued_y = y;
    y += height_of(issued);
    double used_to = y;

    double note_y = PAGE_H - MARGIN_BOTTOM - height_of(note);
    double foot_h = height_of(foot_l) > height_of(foot_r) ? height_of(foot_l) : height_of(foot_r);
    double foot_y = note_y - 1.0 * MM - foot_h;
    double foot_rule_y = foot_y - 1.5 * MM;
    double words_h = height_of(code_label) + 1.0 * MM + height_of(code) + 2.0 * MM +
                     height_of(how);
    double box_h = (qr_side > words_h ? qr_side : words_h) + 2 * VERIFY_PAD;
    double box_y = foot_rule_y - 6.0 * MM - box_h;
    double room = box_y - 8.0 * MM - used_to;
    if (out) {
        out->table_bottom = table_end;
        out->room_left = room;
        out->fields_drawn = (int)n_rows;
    }
    if (room < 0) {
        char need[120];
        snprintf(need, sizeof need, "the table needs %.0f mm, %.0f mm are free",
                 (table_end - table_y) / MM, (table_end - table_y + room) / MM);
        fail(p, "certificate: the fields do not fit on one A4 page (%s)", need);
        return false;
    }

    /* drawing: the header */
    show(p, title, MARGIN_X, title_y, 0);
    show(p, number, MARGIN_X, number_y, 0.2);
    line(p, MARGIN_X, rule_y, MARGIN_X + CONTENT_W, rule_y, 1.4);
    line(p, MARGIN_X, rule_y + 1.5 * MM, MARGIN_X + CONTENT_W, rule_y + 1.5 * MM, 0.5);

    /* the table: the label column tinted, rules between the rows and
     * columns, a heavier frame */
    api.cairo_set_source_rgb(p->cr, LABEL_FILL, LABEL_FILL, LABEL_FILL);
    api.cairo_rectangle(p->cr, MARGIN_X, table_y, label_col, table_end - table_y);
    api.cairo_fill(p->cr);
    double ry = table_y;
    for (size_t i = 0; i < n_rows; i++) {
        double ly = ry + (rows[i].h - height_of(rows[i].label)) / 2;
        double vy = ry + (rows[i].h - height_of(rows[i].value)) / 2;
        show(p, rows[i].label, MARGIN_X + CELL_PAD_X, ly, 0);
        show(p, rows[i].value, MARGIN_X + label_col + CELL_PAD_X, vy, 0);
        ry += rows[i].h;
        if (i + 1 < n_rows)
            line(p, MARGIN_X, ry, MARGIN_X + CONTENT_W, ry, RULE_INNER);
    }
    line(p, MARGIN_X + label_col, table_y, MARGIN_X + label_col, table_end, RULE_INNER);
    box(p, MARGIN_X, table_y, CONTENT_W, table_end - table_y, RULE_OUTER);

    /* statement, issuer, date */
    show(p, statement, MARGIN_X, statement_y, 0);
    show(p, issuer, MARGIN_X + CONTENT_W - sign_w, issuer_y, 0);
    show(p, issued, MARGIN_X + CONTENT_W - sign_w, issued_y, 0);

    /* the verification box */
    box(p, MARGIN_X, box_y, CONTENT_W, box_h, RULE_INNER);
    double qr_x = MARGIN_X + VERIFY_PAD, qr_y = box_y + (box_h - qr_side) / 2;
    if (q->data)
        draw_qr(p, q, qr_x, qr_y, module);
    double wx = qr_x + qr_side + 4.0 * MM, wy = box_y + (box_h - words_h) / 2;
    show(p, code_label, wx, wy, 0.25);
    wy += height_of(code_label) + 1.0 * MM;
    show(p, code, wx, wy, 0);
    wy += height_of(code) + 2.0 * MM;
    show(p, how, wx, wy, 0.2);
    if (out) {
        out->qr_x = qr_x;
        out->qr_y = qr_y;
        out->qr_side = qr_side;
        out->qr_module = module;
        out->qr_modules = q->width;
    }

    /* the footer */
    line(p, MARGIN_X, foot_rule_y, MARGIN_X + CONTENT_W, foot_rule_y, RULE_INNER);
    show(p, foot_l, MARGIN_X, foot_y, 0.3);
    show(p, foot_r, MARGIN_X + CONTENT_W * 0.75, foot_y, 0.3);
    show(p, note, MARGIN_X, note_y, 0.3);
    return true;
}

/* A context for the page: unhinted metrics, so text is laid out at its
 * true widths on a vector page (hinting is for screen pixels), in the
 * certificate's language (which picks the simplified-Chinese glyph forms
 * for zh). */
static PangoContext *page_context(cairo_t *cr, const char *lang)
{
    PangoContext *ctx = api.pango_cairo_create_context(cr);
    if (!ctx)
        return NULL;
    cairo_font_options_t *fo = api.cairo_font_options_create();
    api.cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    api.cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    api.pango_cairo_context_set_font_options(ctx, fo);
    api.cairo_font_options_destroy(fo);
    api.pango_context_set_language(ctx, api.pango_language_from_string(
                                            !strcmp(lang, "zh") ? "zh-cn" : lang));
    return ctx;
}

unsigned char *certificate_render(const certificate_doc *d, const certificate_options *o,
                                  size_t *len, certificate_layout *layout, char *why,
                                  size_t why_size)
{
    *len = 0;
    if (layout)
        memset(layout, 0, sizeof *layout);
    if (!check_doc(d, why, why_size) || !load(why, why_size))
        return NULL;
    words *w = calloc(1, sizeof *w);
    QRcode *q = qr_encode(d->verify_url);
    if (!w || !q) {
        snprintf(why, why_size, !w ? "certificate: out of memory"
                                   : "certificate: the verification link cannot be made a "
                                     "QR code");
        free(w);
        if (q)
            QRcode_free(q);
        return NULL;
    }
    find_words(d, w);
    QRcode shown = *q;
    if (o && o->omit_qr)
        shown.data = NULL;

    sink s = {0};
    cairo_surface_t *surface =
        api.cairo_pdf_surface_create_for_stream(sink_write, &s, PAGE_W, PAGE_H);
    /* metadata without personal data: the title and who made it; the
     * creation date is the print time, not whenever cairo runs */
    struct tm tm;
    localtime_r(&d->printed_at, &tm);
    char date[40];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S%z", &tm);
    if (strlen(date) == 24) {       /* +0800 -> +08:00, as PDF dates want */
        memmove(date + 23, date + 22, 2);
        date[22] = ':';
        date[25] = '\0';
    }
    api.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, w->title);
    api.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "kiosk");
    api.cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_t *cr = api.cairo_create(surface);
    pen p = {.cr = cr, .font = o && !empty(o->font) ? o->font : CERTIFICATE_FONT,
             .why = why, .why_size = why_size};
    p.ctx = page_context(cr, w->lang);
    if (!p.ctx)
        fail(&p, "certificate: %s", "pango has no context (out of memory?)");
    bool ok = !p.failed && draw_page(&p, d, w, &shown, layout);
    if (layout && o && o->omit_qr)
        layout->qr_modules = 0;
    for (int i = 0; i < p.n_made; i++)
        api.g_object_unref(p.made[i]);
    if (p.ctx)
        api.g_object_unref(p.ctx);
    if (ok)
        api.cairo_show_page(cr);
    cairo_status_t st = api.cairo_status(cr);
    api.cairo_destroy(cr);
    api.cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = api.cairo_surface_status(surface);
    api.cairo_surface_destroy(surface);
    QRcode_free(q);
    explicit_bzero(w, sizeof *w);
    free(w);
    if (ok && st != CAIRO_STATUS_SUCCESS) {
        snprintf(why, why_size, "certificate: cairo: %s", api.cairo_status_to_string(st));
        ok = false;
    }
    if (!ok)
        certificate_free(s.data, s.len);
    /* cairo 1.16's font subsetter copies each face's whole CFF table into
     * the heap for every PDF (about 16 MB for a Noto Sans CJK face) and
     * frees it; glibc keeps such pages, and without this the kiosk would
     * hold some 30 MB more for good after its first certificate. About
     * 1 ms. */
    malloc_trim(0);
    if (!ok)
        return NULL;
    *len = s.len;
    return s.data;
}

bool certificate_preload(char *why, size_t why_size)
{
    /* The libraries only: fontconfig's configuration and the faces (about
     * 3 MB of heap and 11 MB of mapped files more) wait for the first
     * certificate, which renders on the printer thread, where 50 ms more
     * once is nothing beside the printer's own warm-up. */
    return load(why, why_size);
}
