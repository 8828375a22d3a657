#include "receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "i18n/i18n.h"
#include "ui/ui.h"

/* Sizes on paper, in millimetres. Body text of 4.5 mm (about 13 pt) is what
 * large-print guidance asks for elderly readers and still fits ten Chinese
 * characters a line on 58 mm paper; the ticket number is the largest thing
 * on the receipt because it is what the resident compares with the
 * queue display across the hall. */
#define MM_SMALL 3.5
#define MM_BODY 4.5
#define MM_TITLE 6.0
#define MM_CODE 10.0
#define MM_GAP 2.0
#define MM_MARGIN 1.0
#define MM_RULE 0.25
/* A bigger code wastes paper and scans no better: at 40 mm a typical link
 * (version 4, 41 modules with the quiet zone) gets 7 dots (0.9 mm) a module
 * at 203 dpi, which any phone reads at arm's length. */
#define MM_QR_MAX 40.0
/* Two metres of paper: a receipt longer than that is a bug upstream. */
#define MAX_HEIGHT_MM 2000.0

typedef struct metrics {
    int small, body, title, code;   /* text sizes, dots */
    int gap, margin, rule, qr_max, max_height;
} metrics;

static int mm(double v, int dpi)
{
    return (int)(v * dpi / 25.4 + 0.5);
}

static metrics metrics_for(int dpi)
{
    metrics m = {mm(MM_SMALL, dpi), mm(MM_BODY, dpi), mm(MM_TITLE, dpi), mm(MM_CODE, dpi),
                 mm(MM_GAP, dpi),   mm(MM_MARGIN, dpi), mm(MM_RULE, dpi), mm(MM_QR_MAX, dpi),
                 mm(MAX_HEIGHT_MM, dpi)};
    if (m.rule < 2)
        m.rule = 2;
    return m;
}

/* One pass over the receipt: measuring (draw false) or drawing. The same
 * code does both, so the surface is exactly as tall as what is drawn. */
typedef struct pen {
    ui *u;
    const metrics *m;
    bool draw;
    int x, w, y;
} pen;

static const SDL_Color BLACK = {0, 0, 0, 255};

static bool empty(const char *s)
{
    return !s || !*s;
}

static void para(pen *p, const char *s, int px, text_weight wt)
{
    p->y += ui_paragraph(p->u, s, p->x, p->y, p->w, px, wt, BLACK, UI_LEFT, p->draw);
}

/* A centred paragraph in as many lines as the column needs, but with its
 * lines evened out: "西湖区文新街道 / 便民服务中心" rather than a long line
 * and an orphan "中心". The narrowest width that needs no more lines is
 * found by halving (line count only falls as the width grows). */
static void centred(pen *p, const char *s, int px, text_weight wt)
{
    ui *u = p->u;
    int full = ui_paragraph(u, s, 0, 0, p->w, px, wt, BLACK, UI_CENTER, false);
    int lo = 1, hi = p->w;
    if (full > text_line_height(px, wt))
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (ui_paragraph(u, s, 0, 0, mid, px, wt, BLACK, UI_CENTER, false) <= full)
                hi = mid;
            else
                lo = mid + 1;
        }
    int w = full > text_line_height(px, wt) ? hi : p->w;
    p->y += ui_paragraph(u, s, p->x + (p->w - w) / 2, p->y, w, px, wt, BLACK, UI_CENTER,
                         p->draw);
}

static void rule(pen *p)
{
    p->y += p->m->gap;
    if (p->draw)
        ui_fill(p->u, (SDL_Rect){p->x, p->y, p->w, p->m->rule}, BLACK);
    p->y += p->m->rule + p->m->gap;
}

/* Label above value, as the screens' documents show them: it works for any
 * label length in any language, where a label column would squeeze the
 * value on 58 mm paper. */
static void field(pen *p, const char *lang, const char *key, const char *value)
{
    if (empty(value))
        return;
    para(p, tr_lang(lang, key), p->m->small, TEXT_REGULAR);
    para(p, value, p->m->body, TEXT_BOLD);
    p->y += p->m->gap / 2;
}

/* "1." with the text hanging beside it, like a guide's numbered items. */
static void item(pen *p, int n, const char *text)
{
    char num[16];
    snprintf(num, sizeof num, "%d.", n);
    int ind = p->m->body * 3 / 2;
    if (p->draw)
        ui_text(p->u, num, p->x, p->y, ind, p->m->body, TEXT_BOLD, BLACK, UI_LEFT, false);
    p->y += ui_paragraph(p->u, text, p->x + ind, p->y, p->w - ind, p->m->body, TEXT_REGULAR,
                         BLACK, UI_LEFT, p->draw);
}

/* The largest size, down to body text, at which code fits one line of w:
 * a code broken across lines ("YY20261 / 207-0041") gets misread. Sizes
 * step by 4 dots so a kiosk's years of different codes open few faces. */
static int code_px(const metrics *m, const char *code, int w)
{
    int px = m->code;
    int tw = text_width(code, strlen(code), px, TEXT_BOLD);
    if (tw > w)
        px = (int)((long)px * w / tw) / 4 * 4;
    while (px > m->body && text_width(code, strlen(code), px, TEXT_BOLD) > w)
        px -= 4;
    return px < m->body ? m->body : px;
}

/* The ticket or appointment code, large, in a frame so it reads as the
 * one thing to keep. */
static void code_box(pen *p, const char *label, const char *code)
{
    const metrics *m = p->m;
    int top = p->y + m->gap / 2;
    p->y = top + m->rule + m->gap / 2;
    pen in = *p;    /* inside the frame */
    in.x += m->rule + m->gap / 2;
    in.w -= 2 * (m->rule + m->gap / 2);
    centred(&in, label, m->small, TEXT_REGULAR);
    centred(&in, code, code_px(m, code, in.w), TEXT_BOLD);
    p->y = in.y;
    p->y += m->gap / 2 + m->rule;
    if (p->draw) {
        int h = p->y - top;
        ui_fill(p->u, (SDL_Rect){p->x, top, p->w, m->rule}, BLACK);
        ui_fill(p->u, (SDL_Rect){p->x, p->y - m->rule, p->w, m->rule}, BLACK);
        ui_fill(p->u, (SDL_Rect){p->x, top, m->rule, h}, BLACK);
        ui_fill(p->u, (SDL_Rect){p->x + p->w - m->rule, top, m->rule, h}, BLACK);
    }
    p->y += m->gap / 2;
}

static int layout(pen *p, const receipt *rc, int qr_side, SDL_Rect *qr)
{
    const metrics *m = p->m;
    const char *lang = rc->lang;
    p->y = m->gap;
    centred(p, rc->site_name, m->title, TEXT_BOLD);
    centred(p, tr_lang(lang, "receipt.title"), m->body, TEXT_REGULAR);
    rule(p);

    field(p, lang, "receipt.service", rc->service_name);
    field(p, lang, "receipt.transaction", rc->transaction_no);
    struct tm tm;
    localtime_r(&rc->time, &tm);
    char year[16], month[16], day[16], hour[16], minute[16], when[96];
    snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    snprintf(month, sizeof month, "%02d", tm.tm_mon + 1);
    snprintf(day, sizeof day, "%02d", tm.tm_mday);
    snprintf(hour, sizeof hour, "%02d", tm.tm_hour);
    snprintf(minute, sizeof minute, "%02d", tm.tm_min);
    i18n_format_lang(when, sizeof when, lang, "receipt.datetime", "year", year, "month", month,
                     "day", day, "hour", hour, "minute", minute, (char *)NULL);
    field(p, lang, "receipt.time", when);
    field(p, lang, "receipt.name", rc->masked_name);
    field(p, lang, "receipt.id_number", rc->masked_id_number);
    if (rc->code_kind != RECEIPT_CODE_NONE && !empty(rc->code))
        code_box(p, tr_lang(lang, rc->code_kind == RECEIPT_CODE_TICKET ? "receipt.ticket"
                                                                      : "receipt.appointment"),
                 rc->code);

    if (!empty(rc->next_steps) || rc->n_materials) {
        rule(p);
        if (!empty(rc->next_steps)) {
            para(p, tr_lang(lang, "receipt.next_steps"), m->body, TEXT_BOLD);
            para(p, rc->next_steps, m->body, TEXT_REGULAR);
            p->y += m->gap;
        }
        if (rc->n_materials) {
            para(p, tr_lang(lang, "receipt.materials"), m->body, TEXT_BOLD);
            for (size_t i = 0; i < rc->n_materials; i++)
                item(p, (int)i + 1, rc->materials[i] ? rc->materials[i] : "");
        }
    }
    rule(p);

    /* The code's square is left white here and drawn into the raster
     * afterwards, dot-exact: a scaled, anti-aliased and thresholded copy
     * would blur module edges. */
    *qr = (SDL_Rect){p->x + (p->w - qr_side) / 2, p->y, qr_side, qr_side};
    p->y += qr_side;
    centred(p, tr_lang(lang, "receipt.qr"), m->small, TEXT_REGULAR);
    p->y += m->gap;
    char hot[128];
    i18n_format_lang(hot, sizeof hot, lang, "receipt.hotline", "hotline", rc->hotline,
                     (char *)NULL);
    centred(p, hot, m->body, TEXT_BOLD);
    centred(p, tr_lang(lang, "receipt.keep"), m->small, TEXT_REGULAR);
    p->y += m->gap * 2;
    return p->y;
}

bool receipt_name_is_masked(const char *name)
{
    return empty(name) || strchr(name, '*');
}

bool receipt_id_is_masked(const char *id_number)
{
    if (empty(id_number))
        return true;
    size_t clear = 0;
    bool star = false;
    for (const char *s = id_number; *s;) {
        uint32_t cp = utf8_next(&s);
        if (cp == '*')
            star = true;
        else
            clear++;
    }
    /* idcard_mask_number keeps the first 4 and last 4 of 12 or more */
    return star && clear <= 8;
}

static raster *refuse(char *why, size_t size, const char *msg)
{
    if (size)
        snprintf(why, size, "receipt: %s", msg);
    return NULL;
}

raster *receipt_render(const receipt *rc, const receipt_format *f, receipt_layout *layout_out,
                       char *why, size_t why_size)
{
    char msg[160];
    if (!rc || !f || empty(rc->lang))
        return refuse(why, why_size, "no receipt, format or language");
    int dpi = f->dpi ? f->dpi : 203;
    if (f->width < 192 || f->width > 2048 || f->width % 8 || dpi < 100 || dpi > 600) {
        snprintf(msg, sizeof msg,
                 "width %d dots at %d dpi: the width must be a multiple of 8 in 192..2048, "
                 "the resolution 100..600",
                 f->width, dpi);
        return refuse(why, why_size, msg);
    }
    if (empty(rc->site_name) || empty(rc->service_name) || empty(rc->transaction_no) ||
        empty(rc->qr_text) || empty(rc->hotline))
        return refuse(why, why_size,
                      "site name, service, transaction number, QR text and hotline are required");
    if (!receipt_name_is_masked(rc->masked_name) || !receipt_id_is_masked(rc->masked_id_number))
        return refuse(why, why_size,
                      "identity not masked: pass idcard_mask_name / idcard_mask_number output");

    metrics m = metrics_for(dpi);
    int col = f->width - 2 * m.margin;
    int qr_module, qr_side;
    if (!raster_qr_size(rc->qr_text, col < m.qr_max ? col : m.qr_max, &qr_module, &qr_side)) {
        snprintf(msg, sizeof msg,
                 "the QR code of %zu bytes does not fit %d dots at %d dots a module",
                 strlen(rc->qr_text), col < m.qr_max ? col : m.qr_max, RASTER_QR_MIN_MODULE);
        return refuse(why, why_size, msg);
    }

    ui *u = calloc(1, sizeof *u);
    if (!u)
        return refuse(why, why_size, "out of memory");
    ui_init(u, NULL);
    pen p = {u, &m, false, m.margin, col, 0};
    SDL_Rect qr;
    int height = layout(&p, rc, qr_side, &qr);
    if (height > m.max_height) {
        free(u);
        snprintf(msg, sizeof msg, "%d rows is longer than two metres of paper", height);
        return refuse(why, why_size, msg);
    }

    raster *out = NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, f->width, height, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (r) {
        ui_init(u, r);
        u->th.w = f->width;     /* what ui_paragraph clips to */
        u->th.h = height;
        SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
        SDL_RenderClear(r);
        p = (pen){u, &m, true, m.margin, col, 0};
        layout(&p, rc, qr_side, &qr);
        SDL_RenderFlush(r);
        out = raster_from_surface(s, RASTER_THRESHOLD);
        if (out && !raster_draw_qr(out, qr.x, qr.y, qr_side, rc->qr_text, &qr)) {
            raster_free(out);
            out = NULL;
        }
        /* the receipt's line textures die with this renderer */
        text_flush_renderer(r);
        SDL_DestroyRenderer(r);
    }
    SDL_FreeSurface(s);
    free(u);
    if (!out)
        return refuse(why, why_size, "out of memory or no renderer for the receipt");
    if (layout_out) {
        layout_out->qr = qr;
        layout_out->qr_module = qr_module;
    }
    return out;
}
